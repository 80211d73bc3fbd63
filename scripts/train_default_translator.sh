#!/usr/bin/env bash
# The one documented command that makes the shipped default HMI -> AIA translator (issue 14; models/translator/
# MODEL_CARD.md), for the default model's AIA channels (171, 193, 304), resumable: rerun it and finished stages are
# skipped, a stopped training continues from its last checkpoint.
#   1. archives: the default model's training archive (HMI + AIA 171, 193, 304, 4 years daily, 256 px, seed 11;
#      SOURCE_ARCHIVE: hard-link copy of an existing one, catalog copied for real, else `synth`), and a held-out
#      one (seed 2, 60 days daily; EVAL_SOURCE likewise);
#   2. the encoder-independent parts of the translator (DESIGN latent, the default: the latent autoencoder of the AIA
#      channels and the unconditional base denoiser; residual: also the regression mean mu(HMI) first, see
#      translate-train --help), in WORK/parts. None of them reads the encoder's tokens, so PARTS_MODEL may be
#      another encoder with the same prep (default: MODEL);
#   3. the translator: the ControlNet branch fed by MODEL's HMI patch tokens, the parts copied and frozen
#      (--init-from WORK/parts), written as float16 into OUT (translator.json + weights.safetensors);
#   4. the baselines on the same data: the regression U-Net (UNET_STEPS; DESIGN residual: the translator's own mean
#      network, no extra step) and the translator with a randomly initialised encoder (the same parts, only the
#      control branch differs);
#   5. `translate-eval` of the shipped float16 translator and both baselines on the held-out archive (mean of
#      SAMPLES DDIM samples, seed 0), plus one translation with 1 sample to time a preview;
#   6. the model card (scripts/make_translator_card.py).
# Usage: scripts/train_default_translator.sh [WORK_DIR] [OUT_DIR]
#        (defaults /tmp/solarchip-default-translator and models/translator)
# Env: BUILD_DIR (build/), MODEL (the encoder; default models/default/solarchip-tiny-default.safetensors),
#      PARTS_MODEL (MODEL), SOURCE_ARCHIVE, EVAL_SOURCE (archives to hard-link copy instead of synthesising),
#      THREADS (1), NICE (10), SPACING_HOURS (48: training sets at least this far apart), DESIGN (latent),
#      MEAN_STEPS (1000, residual only), AE_STEPS (800), BASE_STEPS (2000), CONTROL_STEPS (1500), UNET_STEPS (1000),
#      BATCH (16), SAMPLES (8), LATENT_CHANNELS (4: the autoencoder's latent width), DECODER_HINT (hmi_pixels: the
#      decoder also reads the HMI pixels, which 304's pixel-scale texture needs; none: the latent only, the
#      translator shipped before 2026-12-06 with AE_STEPS=400), CONTROL_HINT (tokens: the encoder's tokens only;
#      tokens+pixels: also the HMI pixels). The random-encoder baseline gets the same shape. The defaults make the
#      shipped default; README "HMI→AIA translation" also has the figures of CONTROL_HINT=tokens+pixels (measured,
#      not shipped: level with its random-encoder baseline, the tokens become redundant).
# Sizing (2-core CPU shared with other work, one torch thread, load ~8): the 64 px sets of the default model's prep
# load in ~0.07 s each (cached in WORK/cache for every later stage); autoencoder 0.27 s/step, base denoiser 0.11,
# control branch 0.15, regression U-Net 1.4 (the slow one); measured 36 min of steps, ~45 min with the evaluation.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}/bin/solarchip"
WORK="${1:-/tmp/solarchip-default-translator}"
OUT="${2:-$ROOT/models/translator}"
MODEL="${MODEL:-$ROOT/models/default/solarchip-tiny-default.safetensors}"
PARTS_MODEL="${PARTS_MODEL:-$MODEL}"
THREADS="${THREADS:-1}"
NICE="${NICE:-10}"
SPACING_HOURS="${SPACING_HOURS:-48}"
DESIGN="${DESIGN:-latent}"
MEAN_STEPS="${MEAN_STEPS:-1000}"; AE_STEPS="${AE_STEPS:-800}"; BASE_STEPS="${BASE_STEPS:-2000}"
CONTROL_STEPS="${CONTROL_STEPS:-1500}"; UNET_STEPS="${UNET_STEPS:-1000}"; BATCH="${BATCH:-16}"; SAMPLES="${SAMPLES:-8}"
LATENT_CHANNELS="${LATENT_CHANNELS:-4}"; DECODER_HINT="${DECODER_HINT:-hmi_pixels}"; CONTROL_HINT="${CONTROL_HINT:-tokens}"
CH=171,193,304
[ -x "$BIN" ] || { echo "train_default_translator.sh: $BIN not found; build first (scripts/build.sh)" >&2; exit 1; }
[ -f "$PARTS_MODEL" ] || { echo "train_default_translator.sh: no encoder $PARTS_MODEL" >&2; exit 1; }
mkdir -p "$WORK" "$OUT"
CMDS="$WORK/commands.txt"
touch "$CMDS"
echo "$(date -u +%FT%TZ) THREADS=$THREADS NICE=$NICE MODEL=$MODEL PARTS_MODEL=$PARTS_MODEL SOURCE_ARCHIVE=${SOURCE_ARCHIVE:-} EVAL_SOURCE=${EVAL_SOURCE:-} DESIGN=$DESIGN SPACING_HOURS=$SPACING_HOURS AE_STEPS=$AE_STEPS BASE_STEPS=$BASE_STEPS CONTROL_STEPS=$CONTROL_STEPS UNET_STEPS=$UNET_STEPS MEAN_STEPS=$MEAN_STEPS BATCH=$BATCH SAMPLES=$SAMPLES LATENT_CHANNELS=$LATENT_CHANNELS DECODER_HINT=$DECODER_HINT CONTROL_HINT=$CONTROL_HINT $0 $WORK $OUT" >> "$WORK/invocations.txt"
run() { echo "$*" >> "$CMDS"; nice -n "$NICE" "$@"; }
stamp() { echo "{\"stage\": \"$1\", \"utc\": \"$(date -u +%FT%TZ)\", \"epoch_s\": $(date +%s)}" >> "$WORK/times.jsonl"; }

