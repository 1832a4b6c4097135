#!/usr/bin/env bash
# 22-spin-pool.sh - model-check the slot pool's free list (src/core/pool.c,
# verify/pool.pml: a generation-tagged Treiber stack of slot indices):
#   1. the model: safety search (no slot held twice, every slot on the list
#      once at the end, no invalid end state) must find 0 errors, complete;
#   2. the mutant MUTANT_NO_GENERATION (compare-exchange on the index alone:
#      ABA) must be caught, so that the check cannot be vacuous.
# Prints one summary line; exits non-zero on any unexpected result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/scripts/ensure-packages.sh" spin gcc
out="$root/build/spin-pool"
mkdir -p "$out"
cd "$out"

PAN_CFLAGS=-DCOLLAPSE
PAN_DEPTH=400000
# shellcheck source=scripts/checks/spin-run.sh
. "$root/scripts/checks/spin-run.sh"

fail=0
read -r e1 s1 t1 < <(spin_run design pool.pml)
if [ "$e1" != "0" ]; then
  echo "22-spin-pool: pool.pml: $e1 error(s); trail in build/spin-pool/design" >&2
  (cd design && spin -t -p pool.pml | tail -40) >&2 || true
  fail=1
fi
read -r e2 s2 t2 < <(spin_run mutant1 pool.pml -DMUTANT_NO_GENERATION)
if [ "$e2" = "0" ] || [ "$e2" = "incomplete" ]; then
  echo "22-spin-pool: the no-generation (ABA) mutant was NOT caught" >&2
  fail=1
fi

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "22-spin-pool: $status - pool.pml 2 threads, 3 slots: $e1 errors, $s1 states, ${t1}s; ABA mutant caught ($e2 error)"
exit $fail
