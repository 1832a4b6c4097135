/*
 * crc32c_x86.c - the x86-64 paths of wrt_crc32c (elsewhere this file
 * compiles to nothing): SSE4.2 alone, SSE4.2 with PCLMULQDQ, and AVX-512
 * with VPCLMULQDQ.
 *
 * OS-free (src/core): includes only the compiler's <cpuid.h>,
 * <immintrin.h>, <nmmintrin.h>, <wmmintrin.h> and <xmmintrin.h>,
 * crc32c_impl.h and the C library. The CPU is asked through cpuid (leaf 1,
 * ECX bit 20 SSE4.2, bit 1 PCLMULQDQ; leaf 7 for AVX-512) rather than the
 * OS, so the same code serves Linux and QNX; the one thing only the OS
 * knows, whether it saves the ZMM registers, is read from XCR0 (xgetbv).
 *
 * Why streams rather than folding (SSE4.2 + PCLMULQDQ): the crc32
 * instruction has a latency of 3 cycles; on CPUs that issue one per cycle
 * three independent streams fill the unit, but newer cores issue more than
 * one per cycle (an AMD EPYC here: 8 streams ran 41 GB/s, 3 streams
 * 24 GB/s). PCLMULQDQ folding of 4 or 8 128-bit lanes, the other classic
 * method, measured 7-10 GB/s on the same machine (its 128-bit carry-less
 * multiply issues about one per 3 cycles there), so with PCLMULQDQ the
 * big-buffer path runs EIGHT crc32 streams over consecutive chunks and
 * uses the carry-less multiply only to join them (the Intel "crc_pcl"
 * idea): 7 multiplies per block, whatever the block's length. Without
 * PCLMULQDQ, three streams joined by the zeros tables (crc32c_impl.h).
 *
 * Why a hybrid with AVX-512 (issue 14): VPCLMULQDQ folds four 128-bit
 * lanes per instruction, and on the development host (AMD EPYC, Zen 5)
 * folding 4 x 512 bits ran ~17 B/cycle, as fast as the crc32 unit itself
 * (~15-17 B/cycle with two crc32 a cycle), which is where ISA-L's
 * crc32_iscsi (its AVX-512 folding kernel there) also ran; neither method
 * alone leaves a margin over ISA-L. But folding uses the vector units and
 * crc32 an integer unit, so the AVX-512 path runs both at once: each block
 * is folded in its first half and crc32'd by eight streams in its second,
 * in one loop, then joined with one carry-less shift. Measured with
 * `wrtp bench crc` on that host (medians of 15-16 quiet runs): 4 KiB
 * 1.47x ISA-L, 1 MiB 1.51x (~21-22 B/cycle, 60-65 % of the summed crc32 +
 * folding ceiling the bench measures). When something outside the VM
 * shares the core (the bench's crc32 ceiling row then reads below ~17.5
 * B/cycle) the margin shrinks to ~1.0-1.2x: the hybrid needs both units.
 * Issue 25: only on cores that issue two crc32 a cycle (x86_hybrid,
 * decided from cpuid); a Zen 4 issues one, and there folding alone (the
 * same kernel ISA-L uses) beats the hybrid two to one.
 * From DRAM, the nine streams of a hybrid block confuse the prefetchers
 * (about half of ISA-L's rate), so a buffer of 8 MiB or more is folded
 * alone, in two streams (its two halves): 1.09x ISA-L (one stream: 1.0x;
 * both then run at what memory delivers). Below 256 bytes the
 * eight-stream path stays (the 64-byte CRC of wrt_atomic_write: 2.8x).
 */
#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>
#include <nmmintrin.h>
#include <stdatomic.h>
#include <string.h>
#include <wmmintrin.h>
#include <xmmintrin.h>

#include "crc32c_impl.h"

#define WRT_CRC32C_SSE42 __attribute__((target("sse4.2")))
#define WRT_CRC32C_PCLMUL __attribute__((target("sse4.2,pclmul")))
#define WRT_CRC32C_AVX512 \
  __attribute__((target("sse4.2,pclmul,avx2,avx512f,vpclmulqdq")))

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
 * 512-byte shift is entry [1][0] and entry [2][3] (4 x 128), the 128-byte
 * shift is [2][0] and [3][3].
 */
const size_t wrt_crc32c_x86_chunk[WRT_CRC32C_X86_TIERS] = {16448u, 512u, 128u, 32u};
const uint32_t wrt_crc32c_x86_shift[WRT_CRC32C_X86_TIERS][7] = {
    {0x3c6d0b3bu, 0x68db648fu, 0x22e48db0u, 0x141fe81eu, 0x860f080du, 0xe8509ab6u, 0x4ae3f62fu},
    {0xdd7e3b0cu, 0x170076fau, 0x9ef68d35u, 0xa51b6135u, 0x22c3799fu, 0x359674f7u, 0x96a1f19bu},
    {0x0d3b6092u, 0xb9e02b86u, 0xd270f1a2u, 0xdd7e3b0cu, 0x6b749fb2u, 0xd7a4825cu, 0x68bce87au},
    {0xba4fc28eu, 0x9e4addf8u, 0x0715ce53u, 0x0d3b6092u, 0x878a92a7u, 0xab7aff2au, 0x83348832u},
};

/*
 * Cached cpuid answer: 0 not asked yet, 1 no SSE4.2, 2 SSE4.2 without
 * PCLMULQDQ, 3 both, 4 both plus AVX-512F, AVX2 and VPCLMULQDQ with the OS
 * saving ZMM state. A mutable global because cpuid is slow (it traps to
 * the hypervisor in a VM) and this is asked on every call; it is idempotent
 * and written with a single atomic store, so racing first callers all store
 * the same value.
 */
static _Atomic int x86_state;

