#!/usr/bin/env bash
# Builds the .deb with CPack into a scratch folder and inspects it the way Debian's own tools see it:
# dpkg-deb's control fields and file list, the installable Depends (every group satisfiable on this machine,
# with the runtime pieces that dpkg-shlibdeps cannot see), the desktop entry (desktop-file-validate), the
# AppStream metadata (appstreamcli validate), the icons (PNG header sizes), the man pages (gzip, groff, and
# every option of the packaged binaries' --help documented) and the packaged binaries themselves.
# Usage: check_deb.sh BUILD_DIR VERSION APP_ID WORK_DIR   (ctest -L package runs it). Exit 77: skipped.
set -uo pipefail

BUILD_DIR=$1
VERSION=$2
APP_ID=$3
WORK=$4

for tool in cpack dpkg dpkg-deb dpkg-query gzip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "PASS: $*"; }
expect_eq() {  # what, got, want
  if [ "$2" == "$3" ]; then pass "$1 = $3"; else fail "$1 is '$2', expected '$3'"; fi
}

rm -rf "$WORK"
mkdir -p "$WORK"
if ! cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK" >"$WORK/cpack.log" 2>&1; then
  cat "$WORK/cpack.log"
  echo "FAIL: cpack -G DEB failed"
  exit 1
fi
arch=$(dpkg --print-architecture)
deb="$WORK/solarchip-studio_${VERSION}_${arch}.deb"
if [ ! -f "$deb" ]; then
  ls "$WORK"
  echo "FAIL: cpack did not write $(basename "$deb")"
  exit 1
fi

# --- Control fields ------------------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
expect_eq Package "$(field Package)" solarchip-studio
expect_eq Version "$(field Version)" "$VERSION"
expect_eq Architecture "$(field Architecture)" "$arch"
expect_eq Section "$(field Section)" science
expect_eq Priority "$(field Priority)" optional
[ -n "$(field Maintainer)" ] && pass "Maintainer present" || fail "no Maintainer"
description=$(field Description)
synopsis=$(printf '%s\n' "$description" | head -n 1)
extended=$(printf '%s\n' "$description" | tail -n +2)
[ -n "$synopsis" ] && [ ${#synopsis} -le 80 ] && pass "Description synopsis: $synopsis" \
  || fail "Description synopsis empty or longer than 80 characters: '$synopsis'"
[ "$(printf '%s\n' "$extended" | grep -c .)" -ge 3 ] && pass "extended Description" || fail "no extended Description"
printf '%s\n' "$extended" | grep -qF "$synopsis" && fail "the extended Description repeats the synopsis"
long=$(printf '%s\n' "$extended" | awk 'length > 80' | head -n 1)
[ -z "$long" ] || fail "Description line over 80 characters: '$long'"

# Depends: groups separated by ',', alternatives by '|', each "name (op version)".
depends=$(field Depends)
echo "Depends: $depends"
declare -A groups_with=()
IFS=',' read -r -a groups <<<"$depends"
for group in "${groups[@]}"; do
  satisfied=0
  IFS='|' read -r -a alternatives <<<"$group"
  for alt in "${alternatives[@]}"; do
    alt=$(echo "$alt" | xargs)
    name=${alt%% *}
    groups_with[$name]=1
    installed=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null) || continue
    case "$installed" in "install ok installed "*) ;; *) continue ;; esac
    have=${installed##* }
    if [[ "$alt" =~ \((\<\<|\<=|=|\>=|\>\>)\ *([^\)]+)\) ]]; then
      op=${BASH_REMATCH[1]}; want=${BASH_REMATCH[2]}
      case "$op" in '<<') op=lt ;; '<=') op=le ;; '=') op=eq ;; '>=') op=ge ;; '>>') op=gt ;; esac
      dpkg --compare-versions "$have" "$op" "$want" || continue
    fi
    satisfied=1
  done
  [ $satisfied -eq 1 ] || fail "Depends group '$(echo "$group" | xargs)' is not satisfied by this machine's packages"
