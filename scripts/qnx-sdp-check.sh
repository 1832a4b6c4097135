#!/usr/bin/env bash
# qnx-sdp-check.sh - compile every src/qnx file against a QNX SDP's own
# headers with the host's gcc/clang, in the project's strict mode, and print
# the Neutrino host model's constants next to the SDP's. For integrators: no
# qcc and no QNX licence needed, only the SDP's target headers.
#
#   QNX_TARGET=/opt/qnx710/target/qnx7 scripts/qnx-sdp-check.sh
#   scripts/qnx-sdp-check.sh /path/to/target/qnx8      (same, as an argument)
#
# QNX_TARGET is an installed SDP's target directory, or any directory laid
# out like it (QNX_TARGET/usr/include/sys/neutrino.h, ...). Per compiler
# (gcc, clang; a cross gcc for aarch64 where installed) and per target CPU the
# SDP has headers for (x86_64, aarch64; an SDP with neither, such as 6.4 and
# 6.6, is checked for its 32-bit x86 and arm instead, and says so), at -O0
# and -O2, each src/qnx/*.c is compiled with
#   -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
#   -nostdinc -isystem $QNX_TARGET/usr/include -isystem <the compiler's own headers>
#   -U__linux__ -U__linux -Ulinux -U__gnu_linux__        (the host's macros)
#   -D__QNX__ -D__QNXNTO__ -D__unix__ -D__unix -D__ELF__ -D__LITTLEENDIAN__
#   and the CPU macro qcc defines (__X86_64__, __aarch64__, __X86__, __ARM__)
# so the QNX headers come first and the compiler's <stdatomic.h>, <stdarg.h>
# after them. Both are system headers, as with qcc (whose QNX_TARGET include
# directory is on the system path): warnings inside the headers' own inline
# code are not ours, but gcc still reports a header macro that converts in our
# code (6.4's PTHREAD_ONCE_INIT). WRT_SDP_HEADERS=user gives the QNX headers
# with -I instead, which also reports the headers' own warnings. No feature
# macro is added: each file asks for its own, as with qcc.
#
# Then the constants of tests/nto_model/nto_profile_constants.txt: each is
# evaluated by the compiler against the SDP and against the model's profile
# for that SDP (_NTO_VERSION < 700: 640, < 800: 710, else 800) and printed
# side by side with the table's entry. A difference is reported, not a
# failure: the model is the one to fix (issue 24), and 6.6 is checked
# against the 640 (6.4) column. The same for the type layouts of
# tests/nto_model/nto_profile_layouts.txt, and the prototypes stated by
# tests/nto_model/nto_prototypes.c are compiled against the SDP.
#
# WRT_SDP_DRY=1 prints only the first line (the SDP's _NTO_VERSION, the
# model profile it is compared with, the CPUs) and exits 0.
#
# Exit status: 0 when every file compiled everywhere, 1 otherwise, 2 for a
# usage error. Writes only under a mktemp -d directory, removed at exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-${QNX_TARGET:-}}
if [ -z "$target" ] || [ ! -f "$target/usr/include/sys/neutrino.h" ]; then
  echo "usage: QNX_TARGET=<dir with usr/include/sys/neutrino.h> $0   (or: $0 <dir>)" >&2
  exit 2
