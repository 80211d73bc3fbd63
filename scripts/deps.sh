#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the app need. Idempotent and quiet when all is
# there. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev libqt6opengl6-dev libqt6sql6-sqlite qt6-tools-dev qt6-svg-dev libgl-dev
  libtorch-dev libopenblas0-openmp
  libcfitsio-dev wcslib-dev libopenjp2-7-dev libopencv-imgproc-dev
  libvtk9-dev libqcustomplot-dev libfaiss-dev libbenchmark-dev libgloo-dev
  xvfb xauth xfonts-base fonts-dejavu-core
  python3 python3-numpy python3-astropy python3-sunpy python3-torch python3-skimage python3-faiss python3-scipy
  python3-glymur python3-pil
  sqlite3 libsqlite3-dev
  desktop-file-utils appstream groff-base
  ffmpeg
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "deps.sh: missing packages (${missing[*]}) and not root; install them or run as root" >&2; exit 1
  fi
fi
echo "deps.sh: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
