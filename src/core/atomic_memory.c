/*
 * atomic_memory.c - the checksummed-write provider; see wrt/atomic_memory.h.
 *
 * OS-free (src/core): includes wrt headers, checked_math.h, crc32c_impl.h
 * and the C library.
 * Block indices come from shifts (block_size is a power of two), which
 * cannot overflow; offset + len goes through the checked helpers.
 */
#include "wrt/atomic_memory.h"

#include <string.h>

#include "checked_math.h"
#include "crc32c_impl.h"

static bool initialised(const wrt_provider_t *p) {
  return p != NULL && p->lock != NULL && p->block_size != 0u;
}

/* Length of block i of a region of `size` bytes (i must be < its count). */
static size_t block_len(size_t size, size_t i, unsigned shift, size_t bs) {
  size_t start = i << shift;
  size_t rest = size - start;
  return rest < bs ? rest : bs;
}

static uint32_t block_crc(const wrt_provider_t *p, size_t i) {
  return wrt_crc32c(0u, p->base + (i << p->block_shift),
                    block_len(p->size, i, p->block_shift, p->block_size));
}

/* CRC-32C of len zero bytes without touching len bytes: the raw register
 * starts at all ones (the pre-inversion) and zero bytes only multiply it by
 * x^8 each, so this is O(log len) (wrt_crc32c_zeros) however large a block
 * size the caller gives. */
static uint32_t zeros_crc(size_t len) {
  return ~wrt_crc32c_zeros(0xFFFFFFFFu, len);
}

/* Checks [offset, offset+len) in range: WRT_OK, OVERFLOW or INVALID_ARG. */
static wrt_status check_range(const wrt_provider_t *p, size_t offset,
                              size_t len) {
  size_t end;
  if (wrt_size_add(offset, len, &end) != WRT_OK) {
    return WRT_E_OVERFLOW;
  }
  return wrt_range_within(offset, len, p->size) ? WRT_OK : WRT_E_INVALID_ARG;
}

/* Verifies blocks first..last (inclusive); on mismatch records the block. */
static wrt_status verify_blocks(wrt_provider_t *p, size_t first, size_t last) {
  for (size_t i = first; i <= last; i++) {
    if (block_crc(p, i) != p->checksums[i]) {
      atomic_store(&p->first_bad_block, i);
      return WRT_E_CORRUPT;
    }
  }
  return WRT_OK;
}

wrt_status wrt_provider_init(wrt_provider_t *p, uint8_t *base, size_t size,
                             uint32_t *block_checksums, size_t block_count,
                             size_t block_size, wrt_mutex_t *lock) {
  size_t needed;
  unsigned shift = 0u;
  /* A mutex never initialised, or whose futex was destroyed since (the
   * futex's ops are then gone), is refused here rather than failing every
   * later call. */
  if (p == NULL || !wrt_mutex_is_initialised(lock)) {
    return WRT_E_INVALID_ARG;
  }
  if (block_size < WRT_PROVIDER_MIN_BLOCK_SIZE ||
      !wrt_size_is_aligned(block_size, block_size)) {
    return WRT_E_INVALID_ARG;
  }
  if (size > 0u && (base == NULL || block_checksums == NULL)) {
    return WRT_E_INVALID_ARG;
  }
  needed = wrt_provider_blocks_for(size, block_size);
  if (block_count < needed) {
    return WRT_E_INVALID_ARG;
  }
  while (((size_t)1 << shift) != block_size) {
    shift++;
  }

  p->base = base;
  p->size = size;
  p->checksums = block_checksums;
  p->block_count = block_count;
  p->block_size = block_size;
  p->block_shift = shift;
  p->zero_block_crc = zeros_crc(block_size);
  atomic_init(&p->verify_reads, false);
  atomic_init(&p->verify_writes, false);
  atomic_init(&p->first_bad_block, WRT_PROVIDER_NO_BAD_BLOCK);
  for (size_t i = 0; i < needed; i++) {
    p->checksums[i] = block_crc(p, i);
  }
  p->lock = lock; /* last: marks the provider initialised */
  return WRT_OK;
}

wrt_status wrt_provider_set_verify_reads(wrt_provider_t *p, bool on) {
  if (!initialised(p)) {
    return WRT_E_INVALID_ARG;
  }
  atomic_store(&p->verify_reads, on);
  return WRT_OK;
}

wrt_status wrt_provider_set_verify_writes(wrt_provider_t *p, bool on) {
  if (!initialised(p)) {
    return WRT_E_INVALID_ARG;
  }
  atomic_store(&p->verify_writes, on);
  return WRT_OK;
}

/* Locks p and checks the range under the lock (resize may change the size
 * concurrently). On WRT_OK the lock is held and *first and *last are the touched
 * blocks; otherwise it is not held. len must be > 0. */
