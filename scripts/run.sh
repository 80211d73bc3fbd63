#!/usr/bin/env bash
# Builds (scripts/build.sh) and launches solarchip-studio on the bundled sample archive, which is generated on
# first use (about a minute) into the per-user data folder. Without a display, runs the app under Xvfb, renders
# its main views (the map grid of the co-temporal set, the similarity heatmaps of a click, the 3D globe, the
# cross-modal alignment, the HMI->AIA translation, the flare panel, the light curve of a clicked region and the maps
# labelled with the NOAA active regions of the daily Solar Region Summaries) to PNG files with --screenshot and prints
# where they are, and scores the shipped default model (models/default/MODEL_CARD.md) on the sample archive with
# `solarchip eval-align` (HMI vs AIA 171 alignment, JSON next to the PNGs).
# Usage: scripts/run.sh [solarchip-studio options, e.g. --date 2011-06-15 or --channel 193]
# Env: BUILD_DIR (default build), OUT_DIR (headless PNGs, default $BUILD_DIR/screenshots).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh"
STUDIO="$BUILD_DIR/bin/solarchip-studio"

has_display() {
  [ -n "${WAYLAND_DISPLAY:-}" ] && return 0
  [ -n "${DISPLAY:-}" ] || return 1
  [ -n "${DISPLAY%%:*}" ] && return 0  # host:N, e.g. X forwarded over ssh
  local d="${DISPLAY#*:}"; d="${d%%.*}"
  [ -S "/tmp/.X11-unix/X${d}" ]
}

if has_display; then
  exec "$STUDIO" --sample "$@"
fi

source "$ROOT/scripts/xvfb.sh"
start_xvfb_if_needed
export QT_QPA_PLATFORM=xcb
OUT_DIR="${OUT_DIR:-$BUILD_DIR/screenshots}"
mkdir -p "$OUT_DIR"
# A scratch settings file: the renders look the same every time and leave the user's settings alone.
SETTINGS="$OUT_DIR/run-settings.ini"
rm -f "$SETTINGS"
echo "run.sh: no display; rendering the main views under Xvfb ($DISPLAY) into $OUT_DIR" >&2
"$STUDIO" --sample --view map --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/map-grid.png" "$@"
"$STUDIO" --sample --view map --query-hpc=-250,300 --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/similarity.png" "$@"
"$STUDIO" --sample --view globe --channel 171 --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/globe-171.png" "$@"
for view in alignment translation flare; do
  "$STUDIO" --sample --view "$view" --window-size 1600x1000 --settings "$SETTINGS" \
    --screenshot "$OUT_DIR/$view.png" "$@"
done
"$STUDIO" --sample --view lightcurve --query-hpc=-250,300 --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/lightcurve.png" "$@"
"$STUDIO" --sample --view timedistance --slit=-600,-300,-200,-100 --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/timedistance.png" "$@"
"$STUDIO" --sample --view regions --date 2011-06-11T00:00 --window-size 1600x1000 --settings "$SETTINGS" \
  --screenshot "$OUT_DIR/noaa-regions.png" "$@"
"$STUDIO" --sample --view map --flare-events --noaa-regions --date 2011-06-11T00:00 --window-size 1600x1000 \
  --settings "$SETTINGS" --screenshot "$OUT_DIR/flare-events.png" "$@"
# The real AIA 171 map of 2011-02-15 00:00 (NOAA 11158) with the real cycle-24 flare list, where ../shared is beside us.
SDO_DIR="${SOLARCHIP_SDO_DIR:-$ROOT/../shared/sdo}"
if [[ -f "$SDO_DIR/fits/aia_171_level1.fits" && -f "$SDO_DIR/labels/final_flare_list_sc24.csv" ]]; then
  rm -f "$OUT_DIR/run-settings-real.ini"  # (its own settings: the sample's docks stay out of it)
  "$STUDIO" "$SDO_DIR/fits/aia_171_level1.fits" --flare-list "$SDO_DIR/labels/final_flare_list_sc24.csv" --view map \
    --window-size 1400x900 --settings "$OUT_DIR/run-settings-real.ini" --screenshot "$OUT_DIR/flare-events-real.png" "$@"
