#!/usr/bin/env bash
# UI responsiveness while a pretraining job of the app trains (issue 13: longest UI stall <= 50 ms). The stepping
# benchmark (`solarchip-studio --sample --bench-stepping --json`, app/gui/SteppingBenchmark) runs with the training
# panel on screen (--view training) while the app's JobRunner follows a `solarchip pretrain` job it runs at
# nice 10 on the same cores (the panel's table, curves and log updated from the job's events as they come).
#
# How the job is started: it is queued in a fresh job table ($SOLARCHIP_JOBS_DB) and a first scripted start of the
# app launches it (jobs outlive the app); once its training steps flow, the benchmark's app re-attaches it, as after
# any restart. At the end the job is cancelled (SIGTERM: it checkpoints and stops).
#
# Usage: bench/training_stall.sh [extra solarchip-studio options]
#   STUDIO=PATH CLI=PATH   the binaries (default: build/bin of this checkout)
#   PRESET=tiny            the pretrain preset (default tiny: 256 px, a few million parameters per channel)
# Prints the benchmark's JSON with "load" (the 1-min load average before) and "job" (its steps during the run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STUDIO="${STUDIO:-$ROOT/build/bin/solarchip-studio}"
CLI="${CLI:-$ROOT/build/bin/solarchip}"
PRESET="${PRESET:-tiny}"

source "$ROOT/scripts/xvfb.sh"
start_xvfb_if_needed
export QT_QPA_PLATFORM=xcb

WORK="$(mktemp -d)"
export SOLARCHIP_JOBS_DB="$WORK/jobs.sqlite"
RUN="$WORK/run"
cleanup() {
  if [ -f "$WORK/jobs/1/pid" ]; then kill -TERM "$(cat "$WORK/jobs/1/pid")" 2>/dev/null || true; fi
  for _ in $(seq 1 100); do [ -f "$WORK/jobs/1/exit" ] && break; sleep 0.2; done
  [ -n "${SOLARCHIP_XVFB_PID:-}" ] && kill "$SOLARCHIP_XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$CLI" synth "$WORK/archive" --start 2011-01-01T00:00 --days 3 --cadence 2 --size 128 --channels hmi,171 --seed 5 \
  --no-truth --quiet >/dev/null
"$CLI" index "$WORK/archive" >/dev/null

# The job, queued as the training panel queues it (the table's schema: core/jobs/JobDatabase.cpp).
/usr/bin/python3 - "$SOLARCHIP_JOBS_DB" "$CLI" "$WORK/archive" "$RUN" "$PRESET" <<'PY'
import json, sqlite3, sys, datetime
db, cli, archive, run, preset = sys.argv[1:]
c = sqlite3.connect(db)
c.execute("CREATE TABLE IF NOT EXISTS jobs(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
          "program TEXT NOT NULL, arguments TEXT NOT NULL, run_dir TEXT, title TEXT, state TEXT NOT NULL, "
          "created TEXT, started TEXT, ended TEXT, exit_code INTEGER DEFAULT 0, pid INTEGER DEFAULT 0, "
          "last_event TEXT, message TEXT, failed_file TEXT, stop_request TEXT, runs INTEGER DEFAULT 0)")
args = ["pretrain", "--archive", archive, "--channels", "hmi,171", "--preset", preset, "--batch", "4",
        "--max-steps", "100000", "--checkpoint-every", "100000", "--threads", "1", "--workers", "1", "--out", run]
c.execute("INSERT INTO jobs(kind, program, arguments, run_dir, title, state, created) VALUES(?,?,?,?,?,?,?)",
          ("pretrain", cli, json.dumps(args), run, "bench", "queued",
           datetime.datetime.utcnow().isoformat(timespec="milliseconds") + "Z"))
c.commit()
PY

SETTINGS="$WORK/settings.ini"
# A first start launches the queued job; it keeps running after this app exits.
"$STUDIO" --sample --view training --screenshot "$WORK/first.png" --settings "$SETTINGS" --timeout 300 >/dev/null
for _ in $(seq 1 600); do
  grep -q '"event":"train"' "$RUN/metrics.jsonl" 2>/dev/null && break
  sleep 0.5
done
grep -q '"event":"train"' "$RUN/metrics.jsonl" || { echo "the job did not start training:" >&2; tail -5 "$RUN/job.log" >&2; exit 1; }
before=$(grep -c '"event":"train"' "$RUN/metrics.jsonl")
LOAD=$(cut -d' ' -f1 /proc/loadavg)
OUT="$WORK/bench.json"
"$STUDIO" --sample --view training --bench-stepping --json --settings "$SETTINGS" "$@" >"$OUT"
after=$(grep -c '"event":"train"' "$RUN/metrics.jsonl")
/usr/bin/python3 - "$OUT" "$LOAD" "$before" "$after" "$PRESET" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1]).read())
doc["load"] = float(sys.argv[2])
doc["job"] = {"preset": sys.argv[5], "train_steps_before": int(sys.argv[3]), "train_steps_after": int(sys.argv[4])}
print(json.dumps(doc, indent=1))
PY
