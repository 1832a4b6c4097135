#!/usr/bin/env bash
# 30-fuzz.sh - build the libFuzzer harnesses (clang, ASan+UBSan+LeakSanitizer)
# and run each for a bounded time from the seed corpus in fuzz/corpus/<name>.
# Proves: for every input tried, no crash, no sanitizer report, no leak, and
# every invariant the harness asserts after each call holds.
# Run alone: scripts/checks/30-fuzz.sh [TOTAL_SECONDS]  (default 90, split
# evenly across the harnesses; fuzz/run-long.sh runs them longer).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
total=${1:-${WRT_FUZZ_SECONDS:-90}}
start=$SECONDS

"$root/scripts/ensure-packages.sh" clang libclang-rt-14-dev cmake ninja-build

build=build/fuzz
mkdir -p "$build"
log=$build/check.log
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 || { cat "$log"; echo "30-fuzz: FAIL: configure"; exit 1; }
cmake --build "$build" -j2 >>"$log" 2>&1 || { tail -40 "$log"; echo "30-fuzz: FAIL: build"; exit 1; }

mapfile -t fuzzers <"$build/fuzzers.txt"
n=${#fuzzers[@]}
[ "$n" -gt 0 ] || { echo "30-fuzz: FAIL: no harness built"; exit 1; }
each=$(( total / n )); [ "$each" -ge 10 ] || each=10

summary=()
status=0
for f in "${fuzzers[@]}"; do
  # Work on a copy of the seeds: what the fuzzer learns stays in build/.
  work=$build/corpus/$f
  mkdir -p "$work" "$build/artifacts"
  [ -d "fuzz/corpus/$f" ] && cp -n fuzz/corpus/"$f"/* "$work"/ 2>/dev/null || true
  out=$build/$f.log
  # -rss_limit_mb guards against a harness that maps too much; leaks are
  # reported by LeakSanitizer at the end of every input (detect_leaks=1).
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
     "$build/$f" -max_total_time="$each" -print_final_stats=1 -rss_limit_mb=2048 \
       -timeout=10 -artifact_prefix="$build/artifacts/$f-" "$work" >"$out" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out")
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out")
    cov=$(grep -oE 'cov: [0-9]+' "$out" | tail -1 | cut -d' ' -f2)
    echo "30-fuzz: $f: ${each} s, ${runs} runs, ${eps} execs/s, ${cov:-?} edges, corpus $(ls "$work" | wc -l)"
    summary+=("$f ${runs} runs")
  else
    tail -60 "$out"
    echo "30-fuzz: $f: FAIL (crash input in $build/artifacts/)"
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "30-fuzz: OK: $n harnesses, no crash/leak/invariant failure ($(IFS=','; echo "${summary[*]}")); $((SECONDS-start)) s"
else
  echo "30-fuzz: FAIL"; exit 1
fi
