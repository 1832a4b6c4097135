/*
 * crc32c_x86.c - the x86-64 paths of wrt_crc32c (elsewhere this file
 * compiles to nothing): SSE4.2 alone, and SSE4.2 with PCLMULQDQ.
 *
 * OS-free (src/core): includes only the compiler's <cpuid.h>,
 * <nmmintrin.h> and <wmmintrin.h>, crc32c_impl.h and the C library. The
 * CPU is asked through cpuid (leaf 1, ECX bit 20 SSE4.2, bit 1 PCLMULQDQ)
 * rather than the OS, so the same code serves Linux and QNX.
 *
 * Why streams rather than folding: the crc32 instruction has a latency of 3
 * cycles; on CPUs that issue one per cycle three independent streams fill
 * the unit, but newer cores issue more than one per cycle (an AMD EPYC
 * here: 8 streams ran 41 GB/s, 3 streams 24 GB/s). PCLMULQDQ folding of
 * 4 or 8 128-bit lanes, the other classic method, measured 7-10 GB/s on the
 * same machine (its 128-bit carry-less multiply issues about one per 3
 * cycles there), so with PCLMULQDQ the big-buffer path runs EIGHT crc32
 * streams over consecutive chunks and uses the carry-less multiply only to
 * join them (the Intel "crc_pcl" idea): 7 multiplies per block, whatever
 * the block's length. Without PCLMULQDQ, three streams joined by the
 * zeros tables (crc32c_impl.h), as before.
 */
#if defined(__x86_64__)

#include <cpuid.h>
#include <nmmintrin.h>
#include <stdatomic.h>
#include <string.h>
#include <wmmintrin.h>

#include "crc32c_impl.h"

#define WRT_CRC32C_SSE42 __attribute__((target("sse4.2")))
#define WRT_CRC32C_PCLMUL __attribute__((target("sse4.2,pclmul")))

/*
 * Joining constants of the eight-stream path. Joining needs the raw CRC
 * register r advanced over n zero bytes, i.e. R(x) * x^(8n) mod P(x) with
 * P = 0x11EDC6F41 (the Castagnoli polynomial; reflected 0x82F63B78). With
 * r and k zero-extended to 64 bits, the reflected carry-less product
 * pclmul(r, k) fits in its low 64 bits and stands for x * R(x) * K(x);
 * feeding that word to the crc32 instruction from register 0 multiplies by
 * x^32 and reduces mod P. So k must be x^(8n - 33) mod P, bit-reflected to
 * 32 bits (bit i = coefficient of x^(31-i)).
 *
 * Derived once with a throwaway script (GF(2) polynomial arithmetic:
 * x^e mod P by shift-and-reduce, then bit reflection) that also checked
 * crc32(0, pclmul(r, k)) == r advanced over n zero bytes on random r;
 * tests/integration/test_crc32c.c recomputes every entry from the
 * bit-at-a-time definition. Row t is for chunk length wrt_crc32c_x86_chunk[t];
 * entry j advances over (j + 1) chunks. Consistency check at a glance: the
 * 512-byte shift is entry [0][0] and entry [1][3] (4 x 128), the 128-byte
 * shift is [1][0] and [2][3].
 */
const size_t wrt_crc32c_x86_chunk[WRT_CRC32C_X86_TIERS] = {512u, 128u, 32u};
const uint32_t wrt_crc32c_x86_shift[WRT_CRC32C_X86_TIERS][7] = {
    {0xdd7e3b0cu, 0x170076fau, 0x9ef68d35u, 0xa51b6135u, 0x22c3799fu, 0x359674f7u, 0x96a1f19bu},
    {0x0d3b6092u, 0xb9e02b86u, 0xd270f1a2u, 0xdd7e3b0cu, 0x6b749fb2u, 0xd7a4825cu, 0x68bce87au},
    {0xba4fc28eu, 0x9e4addf8u, 0x0715ce53u, 0x0d3b6092u, 0x878a92a7u, 0xab7aff2au, 0x83348832u},
};

/*
 * Cached cpuid answer: 0 not asked yet, 1 no SSE4.2, 2 SSE4.2 without
 * PCLMULQDQ, 3 both. A mutable global because cpuid is slow (it traps to
 * the hypervisor in a VM) and this is asked on every call; it is idempotent
 * and written with a single atomic store, so racing first callers all store
 * the same value.
 */
static _Atomic int x86_state;

static int x86_features(void) {
  int state = atomic_load_explicit(&x86_state, memory_order_relaxed);
  if (state == 0) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    state = 1;
    if (__get_cpuid(1u, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_SSE4_2) != 0u)
      state = (ecx & bit_PCLMUL) != 0u ? 3 : 2;
    atomic_store_explicit(&x86_state, state, memory_order_relaxed);
  }
  return state;
}

bool wrt_crc32c_hw_available(void) { return x86_features() >= 2; }

bool wrt_crc32c_x86_has_pclmul(void) { return x86_features() == 3; }

const char *wrt_crc32c_hw_name(void) {
  return x86_features() == 3 ? "sse4.2+pclmul" : "sse4.2";
}

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

/* The head shared by both paths: single bytes until p is 8-byte aligned
 * (or the data ends). */
