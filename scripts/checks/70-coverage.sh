#!/usr/bin/env bash
# 70-coverage.sh - line and branch coverage of src/ by the whole CTest suite
# (the `coverage` preset: gcc --coverage -O0), printed per file with gcovr;
# the lines not reached are listed in build/coverage/uncovered.txt.
# Fails if a test fails, or if line coverage of src/core drops below
# WRT_CORE_LINE_MIN (default 98 %: just under the 99 % reached, so a drop
# fails; the aim is 100 %). What is not reached and why:
# docs/evidence.md.
# Run alone: scripts/checks/70-coverage.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS
core_min=${WRT_CORE_LINE_MIN:-98}
"$root/scripts/ensure-packages.sh" gcc gcovr cmake ninja-build libcmocka-dev

build=build/coverage
log=$build/check.log
mkdir -p "$build"
cmake --preset coverage >"$log" 2>&1 || { cat "$log"; echo "70-coverage: FAIL: configure"; exit 1; }
cmake --build --preset coverage -j2 >>"$log" 2>&1 || { tail -40 "$log"; echo "70-coverage: FAIL: build"; exit 1; }
find "$build" -name '*.gcda' -delete
if ! ctest --preset coverage >"$build/ctest.log" 2>&1; then
  cat "$build/ctest.log"; echo "70-coverage: FAIL: tests"; exit 1
fi
tests=$(grep -E 'tests passed' "$build/ctest.log" | tail -1)

# gcovr 5: -r root, only src/, exclude unreachable-branch noise of the
# compiler's own checks with --exclude-unreachable-branches.
# Threaded tests can leave negative branch counts (counters updated without
# atomics); gcovr 5 stops on them unless told to ignore the line.
common=(-r "$root" "$build" --filter "$root/src/" --exclude-unreachable-branches --gcov-ignore-parse-errors)
gcovr "${common[@]}" --txt "$build/lines.txt" >/dev/null
gcovr "${common[@]}" --branches --txt "$build/branches.txt" >/dev/null
gcovr "${common[@]}" --json-summary "$build/summary.json" --json-summary-pretty >/dev/null
echo "--- line coverage of src/ (gcovr)"; cat "$build/lines.txt"
echo "--- branch coverage of src/ (gcovr)"; tail -n +5 "$build/branches.txt"

rc=0
python3 - "$build/summary.json" "$core_min" "$build/uncovered.txt" <<'PY' || rc=$?
import json, sys, os
s = json.load(open(sys.argv[1])); core_min = float(sys.argv[2])
files = s["files"]
def pct(c, t): return 100.0 * c / t if t else 100.0
core = [f for f in files if f["filename"].startswith("src/core/")]
cl = sum(f["line_covered"] for f in core); tl = sum(f["line_total"] for f in core)
with open(sys.argv[3], "w") as out:
    for f in files:
        if f["line_covered"] < f["line_total"]:
            out.write(f'{f["filename"]}: {f["line_total"] - f["line_covered"]} lines not reached\n')
line = (f'src/ lines {s["line_percent"]}%, branches {s["branch_percent"]}%')
open(sys.argv[1] + ".line", "w").write(line)
print(f'coverage: src/ lines {s["line_percent"]}% ({s["line_covered"]}/{s["line_total"]}), '
      f'branches {s["branch_percent"]}% ({s["branch_covered"]}/{s["branch_total"]}); '
      f'src/core lines {pct(cl, tl):.1f}% ({cl}/{tl})')
open(sys.argv[1] + ".core", "w").write(f"{pct(cl, tl):.1f}")
sys.exit(0 if pct(cl, tl) + 1e-9 >= core_min else 3)
PY
core_pct=$(cat "$build/summary.json.core")
if [ $rc -ne 0 ]; then
  echo "70-coverage: FAIL: src/core line coverage ${core_pct}% < ${core_min}%"; exit 1
fi
line=$(cat "$build/summary.json.line")
echo "70-coverage: OK: $tests; $line; src/core lines ${core_pct}%; $((SECONDS-start)) s"
