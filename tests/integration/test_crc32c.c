/*
 * test_crc32c.c - wrt_crc32c: the RFC 3720 vectors, the zlib chaining
 * convention, and agreement between the hardware path, the portable
 * slice-by-8 path and a bit-at-a-time reference written here; on x86-64
 * each of the three hardware paths (SSE4.2 alone, SSE4.2 + PCLMULQDQ,
 * AVX-512 + VPCLMULQDQ) on its own, with its joining and folding constants
 * recomputed from the definition; a path the host lacks is reported as
 * skipped.
 * Test code: includes cmocka, the library's internal crc32c_impl.h, libc
 * and (x86-64) the compiler's <cpuid.h>, to ask the CPU independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "crc32c_impl.h"
#include "wrt/crc32c.h"

/* Room for the largest length (1 MiB + 7) plus a 16-byte misalignment. */
#define BUF_MAX (((size_t)1 << 20) + 64u)
static uint8_t buf[BUF_MAX];

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint8_t rnd8(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint8_t)(rng_state >> 32);
}

static void fill_random(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = rnd8();
}

/* The definition: reflected Castagnoli polynomial, one bit at a time. */
static uint32_t crc_reference(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int b = 0; b < 8; b++)
      crc = (crc >> 1) ^ ((crc & 1u) != 0u ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

static void test_check_value(void **state) {
  (void)state;
  assert_int_equal(wrt_crc32c(0u, "123456789", 9u), 0xE3069283u);
  assert_int_equal(wrt_crc32c_portable(0u, "123456789", 9u), 0xE3069283u);
  assert_int_equal(crc_reference(0u, (const uint8_t *)"123456789", 9u),
                   0xE3069283u);
}

/* RFC 3720 appendix B.4. */
static void test_rfc3720_vectors(void **state) {
  static const uint8_t read_pdu[48] = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  uint8_t v[32];
  (void)state;
  memset(v, 0, sizeof v);
  assert_int_equal(wrt_crc32c(0u, v, 32u), 0x8A9136AAu);
  assert_int_equal(wrt_crc32c_portable(0u, v, 32u), 0x8A9136AAu);
  memset(v, 0xff, sizeof v);
  assert_int_equal(wrt_crc32c(0u, v, 32u), 0x62A8AB43u);
  assert_int_equal(wrt_crc32c_portable(0u, v, 32u), 0x62A8AB43u);
  for (unsigned i = 0; i < 32u; i++)
    v[i] = (uint8_t)i;
  assert_int_equal(wrt_crc32c(0u, v, 32u), 0x46DD794Eu);
  assert_int_equal(wrt_crc32c_portable(0u, v, 32u), 0x46DD794Eu);
  for (unsigned i = 0; i < 32u; i++)
    v[i] = (uint8_t)(31u - i);
  assert_int_equal(wrt_crc32c(0u, v, 32u), 0x113FDB5Cu);
  assert_int_equal(wrt_crc32c_portable(0u, v, 32u), 0x113FDB5Cu);
  assert_int_equal(wrt_crc32c(0u, read_pdu, sizeof read_pdu), 0xD9963A56u);
  assert_int_equal(wrt_crc32c_portable(0u, read_pdu, sizeof read_pdu),
                   0xD9963A56u);
}

static void test_empty_and_null(void **state) {
  (void)state;
  assert_int_equal(wrt_crc32c(0u, NULL, 0u), 0u);
  assert_int_equal(wrt_crc32c(0x12345678u, NULL, 0u), 0x12345678u);
  assert_int_equal(wrt_crc32c(0x12345678u, "x", 0u), 0x12345678u);
  assert_int_equal(wrt_crc32c_portable(0xCAFEu, NULL, 0u), 0xCAFEu);
}

/* The portable table against the definition, every length 0..4096. */
static void test_portable_matches_reference(void **state) {
  (void)state;
  fill_random(buf, 4096u + 16u);
  for (size_t len = 0; len <= 4096u; len++) {
    size_t off = len % 16u;
    assert_int_equal(wrt_crc32c_portable(0u, buf + off, len),
                     crc_reference(0u, buf + off, len));
  }
}

/* Hardware against portable: every length 0..4096 at every start offset
 * 0..15 (the alignment prologue and all three-stream remainders). */
static void test_hw_matches_portable_every_length(void **state) {
  (void)state;
  if (!wrt_crc32c_hw_available())
    skip();
  fill_random(buf, 4096u + 16u);
  for (size_t off = 0; off < 16u; off++)
    for (size_t len = 0; len <= 4096u; len++)
      assert_int_equal(wrt_crc32c_hw(0x5a5a5a5au, buf + off, len),
                       wrt_crc32c_portable(0x5a5a5a5au, buf + off, len));
}

/* Lengths around the long three-stream chunk (3 * 8192), which the 0..4096
 * sweep never reaches. */
static void test_hw_matches_portable_long(void **state) {
  static const size_t lens[] = {3u * 8192u - 1u, 3u * 8192u, 3u * 8192u + 1u,
                                3u * 8192u + 3u * 256u + 7u, 6u * 8192u + 5u,
                                4u * 8192u * 3u};
  (void)state;
  if (!wrt_crc32c_hw_available())
    skip();
  fill_random(buf, BUF_MAX);
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
    for (size_t off = 0; off < 16u; off++) {
      uint32_t p = wrt_crc32c_portable(0u, buf + off, lens[k]);
      assert_int_equal(wrt_crc32c_hw(0u, buf + off, lens[k]), p);
      assert_int_equal(crc_reference(0u, buf + off, lens[k]), p);
    }
}

/* The raw register after n zero bytes, one bit at a time. */
static uint32_t zeros_reference(uint32_t reg, size_t n) {
  for (size_t i = 0; i < 8u * n; i++)
    reg = (reg >> 1) ^ ((reg & 1u) != 0u ? 0x82F63B78u : 0u);
  return reg;
}

/* Every entry of a zeros table against the definition: the operator is
 * linear, so entry [k][n] is the XOR of the images of n << 8k's bits. */
static void check_zeros_table(const uint32_t zeros[4][256], size_t n_bytes) {
  uint32_t image[32];
  for (unsigned b = 0; b < 32u; b++)
    image[b] = zeros_reference((uint32_t)1u << b, n_bytes);
  for (unsigned k = 0; k < 4u; k++)
    for (unsigned n = 0; n < 256u; n++) {
      uint32_t v = (uint32_t)n << (8u * k), want = 0;
      for (unsigned b = 0; b < 32u; b++)
        if ((v >> b) & 1u)
          want ^= image[b];
      assert_int_equal(zeros[k][n], want);
    }
}

static void test_zeros_tables(void **state) {
  (void)state;
  check_zeros_table(wrt_crc32c_long_zeros, WRT_CRC32C_LONG);
  check_zeros_table(wrt_crc32c_short_zeros, WRT_CRC32C_SHORT);
}

/* Advancing the raw register over any number of zero bytes, which the
 * provider's partial-block update relies on. */
static void test_zeros_any_length(void **state) {
  (void)state;
  for (size_t n = 0; n <= 1100u; n++) {
    uint32_t r = (uint32_t)rnd8() << 24 | (uint32_t)rnd8() << 16 |
                 (uint32_t)rnd8() << 8 | rnd8();
    assert_int_equal(wrt_crc32c_zeros(r, n), zeros_reference(r, n));
  }
  assert_int_equal(wrt_crc32c_zeros(0xDEADBEEFu, 65537u),
                   zeros_reference(0xDEADBEEFu, 65537u));
  /* Past the table's period (x^(2^31) = x): 2^28 bytes is x^(2^31). */
  assert_int_equal(wrt_crc32c_zeros(0x12345678u, (size_t)1 << 28),
                   wrt_crc32c_zeros(wrt_crc32c_zeros(0x12345678u, (size_t)1 << 27),
                                    (size_t)1 << 27));
  assert_int_equal(wrt_crc32c_zeros(0x9abcdef0u, ((size_t)1 << 29) + 3u),
                   wrt_crc32c_zeros(wrt_crc32c_zeros(0x9abcdef0u, 3u), (size_t)1 << 29));
  /* The combine identity: crc(a + b) from crc(a), crc(b) and len(b). */
  fill_random(buf, 3000u);
  assert_int_equal(wrt_crc32c_zeros(wrt_crc32c(0u, buf, 1000u), 2000u) ^
                       wrt_crc32c(0u, buf + 1000, 2000u),
                   wrt_crc32c(0u, buf, 3000u));
}

/* The public entry takes the hardware path when there is one. */
static void test_dispatch(void **state) {
  const char *name = wrt_crc32c_implementation();
  (void)state;
  assert_non_null(name);
  if (wrt_crc32c_hw_available())
    assert_string_equal(name, wrt_crc32c_hw_name());
  else
    assert_string_equal(name, "portable");
  fill_random(buf, 1000u);
  assert_int_equal(wrt_crc32c(0u, buf + 3, 997u),
                   crc_reference(0u, buf + 3, 997u));
}

/* crc(a + b) == crc(crc(a), b) for every split of a 2000-byte buffer. */
static void test_chaining(void **state) {
  uint32_t whole;
  (void)state;
  fill_random(buf, 2000u);
  whole = crc_reference(0u, buf, 2000u);
  for (size_t cut = 0; cut <= 2000u; cut++) {
    assert_int_equal(wrt_crc32c(wrt_crc32c(0u, buf, cut), buf + cut, 2000u - cut),
                     whole);
    assert_int_equal(wrt_crc32c_portable(wrt_crc32c_portable(0u, buf, cut),
                                         buf + cut, 2000u - cut),
                     whole);
  }
}

#if defined(__x86_64__)
typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

/* What the CPU says, asked here rather than through the library. */
static void cpu_features(bool *sse42, bool *pclmul) {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  *sse42 = *pclmul = false;
  if (__get_cpuid(1u, &eax, &ebx, &ecx, &edx) != 0) {
    *sse42 = (ecx & bit_SSE4_2) != 0u;
    *pclmul = *sse42 && (ecx & bit_PCLMUL) != 0u;
  }
}

/* The AVX-512 path's condition, asked independently: PCLMULQDQ, leaf 7
 * AVX2 (EBX bit 5), AVX512F (EBX bit 16), VPCLMULQDQ (ECX bit 10), and
 * XCR0 bits 1, 2, 5, 6, 7 (read only when leaf 1 ECX bit 27 OSXSAVE). */
static bool cpu_avx512(void) {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0, lo = 0, hi = 0;
  bool sse42, pclmul;
  cpu_features(&sse42, &pclmul);
  if (!pclmul || __get_cpuid(1u, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1u << 27)) == 0u)
    return false;
  if (__get_cpuid_count(7u, 0u, &eax, &ebx, &ecx, &edx) == 0)
    return false;
  if ((ebx & (1u << 5)) == 0u || (ebx & (1u << 16)) == 0u || (ecx & (1u << 10)) == 0u)
    return false;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0u));
  (void)hi;
  return (lo & 0xe6u) == 0xe6u;
}