WRT_CRC32C_SSE42 static uint64_t align8(uint64_t reg, const unsigned char **p,
                                        size_t *len) {
  while (*len > 0u && ((uintptr_t)*p & 7u) != 0u) {
    reg = _mm_crc32_u8((uint32_t)reg, **p);
    (*p)++;
    (*len)--;
  }
  return reg;
}

/* The single-stream tail shared by both paths: 8 bytes, then bytes. */
WRT_CRC32C_SSE42 static uint32_t finish(uint64_t reg, const unsigned char *p,
                                        size_t len) {
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

WRT_CRC32C_SSE42 uint32_t wrt_crc32c_x86_sse42(uint32_t crc, const void *data,
                                               size_t len) {
  const unsigned char *p = data;
  uint64_t reg = (uint32_t)~crc;
  if (len == 0u || p == NULL)
    return crc;
  reg = align8(reg, &p, &len);
  while (len >= (size_t)3 * WRT_CRC32C_LONG) {
    reg = three_way(reg, p, WRT_CRC32C_LONG, wrt_crc32c_long_zeros);
    p += (size_t)3 * WRT_CRC32C_LONG;
    len -= (size_t)3 * WRT_CRC32C_LONG;
  }
  while (len >= (size_t)3 * WRT_CRC32C_SHORT) {
    reg = three_way(reg, p, WRT_CRC32C_SHORT, wrt_crc32c_short_zeros);
    p += (size_t)3 * WRT_CRC32C_SHORT;
    len -= (size_t)3 * WRT_CRC32C_SHORT;
  }
  return finish(reg, p, len);
}

/* The 64-bit word whose CRC from register 0 is reg advanced over the zero
 * bytes that k was derived for (see wrt_crc32c_x86_shift). */
WRT_CRC32C_PCLMUL static inline uint64_t shift_word(uint64_t reg, uint32_t k) {
  __m128i prod = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)(uint32_t)reg),
                                      _mm_cvtsi64_si128((long long)k), 0x00);
  return (uint64_t)_mm_cvtsi128_si64(prod);
}

/*
 * Eight streams over eight consecutive `chunk`-byte chunks from p; stream 0
 * continues reg, the others start from 0, and stream j is then advanced
 * over the 7 - j chunks after it. Always inlined so that chunk is a
 * constant: the eight loads then address off one pointer and the eight
 * registers fit without spilling.
 */
WRT_CRC32C_PCLMUL __attribute__((always_inline)) static inline uint64_t
eight_way(uint64_t reg, const unsigned char *p, size_t chunk, const uint32_t k[7]) {
  uint64_t c0 = reg, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (size_t i = 0; i < chunk; i += 8u) {
    c0 = _mm_crc32_u64(c0, load64(p + i));
    c1 = _mm_crc32_u64(c1, load64(p + chunk + i));
    c2 = _mm_crc32_u64(c2, load64(p + 2u * chunk + i));
    c3 = _mm_crc32_u64(c3, load64(p + (size_t)3 * chunk + i));
    c4 = _mm_crc32_u64(c4, load64(p + 4u * chunk + i));
    c5 = _mm_crc32_u64(c5, load64(p + 5u * chunk + i));
    c6 = _mm_crc32_u64(c6, load64(p + 6u * chunk + i));
    c7 = _mm_crc32_u64(c7, load64(p + 7u * chunk + i));
  }
  /* The joining is linear: one crc32 reduces the XOR of the products. */
  return _mm_crc32_u64(0u, shift_word(c0, k[6]) ^ shift_word(c1, k[5]) ^
                               shift_word(c2, k[4]) ^ shift_word(c3, k[3]) ^
                               shift_word(c4, k[2]) ^ shift_word(c5, k[1]) ^
                               shift_word(c6, k[0])) ^
         c7;
}

WRT_CRC32C_PCLMUL uint32_t wrt_crc32c_x86_pclmul(uint32_t crc, const void *data,
                                                 size_t len) {
  const unsigned char *p = data;
  uint64_t reg = (uint32_t)~crc;
  if (len == 0u || p == NULL)
    return crc;
  reg = align8(reg, &p, &len);
  /* Three tiers (blocks of 4096, 1024, 256 bytes), each spelled out so
   * that eight_way sees a constant chunk. */
  while (len >= (size_t)8 * 512u) {
    reg = eight_way(reg, p, 512u, wrt_crc32c_x86_shift[0]);
    p += (size_t)8 * 512u;
    len -= (size_t)8 * 512u;
  }
  while (len >= (size_t)8 * 128u) {
    reg = eight_way(reg, p, 128u, wrt_crc32c_x86_shift[1]);
    p += (size_t)8 * 128u;
    len -= (size_t)8 * 128u;
  }
  while (len >= (size_t)8 * 32u) {
    reg = eight_way(reg, p, 32u, wrt_crc32c_x86_shift[2]);
    p += (size_t)8 * 32u;
    len -= (size_t)8 * 32u;
  }
  return finish(reg, p, len);
}

uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  if (x86_features() == 3)
    return wrt_crc32c_x86_pclmul(crc, data, len);
  return wrt_crc32c_x86_sse42(crc, data, len);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_crc32c_x86_not_built;
#endif
