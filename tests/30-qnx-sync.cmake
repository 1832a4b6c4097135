# The QNX futex (src/qnx/qnx_sync.c) on the Neutrino host model: the shared
# futex suite under every receiver order, and the QNX-specific behaviour
# (wake order, pulse priority, kernel-call failures, destroy with waiters).
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_futex_suite
    SOURCES qnx_sync/test_qnx_futex_suite.c qnx_sync/qnx_futex_test_util.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 60)
  wrt_add_test(NAME test_qnx_futex
    SOURCES qnx_sync/test_qnx_futex.c qnx_sync/qnx_futex_test_util.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 60)
endif()
