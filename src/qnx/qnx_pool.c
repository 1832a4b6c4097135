/*
 * qnx_pool.c - the slot pool's QNX Neutrino calls (include/wrt/pool.h):
 * one mmap at init, mprotect to commit and to make pages inaccessible
 * again, posix_madvise(POSIX_MADV_DISCARD_NP) to decommit, munmap at
 * destroy. The free list and the slots' allocator ops are OS-free, in
 * src/core/pool.c.
 *
 * Real QNX code (compiled with qcc against the SDP headers; on Linux
 * against sim/neutrino/include). Doc references are to the QNX C Library
 * Reference 7.1 / 8.0; source references to the QNX 6.4 memory manager
 * (vocho/openqnx, trunk/services/system/memmgr).
 *
 * Why these calls:
 * - Reserve: mmap(PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY), as the
 *   allocator does (qnx_memory.c): MAP_LAZY delays acquiring memory until
 *   an access (mmap), PROT_NONE pages are never accessed.
 * - Commit: mprotect(PROT_READ | PROT_WRITE). It allocates nothing
 *   (memory_reference(..., MR_NOINIT), vmm_mprotect.c:61-66) and never
 *   unmaps, so no MAP_FIXED re-map and no hole (vmm_mmap.c:877-880). Pages
 *   take memory at first touch: the pool commits lazily on QNX.
 * - Decommit: mprotect alone does NOT give memory back (vmm_mprotect.c
 *   only changes the protection), and 6.4's madvise only records the advice
 *   in the map entry (vmm_madvise.c:26-33; vmm_fault.c:151 leaves its use
 *   for the "FUTURE") and refuses any advice above POSIX_MADV_DONTNEED with
 *   EINVAL (memmgr_ctrl.c:157-160). QNX 7.0 added POSIX_MADV_DISCARD_NP:
 *   "discard the backing store for lazy private mappings (similar to
 *   madvise(MADV_DONTNEED) in Linux)" (posix_madvise, 7.1 / 8.0). Our pool
 *   is one lazy private mapping, so: posix_madvise(DISCARD_NP) on the
 *   committed pages, then mprotect(PROT_NONE) so that they are
 *   inaccessible again (the guard semantics). That discarded pages read as
 *   zero when next touched rests on "similar to MADV_DONTNEED" and on new
 *   anonymous memory being zero-filled (System Architecture, "Initializing
 *   allocated memory"); it is not stated in so many words, so a board test
 *   (tests/pool: reacquired_slot_reads_zero) must confirm it on real QNX.
 * - A memory manager without DISCARD_NP (6.x: EINVAL) cannot decommit in
 *   place at all: there the pages are zeroed with memset and stay resident
 *   (correct, not returned to the system), rather than failing every
 *   release. posix_madvise returns the error number, not -1.
 * May include: the C library, <errno.h>, <sys/mman.h>, <unistd.h>, wrt
 * headers, pool_os.h, qnx_prot.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pool_os.h"
#include "qnx_prot.h"
#include "wrt/pool.h"

#define QP_NOFD (-1)

static int qp_reserve(size_t len, uint8_t **out) {
  int err = 0;
  void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY, QP_NOFD, 0);
  if (p == MAP_FAILED) {
    err = errno;
  } else {
    *out = (uint8_t *)p;
  }
  return err;
}

static int qp_unreserve(uint8_t *addr, size_t len) {
  return (munmap(addr, len) == 0) ? 0 : errno;
}

static int qp_protect(uint8_t *addr, size_t len, wrt_mem_access access) {
  return (mprotect(addr, len, wrt_qnx_prot(access)) == 0) ? 0 : errno;
}

static int qp_discard(uint8_t *addr, size_t len) {
#if defined(POSIX_MADV_DISCARD_NP)
  int rc = posix_madvise(addr, len, POSIX_MADV_DISCARD_NP);
  if (rc == EINVAL) {
    /* 6.x memory manager: no discard (see the top). */
    (void)memset(addr, 0, len);
    rc = 0;
  }
  return rc;
#else
  /* SDP 6.4/6.6 headers have no POSIX_MADV_DISCARD_NP (docs/qnx-semantics.md
   * M12): zero in place, as for a 6.x memory manager's EINVAL above. */
  (void)memset(addr, 0, len);
  return 0;
#endif
}

wrt_status wrt_qnx_pool_init(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                             const wrt_pool_config_t *cfg) {
  static const struct wrt_pool_os qnx_pool_os = {qp_reserve, qp_unreserve, qp_protect,
                                                 qp_discard, NULL};
  long page = sysconf(_SC_PAGESIZE);
  wrt_status st = WRT_E_OS;
  if (page > 0) {
    st = wrt_pool_init_os(p, slots, slot_count, cfg, &qnx_pool_os, (size_t)page);
  }
  return st;
}
