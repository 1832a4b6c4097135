#!/usr/bin/env bash
# 65-rust.sh - the Rust crates in rust/ with Debian's Rust (never a rustup
# toolchain that may come first on PATH), offline: build, tests on the Linux
# backend and on the QNX backend over the Neutrino host model (doctests,
# compile_fail ones included), the seed's example on both, clippy -D
# warnings (clippy::undocumented_unsafe_blocks and
# non_send_fields_in_send_ty on, from the crates' lints), cargo doc -D
# warnings, a check that a consumer's link line has no test-only objects,
# a cross build for aarch64-unknown-linux-gnu whose tests run under
# qemu-aarch64 (std for the target from Debian's libstd-rust-web-dev:arm64,
# the C library from the shipped aarch64 toolchain file), and cargo check
# of every crate for aarch64-unknown-nto-qnx800 and x86_64-pc-nto-qnx710
# (-Zbuild-std=core,alloc from rust-web-src; the C library is not built for
# QNX: that needs qcc, which this machine does not have, so nothing is
# linked or run for QNX).
#
# WRT_SRC=/dir (optional): a copy of WRT's crates made by
# scripts/checks/rust-wrt-copy.sh (from a checkout of pulseengine/wrt; not
# the checkout itself). Then rust/wrt-platform-c-wrt (WRT's PageAllocator
# and FutexLike, WRT's PalMemoryProvider / AtomicMemoryOps path) is tested,
# linted, documented and QNX-checked against it too. Without it that crate
# is skipped, and said so: WRT's crates cannot be downloaded here and are
# not in this repository.
#
# Run alone: scripts/checks/65-rust.sh   (builds into build/rust)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
start=$SECONDS

# WRT_SRC is checked first: a wrong one would otherwise show, after every
# other step, as Cargo failing to resolve WRT's dependencies offline.
if [ -n "${WRT_SRC:-}" ]; then
  if [ ! -d "$WRT_SRC" ]; then
    echo "65-rust: FAIL: WRT_SRC=$WRT_SRC is not a directory"
    echo "rust: 0 passed, 1 failed"; exit 1
  fi
  wrt_src=$(cd "$WRT_SRC" && pwd)
  if [ ! -f "$wrt_src/RUST_WRT_COPY" ]; then
    echo "65-rust: FAIL: WRT_SRC=$wrt_src is not a copy made by scripts/checks/rust-wrt-copy.sh"
    echo "  (a WRT clone's crates need dependencies that cannot be downloaded offline)."
    echo "  Make one: scripts/checks/rust-wrt-copy.sh /path/to/wrt-clone /tmp/wrt-copy; WRT_SRC=/tmp/wrt-copy"
    echo "rust: 0 passed, 1 failed"; exit 1
  fi
fi

"$root/scripts/ensure-packages.sh" rustc-web cargo-web rust-web-src rust-web-clippy cmake gcc make \
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
# The aarch64 standard library of the same Rust comes from Debian
# multiarch (Multi-Arch: same, into /usr/lib/rustlib/aarch64-unknown-linux-gnu);
# libc6:arm64 with it is what qemu-aarch64 loads (see 60-aarch64.sh).
"$root/scripts/ensure-arm64-packages.sh" libstd-rust-web-dev:arm64 libc6:arm64

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
step "cargo doc -D warnings" env RUSTDOCFLAGS="-D warnings" \
  $cargo doc --offline -j2 --no-deps --workspace --features qnx-model

# A consumer must not link the layout probe, which only the layout tests
# use (issue 23 item 7). rustc bundles a build script's static libraries
# into the -sys rlib, so the rlib a consumer (the seed example) links is
# what is looked into.
no_probe() {
  local rlibs members
  rlibs=$($cargo build --offline -j2 -p wrt-platform-c --example seed_usage --message-format=json 2>/dev/null |
    grep -o '"[^"]*libwrt_platform_sys-[^"]*\.rlib"' | tr -d '"' | sort -u)
  [ -n "$rlibs" ] || { echo "no wrt-platform-sys rlib reported"; return 1; }
  members=$(for r in $rlibs; do ar t "$r"; done)
  [[ "$members" == *wrt_platform.c.o* || "$members" == *status.c.o* ]] || { echo "the C library is not bundled"; return 1; }
  if [[ "$members" == *layout_probe* ]]; then
    echo "the rlib a consumer links bundles layout_probe.c.o: $rlibs"
    return 1
  fi
  echo "no layout_probe in $rlibs"
}
step "a consumer links no test-only objects" no_probe

# Cross: aarch64 Linux, tests (both backends) under qemu-aarch64.
step "cross test, aarch64-unknown-linux-gnu under qemu (Linux + QNX model)" env \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64 \
  $cargo test --offline -j2 --workspace --features qnx-model --target aarch64-unknown-linux-gnu

# QNX: type-check only, every crate. core and alloc are built from
# rust-web-src (WRT's crates use alloc); the standard library's own
# dependencies come from its vendor directory.
std_src=$($RUSTC --print sysroot)/lib/rustlib/src/rust/library
qnx_check() { # DIR TARGET EXTRA-ARGS...
  local dir=$1 target=$2
  shift 2
  (cd "$dir" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$root/build/rust/target-qnx" \
    $cargo check --offline -j2 -Zbuild-std=core,alloc --target "$target" --all-features "$@" \
    --config 'source.crates-io.replace-with="rust-std-vendor"' \
    --config "source.rust-std-vendor.directory=\"$std_src/vendor\"")
}
for target in aarch64-unknown-nto-qnx800 x86_64-pc-nto-qnx710; do
  step "cargo check --target $target, workspace (no link: needs qcc)" qnx_check . "$target" --workspace
done

if [ -n "${WRT_SRC:-}" ]; then
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
  step "WRT traits: cargo doc -D warnings" env RUSTDOCFLAGS="-D warnings" \
    $cargo doc --offline -j2 --no-deps --config "$patch" --features qnx-model
  cd ..
  for target in aarch64-unknown-nto-qnx800 x86_64-pc-nto-qnx710; do
    step "cargo check --target $target, wrt-platform-c-wrt (no link)" \
      qnx_check wrt-platform-c-wrt "$target" --config "$patch"
  done
else
  echo "65-rust: WRT_SRC not set: wrt-platform-c-wrt (WRT's traits) not built, tested or QNX-checked"
fi
cd "$root"

echo "65-rust: $((SECONDS - start)) s; log in $log"
if [ ${#failures[@]} -ne 0 ]; then
  echo "65-rust: failed steps: ${failures[*]}"
  echo "rust: $passed passed, $((failed > 0 ? failed : ${#failures[@]})) failed"
  exit 1
fi
echo "rust: $passed passed, $failed failed"
