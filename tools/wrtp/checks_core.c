/*
 * checks_core.c - the selftest's checks of the OS-free core: CRC-32C
 * (CRC-*), checked size math (CORE-*), and the checksummed-write provider
 * (PRV-*, run over a mutex on each futex backend). Each runs in its own
 * child process (see selftest.c). May include: the public headers,
 * src/core/checked_math.h, POSIX threads.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <pthread.h>
#include <string.h>

#include "checked_math.h"
#include "selftest.h"
#include "wrt/atomic_memory.h"
#include "wrt/crc32c.h"

/* A bit-at-a-time CRC-32C, reflected polynomial 0x82F63B78, in zlib's
 * convention (pre- and post-inverted): the definition, to compare with. */
static uint32_t crc_reference(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static uint32_t g_rnd = 12345;
static uint8_t rnd8(void) {
  g_rnd = g_rnd * 1103515245u + 12345u;
  return (uint8_t)(g_rnd >> 16);
}

/* CRC-001 */
static void crc_check_value(const void *bk) {
  (void)bk;
  ST_REQUIRE(wrt_crc32c(0, "123456789", 9) == 0xE3069283u);
  ST_REQUIRE(wrt_crc32c(0x1234u, NULL, 0) == 0x1234u);
  ST_REQUIRE(wrt_crc32c(0, "", 0) == 0);
}

/* CRC-002: RFC 3720 B.4 vectors. */
static void crc_rfc3720(const void *bk) {
  (void)bk;
  uint8_t buf[48];
  memset(buf, 0, 32);
  ST_REQUIRE(wrt_crc32c(0, buf, 32) == 0x8A9136AAu);
  memset(buf, 0xFF, 32);
  ST_REQUIRE(wrt_crc32c(0, buf, 32) == 0x62A8AB43u);
  for (unsigned i = 0; i < 32; i++)
    buf[i] = (uint8_t)i;
  ST_REQUIRE(wrt_crc32c(0, buf, 32) == 0x46DD794Eu);
  for (unsigned i = 0; i < 32; i++)
    buf[i] = (uint8_t)(31 - i);
  ST_REQUIRE(wrt_crc32c(0, buf, 32) == 0x113FDB5Cu);
  static const uint8_t scsi[48] = {0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
                                   0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0};
  ST_REQUIRE(wrt_crc32c(0, scsi, 48) == 0xD9963A56u);
}

/* CRC-003: the fast path equals the definition at every length and
 * alignment, and chaining equals one pass at every split. */
static void crc_matches_definition(const void *bk) {
  (void)bk;
  static uint8_t buf[4096 + 16];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = rnd8();
  for (size_t off = 0; off < 16; off++)
    for (size_t len = 0; len <= 600; len++)
      if (wrt_crc32c(0x5a5a5a5au, buf + off, len) != crc_reference(0x5a5a5a5au, buf + off, len))
        st_fail(__FILE__, __LINE__, "offset %zu length %zu differs from the definition", off, len);
  ST_REQUIRE(wrt_crc32c(0, buf, 4096) == crc_reference(0, buf, 4096));
  uint32_t whole = wrt_crc32c(0, buf, 4096);
  for (size_t split = 0; split <= 4096; split += 37)
    ST_REQUIRE(wrt_crc32c(wrt_crc32c(0, buf, split), buf + split, 4096 - split) == whole);
}

/* CORE-001 */
static void checked_math(const void *bk) {
  (void)bk;
  size_t r = 0;
  ST_REQUIRE_ST(wrt_size_add(SIZE_MAX, 1, &r), WRT_E_OVERFLOW);
  ST_REQUIRE_ST(wrt_size_add(SIZE_MAX - 1, 1, &r), WRT_OK);
  ST_REQUIRE(r == SIZE_MAX);
  ST_REQUIRE_ST(wrt_size_mul(SIZE_MAX / 2 + 1, 2, &r), WRT_E_OVERFLOW);
  ST_REQUIRE_ST(wrt_size_mul(3, 5, &r), WRT_OK);
  ST_REQUIRE(r == 15);
  if (sizeof(size_t) >= 8) {
    ST_REQUIRE_ST(wrt_pages_to_bytes(WRT_WASM_MAX_PAGES, &r), WRT_OK);
    ST_REQUIRE(r == (size_t)WRT_WASM_MAX_PAGES * WRT_WASM_PAGE_SIZE);
  }
  ST_REQUIRE_ST(wrt_size_round_up(SIZE_MAX, 4096, &r), WRT_E_OVERFLOW);
  ST_REQUIRE(wrt_range_within(0, 10, 10));
  ST_REQUIRE(!wrt_range_within(1, 10, 10));
  ST_REQUIRE(!wrt_range_within(SIZE_MAX, 2, SIZE_MAX));
  for (int s = 0; s < WRT_STATUS_COUNT; s++)
    ST_REQUIRE(wrt_status_str((wrt_status)s) != NULL);
}

/* --- provider ---------------------------------------------------------------------- */

#define REGION (64u * 1024u)
#define BLOCK 1024u
#define NBLOCKS (REGION / BLOCK)

static _Alignas(64) unsigned char g_f[ST_STORAGE];
static _Alignas(64) uint8_t g_mem[REGION + 4 * BLOCK];
static uint32_t g_sums[NBLOCKS + 8];
static wrt_mutex_t g_m;
static wrt_provider_t g_p;
static const st_futex_backend *g_b;

static void provider(const void *bk, size_t size) {
  g_b = bk;
  wrt_futex_t *f = NULL;
  ST_REQUIRE_ST(g_b->create(g_f, 0, &f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_init(&g_m, f), WRT_OK);
  for (size_t i = 0; i < sizeof g_mem; i++)
    g_mem[i] = rnd8();
  ST_REQUIRE_ST(wrt_provider_init(&g_p, g_mem, size, g_sums, NBLOCKS + 8, BLOCK, &g_m), WRT_OK);
}

/* PRV-001 */
static void provider_round_trip(const void *bk) {
  provider(bk, REGION);
  uint8_t in[3000], out[3000];
  for (size_t i = 0; i < sizeof in; i++)
    in[i] = rnd8();
  size_t offs[] = {0, 1, BLOCK - 1, 5 * BLOCK + 17, REGION - sizeof in};
  for (size_t k = 0; k < 5; k++) {
    ST_REQUIRE_ST(wrt_atomic_write(&g_p, offs[k], in, sizeof in), WRT_OK);
    ST_REQUIRE_ST(wrt_atomic_read(&g_p, offs[k], out, sizeof out), WRT_OK);
    ST_REQUIRE(memcmp(in, out, sizeof in) == 0);
    ST_REQUIRE(memcmp(g_mem + offs[k], in, sizeof in) == 0);
    ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  }
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, REGION, in, 0), WRT_OK);
  g_b->destroy(g_f);
}

