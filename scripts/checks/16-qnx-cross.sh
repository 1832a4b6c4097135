#!/usr/bin/env bash
# 16-qnx-cross.sh - the whole QNX configuration, end to end, through the
# shipped toolchain files (cmake/toolchains/qnx-<sdp>-<cpu>.cmake) as
# docs/qnx-build.md tells an integrator to run them: `source qnxsdp-env.sh`,
# configure, build (library, wrtp, the wasm2c adapter), install, and a
# consumer's find_package - for SDP 7.1 and 8.0, aarch64le and x86_64.
# There is no QNX SDP here: each SDP is a STAND-IN (scripts/qnx-cross/
# fake-sdp.sh) whose `qcc` (scripts/qnx-cross/qcc) maps qcc's options onto
# the host gcc or Debian's aarch64-linux-gnu-gcc, with the Neutrino host
# model's headers (profile 710 or 800) as the sysroot, the Linux macros
# removed and qcc's __QNX__ / __QNXNTO__ defined. So this proves what CMake
# and the sources do with a qcc-shaped compiler, in the project's strict
# mode with -Werror; it does not prove anything about QNX's real headers or
# qcc (docs/qnx-build.md, "What was verified").
# Also checked on the way: a -DCMAKE_C_COMPILER_TARGET=<version>,gcc_nto<cpu>
# from the command line reaches the compiler; the toolchain's WRT_WERROR
# default is OFF; a consumer with only CMAKE_PREFIX_PATH does NOT find the
# package (why docs/qnx-build.md documents the two routes that do); the
# x86_64 consumer runs (on the Neutrino host model); the aarch64 CRC-32C
# run-time path runs under qemu-aarch64 (tests/qnx_cross/crc_probe.c); the
# QNX recursive make (qnx/) builds and installs both variants; the #errors
# that stop a QNX build from silently dropping its QNX code fire.
# Run alone: scripts/checks/16-qnx-cross.sh   (builds into build/qnx-cross)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS

"$root/scripts/ensure-packages.sh" gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu \
  qemu-user cmake ninja-build wabt

out=$root/build/qnx-cross
mkdir -p "$out"
fail() { echo "16-qnx-cross: FAIL: $*"; exit 1; }
log() { # name cmd... : run, keep the output, show its tail on failure
  local name=$1; shift
  if ! "$@" >"$out/$name.log" 2>&1; then
    grep -E 'error|Error|FAILED|warning' "$out/$name.log" | head -20
    tail -5 "$out/$name.log"
    fail "$name: $*"
  fi
}

for sdp in 7.1 8.0; do
  log "sdp-$sdp" scripts/qnx-cross/fake-sdp.sh "$out/sdp-$sdp" "$sdp"
done

# A QNX build fails loudly instead of silently losing its QNX code or
# sizes: object_sizes.h on a QNX CPU it has no sizes for; the wasm2c
# adapter built by a QNX compiler without its QNX backend, or with only the
# QNX backend by a compiler that is not QNX's; wrtp's selftest for a target
# that is neither Linux nor QNX. (Each probe must fail with its #error.)
expect_error() { # what message cc-args...
  local what=$1 msg=$2; shift 2
  local err
  if err=$("$@" 2>&1); then fail "$what: compiled, expected #error"; fi
  [[ "$err" == *"$msg"* ]] || { printf '%s\n' "$err" | head -5; fail "$what: failed, but not with the #error"; }
}
nolinux=(-U__linux__ -U__linux -Ulinux -U__gnu_linux__)
printf '#include "wrt/object_sizes.h"\n' >"$out/sizes_probe.c"
expect_error "object_sizes.h, QNX on another CPU" "no sizes for this QNX target" \
  gcc -std=c11 -fsyntax-only "${nolinux[@]}" -U__x86_64__ -D__QNX__=1 -Iinclude "$out/sizes_probe.c"
expect_error "wasm2c adapter, QNX compiler, no QNX backend" "would build no QNX backend" \
  gcc -std=c11 -fsyntax-only -D__QNXNTO__=1 -DWRT_W2C_HAVE_LINUX=1 -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 \
  -Iinclude -Iadapters/wasm2c/include -Iadapters/wasm2c/src adapters/wasm2c/src/w2c_memory.c
expect_error "wasm2c adapter, QNX backend alone, not QNX" "neither __QNX__ nor __QNXNTO__" \
  gcc -std=c11 -fsyntax-only "${nolinux[@]}" -DWRT_W2C_HAVE_QNX=1 -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 \
  -Iinclude -Iadapters/wasm2c/include -Iadapters/wasm2c/src adapters/wasm2c/src/w2c_memory.c