/* Whether the hybrid blocks (folding beside eight crc32 streams) pay on
 * this core: 1 no, 2 yes (0: not decided yet). Decided from the CPU's
 * identity, never by timing (the choice must be the same every run): only
 * cores that issue two crc32 a cycle gain from the hybrid. On a Zen 4
 * (AMD family 0x19; the bench's crc32 row reads 8 B/cycle, one a cycle)
 * the hybrid ran 7.1-7.5 B/cycle, half of folding alone and of ISA-L's
 * crc32_iscsi (13-15 B/cycle; issue 25), so there, and on every core not
 * known to issue two (Intel's crc32 issues one a cycle), the AVX-512 path
 * folds alone. Known to issue two: AMD family 0x1A (Zen 5), where the
 * hybrid measured 1.47-1.51x ISA-L (issue 14). Global mutable state, like
 * x86_state: a cache of what cpuid says, the same value from every thread. */
static _Atomic int x86_hybrid;

/* AMD family 0x1A or later: two crc32 a cycle (see x86_hybrid). The family
 * is the base family plus the extended family when the base is 0xF
 * (CPUID Fn0000_0001_EAX, AMD APM vol. 3). */
static bool x86_dual_crc32(void) {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0u, &eax, &ebx, &ecx, &edx) == 0) {
    return false;
  }
  /* "AuthenticAMD" in EBX, EDX, ECX */
  if (ebx != 0x68747541u || edx != 0x69746e65u || ecx != 0x444d4163u) {
    return false;
  }
  if (__get_cpuid(1u, &eax, &ebx, &ecx, &edx) == 0) {
    return false;
  }
  unsigned int family = (eax >> 8) & 0xFu;
  if (family == 0xFu) {
    family += (eax >> 20) & 0xFFu;
  }
  return family >= 0x1Au;
}

/* cpuid leaf 7 (subleaf 0) bits and the XCR0 bits this file needs, spelled
 * out rather than taken from <cpuid.h>, whose names differ between
 * compilers: EBX bit 5 AVX2, EBX bit 16 AVX512F, ECX bit 10 VPCLMULQDQ;
 * leaf 1 ECX bit 27 OSXSAVE (xgetbv may be executed); XCR0 bits 1, 2
 * (SSE and AVX state) and 5, 6, 7 (opmask and the ZMM registers). */
#define X86_L7_EBX_AVX2 (1u << 5)
#define X86_L7_EBX_AVX512F (1u << 16)
#define X86_L7_ECX_VPCLMULQDQ (1u << 10)
#define X86_L1_ECX_OSXSAVE (1u << 27)
#define X86_XCR0_ZMM 0xe6u

/* XCR0: which register state the OS saves on a context switch. Only called
 * when cpuid says OSXSAVE, else xgetbv faults. */
__attribute__((target("xsave"))) static uint64_t x86_xcr0(void) {
  return (uint64_t)_xgetbv(0u);
}

/* true when the AVX-512 folding path may run: the CPU has the instructions
 * AND the OS saves the ZMM state (on QNX it is not known whether the
 * kernel enables that state; this check is what keeps the path correct
 * there: without it, ZMM registers could be clobbered by another thread). */
static bool x86_avx512_usable(unsigned int leaf1_ecx) {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if ((leaf1_ecx & X86_L1_ECX_OSXSAVE) == 0u) {
    return false;
  }
  if (__get_cpuid_count(7u, 0u, &eax, &ebx, &ecx, &edx) == 0) {
    return false;
  }
  if ((ebx & X86_L7_EBX_AVX2) == 0u || (ebx & X86_L7_EBX_AVX512F) == 0u ||
      (ecx & X86_L7_ECX_VPCLMULQDQ) == 0u) {
    return false;
  }
  return (x86_xcr0() & X86_XCR0_ZMM) == X86_XCR0_ZMM;
}

static int x86_features(void) {
  int state = atomic_load_explicit(&x86_state, memory_order_relaxed);
  if (state == 0) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    state = 1;
    if (__get_cpuid(1u, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_SSE4_2) != 0u) {
      state = (ecx & bit_PCLMUL) != 0u ? 3 : 2;
      if (state == 3 && x86_avx512_usable(ecx)) {
        state = 4;
        atomic_store_explicit(&x86_hybrid, x86_dual_crc32() ? 2 : 1, memory_order_relaxed);
      }
    }
    atomic_store_explicit(&x86_state, state, memory_order_relaxed);
  }
  return state;
}

bool wrt_crc32c_hw_available(void) { return x86_features() >= 2; }

bool wrt_crc32c_x86_has_pclmul(void) { return x86_features() >= 3; }

bool wrt_crc32c_x86_has_avx512(void) { return x86_features() == 4; }

const char *wrt_crc32c_hw_name(void) {
  static const char *const names[3] = {"sse4.2", "sse4.2+pclmul", "avx512+vpclmulqdq"};
  return names[x86_features() - 2];
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
  if (len == 0u || p == NULL) {
    return crc;
  }
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

/* The big-chunk tier (issue 14): the hardware prefetchers follow a stream
 * within a 4 KiB page, and eight streams of 512 bytes per 4 KiB (the
 * 4096-byte blocks) gave them little to follow, so a cold 256 MiB buffer ran
 * at ~0.4-0.5x ISA-L. With chunks of 16 KiB + 64 bytes each stream reads
 * four pages in order (the extra line keeps the eight streams off one L1
 * set: 16 KiB apart they all map to the same one), and for buffers larger
 * than the caches are likely to be (WRT_CRC32C_PREFETCH_LEN) each stream
 * also asks for its line WRT_CRC32C_PREFETCH_AHEAD bytes ahead. Warm
 * buffers skip the prefetch: on the development host it cost ~15 % at
 * 1 MiB. Both are build-time knobs because the right values depend on the
 * memory system; the cold figure is `wrtp bench crc`'s to report. */
#ifndef WRT_CRC32C_PREFETCH_LEN
#define WRT_CRC32C_PREFETCH_LEN ((size_t)8 << 20)
#endif
#ifndef WRT_CRC32C_PREFETCH_AHEAD
#define WRT_CRC32C_PREFETCH_AHEAD 1024u
#endif

/* The 64-bit word whose CRC from register 0 is reg advanced over the zero
 * bytes that k was derived for (see wrt_crc32c_x86_shift). */
WRT_CRC32C_PCLMUL static inline uint64_t shift_word(uint64_t reg, uint32_t k) {
  __m128i prod = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)(uint32_t)reg),
                                      _mm_cvtsi64_si128((long long)k), 0x00);
  return (uint64_t)_mm_cvtsi128_si64(prod);
}

