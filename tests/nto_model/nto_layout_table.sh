#!/bin/sh
# nto_layout_table.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's
# QNX types have the layout of the SDP its profile stands for: every row of
# nto_profile_layouts.txt (size, alignment or member offset, as CC
# evaluates it with _QNX_SOURCE) must match the column of PROFILE (640,
# 710, 800), "-" meaning the member does not exist. Evaluated by
# probe_constant.sh, like the constants table (nto_profile_table.sh).
set -u
CC=$1 INC=$2 PROFILE=$3
here=$(cd "$(dirname "$0")" && pwd)
table=$here/nto_profile_layouts.txt
case $PROFILE in 640) col=3 ;; 710) col=4 ;; 800) col=5 ;; *) echo "bad profile $PROFILE"; exit 2 ;; esac
bad=0 n=0
while read -r key _ilp32 v640 v710 v800 used; do
  case "$key" in ''|'#'*) continue ;; esac
  case $col in 3) want=$v640 ;; 4) want=$v710 ;; *) want=$v800 ;; esac
  expr=$(sh "$here/layout_expr.sh" "$key")
  # CC unquoted on purpose: it may carry arguments.
  # shellcheck disable=SC2086
  got=$(sh "$here/probe_constant.sh" "$expr" $CC -DNTO_SIM_PROFILE="$PROFILE" -I"$INC")
  n=$((n + 1))
  if [ "$got" = "$want" ]; then
    echo "PASS $key = $got (profile $PROFILE)"
  else
    echo "FAIL $key: model $got, SDP $want (profile $PROFILE; used by: $used)"
    bad=1
  fi
done <"$table"
echo "$n layout rows checked for profile $PROFILE"
exit $bad
