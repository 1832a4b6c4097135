//! Builds (or finds) the wrt_platform C library and tells rustc how to link it.
//!
//! Three ways, chosen in this order:
//! 1. `WRT_PLATFORM_LIB_DIR=/dir`: link the prebuilt `libwrt_platform.a` found
//!    there (e.g. one built with qcc for QNX, or an installed one). No CMake.
//! 2. `WRT_PLATFORM_PKG_CONFIG=1`: ask `pkg-config --libs --static wrt_platform`
//!    (the library's installed `wrt_platform.pc`). No CMake.
//! 3. Otherwise: configure and build the C sources of this repository (or of
//!    `WRT_PLATFORM_SRC=/path/to/wrt-platform`) with CMake into `OUT_DIR`, together with the
//!    layout probe used by the layout tests (linked only into this crate's
//!    own tests, never into a consumer).
//!
//! Cross builds (`--target` other than the host): the C compiler and the
//! CMake toolchain are chosen for the target, as the `cc` crate does:
//! `CMAKE_TOOLCHAIN_FILE_<target>` / `CMAKE_TOOLCHAIN_FILE` (a CMake
//! toolchain file), else `CC_<target>` (with `-` or `_`) / `TARGET_CC` (a C
//! compiler), else the toolchain file this repository ships for the target
//! (`cmake/toolchains/`: aarch64 Linux; QNX 7.1 and 8.0, which need the SDP's
//! `QNX_HOST`/`QNX_TARGET`). A native build honours `CC_<target>` and
//! `HOST_CC`/`CC`. CMake builds with cargo's job count (`NUM_JOBS`).
//!
//! QNX targets (`target_os = "nto"`) without the SDP (`QNX_HOST` unset) and
//! without a toolchain file given: CMake is not run (`cargo check` needs no
//! library); give way 1 or 2 to link.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wrt_layout_probe)");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_LIB_DIR");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_PKG_CONFIG");
    println!("cargo::rerun-if-env-changed=WRT_PLATFORM_SRC");
    let target = env::var("TARGET").unwrap_or_default();
    for var in ["CC", "TARGET_CC", "HOST_CC", "CMAKE_TOOLCHAIN_FILE", "QNX_HOST", "QNX_TARGET"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    for var in target_vars(&target, "CC").into_iter().chain(target_vars(&target, "CMAKE_TOOLCHAIN_FILE")) {
        println!("cargo::rerun-if-env-changed={var}");
    }

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
    if target_os == "nto" && env::var_os("QNX_HOST").is_none() && toolchain_file(&target).is_none() {
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

/// `VAR_<target>` and `VAR_<target with _>` (the `cc` crate's names).
fn target_vars(target: &str, var: &str) -> [String; 2] {
    [format!("{var}_{target}"), format!("{var}_{}", target.replace('-', "_"))]
}

fn first_env(names: &[String]) -> Option<String> {
    names.iter().find_map(|n| env::var(n).ok().filter(|v| !v.is_empty()))
}

/// A CMake toolchain file given for the target.
fn toolchain_file(target: &str) -> Option<String> {
    let mut names = target_vars(target, "CMAKE_TOOLCHAIN_FILE").to_vec();
    names.push("CMAKE_TOOLCHAIN_FILE".into());
    first_env(&names)
}

/// The toolchain file this repository ships for a cross target.
fn shipped_toolchain(target: &str) -> Option<&'static str> {
    Some(match target {
        "aarch64-unknown-linux-gnu" => "aarch64-linux-gnu.cmake",
        "aarch64-unknown-nto-qnx800" => "qnx-8.0-aarch64le.cmake",
        "x86_64-pc-nto-qnx800" => "qnx-8.0-x86_64.cmake",
        "aarch64-unknown-nto-qnx710" => "qnx-7.1-aarch64le.cmake",
        "x86_64-pc-nto-qnx710" => "qnx-7.1-x86_64.cmake",
        _ => return None,
    })
}

/// The CMake arguments that pick the compiler for the target.
fn compiler_args(src: &Path) -> Vec<String> {
    let target = env::var("TARGET").unwrap_or_default();
    let host = env::var("HOST").unwrap_or_default();
    let cross = target != host;
    let mut cc_names = target_vars(&target, "CC").to_vec();
    cc_names.push(if cross { "TARGET_CC" } else { "HOST_CC" }.into());
    if !cross {
        cc_names.push("CC".into());
    }
    if let Some(file) = toolchain_file(&target) {
        return vec![format!("-DCMAKE_TOOLCHAIN_FILE={file}")];
    }
    if let Some(cc) = first_env(&cc_names) {
        let mut args = vec![format!("-DCMAKE_C_COMPILER={cc}")];
        if cross {
            // CMake must not try to run what it compiles for the target.
            let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
            let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
            let system = match os.as_str() {
                "linux" => "Linux",
                "nto" => "QNX",
                _ => "Generic",
            };
            args.push(format!("-DCMAKE_SYSTEM_NAME={system}"));
            args.push(format!("-DCMAKE_SYSTEM_PROCESSOR={arch}"));
        }
        return args;
    }
    if cross {
        let file = shipped_toolchain(&target).unwrap_or_else(|| {
            panic!(
                "wrt-platform-sys: cross build for {target}: set CC_{target} / TARGET_CC or \
                 CMAKE_TOOLCHAIN_FILE (or WRT_PLATFORM_LIB_DIR to link a prebuilt library)"
            )
        });
        return vec![format!("-DCMAKE_TOOLCHAIN_FILE={}", src.join("cmake/toolchains").join(file).display())];
    }
    Vec::new()
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
        .arg("-DWRT_PIC=ON")
        .args(compiler_args(&src)));
    let jobs = env::var("NUM_JOBS").ok().filter(|j| j.parse::<u32>().is_ok_and(|n| n > 0)).unwrap_or_else(|| "1".into());
    let mut build = Command::new("cmake");
    build.arg("--build").arg(&out).args(["--parallel", &jobs]).args(["--target", "wrt_platform", "wrt_rs_probe"]);
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
    // The layout probe: tests/layout.rs links it itself (#[link]), so a
    // consumer of this crate never gets the test-only objects.
    println!("cargo::rustc-cfg=wrt_layout_probe");
    link_threads(target_os);
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("wrt-platform-sys: cannot run {cmd:?}: {e}"));
    assert!(status.success(), "wrt-platform-sys: {cmd:?} failed: {status}");
}
