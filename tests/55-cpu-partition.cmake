# CPU partitions (issue 22): the Linux cgroup backend on this host's tree
# (SKIPs where the host refuses) with its file calls failed in turn through
# --wrap, and src/qnx's APS backend on the Neutrino host model.
# A Linux test whose file calls cgroup_fault.c can fail.
function(wrt_cgroup_test name source label)
  wrt_add_test(NAME ${name} SOURCES cpu_partition/${source} cpu_partition/cgroup_fault.c
    LIBS wrt_platform LABELS linux ${label})
  foreach(sym open read write mkdir rmdir)
    target_link_options(${name} PRIVATE "LINKER:--wrap=${sym}")
  endforeach()
endfunction()
wrt_cgroup_test(test_linux_cpu_partition test_linux_cpu_partition.c cpu_partition)
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_cpu_partition_on_model
    SOURCES cpu_partition/test_qnx_cpu_partition_on_model.c
    LIBS wrt_platform_qnx_model LABELS nto_model cpu_partition threads)
endif()
# The OS-enforced memory budget (issue 22 item 2): RLIMIT_AS and a memory
# cgroup on Linux (file calls failed in turn), RLIMIT_AS on the model.
wrt_cgroup_test(test_linux_memory_limit test_linux_memory_limit.c memory_limit)
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_memory_limit_on_model
    SOURCES cpu_partition/test_qnx_memory_limit_on_model.c
    LIBS wrt_platform_qnx_model LABELS nto_model memory_limit)
endif()
# The wasm2c adapter's instantiate option (issue 22 item 3), on a real
# module (tests/wasm2c/mem.wat generated as "pmem"), both backends.
if(TARGET wrt_wasm2c_model AND WRT_WAT2WASM AND WRT_WASM2C)
  wrt_wasm2c_generate(OUT_C pmem_c OUT_DIR pmem_dir MODULE_NAME pmem
    SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/wasm2c/mem.wat FLAGS --enable-multi-memory)
  # -w: generated code; OBJECT_DEPENDS: recompile when the adapter's
  # wasm-rt.h (which shadows wabt's) appears or changes (tests/wasm2c).
  set_source_files_properties(${pmem_c} PROPERTIES COMPILE_OPTIONS "-w"
    OBJECT_DEPENDS ${PROJECT_SOURCE_DIR}/adapters/wasm2c/include/wasm-rt.h)
  wrt_add_test(NAME test_wasm2c_partition
    SOURCES cpu_partition/test_wasm2c_partition.c ${pmem_c}
    LIBS wrt_wasm2c_model m LABELS wasm2c cpu_partition)
  target_include_directories(test_wasm2c_partition PRIVATE ${pmem_dir})
endif()
