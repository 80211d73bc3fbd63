# Sourced by the stepping benchmarks: CPU-bound processes at nice 10 beside the app under test, each in its own
# process group (setsid), so stopping it stops whatever it started.
#   start_cpu_load N [CMD]   N processes running CMD (default: a shell busy loop), then a second for them to reach
#                            full speed (none when N is 0)
#   stop_cpu_load            stops them (safe to call twice, e.g. from an EXIT trap)
CPU_LOAD_PIDS=()

start_cpu_load() {
  local n="$1" cmd="${2:-while :; do :; done}" i
  for ((i = 0; i < n; i++)); do
    setsid nice -n 10 bash -c "$cmd" >/dev/null 2>&1 &
    CPU_LOAD_PIDS+=($!)
  done
  if [ "$n" -gt 0 ]; then sleep 1; fi
}

stop_cpu_load() {
  local p
  for p in "${CPU_LOAD_PIDS[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  CPU_LOAD_PIDS=()
}
