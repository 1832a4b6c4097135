/*
 * test_provider.c - the checksummed-write provider (wrt/atomic_memory.h):
 * checksums agree with the data after init, writes and resizes; a change
 * behind the provider's back is caught by verify (naming the block) and by a
 * verifying read or write; every argument error changes nothing; concurrent
 * writers and verifiers stay consistent (run under TSan via the `threads`
 * label). The lock is a wrt_mutex over the Linux futex.
 * Test code: cmocka, pthreads, the library's public headers and libc.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wrt/atomic_memory.h"
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#include "wrt/mutex.h"

#define BS WRT_PROVIDER_DEFAULT_BLOCK_SIZE
#define REGION (64u * BS)
#define MAX_BLOCKS (2u * REGION / 64u)

static _Alignas(64) uint8_t region[REGION];
static _Alignas(64) uint8_t region2[2u * REGION];
static uint32_t sums[MAX_BLOCKS];
static uint32_t sums2[MAX_BLOCKS];

static wrt_linux_futex_t g_futex;
static wrt_mutex_t g_lock;

static uint64_t rng = 0x243F6A8885A308D3u;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}

static void fill_random(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)rnd();
}

static int setup(void **state) {
  (void)state;
  if (wrt_linux_futex_init(&g_futex, 0u) != WRT_OK)
    return -1;
  return wrt_mutex_init(&g_lock, wrt_linux_futex_base(&g_futex)) == WRT_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  wrt_linux_futex_destroy(&g_futex);
  return 0;
}

/* Every block's checksum recomputed here from the data. */
static void assert_sums_match(const uint8_t *base, size_t size, size_t bs,
                              const uint32_t *s) {
  size_t n = wrt_provider_blocks_for(size, bs);
  for (size_t i = 0; i < n; i++) {
    size_t len = size - i * bs < bs ? size - i * bs : bs;
    assert_int_equal(s[i], wrt_crc32c(0u, base + i * bs, len));
  }
}

static void init_checksums_every_block(void **state) {
  wrt_provider_t p;
  const size_t size = 3u * BS + 100u; /* partial last block */
  (void)state;
  fill_random(region, REGION);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 4u, BS, &g_lock), WRT_OK);
  assert_sums_match(region, size, BS, sums);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  assert_int_equal(wrt_provider_first_bad_block(&p), WRT_PROVIDER_NO_BAD_BLOCK);
  /* The smallest block size, and a larger-than-needed array. */
  assert_int_equal(wrt_provider_init(&p, region, size, sums, MAX_BLOCKS, 64u, &g_lock),
                   WRT_OK);
  assert_sums_match(region, size, 64u, sums);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  /* An empty region needs no base and no array. */
  assert_int_equal(wrt_provider_init(&p, NULL, 0u, NULL, 0u, BS, &g_lock), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
}

static void init_argument_errors_change_nothing(void **state) {
  wrt_provider_t p, before;
  wrt_mutex_t unbound;
  const size_t size = 3u * BS + 100u;
  struct {
    wrt_provider_t *p;
    uint8_t *base;
    size_t size;
    uint32_t *sums;
    size_t count;
    size_t bs;
    wrt_mutex_t *lock;
  } bad[] = {
      {NULL, region, size, sums, 4u, BS, &g_lock},
      {&p, region, size, sums, 4u, BS, NULL},
      {&p, region, size, sums, 4u, BS, &unbound},
      {&p, NULL, size, sums, 4u, BS, &g_lock},
      {&p, region, size, NULL, 4u, BS, &g_lock},
      {&p, region, size, sums, 3u, BS, &g_lock},        /* too few blocks */
      {&p, region, size, sums, 0u, BS, &g_lock},
      {&p, region, size, sums, MAX_BLOCKS, 0u, &g_lock},
      {&p, region, size, sums, MAX_BLOCKS, 32u, &g_lock}, /* below 64 */
      {&p, region, size, sums, MAX_BLOCKS, 100u, &g_lock}, /* not 2^n */
      {&p, region, size, sums, MAX_BLOCKS, BS + 64u, &g_lock},
      {&p, region, size, sums, MAX_BLOCKS, SIZE_MAX, &g_lock},
  };
  (void)state;
  memset(&unbound, 0, sizeof unbound);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    memset(&p, 0xA5, sizeof p);
    memcpy(&before, &p, sizeof p);
    memset(sums, 0x5A, sizeof sums);
    assert_int_equal(wrt_provider_init(bad[k].p, bad[k].base, bad[k].size, bad[k].sums,
                                       bad[k].count, bad[k].bs, bad[k].lock),
                     WRT_E_INVALID_ARG);
    assert_memory_equal(&p, &before, sizeof p);
    for (size_t i = 0; i < MAX_BLOCKS; i++)
      assert_int_equal(sums[i], 0x5A5A5A5Au);
  }
}