/* PRV-002 */
static void provider_detects_corruption(const void *bk) {
  provider(bk, REGION);
  ST_REQUIRE(wrt_provider_first_bad_block(&g_p) == WRT_PROVIDER_NO_BAD_BLOCK);
  size_t where[] = {0, 7 * BLOCK + 3, REGION - 1};
  for (size_t k = 0; k < 3; k++) {
    for (unsigned bit = 0; bit < 8; bit += 3) {
      g_mem[where[k]] ^= (uint8_t)(1u << bit); /* behind the provider's back */
      ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_E_CORRUPT);
      ST_REQUIRE(wrt_provider_first_bad_block(&g_p) == where[k] / BLOCK);
      g_mem[where[k]] ^= (uint8_t)(1u << bit);
      ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
      ST_REQUIRE(wrt_provider_first_bad_block(&g_p) == WRT_PROVIDER_NO_BAD_BLOCK);
    }
  }
  g_b->destroy(g_f);
}

/* PRV-003 */
static void provider_verifying_access(const void *bk) {
  provider(bk, REGION);
  ST_REQUIRE_ST(wrt_provider_set_verify_reads(&g_p, true), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_set_verify_writes(&g_p, true), WRT_OK);
  uint8_t out[16], in[16];
  memset(out, 0x77, sizeof out);
  memset(in, 0x11, sizeof in);
  g_mem[3 * BLOCK + 100] ^= 0x40;
  uint8_t before[BLOCK];
  memcpy(before, g_mem + 3 * BLOCK, BLOCK);
  ST_REQUIRE_ST(wrt_atomic_read(&g_p, 3 * BLOCK + 8, out, sizeof out), WRT_E_CORRUPT);
  for (size_t i = 0; i < sizeof out; i++)
    ST_REQUIRE(out[i] == 0x77); /* dst untouched */
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, 3 * BLOCK + 8, in, sizeof in), WRT_E_CORRUPT);
  ST_REQUIRE(memcmp(before, g_mem + 3 * BLOCK, BLOCK) == 0); /* nothing written */
  ST_REQUIRE(wrt_provider_first_bad_block(&g_p) == 3);
  /* Other blocks still work. */
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, 9 * BLOCK, in, sizeof in), WRT_OK);
  ST_REQUIRE_ST(wrt_atomic_read(&g_p, 9 * BLOCK, out, sizeof out), WRT_OK);
  ST_REQUIRE(memcmp(in, out, sizeof in) == 0);
  g_b->destroy(g_f);
}

