# The QNX aarch64 CRC-32C run-time check (src/core/crc32c_arm.c): the
# reading of a QNX 8.0 system page's ID-register dump, on any host.
wrt_add_test(NAME test_crc32c_arm_idregs SOURCES core/test_crc32c_arm_idregs.c LIBS wrt_platform LABELS core)