done
# What dpkg-shlibdeps cannot see (plugins and drivers loaded at run time), and what it must have found.
for name in libqt6sql6-sqlite libglx-mesa0 libgl1-mesa-dri libqt6gui6 libqt6openglwidgets6 libqt6core6 libc6; do
  [ -n "${groups_with[$name]:-}" ] && pass "Depends names $name" || fail "Depends lacks $name"
done
printf '%s\n' "$depends" | grep -q 'libc6 (>= ' && pass "versioned Depends from dpkg-shlibdeps" \
  || fail "no versioned libc6 dependency: dpkg-shlibdeps did not run"

# --- File list ------------------------------------------------------------------------------------------
contents=$(dpkg-deb -c "$deb")
has() {  # path, mode prefix
  local line
  line=$(printf '%s\n' "$contents" | awk -v p="./$1" '$NF == p')
  if [ -z "$line" ]; then fail "the package lacks /$1"; return; fi
  case "$line" in "$2"*) pass "/$1 (${line%% *})" ;; *) fail "/$1 has mode ${line%% *}, expected $2" ;; esac
}
has usr/bin/solarchip -rwxr-xr-x
has usr/bin/solarchip-studio -rwxr-xr-x
has "usr/share/applications/$APP_ID.desktop" -rw-r--r--
has "usr/share/metainfo/$APP_ID.metainfo.xml" -rw-r--r--
has "usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" -rw-r--r--
for size in 16 32 48 64 128 256; do
  has "usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png" -rw-r--r--
done
has usr/share/man/man1/solarchip.1.gz -rw-r--r--
has usr/share/man/man1/solarchip-studio.1.gz -rw-r--r--
has usr/share/doc/solarchip-studio/copyright -rw-r--r--
has usr/share/doc/solarchip-studio/README.md -rw-r--r--
outside=$(printf '%s\n' "$contents" | awk '{print $NF}' | grep -v -e '^\./$' -e '^\./usr/' | head -n 3)
[ -z "$outside" ] && pass "every file under /usr" || fail "files outside /usr: $outside"
notroot=$(printf '%s\n' "$contents" | awk '$2 != "root/root"' | head -n 3)
[ -z "$notroot" ] && pass "owned by root" || fail "not owned by root/root: $notroot"

# --- The unpacked package -------------------------------------------------------------------------------
root="$WORK/root"
dpkg-deb -x "$deb" "$root"
desktop="$root/usr/share/applications/$APP_ID.desktop"
metainfo="$root/usr/share/metainfo/$APP_ID.metainfo.xml"

if command -v desktop-file-validate >/dev/null 2>&1; then
  out=$(desktop-file-validate "$desktop" 2>&1)
  [ -z "$out" ] && pass "desktop-file-validate" || fail "desktop-file-validate: $out"
else
  echo "NOTE: desktop-file-validate not installed (Debian: desktop-file-utils); desktop entry not validated"
fi
key() { grep -m1 "^$1=" "$desktop" | cut -d= -f2-; }
exec_bin=$(key Exec | awk '{print $1}')
[ -n "$exec_bin" ] && [ -f "$root/usr/bin/$exec_bin" ] && [ -x "$root/usr/bin/$exec_bin" ] && pass "Exec=$exec_bin is packaged" || fail "Exec=$exec_bin is not in /usr/bin"
expect_eq "desktop Icon" "$(key Icon)" "$APP_ID"
expect_eq "desktop Type" "$(key Type)" Application
expect_eq "desktop Terminal" "$(key Terminal)" false

if command -v appstreamcli >/dev/null 2>&1; then
  out=$(appstreamcli validate --no-net --no-color "$metainfo" 2>&1)
  [ $? -eq 0 ] && pass "appstreamcli validate --no-net" || fail "appstreamcli validate: $out"
else
  echo "NOTE: appstreamcli not installed (Debian: appstream); metainfo not validated"
