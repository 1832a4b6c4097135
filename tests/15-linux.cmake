# The Linux backend: the shared memory and futex suites, plus Linux-only
# checks (futex EINTR handling, config defaults).
wrt_add_test(NAME test_linux_memory SOURCES linux/test_linux_memory.c LIBS wrt_platform
             LABELS linux memory WRAP)
wrt_add_test(NAME test_linux_futex SOURCES linux/test_linux_futex.c LIBS wrt_platform
             LABELS linux threads WRAP)
# The region query's thread and signal tests alone, labelled for the TSan run.
wrt_add_test(NAME test_linux_memory_query SOURCES linux/test_linux_memory_query.c
             LIBS wrt_platform LABELS linux memory threads WRAP)
