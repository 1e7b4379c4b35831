#!/usr/bin/env bash
# Packed-install test: packs every published (non-private) workspace package (prepack builds each), installs
# the tarballs into a fresh project outside the workspace, and runs there an ESM and a CommonJS quickstart and
# `npx float`. Prints the size of the clean install. Needs the npm registry (for tfjs and the CLI's dependencies).
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
# The published packages only: a private workspace package (the test-only packages/integration) is never
# published, and `npm pack --workspaces` would pack it too.
mapfile -t publishable < <(cd "$repo" && node -e '
  const { existsSync, readFileSync, readdirSync } = require("node:fs");
  for (const d of readdirSync("packages").sort()) {
    const f = `packages/${d}/package.json`;
    if (existsSync(f) && !JSON.parse(readFileSync(f, "utf8")).private) console.log(`--workspace=packages/${d}`);
  }')
[ ${#publishable[@]} -gt 0 ] || { echo "packed-install: no publishable workspace package found" >&2; exit 1; }
(cd "$repo" && npm pack "${publishable[@]}" "${scripts[@]}" --pack-destination "$work/tarballs" --silent > "$work/pack.log" 2>&1) || { tail -30 "$work/pack.log"; exit 1; }
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

# The native kernels without a compiler: the native-kernels tarball carries the prebuilt binary of the machine
# that packed it (prepack). A second project is installed with a PATH that holds node, npm and sh only (no
# python3, make, g++ or cc), so the install script cannot compile; the kernels must still be on, from the
# prebuilt binary. Then, as on a platform with no prebuild, the binary is removed and the package rebuilt
# without a compiler: the CLI must say that the native kernels are off and why.
tar -tzf "$work"/tarballs/floatjs-native-kernels-*.tgz > "$work/native-list.txt"
grep -q '^package/prebuilds/.*/floatjs_native.node$' "$work/native-list.txt" \
  || { echo "packed-install: the native-kernels tarball ships no prebuilt binary" >&2; exit 1; }
mkdir -p "$work/nocc-bin" "$work/nocc"
for tool in node npm npx sh; do ln -s "$(command -v $tool)" "$work/nocc-bin/$tool"; done
if PATH="$work/nocc-bin" command -v g++ cc c++ make python3 > /dev/null 2>&1; then echo "packed-install: the stripped PATH still has a compiler" >&2; exit 1; fi
cd "$work/nocc"
printf '{ "name": "floatjs-no-compiler-check", "private": true, "version": "1.0.0" }\n' > package.json
echo "packed-install: npm install with no compiler on PATH ($work/nocc-bin: node, npm, npx, sh)"
PATH="$work/nocc-bin" npm install --no-audit --no-fund --foreground-scripts --loglevel=error "$work"/tarballs/*.tgz @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0 2>&1 \
  | grep -E '@floatjs/native-kernels' || true
cp "$repo/scripts/packed-install/native-check.mjs" .
PATH="$work/nocc-bin" node native-check.mjs prebuilt
rm -rf node_modules/@floatjs/native-kernels/prebuilds
echo "packed-install: prebuilt binary removed (a platform without one); npm rebuild with no compiler"
PATH="$work/nocc-bin" npm rebuild --foreground-scripts @floatjs/native-kernels 2>&1 | grep -E '@floatjs/native-kernels' || true
PATH="$work/nocc-bin" node native-check.mjs off
echo "packed-install: ok"
