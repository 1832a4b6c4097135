/*
 * wrt/atomic_memory.h - checksummed ("atomic") memory writes: the provider.
 *
 * One concept: wrt_provider_t wraps a memory region (typically a Wasm linear
 * memory from a page allocator) with one CRC-32C per block, kept in an array
 * the caller provides, and a wrt_mutex_t. Every write through the provider
 * copies the bytes and updates the checksums of the blocks it touched while
 * holding the mutex, so anyone holding the mutex sees data and checksums that
 * agree; a change made behind the provider's back (a stray write, a flipped
 * bit) then shows as a checksum mismatch (WRT_E_CORRUPT) in
 * wrt_provider_verify or a verifying read, instead of being executed.
 * A write costs in proportion to the bytes it writes (a partly written block
 * is updated from the changed bytes, not re-read), never to the size of the
 * block array or the region. Includes only mutex.h, crc32c.h, status.h and the C library.
 *
 * Faults: wrt_atomic_write / wrt_atomic_read copy while holding the mutex,
 * so a fault on src / dst, or in a region that is not accessible in full,
 * must not be unwound from (siglongjmp would leave the mutex held): pass
 * accessible buffers and a size within the memory's accessible bytes.
 * docs/unwinding.md lists every call.
 *
 * Not covered: accesses that bypass the provider (the runtime's own loads
 * and stores into base) are neither locked nor checked; they are exactly
 * what verify detects. Concurrent provider calls are safe with each other.
 */
#ifndef WRT_ATOMIC_MEMORY_H
#define WRT_ATOMIC_MEMORY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/crc32c.h"
#include "wrt/mutex.h"
#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WRT_PROVIDER_DEFAULT_BLOCK_SIZE 4096u
#define WRT_PROVIDER_MIN_BLOCK_SIZE 64u
/* wrt_provider_first_bad_block when no mismatch has been found. */
#define WRT_PROVIDER_NO_BAD_BLOCK SIZE_MAX

/* Number of checksums a region of size bytes needs: ceil(size / block_size).
 * 0 when block_size is 0. */
static inline size_t wrt_provider_blocks_for(size_t size, size_t block_size) {
  if (block_size == 0u) {
    return 0u;
  }
  return size / block_size + (size % block_size != 0u ? 1u : 0u);
}

/* Caller-allocated; fields are private. */
typedef struct wrt_provider {
  uint8_t *base;
  size_t size;
  uint32_t *checksums;  /* checksums[i]: CRC-32C of block i */
  size_t block_count;   /* capacity of checksums */
  size_t block_size;    /* power of two >= WRT_PROVIDER_MIN_BLOCK_SIZE */
  unsigned block_shift; /* log2(block_size) */
  uint32_t zero_block_crc;
  wrt_mutex_t *lock; /* NULL: not initialised */
  _Atomic bool verify_reads;
  _Atomic bool verify_writes;
  _Atomic size_t first_bad_block;
} wrt_provider_t;

/*
 * Wraps [base, base + size) and computes every block's checksum into
 * block_checksums[0 .. ceil(size / block_size)) (a partial last block is
 * checksummed over its real length). lock must be an initialised mutex; the
 * provider takes it for every access and does not own it. Reads and writes
 * are not verified until switched on.
 * INVALID_ARG: p or lock NULL, lock not initialised or its futex destroyed
 * since (wrt_mutex_is_initialised false), base NULL with size > 0,
 * block_checksums NULL with size > 0, block_size not a power of two or below
 * 64, block_count < ceil(size / block_size). On error nothing is written.
 */
wrt_status wrt_provider_init(wrt_provider_t *p, uint8_t *base, size_t size,
                             uint32_t *block_checksums, size_t block_count,
                             size_t block_size, wrt_mutex_t *lock);

/* Verify the touched blocks before every read (off by default). */
wrt_status wrt_provider_set_verify_reads(wrt_provider_t *p, bool on);
/* Verify the touched blocks before every write (off by default): a write
 * into a damaged block is then refused (WRT_E_CORRUPT) instead of done.
 * Without it the damage is not lost either: a partly written block's
 * checksum is updated from the changed bytes only, so the mismatch stays
 * for verify to find; a block written whole is replaced whole. */
wrt_status wrt_provider_set_verify_writes(wrt_provider_t *p, bool on);

/*
 * Copies src[0..len) to base + offset and updates the touched blocks'
 * checksums, all under the lock. src may overlap the region.
 * len 0: WRT_OK and nothing happens (the offset must still be <= size).
 * INVALID_ARG: p NULL/uninitialised, src NULL with len > 0, range outside
 * the region; OVERFLOW: offset + len overflows; CORRUPT (verify_writes on):
 * a touched block did not match, nothing written, see first_bad_block; or
 * the mutex's status if locking failed.
 */
wrt_status wrt_atomic_write(wrt_provider_t *p, size_t offset, const void *src,
                            size_t len);

/* Copies base[offset..offset+len) to dst under the lock; with verify_reads
 * on, checks the touched blocks first and on mismatch returns WRT_E_CORRUPT
 * leaving dst untouched. Errors and len 0 as wrt_atomic_write. */
wrt_status wrt_atomic_read(wrt_provider_t *p, size_t offset, void *dst,
                           size_t len);

/* Checks every block under the lock: WRT_OK, or WRT_E_CORRUPT with the
 * lowest bad block index recorded for wrt_provider_first_bad_block. Cost:
 * a CRC over the whole region. */
wrt_status wrt_provider_verify(wrt_provider_t *p);

/* Index of the block of the most recent mismatch found by verify, a
 * verifying read or a verifying write (not by a failed resize); WRT_PROVIDER_NO_BAD_BLOCK if none
 * (or p is NULL). A successful wrt_provider_verify resets it. */
size_t wrt_provider_first_bad_block(const wrt_provider_t *p);

/*
 * Follows a page allocator's grow: the region is now [new_base, new_base +
 * new_size), new_size >= the old size, holding the old bytes followed by
 * zeros (base may have moved). new_checksums: a new array of
 * new_block_count entries to move the checksums into (may be the old one),
 * or NULL to keep the current array (new_block_count must then be 0).
 * New whole blocks get the precomputed checksum of a zero block, so the
 * cost is one block's CRC plus one store per new block. The old partial
 * last block, if any, is verified and re-checksummed over its new length.
 * Takes the lock; the caller must keep provider users from running between
 * a grow that moves base and this call.
 * INVALID_ARG: NULL p, new_base NULL with new_size > 0, new_size < size,
 * too few checksums, new_block_count != 0 with NULL new_checksums;
 * CORRUPT: the old partial block did not match (nothing changed, not even
 * wrt_provider_first_bad_block: run wrt_provider_verify to find the block).
 */
wrt_status wrt_provider_resize(wrt_provider_t *p, uint8_t *new_base,
                               size_t new_size, uint32_t *new_checksums,
                               size_t new_block_count);

#ifdef __cplusplus
}
#endif
#endif
