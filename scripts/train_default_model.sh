#!/usr/bin/env bash
# The one documented command that makes the shipped default model (issue 10 section 4; MODEL_CARD.md):
#   1. a synthetic training archive: HMI + AIA 171, 193, 304, 4 years at 24 h cadence, seed 11,
#   2. `solarchip pretrain` (CPU, resumable: rerunning the script continues where it stopped) of a small CNN with
#      the CLS remedies of issue 10 section 2 (attention-pool CLS head with a radial position code, per-modality
#      quarter turns instead of a joint rotation, fixed apparent disk radius, random validation batches),
#   3. the final weights as float16 (checked <= 25 MB),
#   4. FRESH evaluation archives with seeds the training never saw (2 and 5): 48 sets 730 h apart over 4 years
#      (the spaced CLS questions) and 60 daily sets (the per-day and per-cell questions), `eval-align --suite
#      --json` on each for every HMI-AIA pair, plus the learning curve,
#   5. the model card, generated from those files (scripts/make_model_card.py).
# Usage: scripts/train_default_model.sh [WORK_DIR] [OUT_DIR]
#        (defaults /tmp/solarchip-default-model and models/default; OUT_DIR must exist or is created)
# Env: BUILD_DIR (default build/), STAGES (cumulative optimizer-step totals, default "2000 3000 4000": a cosine
#      schedule over 2000 steps, then two warm restarts that extend the run to 3000 and 4000 steps), THREADS (torch threads, default 2;
#      use 1 on a shared machine: two spinning OpenMP threads on a loaded 2-core CPU run 10-50x slower), NICE
#      (default 0), REMEDIES (default 1; 0: the previous recipe, GAP CLS and a joint rotation up to 180 deg, same
#      size and steps), EVAL_ONLY (1: skip steps 1-3 and evaluate the model already in OUT_DIR; the card keeps
#      the training provenance of OUT_DIR/training.json).
# The spaced archives are 730 h (30.4 d) apart, 48 sets over 4 years as issue 10 asks: the Sun turns ~30-40 deg
# further between consecutive sets (`suite.spaced_longitude_shift` in the JSON). The first cards used 660 h
# (27.5 d), within the synodic rotation period of active latitudes (27.4-28.2 d for Snodgrass rates at 0-25 deg):
# every set then showed the previous one's longitudes within ~5 deg, so long-lived regions and active longitudes
# sat in the same place and cls_*_spaced asked the model to tell near-duplicates apart (issue 10: "avoiding exact
# multiples of the 27.3-day rotation"); those figures are kept in OUT_DIR/protocol-660h/ and in the card.
# Sizing for about two hours on the 2-core CPU (every step's time is in RUN/metrics.jsonl; the script can be
# stopped and rerun at any point, finished stages are skipped): archives written at 256 px and area-averaged to the
# model's 64 px input (16x16 latent cells of 4x4 px), ~17 min for the 4-channel training archive with one thread;
# training 1.6-1.9 s per step of 32 sets x 4 channels (measured: one thread beside compiling agents, or two threads
# with autogroup off and the other work at nice 15) x 4000 steps = ~1.9 h; evaluation ~8 min. The 2000-step cosine
# alone missed 4 of the 48 target checks, 3000 steps 3, 4000 steps 1 (MODEL_CARD.md). The remedies were chosen by
# a 600-step A/B on HMI + 171 (issue 10 notes: same CLS skill, the
# positional patch shortcut and the joint-rotation leak removed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}/bin/solarchip"
WORK="${1:-/tmp/solarchip-default-model}"
OUT="${2:-$ROOT/models/default}"
STAGES="${STAGES:-2000 3000 4000}"
THREADS="${THREADS:-2}"
NICE="${NICE:-0}"
CH=hmi,171,193,304
RES=64          # model input (px)
SIZE=256        # archive image size (px)
MODEL="$OUT/solarchip-tiny-default.safetensors"   # the name the binaries embed (models/CMakeLists.txt)
[ -x "$BIN" ] || { echo "train_default_model.sh: $BIN not found; build first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$WORK" "$OUT"
CMDS="$WORK/commands.txt"
: > "$CMDS"
run() { echo "$*" >> "$CMDS"; nice -n "$NICE" "$@"; }

if [ "${EVAL_ONLY:-0}" != 1 ]; then
  echo "== 1/5 training archive" >&2
  run "$BIN" synth "$WORK/train-archive" --start 2010-06-01T00:00 --days 1460 --cadence 24 --size "$SIZE" \
    --channels "$CH" --seed 11 --threads "$THREADS" --quiet

  echo "== 2/5 pretraining (metrics: $WORK/run/metrics.jsonl)" >&2
  # 64 px, 16x16 cells, ch 16: four backbones fit the CPU budget and the float16 file stays far below 25 MB.
  cat > "$WORK/backbone.json" <<'JSON'
{"arch": "cnn", "resolution": 64, "contrastive_dim": 128, "cls_head": "attn", "cls_position": "radial",
 "cnn": {"in_channels": 1, "out_ch": 1, "ch": 16, "ch_mult": [1, 2, 2], "num_res_blocks": 1,
         "z_channels": 64, "attn_resolutions": []}}
JSON
  if [ "${REMEDIES:-1}" = 1 ]; then
    AUG=(--max-rotation 0 --modality-quarter-turns --disk-radius 0.8)
  else
    sed -i 's/"cls_head": "attn", "cls_position": "radial",//' "$WORK/backbone.json"
    AUG=(--max-rotation 180)
  fi
  # Staged: a cosine schedule over the first stage's steps, then the same run extended to each further stage's total:
  # the learning rate restarts at the extended cosine's value for the previous total and decays again (warm restarts).
  read -r -a TOTALS <<< "$STAGES"
  for TOTAL in "${TOTALS[@]}"; do
    run "$BIN" pretrain --archive "$WORK/train-archive" --channels "$CH" --out "$WORK/run" --resume \
      --preset "$WORK/backbone.json" --w-rec 0 --batch 32 --epochs 1000 --max-steps "$TOTAL" --lr 1e-3 --min-lr 1e-5 \
      "${AUG[@]}" --seed 11 --validate-every 250 --val-sets 64 --checkpoint-every 50 --threads "$THREADS" --workers 1 --quiet
  done

  echo "== 3/5 shipping the final weights as float16" >&2
  run "$BIN" model-info "$WORK/run/model-last.safetensors" --write-half "$MODEL" --json > "$WORK/model-last-info.json"
  "$BIN" model-info "$MODEL" --json > "$OUT/model-info.json"
  BYTES=$(stat -c %s "$MODEL")
  [ "$BYTES" -le 25000000 ] || { echo "train_default_model.sh: $MODEL is $BYTES bytes (> 25 MB)" >&2; exit 1; }
  # The training's provenance beside the model, so the card can be regenerated without the work folder.
  /usr/bin/python3 "$ROOT/scripts/make_model_card.py" --provenance "$OUT" "$WORK"
else
  [ -f "$MODEL" ] || { echo "train_default_model.sh: EVAL_ONLY=1 but $MODEL does not exist" >&2; exit 1; }
  "$BIN" model-info "$MODEL" --json > "$OUT/model-info.json"
fi

echo "== 4/5 evaluation on fresh archives (seeds 2 and 5)" >&2
for SEED in 2 5; do
  run "$BIN" synth "$WORK/eval-spaced-seed$SEED" --start 2011-01-01T00:00 --days 1460 --cadence 730 --size "$SIZE" \
    --channels "$CH" --seed "$SEED" --threads "$THREADS" --quiet
  run "$BIN" synth "$WORK/eval-daily-seed$SEED" --start 2013-06-01T00:00 --days 60 --cadence 24 --size "$SIZE" \
    --channels "$CH" --seed "$SEED" --threads "$THREADS" --quiet
  for AIA in 171 193 304; do
    run "$BIN" eval-align --model "$MODEL" --archive "$WORK/eval-spaced-seed$SEED" --channels "hmi,$AIA" --suite \
      --min-spacing-hours 648 --threads "$THREADS" --json > "$OUT/suite_seed${SEED}_hmi${AIA}_spaced.json"
    run "$BIN" eval-align --model "$MODEL" --archive "$WORK/eval-daily-seed$SEED" --channels "hmi,$AIA" --suite \
      --daily-sets 60 --threads "$THREADS" --json > "$OUT/suite_seed${SEED}_hmi${AIA}_daily.json"
  done
done

# The learning curve: one row per training step (validation columns filled where a validation ran); with
# EVAL_ONLY and no run folder the shipped curve stays.
[ -f "$WORK/run/metrics.jsonl" ] && /usr/bin/python3 - "$WORK/run/metrics.jsonl" "$OUT/learning_curve.csv" <<'PY'
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

echo "== 5/5 model card" >&2
/usr/bin/python3 "$ROOT/scripts/make_model_card.py" "$OUT" "$WORK"
/usr/bin/python3 "$ROOT/scripts/suite_figures.py" $(for f in "$OUT"/suite_*.json; do echo "$(basename "$f" .json)=$f"; done)