/* Every length 0..4096 at every start 0..15 (alignment prologue, all three
 * eight-stream tiers and every tail), lengths around and past the biggest
 * block, and chaining across block boundaries. */
static void check_path(crc_fn f) {
  static const size_t big[] = {4095u,          4096u,          4097u,
                               8191u,          8192u + 1024u + 256u + 9u,
                               3u * 8192u + 1u, 65536u,        65536u + 1u,
                               65536u + 777u,  8u * 16448u - 1u, 8u * 16448u,
                               8u * 16448u + 4096u + 1024u + 256u + 9u,
                               ((size_t)1 << 20) + 7u};
  fill_random(buf, BUF_MAX);
  for (size_t off = 0; off < 16u; off++)
    for (size_t len = 0; len <= 4096u; len++)
      assert_int_equal(f(0x5a5a5a5au, buf + off, len),
                       wrt_crc32c_portable(0x5a5a5a5au, buf + off, len));
  for (size_t k = 0; k < sizeof big / sizeof big[0]; k++)
    for (size_t off = 0; off < 16u; off += 5u)
      assert_int_equal(f(0u, buf + off, big[k]),
                       wrt_crc32c_portable(0u, buf + off, big[k]));
  /* The definition itself once, on the largest buffer. */
  assert_int_equal(f(0u, buf + 3, ((size_t)1 << 20) + 7u),
                   crc_reference(0u, buf + 3, ((size_t)1 << 20) + 7u));
  /* Chaining: cuts inside and at the edges of 4096/1024/256-byte blocks. */
  {
    static const size_t cuts[] = {0u,    1u,    7u,    255u,  256u,  1023u,
                                  1024u, 4095u, 4096u, 4100u, 9000u, 20000u};
    uint32_t whole = wrt_crc32c_portable(0u, buf, 20000u);
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++)
      assert_int_equal(f(f(0u, buf, cuts[c]), buf + cuts[c], 20000u - cuts[c]),
                       whole);
  }
}

