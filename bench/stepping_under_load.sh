#!/usr/bin/env bash
# The stepping benchmark as users live with it: `solarchip-studio --sample --bench-stepping --json` while N
# CPU-bound processes run beside it at nice 10 (a training run, a build, another app). Prints the
# benchmark's JSON (with a "load" field added) on stdout. Targets (issue 8): max_ui_stall_ms <= 50 and
# paced.p95_ms <= 150, with and without load.
#
# Usage: bench/stepping_under_load.sh [N] [-- extra solarchip-studio options]
#   N             CPU-bound processes (default 2; 0: a quiet run)
#   STUDIO=PATH   the binary (default: build/bin/solarchip-studio of this checkout)
#   LOAD=CMD      the load command (default: a shell busy loop; e.g. LOAD="build/bin/solarchip pretrain ...")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-2}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
STUDIO="${STUDIO:-$ROOT/build/bin/solarchip-studio}"
LOAD="${LOAD:-while :; do :; done}"

source "$ROOT/scripts/xvfb.sh"
source "$ROOT/bench/cpu_load.sh"
start_xvfb_if_needed
export QT_QPA_PLATFORM=xcb

SETTINGS="$(mktemp --suffix=.ini)"
OUT="$(mktemp)"
cleanup() {
  stop_cpu_load
  rm -f "$SETTINGS" "$OUT"
  [ -n "${SOLARCHIP_XVFB_PID:-}" ] && kill "$SOLARCHIP_XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_cpu_load "$N" "$LOAD"

rc=0
"$STUDIO" --sample --bench-stepping --json --settings "$SETTINGS" "$@" >"$OUT" || rc=$?

stop_cpu_load
python3 - "$OUT" "$N" <<'PY'
import json, sys
out = open(sys.argv[1]).read()
try:
    doc = json.loads(out)
except ValueError:
    sys.stdout.write(out)
    sys.exit(0)
doc["load"] = {"cpu_bound_processes": int(sys.argv[2]), "nice": 10}
print(json.dumps(doc, indent=2))
PY
exit $rc
