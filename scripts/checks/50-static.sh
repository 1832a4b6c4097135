#!/usr/bin/env bash
# 50-static.sh - static analysis of the library sources:
#  1. cppcheck 2.x with the MISRA C:2012 addon (and its own warning/style/
#     portability checks) over src/ and the public headers;
#  2. clang-tidy (bugprone-*, cert-*, clang-analyzer-*, configured in
#     analysis/clang-tidy.yaml) over every src/ file in the compile database.
# Fails on any NEW finding: findings are counted per (file, rule) and compared
# with the accepted baselines analysis/cppcheck-baseline.txt and
# analysis/clang-tidy-baseline.txt (line numbers move; counts do not). Every
# MISRA rule in the baseline must have its reason in docs/misra-deviations.md,
# and a REQUIRED rule a formal deviation record there (a "- **ID**: DEV-" line).
# Prints the MISRA figures (findings per rule and category).
# Run alone:   scripts/checks/50-static.sh
# Accept the current findings (after writing the reasons down):
#              scripts/checks/50-static.sh --update-baseline
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS
update=0
[ "${1:-}" = "--update-baseline" ] && update=1

"$root/scripts/ensure-packages.sh" cppcheck clang-tidy clang cmake ninja-build python3
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)

out=build/static
mkdir -p "$out"
cpp_base=analysis/cppcheck-baseline.txt
tidy_base=analysis/clang-tidy-baseline.txt

# --- cppcheck + MISRA ---------------------------------------------------------
mapfile -t srcs < <(find src -name '*.c' | sort)
# The addon's per-file dump files go to build/, not next to the sources.
rm -rf "$out/cppcheck-build"; mkdir -p "$out/cppcheck-build"
cppcheck --addon=misra --enable=warning,style,performance,portability \
  --std=c11 --platform=unix64 --inline-suppr -q \
  --cppcheck-build-dir="$out/cppcheck-build" \
  -Iinclude -Isrc/core -D__linux__ \
  --template='{file}:{line}:{severity}:{id}:{message}' \
  "${srcs[@]}" 2>"$out/cppcheck.txt" >/dev/null || true
# Only findings in our own files count (not in system or model headers).
grep -E '^(src|include)/' "$out/cppcheck.txt" | awk -F: '{print $1" "$4}' | sort | uniq -c \
  | awk '{print $2" "$3" "$1}' >"$out/cppcheck-counts.txt" || true

# --- clang-tidy -----------------------------------------------------------------
cmake -S . -B "$out/cmake" -G Ninja -DCMAKE_C_COMPILER=clang -DWRT_BUILD_TESTS=OFF \
  >"$out/cmake.log" 2>&1 || { cat "$out/cmake.log"; echo "50-static: FAIL: configure"; exit 1; }
# Generated headers (none today) would need a build; configure is enough.
mapfile -t tidy_srcs < <(python3 -c '
import json,os,sys
seen=set()
for e in json.load(open(sys.argv[1])):
    f=os.path.relpath(os.path.join(e["directory"],e["file"]))
    if f.startswith("src/") and f not in seen:
        seen.add(f); print(f)
' "$out/cmake/compile_commands.json" | sort)
"$tidy" -p "$out/cmake" --quiet --config-file=analysis/clang-tidy.yaml "${tidy_srcs[@]}" \
  >"$out/clang-tidy.txt" 2>"$out/clang-tidy.err" || true
grep -E '^/.*: (warning|error): ' "$out/clang-tidy.txt" \
  | sed -E "s|^$root/||; s|^([^:]+):[0-9]+:[0-9]+: [a-z]+: .*\[([^],]+)[],].*|\1 \2|" \
  | sort | uniq -c | awk '{print $2" "$3" "$1}' >"$out/clang-tidy-counts.txt" || true

if [ $update -eq 1 ]; then
  { echo "# file rule count - accepted cppcheck/MISRA findings (scripts/checks/50-static.sh --update-baseline)"
    cat "$out/cppcheck-counts.txt"; } >"$cpp_base"
  { echo "# file check count - accepted clang-tidy findings (scripts/checks/50-static.sh --update-baseline)"
    cat "$out/clang-tidy-counts.txt"; } >"$tidy_base"
  echo "50-static: baselines updated: $cpp_base, $tidy_base"
fi

# new = findings above the baseline count for the same (file, rule)
compare() { # compare COUNTS BASELINE -> prints "file rule now>base"
  awk 'NR==FNR { if ($0 !~ /^#/ && NF==3) b[$1" "$2]=$3; next }
       { k=$1" "$2; if ($3 > (k in b ? b[k] : 0)) print k" "$3" (baseline " (k in b ? b[k] : 0) ")" }' \
    "$2" "$1"
}
[ -f "$cpp_base" ] || echo "#" >"$cpp_base"
[ -f "$tidy_base" ] || echo "#" >"$tidy_base"
new_cpp=$(compare "$out/cppcheck-counts.txt" "$cpp_base")
new_tidy=$(compare "$out/clang-tidy-counts.txt" "$tidy_base")

# --- MISRA figures --------------------------------------------------------------
category() { # MISRA C:2012 (Amd.1) category of a rule number
  case " $1 " in
    *" 9.1 "*|*" 12.5 "*|*" 13.6 "*|*" 17.3 "*|*" 17.4 "*|*" 17.6 "*|*" 19.1 "*|*" 21.13 "*|*" 21.17 "*|*" 21.18 "*|*" 21.19 "*|*" 21.20 "*|*" 22.2 "*|*" 22.4 "*|*" 22.5 "*|*" 22.6 "*) echo mandatory ;;
    *" 1.2 "*|*" 2.3 "*|*" 2.4 "*|*" 2.5 "*|*" 2.6 "*|*" 2.7 "*|*" 4.2 "*|*" 5.9 "*|*" 8.7 "*|*" 8.9 "*|*" 8.11 "*|*" 8.13 "*|*" 10.5 "*|*" 11.4 "*|*" 11.5 "*|*" 12.1 "*|*" 12.3 "*|*" 12.4 "*|*" 13.3 "*|*" 13.4 "*|*" 15.1 "*|*" 15.4 "*|*" 15.5 "*|*" 17.5 "*|*" 17.8 "*|*" 18.4 "*|*" 18.5 "*|*" 19.2 "*|*" 20.1 "*|*" 20.5 "*|*" 20.10 "*|*" 21.12 "*) echo advisory ;;
    *) echo required ;;
  esac
}
{
  echo "MISRA C:2012 findings (cppcheck $(cppcheck --version | awk '{print $2}') misra addon) over src/ and include/"
  printf '%-8s %-10s %6s  %s\n' rule category count files
  grep -E ' misra-c2012-' "$out/cppcheck-counts.txt" | sed 's/ misra-c2012-/ /' \
    | awk '{c[$2]+=$3; f[$2]=f[$2] " " $1 "(" $3 ")"} END {for (r in c) print r, c[r], f[r]}' \
    | sort -t. -k1,1n -k2,2n | while read -r rule n files; do
        printf '%-8s %-10s %6s  %s\n' "$rule" "$(category "$rule")" "$n" "$files"
      done
} >"$out/misra-summary.txt"
misra_total=$(grep -E ' misra-c2012-' "$out/cppcheck-counts.txt" | awk '{s+=$3} END {print s+0}')
misra_rules=$(grep -cE ' misra-c2012-' "$out/cppcheck-counts.txt" | tr -d ' ' || true)
by_cat=$(tail -n +3 "$out/misra-summary.txt" | awk '{c[$2]+=$3} END {for (k in c) printf "%s %d, ", k, c[k]}' | sed 's/, $//')
other_cpp=$(grep -vE ' misra-c2012-' "$out/cppcheck-counts.txt" | awk '{s+=$3} END {print s+0}')
tidy_total=$(awk '{s+=$3} END {print s+0}' "$out/clang-tidy-counts.txt")
cat "$out/misra-summary.txt"
echo "cppcheck (non-MISRA): $other_cpp findings; clang-tidy: $tidy_total findings"