/* PRV-004 */
static void provider_bad_arguments(const void *bk) {
  provider(bk, REGION);
  uint8_t buf[8] = {0};
  uint8_t copy[REGION];
  memcpy(copy, g_mem, REGION);
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, REGION - 4, buf, 8), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, REGION + 1, buf, 0), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, 0, NULL, 8), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_atomic_write(NULL, 0, buf, 8), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, SIZE_MAX - 2, buf, 8), WRT_E_OVERFLOW);
  ST_REQUIRE_ST(wrt_atomic_read(&g_p, REGION - 4, buf, 8), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_atomic_read(&g_p, 0, NULL, 8), WRT_E_INVALID_ARG);
  ST_REQUIRE(memcmp(copy, g_mem, REGION) == 0);
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_verify(NULL), WRT_E_INVALID_ARG);
  /* init validation: nothing written on error. */
  wrt_provider_t q;
  memset(&q, 0xAB, sizeof q);
  wrt_provider_t q0 = q;
  ST_REQUIRE_ST(wrt_provider_init(&q, g_mem, REGION, g_sums, NBLOCKS, 1000, &g_m),
                WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_provider_init(&q, g_mem, REGION, g_sums, NBLOCKS, 32, &g_m),
                WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_provider_init(&q, g_mem, REGION, g_sums, NBLOCKS - 1, BLOCK, &g_m),
                WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_provider_init(&q, g_mem, REGION, g_sums, NBLOCKS, BLOCK, NULL),
                WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_provider_init(&q, NULL, REGION, g_sums, NBLOCKS, BLOCK, &g_m),
                WRT_E_INVALID_ARG);
  ST_REQUIRE(memcmp(&q, &q0, sizeof q) == 0);
  g_b->destroy(g_f);
}

/* PRV-005: resize after a grow covers the new bytes; damage in the old
 * partial block is CORRUPT and changes nothing. */
static void provider_resize(const void *bk) {
  size_t old = 10 * BLOCK + 100; /* a partial last block */
  provider(bk, old);
  memset(g_mem + old, 0, REGION - old); /* what a grow gives: zeros */
  ST_REQUIRE_ST(wrt_provider_resize(&g_p, g_mem, REGION, NULL, 0), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  uint8_t in[64];
  memset(in, 0x3c, sizeof in);
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, REGION - 64, in, 64), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_resize(&g_p, g_mem, REGION - 1, NULL, 0), WRT_E_INVALID_ARG);
  g_b->destroy(g_f);
  /* Damage in the old partial block before a resize. */
  provider(bk, old);
  memset(g_mem + old, 0, REGION - old);
  g_mem[old - 1] ^= 1;
  ST_REQUIRE_ST(wrt_provider_resize(&g_p, g_mem, REGION, NULL, 0), WRT_E_CORRUPT);
  ST_REQUIRE(wrt_provider_first_bad_block(&g_p) == WRT_PROVIDER_NO_BAD_BLOCK); /* nothing changed */
  g_mem[old - 1] ^= 1;
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK); /* the old size, unchanged */
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, old, in, 1), WRT_E_INVALID_ARG);
  g_b->destroy(g_f);
}

/* PRV-008: a huge but valid block size (2^63, one partial block on a small
 * region) initialises promptly, with a right checksum: the zero-block
 * checksum is O(log block_size), not a walk over it. */