static wrt_status lock_range(wrt_provider_t *p, size_t offset, size_t len,
                             size_t *first, size_t *last) {
  wrt_status st = wrt_mutex_lock(p->lock);
  if (st != WRT_OK) {
    return st;
  }
  st = check_range(p, offset, len);
  if (st != WRT_OK) {
    (void)wrt_mutex_unlock(p->lock); /* the range error is what matters */
    return st;
  }
  *first = offset >> p->block_shift;
  *last = (offset + len - 1u) >> p->block_shift; /* in range: no overflow */
  return WRT_OK;
}

/* len 0 is a no-op, but its offset is still checked (under the lock). */
static wrt_status check_empty(wrt_provider_t *p, size_t offset) {
  wrt_status st = wrt_mutex_lock(p->lock), ust;
  if (st != WRT_OK) {
    return st;
  }
  st = check_range(p, offset, 0u);
  ust = wrt_mutex_unlock(p->lock);
  return st != WRT_OK ? st : ust;
}

/* Raw CRC register (from a zero register, no inversion) of old ^ new over n
 * bytes, XORed through a small stack buffer. The XOR runs in groups of 16
 * bytes of constant length, which compilers turn into vector operations at
 * -O2 (a plain byte loop cost 6 instructions a byte, most of a 64-byte
 * write). */
static uint32_t delta_raw(const uint8_t *old, const uint8_t *new_bytes,
                          size_t n) {
  uint8_t x[256];
  uint8_t tail[16];
  uint32_t crc = 0xFFFFFFFFu; /* wrt_crc32c inverts: the register starts at 0 */
  size_t done = 0u;
  while (done < n) {
    size_t chunk = ((n - done) < sizeof x) ? (n - done) : sizeof x;
    size_t rest = chunk % 16u;
    size_t whole = chunk - rest;
    const uint8_t *a = &old[done];
    const uint8_t *b = &new_bytes[done];
    for (size_t i = 0u; i < whole; i += 16u) {
      for (size_t k = 0u; k < 16u; k++) {
        x[i + k] = (uint8_t)(a[i + k] ^ b[i + k]);
      }
    }
    for (size_t k = 0u; k < rest; k++) {
      tail[k] = (uint8_t)(a[whole + k] ^ b[whole + k]);
    }
    crc = wrt_crc32c(crc, x, whole);
    crc = wrt_crc32c(crc, tail, rest);
    done += chunk;
  }
  return ~crc;
}

/*
 * A block only partly written gets its checksum updated from the changed
 * bytes alone: CRC is linear, so for equal lengths crc(old) ^ crc(new) is
 * the raw CRC of old ^ new, which is zero outside the written piece and so
 * is the raw CRC of the piece's XOR advanced over the zero bytes after it.
 * That costs the piece's length plus O(log block_size), not the block's,
 * and it keeps any earlier damage elsewhere in the block visible (a
 * recomputation from memory would take it in). Blocks written whole are
 * simply checksummed after the copy: none of their old bytes remain.
 */
wrt_status wrt_atomic_write(wrt_provider_t *p, size_t offset, const void *src,
                            size_t len) {
  wrt_status st, ust;
  size_t first, last, end;
  const uint8_t *in = src;
  if (!initialised(p) || (src == NULL && len > 0u)) {
    return WRT_E_INVALID_ARG;
  }
  if (len == 0u) {
    return check_empty(p, offset);
  }
  st = lock_range(p, offset, len, &first, &last);
  if (st != WRT_OK) {
    return st;
  }
  end = offset + len; /* checked in lock_range */
  const bool verify = atomic_load(&p->verify_writes);
  if (verify) {
    st = verify_blocks(p, first, last);
  }
  if (st == WRT_OK) {
    /* Partly written blocks (only the first and the last can be), from the
     * old and new bytes, before the copy changes the old ones. */
    for (size_t i = first; i <= last; i++) {
      size_t bstart = i << p->block_shift;
      size_t bend = bstart + block_len(p->size, i, p->block_shift, p->block_size);
      size_t ps = offset > bstart ? offset : bstart;
      size_t pe = end < bend ? end : bend;
      if (ps == bstart && pe == bend) {
        continue; /* written whole: after the copy */
      }
      p->checksums[i] ^= wrt_crc32c_zeros(
          delta_raw(p->base + ps, in + (ps - offset), pe - ps), bend - pe);
    }
    (void)memmove(p->base + offset, src, len);
    for (size_t i = first; i <= last; i++) {
      size_t bstart = i << p->block_shift;
      size_t blen = block_len(p->size, i, p->block_shift, p->block_size);
      if (bstart >= offset && bstart + blen <= end) {
        p->checksums[i] = wrt_crc32c(0u, p->base + bstart, blen);
      }
    }
  }
  /* Data and checksums agree before the unlock; an unlock failure is the
   * backend's and is reported but changes nothing here. */
  ust = wrt_mutex_unlock(p->lock);
  return st != WRT_OK ? st : ust;
}

