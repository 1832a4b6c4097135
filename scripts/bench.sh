#!/usr/bin/env bash
# bench.sh - runs `wrtp bench` on this machine. On a fresh Debian machine (as
# root) installs the compiler, CMake and the peers the bench compares with
# (ISA-L: loaded by wrtp with dlopen), builds preset release and runs
# the bench. Arguments go to `wrtp bench` (e.g. --quick). Prints the machine
# first, so that the figures can be filed with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh build-essential cmake ninja-build wabt libisal-dev
cmake --preset release >/dev/null
cmake --build --preset release -j 2 >/dev/null
# Write the build's dirty pages back now: the kernel's writeback would
# otherwise run during the first measurements and count as other load.
sync
echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(nproc) CPUs; $(gcc --version | head -1)"
exec build/release/tools/wrtp/wrtp bench "$@"
