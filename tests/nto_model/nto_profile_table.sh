#!/bin/sh
# nto_profile_table.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's
# constants are those of the SDP its profile stands for: every row of
# nto_profile_constants.txt (value and signedness, as CC evaluates them with
# _QNX_SOURCE) must match the column of PROFILE (640, 710, 800), "-" meaning
# not defined. Rows starting with ! are documented divergences: skipped.
# The probe (probe_constant.sh) is scripts/qnx-sdp-check.sh's too, so the
# table compared with a real SDP and the table compared with the model are
# the same table, evaluated the same way.
# An optional 4th argument names another table of the same columns:
# nto_layout_table.sh passes nto_profile_layouts.txt, whose KIND:TAG.WHAT
# keys are turned into sizeof/_Alignof/offsetof by layout_expr.sh.
set -u
CC=$1 INC=$2 PROFILE=$3
here=$(cd "$(dirname "$0")" && pwd)
table=${4:-$here/nto_profile_constants.txt}
case $PROFILE in 640) col=3 ;; 710) col=4 ;; 800) col=5 ;; *) echo "bad profile $PROFILE"; exit 2 ;; esac
bad=0 n=0
while read -r name hdr v640 v710 v800 src; do
  case "$name" in ''|'#'*|'!'*) continue ;; esac
  case $col in 3) want=$v640 ;; 4) want=$v710 ;; *) want=$v800 ;; esac
  case "$name" in *:*) expr=$(sh "$here/layout_expr.sh" "$name") ;; *) expr=$name ;; esac
  # CC unquoted on purpose: it may carry arguments (e.g. "clang --target=...").
  # shellcheck disable=SC2086
  got=$(sh "$here/probe_constant.sh" "$expr" $CC -DNTO_SIM_PROFILE="$PROFILE" -I"$INC")
  n=$((n + 1))
  if [ "$got" = "$want" ]; then
    echo "PASS $name = $got ($hdr, profile $PROFILE)"
  else
    echo "FAIL $name: model $got, SDP $want ($hdr, profile $PROFILE; $src)"
    bad=1
  fi
done <"$table"
echo "$n rows of $(basename "$table") checked for profile $PROFILE"
exit $bad
