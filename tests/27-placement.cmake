# Placement (issue 27): huge pages, shared regions, NUMA binding on the
# Linux allocator, with every placement call failed in turn (the extra
# --wrap list below; placement_inject.c holds the wrappers).
wrt_add_test(NAME test_linux_placement
  SOURCES linux/test_linux_placement.c linux/placement_inject.c
  LIBS wrt_platform LABELS linux memory placement WRAP TIMEOUT 120)
foreach(sym IN ITEMS memfd_create shm_open fchmod fallocate fcntl madvise)
  target_link_options(test_linux_placement PRIVATE "LINKER:--wrap=${sym}")
endforeach()
# The QNX allocator's placement on the Neutrino host model: shared regions
# (shm_open + shm_ctl) seen by a second process, huge pages / NUMA refused.
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_placement SOURCES qnx_memory/test_qnx_placement.c
    LIBS wrt_platform_qnx_model LABELS qnx memory placement WRAP TIMEOUT 60)
endif()
# The wasm2c adapter's placement option (both backends, guard-page build).
if(TARGET wrt_wasm2c_model)
  wrt_add_test(NAME test_w2c_placement SOURCES wasm2c_placement/test_w2c_placement.c
    LIBS wrt_wasm2c_model LABELS wasm2c placement TIMEOUT 60)
endif()
