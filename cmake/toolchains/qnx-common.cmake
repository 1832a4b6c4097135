# qnx-common.cmake - shared part of the QNX SDP toolchain files; included by
# qnx-<sdp>-<arch>.cmake after they set WRT_QNX_SDP and WRT_QNX_ARCH.
#
# Follows the conventions QNX and CMake document for qcc: CMAKE_SYSTEM_NAME
# QNX, CMAKE_C_COMPILER qcc with CMAKE_C_COMPILER_TARGET the qcc -V target
# (gcc_nto<arch>), CMAKE_SYSROOT = $QNX_TARGET (CMake's QCC module passes it
# as -Wc,-isysroot), and QNX_HOST / QNX_TARGET taken from the environment
# that the SDP's qnxsdp-env.sh sets. NOT RUN HERE: there is no QNX SDP on the
# project's machines (see docs/qnx-build.md).
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
set(CMAKE_C_COMPILER_TARGET gcc_nto${WRT_QNX_ARCH})
set(CMAKE_CXX_COMPILER "${QNX_HOST}/usr/bin/q++${_wrt_exe}")
set(CMAKE_CXX_COMPILER_TARGET gcc_nto${WRT_QNX_ARCH})
set(CMAKE_AR "${QNX_HOST}/usr/bin/nto${_wrt_nto_binutils}-ar${_wrt_exe}" CACHE FILEPATH "QNX ar")
set(CMAKE_RANLIB "${QNX_HOST}/usr/bin/nto${_wrt_nto_binutils}-ranlib${_wrt_exe}" CACHE FILEPATH "QNX ranlib")

set(CMAKE_SYSROOT "${QNX_TARGET}")
set(CMAKE_FIND_ROOT_PATH "${QNX_TARGET}" "${QNX_TARGET}/${CMAKE_SYSTEM_PROCESSOR}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Cross builds run nothing on the host: no tests or tools (they need cmocka
# and a Linux host); the library and its install files only.
set(WRT_BUILD_TESTS OFF CACHE BOOL "")
set(WRT_BUILD_TOOLS OFF CACHE BOOL "")