fi
inc=$(cd "$target/usr/include" && pwd)
qnx_inc=(-isystem "$inc")
if [ "${WRT_SDP_HEADERS:-system}" = user ]; then qnx_inc=(-I"$inc"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

strict=(-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
qnx_defs=(-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -D__QNX__ -D__QNXNTO__ -D__unix__ -D__unix
          -D__ELF__ -D__LITTLEENDIAN__)

# The SDP's kernel version (#define _NTO_VERSION nnn): in sys/neutrino.h up
# to 7.1; SDP 8.0 moved it to sys/nto_version.h, which its sys/neutrino.h
# includes (gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aa, target/qnx/usr/
# include/sys/neutrino.h:98, sys/nto_version.h:21). Reading only
# sys/neutrino.h took 8.0 for version 0 and compared it with profile 640.
vfiles=("$inc/sys/neutrino.h")
[ -f "$inc/sys/nto_version.h" ] && vfiles+=("$inc/sys/nto_version.h")
version=$(sed -n 's/^#[[:space:]]*define[[:space:]]*_NTO_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
          "${vfiles[@]}" | head -1)
version=${version:-0}
if [ "$version" -lt 700 ]; then profile=640; elif [ "$version" -lt 800 ]; then profile=710; else profile=800; fi

# CPUs: the 64-bit ones the SDP has headers for; else its 32-bit ones.
cpus=()
[ -d "$inc/x86_64" ] && cpus+=(x86_64)
[ -d "$inc/aarch64" ] && cpus+=(aarch64)
note=""
if [ ${#cpus[@]} -eq 0 ]; then
  [ -d "$inc/x86" ] && cpus+=(x86)
  [ -d "$inc/arm" ] && cpus+=(arm)
  note=" (no x86_64/aarch64 headers in this SDP: its 32-bit CPUs instead)"
fi
if [ -n "${WRT_SDP_CPUS:-}" ]; then read -r -a cpus <<<"$WRT_SDP_CPUS"; fi
if [ ${#cpus[@]} -eq 0 ]; then
  echo "qnx-sdp-check: $inc has no x86_64, aarch64, x86 or arm directory: not an SDP's include tree?" >&2
  exit 2
fi

# compiler_for CPU NAME -> prints "cmd target-flags..." or nothing.
compiler_for() {
  local cpu=$1 name=$2
  case "$name:$cpu" in
    gcc:x86_64) command -v gcc >/dev/null && echo "gcc -m64 -D__X86_64__" ;;
    gcc:x86) command -v gcc >/dev/null && echo "gcc -m32 -D__X86__" ;;
    gcc:aarch64) command -v aarch64-linux-gnu-gcc >/dev/null && echo "aarch64-linux-gnu-gcc -D__aarch64__" ;;
    gcc:arm) command -v arm-linux-gnueabihf-gcc >/dev/null && echo "arm-linux-gnueabihf-gcc -D__ARM__ -D__ARMEL__" ;;
    clang:x86_64) command -v clang >/dev/null && echo "clang --target=x86_64-linux-gnu -D__X86_64__" ;;
    clang:x86) command -v clang >/dev/null && echo "clang --target=i386-linux-gnu -D__X86__" ;;
    clang:aarch64) command -v clang >/dev/null && echo "clang --target=aarch64-linux-gnu -D__aarch64__" ;;
    clang:arm) command -v clang >/dev/null && echo "clang --target=armv7a-linux-gnueabihf -D__ARM__ -D__ARMEL__" ;;
  esac
  return 0
}
# The compiler's own header directory (stddef.h, stdatomic.h, stdarg.h).
own_headers() {
  case "$1" in
    clang) echo "$(clang -print-resource-dir)/include" ;;
    *) "$1" -print-file-name=include ;;
  esac
}

