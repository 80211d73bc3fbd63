#!/usr/bin/env bash
# The stepping benchmark side by side: two solarchip-studio binaries (a baseline, e.g. main before a change, and
# this checkout's) run alternately R times each on the same view and archive, N CPU-bound processes at nice 10
# beside them, each run with fresh settings. Prints one JSON document: every run's key figures, the medians per
# binary and the ratios new / baseline (paced p95, back-to-back p50, longest UI stall, UI-thread CPU per step,
# playback fps).
#
# Usage: bench/stepping_ab.sh BASELINE_BINARY [N] [R] -- solarchip-studio options (e.g. --sample, or --archive DIR
#        --view flare --flare-head RUN)
#   NEW=PATH   the binary measured against the baseline (default: build/bin/solarchip-studio of this checkout)
#   STEPS=K    steps per run (default 20)
#   LOAD_GROUP_NICE_BASELINE=K, LOAD_GROUP_NICE_NEW=K   the load's autogroup nice (bench/cpu_load.sh) beside each
#              binary's runs, the load restarted before every run; e.g. one binary as both, to compare a foreign
#              load with one that yields as the app's jobs do
# Build the baseline with e.g. `git worktree add /tmp/base REV && cmake -S /tmp/base -B /tmp/base/build -G Ninja
# && cmake --build /tmp/base/build --target solarchip-studio`, or copy build/bin/solarchip-studio aside before the
# change. Targets (issue 8): paced p95 <= 150 ms and longest UI stall <= 50 ms.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${1:?usage: bench/stepping_ab.sh BASELINE_BINARY [N] [R] -- studio options}"
shift
N=2
R=3
[ $# -gt 0 ] && [ "$1" != "--" ] && { N="$1"; shift; }
[ $# -gt 0 ] && [ "$1" != "--" ] && { R="$1"; shift; }
[ "${1:-}" = "--" ] && shift
NEW="${NEW:-$ROOT/build/bin/solarchip-studio}"
STEPS="${STEPS:-20}"
for b in "$BASE" "$NEW"; do
  [ -x "$b" ] || { echo "stepping_ab.sh: $b: not an executable" >&2; exit 1; }
done

source "$ROOT/scripts/xvfb.sh"
source "$ROOT/bench/cpu_load.sh"
start_xvfb_if_needed >/dev/null
export QT_QPA_PLATFORM=xcb

WORK="$(mktemp -d)"
cleanup() {
  stop_cpu_load
  rm -rf "$WORK"
  [ -n "${SOLARCHIP_XVFB_PID:-}" ] && kill "$SOLARCHIP_XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT

PER_RUN_LOAD=0
[ -n "${LOAD_GROUP_NICE_BASELINE:-}${LOAD_GROUP_NICE_NEW:-}" ] && PER_RUN_LOAD=1
[ "$PER_RUN_LOAD" = 0 ] && start_cpu_load "$N"

for ((r = 0; r < R; r++)); do
  for which in baseline new; do
    bin="$BASE"; [ "$which" = new ] && bin="$NEW"
    if [ "$PER_RUN_LOAD" = 1 ]; then
      stop_cpu_load
      if [ "$which" = new ]; then group_nice="${LOAD_GROUP_NICE_NEW:-}"; else group_nice="${LOAD_GROUP_NICE_BASELINE:-}"; fi
      LOAD_GROUP_NICE="$group_nice" start_cpu_load "$N"
    fi
    if ! "$bin" --settings "$WORK/$which-$r.ini" "$@" --bench-stepping --steps "$STEPS" --json \
        >"$WORK/$which-$r.json" 2>"$WORK/$which-$r.err"; then
      echo "stepping_ab.sh: the $which run $r failed: $(tail -3 "$WORK/$which-$r.err")" >&2
      exit 1
    fi
  done
done

python3 - "$WORK" "$R" "$N" "$BASE" "$NEW" "$*" "${LOAD_GROUP_NICE_BASELINE:-}" "${LOAD_GROUP_NICE_NEW:-}" <<'PY'
import json, os, statistics, sys
work, runs, load, base, new, args = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
AUTOGROUP = "/proc/sys/kernel/sched_autogroup_enabled"
group_nice = {"baseline": sys.argv[7] or None, "new": sys.argv[8] or None}
keys = {
    "paced_p95_ms": lambda d: d["paced"]["p95_ms"],
    "back_to_back_p50_ms": lambda d: d["back_to_back"]["p50_ms"],
    "max_ui_stall_ms": lambda d: d["max_ui_stall_ms"],
    "ui_thread_cpu_per_step_ms": lambda d: d["ui_thread_cpu_per_step"]["mean_ms"],
    "playback_fps": lambda d: d["playback"]["achieved_fps"],
    "mixed_time_frames": lambda d: d["mixed_time_frames"],
}
out = {"benchmark": "stepping_ab", "studio_options": args, "load": {"cpu_bound_processes": load, "nice": 10, "autogroup_nice": group_nice,
                "sched_autogroup_enabled": open(AUTOGROUP).read().strip() if os.path.exists(AUTOGROUP) else None},
       "runs_each": runs, "binaries": {"baseline": base, "new": new}, "runs": {}, "median": {}, "ratio_new_over_baseline": {}}
for which in ("baseline", "new"):
    rows = []
    for r in range(runs):
        d = json.load(open(f"{work}/{which}-{r}.json"))
        rows.append({k: f(d) for k, f in keys.items()})
    out["runs"][which] = rows
    out["median"][which] = {k: statistics.median(row[k] for row in rows) for k in keys}
for k in keys:
    b = out["median"]["baseline"][k]
    out["ratio_new_over_baseline"][k] = round(out["median"]["new"][k] / b, 3) if b else None
out["targets"] = {"paced_p95_ms": 150, "max_ui_stall_ms": 50, "mixed_time_frames": 0}
print(json.dumps(out, indent=2))
PY
