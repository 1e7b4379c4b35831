#!/usr/bin/env bash
# The README's first command: set up a fresh clone, then train FLOAT on fmnist-quick and evaluate it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-fashion-mnist.sh
npm ci --no-audit --no-fund
start=$(date +%s)
npm run main
echo "main job (build + train + eval) took $(( $(date +%s) - start )) s"
