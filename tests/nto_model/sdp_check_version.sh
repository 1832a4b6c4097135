#!/bin/sh
# sdp_check_version.sh ROOT - scripts/qnx-sdp-check.sh finds an SDP's
# _NTO_VERSION where each SDP defines it and picks the model profile to
# compare with: in sys/neutrino.h up to 7.1 (6.4: 641, 6.6: 660, 7.1: 710),
# in sys/nto_version.h, included by sys/neutrino.h, from 8.0 on (SDP 8.0,
# gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aa, target/qnx/usr/include/
# sys/neutrino.h:98, sys/nto_version.h:21). Before the fix 8.0 was read as
# version 0 and compared with profile 640. The trees are stand-ins made
# here (a #define and an #include per file, no SDP text); the script runs
# with WRT_SDP_DRY=1, so nothing is compiled.
set -u
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# tree NAME CPU_DIR: an empty SDP-like include tree.
tree() { mkdir -p "$tmp/$1/usr/include/sys" "$tmp/$1/usr/include/$2"; }
tree sdp64 x86
printf '#define _NTO_VERSION\t641\n' >"$tmp/sdp64/usr/include/sys/neutrino.h"
tree sdp66 x86
printf '#define _NTO_VERSION\t660\n' >"$tmp/sdp66/usr/include/sys/neutrino.h"
tree sdp71 x86_64
printf '#define _NTO_VERSION\t710\n' >"$tmp/sdp71/usr/include/sys/neutrino.h"
tree sdp80 x86_64
printf '#include _NTO_HDR_(sys/nto_version.h)\n' >"$tmp/sdp80/usr/include/sys/neutrino.h"
printf '#define _NTO_VERSION\t800\t/* version */\n' >"$tmp/sdp80/usr/include/sys/nto_version.h"
for want in "sdp64 641 640" "sdp66 660 640" "sdp71 710 710" "sdp80 800 800"; do
  set -- $want
  line=$(WRT_SDP_DRY=1 bash "$root/scripts/qnx-sdp-check.sh" "$tmp/$1" 2>&1)
  case $line in
    *"(_NTO_VERSION $2, model profile $3)"*) echo "ok: $1 -> _NTO_VERSION $2, profile $3" ;;
    *) echo "FAIL: $1: expected _NTO_VERSION $2, profile $3; got: $line"; fail=1 ;;
  esac
done
exit $fail
