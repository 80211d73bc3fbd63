# Sourced by test.sh and run.sh: starts a private Xvfb when there is no usable display.
start_xvfb_if_needed() {
  if [ -n "${DISPLAY:-}" ]; then
    local d="${DISPLAY#*:}"; d="${d%%.*}"
    [ -S "/tmp/.X11-unix/X${d}" ] && return 0
  fi
  local n
  for n in $(seq 91 140); do
    if [ ! -e "/tmp/.X${n}-lock" ] && [ ! -e "/tmp/.X11-unix/X${n}" ]; then break; fi
  done
  Xvfb ":${n}" -screen 0 1920x1200x24 -nolisten tcp +extension GLX +render >/tmp/solarchip-xvfb-${n}.log 2>&1 &
  SOLARCHIP_XVFB_PID=$!
  export DISPLAY=":${n}"
  trap 'kill ${SOLARCHIP_XVFB_PID} 2>/dev/null || true' EXIT
  local i
  for i in $(seq 1 50); do
    [ -e "/tmp/.X11-unix/X${n}" ] && return 0
    sleep 0.1
  done
  echo "xvfb.sh: Xvfb did not start on :${n} (see /tmp/solarchip-xvfb-${n}.log)" >&2
  return 1
}
