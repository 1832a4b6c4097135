# The QNX page allocator (src/qnx/qnx_memory.c) on the Neutrino host model:
# its own tests (partitions, strategies, lazy, typed memory, config, overflow,
# every system call failed in turn, process cap) and, once the shared suite
# exists, the backend-neutral memory suite run unchanged against it.
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_memory SOURCES qnx_memory/test_qnx_memory.c qnx_memory/rlimit_child.c
    LIBS wrt_platform_qnx_model LABELS qnx memory WRAP TIMEOUT 60)
  # What QNX's memory manager really does (typed memory, resource limits,
  # the hole of a failed MAP_FIXED) and the allocator under it.
  wrt_add_test(NAME test_qnx_memory_fidelity SOURCES qnx_memory/test_qnx_memory_fidelity.c qnx_memory/rlimit_child.c
    LIBS wrt_platform_qnx_model LABELS qnx memory WRAP TIMEOUT 60)
  wrt_add_test(NAME test_qnx_memory_threads SOURCES qnx_memory/test_qnx_memory_threads.c
    LIBS wrt_platform_qnx_model LABELS qnx memory threads TIMEOUT 60)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/support/memory_suite.c)
    wrt_add_test(NAME test_qnx_memory_suite SOURCES qnx_memory/test_qnx_memory_suite.c
      LIBS wrt_platform_qnx_model LABELS qnx memory WRAP TIMEOUT 120)
  endif()
endif()
