#!/usr/bin/env bash
# 65-rust.sh - the Rust crates in rust/ with Debian's Rust (never a rustup
# toolchain that may come first on PATH), offline: build, tests on the Linux
# backend and on the QNX backend over the Neutrino host model, the seed's
# example on both, clippy -D warnings, and cargo check of the crates for
# aarch64-unknown-nto-qnx800 and x86_64-pc-nto-qnx710 (-Zbuild-std=core from
# rust-web-src; the C library is not built for QNX: that needs qcc, which
# this machine does not have, so nothing is linked or run for QNX).
#
# WRT_SRC=/dir (optional): a copy of WRT's crates made by
# scripts/checks/rust-wrt-copy.sh; then rust/wrt-platform-c-wrt (WRT's
# PageAllocator and FutexLike) is tested and linted against it too. Without
# it that crate is skipped (WRT's crates cannot be downloaded here).
#
# Run alone: scripts/checks/65-rust.sh   (builds into build/rust)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS

"$root/scripts/ensure-packages.sh" rustc-web cargo-web rust-web-src rust-web-clippy cmake gcc make

# Debian's toolchain only: /usr/bin first (cargo finds cargo-clippy and
# clippy-driver on PATH), rustc named explicitly, a private CARGO_HOME so
# that no user configuration or rustup proxy takes part.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
export RUSTC=/usr/bin/rustc
cargo=/usr/bin/cargo
export CARGO_HOME="$root/build/rust/cargo-home"
export CARGO_TARGET_DIR="$root/build/rust/target"
export CARGO_TERM_COLOR=never
unset RUSTFLAGS RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_BUILD_TARGET
mkdir -p "$CARGO_HOME"
log="$root/build/rust/check.log"
: >"$log"
echo "65-rust: $($cargo --version), $($RUSTC --version)" | tee -a "$log"

passed=0
failed=0
failures=()

# step NAME CMD... : run, log, remember a failure; sum cargo test's counts.
step() {
  local name=$1
  shift
  local out="$root/build/rust/step.log"
  echo "== $name" >>"$log"
  if "$@" >"$out" 2>&1; then
    echo "65-rust: ok   $name"
  else
    echo "65-rust: FAIL $name"
    tail -40 "$out"
    failures+=("$name")
  fi
  cat "$out" >>"$log"
  local p f
  p=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\1/p' "$out" | awk '{s += $1} END {print s + 0}')
  f=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\2/p' "$out" | awk '{s += $1} END {print s + 0}')
  passed=$((passed + p))
  failed=$((failed + f))
}

cd rust
step "build (Linux; QNX over the host model)" $cargo build --offline -j2 --workspace --all-targets --features qnx-model
step "test, Linux backend" $cargo test --offline -j2 --workspace
step "test, Linux + QNX backend on the Neutrino host model" $cargo test --offline -j2 --workspace --features qnx-model
step "seed example, Linux" $cargo run --offline -j2 -q -p wrt-platform-c --example seed_usage
step "seed example, QNX on the host model" $cargo run --offline -j2 -q -p wrt-platform-c --example seed_usage --features qnx-model
step "clippy -D warnings" $cargo clippy --offline -j2 --workspace --all-targets -- -D warnings
step "clippy -D warnings, qnx-model" $cargo clippy --offline -j2 --workspace --all-targets --features qnx-model -- -D warnings

# QNX: type-check only. core is built from rust-web-src; the standard
# library's own dependencies come from its vendor directory.
std_src=$($RUSTC --print sysroot)/lib/rustlib/src/rust/library
for target in aarch64-unknown-nto-qnx800 x86_64-pc-nto-qnx710; do
  step "cargo check --target $target (no link: needs qcc)" env RUSTC_BOOTSTRAP=1 \
    $cargo check --offline -j2 -Zbuild-std=core --target "$target" -p wrt-platform-c --all-features \
    --config 'source.crates-io.replace-with="rust-std-vendor"' \
    --config "source.rust-std-vendor.directory=\"$std_src/vendor\""
done

if [ -n "${WRT_SRC:-}" ]; then
  wrt_src=$(cd "$WRT_SRC" && pwd)
  patch="$root/build/rust/wrt-patch.toml"
  {
    echo "[patch.crates-io]"
    for c in wrt-error wrt-sync wrt-platform wrt-foundation; do
      echo "$c = { path = \"$wrt_src/$c\" }"
    done
  } >"$patch"
  echo "65-rust: WRT from $wrt_src (commit $(cat "$wrt_src/WRT_COMMIT" 2>/dev/null || echo unknown))" | tee -a "$log"
  cd wrt-platform-c-wrt
  export CARGO_TARGET_DIR="$root/build/rust/target-wrt"
  step "WRT traits: test, Linux + QNX on the host model" $cargo test --offline -j2 --config "$patch" --features qnx-model
  step "WRT traits: clippy -D warnings" $cargo clippy --offline -j2 --config "$patch" --all-targets --features qnx-model -- -D warnings
  cd ..
else
  echo "65-rust: WRT_SRC not set: wrt-platform-c-wrt (WRT's traits) not built"
fi
cd "$root"

echo "65-rust: $((SECONDS - start)) s; log in $log"
if [ ${#failures[@]} -ne 0 ]; then
  echo "65-rust: failed steps: ${failures[*]}"
  echo "rust: $passed passed, $((failed > 0 ? failed : ${#failures[@]})) failed"
  exit 1
fi
echo "rust: $passed passed, $failed failed"
