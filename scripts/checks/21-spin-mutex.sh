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
#      MUTANT_NO_PASS_ON_TIMEOUT (a woken waiter that times out keeps it);
#   3. the bound of wrt/mutex.h (at most BYPASS_MAX acquisitions in a row
#      pass the waiters that asked; the model's BYPASS_MAX is 1) with two
#      threads, one of them coming back 4 times: the safety search must find
#      0 errors, a non-progress search (weak fairness) 0 cycles (nobody
#      waits forever on a free lock the askers were to take), and the
#      mutants MUTANT_ASK_ON_FREE (the rule before the bound: waiting on a
#      free word made a thread an asker), MUTANT_PASS_UNCOUNTED (a pass not
#      counted), MUTANT_NO_WITHDRAW (an asker that gives up stays
#      registered: non-progress), MUTANT_PARKED_TAKEN_LOCKED (an asker takes
#      a word a thread is parked on without marking it contended: a lost
#      wake-up) and MUTANT_NO_WAKE_PARKED_ON_WITHDRAW (the last asker to give
#      up leaves the parked asleep) must each be caught.
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
caught=""
# mutant DIR LABEL [flags...]: spin must find an error in the model built
# with flags (a mutant); appends "LABEL: errors" to $caught.
mutant() {
  local dir=$1 label=$2 e
  shift 2
  read -r e _ < <(spin_run "$dir" mutex.pml "$@")
  if [ "$e" = "0" ] || [ "$e" = "incomplete" ]; then
    echo "21-spin-mutex: the $label mutant was NOT caught" >&2
    fail=1
  fi
  caught="$caught${caught:+, }$label: $e"
}

read -r e1 s1 t1 < <(spin_run design mutex.pml)
if [ "$e1" != "0" ]; then
  echo "21-spin-mutex: mutex.pml: $e1 error(s); trail in build/spin-mutex/design" >&2
  (cd design && spin -t -p mutex.pml | tail -40) >&2 || true
  fail=1
fi
mutant mutant1 take-locked-after-wake -DMUTANT_TAKE_LOCKED_AFTER_WAKE
mutant mutant2 no-pass-on -DMUTANT_NO_PASS_ON
mutant mutant3 no-pass-on-timeout -DMUTANT_NO_PASS_ON_TIMEOUT

# 3. the bound: 2 threads, thread 0 locks 4 times (so it can come back past
# the cap), BYPASS_MAX 1
B=(-DN=2 -DROUNDS0=4)
read -r e5 s5 _ < <(spin_run bound mutex.pml "${B[@]}")
if [ "$e5" != "0" ]; then
  echo "21-spin-mutex: mutex.pml (bound, 2 threads): $e5 error(s); trail in build/spin-mutex/bound" >&2
  (cd bound && spin -t -p "${B[@]}" mutex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e6 _ < <(PAN_NP=1 spin_run bound-np mutex.pml "${B[@]}")
if [ "$e6" != "0" ]; then
  echo "21-spin-mutex: mutex.pml (bound, 2 threads): $e6 non-progress cycle(s); trail in build/spin-mutex/bound-np" >&2
  fail=1
fi
mutant mutant4 ask-on-free "${B[@]}" -DMUTANT_ASK_ON_FREE
mutant mutant5 pass-uncounted "${B[@]}" -DMUTANT_PASS_UNCOUNTED
PAN_NP=1 mutant mutant6 no-withdraw "${B[@]}" -DMUTANT_NO_WITHDRAW
mutant mutant7 parked-taken-locked "${B[@]}" -DMUTANT_PARKED_TAKEN_LOCKED
mutant mutant8 no-wake-parked-on-withdraw "${B[@]}" -DMUTANT_NO_WAKE_PARKED_ON_WITHDRAW

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "21-spin-mutex: $status - mutex.pml N=3: $e1 errors, $s1 states, ${t1}s; bound N=2: $e5 errors, $s5 states, $e6 non-progress cycles; mutants caught ($caught)"
exit $fail
