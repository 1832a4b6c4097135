#!/usr/bin/env bash
# check_consumer.sh BUILD_DIR C_COMPILER - the README's wasm2c recipe, both
# ways, against an install of BUILD_DIR in a scratch prefix: (1) CMake,
# find_package + wrt_wasm2c_add_module; (2) by hand: wat2wasm, wasm2c, cc,
# linking libwrt_wasm2c instead of wabt's wasm-rt-impl.c.
set -euo pipefail
build=$1
cc=$2
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$here/consumer" -B "$prefix/cmake-build" -G Ninja -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
"$prefix/cmake-build/hello"
cd "$prefix"
wat2wasm "$here/consumer/hello.wat" -o hello.wasm
wasm2c hello.wasm -o hello.c
"$cc" -std=c11 -D_GNU_SOURCE -I. -I"$prefix/include/wrt-wasm2c" -I"$prefix/include" \
  "$here/consumer/main.c" hello.c -L"$prefix/lib" -lwrt_wasm2c -lwrt_platform -lpthread -lm -o hello-by-hand
./hello-by-hand | sed 's/^hello:/hello (by hand):/'
