#!/usr/bin/env bash
# 80-selftest-mutation.sh - proves that `wrtp selftest` fails, naming the
# right requirement, when a guarantee of the Linux backend is broken on
# purpose. Copies the source tree to a temporary directory, builds wrtp once,
# then for each mutation: applies a one-line bug to src/linux/linux_memory.c
# with sed, rebuilds (one file), runs the selftest and asserts that it exits
# non-zero with a FAIL line for the expected requirement on the linux
# backend. The original file is restored between mutations. Also asserts
# that the unmutated build passes. Never touches the working tree.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/scripts/ensure-packages.sh" cmake ninja-build gcc
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/src" -xf -
cmake -S "$tmp/src" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=gcc -DWRT_BUILD_TESTS=OFF >/dev/null
build() { cmake --build "$tmp/build" -j2 --target wrtp >/dev/null; }
build
wrtp="$tmp/build/tools/wrtp/wrtp"
if ! "$wrtp" selftest --only MEM >"$tmp/clean.log" 2>&1; then
  cat "$tmp/clean.log"; echo "selftest-mutation: the unmutated build fails"; exit 1
fi

failures=0
# mutate FILE NAME EXPECTED_ID SED_EXPRESSION - FILE relative to the tree;
# restored afterwards.
mutate() {
  local file="$1" name="$2" want="$3" expr="$4"
  local target="$tmp/src/$file"
  cp "$target" "$tmp/orig.c"
  sed -i "$expr" "$target"
  if cmp -s "$target" "$tmp/orig.c"; then
    echo "  $name: the sed expression matched nothing (source changed?)"; failures=$((failures + 1))
    return
  fi
  build
  local rc=0
  "$wrtp" selftest --only MEM >"$tmp/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && grep -Eq "^$want +linux +FAIL" "$tmp/$name.log"; then
    echo "  $name: selftest exit $rc, names $want: $(grep -Ec '^[A-Z]+-[0-9]+ .*FAIL' "$tmp/$name.log") failing check(s) - caught"
  else
    echo "  $name: NOT caught as $want (exit $rc)"; grep FAIL "$tmp/$name.log" || true
    failures=$((failures + 1))
  fi
  cp "$tmp/orig.c" "$target"
}
echo "selftest-mutation: deliberate bugs in the page-allocator rules and the Linux allocator"
# 1. grow lets one page past the maximum through (the shared rule).
mutate src/core/page_rules.c grow-past-maximum MEM-005 \
  's/additional_pages > max_pages - pages)/additional_pages > max_pages - pages + 1u)/'
# 2. protect(READ) leaves the pages writable.
mutate src/linux/linux_prot.h protect-read-writable MEM-010 \
  's/^    prot = PROT_READ;$/    prot = PROT_READ | PROT_WRITE;/'
# 3. a moving grow does not copy the old contents.
mutate src/linux/linux_memory.c moving-grow-loses-contents MEM-003 \
  's/(void)memcpy(r.base, a->mem_base, a->mem_size);/(void)0;/'
# 4. deallocate forgets to unmap (leaks the mapping).
mutate src/linux/linux_memory.c deallocate-leaks MEM-014 \
  '/^static wrt_status la_deallocate/,/^}/s/if (munmap(a->map_addr, a->map_len) != 0)/if (0)/'

if [ "$failures" -ne 0 ]; then
  echo "selftest-mutation: $failures mutation(s) not caught"; exit 1
fi
echo "selftest-mutation: all 4 mutations caught, each naming its requirement"