# A hard-link copy shares the image files (never written again) but gets real copies of the catalog files, so
# nothing this script does writes into the source's inodes.
link_copy() {
  local src="$1" dst="$2"
  [ -d "$dst" ] && return 0
  cp -al "$src" "$dst.part"
  for f in "$dst.part"/.solarchip/catalog.sqlite*; do
    [ -e "$f" ] && cp --remove-destination "$src/.solarchip/$(basename "$f")" "$f"
  done
  mv "$dst.part" "$dst"
}

echo "== 1/6 archives" >&2
stamp archives
if [ -n "${SOURCE_ARCHIVE:-}" ]; then
  link_copy "$SOURCE_ARCHIVE" "$WORK/train-archive"
else
  run "$BIN" synth "$WORK/train-archive" --start 2010-06-01T00:00 --days 1460 --cadence 24 --size 256 \
    --channels "hmi,$CH" --seed 11 --threads "$THREADS" --quiet
fi
if [ -n "${EVAL_SOURCE:-}" ]; then
  link_copy "$EVAL_SOURCE" "$WORK/eval-daily-seed2"
else
  run "$BIN" synth "$WORK/eval-daily-seed2" --start 2013-06-01T00:00 --days 60 --cadence 24 --size 256 \
    --channels "hmi,$CH" --seed 2 --threads "$THREADS" --quiet
fi

COMMON=(--archive "$WORK/train-archive" --channels "$CH" --design "$DESIGN" --min-spacing-hours "$SPACING_HOURS"
        --cache "$WORK/cache" --batch "$BATCH" --seed 13 --threads "$THREADS" --json)
# The diffusion runs' shape: the parts and the two control branches must agree on it (--init-from checks).
DIFF=(--latent-channels "$LATENT_CHANNELS" --decoder-hint "$DECODER_HINT" --control-hint "$CONTROL_HINT")
echo "== 2/6 the encoder-independent parts: autoencoder, base denoiser (residual: and the regression mean) (WORK/parts)" >&2
stamp parts
run "$BIN" translate-train "${COMMON[@]}" "${DIFF[@]}" --model "$PARTS_MODEL" --out "$WORK/parts" --mean-steps "$MEAN_STEPS" \
  --ae-steps "$AE_STEPS" --base-steps "$BASE_STEPS" --control-steps 0 >> "$WORK/parts.log"