/* The eight crc32 streams that both the PCLMUL and the AVX-512 paths run
 * over eight consecutive chunks. Always inlined into their loops with a
 * constant chunk, so the registers stay registers (no spill). */
typedef struct {
  uint64_t c[8];
} crc_lanes;

/* One 8-byte step of every stream, at offset i of its chunk. */
WRT_CRC32C_SSE42 __attribute__((always_inline)) static inline void
lanes_step(crc_lanes *l, const unsigned char *p, size_t chunk, size_t i) {
  for (size_t j = 0; j < 8u; j++) {
    l->c[j] = _mm_crc32_u64(l->c[j], load64(p + j * chunk + i));
  }
}

/* The streams joined: stream j advanced over the 7 - j chunks after it
 * (k[6 - j]), extra (already advanced by the caller; 0 if none) XORed in.
 * The joining is linear: one crc32 reduces the XOR of the products. */
WRT_CRC32C_PCLMUL __attribute__((always_inline)) static inline uint64_t
lanes_join(const crc_lanes *l, const uint32_t k[7], uint64_t extra) {
  uint64_t x = extra;
  for (size_t j = 0; j < 7u; j++) {
    x ^= shift_word(l->c[j], k[6u - j]);
  }
  return _mm_crc32_u64(0u, x) ^ l->c[7];
}

/*
 * Eight streams over eight consecutive `chunk`-byte chunks from p; stream 0
 * continues reg, the others start from 0. Always inlined so that chunk is
 * a constant: the eight loads then address off one pointer.
 */
WRT_CRC32C_PCLMUL __attribute__((always_inline)) static inline uint64_t
eight_way(uint64_t reg, const unsigned char *p, size_t chunk, const uint32_t k[7],
          bool prefetch) {
  crc_lanes l = {{reg, 0u, 0u, 0u, 0u, 0u, 0u, 0u}};
  for (size_t i = 0; i < chunk; i += 8u) {
    /* A buffer bigger than the caches comes from DRAM: ask for each
     * stream's line PREFETCH_AHEAD bytes ahead, once per line (prefetch is
     * a constant: the loop is compiled once with, once without). */
    if (prefetch && (i & 63u) == 0u) {
      for (size_t j = 0; j < 8u; j++) {
        /* Integer arithmetic: the address may lie past the buffer (a
         * prefetch never faults), which pointer arithmetic may not. */
        uintptr_t ahead = (uintptr_t)p + j * chunk + i + WRT_CRC32C_PREFETCH_AHEAD;
        _mm_prefetch((const char *)ahead, _MM_HINT_T0);
      }
    }
    lanes_step(&l, p, chunk, i);
  }
  return lanes_join(&l, k, 0u);
}

WRT_CRC32C_PCLMUL uint32_t wrt_crc32c_x86_pclmul(uint32_t crc, const void *data,
                                                 size_t len) {
  const unsigned char *p = data;
  uint64_t reg = (uint32_t)~crc;
  if (len == 0u || p == NULL) {
    return crc;
  }
  reg = align8(reg, &p, &len);
  /* Four tiers (blocks of 8 x 16448, 4096, 1024, 256 bytes), each spelled
   * out so that eight_way sees a constant chunk. */
  if (len >= WRT_CRC32C_PREFETCH_LEN) {
    while (len >= (size_t)8 * 16448u) {
      reg = eight_way(reg, p, 16448u, wrt_crc32c_x86_shift[0], true);
      p += (size_t)8 * 16448u;
      len -= (size_t)8 * 16448u;
    }
  }
  while (len >= (size_t)8 * 16448u) {
    reg = eight_way(reg, p, 16448u, wrt_crc32c_x86_shift[0], false);
    p += (size_t)8 * 16448u;
    len -= (size_t)8 * 16448u;
  }
  while (len >= (size_t)8 * 512u) {
    reg = eight_way(reg, p, 512u, wrt_crc32c_x86_shift[1], false);
    p += (size_t)8 * 512u;
    len -= (size_t)8 * 512u;
  }
  while (len >= (size_t)8 * 128u) {
    reg = eight_way(reg, p, 128u, wrt_crc32c_x86_shift[2], false);
    p += (size_t)8 * 128u;
    len -= (size_t)8 * 128u;
  }
  while (len >= (size_t)8 * 32u) {
    reg = eight_way(reg, p, 32u, wrt_crc32c_x86_shift[3], false);
    p += (size_t)8 * 32u;
    len -= (size_t)8 * 32u;
  }
  return finish(reg, p, len);
}

/*
 * The AVX-512 path (issue 14). Folding: the CRC register is linear, so a
 * 128-bit lane L of message at some position contributes L(x) * x^(8D)
 * mod P once D more bytes follow; with L = a(x) x^64 + h(x) (a its first
 * eight bytes, h its last eight) that is a * (x^(8D+64) mod P) + h *
 * (x^(8D) mod P), two carry-less multiplies whose sum (< 2^96) is again a
 * 128-bit lane of message, D bytes later. In the reflected order a
 * carry-less product comes out one bit low, and a 32-bit constant in the
 * low half of its qword stands 32 bits low; the exponent absorbs both, so
 * with k(n) = x^(8n-33) mod P (the convention of wrt_crc32c_x86_shift)
 * a is multiplied by k(D + 8) (8D + 64 - 1 - 32 = 8(D + 8) - 33) and h by
 * k(D). VPCLMULQDQ does four lanes per instruction.
 * At the end, 16 bytes of message remain; two crc32 instructions from
 * register 0 turn them into the register, and the initial register enters
 * as an XOR into the first four bytes (the same linearity).
 *
 * Rows: [0] folds 256 bytes (the 4 x 64-byte accumulators of the main
 * loop), [1] 64 bytes (one accumulator into the next), [2..4] 48, 32 and
 * 16 bytes (the lanes of the last accumulator onto its top lane); each row
 * is {k(n + 8), k(n)}. Derived with the same throwaway script as
 * wrt_crc32c_x86_shift; tests/integration/test_crc32c.c recomputes them.
 */
