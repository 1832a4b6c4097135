#!/usr/bin/env bash
# check_modes.sh BUILD_DIR C_COMPILER - mismatched bounds-check modes fail
# (issue 26, W2C-014), by hand against an install of BUILD_DIR in a scratch
# prefix, as the README's recipe builds: the generated code of the example
# compiled for guard pages (WASM_RT_MEMCHECK_SIGNAL_HANDLER=1) links and
# runs against libwrt_wasm2c and fails to link against libwrt_wasm2c_bounds
# with a message naming the library to link; the same for explicit checks
# (=0) the other way round; and code compiled against wabt's wasm-rt.h alone
# (the adapter's include directory not ahead of it) links but stops at its
# first instantiate with a message. Before issue 26 the guard-page code
# linked against the bounds library silently and ran with no checks at all.
set -euo pipefail
build=$1
cc=$2
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"
wat2wasm "$here/consumer/hello.wat" -o hello.wasm
wasm2c hello.wasm -o hello.c
inc=(-I. -I"$prefix/include/wrt-wasm2c" -I"$prefix/include")
libs=(-L"$prefix/lib" -lwrt_platform -lpthread -lm)
fail=0
# link MODE LIB OUT: compile main.c + hello.c with MODE, link LIB; stderr in OUT.err
link() {
  "$cc" -std=c11 -D_GNU_SOURCE -DWASM_RT_MEMCHECK_SIGNAL_HANDLER="$1" "${inc[@]}" \
    "$here/modes_main.c" hello.c -L"$prefix/lib" -l"$2" "${libs[@]}" -o "$3" 2>"$3.err"
}
for mode in 1 0; do
  if [ "$mode" = 1 ]; then good=wrt_wasm2c; bad=wrt_wasm2c_bounds; want=code_built_for_guard_pages__link_wrt_wasm2c
  else good=wrt_wasm2c_bounds; bad=wrt_wasm2c; want=code_built_for_bounds_checks__link_wrt_wasm2c_bounds; fi
  if ! link "$mode" "$good" "match$mode" || ! "./match$mode" >/dev/null; then
    echo "check_modes: mode $mode against lib$good did not link and run:" >&2
    cat "match$mode.err" >&2
    fail=1
  fi
  if link "$mode" "$bad" "mismatch$mode"; then
    echo "check_modes: code built with WASM_RT_MEMCHECK_SIGNAL_HANDLER=$mode LINKED against lib$bad" >&2
    fail=1
  elif ! grep -q "$want" "mismatch$mode.err"; then
    echo "check_modes: mode $mode against lib$bad failed to link, but without naming $want:" >&2
    cat "mismatch$mode.err" >&2
    fail=1
  else
    echo "check_modes: WASM_RT_MEMCHECK_SIGNAL_HANDLER=$mode code against lib$bad: link refused ($want)"
  fi
done
# Generated code compiled against wabt's header alone: links, stops at instantiate.
"$cc" -std=c11 -D_GNU_SOURCE -I. -c hello.c -o hello-plain.o
"$cc" -std=c11 -D_GNU_SOURCE "${inc[@]}" "$here/modes_main.c" hello-plain.o \
  -L"$prefix/lib" -lwrt_wasm2c "${libs[@]}" -o plain
if (./plain >plain.out 2>plain.err) 2>/dev/null; then
  echo "check_modes: code compiled without the adapter's wasm-rt.h ran" >&2
  fail=1
elif ! grep -q "compiled without the adapter's include directory" plain.err; then
  echo "check_modes: code compiled without the adapter's wasm-rt.h failed without the message:" >&2
  cat plain.err >&2
  fail=1
else
  echo "check_modes: code compiled against wabt's wasm-rt.h alone: stopped at instantiate with the message"
fi
exit $fail
