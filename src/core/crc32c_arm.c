/*
 * crc32c_arm.c - the ARMv8 CRC32 path of wrt_crc32c (aarch64 built with the
 * CRC extension, e.g. -march=armv8-a+crc; elsewhere this file compiles to
 * nothing).
 *
 * OS-free (src/core): includes only the compiler's <arm_acle.h>,
 * crc32c_impl.h and the C library. The choice is made at compile time from
 * __ARM_FEATURE_CRC32 because asking at run time needs the OS (getauxval on
 * Linux, a different mechanism on QNX), which src/core may not call. CRC32
 * is mandatory from ARMv8.1, so targets that have it are built with it. The
 * three-stream structure is the same as the x86 path's (crc32c_impl.h).
 */
#if defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)

#include <arm_acle.h>
#include <string.h>

#include "crc32c_impl.h"

bool wrt_crc32c_hw_available(void) { return true; }

const char *wrt_crc32c_hw_name(void) { return "armv8-crc"; }

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static uint32_t three_way(uint32_t crc0, const unsigned char *p, size_t chunk,
                          const uint32_t zeros[4][256]) {
  uint32_t crc1 = 0, crc2 = 0;
  const unsigned char *end = p + chunk;
  do {
    crc0 = __crc32cd(crc0, load64(p));
    crc1 = __crc32cd(crc1, load64(p + chunk));
    crc2 = __crc32cd(crc2, load64(p + 2u * chunk));
    p += 8;
  } while (p < end);
  crc0 = wrt_crc32c_shift(zeros, crc0) ^ crc1;
  crc0 = wrt_crc32c_shift(zeros, crc0) ^ crc2;
  return crc0;
}

uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  const unsigned char *p = data;
  uint32_t reg = ~crc;
  if (len == 0u || p == NULL) {
    return crc;
  }
  while (len > 0u && ((uintptr_t)p & 7u) != 0u) {
    reg = __crc32cb(reg, *p++);
    len--;
  }
  while (len >= 3u * WRT_CRC32C_LONG) {
    reg = three_way(reg, p, WRT_CRC32C_LONG, wrt_crc32c_long_zeros);
    p += 3u * WRT_CRC32C_LONG;
    len -= 3u * WRT_CRC32C_LONG;
  }
  while (len >= 3u * WRT_CRC32C_SHORT) {
    reg = three_way(reg, p, WRT_CRC32C_SHORT, wrt_crc32c_short_zeros);
    p += 3u * WRT_CRC32C_SHORT;
    len -= 3u * WRT_CRC32C_SHORT;
  }
  while (len >= 8u) {
    reg = __crc32cd(reg, load64(p));
    p += 8;
    len -= 8u;
  }
  while (len > 0u) {
    reg = __crc32cb(reg, *p++);
    len--;
  }
  return ~reg;
}

#elif !defined(__x86_64__)
/* No hardware path in this build: wrt_crc32c uses the portable one. */
#include "crc32c_impl.h"

bool wrt_crc32c_hw_available(void) { return false; }

const char *wrt_crc32c_hw_name(void) { return NULL; }

uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  return wrt_crc32c_portable(crc, data, len);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_crc32c_arm_not_built;
#endif
