#!/usr/bin/env bash
# Parity harness: trains the fmnist-quick recipes (float, pgd-at at λ = 1, standard) with floatjs and with the
# PyTorch twin (twin.py) for every seed, evaluates every model with the same evaluator (twin.py eval: PGD-20,
# the same draws and RA definition; floatjs models are loaded through `float export --layout pytorch`), checks
# exported logits against floatjs's own at λ = 0, and prints the table (summary.py).
#
#   bash scripts/parity/run.sh                 # seeds 1,2,3 into runs/parity
#   SEEDS=1 METHODS=float OUT=/tmp/p bash scripts/parity/run.sh
#
# Finished steps are skipped, so an interrupted harness continues where it stopped. The two sides run side by
# side, JOBS (default 2) at a time, one thread each (FLOAT_THREADS=1, PARITY_THREADS=1). Needs Debian's python3-torch and a build
# (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${SEEDS:-1,2,3}
METHODS=${METHODS:-float,pgd-at,standard}
OUT=${OUT:-runs/parity}
DRAWS=${DRAWS:-3}
EOT=${EOT:-1}
PY=${PYTHON:-/usr/bin/python3}
FLOAT="node packages/eval/bin/float.js"
mkdir -p "$OUT"
"$PY" -c 'import torch' 2>/dev/null || { echo "parity: python3-torch is missing (apt-get install -y python3-torch)" >&2; exit 1; }

method_flags() { case $1 in pgd-at) echo "--method pgd-at --lambda 1" ;; *) echo "--method $1" ;; esac; }

# One job: train (or resume) one recipe with one seed on one side, evaluate it, and for floatjs check the export.
job() {
  local side=$1 m=$2 s=$3 d="$OUT/$1/$2-s$3"
  if [ "$side" = floatjs ]; then
    if [ ! -f "$d/summary.json" ]; then
      if [ -f "$d/trainer-state.json" ]; then args=(--resume "$d"); else args=(--preset fmnist-quick $(method_flags "$m") --seed "$s" --out "$d"); fi
      FLOAT_THREADS=1 $FLOAT train "${args[@]}" --quiet > "$d.train.log" 2>&1 || { echo "parity: floatjs $m seed $s failed, see $d.train.log" >&2; return 1; }
    fi
    [ -f "$d/export.safetensors" ] || $FLOAT export "$d" --out "$d/export.safetensors" --layout pytorch > /dev/null
    if [ ! -f "$d/logits.json" ]; then
      FLOAT_THREADS=1 node scripts/parity/floatjs-logits.mjs "$d" "$d/logits.f32" 1000 0 > /dev/null
      "$PY" scripts/parity/twin.py logits --method "$m" --floatjs "$d/export.safetensors" --ref "$d/logits.f32" --n 1000 > "$d/logits.json"
    fi
    model=(--floatjs "$d/export.safetensors")
  else
    mkdir -p "$d"
    [ -f "$d/summary.json" ] || PARITY_THREADS=1 "$PY" scripts/parity/twin.py train --method "$m" --seed "$s" --out "$d" > "$d.train.log" 2>&1 \
      || { echo "parity: torch $m seed $s failed, see $d.train.log" >&2; return 1; }
    model=(--model "$d/model.pt")
  fi
  [ -f "$d/parity-eval.json" ] || PARITY_THREADS=1 "$PY" scripts/parity/twin.py eval --method "$m" "${model[@]}" \
    --json "$d/parity-eval.json" --draws "$DRAWS" --eot "$EOT" --seed "$s" > "$d.eval.log" 2>&1 \
    || { echo "parity: evaluating $side $m seed $s failed, see $d.eval.log" >&2; return 1; }
  echo "parity: $side $m seed $s done"
}
export -f job method_flags
export OUT DRAWS EOT PY FLOAT

mkdir -p "$OUT/floatjs" "$OUT/torch"
# Jobs in order of importance (float first), both sides of a seed next to each other; JOBS run at once.
status=0
for m in ${METHODS//,/ }; do for s in ${SEEDS//,/ }; do for side in torch floatjs; do echo "$side $m $s"; done; done; done \
  | xargs -P "${JOBS:-2}" -L 1 bash -c 'job "$@"' _ || status=1
"$PY" scripts/parity/summary.py "$OUT"
exit $status
