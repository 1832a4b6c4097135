/*
 * linux_pool.c - the slot pool's Linux calls (include/wrt/pool.h): one
 * mmap at init, mprotect to commit and to make pages inaccessible again,
 * madvise(MADV_DONTNEED) to decommit, munmap at destroy. The free list and
 * the slots' allocator ops are OS-free, in src/core/pool.c.
 * MADV_DONTNEED on private anonymous memory: "subsequent accesses of pages
 * in the range will succeed, but will result in ... zero-fill-on-demand
 * pages" (madvise(2)), and it frees the pages at once (unlike MADV_FREE),
 * so a release gives the memory back deterministically. mprotect does not
 * free pages: the keep-resident bytes stay resident while PROT_NONE.
 * isolate: each slot's keep-resident bytes (its first Wasm page if it
 * keeps none) get MADV_NOHUGEPAGE at init, a flag their neighbours lack, so
 * the kernel keeps them a mapping (VMA) of their own: a cycle that makes
 * exactly those bytes read-write and PROT_NONE again (an instance that fits
 * them) changes one VMA's flags instead of splitting the reservation's VMA
 * and merging it back, which measured about half of a 64 KiB mprotect pair
 * here (docs/evidence.md, issue 25). THP cannot apply to them anyway unless
 * keep_resident spans an aligned 2 MiB; then they stay in 4 KiB pages,
 * which is what resident-and-zeroed-each-release wants. Costs two VMAs
 * per slot (vm.max_map_count, 65530 by default, bounds a process's
 * total). A kernel without THP refuses the advice: only time is lost.
 * May include: POSIX/Linux headers, the public headers, pool_os.h,
 * linux_prot.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux_prot.h"
#include "pool_os.h"
#include "wrt/pool.h"

static int lp_reserve(size_t len, uint8_t **out) {
  /* PROT_NONE + MAP_NORESERVE: address space only, nothing committed. */
  int err = 0;
  void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    err = errno;
  } else {
    *out = (uint8_t *)p;
  }
  return err;
}

static int lp_unreserve(uint8_t *addr, size_t len) {
  return (munmap(addr, len) == 0) ? 0 : errno;
}

static int lp_protect(uint8_t *addr, size_t len, wrt_mem_access access) {
  return (mprotect(addr, len, wrt_linux_prot(access)) == 0) ? 0 : errno;
}

static int lp_discard(uint8_t *addr, size_t len) {
  return (madvise(addr, len, MADV_DONTNEED) == 0) ? 0 : errno;
}

static void lp_isolate(uint8_t *addr, size_t len) {
  (void)madvise(addr, len, MADV_NOHUGEPAGE); /* a hint: see the top */
}

wrt_status wrt_linux_pool_init(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                               const wrt_pool_config_t *cfg) {
  static const struct wrt_pool_os linux_pool_os = {lp_reserve, lp_unreserve, lp_protect,
                                                   lp_discard, lp_isolate};
  long page = sysconf(_SC_PAGESIZE);
  wrt_status st = WRT_E_OS;
  if (page > 0) {
    st = wrt_pool_init_os(p, slots, slot_count, cfg, &linux_pool_os, (size_t)page);
  }
  return st;
}
