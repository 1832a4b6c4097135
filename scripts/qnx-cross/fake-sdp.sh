#!/usr/bin/env bash
# fake-sdp.sh DIR SDP - lays out a STAND-IN QNX SDP (7.1 or 8.0) in DIR for
# the cross-build check (scripts/checks/16-qnx-cross.sh): test equipment, no
# QNX code in it. The layout is an SDP's, so that the shipped toolchain files
# and the doc's steps run unchanged:
#   DIR/qnxsdp-env.sh                  sets QNX_HOST, QNX_TARGET, PATH
#   DIR/host/linux/x86_64/usr/bin/qcc  scripts/qnx-cross/qcc (q++ likewise)
#   .../usr/bin/nto<cpu>-ar, -ranlib, ...   the host / aarch64 binutils
#   DIR/target/<qnx7|qnx>/usr/include  the Neutrino host model's headers
#                                      (sim/neutrino/include) plus the few
#                                      SDP names the model lacks
#                                      (tests/qnx_cross/sysroot/<profile>)
#   DIR/target/<...>/<cpu>/usr/lib/libnto_model.a   the model's kernel calls
#                                      and a stand-in system page
#                                      (tests/qnx_cross/sysroot/src), built
#                                      for x86_64 and aarch64 Linux
# SDP 7.1: API profile 710, QNX_TARGET .../target/qnx7; SDP 8.0: 800,
# .../target/qnx (the directory names of the real SDPs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1 sdp=$2
case "$sdp" in
  7.1) profile=710 tdir=qnx7 gccv=8.3.0 ;;
  8.0) profile=800 tdir=qnx gccv=12.2.0 ;;
  *) echo "fake-sdp.sh: SDP must be 7.1 or 8.0" >&2; exit 2 ;;
esac
rm -rf "$dir"
host=$dir/host/linux/x86_64
target=$dir/target/$tdir
mkdir -p "$host/usr/bin" "$host/etc" "$target/usr/include"
cp "$root/scripts/qnx-cross/qcc" "$host/usr/bin/qcc"
ln -s qcc "$host/usr/bin/q++"
printf 'NTO_PROFILE=%s\nSDP_VERSION=%s\nGCC_VERSION=%s\nTARGET_DIR=%s\n' \
  "$profile" "$sdp" "$gccv" "$tdir" > "$host/etc/qcc-standin.conf"
for tool in ar ranlib nm objcopy objdump strip ld readelf addr2line strings size; do
  ln -s "$(command -v "$tool")" "$host/usr/bin/ntox86_64-$tool"
  ln -s "$(command -v "aarch64-linux-gnu-$tool")" "$host/usr/bin/ntoaarch64-$tool"
done
# The headers: symbolic copies, so an edit of the model shows at once.
cp -rs "$root/sim/neutrino/include/." "$target/usr/include/"
cp -rs "$root/tests/qnx_cross/sysroot/$profile/include/." "$target/usr/include/"
cat > "$dir/qnxsdp-env.sh" <<ENV
# qnxsdp-env.sh of a STAND-IN SDP $sdp (scripts/qnx-cross/fake-sdp.sh): not QNX's.
QNX_HOST=$host
QNX_TARGET=$target
PATH=$host/usr/bin:\$PATH
export QNX_HOST QNX_TARGET PATH
ENV
# The model's kernel calls, as Linux code for each target CPU (the model is
# host code: Linux macros stay; _QNX_SOURCE as in sim/neutrino/CMakeLists.txt).
for cpu in x86_64 aarch64le; do
  cc=gcc; [ "$cpu" = aarch64le ] && cc=aarch64-linux-gnu-gcc
  lib=$target/$cpu/usr/lib
  mkdir -p "$lib/obj"
  for f in "$root"/sim/neutrino/src/*.c; do
    "$cc" -std=c11 -O2 -D_QNX_SOURCE=1 -DNTO_SIM_PROFILE="$profile" -I"$root/sim/neutrino/include" \
      -c "$f" -o "$lib/obj/$(basename "$f" .c).o"
  done
  for f in "$root"/tests/qnx_cross/sysroot/src/*.c; do
    "$cc" -std=c11 -O2 -Wall -Wextra -Werror -I"$root/tests/qnx_cross/sysroot/$profile/include" \
      -c "$f" -o "$lib/obj/$(basename "$f" .c).o"
  done
  ar="ar"; [ "$cpu" = aarch64le ] && ar="aarch64-linux-gnu-ar"
  "$ar" rcs "$lib/libnto_model.a" "$lib"/obj/*.o
  rm -rf "$lib/obj"
done
