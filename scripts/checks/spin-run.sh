# spin-run.sh - sourced by 20-spin.sh and 21-spin-mutex.sh (not a check of
# its own): one model-check run of a verify/ model.
#
# spin_run NAME MODEL [spin -D flags...]: runs spin and pan in $PWD/NAME and
# prints "errors states seconds"; errors is "incomplete" when no error was
# found but the search did not finish. Needs $root (the repository). The
# caller may set PAN_CFLAGS (extra gcc flags for pan.c, e.g. -DCOLLAPSE) and
# PAN_DEPTH (pan's -m, default 200000). PAN_NP=1 makes the run a search for
# non-progress cycles under weak fairness (pan -l -f; the model's progress
# labels) instead of the safety search.
spin_run() {
  local name=$1 model=$2
  shift 2
  rm -rf "$name" && mkdir "$name"
  (
    cd "$name"
    cp "$root/verify/$model" .
    spin "$@" -a "$model" >spin.log 2>&1 || { cat spin.log >&2; exit 2; }
    # pan.c is generated code: its warnings are spin's, not ours
    # shellcheck disable=SC2086
    local mode=-DSAFETY
    local -a pan_flags=()
    if [ "${PAN_NP:-0}" = "1" ]; then mode=-DNP; pan_flags=(-l -f); fi
    # shellcheck disable=SC2086
    gcc -O2 "$mode" ${PAN_CFLAGS:-} -w -o pan pan.c 2>gcc.log || { cat gcc.log >&2; exit 2; }
    ./pan -m"${PAN_DEPTH:-200000}" "${pan_flags[@]}" >pan.log 2>&1 || true
  ) || return 2
  local log="$name/pan.log"
  grep -q "errors:" "$log" || { cat "$log" >&2; return 2; }
  local errors states secs
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | tail -1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$log" | tail -1)
  secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$log" | tail -1)
  # pan stops at the first error ("search not completed"); a run without
  # errors must have been complete (depth limit not hit)
  if [ "$errors" = "0" ] && grep -qi "search not completed\|max search depth too small" "$log"; then
    errors=incomplete
  fi
  echo "$errors" "$states" "${secs:-0}"
}
