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
# Issue 16: forged and stale pulses never end a wait early or leave a node
# linked (white box: includes the parker's internal header).
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_futex_forged
    SOURCES qnx_sync/test_qnx_futex_forged.c qnx_sync/qnx_futex_test_util.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 120)
  target_include_directories(test_qnx_futex_forged PRIVATE ${PROJECT_SOURCE_DIR}/src/qnx)
endif()
# Issue 26 (B): an exiting thread releases its parker's channel while
# another thread makes its first kernel call (the window between the model's
# and the parker's thread-exit destructors, made every time).
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_parker_exit SOURCES qnx_sync/test_qnx_parker_exit.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 60)
endif()