const uint32_t wrt_crc32c_x86_fold_k[WRT_CRC32C_X86_FOLDS][2] = {
    {0xdcb17aa4u, 0xb9e02b86u}, /* 256 */
    {0x740eef02u, 0x9e4addf8u}, /* 64 */
    {0x1c291d04u, 0xddc0152bu}, /* 48 */
    {0x3da6d0cbu, 0xba4fc28eu}, /* 32 */
    {0xf20c0dfeu, 0x493c7d27u}, /* 16 */
};

/*
 * The hybrid blocks' joining constants: [t][j] advances the register over
 * (j + 1) * wrt_crc32c_x86_hybrid_chunk[t] zero bytes (j = 7: the whole
 * crc32 part, over which the folded part's register is advanced). Row 0's
 * first seven entries equal wrt_crc32c_x86_shift[0] (same chunk).
 */
const size_t wrt_crc32c_x86_hybrid_chunk[WRT_CRC32C_X86_HYBRID_TIERS] = {16448u, 256u};
const uint32_t wrt_crc32c_x86_hybrid_shift[WRT_CRC32C_X86_HYBRID_TIERS][8] = {
    {0x3c6d0b3bu, 0x68db648fu, 0x22e48db0u, 0x141fe81eu, 0x860f080du, 0xe8509ab6u,
     0x4ae3f62fu, 0x0d101768u},
    {0xb9e02b86u, 0xdd7e3b0cu, 0xd7a4825cu, 0x170076fau, 0xdd66cbbbu, 0x9ef68d35u,
     0xaa7c7ad5u, 0xa51b6135u},
};

/* Both fold constants of row r in every 128-bit lane: the low qword
 * multiplies a lane's first eight bytes, the high qword its last eight. */
WRT_CRC32C_AVX512 static inline __m512i fold_k(size_t r) {
  return _mm512_broadcast_i32x4(_mm_set_epi64x((long long)wrt_crc32c_x86_fold_k[r][1],
                                               (long long)wrt_crc32c_x86_fold_k[r][0]));
}

/* Each lane of x advanced over the bytes k is for, plus d (one XOR of
 * three). */
WRT_CRC32C_AVX512 static inline __m512i fold(__m512i x, __m512i k, __m512i d) {
  return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x, k, 0x00),
                                   _mm512_clmulepi64_epi128(x, k, 0x11), d, 0x96);
}

WRT_CRC32C_AVX512 static inline __m512i load512(const unsigned char *p) {
  return _mm512_loadu_si512((const void *)p);
}

/* The register after the 64 bytes of message that x stands for: lanes 0, 1
 * and 2 folded onto lane 3 in one step, the four lanes XORed, then crc32 of
 * the remaining 16 bytes. */
WRT_CRC32C_AVX512 static uint64_t reduce512(__m512i x) {
  const __m512i k = _mm512_set_epi64(
      0, 0, (long long)wrt_crc32c_x86_fold_k[4][1], (long long)wrt_crc32c_x86_fold_k[4][0],
      (long long)wrt_crc32c_x86_fold_k[3][1], (long long)wrt_crc32c_x86_fold_k[3][0],
      (long long)wrt_crc32c_x86_fold_k[2][1], (long long)wrt_crc32c_x86_fold_k[2][0]);
  __m512i t = fold(x, k, _mm512_maskz_mov_epi64(0xc0, x));
  __m256i h = _mm256_xor_si256(_mm512_castsi512_si256(t), _mm512_extracti64x4_epi64(t, 1));
  __m128i q = _mm_xor_si128(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  uint64_t reg = _mm_crc32_u64(0u, (uint64_t)_mm_cvtsi128_si64(q));
  return _mm_crc32_u64(reg, (uint64_t)_mm_extract_epi64(q, 1));
}

/* The register after every whole 64-byte block of *p (at least four), by
 * folding alone: four accumulators of 64 bytes, then one. Advances *p and
 * *len. */
WRT_CRC32C_AVX512 static uint64_t fold_run(uint64_t reg, const unsigned char **pp,
                                           size_t *lenp) {
  const unsigned char *p = *pp;
  size_t len = *lenp;
  const __m512i k256 = fold_k(0u), k64 = fold_k(1u);
  __m512i x0 = _mm512_xor_si512(load512(p),
                                _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)(uint32_t)reg)));
  __m512i x1 = load512(p + 64), x2 = load512(p + 128), x3 = load512(p + 192);
  p += 256;
  len -= 256u;
  while (len >= 256u) {
    x0 = fold(x0, k256, load512(p));
    x1 = fold(x1, k256, load512(p + 64));
    x2 = fold(x2, k256, load512(p + 128));
    x3 = fold(x3, k256, load512(p + 192));
    p += 256;
    len -= 256u;
  }
  x0 = fold(fold(fold(x0, k64, x1), k64, x2), k64, x3);
  while (len >= 64u) {
    x0 = fold(x0, k64, load512(p));
    p += 64;
    len -= 64u;
  }
  *pp = p;
  *lenp = len;
  return reduce512(x0);
}

/*
 * The cold case: two folding streams, over the two halves of the first
 * 2 * half bytes at p (half a multiple of 256, at least 256), four
 * accumulators each, in one loop. From DRAM, one sequential stream ran at
 * the same rate as ISA-L (both at what one stream's prefetching brings
 * in); two streams far apart keep more lines in flight (+10-14 % measured
 * on the development host). The second half starts from register 0; the
 * first half's register is advanced over it with the zeros operator.
 */
WRT_CRC32C_AVX512 static uint64_t fold_two(uint64_t reg, const unsigned char *p, size_t half) {
  const __m512i k256 = fold_k(0u), k64 = fold_k(1u);
  const unsigned char *q = p + half;
  __m512i a0 = _mm512_xor_si512(load512(p),
                                _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)(uint32_t)reg)));
  __m512i a1 = load512(p + 64), a2 = load512(p + 128), a3 = load512(p + 192);
  __m512i b0 = load512(q), b1 = load512(q + 64), b2 = load512(q + 128), b3 = load512(q + 192);
  for (size_t i = 256u; i < half; i += 256u) {
    a0 = fold(a0, k256, load512(p + i));
    a1 = fold(a1, k256, load512(p + i + 64u));
    a2 = fold(a2, k256, load512(p + i + 128u));
    a3 = fold(a3, k256, load512(p + i + 192u));
    b0 = fold(b0, k256, load512(q + i));
    b1 = fold(b1, k256, load512(q + i + 64u));
    b2 = fold(b2, k256, load512(q + i + 128u));
    b3 = fold(b3, k256, load512(q + i + 192u));
  }
  {
    uint32_t ra = (uint32_t)reduce512(fold(fold(fold(a0, k64, a1), k64, a2), k64, a3));
    uint32_t rb = (uint32_t)reduce512(fold(fold(fold(b0, k64, b1), k64, b2), k64, b3));
    return wrt_crc32c_x86_zeros(ra, half) ^ rb;
  }
}

