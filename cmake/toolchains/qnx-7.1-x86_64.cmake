# qnx-7.1-x86_64.cmake - cross-compile wrt_platform for QNX SDP 7.1, x86_64,
# with qcc (-V gcc_ntox86_64). Source the SDP's qnxsdp-env.sh, then:
#   cmake -S . -B build/qnx-7.1-x86_64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/qnx-7.1-x86_64.cmake
# Not run with a real SDP here (none on the project's machines); CI runs it
# with a qcc stand-in: scripts/checks/16-qnx-cross.sh, docs/qnx-build.md.
set(WRT_QNX_SDP 7.1)
set(WRT_QNX_ARCH x86_64)
include(${CMAKE_CURRENT_LIST_DIR}/qnx-common.cmake)
