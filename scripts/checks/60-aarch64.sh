#!/usr/bin/env bash
# 60-aarch64.sh - cross-build for aarch64 (gcc-aarch64-linux-gnu, ARMv8 CRC
# extension on) and run the whole CTest suite under qemu-aarch64 user mode.
# Proves the library and its tests work on the architecture of the target
# ECUs, including the ARMv8 CRC-32C instruction path.
# Run alone: scripts/checks/60-aarch64.sh   (builds into build/aarch64)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS

"$root/scripts/ensure-packages.sh" gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user \
  cmake ninja-build libcmocka-dev
# cmocka for the target, and the C library the programs run with, come from
# Debian multiarch (libc6:arm64 provides /lib/ld-linux-aarch64.so.1 and
# /usr/lib/aarch64-linux-gnu/libc.so.6 from ONE glibc build).
# (No `cmd | grep -q` under pipefail in this script: see the CRC probe.)
"$root/scripts/ensure-arm64-packages.sh" libcmocka-dev:arm64 libc6:arm64

# The toolchain flag must really enable the CRC instructions. The compiler's
# output is captured first: `cc | grep -q` under pipefail failed at random
# when grep exited at the first match and the compiler died of SIGPIPE.
crc_defs=$(aarch64-linux-gnu-gcc -march=armv8-a+crc -dM -E - </dev/null)
if [[ "$crc_defs" != *"__ARM_FEATURE_CRC32 1"* ]]; then
  echo "60-aarch64: FAIL: -march=armv8-a+crc does not define __ARM_FEATURE_CRC32"; exit 1
fi

build=build/aarch64
log=$build/check.log
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWRT_WERROR=ON -DWRT_TEST_TIMEOUT_SCALE=6 >"$log" 2>&1 \
  || { cat "$log"; echo "60-aarch64: FAIL: configure"; exit 1; }
cmake --build "$build" -j2 >>"$log" 2>&1 || { tail -50 "$log"; echo "60-aarch64: FAIL: build"; exit 1; }

# When the CRC-32C code is there, its ARMv8 path must be in the library.
crc_note="no crc32c source yet"
if ls src/core/crc32c*.c >/dev/null 2>&1; then
  aarch64-linux-gnu-objdump -d "$build/libwrt_platform.a" >"$build/objdump.txt"
  ncrc=$(grep -cE '\scrc32c[bhwx]\s' "$build/objdump.txt" || true)
  if [ "$ncrc" -gt 0 ]; then
    crc_note="ARMv8 path compiled in ($ncrc crc32c instructions)"
  else
    echo "60-aarch64: FAIL: no crc32c[bhwx] instruction in libwrt_platform.a"; exit 1
  fi
fi

# Loader and C library from the same glibc build. The programs' interpreter
# is /lib/ld-linux-aarch64.so.1; plain qemu-aarch64 (no -L, no
# QEMU_LD_PREFIX) takes it and libc.so.6 both from multiarch libc6:arm64.
# With -L /usr/aarch64-linux-gnu the loader came from libc6-arm64-cross while
# libc.so.6 was still found in the multiarch directory: a different build
# whose _rtld_global layout differs, so fork and pthread_create walked a
# list at the wrong offset and spun (the hangs once blamed on qemu). The
# toolchain file's emulator is plain qemu-aarch64 for the same reason.
unset QEMU_LD_PREFIX
# Every program runs. One qemu-user limit: it accepts
# setrlimit(RLIMIT_AS / RLIMIT_DATA) and applies nothing; the tests that
# need a limit read it back, try a mapping past it, and skip themselves
# with that reason printed (test_process_memory_cap,
# test_grow_needs_no_rlimit_headroom, test_reservations_count_against_rlimit_data,
# the selftest's os_refusal_leaks_nothing).
# The other qemu-user limits, each found by a probe in the test (try it on
# this host and look) and skipped with the reason printed just before
# cmocka's SKIPPED line: madvise(MADV_HUGEPAGE) is accepted and not passed
# on (no "hg" in smaps), mincore refuses a range holding a PROT_NONE page
# (ENOMEM: qemu checks the guest can read it), and a
# second process of an aarch64 test program cannot be exec'd (ENOEXEC: only
# the first process is emulated, no binfmt_misc) (test_pool_*
# release_decommits_beyond_keep_resident, test_linux_placement thp_region,
# the placement tests' second-process cases).
# -V: the log keeps every program's output, so the skips and their reasons
# can be counted and printed below.
ctest_args=(--test-dir "$build" --output-on-failure -V -j2 --timeout 300)
if ctest "${ctest_args[@]}" >"$build/ctest.log" 2>&1; then
  summary=$(grep -E 'tests passed' "$build/ctest.log" | tail -1)
  # cmocka: "N: [  SKIPPED ] name"; the selftest: "skipped: reason" lines.
  # Each skipped case with the reason its test printed last (per test
  # number, since -j2 interleaves the programs; reset at every RUN line).
  skips=$(awk '
    /^[0-9]+: / {
      n = $1; t = $0; sub(/^[0-9]+: /, "", t)
      if (t ~ /^\[ RUN      \]/) { why[n] = ""; next }
      if (t ~ /^\[  SKIPPED \] [A-Za-z0-9_]+$/) {
        name = t; sub(/^\[  SKIPPED \] /, "", name)
        if (!((n, name) in seen)) {
          seen[n, name] = 1
          r = why[n]; sub(/^skipped: /, "", r); if (r == "") r = "(no reason printed)"
          print name ": " r
        }
        next
      }
      if (t ~ /[Ss]kipped/ && t !~ /^\[/) why[n] = t
    }' "$build/ctest.log" | sort -u || true)
  nsel=$(grep -c 'skipped: cannot lower RLIMIT_AS' "$build/ctest.log" || true)
  [ -z "$skips" ] || while IFS= read -r line; do echo "60-aarch64: skipped $line"; done <<<"$skips"
  [ "$nsel" -eq 0 ] || echo "60-aarch64: skipped $nsel selftest check run(s) (os_refusal_leaks_nothing, LIM-001): RLIMIT_AS not applied by qemu-user"
  ncases=$(printf '%s\n' "$skips" | grep -c . || true)
  echo "60-aarch64: OK: $summary under qemu-aarch64; $crc_note; $ncases test cases + $nsel selftest runs skipped (qemu-user limits found by probes, reasons above); $((SECONDS-start)) s"
else
  grep -E 'Failed|FAILED|\*\*\*|Timeout|LINE' "$build/ctest.log" | tail -60 || true
  echo "60-aarch64: FAIL: tests under qemu-aarch64"; exit 1
fi