static void write_updates_only_touched_blocks(void **state) {
  wrt_provider_t p;
  uint8_t data[3u * BS], back[3u * BS];
  uint32_t old[64];
  const size_t size = REGION - 10u;
  (void)state;
  fill_random(region, REGION);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 64u, BS, &g_lock), WRT_OK);
  for (int round = 0; round < 200; round++) {
    size_t len = 1u + rnd() % sizeof data;
    size_t off = rnd() % (size - len + 1u);
    size_t first = off / BS, last = (off + len - 1u) / BS;
    memcpy(old, sums, sizeof old);
    fill_random(data, len);
    assert_int_equal(wrt_atomic_write(&p, off, data, len), WRT_OK);
    assert_memory_equal(region + off, data, len);
    assert_sums_match(region, size, BS, sums);
    for (size_t i = 0; i < 64u; i++)
      if (i < first || i > last)
        assert_int_equal(sums[i], old[i]);
    memset(back, 0, sizeof back);
    assert_int_equal(wrt_atomic_read(&p, off, back, len), WRT_OK);
    assert_memory_equal(back, data, len);
  }
  /* The very end of the region, the partial last block. */
  assert_int_equal(wrt_atomic_write(&p, size - 1u, "z", 1u), WRT_OK);
  assert_int_equal(region[size - 1u], 'z');
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  /* A source inside the region itself (overlapping copy). */
  assert_int_equal(wrt_atomic_write(&p, 100u, region + 50u, 2u * BS), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
}