wrt_status wrt_atomic_read(wrt_provider_t *p, size_t offset, void *dst,
                           size_t len) {
  wrt_status st, ust;
  size_t first, last;
  if (!initialised(p) || (dst == NULL && len > 0u)) {
    return WRT_E_INVALID_ARG;
  }
  if (len == 0u) {
    return check_empty(p, offset);
  }
  st = lock_range(p, offset, len, &first, &last);
  if (st != WRT_OK) {
    return st;
  }
  const bool verify = atomic_load(&p->verify_reads);
  if (verify) {
    st = verify_blocks(p, first, last);
  }
  if (st == WRT_OK) {
    (void)memmove(dst, p->base + offset, len);
  }
  ust = wrt_mutex_unlock(p->lock);
  return st != WRT_OK ? st : ust;
}

wrt_status wrt_provider_verify(wrt_provider_t *p) {
  wrt_status st, ust;
  size_t count;
  if (!initialised(p)) {
    return WRT_E_INVALID_ARG;
  }
  st = wrt_mutex_lock(p->lock);
  if (st != WRT_OK) {
    return st;
  }
  count = wrt_provider_blocks_for(p->size, p->block_size);
  if (count > 0u) {
    st = verify_blocks(p, 0u, count - 1u);
  }
  if (st == WRT_OK) {
    atomic_store(&p->first_bad_block, WRT_PROVIDER_NO_BAD_BLOCK);
  }
  ust = wrt_mutex_unlock(p->lock);
  return st != WRT_OK ? st : ust;
}

size_t wrt_provider_first_bad_block(const wrt_provider_t *p) {
  if (p == NULL) {
    return WRT_PROVIDER_NO_BAD_BLOCK;
  }
  /* Loaded through the pointer to const (C17 DR 459; gcc and clang accept
   * it in C11 mode): no cast removing const (MISRA 11.8). */
  return atomic_load(&p->first_bad_block);
}

wrt_status wrt_provider_resize(wrt_provider_t *p, uint8_t *new_base,
                               size_t new_size, uint32_t *new_checksums,
                               size_t new_block_count) {
  wrt_status st, ust;
  size_t old_count, new_count, capacity, bytes;
  uint32_t *sums;
  bool old_partial;
  if (!initialised(p) || (new_base == NULL && new_size > 0u) ||
      (new_checksums == NULL && new_block_count != 0u)) {
    return WRT_E_INVALID_ARG;
  }
  st = wrt_mutex_lock(p->lock);
  if (st != WRT_OK) {
    return st;
  }
  /* Checked under the lock: a concurrent resize may change them. */
  sums = new_checksums != NULL ? new_checksums : p->checksums;
  capacity = new_checksums != NULL ? new_block_count : p->block_count;
  new_count = wrt_provider_blocks_for(new_size, p->block_size);
  if (new_size < p->size || capacity < new_count ||
      (new_count > 0u && sums == NULL)) {
    (void)wrt_mutex_unlock(p->lock);
    return WRT_E_INVALID_ARG;
  }
  old_count = wrt_provider_blocks_for(p->size, p->block_size);
  st = wrt_size_mul(old_count, sizeof *sums, &bytes);
  /* The old partial last block grows into zeros: check it (over its old
   * length, at its new address) before re-checksumming it, so that damage
   * is reported rather than taken in. */
  old_partial = (p->size & (p->block_size - 1u)) != 0u;
  if (st == WRT_OK && old_partial) {
    size_t i = old_count - 1u;
    size_t start = i << p->block_shift;
    /* Reported by the status alone: on error resize changes nothing,
     * first_bad_block included (wrt_provider_verify will name the block). */
    if (wrt_crc32c(0u, new_base + start, p->size - start) != p->checksums[i]) {
      st = WRT_E_CORRUPT;
    }
  }
  if (st == WRT_OK) {
    if (sums != p->checksums && bytes > 0u) {
      (void)memmove(sums, p->checksums, bytes);
    }
    p->base = new_base;
    p->size = new_size;
    p->checksums = sums;
    p->block_count = capacity;
    if (old_partial) {
      p->checksums[old_count - 1u] = block_crc(p, old_count - 1u);
    }
    for (size_t i = old_count; i < new_count; i++) {
      size_t n = block_len(new_size, i, p->block_shift, p->block_size);
      p->checksums[i] = n == p->block_size ? p->zero_block_crc : zeros_crc(n);
    }
  }
  ust = wrt_mutex_unlock(p->lock);
  return st != WRT_OK ? st : ust;
}