static void provider_huge_block_size(const void *bk) {
  g_b = bk;
  wrt_futex_t *f = NULL;
  ST_REQUIRE_ST(g_b->create(g_f, 0, &f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_init(&g_m, f), WRT_OK);
  for (size_t i = 0; i < BLOCK; i++)
    g_mem[i] = rnd8();
  ST_REQUIRE_ST(wrt_provider_init(&g_p, g_mem, BLOCK, g_sums, 1, (size_t)1 << 63, &g_m), WRT_OK);
  ST_REQUIRE(g_sums[0] == crc_reference(0, g_mem, BLOCK));
  ST_REQUIRE_ST(wrt_atomic_write(&g_p, 10, "huge", 4), WRT_OK);
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  g_b->destroy(g_f);
}

/* PRV-009: init refuses a mutex whose futex was destroyed after the mutex
 * was initialised (INVALID_ARG, the provider object untouched). */
static void provider_refuses_dead_mutex(const void *bk) {
  g_b = bk;
  wrt_futex_t *f = NULL;
  wrt_provider_t p, before;
  ST_REQUIRE_ST(g_b->create(g_f, 0, &f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_init(&g_m, f), WRT_OK);
  g_b->destroy(g_f);
  memset(&p, 0x5a, sizeof p);
  memcpy(&before, &p, sizeof p);
  ST_REQUIRE_ST(wrt_provider_init(&p, g_mem, BLOCK, g_sums, 1, BLOCK, &g_m), WRT_E_INVALID_ARG);
  ST_REQUIRE(memcmp(&p, &before, sizeof p) == 0);
}

/* PRV-006: concurrent writers and verifiers keep data and checksums in step. */
typedef struct {
  unsigned id;
  _Atomic int bad;
} pw_t;

static void *pw_main(void *arg) {
  pw_t *w = arg;
  uint8_t buf[200];
  for (unsigned i = 0; i < 3000; i++) {
    memset(buf, (int)(w->id * 31u + i), sizeof buf);
    size_t off = ((size_t)i * 977u + w->id * 4099u) % (REGION - sizeof buf);
    if (wrt_atomic_write(&g_p, off, buf, sizeof buf) != WRT_OK)
      atomic_store(&w->bad, 1);
    if (i % 100 == 0 && wrt_provider_verify(&g_p) != WRT_OK)
      atomic_store(&w->bad, 2);
  }
  return NULL;
}

static void provider_concurrent(const void *bk) {
  provider(bk, REGION);
  pw_t w[3];
  pthread_t t[3];
  for (unsigned i = 0; i < 3; i++) {
    w[i].id = i;
    atomic_init(&w[i].bad, 0);
    ST_REQUIRE(pthread_create(&t[i], NULL, pw_main, &w[i]) == 0);
  }
  for (unsigned i = 0; i < 3; i++) {
    pthread_join(t[i], NULL);
    ST_REQUIRE(atomic_load(&w[i].bad) == 0);
  }
  ST_REQUIRE_ST(wrt_provider_verify(&g_p), WRT_OK);
  g_b->destroy(g_f);
}

const st_check st_core_checks[] = {
    {"CRC-001", "CRC-32C check value 0xE3069283, zlib convention", ST_ON_CORE, crc_check_value},
    {"CRC-002", "CRC-32C RFC 3720 B.4 vectors", ST_ON_CORE, crc_rfc3720},
    {"CRC-003", "fast CRC-32C = definition at every length/offset; chaining", ST_ON_CORE,
     crc_matches_definition},
    {"CORE-001", "size math reports OVERFLOW instead of wrapping", ST_ON_CORE, checked_math},
    {"PRV-001", "atomic write then read gives the bytes; verify OK", ST_ON_FUTEX,
     provider_round_trip},
    {"PRV-002", "change behind the provider -> verify CORRUPT, right block", ST_ON_FUTEX,
     provider_detects_corruption},
    {"PRV-003", "verifying read/write: CORRUPT, dst and memory untouched", ST_ON_FUTEX,
     provider_verifying_access},
    {"PRV-004", "bad arguments -> INVALID_ARG / OVERFLOW, nothing changed", ST_ON_FUTEX,
     provider_bad_arguments},
    {"PRV-005", "resize after grow; damaged partial block -> CORRUPT, unchanged", ST_ON_FUTEX,
     provider_resize},
    {"PRV-006", "concurrent writers and verifiers stay consistent", ST_ON_FUTEX,
     provider_concurrent},
    {"PRV-008", "huge block size (2^63) inits promptly, right checksum", ST_ON_FUTEX,
     provider_huge_block_size},
    {"PRV-009", "init refuses a mutex whose futex was destroyed", ST_ON_FUTEX,
     provider_refuses_dead_mutex},
};
const size_t st_core_check_count = sizeof st_core_checks / sizeof st_core_checks[0];
