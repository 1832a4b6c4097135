/*
 * fuzz_provider.c - libFuzzer harness for the checksummed-memory provider
 * (src/core/atomic_memory.c) over a wrt_mutex on the Linux futex. Each input
 * picks a block size and region size, then runs writes / reads / verifies /
 * resizes / stray corruptions with random (often out-of-range) arguments,
 * keeping a shadow copy of the region. Checked after every call: status in
 * the documented set; reads return exactly the shadow; errors change
 * nothing; verify reports CORRUPT exactly for the blocks whose checksum no
 * longer matches their bytes (bytes changed behind the provider's back, or
 * overwritten by a partial write while damaged), naming the lowest. Harness
 * code only.
 */
#include "fuzz_common.h"

#include <stdbool.h>

#include "wrt/atomic_memory.h"
#include "wrt/linux_sync.h"
#include "wrt/mutex.h"

#define FP_MAX 8192u

static uint8_t g_mem[FP_MAX];
static uint8_t g_shadow[FP_MAX];
static uint32_t g_sums[FP_MAX / WRT_PROVIDER_MIN_BLOCK_SIZE];
static uint8_t g_io[FP_MAX];
static size_t g_sz;

static size_t g_bs;
/* What each block's stored checksum is the CRC of. The provider updates a
 * partly written block from the changed bytes (checksum ^= crc(old ^ new),
 * documented in atomic_memory.h), so damage under a write stays in the
 * checksum although the bytes are overwritten; a block written whole is
 * checksummed afresh. verify reports exactly the blocks where this differs
 * from memory. */
static uint8_t g_ck[FP_MAX];
static uint8_t g_pre[FP_MAX]; /* memory under a write, before it */

static bool block_damaged(size_t b) {
  size_t start = b * g_bs, end = start + g_bs > g_sz ? g_sz : start + g_bs;
  return memcmp(g_mem + start, g_ck + start, end - start) != 0;
}

/* The lowest block verify must report, or SIZE_MAX when none. */
static size_t lowest_damaged_block(void) {
  for (size_t b = 0; b * g_bs < g_sz; b++)
    if (block_damaged(b))
      return b;
  return SIZE_MAX;
}

static bool damaged(void) { return lowest_damaged_block() != SIZE_MAX; }

/* After a successful write of g_io to [off, off+len); g_pre holds the bytes
 * it replaced. */
