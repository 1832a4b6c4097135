#!/usr/bin/env bash
# test.sh - the README's "all tests" command. On a fresh Debian machine (as
# root) it installs what it needs, then:
#   1. builds and runs the whole CTest suite with gcc and with clang
#      (-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror),
#   2. again under ASan+UBSan, and the threaded tests under TSan,
#   3. installs the library and builds a consumer (find_package, pkg-config),
#   4. runs every second-tier check in scripts/checks/ (model checking,
#      fuzzing, static analysis, aarch64 under qemu, coverage).
# Prints a closing "N passed, N failed" line; exits non-zero on any failure.
# WRT_QUICK=1 skips step 4.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh build-essential cmake ninja-build wabt clang libclang-rt-14-dev \
  libcmocka-dev pkg-config binutils || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
tests_passed=0
tests_failed=0
failed_stages=()

stage() { # stage NAME CMD... - run one stage, remember a failure
  local name=$1
  shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - t0)) s)"
    failed_stages+=("$name")
  fi
}

ctest_preset() { # configure, build and test one preset; count its tests
  local p=$1
  cmake --preset "$p" >/dev/null || return 1
  cmake --build --preset "$p" -j 2 || return 1
  ctest --preset "$p" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -n "$line" ]; then
    local total failed
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    tests_passed=$((tests_passed + total - failed))
    tests_failed=$((tests_failed + failed))
  fi
  return "$rc"
}

for p in gcc clang asan tsan; do
  stage "ctest preset $p" ctest_preset "$p"
done
stage "install + find_package/pkg-config consumer" scripts/check-install.sh build/gcc

if [ "${WRT_QUICK:-0}" != 1 ]; then
  for check in scripts/checks/[0-9]*.sh; do
    [ -e "$check" ] || continue
    stage "check $(basename "$check" .sh)" bash "$check"
  done
fi

echo
if [ ${#failed_stages[@]} -ne 0 ]; then
  echo "failed stages: ${failed_stages[*]}"
fi
stages_failed=${#failed_stages[@]}
echo "ctest: $tests_passed passed, $tests_failed failed (over all presets)"
echo "stages: $stages_failed failed"
if [ "$stages_failed" -ne 0 ]; then
  echo "summary: $tests_passed passed, $((tests_failed > 0 ? tests_failed : stages_failed)) failed"
  exit 1
fi
echo "summary: $tests_passed passed, 0 failed"