# Every deviated MISRA rule must be explained.
undocumented=""
for rule in $(grep -oE 'misra-c2012-[0-9]+\.[0-9]+' "$cpp_base" | sed 's/misra-c2012-//' | sort -u); do
  grep -qE "^## Rule ([0-9.]+ / )*${rule//./\\.}( |$)" docs/misra-deviations.md 2>/dev/null || undocumented="$undocumented $rule"
done

# A required rule may stay in the baseline only with a formal deviation
# record (a "- **ID**: DEV-" line in its section of docs/misra-deviations.md).
not_deviated=""
for rule in $(grep -oE 'misra-c2012-[0-9]+\.[0-9]+' "$cpp_base" | sed 's/misra-c2012-//' | sort -u); do
  [ "$(category "$rule")" = required ] || continue
  awk -v r="$rule" '
    /^## Rule / { insec = 0; n = split(substr($0, 9), w, " "); for (i = 1; i <= n; i++) { if (w[i] == r) insec = 1; if (w[i] != "/" && w[i] !~ /^[0-9.]+$/) break } }
    insec && /^- \*\*ID\*\*: DEV-/ { found = 1 }
    END { exit !found }' docs/misra-deviations.md || not_deviated="$not_deviated $rule"
done

status=0
if [ -n "$not_deviated" ]; then
  echo "50-static: required MISRA rules in the baseline without a formal deviation record (DEV- ID) in docs/misra-deviations.md:$not_deviated"
  status=1
fi
if [ -n "$new_cpp" ]; then
  echo "50-static: NEW cppcheck/MISRA findings (fix, or accept with a reason in docs/misra-deviations.md and --update-baseline):"
  echo "$new_cpp" | sed 's/^/  /'
  grep -E '^(src|include)/' "$out/cppcheck.txt" | while IFS=: read -r f l sev id msg; do
    if echo "$new_cpp" | grep -q "^$f $id "; then echo "    $f:$l: $id"; fi
  done
  status=1
fi
if [ -n "$new_tidy" ]; then
  echo "50-static: NEW clang-tidy findings:"
  echo "$new_tidy" | sed 's/^/  /'
  grep -E ': (warning|error): ' "$out/clang-tidy.txt" | sed "s|^$root/||" | sed 's/^/    /'
  status=1
fi
if [ -n "$undocumented" ]; then
  echo "50-static: MISRA rules in the baseline without a '## Rule N.M' section in docs/misra-deviations.md:$undocumented"
  status=1
fi
summary="MISRA $misra_total findings in $misra_rules (file, rule) pairs ($by_cat); cppcheck other $other_cpp; clang-tidy $tidy_total; ${#srcs[@]} files"
if [ $status -eq 0 ]; then
  echo "50-static: OK: no new finding; $summary; $((SECONDS-start)) s"
else
  echo "50-static: FAIL: $summary"; exit 1
fi
