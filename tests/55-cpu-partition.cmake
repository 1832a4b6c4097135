# CPU partitions (issue 22): the Linux cgroup backend on this host's tree
# (SKIPs where the host refuses) with its file calls failed in turn through
# --wrap, and src/qnx's APS backend on the Neutrino host model.
wrt_add_test(NAME test_linux_cpu_partition
  SOURCES cpu_partition/test_linux_cpu_partition.c cpu_partition/cgroup_fault.c
  LIBS wrt_platform LABELS linux cpu_partition)
foreach(sym open read write mkdir rmdir)
  target_link_options(test_linux_cpu_partition PRIVATE "LINKER:--wrap=${sym}")
endforeach()
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_cpu_partition_on_model
    SOURCES cpu_partition/test_qnx_cpu_partition_on_model.c
    LIBS wrt_platform_qnx_model LABELS nto_model cpu_partition threads)
endif()
# The OS-enforced memory budget (issue 22 item 2): RLIMIT_AS and a memory
# cgroup on Linux (file calls failed in turn), RLIMIT_AS on the model.
wrt_add_test(NAME test_linux_memory_limit
  SOURCES cpu_partition/test_linux_memory_limit.c cpu_partition/cgroup_fault.c
  LIBS wrt_platform LABELS linux memory_limit)
foreach(sym open read write mkdir rmdir)
  target_link_options(test_linux_memory_limit PRIVATE "LINKER:--wrap=${sym}")
endforeach()
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_memory_limit_on_model
    SOURCES cpu_partition/test_qnx_memory_limit_on_model.c
    LIBS wrt_platform_qnx_model LABELS nto_model memory_limit)
endif()