static void access_argument_errors_change_nothing(void **state) {
  static uint8_t snap[REGION];
  wrt_provider_t p, before, zeroed;
  uint32_t snap_sums[64];
  uint8_t buf[16], buf_before[16];
  const size_t size = REGION - 10u;
  struct {
    size_t off, len;
    wrt_status want;
  } bad[] = {
      {SIZE_MAX, 2u, WRT_E_OVERFLOW},  {2u, SIZE_MAX, WRT_E_OVERFLOW},
      {size - 1u, 2u, WRT_E_INVALID_ARG}, {size, 1u, WRT_E_INVALID_ARG},
      {size + 1u, 0u, WRT_E_INVALID_ARG}, {0u, size + 1u, WRT_E_INVALID_ARG},
  };
  (void)state;
  fill_random(region, REGION);
  memset(&zeroed, 0, sizeof zeroed);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 64u, BS, &g_lock), WRT_OK);
  assert_int_equal(wrt_provider_set_verify_reads(&p, true), WRT_OK);
  memcpy(snap, region, REGION);
  memcpy(snap_sums, sums, sizeof snap_sums);
  memcpy(&before, &p, sizeof p);
  memset(buf, 0x77, sizeof buf);
  memcpy(buf_before, buf, sizeof buf);

  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    assert_int_equal(wrt_atomic_write(&p, bad[k].off, buf, bad[k].len), bad[k].want);
    assert_int_equal(wrt_atomic_read(&p, bad[k].off, buf, bad[k].len), bad[k].want);
  }
  assert_int_equal(wrt_atomic_write(NULL, 0u, buf, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_atomic_read(NULL, 0u, buf, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_atomic_write(&p, 0u, NULL, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_atomic_read(&p, 0u, NULL, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_atomic_write(&zeroed, 0u, buf, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_atomic_read(&zeroed, 0u, buf, 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_verify(NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_verify(&zeroed), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_set_verify_reads(NULL, true), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_set_verify_writes(&zeroed, true), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_first_bad_block(NULL), WRT_PROVIDER_NO_BAD_BLOCK);
  assert_int_equal(wrt_provider_resize(NULL, region, size, NULL, 0u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_resize(&zeroed, region, size, NULL, 0u), WRT_E_INVALID_ARG);

  /* len 0: a no-op, valid anywhere up to and including the end. */
  assert_int_equal(wrt_atomic_write(&p, size, NULL, 0u), WRT_OK);
  assert_int_equal(wrt_atomic_read(&p, 0u, NULL, 0u), WRT_OK);
  assert_int_equal(wrt_atomic_write(&p, 5u, buf, 0u), WRT_OK);

  assert_memory_equal(region, snap, REGION);
  assert_memory_equal(sums, snap_sums, sizeof snap_sums);
  assert_memory_equal(&p, &before, sizeof p);
  assert_memory_equal(buf, buf_before, sizeof buf);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
}

/* Every single-bit flip in every block, made behind the provider's back, is
 * reported by verify with the right block, and undoing it clears it. */
static void every_flipped_bit_is_detected(void **state) {
  wrt_provider_t p;
  const size_t bs = 64u, size = 8u * 64u - 24u; /* partial last block */
  (void)state;
  fill_random(region, size);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 8u, bs, &g_lock), WRT_OK);
  for (size_t byte = 0; byte < size; byte++)
    for (unsigned bit = 0; bit < 8u; bit++) {
      region[byte] ^= (uint8_t)(1u << bit);
      assert_int_equal(wrt_provider_verify(&p), WRT_E_CORRUPT);
      assert_int_equal(wrt_provider_first_bad_block(&p), byte / bs);
      region[byte] ^= (uint8_t)(1u << bit);
      assert_int_equal(wrt_provider_verify(&p), WRT_OK);
      assert_int_equal(wrt_provider_first_bad_block(&p), WRT_PROVIDER_NO_BAD_BLOCK);
    }
}

static void verifying_read_and_write_catch_corruption(void **state) {
  wrt_provider_t p;
  uint8_t buf[256], before[256];
  const size_t size = 16u * BS;
  const size_t bad_block = 5u;
  (void)state;
  fill_random(region, size);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 16u, BS, &g_lock), WRT_OK);
  region[bad_block * BS + 1234u] ^= 0x10u; /* behind the provider's back */

  memset(buf, 0xEE, sizeof buf);
  memcpy(before, buf, sizeof buf);
  /* Not verifying (the default): the read returns what is there. */
  assert_int_equal(wrt_atomic_read(&p, bad_block * BS, buf, sizeof buf), WRT_OK);
  assert_memory_equal(buf, region + bad_block * BS, sizeof buf);

  memcpy(buf, before, sizeof buf);
  assert_int_equal(wrt_provider_set_verify_reads(&p, true), WRT_OK);
  /* A read touching the block (here straddling blocks 4 and 5) fails and
   * leaves dst alone; one elsewhere succeeds. */
  assert_int_equal(wrt_atomic_read(&p, bad_block * BS - 10u, buf, sizeof buf),
                   WRT_E_CORRUPT);
  assert_memory_equal(buf, before, sizeof buf);
  assert_int_equal(wrt_provider_first_bad_block(&p), bad_block);
  assert_int_equal(wrt_atomic_read(&p, 0u, buf, sizeof buf), WRT_OK);

  /* A verifying write into the block is refused and writes nothing. */
  assert_int_equal(wrt_provider_set_verify_writes(&p, true), WRT_OK);
  memcpy(before, region + bad_block * BS, sizeof before);
  memset(buf, 0x11, sizeof buf);
  assert_int_equal(wrt_atomic_write(&p, bad_block * BS, buf, sizeof buf), WRT_E_CORRUPT);
  assert_memory_equal(region + bad_block * BS, before, sizeof before);
  assert_int_equal(wrt_atomic_write(&p, 2u * BS, buf, sizeof buf), WRT_OK);

  assert_int_equal(wrt_provider_verify(&p), WRT_E_CORRUPT);
  assert_int_equal(wrt_provider_first_bad_block(&p), bad_block);
  /* The lowest bad block is named. */
  region[9u * BS] ^= 1u;
  region[3u * BS + 7u] ^= 1u;
  assert_int_equal(wrt_provider_verify(&p), WRT_E_CORRUPT);
  assert_int_equal(wrt_provider_first_bad_block(&p), 3u);
}

/* Damage in a block that a (non-verifying) write only partly covers stays
 * visible: the checksum is updated from the written bytes, not recomputed
 * over the damage. A write covering the whole block replaces it. */
static void partial_write_keeps_damage_visible(void **state) {
  wrt_provider_t p;
  uint8_t data[BS];
  const size_t size = 8u * BS;
  (void)state;
  fill_random(region, size);
  fill_random(data, sizeof data);
  assert_int_equal(wrt_provider_init(&p, region, size, sums, 8u, BS, &g_lock), WRT_OK);
  region[3u * BS + 4000u] ^= 0x80u;
  assert_int_equal(wrt_atomic_write(&p, 3u * BS + 10u, data, 100u), WRT_OK);
  assert_int_equal(wrt_atomic_write(&p, 3u * BS - 50u, data, 60u), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_E_CORRUPT);
  assert_int_equal(wrt_provider_first_bad_block(&p), 3u);
  /* Undoing the damage shows the updates were right for the rest. */
  region[3u * BS + 4000u] ^= 0x80u;
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  region[3u * BS + 4000u] ^= 0x80u;
  assert_int_equal(wrt_atomic_write(&p, 3u * BS, data, BS), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  assert_sums_match(region, size, BS, sums);
}

/* Growth within static buffers: partial blocks, moved base, both arrays. */
static void resize_after_growth(void **state) {
  wrt_provider_t p, before;
  const size_t old_size = 5u * BS + 300u, new_size = 9u * BS + 17u;
  (void)state;
  fill_random(region, old_size);
  assert_int_equal(wrt_provider_init(&p, region, old_size, sums, 6u, BS, &g_lock), WRT_OK);
  /* "grow": the bytes move, the new part is zero. */
  memset(region2, 0, sizeof region2);
  memcpy(region2, region, old_size);

  memcpy(&before, &p, sizeof p);
  assert_int_equal(wrt_provider_resize(&p, region2, old_size - 1u, NULL, 0u),
                   WRT_E_INVALID_ARG); /* shrinking */
  assert_int_equal(wrt_provider_resize(&p, region2, new_size, NULL, 0u),
                   WRT_E_INVALID_ARG); /* the old array is too small */
  assert_int_equal(wrt_provider_resize(&p, region2, new_size, sums2, 9u),
                   WRT_E_INVALID_ARG); /* the new one too */
  assert_int_equal(wrt_provider_resize(&p, region2, new_size, NULL, 10u),
                   WRT_E_INVALID_ARG);
  assert_int_equal(wrt_provider_resize(&p, NULL, new_size, sums2, 10u),
                   WRT_E_INVALID_ARG);
  region2[5u * BS + 3u] ^= 4u; /* the old partial block, damaged */
  assert_int_equal(wrt_provider_resize(&p, region2, new_size, sums2, 10u), WRT_E_CORRUPT);
  /* Nothing changed, not even the bad-block report (the header's promise);
   * verify is what names the block. */
  assert_int_equal(wrt_provider_first_bad_block(&p), WRT_PROVIDER_NO_BAD_BLOCK);
  assert_memory_equal(&p, &before, sizeof p);
  region2[5u * BS + 3u] ^= 4u;

  assert_int_equal(wrt_provider_resize(&p, region2, new_size, sums2, 10u), WRT_OK);
  assert_sums_match(region2, new_size, BS, sums2);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  assert_int_equal(wrt_atomic_write(&p, new_size - 5u, "tail!", 5u), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  /* In place, same array: grow to a whole number of blocks. */
  assert_int_equal(wrt_provider_resize(&p, region2, 10u * BS, NULL, 0u), WRT_OK);
  assert_sums_match(region2, 10u * BS, BS, sums2);
  /* New zero bytes that are not zero are caught. */
  region2[10u * BS + 5u] = 1u;
  assert_int_equal(wrt_provider_resize(&p, region2, 12u * BS, sums2, MAX_BLOCKS), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_E_CORRUPT);
  assert_int_equal(wrt_provider_first_bad_block(&p), 10u);
}

/* A huge but valid block size (2^63, 2^40) on a 4 KiB region: init returns
 * promptly (the zero-block checksum is computed in O(log n), not by walking
 * 2^63 bytes; before, this test hung until the CTest timeout) with a
 * working provider over one partial block. */
static void huge_block_size_inits_promptly(void **state) {
  const size_t sizes[2] = {(size_t)1 << 63, (size_t)1 << 40};
  (void)state;
  for (int k = 0; k < 2; k++) {
    wrt_provider_t p;
    fill_random(region, BS);
    assert_int_equal(wrt_provider_init(&p, region, BS, sums, 1u, sizes[k], &g_lock), WRT_OK);
    assert_sums_match(region, BS, sizes[k], sums);
    assert_int_equal(wrt_atomic_write(&p, 100u, "huge", 4u), WRT_OK);
    assert_int_equal(wrt_provider_verify(&p), WRT_OK);
    /* Growing by zeros re-checksums the old partial block over its new
     * length (another walk of zeros before). */
    memset(region2, 0, 2u * BS);
    memcpy(region2, region, BS);
    assert_int_equal(wrt_provider_resize(&p, region2, 2u * BS, NULL, 0u), WRT_OK);
    assert_sums_match(region2, 2u * BS, sizes[k], sums);
    assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  }
}

/* A mutex whose futex was destroyed after wrt_mutex_init is refused at
 * init (INVALID_ARG, nothing written) instead of failing every later call;
 * so is a never-initialised one. */
static void init_refuses_mutex_of_destroyed_futex(void **state) {
  wrt_linux_futex_t f;
  wrt_mutex_t m, zero;
  wrt_provider_t p, before;
  (void)state;
  assert_int_equal(wrt_linux_futex_init(&f, 0u), WRT_OK);
  assert_int_equal(wrt_mutex_init(&m, wrt_linux_futex_base(&f)), WRT_OK);
  assert_true(wrt_mutex_is_initialised(&m));
  wrt_linux_futex_destroy(&f);
  assert_false(wrt_mutex_is_initialised(&m));
  memset(&p, 0xA5, sizeof p);
  memcpy(&before, &p, sizeof p);
  assert_int_equal(wrt_provider_init(&p, region, BS, sums, 1u, BS, &m), WRT_E_INVALID_ARG);
  assert_memory_equal(&p, &before, sizeof p);
  memset(&zero, 0, sizeof zero);
  assert_false(wrt_mutex_is_initialised(&zero));
  assert_false(wrt_mutex_is_initialised(NULL));
  assert_int_equal(wrt_provider_init(&p, region, BS, sums, 1u, BS, &zero), WRT_E_INVALID_ARG);
  assert_memory_equal(&p, &before, sizeof p);
}

/* The real flow: a Linux allocator region grown with EXACT (base moves). */
static void resize_follows_allocator_grow(void **state) {
  wrt_linux_allocator_t a;
  wrt_linux_allocator_config_t cfg = wrt_linux_allocator_config_default();
  wrt_page_allocator_t *alloc;
  wrt_provider_t p;
  uint8_t *base = NULL;
  size_t size = 0;
  uint8_t byte = 0;
  const size_t per_page = WRT_WASM_PAGE_SIZE / BS;
  (void)state;
  cfg.growth = WRT_GROW_EXACT;
  assert_int_equal(wrt_linux_allocator_init(&a, &cfg), WRT_OK);
  alloc = wrt_linux_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(alloc, 1u, 4u, &base, &size), WRT_OK);
  assert_int_equal(wrt_provider_init(&p, base, size, sums, per_page, BS, &g_lock), WRT_OK);
  assert_int_equal(wrt_atomic_write(&p, 100u, "hello", 5u), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(alloc, 1u, 2u, &base, &size), WRT_OK);
  assert_int_equal(wrt_provider_resize(&p, base, size, sums2, 3u * per_page), WRT_OK);
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  assert_sums_match(base, size, BS, sums2);
  assert_int_equal(wrt_atomic_write(&p, size - 1u, "x", 1u), WRT_OK);
  assert_int_equal(wrt_atomic_read(&p, 104u, &byte, 1u), WRT_OK);
  assert_int_equal(byte, 'o');
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(alloc, base, size), WRT_OK);
  wrt_linux_allocator_destroy(&a);
}

/* Concurrent writers, verifying readers and verifiers on one provider. */
#define WRITERS 2
#define CHECKERS 2
#define OPS 1500

static wrt_provider_t g_shared;
static _Atomic int g_failures;

static void *writer_main(void *arg) {
  uint64_t s = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15u + 1u;
  uint8_t data[2u * BS];
  for (int i = 0; i < OPS; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    size_t len = 1u + (size_t)(s % sizeof data);
    size_t off = (size_t)((s >> 20) % (REGION - len + 1u));
    memset(data, (int)(s >> 40), len);
    if (wrt_atomic_write(&g_shared, off, data, len) != WRT_OK)
      atomic_fetch_add(&g_failures, 1);
  }
  return NULL;
}

static void *checker_main(void *arg) {
  uint8_t buf[512];
  size_t k = (size_t)(uintptr_t)arg;
  for (int i = 0; i < OPS / 10; i++) {
    if (wrt_provider_verify(&g_shared) != WRT_OK)
      atomic_fetch_add(&g_failures, 1);
    for (int j = 0; j < 10; j++) {
      size_t off = (k * 7919u + (size_t)(i * 10 + j) * 104729u) % (REGION - sizeof buf);
      if (wrt_atomic_read(&g_shared, off, buf, sizeof buf) != WRT_OK)
        atomic_fetch_add(&g_failures, 1);
    }
  }
  return NULL;
}

static void concurrent_writers_and_verifiers(void **state) {
  pthread_t t[WRITERS + CHECKERS];
  (void)state;
  fill_random(region, REGION);
  atomic_store(&g_failures, 0);
  assert_int_equal(wrt_provider_init(&g_shared, region, REGION, sums, 64u, BS, &g_lock),
                   WRT_OK);
  assert_int_equal(wrt_provider_set_verify_reads(&g_shared, true), WRT_OK);
  assert_int_equal(wrt_provider_set_verify_writes(&g_shared, true), WRT_OK);
  for (uintptr_t i = 0; i < WRITERS; i++)
    assert_int_equal(pthread_create(&t[i], NULL, writer_main, (void *)(i + 1u)), 0);
  for (uintptr_t i = 0; i < CHECKERS; i++)
    assert_int_equal(pthread_create(&t[WRITERS + i], NULL, checker_main, (void *)i), 0);
  for (int i = 0; i < WRITERS + CHECKERS; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
  assert_int_equal(atomic_load(&g_failures), 0);
  assert_int_equal(wrt_provider_verify(&g_shared), WRT_OK);
  assert_sums_match(region, REGION, BS, sums);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(init_checksums_every_block),
      cmocka_unit_test(init_argument_errors_change_nothing),
      cmocka_unit_test(write_updates_only_touched_blocks),
      cmocka_unit_test(access_argument_errors_change_nothing),
      cmocka_unit_test(every_flipped_bit_is_detected),
      cmocka_unit_test(verifying_read_and_write_catch_corruption),
      cmocka_unit_test(partial_write_keeps_damage_visible),
      cmocka_unit_test(resize_after_growth),
      cmocka_unit_test(huge_block_size_inits_promptly),
      cmocka_unit_test(init_refuses_mutex_of_destroyed_futex),
      cmocka_unit_test(resize_follows_allocator_grow),
      cmocka_unit_test(concurrent_writers_and_verifiers),
  };
  return cmocka_run_group_tests_name("provider", tests, setup, teardown);
}
