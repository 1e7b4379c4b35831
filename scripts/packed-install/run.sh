#!/usr/bin/env bash
# Packed-install test: packs every workspace package (prepack builds each), installs the tarballs into a fresh
# project outside the workspace, and runs there an ESM and a CommonJS quickstart and `npx float`. Prints the
# size of the clean install. Needs the npm registry (for tfjs and the CLI's dependencies).
#
#   bash scripts/packed-install/run.sh            # in a temporary directory, removed afterwards
#   KEEP=1 bash scripts/packed-install/run.sh     # keep it (its path is printed)
#   PREBUILT=1 bash scripts/packed-install/run.sh # pack the dist/ folders as they are (no prepack builds)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/floatjs-packed-XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs" "$work/app"
echo "packed-install: packing into $work/tarballs"
scripts=(); [ "${PREBUILT:-}" = 1 ] && scripts=(--ignore-scripts)
(cd "$repo" && npm pack --workspaces "${scripts[@]}" --pack-destination "$work/tarballs" --silent > "$work/pack.log" 2>&1) || { tail -30 "$work/pack.log"; exit 1; }
ls "$work/tarballs"
for t in "$work"/tarballs/*.tgz; do
  tar -tzf "$t" > "$work/list.txt"
  grep -qx 'package/LICENSE' "$work/list.txt" || { echo "packed-install: $(basename "$t") ships no LICENSE" >&2; exit 1; }
done
cd "$work/app"
printf '{ "name": "floatjs-packed-install-check", "private": true, "version": "1.0.0" }\n' > package.json
echo "packed-install: npm install of the tarballs"
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0
cp "$repo/scripts/packed-install/quickstart.mjs" "$repo/scripts/packed-install/quickstart.cjs" .
node quickstart.mjs
node quickstart.cjs
npx --no-install float --version
npx --no-install float train --help > /dev/null && echo "packed-install: npx float train --help ok"
echo "packed-install: install size $(du -sh node_modules | cut -f1) ($(du -sh node_modules/@tensorflow | cut -f1) under @tensorflow)"
echo "packed-install: ok"
