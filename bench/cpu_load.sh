# Sourced by the stepping benchmarks: CPU-bound processes at nice 10 beside the app under test, each in its own
# process group (setsid), so stopping it stops whatever it started.
#   start_cpu_load N [CMD]   N processes running CMD (default: a shell busy loop), then a second for them to reach
#                            full speed (none when N is 0)
#   stop_cpu_load            stops them (safe to call twice, e.g. from an EXIT trap)
# LOAD_GROUP_NICE=K: each process first raises the nice of its scheduler autogroup (its session's) to K, as a job
# started from the app's training panel does; unset, they are foreign loads: with autogroups on (the kernel's
# default), each session then gets an equal share of the CPU whatever its nice value.
CPU_LOAD_PIDS=()

start_cpu_load() {
  local n="$1" cmd="${2:-while :; do :; done}" i
  if [ -n "${LOAD_GROUP_NICE:-}" ]; then
    # The kernel refuses unprivileged autogroup changes closer than 0.1 s apart: retry.
    cmd="for t in 1 2 3 4 5 6 7 8 9 10; do echo $LOAD_GROUP_NICE 2>/dev/null >/proc/self/autogroup && break; sleep 0.1; done; $cmd"
  fi
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
