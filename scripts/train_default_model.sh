#!/usr/bin/env bash
# The one documented command that makes the shipped default model (models/default/, see MODEL_CARD.md):
#   1. a synthetic training archive (HMI + AIA 171, 4 years at 24 h cadence, 512 px, seed 11),
#   2. `solarchip pretrain` of the tiny CNN preset on it (CPU, nice 10, resumable: rerun continues): a 700-step
#      schedule paused at step 300 (--stop-at), the checkpoint the shipped weights come from,
#   3. the final weights stored as float16 in models/default/solarchip-tiny-default.safetensors,
#   4. a FRESH evaluation archive with another seed (2) and `solarchip eval-align` of the model and of the
#      untrained (re-initialised) model on it, plus the learning curve, into models/default/.
# Usage: scripts/train_default_model.sh [WORK_DIR]     (default /tmp/solarchip-default-model)
# Needs a built solarchip (BUILD_DIR, default build/). About 40 min of 2-core CPU for the training step.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}/bin/solarchip"
WORK="${1:-/tmp/solarchip-default-model}"
OUT="$ROOT/models/default"
MODEL="$OUT/solarchip-tiny-default.safetensors"
[ -x "$BIN" ] || { echo "train_default_model.sh: $BIN not found; build first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$WORK" "$OUT"

echo "== 1/4 training archive" >&2
nice -n 10 "$BIN" synth "$WORK/train-archive" --start 2010-06-01T00:00 --days 1460 --cadence 24 --size 512 \
  --channels hmi,171 --seed 11 --quiet

echo "== 2/4 pretraining (metrics: $WORK/run/metrics.jsonl)" >&2
nice -n 10 "$BIN" pretrain --archive "$WORK/train-archive" --channels hmi,171 --out "$WORK/run" --resume \
  --preset tiny-cnn --w-rec 0 --batch 16 --max-steps 700 --lr 1e-3 --min-lr 1e-5 --max-rotation 180 \
  --seed 11 --validate-every 50 --val-sets 64 --checkpoint-every 50 --stop-at 300 --quiet

echo "== 3/4 shipping the final weights as float16" >&2
"$BIN" model-info "$WORK/run/model-last.safetensors" --write-half "$MODEL" --json > "$WORK/model-last-info.json"
"$BIN" model-info "$MODEL" --json > "$OUT/model-info.json"

echo "== 4/4 evaluation on a fresh archive with another seed" >&2
nice -n 10 "$BIN" synth "$WORK/eval-archive" --start 2013-06-01T00:00 --days 60 --cadence 24 --size 512 \
  --channels hmi,171 --seed 2 --quiet
"$BIN" eval-align --model "$MODEL" --archive "$WORK/eval-archive" --channels hmi,171 --json > "$OUT/eval_fresh_seed2.json"
"$BIN" eval-align --model "$MODEL" --untrained --seed 0 --archive "$WORK/eval-archive" --channels hmi,171 --json \
  > "$OUT/eval_fresh_seed2_untrained.json"
# The same archive thinned to one set a week (CLS retrieval among clearly different days).
"$BIN" eval-align --model "$MODEL" --archive "$WORK/eval-archive" --channels hmi,171 --min-spacing-hours 168 --json \
  > "$OUT/eval_fresh_seed2_weekly.json"
"$BIN" eval-align --model "$MODEL" --untrained --seed 0 --archive "$WORK/eval-archive" --channels hmi,171 \
  --min-spacing-hours 168 --json > "$OUT/eval_fresh_seed2_weekly_untrained.json"

# The learning curve: one row per training step (validation columns filled where a validation ran).
/usr/bin/python3 - "$WORK/run/metrics.jsonl" "$OUT/learning_curve.csv" <<'PY'
import csv, json, sys
rows, val = {}, {}
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("event") == "train":
        rows[d["step"]] = d
    elif d.get("event") == "val":
        val[d["step"]] = d
cols = ["step", "epoch", "loss", "cls", "pat", "int", "temp_cls", "temp_pat", "temp_int", "lr", "grad_norm", "samples_per_s"]
vcols = ["val_loss", "val_cls", "val_pat", "val_int", "cls_top1", "cls_mean_rank", "patch_top1", "patch_mean_rank"]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(cols + vcols)
    for s in sorted(rows):
        r = rows[s]
        v = val.get(s, {})
        w.writerow([r.get(c) if not isinstance(r.get(c), float) else "%.5g" % r[c] for c in cols]
                   + ["" if c not in v else "%.5g" % v[c] for c in vcols])
PY
cat "$OUT/eval_fresh_seed2.json"
