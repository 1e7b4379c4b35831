#!/usr/bin/env bash
# Installs what Dawn's OpenGL backend needs to give WebGPU on Mesa's llvmpipe (a machine without a GPU):
# the EGL loader and Mesa's EGL and DRI drivers, plus libegl-dev for the unversioned libEGL.so that Dawn
# opens by that name. Skipped when all are there. See packages/backend/README.md (WebGPU).
set -euo pipefail
pkgs=(libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
echo "installing ${missing[*]} (apt-get)"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
