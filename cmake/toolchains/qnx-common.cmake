# qnx-common.cmake - shared part of the QNX SDP toolchain files; included by
# qnx-<sdp>-<arch>.cmake after they set WRT_QNX_SDP and WRT_QNX_ARCH.
#
# Follows the conventions QNX and CMake document for qcc: CMAKE_SYSTEM_NAME
# QNX, CMAKE_C_COMPILER qcc with CMAKE_C_COMPILER_TARGET the qcc -V target
# (gcc_nto<arch>), CMAKE_SYSROOT = $QNX_TARGET (CMake's QCC module passes it
# as -Wc,-isysroot), and QNX_HOST / QNX_TARGET taken from the environment
# that the SDP's qnxsdp-env.sh sets. NOT RUN HERE with a real SDP: there is
# no QNX SDP on the project's machines. scripts/checks/16-qnx-cross.sh runs
# it end to end with a qcc stand-in (docs/qnx-build.md, "What was verified").
#
# What the user passes on the command line wins: CMAKE_C_COMPILER_TARGET /
# CMAKE_CXX_COMPILER_TARGET are cache entries (e.g.
# -DCMAKE_C_COMPILER_TARGET=12.2.0,gcc_ntoaarch64le to pick a compiler
# version), WRT_WERROR is a cache entry (OFF here, see below), and
# CMAKE_FIND_ROOT_PATH keeps what the user gives, the SDP's roots appended.
if(NOT DEFINED ENV{QNX_HOST} OR NOT DEFINED ENV{QNX_TARGET})
  message(FATAL_ERROR "QNX_HOST and QNX_TARGET are not set: source the SDP's qnxsdp-env.sh first")
endif()
file(TO_CMAKE_PATH "$ENV{QNX_HOST}" QNX_HOST)
file(TO_CMAKE_PATH "$ENV{QNX_TARGET}" QNX_TARGET)

set(CMAKE_SYSTEM_NAME QNX)
set(CMAKE_SYSTEM_VERSION ${WRT_QNX_SDP})
# CMAKE_SYSTEM_PROCESSOR: the SDP's directory name under $QNX_TARGET.
if(WRT_QNX_ARCH STREQUAL "aarch64le")
  set(CMAKE_SYSTEM_PROCESSOR aarch64le)
  set(_wrt_nto_binutils aarch64)
else()
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
  set(_wrt_nto_binutils x86_64)
endif()

if(CMAKE_HOST_WIN32)
  set(_wrt_exe ".exe")
else()
  set(_wrt_exe "")
endif()
set(CMAKE_C_COMPILER "${QNX_HOST}/usr/bin/qcc${_wrt_exe}")
# The -V target: gcc_ntoaarch64le / gcc_ntox86_64 on SDP 7.1 and on 8.0
# alike (Rust's nto_qnx targets link through qcc with -Vgcc_ntoaarch64le_cxx
# / -Vgcc_ntox86_64_cxx, the C++ flavour of the same targets, for 7.1 and
# 8.0 both: rust-lang/rust compiler/rustc_target/src/spec/base/nto_qnx.rs,
# pre_link_args). A cache entry, so that
# -DCMAKE_C_COMPILER_TARGET=<version>,gcc_nto<cpu> on the command line wins.
set(CMAKE_C_COMPILER_TARGET gcc_nto${WRT_QNX_ARCH} CACHE STRING "qcc -V target ([<version>,]gcc_nto<cpu>)")
set(CMAKE_CXX_COMPILER "${QNX_HOST}/usr/bin/q++${_wrt_exe}")
set(CMAKE_CXX_COMPILER_TARGET "${CMAKE_C_COMPILER_TARGET}" CACHE STRING "q++ -V target")
set(CMAKE_AR "${QNX_HOST}/usr/bin/nto${_wrt_nto_binutils}-ar${_wrt_exe}" CACHE FILEPATH "QNX ar")
set(CMAKE_RANLIB "${QNX_HOST}/usr/bin/nto${_wrt_nto_binutils}-ranlib${_wrt_exe}" CACHE FILEPATH "QNX ranlib")

set(CMAKE_SYSROOT "${QNX_TARGET}")
# The user's roots first (e.g. an install root laid out the QNX way,
# <root>/<cpu>/usr/lib: docs/qnx-build.md "Using the installed library"),
# then the SDP's. Appending (not set) keeps a -DCMAKE_FIND_ROOT_PATH=...; the
# toolchain file is read again for every try_compile, hence the dedup.
list(APPEND CMAKE_FIND_ROOT_PATH "${QNX_TARGET}" "${QNX_TARGET}/${CMAKE_SYSTEM_PROCESSOR}")
list(REMOVE_DUPLICATES CMAKE_FIND_ROOT_PATH)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Cross builds run nothing on the host. The cmocka tests need a Linux host;
# the wrtp program (demo, selftest, bench) needs only the library and is
# what an integrator copies to the target to qualify it.
set(WRT_BUILD_TESTS OFF CACHE BOOL "")
set(WRT_BUILD_TOOLS ON CACHE BOOL "")
# -Werror is OFF by default here: nobody has compiled this code with a real
# qcc, and a new warning from an SDP's GCC (8.3 on 7.1, 12.2 on 8.0) or from
# its headers must not stop an integrator's build. The warnings themselves
# stay on. The project's CI turns it ON (-DWRT_WERROR=ON,
# scripts/checks/16-qnx-cross.sh); do the same once your SDP builds clean.
set(WRT_WERROR OFF CACHE BOOL "Treat warnings as errors")
