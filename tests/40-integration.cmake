# Integration: the mutex over any futex, the checksummed-write provider and
# CRC-32C (issue 5).
wrt_add_test(NAME test_crc32c SOURCES integration/test_crc32c.c
  LIBS wrt_platform LABELS integration TIMEOUT 60)
wrt_add_test(NAME test_mutex_linux
  SOURCES integration/test_mutex_linux.c integration/mutex_suite.c
  LIBS wrt_platform LABELS integration threads TIMEOUT 60)
wrt_add_test(NAME test_provider SOURCES integration/test_provider.c
  LIBS wrt_platform LABELS integration threads TIMEOUT 60)
