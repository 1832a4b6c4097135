# Integration: the mutex over any futex, the checksummed-write provider and
# CRC-32C (issue 5).
wrt_add_test(NAME test_crc32c SOURCES integration/test_crc32c.c
  LIBS wrt_platform LABELS integration TIMEOUT 60)
