#!/usr/bin/env bash
# Installs Debian's slurm-wlm and munge (for the one-node SLURM test) unless slurmctld and munged are there.
set -euo pipefail
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null; then exit 0; fi
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
echo "slurm-test: installing slurm-wlm and munge (apt-get)"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge
