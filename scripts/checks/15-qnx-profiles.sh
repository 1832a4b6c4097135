#!/usr/bin/env bash
# 15-qnx-profiles.sh - src/qnx compiles with the project's exact flags
# (-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror, no
# feature macro from the build: each file asks for its own, as with qcc)
# against every API profile of the Neutrino host model (640: the public 6.4
# source; 710: SDP 7.1; 800: SDP 8.0 prototypes - TimerTimeout flags
# _Uint32t, MsgSendPulse value long, ConnectAttach's reserved first
# argument), with gcc and clang, at -O0 and -O2; the model's headers gate
# names as the SDP headers do (tests/nto_model/header_gating.sh) and give
# each SDP's constants (tests/nto_model/nto_profile_table.sh) and
# prototypes (tests/nto_model/nto_prototypes.sh) and type layouts
# (tests/nto_model/nto_layout_table.sh); and the
# model and QNX tests build and pass in the 640 and 800 profiles (CTest,
# -DWRT_NTO_PROFILE). This is the host model: it proves the code compiles
# against the model's reading of each SDP's prototypes, not against the SDP.
# Run alone: scripts/checks/15-qnx-profiles.sh   (builds into build/qnx-profile-*)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS

"$root/scripts/ensure-packages.sh" gcc clang cmake ninja-build libcmocka-dev

flags=(-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
profiles=(640 710 800)
fail=0
compiled=0
for cc in gcc clang; do
  for p in "${profiles[@]}"; do
    for opt in -O0 -O2; do
      for f in src/qnx/*.c; do
        if ! out=$("$cc" "${flags[@]}" "$opt" -DNTO_SIM_PROFILE="$p" -Iinclude -Isrc/core \
                  -Isim/neutrino/include -c "$f" -o /dev/null 2>&1); then
          echo "15-qnx-profiles: FAIL: $cc $opt profile $p: $f"
          printf '%s\n' "$out" | grep -E 'error' | head -5 | sed 's/^/    /'
          fail=1
        fi
        compiled=$((compiled + 1))
      done
    done
    for check in header_gating nto_profile_table nto_prototypes nto_layout_table; do
      if ! out=$(sh "tests/nto_model/$check.sh" "$cc" sim/neutrino/include "$p" 2>&1); then
        printf '%s\n' "$out" | grep -E 'FAIL|error' | head -10
        echo "15-qnx-profiles: FAIL: $check, $cc profile $p"
        fail=1
      fi
    done
  done
done

tests_run=0
for p in 640 800; do
  build=build/qnx-profile-$p
  log=$build/check.log
  mkdir -p "$build"
  if ! { cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
           -DWRT_WERROR=ON -DWRT_BUILD_TOOLS=OFF -DWRT_NTO_PROFILE="$p" && cmake --build "$build" -j2; } >"$log" 2>&1; then
    grep -E 'error' "$log" | head -10
    echo "15-qnx-profiles: FAIL: build in profile $p"
    fail=1
    continue
  fi
  if ! (cd "$build" && ctest -L 'nto_model|qnx' -j2 --output-on-failure) >>"$log" 2>&1; then
    grep -E 'Failed|FAILED|tests passed' "$log" | head -20
    echo "15-qnx-profiles: FAIL: QNX tests in profile $p"
    fail=1
    continue
  fi
  tests_run=$((tests_run + $(grep -c 'Test *#' "$log" || true)))
done

if [ "$fail" -ne 0 ]; then
  echo "15-qnx-profiles: FAIL ($((SECONDS - start)) s)"
  exit 1
fi
echo "15-qnx-profiles: OK: $compiled compiles of src/qnx (gcc+clang, -O0/-O2, profiles ${profiles[*]}), header gating, constants table, prototypes, layouts, $tests_run CTest runs in profiles 640+800 ($((SECONDS - start)) s)"
