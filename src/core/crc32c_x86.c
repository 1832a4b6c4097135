/*
 * crc32c_x86.c - the SSE4.2 path of wrt_crc32c (x86-64 only; elsewhere this
 * file compiles to nothing).
 *
 * OS-free (src/core): includes only the compiler's <cpuid.h> and
 * <nmmintrin.h>, crc32c_impl.h and the C library. The CPU is asked through
 * cpuid (leaf 1, ECX bit 20) rather than the OS, so the same code serves
 * Linux and QNX; a build with -msse4.2 skips the question. The crc32
 * instruction has a latency of 3 cycles and a throughput of 1 per cycle, so
 * buffers of 3 * 256 bytes or more run as three independent streams over
 * consecutive chunks, joined with the zeros operators (crc32c_impl.h).
 */
#if defined(__x86_64__)

#include <cpuid.h>
#include <nmmintrin.h>
#include <stdatomic.h>
#include <string.h>

#include "crc32c_impl.h"

#define WRT_CRC32C_SSE42 __attribute__((target("sse4.2")))

/*
 * Cached cpuid answer: 0 not asked yet, 1 no SSE4.2, 2 SSE4.2. A mutable
 * global because cpuid is slow (it traps to the hypervisor in a VM) and this
 * is asked on every call; it is idempotent and written with a single atomic
 * store, so racing first callers all store the same value.
 */
static _Atomic int sse42_state;

bool wrt_crc32c_hw_available(void) {
#if defined(__SSE4_2__)
  return true;
#else
  int state = atomic_load_explicit(&sse42_state, memory_order_relaxed);
  if (state == 0) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    state = 1;
    if (__get_cpuid(1u, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_SSE4_2) != 0u)
      state = 2;
    atomic_store_explicit(&sse42_state, state, memory_order_relaxed);
  }
  return state == 2;
#endif
}

const char *wrt_crc32c_hw_name(void) { return "sse4.2"; }

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Three streams of `chunk` bytes each from p; returns the joined register. */
WRT_CRC32C_SSE42 static uint64_t three_way(uint64_t crc0, const unsigned char *p,
                                           size_t chunk,
                                           const uint32_t zeros[4][256]) {
  uint64_t crc1 = 0, crc2 = 0;
  const unsigned char *end = p + chunk;
  do {
    crc0 = _mm_crc32_u64(crc0, load64(p));
    crc1 = _mm_crc32_u64(crc1, load64(p + chunk));
    crc2 = _mm_crc32_u64(crc2, load64(p + 2u * chunk));
    p += 8;
  } while (p < end);
  crc0 = wrt_crc32c_shift(zeros, (uint32_t)crc0) ^ crc1;
  crc0 = wrt_crc32c_shift(zeros, (uint32_t)crc0) ^ crc2;
  return crc0;
}

WRT_CRC32C_SSE42 uint32_t wrt_crc32c_hw(uint32_t crc, const void *data,
                                        size_t len) {
  const unsigned char *p = data;
  uint64_t reg = (uint32_t)~crc;
  if (len == 0u || p == NULL)
    return crc;
  while (len > 0u && ((uintptr_t)p & 7u) != 0u) {
    reg = _mm_crc32_u8((uint32_t)reg, *p++);
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
    reg = _mm_crc32_u64(reg, load64(p));
    p += 8;
    len -= 8u;
  }
  while (len > 0u) {
    reg = _mm_crc32_u8((uint32_t)reg, *p++);
    len--;
  }
  return ~(uint32_t)reg;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_crc32c_x86_not_built;
#endif