expect_error "wrtp selftest, neither Linux nor QNX" "every platform check would be compiled out" \
  gcc -std=c11 -fsyntax-only "${nolinux[@]}" -Iinclude -Isrc/core tools/wrtp/selftest.c

configs=0
for sdp in 7.1 8.0; do
  for cpu in aarch64le x86_64; do
    name=$sdp-$cpu
    b=$out/$name
    rm -rf "$b" "$b-default" "$out/stage-$name" "$out/root-$name"
    (
      # shellcheck source=/dev/null
      . "$out/sdp-$sdp/qnxsdp-env.sh"
      tc=$root/cmake/toolchains/qnx-$sdp-$cpu.cmake
      extra=()
      # Route A (docs/qnx-build.md): a staging prefix, given to both builds.
      # Route B: an install root laid out as the SDP is (<root>/<cpu>/usr),
      # given to the consumer as a find root. A on aarch64le, B on x86_64 for
      # 7.1; the other way round for 8.0; both routes run on both CPUs.
      route=A
      { [ "$sdp" = 7.1 ] && [ "$cpu" = x86_64 ]; } && route=B
      { [ "$sdp" = 8.0 ] && [ "$cpu" = aarch64le ]; } && route=B
      [ "$route" = A ] && extra+=(-DCMAKE_STAGING_PREFIX="$out/stage-$name")
      # The command line's compiler target must win over the toolchain's.
      want_v=gcc_nto$cpu
      if [ "$name" = 8.0-aarch64le ]; then
        want_v=12.2.0,gcc_ntoaarch64le
        extra+=(-DCMAKE_C_COMPILER_TARGET="$want_v")
      fi
      log "$name-configure" cmake -S . -B "$b" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc" \
        -DCMAKE_BUILD_TYPE=Release -DWRT_WERROR=ON -DWRT_WASM_RT_INCLUDE_DIR=/usr/include "${extra[@]}"
      grep -q -- "-V$want_v " "$b/compile_commands.json" || fail "$name: -V$want_v not on the compile lines"
      grep -q '^WRT_WERROR:BOOL=ON' "$b/CMakeCache.txt" || fail "$name: -DWRT_WERROR=ON not kept"
      log "$name-build" cmake --build "$b" -j2
      for f in libwrt_platform.a tools/wrtp/wrtp adapters/wasm2c/libwrt_wasm2c.a adapters/wasm2c/libwrt_wasm2c_bounds.a; do
        [ -f "$b/$f" ] || fail "$name: $f not built"
      done
      machine=$(readelf -h "$b/tools/wrtp/wrtp" | sed -n 's/^ *Machine: *//p')
      case "$cpu:$machine" in
        aarch64le:AArch64|x86_64:*X86-64*) ;;
        *) fail "$name: wrtp is for '$machine'" ;;
      esac
      # The QNX backend went in, not the Linux one.
      # (nm's output captured first: `nm | grep -q` under pipefail fails when
      # grep exits early and nm dies of SIGPIPE.)
      syms=$(nm "$b/libwrt_platform.a" 2>/dev/null)
      [[ "$syms" == *" T wrt_qnx_allocator_init"* ]] || fail "$name: no QNX backend in libwrt_platform.a"
      [[ "$syms" != *" T wrt_linux_"* ]] || fail "$name: Linux backend built for QNX"

      # aarch64: the CRC-32C instructions are in the library (behind a
      # target attribute, the SDP's default being plain ARMv8.0) and run only
      # when the system page says so: 8.0's carries the ID registers (the
      # stand-in page fills them from qemu's CPU), 7.1's does not.
      if [ "$cpu" = aarch64le ]; then
        dis=$(aarch64-linux-gnu-objdump -d "$b/libwrt_platform.a")
        ncrc=$(grep -cE '\scrc32c[bhwx]\s' <<<"$dis" || true)
        [ "$ncrc" -gt 0 ] || fail "$name: no crc32c instruction in libwrt_platform.a"
        log "$name-crc-probe-build" qcc -V"$want_v" -std=c11 -O2 -Wall -Wextra -Werror -static \
          -Iinclude -Isrc/core tests/qnx_cross/crc_probe.c "$b/libwrt_platform.a" -o "$b/crc_probe"
        want=portable
        [ "$sdp" = 8.0 ] && want=armv8-crc
        log "$name-crc-probe" qemu-aarch64 "$b/crc_probe" "$want"
        WRT_STANDIN_SYSPAGE_NO_CRC=1 log "$name-crc-probe-nocrc" qemu-aarch64 "$b/crc_probe" portable
      fi

      c=$b/consumer
      if [ "$route" = A ]; then
        log "$name-install" cmake --install "$b"
        [ -f "$out/stage-$name/lib/cmake/wrt_platform/wrt_platformConfig.cmake" ] || fail "$name: nothing staged"
        log "$name-consumer" cmake -S tests/qnx_cross/consumer -B "$c" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc" \
          -DCMAKE_STAGING_PREFIX="$out/stage-$name"
      else
        log "$name-install" cmake --install "$b" --prefix "$out/root-$name/$cpu/usr"
        log "$name-consumer" cmake -S tests/qnx_cross/consumer -B "$c" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc" \
          -DCMAKE_FIND_ROOT_PATH="$out/root-$name/$cpu"
        # The pitfall the doc warns about: a prefix path alone is not searched
        # (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY); and WRT_WERROR's default.
        if cmake -S tests/qnx_cross/consumer -B "$c-prefix-only" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc" \
             -DCMAKE_PREFIX_PATH="$out/root-$name/$cpu/usr" >"$out/$name-prefix-only.log" 2>&1; then
          fail "$name: find_package found the package through CMAKE_PREFIX_PATH alone (doc says it cannot)"
        fi
        grep -q '^WRT_WERROR:BOOL=OFF' "$c-prefix-only/CMakeCache.txt" || fail "$name: toolchain's WRT_WERROR default is not OFF"
        # ... and the project keeps that default (its option() says ON).
        log "$name-default-configure" cmake -S . -B "$b-default" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$tc"
        grep -q '^WRT_WERROR:BOOL=OFF' "$b-default/CMakeCache.txt" || fail "$name: the project's WRT_WERROR is not OFF by default"
        if grep -q -- '-Werror' "$b-default/compile_commands.json"; then fail "$name: -Werror by default"; fi
      fi
      grep -q 'wrt_wasm2c' "$c/CMakeCache.txt" "$c/build.ninja" || fail "$name: consumer did not link wrt_wasm2c"
      log "$name-consumer-build" cmake --build "$c"
      if [ "$cpu" = x86_64 ]; then
        "$c/qnx_consumer" >"$out/$name-consumer-run.log" 2>&1 || fail "$name: consumer run (host model)"
      fi
    ) || exit 1
    configs=$((configs + 1))
  done
