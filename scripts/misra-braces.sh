#!/usr/bin/env bash
# misra-braces.sh - put braces around every if / else / for / while / do body
# in src/ (MISRA C:2012 rule 15.6), mechanically, so that the change can be
# re-made after any merge instead of hand-edited across files that other
# work is changing.
#
# How: clang-tidy 14's readability-braces-around-statements check, with its
# fixes exported (not applied) per file, over
#   1. every src/ file of a host compile database (x86-64 or the build host),
#   2. every src/ file again as aarch64 (--target=aarch64-linux-gnu
#      -march=armv8-a+crc), so that code under #if defined(__aarch64__) is
#      seen too,
# then clang-apply-replacements 14 applies them all once (identical
# replacements from both passes are merged). clang-tidy puts the closing
# brace on a line of its own without indentation; clang-format 14 then
# re-indents ONLY the lines this script changed (a diff against a copy made
# first), so nothing else in a file moves. Finally the check is run again
# and must report nothing.
#
# Usage: scripts/misra-braces.sh            (edits src/ in place)
#        scripts/misra-braces.sh --check    (exit 1 if any body lacks braces)
# Afterwards: build, run the tests, scripts/checks/50-static.sh, commit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
check_only=0
[ "${1:-}" = "--check" ] && check_only=1

"$root/scripts/ensure-packages.sh" clang-14 clang-tidy-14 clang-tools-14 clang-format-14 \
  cmake ninja-build python3 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
tidy=clang-tidy-14
apply=clang-apply-replacements-14
format=clang-format-14
checks='-*,readability-braces-around-statements'

work=build/misra-braces
rm -rf "$work"
mkdir -p "$work/fixes" "$work/orig"
cmake -S . -B "$work/cmake" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DWRT_BUILD_TESTS=OFF -DWRT_BUILD_TOOLS=OFF >"$work/cmake.log" 2>&1 \
  || { cat "$work/cmake.log"; echo "misra-braces: FAIL: configure"; exit 1; }
mapfile -t files < <(find src -name '*.c' | sort)

# One pass: export the check's findings and fixes for every file.
# $1: pass name; the rest: extra clang-tidy arguments.
run_pass() {
  local pass=$1; shift
  local n=0
  for f in "${files[@]}"; do
    n=$((n + 1))
    "$tidy" --quiet --checks="$checks" --warnings-as-errors='' \
      --export-fixes="$work/fixes/$pass-$n.yaml" "$f" "$@" >>"$work/$pass.log" 2>&1 || true
  done
}
# (1) with the compile database; (2) as aarch64 with the project's flags.
run_pass host -p "$work/cmake"
sysroot_inc=/usr/aarch64-linux-gnu/include
run_pass aarch64 -- --target=aarch64-linux-gnu \
  -std=c11 -march=armv8-a+crc -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc/core \
  -Isim/neutrino/include -isystem "$sysroot_inc"
# Only files with findings leave a YAML file with replacements in it.
found=$(cat "$work"/*.log | grep -c 'readability-braces-around-statements' || true)
if [ "$check_only" -eq 1 ]; then
  if [ "$found" -ne 0 ]; then
    grep -h 'warning:.*readability-braces-around-statements' "$work"/*.log | sed "s|^$root/||" | sort -u
    echo "misra-braces: $found bodies without braces"; exit 1
  fi
  echo "misra-braces: OK: every body has braces"; exit 0
fi
if [ "$found" -eq 0 ]; then
  echo "misra-braces: nothing to do"; exit 0
fi

for f in "${files[@]}"; do mkdir -p "$work/orig/$(dirname "$f")"; cp "$f" "$work/orig/$f"; done
"$apply" "$work/fixes"

# Re-indent only the changed lines. The style: 2-space indent, attached
# braces, as the code is written (clang-format's LLVM base), a wide column
# limit so that no changed line is re-wrapped.
style='{BasedOnStyle: LLVM, ColumnLimit: 120, AllowShortIfStatementsOnASingleLine: Never, AllowShortLoopsOnASingleLine: false, AllowShortBlocksOnASingleLine: Never}'
changed=0
for f in "${files[@]}"; do
  if cmp -s "$f" "$work/orig/$f"; then continue; fi
  changed=$((changed + 1))
  # Line ranges (in the new file) of every changed hunk.
  mapfile -t ranges < <(diff --unchanged-line-format='' --old-line-format='' \
    --new-line-format='%dn
' "$work/orig/$f" "$f" | awk 'NR == 1 || $1 != prev + 1 { if (NR > 1) print start ":" prev; start = $1 } { prev = $1 } END { if (NR) print start ":" prev }')
  args=()
  for r in "${ranges[@]}"; do
    # the line above a hunk holds the `{` that was appended to it
    s=${r%%:*}; e=${r##*:}
    [ "$s" -gt 1 ] && s=$((s - 1))
    args+=(--lines="$s:$e")
  done
  "$format" -i --style="$style" "${args[@]}" "$f"
done

# Verify: the check finds nothing any more.
rm -f "$work"/*.log
run_pass verify-host -p "$work/cmake"
left=$(grep -c 'readability-braces-around-statements' "$work/verify-host.log" || true)
if [ "$left" -ne 0 ]; then
  grep -h 'warning:' "$work/verify-host.log" | head -20
  echo "misra-braces: FAIL: $left bodies still without braces"; exit 1
fi
echo "misra-braces: OK: braces added in $changed files ($found findings); build, test, run scripts/checks/50-static.sh, then commit"
