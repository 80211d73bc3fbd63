#!/usr/bin/env bash
# What the low-label wizard's defaults cost on the sample archive (issue 13: Next-Next-Finish within ~10 minutes
# on the 2-core CPU). The wizard itself says which command its Run button would queue (`--view wizard
# --state-json`: wizard.command); that command runs here as the app's JobRunner runs it (nice 10), on a copy of
# the sample archive without its .solarchip caches (so embedding the sets for the frozen probe is counted, as on
# a first run), into a scratch results folder.
#
# Usage: bench/wizard_defaults.sh [WORKDIR]   (default: a fresh folder under /tmp; about 100 MB)
#   STUDIO=PATH CLI=PATH   the binaries (default: build/bin of this checkout)
# Prints one JSON object: wall_s, cpu_s (user+system of the command), load (1-min load average before and
# after), points/skipped, the command, and the run's own label_efficiency.json summary path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STUDIO="${STUDIO:-$ROOT/build/bin/solarchip-studio}"
CLI="${CLI:-$ROOT/build/bin/solarchip}"
WORK="${1:-$(mktemp -d /tmp/wizard-defaults-XXXXXX)}"
mkdir -p "$WORK"
if [ -z "${DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
  source "$ROOT/scripts/xvfb.sh"
  start_xvfb_if_needed
  export QT_QPA_PLATFORM=xcb
fi
"$STUDIO" --sample --view wizard --settings "$WORK/settings.ini" --screenshot "$WORK/wizard.png" \
  --state-json "$WORK/wizard.json" >/dev/null 2>&1
SAMPLE="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wizard"]["archive"])' "$WORK/wizard.json")"
rm -rf "$WORK/sample" "$WORK/out"
mkdir -p "$WORK/sample"
(cd "$SAMPLE" && tar --exclude=./.solarchip -cf - .) | (cd "$WORK/sample" && tar -xf -)
# The wizard's arguments with the archive copy and the scratch results folder.
mapfile -t ARGS < <(/usr/bin/python3 - "$WORK/wizard.json" "$WORK/sample" "$WORK/out" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["wizard"]["command"]
a[a.index("--archive") + 1] = sys.argv[2]
a[a.index("--out") + 1] = sys.argv[3]
print("\n".join(a))
PY
)
LOAD0="$(cut -d' ' -f1 /proc/loadavg)"
/usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" nice -n 10 "$CLI" "${ARGS[@]}" >"$WORK/job.log" 2>&1
LOAD1="$(cut -d' ' -f1 /proc/loadavg)"
/usr/bin/python3 - "$WORK" "$LOAD0" "$LOAD1" "${ARGS[@]}" <<'PY'
import json, sys
work, l0, l1, args = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
wall, user, sys_ = (float(x) for x in open(work + "/time.txt").read().split()[-3:])
pts = [json.loads(l) for l in open(work + "/out/points.jsonl") if l.strip()]
print(json.dumps({"wall_s": wall, "cpu_s": round(user + sys_, 2), "load": [l0, l1],
                  "points": sum(p["event"] == "point" for p in pts), "skipped": sum(p["event"] == "skipped" for p in pts),
                  "command": ["solarchip"] + args, "summary": work + "/out/label_efficiency.json"}, indent=1))
PY
