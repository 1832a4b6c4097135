#!/usr/bin/env bash
# 40-framac.sh - Frama-C EVA (abstract interpretation) over every src/core/*.c,
# from analysis/framac/driver.c, which calls each function with the whole
# range of every argument. Proves the absence of run-time errors (overflow of
# signed arithmetic, invalid memory access, division by zero, uninitialised
# reads, ...) in the OS-free core for all inputs, except for the alarms
# justified one by one in analysis/framac/alarms.md.
# Fails on: an alarm not in alarms.md, an invalid property, a public src/core
# function the driver does not reach, or any Frama-C error.
# Run alone: scripts/checks/40-framac.sh   (log in build/framac/eva.log)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS
"$root/scripts/ensure-packages.sh" frama-c-base

out=build/framac
mkdir -p "$out"
log=$out/eva.log

sources=(src/core/*.c)
defs=()
# Driver sections for src/core files that are not in every tree yet.
ls src/core/crc32c*.c >/dev/null 2>&1 && defs+=(-DWRT_FC_HAVE_CRC32C)
[ -f src/core/mutex.c ] && defs+=(-DWRT_FC_HAVE_MUTEX)
[ -f src/core/atomic_memory.c ] && defs+=(-DWRT_FC_HAVE_ATOMIC_MEMORY)

# -machdep x86_64: LP64 like both targets (x86_64 host and aarch64).
if ! frama-c -machdep x86_64 \
    -cpp-extra-args="-Iinclude -Isrc/core ${defs[*]}" \
    "${sources[@]}" analysis/framac/driver.c \
    -eva -eva-no-show-progress -eva-msg-key=-final-states \
    -eva-slevel 20 -eva-split-return full \
    -then -metrics -metrics-eva-cover >"$log" 2>&1; then
  tail -30 "$log"; echo "40-framac: FAIL: frama-c error"; exit 1
fi
if grep -qE '^\[kernel\] User Error|^\[eva\] .*(degeneration|Warning: .*invalid)' "$log"; then
  grep -nE 'User Error|degeneration|invalid' "$log"; echo "40-framac: FAIL"; exit 1
fi

# Alarms as "file: assertion" (the message continues on the next line).
awk '
  /^\[eva:alarm\]/ { f=$2; sub(/:[0-9]+:$/, "", f); getline; a=$0; sub(/^.*assert /, "", a); sub(/;$/, "", a); print f ": " a; }
' "$log" | sort -u >"$out/alarms.txt"
sed -n 's/^- `\(.*\)` - .*/\1/p' analysis/framac/alarms.md | sort -u >"$out/justified.txt"
unjustified=$(comm -23 "$out/alarms.txt" "$out/justified.txt")
n_alarms=$(wc -l <"$out/alarms.txt")

# Every public function defined in src/core must have been reached.
missing=""
for fn in $(grep -ohE '^[A-Za-z_][A-Za-z0-9_ *]*[ *](wrt_[a-z0-9_]+)\(' "${sources[@]}" | grep -oE 'wrt_[a-z0-9_]+\($' | tr -d '(' | sort -u); do
  if ! grep -qE "^  $fn: [1-9][0-9]* stmts" "$log"; then missing="$missing $fn"; fi
done

invalid=$(grep -E '^\s+(Assertions|Preconditions)' "$log" | awk '{s+=$6} END {print s+0}')
cover=$(grep -E 'stmts in analyzed functions' "$log" | sed 's/^ *//')

status=0
if [ -n "$unjustified" ]; then
  echo "40-framac: unjustified alarms (justify in analysis/framac/alarms.md or fix):"
  echo "$unjustified" | sed 's/^/  /'
  status=1
fi
[ -n "$missing" ] && { echo "40-framac: src/core functions not reached by the driver:$missing"; status=1; }
[ "$invalid" -eq 0 ] || { echo "40-framac: $invalid invalid properties"; status=1; }
if [ $status -eq 0 ]; then
  echo "40-framac: OK: ${#sources[@]} src/core files, $n_alarms alarms ($(wc -l <"$out/justified.txt") justified), $cover; $((SECONDS-start)) s"
else
  echo "40-framac: FAIL (log: $log)"; exit 1
fi