static void written(size_t off, size_t len) {
  for (size_t i = off; i < off + len; i++) {
    size_t start = i / g_bs * g_bs, end = start + g_bs > g_sz ? g_sz : start + g_bs;
    bool whole = off <= start && end <= off + len;
    g_ck[i] = whole ? g_io[i - off] : (uint8_t)(g_ck[i] ^ g_pre[i] ^ g_io[i - off]);
  }
  memcpy(g_shadow + off, g_io, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_cursor c = {data, size, 0};
  wrt_linux_futex_t fx;
  wrt_mutex_t m;
  wrt_provider_t p;
  memset(&fx, 0, sizeof fx); /* init refuses storage that looks live */
  FZ_CHECK(wrt_linux_futex_init(&fx, 0u) == WRT_OK);
  FZ_CHECK(wrt_mutex_init(&m, wrt_linux_futex_base(&fx)) == WRT_OK);

  size_t bs = (size_t)WRT_PROVIDER_MIN_BLOCK_SIZE << (fz_u8(&c) % 5u); /* 64..1024 */
  size_t sz = (size_t)fz_bytes(&c, 2) % (FP_MAX / 2u + 1u);
  memset(g_mem, 0, sizeof g_mem);
  for (size_t i = 0; i < sz; i++)
    g_mem[i] = (uint8_t)(i * 7u);
  memcpy(g_shadow, g_mem, sizeof g_mem);
  size_t blocks = wrt_provider_blocks_for(sz, bs);
  if (sz > 0u)
    FZ_CHECK(wrt_provider_init(&p, g_mem, sz, g_sums, blocks - 1u, bs, &m) == WRT_E_INVALID_ARG);
  FZ_CHECK(wrt_provider_init(&p, g_mem, sz, g_sums, blocks, bs, &m) == WRT_OK);
  bool verify_reads = false;
  g_sz = sz;
  g_bs = bs;
  memcpy(g_ck, g_mem, sizeof g_mem);

  while (fz_more(&c)) {
    uint8_t op = fz_u8(&c);
    size_t off = (op & 0x80u) ? fz_size_interesting(&c) : (size_t)fz_bytes(&c, 2) % (sz + 2u);
    size_t len = (op & 0x40u) ? fz_size_interesting(&c) : (size_t)fz_bytes(&c, 2) % (sz + 2u);
    bool in = off <= sz && len <= sz - off;
    bool fits = len <= sizeof g_io;
    switch (op % 6u) {
    case 0: { /* write */
      if (!fits)
        len = sizeof g_io, in = off <= sz && len <= sz - off;
      for (size_t i = 0; i < len; i++)
        g_io[i] = fz_u8(&c);
      bool was_damaged = damaged();
      if (in)
        memcpy(g_pre + off, g_mem + off, len);
      wrt_status st = wrt_atomic_write(&p, off, g_io, len);
      FZ_CHECK(fz_status_valid(st));
      if (!in) {
        FZ_CHECK(st == WRT_E_INVALID_ARG || st == WRT_E_OVERFLOW);
      } else if (st == WRT_OK) {
        written(off, len);
      } else {
        FZ_CHECK(st == WRT_E_CORRUPT && was_damaged);
      }
      FZ_CHECK(memcmp(g_mem + (in ? off : 0u), g_shadow + (in ? off : 0u), in ? len : 0u) == 0 ||
               st != WRT_OK);
      break;
    }
    case 1: { /* read */
      if (!fits)
        len = sizeof g_io, in = off <= sz && len <= sz - off;
      memset(g_io, 0xa5, len);
      wrt_status st = wrt_atomic_read(&p, off, g_io, len);
      FZ_CHECK(fz_status_valid(st));
      if (!in) {
        FZ_CHECK(st == WRT_E_INVALID_ARG || st == WRT_E_OVERFLOW);
      } else if (st == WRT_OK) {
        FZ_CHECK(memcmp(g_io, g_mem + off, len) == 0);
      } else {
        FZ_CHECK(st == WRT_E_CORRUPT && damaged() && verify_reads);
      }
      break;
    }
    case 2: { /* verify */
      wrt_status st = wrt_provider_verify(&p);
      if (!damaged()) {
        FZ_CHECK(st == WRT_OK);
        FZ_CHECK(wrt_provider_first_bad_block(&p) == WRT_PROVIDER_NO_BAD_BLOCK);
      } else {
        FZ_CHECK(st == WRT_E_CORRUPT);
        FZ_CHECK(wrt_provider_first_bad_block(&p) == lowest_damaged_block());
      }
      break;
    }
    case 3: /* stray corruption behind the provider's back */
      if (sz > 0u) {
        size_t at = off % sz;
        g_mem[at] ^= (uint8_t)(1u << (len % 8u));
        if ((op & 0x20u) != 0u) /* put it back */
          g_mem[at] = g_shadow[at];
      }
      break;
    case 4: { /* switch verification */
      verify_reads = (len & 1u) != 0u;
      FZ_CHECK(wrt_provider_set_verify_reads(&p, verify_reads) == WRT_OK);
      FZ_CHECK(wrt_provider_set_verify_writes(&p, (len & 2u) != 0u) == WRT_OK);
      break;
    }
    default: { /* resize (grow only) */
      size_t nsz = sz + len % (FP_MAX - sz + 1u);
      if (damaged())
        break;
      size_t nb = wrt_provider_blocks_for(nsz, bs);
      wrt_status st = wrt_provider_resize(&p, g_mem, nsz, g_sums, nb);
      FZ_CHECK(st == WRT_OK);
      memcpy(g_ck + sz, g_mem + sz, nsz - sz); /* new blocks: checksums of their zeros */
      sz = nsz;
      g_sz = sz;
      FZ_CHECK(wrt_provider_resize(&p, g_mem, sz - (sz > 0u ? 1u : 0u), NULL, 0u) ==
               (sz > 0u ? WRT_E_INVALID_ARG : WRT_OK));
      break;
    }
    }
  }
  wrt_linux_futex_destroy(&fx);
  return 0;
}
