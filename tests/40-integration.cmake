# Integration: the mutex over any futex, the checksummed-write provider and
# CRC-32C (issue 5).
wrt_add_test(NAME test_crc32c SOURCES integration/test_crc32c.c
  LIBS wrt_platform LABELS integration TIMEOUT 60)
wrt_add_test(NAME test_mutex_linux
  SOURCES integration/test_mutex_linux.c integration/mutex_suite.c
  LIBS wrt_platform LABELS integration threads TIMEOUT 60)
wrt_add_test(NAME test_provider SOURCES integration/test_provider.c
  LIBS wrt_platform LABELS integration threads TIMEOUT 60)
# The same mutex suite over the QNX futex, on the Neutrino host model.
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_mutex_qnx
    SOURCES integration/test_mutex_qnx.c integration/mutex_suite.c qnx_sync/qnx_futex_test_util.c
    LIBS wrt_platform_qnx_model LABELS integration threads qnx_model TIMEOUT 60)
  target_include_directories(test_mutex_qnx PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/qnx_sync)
endif()
# The mutex and the provider over a scripted futex whose calls fail.
wrt_add_test(NAME test_mutex_backend_errors SOURCES integration/test_mutex_backend_errors.c
  LIBS wrt_platform LABELS integration)