/*
 * One hybrid block of 16 * chunk bytes: the first half folded (256 bytes
 * a step, as fold_run), the second half by eight crc32 streams of `chunk`
 * bytes (32 bytes each a step), in the same loop. The two use different
 * execution units (carry-less multiply on the vector side, crc32 on the
 * integer side), so they overlap. The folded half's register is then
 * advanced over the crc32 half and the streams joined as in eight_way.
 * Always inlined so that chunk is a constant.
 */
WRT_CRC32C_AVX512 __attribute__((always_inline)) static inline uint64_t
hybrid(uint64_t reg, const unsigned char *p, size_t chunk, const uint32_t k[8]) {
  const __m512i k256 = fold_k(0u);
  const unsigned char *q = p + 8u * chunk;
  __m512i x0 = _mm512_xor_si512(load512(p),
                                _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)(uint32_t)reg)));
  __m512i x1 = load512(p + 64), x2 = load512(p + 128), x3 = load512(p + 192);
  crc_lanes l = {{0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u}};
  for (size_t i = 0; i < chunk; i += 32u) {
    if (i != 0u) {
      const unsigned char *f = p + 8u * i;
      x0 = fold(x0, k256, load512(f));
      x1 = fold(x1, k256, load512(f + 64));
      x2 = fold(x2, k256, load512(f + 128));
      x3 = fold(x3, k256, load512(f + 192));
    }
    for (size_t s = i; s < i + 32u; s += 8u) {
      lanes_step(&l, q, chunk, s);
    }
  }
  {
    const __m512i k64 = fold_k(1u);
    uint64_t folded = reduce512(fold(fold(fold(x0, k64, x1), k64, x2), k64, x3));
    return lanes_join(&l, k, shift_word(folded, k[7]));
  }
}

/* with_hybrid: whether the cached-buffer case takes hybrid blocks (see
 * x86_hybrid) or folds alone. */
WRT_CRC32C_AVX512 static uint32_t avx512_crc(uint32_t crc, const void *data, size_t len,
                                             bool with_hybrid) {
  const unsigned char *p = data;
  uint64_t reg = (uint32_t)~crc;
  /* Short buffers (wrt_atomic_write's 64 bytes) keep the eight-stream
   * path: folding needs at least 256 bytes to fill its accumulators. */
  if (len < 256u || p == NULL) {
    return wrt_crc32c_x86_pclmul(crc, data, len);
  }
  /* Hybrid blocks while the buffer is likely cached; from DRAM the nine
   * streams of a hybrid block defeat the prefetchers (12-17 GB/s measured
   * against 24-29 GB/s for one folding stream), so a buffer of at least
   * WRT_CRC32C_PREFETCH_LEN is folded alone, in two streams. */
  if (len < WRT_CRC32C_PREFETCH_LEN && with_hybrid) {
    while (len >= (size_t)16 * 16448u) {
      reg = hybrid(reg, p, 16448u, wrt_crc32c_x86_hybrid_shift[0]);
      p += (size_t)16 * 16448u;
      len -= (size_t)16 * 16448u;
    }
    while (len >= (size_t)16 * 256u) {
      reg = hybrid(reg, p, 256u, wrt_crc32c_x86_hybrid_shift[1]);
      p += (size_t)16 * 256u;
      len -= (size_t)16 * 256u;
    }
  }
  if (len >= WRT_CRC32C_PREFETCH_LEN) {
    size_t half = (len / 2u) & ~(size_t)255;
    reg = fold_two(reg, p, half);
    p += 2u * half;
    len -= 2u * half;
  }
  if (len >= 256u) {
    reg = fold_run(reg, &p, &len);
  }
  return finish(reg, p, len);
}

uint32_t wrt_crc32c_x86_avx512(uint32_t crc, const void *data, size_t len) {
  (void)x86_features(); /* decides x86_hybrid */
  return avx512_crc(crc, data, len, atomic_load_explicit(&x86_hybrid, memory_order_relaxed) == 2);
}

uint32_t wrt_crc32c_x86_avx512_hybrid(uint32_t crc, const void *data, size_t len) {
  return avx512_crc(crc, data, len, true);
}

/*
 * The zeros operator for any n (wrt_crc32c_zeros) with the same multiply:
 * n in base 64, n = sum of d_i * 64^i; advancing over d_i * 64^i zero bytes
 * is one shift_word with k = x^(8 * d_i * 64^i - 33) mod P (exponents taken
 * modulo 2^31 - 1, the order of x mod P, so the small negative ones are
 * fine). So a shift within a 4 KiB block is two multiplies, and any size_t
 * at most eleven: O(log n) with a small constant. Row i is digit position
 * i, entry d - 1 is digit d (0 needs no multiply). Generated once, the same
 * way as wrt_crc32c_x86_shift; tests/integration/test_crc32c.c checks every
 * entry against the bit-at-a-time definition.
 */