static void test_x86_sse42_path(void **state) {
  bool sse42, pclmul;
  (void)state;
  cpu_features(&sse42, &pclmul);
  assert_true(wrt_crc32c_hw_available() == sse42);
  if (!sse42)
    skip();
  check_path(wrt_crc32c_x86_sse42);
}

static void test_x86_pclmul_path(void **state) {
  bool sse42, pclmul;
  (void)state;
  cpu_features(&sse42, &pclmul);
  assert_true(wrt_crc32c_x86_has_pclmul() == pclmul);
  if (!pclmul)
    skip();
  check_path(wrt_crc32c_x86_pclmul);
}

/* The AVX-512 path: everything check_path does, then the hybrid tiers'
 * edges (blocks of 16 x 256 and 16 x 16448 bytes) with tails through the
 * folding loop (256- and 64-byte steps) and the crc32 tail, at unaligned
 * starts. Reported as skipped on a host without it. */
static void test_x86_avx512_path(void **state) {
  static const size_t lens[] = {255u, 256u, 257u, 319u, 320u, 511u, 512u, 513u,
                                4095u, 4096u, 4097u, 4096u + 256u + 64u + 63u,
                                8192u - 1u, 16u * 16448u - 1u, 16u * 16448u,
                                16u * 16448u + 1u,
                                16u * 16448u + 3u * 4096u + 256u + 64u + 7u,
                                2u * 16u * 16448u + 4095u, (size_t)1 << 20,
                                ((size_t)1 << 20) + 7u};
  bool avx512 = cpu_avx512();
  (void)state;
  assert_true(wrt_crc32c_x86_has_avx512() == avx512);
  if (!avx512) {
    print_message("AVX-512 + VPCLMULQDQ path NOT tested: this host lacks it "
                  "(or its OS does not save ZMM state)\n");
    skip();
  }
  /* wrt_crc32c_x86_avx512 as this CPU runs it, then with the hybrid
   * blocks forced (issue 25: only cores with two crc32 a cycle take them,
   * so a Zen 4 would otherwise never run them). */
  uint32_t (*const paths[2])(uint32_t, const void *, size_t) = {
      wrt_crc32c_x86_avx512, wrt_crc32c_x86_avx512_hybrid};
  for (size_t pth = 0; pth < 2u; pth++) {
    check_path(paths[pth]);
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
      for (size_t off = 0; off < 64u && off + lens[k] <= BUF_MAX; off += 9u)
        assert_int_equal(paths[pth](0xa5a5a5a5u, buf + off, lens[k]),
                         wrt_crc32c_portable(0xa5a5a5a5u, buf + off, lens[k]));
    /* The definition itself across a whole big hybrid block plus tails. */
    assert_int_equal(paths[pth](7u, buf + 1, 16u * 16448u + 4096u + 333u),
                     crc_reference(7u, buf + 1, 16u * 16448u + 4096u + 333u));
  }
}

