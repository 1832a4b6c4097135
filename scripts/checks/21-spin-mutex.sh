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

# spin_run NAME MODEL [flags...] (spin-run.sh): prints "errors states seconds"
PAN_CFLAGS=-DCOLLAPSE
PAN_DEPTH=400000
# shellcheck source=scripts/checks/spin-run.sh
. "$root/scripts/checks/spin-run.sh"

fail=0
read -r e1 s1 t1 < <(spin_run design mutex.pml)
if [ "$e1" != "0" ]; then
  echo "21-spin-mutex: mutex.pml: $e1 error(s); trail in build/spin-mutex/design" >&2
  (cd design && spin -t -p mutex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e2 s2 t2 < <(spin_run mutant1 mutex.pml -DMUTANT_TAKE_LOCKED_AFTER_WAKE)
if [ "$e2" = "0" ] || [ "$e2" = "incomplete" ]; then
  echo "21-spin-mutex: the take-locked-after-wake mutant was NOT caught" >&2
  fail=1
fi
read -r e3 s3 t3 < <(spin_run mutant2 mutex.pml -DMUTANT_NO_PASS_ON)
if [ "$e3" = "0" ] || [ "$e3" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on mutant was NOT caught" >&2
  fail=1
fi

read -r e4 s4 t4 < <(spin_run mutant3 mutex.pml -DMUTANT_NO_PASS_ON_TIMEOUT)
if [ "$e4" = "0" ] || [ "$e4" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on-timeout mutant was NOT caught" >&2
  fail=1
fi

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "21-spin-mutex: $status - mutex.pml N=3: $e1 errors, $s1 states, ${t1}s; mutants caught (take-locked-after-wake: $e2, no-pass-on: $e3, no-pass-on-timeout: $e4)"
exit $fail
