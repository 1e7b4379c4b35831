#!/usr/bin/env bash
# Installs Debian's dataset-fashion-mnist (into /usr/share/datasets/fashion-mnist) unless it is there.
set -euo pipefail
dir=/usr/share/datasets/fashion-mnist
if [ -f "$dir/t10k-labels-idx1-ubyte.gz" ] || [ -f "$dir/t10k-labels-idx1-ubyte" ]; then exit 0; fi
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
echo "installing dataset-fashion-mnist (apt-get)"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