echo "qnx-sdp-check: $inc (_NTO_VERSION $version, model profile $profile), CPUs: ${cpus[*]}$note"
# WRT_SDP_DRY=1: stop after that line (tests/nto_model/sdp_check_version.sh).
if [ "${WRT_SDP_DRY:-0}" = 1 ]; then exit 0; fi
fail=0 compiled=0 passed_cfgs=() failed_cfgs=()
for cpu in "${cpus[@]}"; do
  for name in gcc clang; do
    spec=$(compiler_for "$cpu" "$name")
    if [ -z "$spec" ]; then echo "  $name $cpu: no compiler, skipped"; continue; fi
    read -r -a cc <<<"$spec"
    own=$(own_headers "${cc[0]}")
    cfg_ok=1
    for opt in -O0 -O2; do
      for f in "$root"/src/qnx/*.c; do
        compiled=$((compiled + 1))
        if ! out=$("${cc[@]}" "${strict[@]}" "$opt" -nostdinc "${qnx_inc[@]}" -isystem "$own" "${qnx_defs[@]}" \
                   -I"$root/include" -I"$root/src/core" -I"$root/src/qnx" -c "$f" -o "$tmp/o.o" 2>&1); then
          echo "  FAIL: $name $cpu $opt: ${f#"$root"/}"
          printf '%s\n' "$out" | grep -E 'error' | head -4 | sed 's/^/      /'
          fail=1 cfg_ok=0
        fi
      done
    done
    if [ "$cfg_ok" -eq 1 ]; then passed_cfgs+=("$name/$cpu"); else failed_cfgs+=("$name/$cpu"); fi
  done
done

# ---- constants: model vs SDP ------------------------------------------------
# Each constant is evaluated by tests/nto_model/probe_constant.sh (the
# compiler's value, read back from its assembly: any CPU, nothing run).
probe="$root/tests/nto_model/probe_constant.sh"
table="$root/tests/nto_model/nto_profile_constants.txt"
case $profile in 640) col=3 ;; 710) col=4 ;; *) col=5 ;; esac
ref_cpu=${cpus[0]:-x86_64}
read -r -a sdp_cc <<<"$(compiler_for "$ref_cpu" clang)"
[ ${#sdp_cc[@]} -eq 0 ] && read -r -a sdp_cc <<<"$(compiler_for "$ref_cpu" gcc)"
sdp_own=$(own_headers "${sdp_cc[0]}")
host_cc=$(command -v gcc || command -v clang)
echo
echo "constants ($ref_cpu; model = sim/neutrino, profile $profile; table = $(basename "$table"))"
printf '  %-26s %-14s %-14s %-14s %s\n' name model SDP table ""
diffs=0
while read -r name _hdr v640 v710 v800 _src; do
  case "$name" in ''|'#'*) continue ;; esac
  name=${name#!}
  case $col in 3) want=$v640 ;; 4) want=$v710 ;; *) want=$v800 ;; esac
  sdp=$(sh "$probe" "$name" "${sdp_cc[@]}" -nostdinc "${qnx_inc[@]}" -isystem "$sdp_own" "${qnx_defs[@]}")
  model=$(sh "$probe" "$name" "$host_cc" -DNTO_SIM_PROFILE="$profile" -I"$root/sim/neutrino/include")
  mark=""
  if [ "$model" != "$sdp" ]; then mark="model != SDP"; diffs=$((diffs + 1)); fi
  if [ "$want" != "$sdp" ]; then mark="$mark${mark:+; }table != SDP"; fi
  printf '  %-26s %-14s %-14s %-14s %s\n' "$name" "$model" "$sdp" "$want" "$mark"
done <"$table"

# ---- layouts: model vs SDP (issue 24) -----------------------------------------
# Sizes and offsets of tests/nto_model/nto_profile_layouts.txt, evaluated the
# same way. An SDP without a 64-bit CPU (6.4, 6.6) is compared with the
# table's ILP32 record; the model (an LP64 host) always gives LP64 values.
ltable="$root/tests/nto_model/nto_profile_layouts.txt"
case "$ref_cpu" in x86_64|aarch64) lcol=$col ;; *) lcol=2 ;; esac
echo
echo "layouts ($ref_cpu; model = sim/neutrino, profile $profile; table = $(basename "$ltable"))"
printf '  %-36s %-8s %-8s %-8s %s\n' key model SDP table ""
ldiffs=0
while read -r key v32 v640 v710 v800 _used; do
  case "$key" in ''|'#'*) continue ;; esac
  case $lcol in 2) want=$v32 ;; 3) want=$v640 ;; 4) want=$v710 ;; *) want=$v800 ;; esac
  expr=$(sh "$root/tests/nto_model/layout_expr.sh" "$key")
  sdp=$(sh "$probe" "$expr" "${sdp_cc[@]}" -nostdinc "${qnx_inc[@]}" -isystem "$sdp_own" "${qnx_defs[@]}")
  model=$(sh "$probe" "$expr" "$host_cc" -DNTO_SIM_PROFILE="$profile" -I"$root/sim/neutrino/include")
  mark=""
  if [ "$lcol" -ne 2 ] && [ "$model" != "$sdp" ]; then mark="model != SDP"; ldiffs=$((ldiffs + 1)); fi
  if [ "$want" != "$sdp" ]; then mark="$mark${mark:+; }table != SDP"; fi
  printf '  %-36s %-8s %-8s %-8s %s\n' "$key" "$model" "$sdp" "$want" "$mark"
done <"$ltable"

# ---- prototypes: the test's SDP types vs this SDP ------------------------------
# tests/nto_model/nto_prototypes.c states each SDP's prototypes; compiled
# against this SDP, a wrong statement fails here. The SDP's headers are
# system headers here even with WRT_SDP_HEADERS=user: their own warnings
# (clang's -Wpragma-pack on SDP 6.6 and 8.0) say nothing about prototypes.
if out=$("${sdp_cc[@]}" "${strict[@]}" -pedantic-errors -Werror=incompatible-pointer-types -nostdinc \
         -isystem "$inc" -isystem "$sdp_own" "${qnx_defs[@]}" -c "$root/tests/nto_model/nto_prototypes.c" \
         -o "$tmp/p.o" 2>&1); then
  protos="prototypes as tests/nto_model/nto_prototypes.c states"
else
  protos="prototypes DIFFER from tests/nto_model/nto_prototypes.c"
  printf '%s\n' "$out" | grep -E 'error' | head -6 | sed 's/^/  /'
fi

echo
echo "qnx-sdp-check: $compiled compiles; passed: ${passed_cfgs[*]:-none}; failed: ${failed_cfgs[*]:-none}; $diffs constants where the model differs from this SDP; $ldiffs layouts where the model differs; $protos"
exit $fail