# The parts can be trained while the encoder is still training: stop here until it exists (rerun then).
[ -f "$MODEL" ] || { echo "train_default_translator.sh: no encoder $MODEL yet; the parts are done, rerun when it exists" >&2; exit 3; }
echo "== 3/6 the translator: ControlNet branch on the encoder's HMI tokens (WORK/translator -> $OUT)" >&2
stamp translator
run "$BIN" translate-train "${COMMON[@]}" "${DIFF[@]}" --model "$MODEL" --out "$WORK/translator" --init-from "$WORK/parts" \
  --control-steps "$CONTROL_STEPS" >> "$WORK/translator.log"
run "$BIN" translate-train --model "$MODEL" --out "$WORK/translator" --write-half "$OUT" --json > "$WORK/shipped.json"
BYTES=$(stat -c %s "$OUT/weights.safetensors")
[ "$BYTES" -le 25000000 ] || { echo "train_default_translator.sh: $OUT/weights.safetensors is $BYTES bytes (> 25 MB)" >&2; exit 1; }

echo "== 4/6 baselines: regression U-Net, random-encoder translator" >&2
stamp baselines
if [ "$DESIGN" = residual ]; then
  run "$BIN" translate-train "${COMMON[@]}" --model "$MODEL" --out "$WORK/unet" --baseline unet --init-from "$WORK/parts" \
    --unet-steps 0 >> "$WORK/unet.log"
else
  run "$BIN" translate-train "${COMMON[@]}" --model "$MODEL" --out "$WORK/unet" --baseline unet \
    --unet-steps "$UNET_STEPS" >> "$WORK/unet.log"
fi
run "$BIN" translate-train "${COMMON[@]}" "${DIFF[@]}" --model "$MODEL" --out "$WORK/random-encoder" --baseline random-encoder \
  --init-from "$WORK/parts" --control-steps "$CONTROL_STEPS" >> "$WORK/random-encoder.log"

echo "== 5/6 evaluation on the held-out archive (seed 2), and a preview's time" >&2
stamp eval
EVAL="$OUT/eval_seed2_daily.json"
# An evaluation of another translator (OUT held the previous default) is stale: evaluate again.
if [ -s "$EVAL" ] && ! /usr/bin/python3 - "$EVAL" "$OUT/translator.json" <<'PY'
import json, sys
ev, info = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if ev["runs"][0].get("weights_sha256") == info.get("weights_sha256") else 1)
PY
then
  rm -f "$EVAL"
fi
if [ ! -s "$EVAL" ]; then
  run "$BIN" translate-eval --model "$MODEL" --run "$OUT" --run "$WORK/unet" --run "$WORK/random-encoder" \
    --archive "$WORK/eval-daily-seed2" --samples "$SAMPLES" --seed 0 --cache "$WORK/cache" --threads "$THREADS" --json \
    > "$WORK/eval.jsonl"
  # The progress lines, then the summary object: keep the summary.
  /usr/bin/python3 - "$WORK/eval.jsonl" "$EVAL" <<'PY'
import json, sys
text, dec, pos, last = open(sys.argv[1]).read(), json.JSONDecoder(), 0, None
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    last, pos = dec.raw_decode(text, pos)
json.dump(last, open(sys.argv[2] + ".part", "w"), indent=1)
PY
  mv "$EVAL.part" "$EVAL"
fi
HMI_FILE="$(find "$WORK/eval-daily-seed2/hmi" -name '*.fits' | sort | head -n 1)"
run "$BIN" translate --model "$MODEL" --run "$OUT" "$HMI_FILE" --channel 171 --seed 0 --samples 1 \
  -o "$WORK/preview171.fits" --threads "$THREADS" --json > "$OUT/preview_timing.json"
stamp done

echo "== 6/6 model card" >&2
THREADS="$THREADS" NICE="$NICE" /usr/bin/python3 "$ROOT/scripts/make_translator_card.py" "$OUT" "$WORK"
