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
[ -f src/core/clock_posix.c ] && defs+=(-DWRT_FC_HAVE_CLOCK)
[ -f src/core/wait_table.c ] && defs+=(-DWRT_FC_HAVE_WAIT_TABLE)
# The SSE4.2 path is compiler intrinsics (no C semantics for EVA): analyse
# as a non-x86 target, where crc32c_x86.c is empty and crc32c_arm.c gives
# the "no hardware path" answer, so the portable code is what EVA sees.
# The intrinsic paths are exercised by the tests, the fuzzer and under qemu.
defs+=(-U__x86_64__)
# Frama-C 25 (20220511) parses C11 only with -c11 (_Static_assert); what it
# still lacks (_Alignas, a stdatomic.h prototype) is supplied by
# analysis/framac/fc_prelude.h, included first into every file.
defs+=(-include analysis/framac/fc_prelude.h)

# -machdep x86_64: LP64 like both targets (x86_64 host and aarch64).
if ! frama-c -c11 -machdep x86_64 \
    -cpp-extra-args="-Iinclude -Isrc/core ${defs[*]}" \
    "${sources[@]}" analysis/framac/driver.c "$(frama-c -print-share-path)/libc/stdatomic.c" \
    -eva -eva-no-show-progress -eva-msg-key=-final-states \
    -eva-slevel 50 -eva-split-return full -eva-print-callstacks \
    -then -metrics -metrics-eva-cover >"$log" 2>&1; then
  tail -30 "$log"; echo "40-framac: FAIL: frama-c error"; exit 1
fi
if grep -qE '^\[kernel\] User Error|^\[eva\] .*(degeneration|Warning: .*invalid)' "$log"; then
  grep -nE 'User Error|degeneration|invalid' "$log"; echo "40-framac: FAIL"; exit 1
fi

# Alarms as "file: assertion" (the message runs over the next lines).
python3 - "$log" >"$out/alarms.txt" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
out = set()
for i, l in enumerate(lines):
    m = re.match(r"^\[eva:alarm\] (\S+?):\d+: Warning: ?(.*)$", l)
    if not m:
        continue
    text = m.group(2)
    for nxt in lines[i + 1:i + 6]:
        if nxt.startswith("["):
            break
        text += " " + nxt.strip()
    a = re.search(r"assert (.*?);", text)
    key = a.group(1) if a else re.sub(r"\s+", " ", text).strip()
    out.add(f"{m.group(1)}: {key}")
print("\n".join(sorted(out)))
PY
sed -i '/^$/d' "$out/alarms.txt"
sed -n 's/^- `\(.*\)` - .*/\1/p' analysis/framac/alarms.md | sort -u >"$out/justified.txt"
unjustified=$(comm -23 "$out/alarms.txt" "$out/justified.txt")
n_alarms=$(wc -l <"$out/alarms.txt")

# Every public function defined in src/core must have been reached.
# The hardware CRC paths are excluded (intrinsics; see alarms.md).
excluded_re='^(wrt_crc32c_hw|wrt_crc32c_hw_name|wrt_crc32c_hw_available|wrt_crc32c_x86_[a-z0-9_]+)$'
missing=""
for fn in $(grep -ohE '^[A-Za-z_][A-Za-z0-9_ *]*[ *](wrt_[a-z0-9_]+)\(' "${sources[@]}" | grep -oE 'wrt_[a-z0-9_]+\($' | tr -d '(' | sort -u); do
  [[ $fn =~ $excluded_re ]] && continue
  # A header's C11 inline function (exported by src/core/exports.c) is
  # analysed as Frama-C's per-unit copy, named fn__fc_inline_N.
  if ! grep -qE "^  $fn(__fc_inline_[0-9]+)?: [1-9][0-9]* stmts" "$log"; then missing="$missing $fn"; fi
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
  echo "40-framac: OK: ${#sources[@]} src/core files, $n_alarms alarms, all justified in analysis/framac/alarms.md; $cover; $((SECONDS-start)) s"
else
  echo "40-framac: FAIL (log: $log)"; exit 1
fi