const uint32_t wrt_crc32c_x86_zeros_k[WRT_CRC32C_X86_ZDIGITS][63] = {
    {
        0xbf818109u, 0x780d5a4du, 0xfe2b5c35u, 0x05ec76f1u, 0x01000000u, 0x00010000u,
        0x00000100u, 0x00000001u, 0xf26b8303u, 0x13a29877u, 0xa541927eu, 0xdd45aab8u,
        0x38116facu, 0xef306b19u, 0x68032cc8u, 0x493c7d27u, 0xf43ed648u, 0xcb567ba5u,
        0x9771f7c1u, 0x3171d430u, 0x30d23865u, 0x54075546u, 0x678efd01u, 0xf20c0dfeu,
        0x5fe4dc5fu, 0x0f69022bu, 0xb93b4ce7u, 0x3743f7bdu, 0x0d0a7dedu, 0x5c15eeb4u,
        0x75d3f038u, 0xba4fc28eu, 0x2e34cb9du, 0x2dae840fu, 0x5e3e92a0u, 0xa2158b34u,
        0xf7dbcb25u, 0x15bb4109u, 0x78a7608du, 0x3da6d0cbu, 0x5a392b2fu, 0x7ef48bd1u,
        0x21c69623u, 0x33ccbbbcu, 0xff6571a2u, 0x438fa020u, 0x20fe017eu, 0xddc0152bu,
        0xb9e9e5f0u, 0xf3d78690u, 0x925b2b91u, 0x6051243fu, 0x6e9024b1u, 0x401061eeu,
        0x4f08075cu, 0x1c291d04u, 0xc786be02u, 0xe1fcf649u, 0x39283a86u, 0xa46ef4aau,
        0xc90df36au, 0x0aedb6a9u, 0xdaf383dcu},
    {
        0x9e4addf8u, 0x0d3b6092u, 0xab7aff2au, 0xb9e02b86u, 0xbac2fd7bu, 0xd270f1a2u,
        0x1b03397fu, 0xdd7e3b0cu, 0x271d9844u, 0x6b749fb2u, 0xe6fc4e6au, 0xd7a4825cu,
        0x26f6a60au, 0x68bce87au, 0x3771e98fu, 0x170076fau, 0xff0dba97u, 0x86d8e4d2u,
        0xb3af077au, 0xdd66cbbbu, 0xc9c8b782u, 0xd813b325u, 0x6d9a4957u, 0x9ef68d35u,
        0x2664fd8bu, 0x363bd6b3u, 0x00bcf5f6u, 0xaa7c7ad5u, 0x6d390decu, 0xf48642e9u,
        0x9a5ede41u, 0xa51b6135u, 0x021ac5efu, 0xcbbe4ee1u, 0xdefba41cu, 0xbedc6ba1u,
        0xb1630f04u, 0x63d097e9u, 0x4be7fd90u, 0x22c3799fu, 0x50bfaadeu, 0x889774e1u,
        0x33bc58b3u, 0x8515c07fu, 0x465a4eeeu, 0xc00df280u, 0xd6748e82u, 0x359674f7u,
        0x86d42d06u, 0xf8448640u, 0x95ffd7dcu, 0x5f0e0438u, 0x50c2cb16u, 0x7f47463du,
        0x4ac726ebu, 0x96a1f19bu, 0x4ce8bfe5u, 0xb58ac6feu, 0xd6b1825au, 0x23d5e7e5u,
        0xf370b37fu, 0xc776b648u, 0x24e6fe8fu},
    {
        0x82f89c77u, 0x54a86326u, 0xc1f19ee1u, 0x1dc403ccu, 0x68bfa742u, 0x6a173fa1u,
        0x0d435f26u, 0x5ae703abu, 0xa400fc17u, 0xc71795ddu, 0x84c8538eu, 0x51e9168bu,
        0x139f7c52u, 0x21c03effu, 0x8f619e7du, 0xc5013a36u, 0x2056bbf3u, 0x935f10a0u,
        0x2749d607u, 0xa0535a61u, 0xb1fd6af0u, 0x4df55b09u, 0x0d4536cbu, 0xec132beau,
        0xb65cf982u, 0x65f99287u, 0x7dc994beu, 0x1a0e568cu, 0x4177e917u, 0x1af75504u,
        0xfe0c9db0u, 0xac2ac6ddu, 0x03d40d09u, 0x7fd5af9du, 0xfab2ff83u, 0x38385076u,
        0x5b96f17cu, 0xbdfa8286u, 0x296ec49fu, 0x8e20deafu, 0xcd9da9c1u, 0x8c6eb9b8u,
        0xab74e3aeu, 0xcc9907c0u, 0x75e94852u, 0xa993d60cu, 0x536e3ea7u, 0x9edebb1bu,
        0xddb2bd86u, 0x485df757u, 0xcfd09a55u, 0x2a4dc41fu, 0xf45af087u, 0xf088ef39u,
        0xf3a78139u, 0x5b1d3738u, 0xe4615f50u, 0x3a946189u, 0xde858266u, 0x9cd49976u,
        0x94314550u, 0x31629de1u, 0xffd76daau},
    {
        0x9b4615a9u, 0x688d1c61u, 0xd270eff4u, 0xf6af14e6u, 0xa7252d20u, 0xc27bece5u,
        0xdaf74213u, 0xb6ffe386u, 0x86313686u, 0x2a6e46bbu, 0xcf27f46cu, 0x412ba6cbu,
        0x84e2cd14u, 0xec7d9a6fu, 0x82d9ee21u, 0xb717425bu, 0xa5128ba1u, 0xa39f4bcbu,
        0x004e8053u, 0x99358affu, 0x4181bcb7u, 0x1ae48d3fu, 0x9ae24509u, 0xa1c3255du,
        0x0d54a3f8u, 0x59bbaa4au, 0x81a29577u, 0xfe8a1ee0u, 0xff4e1924u, 0xa383b78bu,
        0x86dd47a3u, 0x478b0d30u, 0x3740efd8u, 0x861e927fu, 0x11259f8bu, 0x1566bbccu,
        0x8a4ab32eu, 0xe26ae129u, 0xdb920829u, 0x06e3c216u, 0x523f0761u, 0x63d2bd83u,
        0xc926b705u, 0xae567218u, 0xa3808eddu, 0xa394dd3cu, 0x9b21436eu, 0x6888f894u,
        0xc53317b0u, 0x5429a6bcu, 0xe9086620u, 0x33186375u, 0xb7b3b93du, 0xedd32b9fu,
        0x62cd1245u, 0xfa8d7d58u, 0x09bfbe55u, 0x48df3179u, 0x8fc78b89u, 0xc0918c7au,
        0x616847d9u, 0x18a896ccu, 0xfb8544e6u},
    {
        0x54cc62e5u, 0x7b2102eeu, 0x4205f0feu, 0x8a99adefu, 0xe46fa6efu, 0x9eb63379u,
        0xf43532c4u, 0xa7568c8fu, 0xbab529ebu, 0xb315c6dau, 0xe7702e4bu, 0xd4e1d64du,
        0xba1050d0u, 0x5c9400acu, 0x32606c1bu, 0xd610d67eu, 0xa8900a0au, 0x3d908177u,
        0x2102f87fu, 0xc7baed8fu, 0xf0c1e80fu, 0xcdad22c4u, 0x7a1a9962u, 0xd15d7d3fu,
        0xdfacaf8du, 0x598ae36du, 0xf14e2c5du, 0xe886d05eu, 0x5d082868u, 0x2e4a0056u,
        0x9bc60d75u, 0x6b086b3fu, 0x54480505u, 0x9c3e7bc3u, 0x92774747u, 0xe12b4dbfu,
        0xfa96cf7fu, 0x66d69162u, 0x3d0d4cb1u, 0xea5885e7u, 0xed206cbeu, 0xae334aceu,
        0xfa512d56u, 0x7443682fu, 0x2e841434u, 0x1725002bu, 0xcf153dc2u, 0xb7720ee7u,
        0xa8d239fau, 0xcce90699u, 0xcbcd98dbu, 0xf2639da7u, 0xffbd5cc7u, 0x336b48b1u,
        0x9c709d20u, 0xf7da798bu, 0x7690365fu, 0x5719a567u, 0x7d2896abu, 0xb8d78f6fu,
        0x17420a1au, 0x8964bb6du, 0x678a9ee1u},
    {
        0xd94f3c0bu, 0xbf818109u, 0x9950e407u, 0x780d5a4du, 0xd453340fu, 0xfe2b5c35u,
        0x5ec76f10u, 0x05ec76f1u, 0x10000000u, 0x01000000u, 0x00100000u, 0x00010000u,
        0x00001000u, 0x00000100u, 0x00000010u, 0x00000001u, 0x105ec76fu, 0xf26b8303u,
        0x3fc5f181u, 0x13a29877u, 0x70a27d8au, 0xa541927eu, 0xe964b13du, 0xdd45aab8u,
        0x8f2261d3u, 0x38116facu, 0xc00c303eu, 0xef306b19u, 0x9c5bfaa6u, 0x68032cc8u,
        0x847609b4u, 0x493c7d27u, 0x750b93dfu, 0xf43ed648u, 0x8db5d61cu, 0xcb567ba5u,
        0x5d90bd69u, 0x9771f7c1u, 0x1929d813u, 0x3171d430u, 0x03171d43u, 0x30d23865u,
        0x5228f955u, 0x54075546u, 0x6486e636u, 0x678efd01u, 0x162628bfu, 0xf20c0dfeu,
        0xec1068c5u, 0x5fe4dc5fu, 0xf69022b0u, 0x0f69022bu, 0xb2e3e2ebu, 0xb93b4ce7u,
        0x7a0be0c3u, 0x3743f7bdu, 0xd0a7ded0u, 0x0d0a7dedu, 0xd3034675u, 0x5c15eeb4u,
        0x44ba4357u, 0x75d3f038u, 0x85ab047bu},
    {
        0xba4fc28eu, 0x9e4addf8u, 0x0715ce53u, 0x0d3b6092u, 0x878a92a7u, 0xab7aff2au,
        0x83348832u, 0xb9e02b86u, 0xb6dd949bu, 0xbac2fd7bu, 0xce7f39f4u, 0xd270f1a2u,
        0x2b3cac5du, 0x1b03397fu, 0xb3e32c28u, 0xdd7e3b0cu, 0x10746f3cu, 0x271d9844u,
        0x93a5f730u, 0x6b749fb2u, 0xcec3662eu, 0xe6fc4e6au, 0xb0cd4768u, 0xd7a4825cu,
        0x0167d312u, 0x26f6a60au, 0x98d8d9cbu, 0x68bce87au, 0x6956fc3bu, 0x3771e98fu,
        0x2178513au, 0x170076fau, 0x6f345e45u, 0xff0dba97u, 0xf872e54cu, 0x86d8e4d2u,
        0x5bb8f1bcu, 0xb3af077au, 0xca6ef3acu, 0xdd66cbbbu, 0xe9e28eb4u, 0xc9c8b782u,
        0x93e106a4u, 0xd813b325u, 0x2342001eu, 0x6d9a4957u, 0xd2c3ed1au, 0x9ef68d35u,
        0xf2271e60u, 0x2664fd8bu, 0x02ee03b2u, 0x363bd6b3u, 0x5fabe670u, 0x00bcf5f6u,
        0x17f27698u, 0xaa7c7ad5u, 0xded288f8u, 0x6d390decu, 0x6353c1ccu, 0xf48642e9u,
        0xdd35bc8du, 0x9a5ede41u, 0x45cddf4eu},
    {
        0xa51b6135u, 0x82f89c77u, 0xb9d68d49u, 0x54a86326u, 0xe2f1a204u, 0xc1f19ee1u,
        0x1994f83au, 0x1dc403ccu, 0xdfea38fcu, 0x68bfa742u, 0x1a77140au, 0x6a173fa1u,
        0xa095b905u, 0x0d435f26u, 0xd2d0a674u, 0x5ae703abu, 0x0679a5d8u, 0xa400fc17u,
        0xd0042cf3u, 0xc71795ddu, 0x5a77415bu, 0x84c8538eu, 0x1a83efaau, 0x51e9168bu,
        0x46a87d1au, 0x139f7c52u, 0xe9a2d62bu, 0x21c03effu, 0xc6fd2e4bu, 0x8f619e7du,
        0xa122782bu, 0xc5013a36u, 0xbf276fd1u, 0x2056bbf3u, 0xbf61d49bu, 0x935f10a0u,
        0x38a6fa48u, 0x2749d607u, 0x1e373473u, 0xa0535a61u, 0x7869c34fu, 0xb1fd6af0u,
        0x27ab651bu, 0x4df55b09u, 0x090746d6u, 0x0d4536cbu, 0x0054b5c1u, 0xec132beau,
        0xd7b407edu, 0xb65cf982u, 0xecdb73bau, 0x65f99287u, 0x9bb83671u, 0x7dc994beu,
        0x0788a7b0u, 0x1a0e568cu, 0x46633f7du, 0x4177e917u, 0x5c9064ebu, 0x1af75504u,
        0xdabc9562u, 0xfe0c9db0u, 0x804e9306u},
    {
        0xac2ac6ddu, 0x9b4615a9u, 0xb0c8dc65u, 0x688d1c61u, 0x348ced70u, 0xd270eff4u,
        0x2985cfbcu, 0xf6af14e6u, 0xd9bd2133u, 0xa7252d20u, 0x9fe10259u, 0xc27bece5u,
        0xe7859bb3u, 0xdaf74213u, 0x3d6a848du, 0xb6ffe386u, 0x28a6d146u, 0x86313686u,
        0x7453842au, 0x2a6e46bbu, 0x91d78255u, 0xcf27f46cu, 0xe70e4269u, 0x412ba6cbu,
        0xef71f8a2u, 0x84e2cd14u, 0x91c55965u, 0xec7d9a6fu, 0x7bf1f60au, 0x82d9ee21u,
        0x32d9f24du, 0xb717425bu, 0xaa547122u, 0xa5128ba1u, 0x62258965u, 0xa39f4bcbu,
        0x76471331u, 0x004e8053u, 0x89b1556fu, 0x99358affu, 0xad3ce9c2u, 0x4181bcb7u,
        0x8140a4fdu, 0x1ae48d3fu, 0x2df2ace8u, 0x9ae24509u, 0x1925205au, 0xa1c3255du,
        0x392d4e6du, 0x0d54a3f8u, 0xa525432cu, 0x59bbaa4au, 0x86f6603au, 0x81a29577u,
        0x29dd3581u, 0xfe8a1ee0u, 0xe3274d77u, 0xff4e1924u, 0x5555541eu, 0xa383b78bu,
        0x771f7abau, 0x86dd47a3u, 0xae0f0f17u},
    {
        0x478b0d30u, 0x54cc62e5u, 0xbcf1eac6u, 0x7b2102eeu, 0x6e0d984eu, 0x4205f0feu,
        0xfe5ff3a5u, 0x8a99adefu, 0x25837f65u, 0xe46fa6efu, 0xe732ab0du, 0x9eb63379u,
        0xaf3387a1u, 0xf43532c4u, 0x4f822256u, 0xa7568c8fu, 0x8435e48au, 0xbab529ebu,
        0x9db4c60cu, 0xb315c6dau, 0xc4c4d1c1u, 0xe7702e4bu, 0x155f795du, 0xd4e1d64du,
        0xd2ec5653u, 0xba1050d0u, 0x98caee84u, 0x5c9400acu, 0xcc5be99eu, 0x32606c1bu,
        0x3a5320a9u, 0xd610d67eu, 0x23c58698u, 0xa8900a0au, 0x5e78f563u, 0x3d908177u,
        0x3706cc27u, 0x2102f87fu, 0xfdd9c2aau, 0xc7baed8fu, 0x903784cau, 0xf0c1e80fu,
        0xf16f6efeu, 0xcdad22c4u, 0xd56ff8a8u, 0x7a1a9962u, 0x27c1112bu, 0xd15d7d3fu,
        0x421af245u, 0xdfacaf8du, 0x4eda6306u, 0x598ae36du, 0xe0945398u, 0xf14e2c5du,
        0x885987d6u, 0xe886d05eu, 0xeb801051u, 0x5d082868u, 0x4c657742u, 0x2e4a0056u,
        0x662df4cfu, 0x9bc60d75u, 0x9fdfab2cu},
    {
        0x6b086b3fu, 0xd94f3c0bu, 0xf5dee9c6u, 0xbf818109u, 0x6e9b7dfeu, 0x9950e407u,
        0xe5d91fc5u, 0x780d5a4du, 0x5f784b2fu, 0xd453340fu, 0xf699ebc7u, 0xfe2b5c35u,
        0x7ef1cab1u, 0x5ec76f10u, 0x17b1dbc4u, 0x05ec76f1u, 0x40000000u, 0x10000000u,
        0x04000000u, 0x01000000u, 0x00400000u, 0x00100000u, 0x00040000u, 0x00010000u,
        0x00004000u, 0x00001000u, 0x00000400u, 0x00000100u, 0x00000040u, 0x00000010u,
        0x00000004u, 0x00000001u, 0x417b1dbcu, 0x105ec76fu, 0xc79a971fu, 0xf26b8303u,
        0xff17c604u, 0x3fc5f181u, 0x4e8a61dcu, 0x13a29877u, 0xc76580d9u, 0x70a27d8au,
        0x9edea41au, 0xa541927eu, 0xaba65fe7u, 0xe964b13du, 0x7b2231f3u, 0xdd45aab8u,
        0x37516aaeu, 0x8f2261d3u, 0xe045beb0u, 0x38116facu, 0x0e045bebu, 0xc00c303eu,
        0xb2f53777u, 0xef306b19u, 0x7ab7077au, 0x9c5bfaa6u, 0xa5e0c5d1u, 0x68032cc8u,
        0x1a00cb32u, 0x847609b4u, 0x211d826du},

};

WRT_CRC32C_PCLMUL uint32_t wrt_crc32c_x86_zeros(uint32_t reg, size_t n) {
  unsigned i = 0u;
  while (n != 0u) {
    size_t d = n & 63u;
    if (d != 0u) {
      reg = (uint32_t)_mm_crc32_u64(0u, shift_word(reg, wrt_crc32c_x86_zeros_k[i][d - 1u]));
    }
    n >>= 6;
    i++;
  }
  return reg;
}

uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  int state = x86_features();
  /* Below 256 bytes the AVX-512 path would hand over to the eight-stream
   * one anyway; deciding here saves the 64-byte CRC of wrt_atomic_write a
   * call. */
  if (state == 4 && len >= 256u) {
    return wrt_crc32c_x86_avx512(crc, data, len);
  }
  if (state >= 3) {
    return wrt_crc32c_x86_pclmul(crc, data, len);
  }
  return wrt_crc32c_x86_sse42(crc, data, len);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_crc32c_x86_not_built;
#endif
