#!/usr/bin/env bash
# 21-spin-mutex.sh - model-check the mutex protocol of src/core/mutex.c
# (verify/mutex.pml: read-only spin, the HANDOFF request bit, mark contended
# only to sleep, take as contended after a wake, pass a consumed wake on when
# leaving on an error or a timeout; timed waiters, injected backend errors):
#   1. the model: safety search (mutual exclusion assertions + invalid end
#      states = a sleeper nobody will wake) must find 0 errors, and complete;
#   2. three mutants must each be caught, so that the check cannot be vacuous:
#      MUTANT_TAKE_LOCKED_AFTER_WAKE (Drepper's rule dropped) and
#      MUTANT_NO_PASS_ON (an erroring waiter keeps the wake it consumed) and
#      MUTANT_NO_PASS_ON_TIMEOUT (a woken waiter that times out keeps it).
# Prints one summary line; exits non-zero on any unexpected result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/scripts/ensure-packages.sh" spin gcc
out="$root/build/spin-mutex"
mkdir -p "$out"
cd "$out"

# run NAME [spin -D flags...]: prints "errors states seconds"
run() {
  local name=$1
  shift
  rm -rf "$name" && mkdir "$name"
  (
    cd "$name"
    cp "$root/verify/mutex.pml" .
    spin "$@" -a mutex.pml >spin.log 2>&1 || { cat spin.log >&2; exit 2; }
    # pan.c is generated code: its warnings are spin's, not ours
    gcc -O2 -DSAFETY -DCOLLAPSE -w -o pan pan.c 2>gcc.log || { cat gcc.log >&2; exit 2; }
    ./pan -m400000 >pan.log 2>&1 || true
  ) || return 2
  local log="$name/pan.log"
  grep -q "errors:" "$log" || { cat "$log" >&2; return 2; }
  local errors states secs
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | tail -1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$log" | tail -1)
  secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$log" | tail -1)
  if [ "$errors" = "0" ] && grep -qi "search not completed\|max search depth too small" "$log"; then
    errors=incomplete
  fi
  echo "$errors" "$states" "${secs:-0}"
}

fail=0
read -r e1 s1 t1 < <(run design)
if [ "$e1" != "0" ]; then
  echo "21-spin-mutex: mutex.pml: $e1 error(s); trail in build/spin-mutex/design" >&2
  (cd design && spin -t -p mutex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e2 s2 t2 < <(run mutant1 -DMUTANT_TAKE_LOCKED_AFTER_WAKE)
if [ "$e2" = "0" ] || [ "$e2" = "incomplete" ]; then
  echo "21-spin-mutex: the take-locked-after-wake mutant was NOT caught" >&2
  fail=1
fi
read -r e3 s3 t3 < <(run mutant2 -DMUTANT_NO_PASS_ON)
if [ "$e3" = "0" ] || [ "$e3" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on mutant was NOT caught" >&2
  fail=1
fi

read -r e4 s4 t4 < <(run mutant3 -DMUTANT_NO_PASS_ON_TIMEOUT)
if [ "$e4" = "0" ] || [ "$e4" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on-timeout mutant was NOT caught" >&2
  fail=1
fi

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "21-spin-mutex: $status - mutex.pml N=3: $e1 errors, $s1 states, ${t1}s; mutants caught (take-locked-after-wake: $e2, no-pass-on: $e3, no-pass-on-timeout: $e4)"
exit $fail
