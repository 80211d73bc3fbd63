#!/usr/bin/env bash
# Trains the HMI -> AIA translator that would ship beside the default model (issue 14), its baselines, and scores
# all three on a held-out synthetic archive. Nothing is copied into models/: the integrator decides, after reading
# WORK/eval.json, whether WORK/translator goes to models/translator (translator.json + weights.safetensors, float32
# ~1.5 MB; see the README's translate rows) with a MODEL_CARD.md made from WORK/eval.json and WORK/*.log.
#
# Usage: scripts/train_default_translator.sh WORK [MODEL]
#   MODEL  the encoder (default: the shipped default model; its AIA channels are the translator's channels)
# Env: DAYS (training span, default 60), HELD_DAYS (15), SIZE (synthetic image size, 128), THREADS (1),
#      AE_STEPS (400), BASE_STEPS (1500), CONTROL_STEPS (1500), UNET_STEPS (1500), SAMPLES (eval samples, 1).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/build/bin/solarchip}"
WORK="${1:?usage: $0 WORK [MODEL]}"
MODEL="${2:-}"
DAYS="${DAYS:-60}"; HELD_DAYS="${HELD_DAYS:-15}"; SIZE="${SIZE:-128}"; THREADS="${THREADS:-1}"
AE_STEPS="${AE_STEPS:-400}"; BASE_STEPS="${BASE_STEPS:-1500}"; CONTROL_STEPS="${CONTROL_STEPS:-1500}"
UNET_STEPS="${UNET_STEPS:-1500}"; SAMPLES="${SAMPLES:-1}"
mkdir -p "$WORK"
MODEL_ARGS=()
[ -n "$MODEL" ] && MODEL_ARGS=(--model "$MODEL")
# The encoder's channels decide the archive's channels.
INFO_ARGS=()
[ -n "$MODEL" ] && INFO_ARGS=("$MODEL")
CHANNELS="$("$BIN" model-info "${INFO_ARGS[@]}" --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["channels"]))' || echo hmi,171)"
echo "channels: $CHANNELS"
nice -n 10 "$BIN" synth "$WORK/train13" --start 2012-01-01T00:00 --days "$DAYS" --cadence 12 --size "$SIZE" \
  --channels "$CHANNELS" --seed 13 --threads "$THREADS" --quiet
nice -n 10 "$BIN" synth "$WORK/held17" --start 2013-03-01T00:00 --days "$HELD_DAYS" --cadence 12 --size "$SIZE" \
  --channels "$CHANNELS" --seed 17 --threads "$THREADS" --quiet
COMMON=(--archive "$WORK/train13" "${MODEL_ARGS[@]}" --threads "$THREADS" --json --ae-steps "$AE_STEPS"
        --base-steps "$BASE_STEPS" --control-steps "$CONTROL_STEPS" --unet-steps "$UNET_STEPS")
nice -n 10 "$BIN" translate-train "${COMMON[@]}" --out "$WORK/translator" > "$WORK/translator.log"
nice -n 10 "$BIN" translate-train "${COMMON[@]}" --out "$WORK/unet" --baseline unet > "$WORK/unet.log"
nice -n 10 "$BIN" translate-train "${COMMON[@]}" --out "$WORK/random-encoder" --baseline random-encoder \
  --init-from "$WORK/translator" > "$WORK/random-encoder.log"
nice -n 10 "$BIN" translate-eval --run "$WORK/translator" --run "$WORK/unet" --run "$WORK/random-encoder" \
  --archive "$WORK/held17" --samples "$SAMPLES" --threads "$THREADS" --json | tail -n +1 > "$WORK/eval.jsonl"
echo "wrote $WORK/eval.jsonl (the last JSON object is the summary)"