/* The public entry takes the fastest path the CPU (and OS) allows. */
static void test_x86_dispatch(void **state) {
  bool sse42, pclmul;
  (void)state;
  cpu_features(&sse42, &pclmul);
  assert_string_equal(wrt_crc32c_implementation(),
                      cpu_avx512() ? "avx512+vpclmulqdq"
                      : pclmul     ? "sse4.2+pclmul"
                      : sse42      ? "sse4.2"
                                   : "portable");
}

/* k(n) = x^(8n-33) mod P from the definition: advancing the reflected
 * register of x^0 (bit 31) over 8n - 33 bit steps. */
static uint32_t k_of(size_t n) {
  uint32_t reg = 0x80000000u;
  for (size_t i = 0; i < 8u * n - 33u; i++)
    reg = (reg >> 1) ^ ((reg & 1u) != 0u ? 0x82F63B78u : 0u);
  return reg;
}

/* Every joining and folding constant from the definition. */
static void test_x86_shift_constants(void **state) {
  static const size_t fold_n[WRT_CRC32C_X86_FOLDS] = {256u, 64u, 48u, 32u, 16u};
  (void)state;
  for (size_t t = 0; t < WRT_CRC32C_X86_TIERS; t++)
    for (size_t j = 0; j < 7u; j++)
      assert_int_equal(wrt_crc32c_x86_shift[t][j], k_of((j + 1u) * wrt_crc32c_x86_chunk[t]));
  for (size_t r = 0; r < WRT_CRC32C_X86_FOLDS; r++) {
    assert_int_equal(wrt_crc32c_x86_fold_k[r][0], k_of(fold_n[r] + 8u));
    assert_int_equal(wrt_crc32c_x86_fold_k[r][1], k_of(fold_n[r]));
  }
  for (size_t t = 0; t < WRT_CRC32C_X86_HYBRID_TIERS; t++)
    for (size_t j = 0; j < 8u; j++)
      assert_int_equal(wrt_crc32c_x86_hybrid_shift[t][j],
                       k_of((j + 1u) * wrt_crc32c_x86_hybrid_chunk[t]));
  assert_int_equal(wrt_crc32c_x86_hybrid_chunk[0], 16448u);
  assert_int_equal(wrt_crc32c_x86_hybrid_chunk[1], 256u);
  assert_int_equal(wrt_crc32c_x86_chunk[0], 16448u);
  assert_int_equal(wrt_crc32c_x86_chunk[1], 512u);
  assert_int_equal(wrt_crc32c_x86_chunk[2], 128u);
  assert_int_equal(wrt_crc32c_x86_chunk[3], 32u);
}