done

# The QNX recursive make (qnx/: Makefile, common.mk, nto-aarch64-le/,
# nto-x86_64-o/), SDP 8.0, both variants: `make install` into an install
# root laid out as the SDP is, then the aarch64 consumer finds it there.
# (The stand-in SDP has no QNX make framework: the recursion is the
# Makefile's own loop, not QNX's recurse.mk.)
rm -rf "$out/make" "$out/make-root"
(
  # shellcheck source=/dev/null
  . "$out/sdp-8.0/qnxsdp-env.sh"
  log make-install make -C qnx install INSTALL_ROOT="$out/make-root" WRT_BUILD_ROOT="$out/make" JLEVEL=2 \
    WRT_CMAKE_ARGS="-G Ninja -DWRT_WERROR=ON -DWRT_WASM_RT_INCLUDE_DIR=/usr/include"
  for cpu in aarch64le x86_64; do
    for f in lib/libwrt_platform.a lib/libwrt_wasm2c.a lib/cmake/wrt_platform/wrt_platformConfig.cmake include/wrt/memory.h; do
      [ -f "$out/make-root/$cpu/usr/local/$f" ] || fail "make install: $cpu/usr/local/$f missing"
    done
  done
  [ -x "$out/make/nto-aarch64-le/tools/wrtp/wrtp" ] || fail "make: no wrtp for nto-aarch64-le"
  log make-consumer cmake -S tests/qnx_cross/consumer -B "$out/make/consumer" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/qnx-8.0-aarch64le.cmake" -DCMAKE_FIND_ROOT_PATH="$out/make-root/aarch64le"
  log make-consumer-build cmake --build "$out/make/consumer"
) || exit 1

crc=$(for s in 7.1 8.0; do printf '%s %s; ' "$s" "$(sed -n 's/^crc_probe: path \([^,]*\),.*/\1/p' "$out/$s-aarch64le-crc-probe.log")"; done)
echo "16-qnx-cross: OK: $configs QNX configurations (SDP 7.1/8.0 x aarch64le/x86_64, stand-in qcc over the Neutrino host model's headers, -Werror): configure, library + wrtp + wasm2c adapter, install, consumer find_package (staging prefix and SDP-layout root); QNX recursive make (8.0, both variants) + consumer; 4 #error guards fire; aarch64 CRC-32C under qemu: ${crc}page without CRC32: portable; $((SECONDS - start)) s"
