#!/usr/bin/env bash
# check-install.sh BUILD_DIR - installs the library from BUILD_DIR into a
# scratch prefix, then builds and runs a consumer with find_package and with
# pkg-config. Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S tests/consumer -B "$prefix/consumer-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer-build" >/dev/null
"$prefix/consumer-build/consumer"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c11 tests/consumer/main.c $(pkg-config --cflags --libs --static wrt_platform) -o "$prefix/consumer-pc"
"$prefix/consumer-pc" | sed 's/^consumer:/consumer (pkg-config):/'