/* A buffer big enough for the prefetching tier (over 8 MiB, so taken as
 * cold; the AVX-512 path folds it in one stream): the same CRC as the
 * portable path, at several offsets and with a tail through every smaller
 * tier. */
static void test_x86_prefetch_tier(void **state) {
  static uint8_t big[((size_t)9 << 20) + 64u];
  static const size_t lens[] = {(size_t)8 << 20, ((size_t)8 << 20) + 8u * 16448u + 4096u + 1024u + 256u + 13u,
                                (size_t)9 << 20};
  bool sse42, pclmul;
  (void)state;
  cpu_features(&sse42, &pclmul);
  if (!pclmul)
    skip();
  fill_random(big, sizeof big);
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
    for (size_t off = 0; off < 16u; off += 7u) {
      uint32_t want = wrt_crc32c_portable(0x5a5a5a5au, big + off, lens[k]);
      assert_int_equal(wrt_crc32c_x86_pclmul(0x5a5a5a5au, big + off, lens[k]), want);
      /* The AVX-512 path folds such a buffer in one stream (its cold
       * case); just under 8 MiB it takes the hybrid blocks. */
      if (wrt_crc32c_x86_has_avx512()) {
        assert_int_equal(wrt_crc32c_x86_avx512(0x5a5a5a5au, big + off, lens[k]), want);
        assert_int_equal(wrt_crc32c_x86_avx512(0x5a5a5a5au, big + off, lens[k] - 1u),
                         wrt_crc32c_portable(0x5a5a5a5au, big + off, lens[k] - 1u));
      }
    }
}

