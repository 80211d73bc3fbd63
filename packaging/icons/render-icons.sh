#!/usr/bin/env bash
# Renders the application icon's PNG sizes from org.solarchip.studio.svg (the source). Run once when the SVG
# changes; the PNGs are committed so the build needs no SVG renderer. Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for size in 16 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" org.solarchip.studio.svg -o "org.solarchip.studio-${size}.png"
done
