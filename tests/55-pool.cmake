# The slot pool (include/wrt/pool.h): the shared suite on the Linux backend
# and on the QNX backend over the Neutrino host model, and the concurrent
# acquire/release test (labelled threads: TSan runs it).
wrt_add_test(NAME test_pool_linux SOURCES pool/test_pool_linux.c pool/pool_suite.c
             LIBS wrt_platform LABELS linux memory pool WRAP)
target_link_options(test_pool_linux PRIVATE "LINKER:--wrap=madvise")
wrt_add_test(NAME test_pool_threads SOURCES pool/test_pool_threads.c
             LIBS wrt_platform LABELS linux memory pool threads)
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_pool_qnx SOURCES pool/test_pool_qnx.c pool/pool_suite.c
               LIBS wrt_platform_qnx_model LABELS qnx memory pool WRAP TIMEOUT 60)
endif()