/* Every entry of the PCLMUL zeros operator's digit table, through a shift
 * by exactly that digit (one multiply with that entry), against the
 * portable operator (itself checked against the definition above); then
 * random lengths over the whole size_t range. */
static uint32_t rnd32(void) {
  return (uint32_t)rnd8() << 24 | (uint32_t)rnd8() << 16 | (uint32_t)rnd8() << 8 | rnd8();
}

static void test_x86_zeros(void **state) {
  bool sse42, pclmul;
  (void)state;
  cpu_features(&sse42, &pclmul);
  if (!pclmul)
    skip();
  for (unsigned i = 0; i < WRT_CRC32C_X86_ZDIGITS; i++)
    for (size_t d = 1; d < 64u; d++) {
      size_t n = d << (6u * i);
      if (i == 10u && d >= 16u)
        break; /* 63 * 64^10 does not fit: only 2^64 / 64^10 = 16 digits */
      uint32_t r = rnd32();
      assert_int_equal(wrt_crc32c_x86_zeros(r, n), wrt_crc32c_zeros_portable(r, n));
      if (i == 0u)
        assert_int_equal(wrt_crc32c_x86_zeros(r, n), zeros_reference(r, n));
    }
  for (int k = 0; k < 2000; k++) {
    size_t n = ((size_t)rnd32() << 32 | rnd32()) >> (rnd32() % 64u);
    uint32_t r = rnd32();
    assert_int_equal(wrt_crc32c_x86_zeros(r, n), wrt_crc32c_zeros_portable(r, n));
    assert_int_equal(wrt_crc32c_zeros(r, n), wrt_crc32c_zeros_portable(r, n));
  }
  assert_int_equal(wrt_crc32c_x86_zeros(0x1234u, 0u), 0x1234u);
  assert_int_equal(wrt_crc32c_x86_zeros(0x1234u, SIZE_MAX), wrt_crc32c_zeros_portable(0x1234u, SIZE_MAX));
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_value),
      cmocka_unit_test(test_rfc3720_vectors),
      cmocka_unit_test(test_empty_and_null),
      cmocka_unit_test(test_portable_matches_reference),
      cmocka_unit_test(test_hw_matches_portable_every_length),
      cmocka_unit_test(test_hw_matches_portable_long),
      cmocka_unit_test(test_zeros_tables),
      cmocka_unit_test(test_zeros_any_length),
      cmocka_unit_test(test_dispatch),
      cmocka_unit_test(test_chaining),
#if defined(__x86_64__)
      cmocka_unit_test(test_x86_sse42_path),
      cmocka_unit_test(test_x86_pclmul_path),
      cmocka_unit_test(test_x86_avx512_path),
      cmocka_unit_test(test_x86_dispatch),
      cmocka_unit_test(test_x86_shift_constants),
      cmocka_unit_test(test_x86_zeros),
      cmocka_unit_test(test_x86_prefetch_tier),
#endif
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
