#!/usr/bin/env bash
# 20-spin.sh - model-check the QNX futex protocol (verify/, see its README).
#   1. verify/qnx_futex.pml, the design of src/qnx/qnx_sync.c: safety search
#      (assertions + invalid end states = lost wake-ups) must find 0 errors;
#   2. the same model with MUTANT_NO_RECHECK (the waiter checks the word
#      before it is in the list): spin MUST find an error, proving the check
#      can fail;
#      likewise MUTANT_SEND_OUTSIDE_LOCK (a pulse sent to a channel a
#      timed-out waiter may have destroyed) must be caught;
#   3. verify/qnx_futex_shared.pml, the rejected shared-channel design: spin
#      MUST find its lost wake-up;
#   4. verify/qnx_parker.pml, the per-thread parker design of src/qnx
#      (stale-pulse tokens, state-decided returns, a forger sending any
#      pulse to any channel): 0 errors; its mutants that trust a pulse
#      (forged, or stale without the token) MUST be caught.
# Prints one summary line; exits non-zero on any unexpected result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/scripts/ensure-packages.sh" spin gcc
out="$root/build/spin"
mkdir -p "$out"
cd "$out"

# spin_run NAME MODEL [flags...] (spin-run.sh): prints "errors states seconds"
# shellcheck source=scripts/checks/spin-run.sh
. "$root/scripts/checks/spin-run.sh"

fail=0
read -r e1 s1 t1 < <(spin_run design qnx_futex.pml)
if [ "$e1" != "0" ]; then
  echo "20-spin: qnx_futex.pml: $e1 error(s); trail in build/spin/design" >&2
  (cd design && spin -t -p qnx_futex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e2 s2 t2 < <(spin_run mutant qnx_futex.pml -DMUTANT_NO_RECHECK)
if [ "$e2" = "0" ] || [ "$e2" = "incomplete" ]; then
  echo "20-spin: the no-recheck mutant was NOT caught: the check is vacuous" >&2
  fail=1
fi
read -r e4 s4 t4 < <(spin_run mutant2 qnx_futex.pml -DMUTANT_SEND_OUTSIDE_LOCK)
if [ "$e4" = "0" ] || [ "$e4" = "incomplete" ]; then
  echo "20-spin: the send-outside-the-lock mutant was NOT caught" >&2
  fail=1
fi
read -r e3 s3 t3 < <(spin_run shared qnx_futex_shared.pml)
if [ "$e3" = "0" ] || [ "$e3" = "incomplete" ]; then
  echo "20-spin: the shared-channel design showed no lost wake-up (expected one)" >&2
  fail=1
fi
read -r e5 s5 t5 < <(spin_run parker qnx_parker.pml)
if [ "$e5" != "0" ]; then
  echo "20-spin: qnx_parker.pml: $e5 error(s); trail in build/spin/parker" >&2
  (cd parker && spin -t -p qnx_parker.pml | tail -40) >&2 || true
  fail=1
fi
read -r e6 s6 t6 < <(spin_run parker_trust qnx_parker.pml -DMUTANT_TRUST_PULSE)
if [ "$e6" = "0" ] || [ "$e6" = "incomplete" ]; then
  echo "20-spin: the trust-the-pulse mutant was NOT caught (forgery)" >&2
  fail=1
fi
read -r e7 s7 t7 < <(spin_run parker_stale qnx_parker.pml -DMUTANT_TRUST_PULSE -DMUTANT_NO_TOKEN -DFORGED=0)
if [ "$e7" = "0" ] || [ "$e7" = "incomplete" ]; then
  echo "20-spin: the no-token mutant was NOT caught (stale pulse)" >&2
  fail=1
fi

# The wait table (verify/wait_table.pml): no lost wake-up, no touch of a returned waiter; every mutant caught.
# Once with the Linux kick (default), once with -DNO_KICK (QNX: the unpark is the wake).
read -r eq sq tq < <(spin_run wait_table_nokick wait_table.pml -DNO_KICK); [ "$eq" = "0" ] || { echo "20-spin: wait_table.pml -DNO_KICK: $eq error(s); trail in build/spin/wait_table_nokick" >&2; fail=1; }; echo "20-spin: wait_table.pml -DNO_KICK: $eq errors, $sq states, ${tq}s"
read -r ew sw tw < <(spin_run wait_table wait_table.pml); mw=""; for m in MUTANT_NO_FENCE MUTANT_CHECK_BEFORE_COUNT MUTANT_PROBE_DECIDES MUTANT_CHOSEN_BEFORE_UNPARK MUTANT_LEAVE_ON_SENDING MUTANT_KICK_BEFORE_UNPARK; do read -r em _ _ < <(spin_run "wt_$m" wait_table.pml "-D$m"); mw="$mw $m:$em"; case $em in 0|incomplete) echo "20-spin: wait_table.pml $m was NOT caught" >&2; fail=1;; esac; done; [ "$ew" = "0" ] || { echo "20-spin: wait_table.pml: $ew error(s); trail in build/spin/wait_table" >&2; fail=1; }; echo "20-spin: wait_table.pml: $ew errors, $sw states, ${tw}s; mutants caught:$mw"

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "20-spin: $status - qnx_futex.pml N=3: $e1 errors, $s1 states, ${t1}s; mutants caught (no-recheck: $e2, send-outside-lock: $e4); shared-channel design: counterexample found ($e3); qnx_parker.pml: $e5 errors, $s5 states, ${t5}s; parker mutants caught (trust-pulse: $e6, stale without token: $e7)"
exit $fail
