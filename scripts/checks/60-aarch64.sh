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

"$root/scripts/ensure-packages.sh" gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user \
  cmake ninja-build libcmocka-dev
# cmocka for the target comes from Debian multiarch.
if ! dpkg-query -W -f='${Status}' libcmocka-dev:arm64 2>/dev/null | grep -q "install ok installed"; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
  fi
  "$root/scripts/ensure-packages.sh" libcmocka-dev:arm64
fi

# The toolchain flag must really enable the CRC instructions.
if ! aarch64-linux-gnu-gcc -march=armv8-a+crc -dM -E - </dev/null | grep -q '__ARM_FEATURE_CRC32 1'; then
  echo "60-aarch64: FAIL: -march=armv8-a+crc does not define __ARM_FEATURE_CRC32"; exit 1
fi

build=build/aarch64
log=$build/check.log
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWRT_WERROR=ON >"$log" 2>&1 \
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

# Test CASES that cannot run under qemu-user 7.2 (Debian 12) are skipped by
# name inside their cmocka programs: a tiny aarch64 preload wraps cmocka's
# _cmocka_run_group_tests and drops the cases named in WRT_QEMU_SKIP
# (printing each). Found by running every program under qemu; reasons:
#  F: fork + SIGSEGV death tests - a forked child that faults on a PROT_NONE
#     page spins in qemu-user 7.2 instead of dying (reproduced with a
#     10-line program, independent of this project);
#  P: the test waits until a thread is seen blocked in the kernel by reading
#     /proc/self/task/TID/syscall, which under qemu shows the HOST syscall
#     number (x86-64 futex 202), never aarch64's (98): the poll never ends;
#  T: threaded stress / blocked-thread tests that do not finish within 10 s
#     under emulation (cause not analysed further; they run natively and
#     under TSan).
declare -A reasons=(
  [guards_and_reservation_fault]=F [protect_enforces_access]=F [moving_grow_needs_read_write_pages]=F
  [wake_one_releases_a_blocked_waiter]=P [wake_counts_are_honoured]=P [wake_all_releases_every_waiter]=P
  [timed_waiter_woken_before_its_timeout]=P [timed_waiters_time_out_independently]=P
  [no_lost_wake_up_in_ping_pong]=T [blocked_waiter_gets_the_lock]=P [timeout_bounds_all_retries]=T
  [mutual_exclusion_under_stress]=T [concurrent_writers_and_verifiers]=T
  [test_concurrent_charges_never_exceed]=T [test_process_memory_cap]=T
)
skip=$(IFS=:; echo "${!reasons[*]}")
echo "60-aarch64: ${#reasons[@]} test cases skipped under qemu (F fork+SIGSEGV, P /proc syscall numbers, T threaded, see script):" \
  "$(for k in "${!reasons[@]}"; do printf '%s(%s) ' "$k" "${reasons[$k]}"; done)"
cat >"$build/qemu_skip.c" <<'C'
/* Preload for qemu runs only: drops the cmocka cases named in WRT_QEMU_SKIP. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
typedef int (*run_fn)(const char *, const struct CMUnitTest *const, const size_t,
                      CMFixtureFunction, CMFixtureFunction);
int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *const tests,
                            const size_t num_tests, CMFixtureFunction setup,
                            CMFixtureFunction teardown) {
  run_fn real = (run_fn)dlsym(RTLD_NEXT, "_cmocka_run_group_tests");
  const char *skip = getenv("WRT_QEMU_SKIP");
  struct CMUnitTest *kept = calloc(num_tests + 1, sizeof *kept);
  size_t n = 0;
  for (size_t i = 0; i < num_tests; i++) {
    size_t len = strlen(tests[i].name);
    int drop = 0;
    for (const char *s = skip; s != NULL && *s != '\0';) {
      const char *e = strchr(s, ':');
      size_t l = e != NULL ? (size_t)(e - s) : strlen(s);
      if (l == len && strncmp(s, tests[i].name, l) == 0)
        drop = 1;
      s = e != NULL ? e + 1 : NULL;
    }
    if (drop)
      fprintf(stderr, "[ SKIPPED  ] %s (cannot run under qemu-user)\n", tests[i].name);
    else
      kept[n++] = tests[i];
  }
  return real(group_name, kept, n, setup, teardown);
}
C
aarch64-linux-gnu-gcc -shared -fPIC -O1 -o "$build/qemu_skip.so" "$build/qemu_skip.c" -ldl
export QEMU_SET_ENV="LD_PRELOAD=$root/$build/qemu_skip.so,WRT_QEMU_SKIP=$skip"

# Whole programs that cannot run: every threaded case of the Neutrino
# model's thread test and of the QNX futex test blocks threads on model
# channels and does not finish under emulation (T: under qemu-user the main
# thread stops making system calls right after the case starts; not analysed
# further, the same programs pass natively, under ASan and under TSan); the
# selftest runs its guard and protection checks in forked children that
# fault (F).
exclude=(test_nto_model_threads test_qnx_futex wrtp_selftest)
exclude_re="^($(IFS='|'; echo "${exclude[*]}"))\$"
echo "60-aarch64: skipping programs under qemu: test_nto_model_threads and test_qnx_futex (T), wrtp_selftest (F)"

export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
ctest_args=(--test-dir "$build" --output-on-failure -j2 --timeout 300)
ctest_args+=(-E "$exclude_re")
if ctest "${ctest_args[@]}" >"$build/ctest.log" 2>&1; then
  summary=$(grep -E 'tests passed' "$build/ctest.log" | tail -1)
  echo "60-aarch64: OK: $summary under qemu-aarch64; $crc_note; ${#reasons[@]} cases and ${#exclude[@]} program skipped; $((SECONDS-start)) s"
else
  cat "$build/ctest.log"
  echo "60-aarch64: FAIL: tests under qemu-aarch64"; exit 1
fi
