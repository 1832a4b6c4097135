#!/usr/bin/env bash
# run.sh - the README's main-job command. On a fresh Debian machine (as root)
# installs the compiler and CMake, builds the optimised wrtp program, and runs
# it: the demo, then the selftest when it is built in. Arguments are passed
# to `wrtp selftest` (e.g. --json FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh build-essential cmake ninja-build wabt
cmake --preset release >/dev/null
cmake --build --preset release -j 2 >/dev/null
wrtp=build/release/tools/wrtp/wrtp
"$wrtp" demo
if "$wrtp" --help | grep -q '^  selftest'; then
  echo
  "$wrtp" selftest "$@"
fi
