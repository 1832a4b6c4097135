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
  if aarch64-linux-gnu-objdump -d "$build/libwrt_platform.a" | grep -qE '\scrc32c[bhwx]\s'; then
    crc_note="ARMv8 crc32c instructions present"
  else
    echo "60-aarch64: FAIL: no crc32c[bhwx] instruction in libwrt_platform.a"; exit 1
  fi
fi

# Tests that cannot run under qemu-user, by name, each with its reason.
exclude=()
declare -A reasons=()
# (none so far)
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
