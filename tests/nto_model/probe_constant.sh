#!/bin/sh
# probe_constant.sh NAME CC [COMPILER ARGS...] - prints how the compiler
# evaluates the QNX constant NAME with _QNX_SOURCE and the headers the
# arguments point at: 0x<hex> (an int / signed type), 0x<hex>u (unsigned),
# or "-" when it is not defined (the probe does not compile). The headers
# tried are those src/qnx and the model use; each is included only where it
# exists (__has_include). The value is read back from the compiler's
# assembly as two 32-bit halves, so any target CPU works without running
# anything. Used by nto_profile_table.sh (the model) and
# scripts/qnx-sdp-check.sh (an SDP and the model).
set -u
name=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo '#define _QNX_SOURCE 1'
  for h in sys/types.h time.h signal.h pthread.h process.h sched.h sys/mman.h sys/resource.h \
           sys/neutrino.h sys/netmgr.h; do
    printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$h" "$h"
  done
  # Adaptive partitioning rows only: <sys/sched_aps.h> is absent from 8.0
  # (the model's fails the include), which would hide every other row.
  case $name in *aps*|*APS*) echo '#include <sys/sched_aps.h>' ;; esac
  echo "const unsigned wrt_lo = (unsigned)((unsigned long long)($name) & 0xffffffffu);"
  echo "const unsigned wrt_hi = (unsigned)((unsigned long long)($name) >> 32);"
  echo "const unsigned wrt_sg = (($name) - ($name) - 1) < 0;"
} >"$tmp/p.c"
if ! "$@" -std=c11 -w -S "$tmp/p.c" -o "$tmp/p.s" 2>/dev/null; then
  echo "-"
  exit 0
fi
awk '
  /^wrt_(lo|hi|sg):/ { cur = substr($1, 1, length($1) - 1); next }
  cur != "" && $1 ~ /^\.(long|word|4byte|int)$/ { v[cur] = $2; cur = "" }
  END {
    lo = v["wrt_lo"] + 0; hi = v["wrt_hi"] + 0; if (lo < 0) lo += 4294967296; if (hi < 0) hi += 4294967296
    s = (v["wrt_sg"] + 0) ? "" : "u"
    if (hi == 0) printf "0x%x%s\n", lo, s; else printf "0x%x%08x%s\n", hi, lo, s
  }' "$tmp/p.s"
