//! Builds (or finds) the wrt_platform C library and tells rustc how to link it.
//!
//! Three ways, chosen in this order:
//! 1. `WRT_PLATFORM_LIB_DIR=/dir`: link the prebuilt `libwrt_platform.a` found
//!    there (e.g. one built with qcc for QNX, or an installed one). No CMake.
//! 2. `WRT_PLATFORM_PKG_CONFIG=1`: ask `pkg-config --libs --static wrt_platform`
//!    (the library's installed `wrt_platform.pc`). No CMake.
//! 3. Otherwise: configure and build the C sources of this repository (or of
//!    `WRT_PLATFORM_SRC=/path/to/wrt-platform`) with CMake into `OUT_DIR`, together with the
//!    layout probe used by the layout tests.
//!
//! QNX targets (`target_os = "nto"`): CMake is never run. Building the C
//! library for QNX needs qcc and the QNX SDP, which a Rust build cannot
//! assume; `cargo check` needs no library at all. Give way 1 or 2 to link.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wrt_layout_probe)");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_LIB_DIR");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_PKG_CONFIG");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_SRC");
    println!("cargo::rerun-if-env-changed=CC");

    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let qnx_model = env::var_os("CARGO_FEATURE_QNX_MODEL").is_some();

    if let Some(dir) = env::var_os("WRT_PLATFORM_LIB_DIR") {
        println!("cargo::rustc-link-search=native={}", Path::new(&dir).display());
        println!("cargo::rustc-link-lib=static=wrt_platform");
        link_threads(&target_os);
        return;
    }
    if env::var_os("WRT_PLATFORM_PKG_CONFIG").is_some() {
        pkg_config();
        return;
    }
    if target_os == "nto" {
        println!(
            "cargo::warning=wrt-platform-sys: QNX target: the C library is not built \
             (needs qcc); set WRT_PLATFORM_LIB_DIR to link one. cargo check needs none."
        );
        return;
    }
    cmake_build(qnx_model, &target_os);
}

fn link_threads(target_os: &str) {
    if target_os == "linux" {
        println!("cargo::rustc-link-lib=pthread");
    }
}

fn pkg_config() {
    let out = Command::new("pkg-config")
        .args(["--libs", "--static", "wrt_platform"])
        .output()
        .expect("wrt-platform-sys: cannot run pkg-config");
    assert!(
        out.status.success(),
        "wrt-platform-sys: pkg-config does not know wrt_platform: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo::rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            if lib == "wrt_platform" {
                println!("cargo::rustc-link-lib=static=wrt_platform");
            } else {
                println!("cargo::rustc-link-lib={lib}");
            }
        }
    }
}

fn cmake_build(qnx_model: bool, target_os: &str) {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let src = env::var_os("WRT_PLATFORM_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../.."));
    let src = src.canonicalize().expect("wrt-platform-sys: the C source root does not exist");
    for dir in ["include", "src", "sim", "cmake", "CMakeLists.txt"] {
        println!("cargo::rerun-if-changed={}", src.join(dir).display());
    }
    println!("cargo::rerun-if-changed={}", manifest.join("cmake").display());
    println!("cargo::rerun-if-changed={}", manifest.join("csrc").display());

    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("cmake-build");
    let build_type = if env::var("PROFILE").as_deref() == Ok("release") {
        "Release"
    } else {
        "Debug"
    };
    let model = if qnx_model { "ON" } else { "OFF" };
    run(Command::new("cmake")
        .arg("-S")
        .arg(manifest.join("cmake"))
        .arg("-B")
        .arg(&out)
        .arg(format!("-DWRT_SOURCE_DIR={}", src.display()))
        .arg(format!("-DCMAKE_BUILD_TYPE={build_type}"))
        .arg(format!("-DWRT_QNX_MODEL={model}"))
        // A user's compiler may warn where ours does not: that must not
        // stop a Rust build (the C project's own checks use -Werror).
        .arg("-DWRT_WERROR=OFF")
        .arg("-DWRT_PIC=ON"));
    let mut build = Command::new("cmake");
    build.arg("--build").arg(&out).arg("-j2").args(["--target", "wrt_platform", "wrt_rs_probe"]);
    if qnx_model {
        build.args(["--target", "wrt_platform_qnx_model", "wrt_neutrino_sim"]);
    }
    run(&mut build);

    let lib_dir = out.join("wrt_platform");
    println!("cargo::rustc-link-search=native={}", lib_dir.display());
    println!("cargo::rustc-link-search=native={}", out.display());
    if qnx_model {
        println!("cargo::rustc-link-search=native={}", lib_dir.join("sim/neutrino").display());
        println!("cargo::rustc-link-lib=static=wrt_platform_qnx_model");
        println!("cargo::rustc-link-lib=static=wrt_neutrino_sim");
    }
    println!("cargo::rustc-link-lib=static=wrt_platform");
    println!("cargo::rustc-link-lib=static=wrt_rs_probe");
    println!("cargo::rustc-cfg=wrt_layout_probe");
    link_threads(target_os);
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("wrt-platform-sys: cannot run {cmd:?}: {e}"));
    assert!(status.success(), "wrt-platform-sys: {cmd:?} failed: {status}");
}