fi
xml_value() { sed -n "s:.*<$1[^>]*>\([^<]*\)</$1>.*:\1:p" "$metainfo" | head -n 1; }
expect_eq "metainfo id" "$(xml_value id)" "$APP_ID"
expect_eq "metainfo launchable" "$(xml_value launchable)" "$APP_ID.desktop"
expect_eq "metainfo release" "$(sed -n 's:.*<release version="\([^"]*\)".*:\1:p' "$metainfo")" "$VERSION"
for bin in $(sed -n 's:.*<binary>\([^<]*\)</binary>.*:\1:p' "$metainfo"); do
  [ -f "$root/usr/bin/$bin" ] && [ -x "$root/usr/bin/$bin" ] && pass "metainfo binary $bin is packaged" || fail "metainfo names $bin, not in /usr/bin"
done

# PNG: width and height are the big-endian words at bytes 16 and 20 of the IHDR chunk.
for size in 16 32 48 64 128 256; do
  png="$root/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
  [ -f "$png" ] || continue
  magic=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
  w=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')
  h=$(od -An -tu1 -j20 -N4 "$png" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')
  [ "$magic" == 89504e470d0a1a0a ] && [ "$w" == "$size" ] && [ "$h" == "$size" ] && pass "icon ${size}x${size} is a ${w}x${h} PNG" \
    || fail "icon ${size}x${size}: magic $magic, ${w}x${h}"
done
grep -q '<svg' "$root/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" && pass "scalable icon is SVG" || fail "scalable icon is not SVG"

head -n 1 "$root/usr/share/doc/solarchip-studio/copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  && pass "copyright in the machine-readable format" || fail "copyright lacks the DEP-5 Format line"

# The packaged binaries run and carry the package's version.
expect_eq "solarchip --version" "$("$root/usr/bin/solarchip" --version 2>&1 | head -n 1)" "solarchip $VERSION"

# Man pages: valid gzip, the right title and version, no troff warnings, every option documented.
for page in solarchip solarchip-studio; do
  gz="$root/usr/share/man/man1/$page.1.gz"
  [ -f "$gz" ] || continue
  gzip -t "$gz" && pass "$page.1.gz is gzip" || fail "$page.1.gz is not a valid gzip file"
  text=$(gzip -dc "$gz")
  th=$(printf '%s\n' "$text" | grep -m1 '^\.TH ')
  upper=$(echo "$page" | tr a-z A-Z)
  [[ "$th" == ".TH $upper 1 "*"$VERSION"* ]] && pass "$page.1: $th" || fail "$page.1 title line: '$th'"
  printf '%s\n' "$text" | grep -q '@[A-Z_]*@' && fail "$page.1 has an unsubstituted @VARIABLE@"
  if command -v groff >/dev/null 2>&1; then
    warnings=$(printf '%s\n' "$text" | groff -man -Tutf8 -ww -z 2>&1)
    [ -z "$warnings" ] && pass "$page.1 formats without warnings" || fail "$page.1 groff warnings: $warnings"
  fi
done
# In troff a '-' is written '\-': the options as the page prints them.
studio_page=$(gzip -dc "$root/usr/share/man/man1/solarchip-studio.1.gz" | sed 's/\\-/-/g')
studio_help=$("$root/usr/bin/solarchip-studio" --help 2>&1)
for opt in $(printf '%s\n' "$studio_help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  grep -q -- "$opt\b" <<< "$studio_page" || fail "solarchip-studio.1 does not document $opt"
done
[ -n "$studio_help" ] && pass "solarchip-studio.1 documents the options of solarchip-studio --help"
cli_page=$(gzip -dc "$root/usr/share/man/man1/solarchip.1.gz" | sed 's/\\-/-/g')
commands=$("$root/usr/bin/solarchip" --help 2>&1 | awk '/^commands:/ {on = 1; next} on && NF {print $1}')
[ -n "$commands" ] || fail "solarchip --help lists no commands"
for cmd in $commands; do
  grep -q "^\.B[IR]* $cmd\b" <<< "$cli_page" || fail "solarchip.1 has no entry for the command $cmd"
done
pass "solarchip.1 has an entry for each command of solarchip --help: $(echo $commands)"

if [ $failures -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all package checks passed ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
