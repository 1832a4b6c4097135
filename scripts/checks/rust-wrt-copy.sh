#!/usr/bin/env bash
# rust-wrt-copy.sh WRT_CHECKOUT DEST - make the local copy of WRT's crates
# that rust/wrt-platform-c-wrt is built and tested against (see the README,
# "Using it from Rust (WRT)"). Not a check: 65-rust.sh uses the copy when
# WRT_SRC names it.
#
# WRT's whole workspace needs crates that an offline machine cannot
# download. This copies just wrt-error, wrt-sync, wrt-panic, wrt-platform and
# wrt-foundation from a WRT checkout (a git work tree or any directory with
# WRT's layout) into DEST, removes their dependencies that are not among
# those five (all optional or dev-only: parking_lot, kani-verifier,
# hashbrown, log, tracing, proptest, criterion, ...) and the features that
# name them, and trims the workspace to the five. WRT's sources are not
# changed. DEST must be outside this repository.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 WRT_CHECKOUT DEST"; exit 2; }
src=$(cd "$1" && pwd)
dest=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/ensure-packages.sh" python3
case "$(realpath -m "$dest")/" in "$root"/*) echo "DEST must be outside the repository"; exit 2 ;; esac
crates="wrt-error wrt-sync wrt-panic wrt-platform wrt-foundation"
for c in $crates; do
  [ -f "$src/$c/Cargo.toml" ] || { echo "rust-wrt-copy: $src/$c/Cargo.toml missing: not a WRT checkout"; exit 2; }
done
mkdir -p "$dest"
rm -f "$dest/RUST_WRT_COPY"
for c in $crates; do
  rm -rf "${dest:?}/$c"
  cp -r "$src/$c" "$dest/$c"
done
cp "$src/Cargo.toml" "$dest/Cargo.toml"
rm -f "$dest/WRT_COMMIT"
if git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
  git -C "$src" rev-parse HEAD >"$dest/WRT_COMMIT"
  case "$(cat "$dest/WRT_COMMIT")" in
    30c80add*) ;;
    *) echo "rust-wrt-copy: warning: WRT commit $(cat "$dest/WRT_COMMIT"), not the 30c80add the crates were tested with" ;;
  esac
fi
python3 - "$dest" $crates <<'PY'
import re, sys
dest, keep = sys.argv[1], sys.argv[2:]
# Crates the five depend on that are not among them (optional or dev-only).
drop = ["parking_lot", "kani-verifier", "hashbrown", "log", "tracing", "tracing-core",
        "criterion", "proptest", "proptest-derive"]
def is_dropped(item):
    return any(item == "dep:" + d or item.startswith(d + "?/") or item.startswith(d + "/") for d in drop)
for c in keep:
    path = f"{dest}/{c}/Cargo.toml"
    out, sect = [], None
    for line in open(path):
        s = line.strip()
        header = re.match(r'^\[(.*)\]$', s)
        if header:
            sect = header.group(1)
        elif sect in ("dependencies", "dev-dependencies") and re.match(r'^[A-Za-z0-9_-]+\s*=', s):
            name = re.match(r'^([A-Za-z0-9_-]+)', s).group(1)
            if sect == "dev-dependencies" or name in drop:
                continue
        elif sect == "features":
            line = re.sub(r'\[[^\]]*\]', lambda m: "[" + ", ".join(
                f'"{i}"' for i in re.findall(r'"([^"]*)"', m.group(0)) if not is_dropped(i)) + "]", line)
        out.append(line)
    open(path, "w").write("".join(out))
path = f"{dest}/Cargo.toml"
text = open(path).read()
text = re.sub(r'members = \[.*?\]', "members = [" + ", ".join(f'"{c}"' for c in keep) + "]", text, flags=re.S)
text = re.sub(r'exclude = .*\n', '', text)
out = []
for line in text.splitlines(True):
    m = re.match(r'^([A-Za-z0-9_-]+)\s*=\s*\{.*\bpath\b', line)
    if m and m.group(1) not in keep:
        continue
    if re.match(r'^(anyhow|wit-bindgen)\s*=', line):
        continue
    out.append(line)
open(path, "w").write("".join(out))
PY
# The marker 65-rust.sh looks for: WRT_SRC must be a copy made here, not
# a WRT checkout (whose crates need dependencies an offline build lacks).
echo "made by scripts/checks/rust-wrt-copy.sh from $src" >"$dest/RUST_WRT_COPY"
echo "rust-wrt-copy: $dest holds $crates${dest:+ (WRT commit $(cat "$dest/WRT_COMMIT" 2>/dev/null || echo unknown))}"