fi
# The real AIA 304 west-limb eruption of 2022-04-02 (8 frames, 12 s apart): a slit out through the erupting loops.
if compgen -G "$SDO_DIR/fits/AIA20220402_*_0304.fits" > /dev/null; then
  rm -f "$OUT_DIR/run-settings-erupt.ini"
  "$STUDIO" "$SDO_DIR"/fits/AIA20220402_*_0304.fits --view timedistance --slit=900,180,1050,330 \
    --window-size 1600x1000 --settings "$OUT_DIR/run-settings-erupt.ini" --screenshot "$OUT_DIR/timedistance-real.png" "$@"
  # The same frames as a movie (File > Export movie): PNG frames at data resolution, their index, and an MP4.
  rm -rf "$OUT_DIR/movie-eruption"
  "$STUDIO" "$SDO_DIR"/fits/AIA20220402_*_0304.fits --date 2022-04-02T13:13:00 --export-movie "$OUT_DIR/movie-eruption" \
    --movie-to 2022-04-02T13:20:00 --movie-name aia304_eruption --movie-data-resolution --movie-fps 4 \
    --settings "$OUT_DIR/run-settings-erupt.ini" "$@"
fi
SAMPLE_DIR="${SOLARCHIP_SAMPLE_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/SolarCHIP/SolarCHIP Studio/sample-archive}"
"$BUILD_DIR/bin/solarchip" eval-align --archive "$SAMPLE_DIR" --channels hmi,171 --json \
  > "$OUT_DIR/default-model-alignment.json"
echo "map grid:    $OUT_DIR/map-grid.png"
echo "similarity:  $OUT_DIR/similarity.png (a click at (-250\", 300\"): cosine to that model cell in every channel)"
echo "3D globe:    $OUT_DIR/globe-171.png"
echo "alignment:   $OUT_DIR/alignment.png"
echo "translation: $OUT_DIR/translation.png (HMI -> AIA 171 with the shipped translator)"
echo "flare panel: $OUT_DIR/flare.png (no head yet: the panel gives the command that trains one)"
echo "light curve: $OUT_DIR/lightcurve.png (the 120\" box at (-250\", 300\") on the last day, the 7 days before it, following the rotation)"
echo "time-dist.:  $OUT_DIR/timedistance.png (AIA 171 along a slit from (-600\", -300\") to (-200\", -100\"), about 100 observations around the last time)"
[[ -d "$OUT_DIR/movie-eruption" ]] && echo "movie:       $OUT_DIR/movie-eruption/ (the 8 eruption frames as aia304_eruption_000N.png, their times in aia304_eruption_frames.csv, aia304_eruption.mp4 with ffmpeg)"
[[ -f "$OUT_DIR/timedistance-real.png" ]] && echo "time-dist. real: $OUT_DIR/timedistance-real.png (AIA 304, the 2022-04-02 west-limb eruption, 12 s frames)"
echo "NOAA ARs:    $OUT_DIR/noaa-regions.png (June 11: the sample's Solar Region Summary carried to the maps' time, its table, the X1.2 of 11175)"
echo "flares:      $OUT_DIR/flare-events.png (June 11: the sample's flares within 6 h at their sites, beside the NOAA labels)"
[[ -f "$OUT_DIR/flare-events-real.png" ]] && echo "real flares: $OUT_DIR/flare-events-real.png (AIA 171 2011-02-15 00:00 and the cycle-24 list: NOAA 11158's X2.2 of 01:56)"
/usr/bin/python3 - "$OUT_DIR/default-model-alignment.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("default model %s on the sample archive (%d sets): patch_top1 %.3f (chance %.4f), cls_top1 %.3f (chance %.3f): %s"
      % (d["model_hash"][:12], d["n_samples"], d["patch_top1"], d["patch_chance"], d["cls_top1"], d["cls_chance"], sys.argv[1]))
PY
