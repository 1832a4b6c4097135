#!/usr/bin/env bash
# ensure-arm64-packages.sh PKG:arm64... - install Debian multiarch arm64
# packages that are missing, adding the arm64 architecture (and updating
# the package lists) first when dpkg does not have it yet. Used by the
# aarch64 checks (60-aarch64.sh: cmocka and glibc for the target;
# 65-rust.sh: Rust's aarch64 standard library).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missing=()
for p in "$@"; do
  # (No `cmd | grep -q` under pipefail: see 60-aarch64.sh's CRC probe.)
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
foreign=$(dpkg --print-foreign-architectures)
if [[ $'\n'"$foreign"$'\n' != *$'\n'arm64$'\n'* ]]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
fi
"$root/scripts/ensure-packages.sh" "${missing[@]}"
