#!/usr/bin/env bash
# check_no_heap.sh NM ARCHIVE... - fails if any archive references a libc
# function that allocates from the heap (the library must never do so).
# check_no_heap.sh --self-test NM CC - proves the check catches a malloc.
set -euo pipefail
FORBIDDEN='^(malloc|calloc|realloc|reallocarray|free|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|strdup|strndup|wcsdup|asprintf|vasprintf|getline|getdelim|open_memstream|fopen|fdopen|freopen|opendir|scandir|qsort|tmpfile|setvbuf|__libc_malloc|__libc_calloc|__libc_free|_Znwm|_Znam|_ZdlPv|_ZdaPv)(@.*)?$'

check() {
  local nm=$1; shift
  local bad=0
  for a in "$@"; do
    local hits
    hits=$("$nm" -u --format=just-symbols "$a" 2>/dev/null | sort -u | grep -E "$FORBIDDEN" || true)
    if [ -n "$hits" ]; then
      echo "FAIL: $(basename "$a") references heap functions: $(echo $hits)"
      bad=1
    else
      echo "ok: $(basename "$a"): $("$nm" -u --format=just-symbols "$a" | sort -u | wc -l) undefined symbols, none allocating"
    fi
  done
  return $bad
}

if [ "${1:-}" = "--self-test" ]; then
  nm=$2 cc=$3 dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  printf '#include <stdlib.h>\nvoid *f(void){return malloc(8);}\n' > "$dir/bad.c"
  printf '#include <string.h>\nvoid g(char*d,const char*s){strcpy(d,s);}\n' > "$dir/good.c"
  "$cc" -c "$dir/bad.c" -o "$dir/bad.o" && ar rcs "$dir/libbad.a" "$dir/bad.o"
  "$cc" -c "$dir/good.c" -o "$dir/good.o" && ar rcs "$dir/libgood.a" "$dir/good.o"
  if check "$nm" "$dir/libbad.a" >/dev/null; then echo "FAIL: malloc not detected"; exit 1; fi
  check "$nm" "$dir/libgood.a" >/dev/null || { echo "FAIL: false positive"; exit 1; }
  echo "ok: the check flags malloc and passes strcpy"
  exit 0
fi
check "$@"
