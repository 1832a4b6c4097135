# aarch64-linux-gnu.cmake - cross-compile for 64-bit Arm Linux (Debian's
# gcc-aarch64-linux-gnu) and run the test programs under qemu-aarch64.
#
# -march=armv8-a+crc makes __ARM_FEATURE_CRC32 defined, so the ARMv8 CRC-32C
# instructions path is the one compiled and tested. Libraries for the target
# (cmocka) come from Debian multiarch (libcmocka-dev:arm64) in
# /usr/lib/aarch64-linux-gnu; the C library to link against from
# libc6-dev-arm64-cross in /usr/aarch64-linux-gnu. At run time qemu-aarch64
# gets no -L: the loader and libc.so.6 then both come from multiarch
# libc6:arm64 (one glibc build; a cross loader with the multiarch libc hangs
# in fork and pthread_create).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_C_FLAGS_INIT "-march=armv8-a+crc")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
# Programs (cmake, ctest helpers) from the host; libraries and headers from
# the target roots. cmocka.h is architecture-neutral and lives in /usr/include.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
list(APPEND CMAKE_SYSTEM_LIBRARY_PATH /usr/lib/aarch64-linux-gnu)

set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64")
