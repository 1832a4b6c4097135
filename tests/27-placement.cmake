# Placement (issue 27): huge pages, shared regions, NUMA binding on the
# Linux allocator, with every placement call failed in turn (the extra
# --wrap list below; placement_inject.c holds the wrappers).
wrt_add_test(NAME test_linux_placement
  SOURCES linux/test_linux_placement.c linux/placement_inject.c
  LIBS wrt_platform LABELS linux memory placement WRAP TIMEOUT 120)
foreach(sym IN ITEMS memfd_create shm_open fchmod fallocate fcntl madvise)
  target_link_options(test_linux_placement PRIVATE "LINKER:--wrap=${sym}")
endforeach()
