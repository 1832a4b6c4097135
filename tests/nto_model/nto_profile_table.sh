#!/bin/sh
# nto_profile_table.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's
# constants are those of the SDP its profile stands for: every row of
# nto_profile_constants.txt (value and signedness, as CC evaluates them with
# _QNX_SOURCE) must match the column of PROFILE (640, 710, 800), "-" meaning
# not defined. Rows starting with ! are documented divergences: skipped.
# The probe is scripts/qnx-sdp-check.sh's (same TU shape), so the table
# compared with a real SDP and the table compared with the model are the
# same table.
set -u
CC=$1 INC=$2 PROFILE=$3
here=$(cd "$(dirname "$0")" && pwd)
table=$here/nto_profile_constants.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $PROFILE in 640) col=3 ;; 710) col=4 ;; 800) col=5 ;; *) echo "bad profile $PROFILE"; exit 2 ;; esac
probe() {
  {
    echo '#define _QNX_SOURCE 1'
    for h in sys/types.h time.h signal.h pthread.h process.h sched.h sys/mman.h sys/resource.h \
             sys/neutrino.h sys/netmgr.h; do
      printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$h" "$h"
    done
    echo "const unsigned wrt_lo = (unsigned)((unsigned long long)($1) & 0xffffffffu);"
    echo "const unsigned wrt_hi = (unsigned)((unsigned long long)($1) >> 32);"
    echo "const unsigned wrt_sg = (($1) - ($1) - 1) < 0;"
  } >"$tmp/p.c"
  if ! $CC -std=c11 -w -DNTO_SIM_PROFILE="$PROFILE" -I"$INC" -S "$tmp/p.c" -o "$tmp/p.s" 2>/dev/null; then
    echo "-"; return 0
  fi
  awk '
    /^wrt_(lo|hi|sg):/ { cur = substr($1, 1, length($1) - 1); next }
    cur != "" && $1 ~ /^\.(long|word|4byte|int)$/ { v[cur] = $2; cur = "" }
    END {
      lo = v["wrt_lo"] + 0; hi = v["wrt_hi"] + 0; if (lo < 0) lo += 4294967296; if (hi < 0) hi += 4294967296
      s = (v["wrt_sg"] + 0) ? "" : "u"
      if (hi == 0) printf "0x%x%s\n", lo, s; else printf "0x%x%08x%s\n", hi, lo, s
    }' "$tmp/p.s"
}
bad=0 n=0
while read -r name hdr v640 v710 v800 src; do
  case "$name" in ''|'#'*|'!'*) continue ;; esac
  case $col in 3) want=$v640 ;; 4) want=$v710 ;; *) want=$v800 ;; esac
  got=$(probe "$name")
  n=$((n + 1))
  if [ "$got" = "$want" ]; then
    echo "PASS $name = $got ($hdr, profile $PROFILE)"
  else
    echo "FAIL $name: model $got, SDP $want ($hdr, profile $PROFILE; $src)"
    bad=1
  fi
done <"$table"
echo "$n constants checked for profile $PROFILE"
exit $bad
