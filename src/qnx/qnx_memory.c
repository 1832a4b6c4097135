/*
 * qnx_memory.c - the QNX Neutrino page allocator (reserve, commit, grow,
 * protect, release); see include/wrt/qnx_memory.h. Its partition budget,
 * typed-memory commit, builder and the process cap are files of their own
 * (qnx_partition.c, qnx_typed_memory.c, qnx_allocator_builder.c,
 * qnx_process_cap.c), sharing qnx_memory_internal.h.
 *
 * Real QNX code: only POSIX and QNX headers and names (no mremap, madvise,
 * memfd or MAP_NORESERVE, no GNU extensions), so it compiles with qcc against
 * the SDP headers and, on a Linux host, against sim/neutrino/include (which
 * supplies only the QNX-only names). May include: the C library, <errno.h>,
 * <sys/mman.h>, <unistd.h>, wrt headers, checked_math.h, page_rules.h,
 * region_latch.h, qnx_memory_internal.h and qnx_prot.h. Doc references are to the QNX C Library Reference (7.1 /
 * 8.0) unless said otherwise.
 *
 * Layout of one region (one mapping, made by region_reserve):
 *   [guard_before][slack][base ... committed | reserved, inaccessible]
 *   [guard_after][rest of the slack]
 * The reservation is at least one page, so even an empty region owns the
 * page at its base. The whole mapping belongs to the region: that is the
 * span wrt_page_allocator_query reports.
 * The whole mapping starts PROT_NONE | MAP_LAZY, so it holds no memory.
 * Anonymous memory is committed with mprotect, never by re-mapping: QNX's
 * mmap of a MAP_FIXED range unmaps the old range before it allocates and
 * does not put it back when the allocation fails (openqnx memmgr,
 * vmm_mmap.c:877-880, 903-908, 1084-1091), which leaves a hole another
 * thread's mmap can land in; it also checks RLIMIT_AS/RLIMIT_DATA as if the
 * old range were still mapped (vmm_mmap.c:593-603), so each re-map needs
 * its length of headroom. mprotect does neither (vmm_mprotect.c:54-87: it
 * changes the protection and references the pages MR_NOINIT, which
 * allocates nothing, mm_reference.c:650). Typed memory can only be mapped
 * from its descriptor, so it is still committed by a MAP_FIXED re-map; see
 * commit(). The base never moves inside a reservation.
 */
/* POSIX names, plus the QNX extensions (MAP_LAZY, MAP_ANON, typed memory):
 * _QNX_SOURCE ("Conforming to standards", QNX Programmer's Guide). */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include "wrt/qnx_memory.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checked_math.h"
#include "page_rules.h"
#include "qnx_memory_internal.h"
#include "qnx_prot.h"
#include "region_latch.h"

static const wrt_page_allocator_ops_t qnx_ops;

/* ---- status helpers ------------------------------------------------------ */

/* mmap: ENOMEM "not enough memory", EAGAIN "insufficient resources
 * available / couldn't lock" (mmap, QNX C Library Reference). */
wrt_status wrt_qnx_os_fail(wrt_qnx_allocator_t *a, int err) {
  a->last_os_error = err;
  if (err == ENOMEM || err == EAGAIN) {
    return WRT_E_NO_MEMORY;
  }
  return WRT_E_OS;
}

/* ---- mappings ------------------------------------------------------------ */

typedef struct qnx_region {
  uint8_t *map_addr;
  size_t map_len;
  uint8_t *base;
} qnx_region_t;

static wrt_page_config_t rules_config(const wrt_qnx_allocator_config_t *c) {
  wrt_page_config_t r;
  r.guard_pages = c->guard_pages;
  r.guard_size = c->guard_size;
  r.guard_before = c->guard_before;
  r.guard_after = c->guard_after;
  r.guard_reach = c->guard_reach;
  r.max_pages = c->max_pages;
  r.growth = c->growth;
  r.reserve_pages = c->reserve_pages;
  r.no_move = c->no_move;
  r.memory64 = c->memory64;
  return r;
}

/* Tells wrt_page_allocator_query where the region is now. */
static void publish(wrt_qnx_allocator_t *a) {
  wrt_region_latch_publish_mapping(&a->latch, a->allocated, a->map_addr, a->map_len, a->mem_base,
                                   a->mem_size, a->reserved_size);
}

/* Reserves address space for `reserved` bytes plus guards, holding no memory.
 * PROT_NONE: no access (mmap). MAP_PRIVATE: named always, QNX 7.0+ rejects a
 * mapping without MAP_PRIVATE or MAP_SHARED with EINVAL (7.0 migration guide).
 * MAP_ANON: anonymous memory (mmap). MAP_LAZY: without it QNX allocates the
 * memory of a private mapping when it is mapped; with it "delay acquiring
 * system memory ... until an access to the area has occurred" (mmap; System
 * Architecture, "Locking memory"). PROT_NONE pages are never accessed, so
 * the reservation never takes memory. */
static wrt_status region_reserve(wrt_qnx_allocator_t *a, size_t reserved,
                                 qnx_region_t *r) {
  wrt_page_config_t rules = rules_config(&a->config);
  size_t guard, after, len;
  wrt_status st = wrt_page_mapping_bytes(&rules, reserved, a->os_page, &len);
  if (st != WRT_OK) {
    return st;
  }
  wrt_page_guards(&rules, reserved, &guard, &after);
  void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY,
                 WRT_QNX_NOFD, 0);
  if (p == MAP_FAILED) {
    return wrt_qnx_os_fail(a, errno);
  }
  uint8_t *start = (uint8_t *)p + guard;
  size_t misalign = (size_t)((uintptr_t)start & (WRT_WASM_PAGE_SIZE - 1u));
  r->map_addr = (uint8_t *)p;
  r->map_len = len;
  /* The slack is a Wasm page less one page, so the aligned base, its
   * reservation (at least one page) and the trailing guard stay inside. */
  r->base = misalign == 0u ? start : start + (WRT_WASM_PAGE_SIZE - misalign);
  return WRT_OK;
}

/* munmap: the whole mapping, guards and reservation (munmap). */
static wrt_status unmap(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  if (munmap(addr, len) != 0) {
    return wrt_qnx_os_fail(a, errno);
  }
  return WRT_OK;
}

/* A failure path that must release a mapping; the first error is the one
 * reported, a failing munmap is kept in last_os_error. */
static void unmap_quietly(wrt_qnx_allocator_t *a, const qnx_region_t *r) {
  int saved = a->last_os_error;
  if (munmap(r->map_addr, r->map_len) != 0) {
    a->last_os_error = errno;
  } else {
    a->last_os_error = saved;
  }
}

/* Makes [addr, addr+len) of a reservation accessible and zero.
 * Anonymous memory: mprotect(PROT_READ | PROT_WRITE) on the MAP_LAZY
 * reservation. It never unmaps, so a failure leaves the range reserved and
 * inaccessible (no hole), and it is not checked against the resource limits
 * (vmm_mprotect.c has no rlimit check; the reservation was counted when it
 * was made). It allocates nothing (MR_NOINIT, vmm_mprotect.c:66): the pages
 * of a MAP_LAZY mapping take memory at first touch (mmap: MAP_LAZY; 7.1
 * System Architecture, "Locking memory"; mlock does not force them in
 * either, vmm_mlock.c:57-61). Not lazy, anonymous, not a shared
 * placement: the object commit of qnx_object_commit.c (F_ALLOCSP on the
 * region's private object, then mprotect: memory held, clean NO_MEMORY, no
 * page touched; docs/qnx-semantics.md "Grow without a fault per page").
 * A shared placement that is not lazy still touches every page here, so
 * its memory is taken during the grow (its object is sized SHMCTL_LAZY up
 * front: qnx_shared_memory.c). New anonymous
 * memory is zero-filled (System Architecture, "Initializing allocated
 * memory"). A failed mprotect may have changed part of the range
 * (vmm_mprotect.c:54-89 stops at the failing entry): it is set back to
 * PROT_NONE. */
static wrt_status commit(wrt_qnx_allocator_t *a, uint8_t *addr, size_t obj_off,
                         size_t len) {
  if (len == 0u) {
    return WRT_OK;
  }
  if (a->config.typed_memory != NULL) {
    return wrt_qnx_commit_typed(a, addr, len);
  }
  /* Eager anonymous memory: an object grown in 2 calls, no page touched
   * (qnx_object_commit.c); obj_off is addr's offset in the region. */
  if (wrt_qnx_object_mode(&a->config)) {
    return wrt_qnx_object_commit(a, addr, obj_off, len);
  }
  if (mprotect(addr, len, PROT_READ | PROT_WRITE) != 0) {
    wrt_status failed = wrt_qnx_os_fail(a, errno);
    if (mprotect(addr, len, PROT_NONE) != 0) {
      a->last_os_error = errno;
    }
    return failed;
  }
  if (!a->config.lazy) {
    volatile uint8_t *page = addr;
    for (size_t off = 0u; off < len; off += a->os_page) {
      page[off] = 0u;
    }
  }
  return WRT_OK;
}


wrt_status wrt_qnx_allocator_init(wrt_qnx_allocator_t *a,
                                  const wrt_qnx_allocator_config_t *cfg) {
  if (a == NULL || cfg == NULL) {
    return WRT_E_INVALID_ARG;
  }
  /* Re-initialising a live allocator would forget its mapping and its
   * partition charge: destroy it first. */
  if (a->base.ops == &qnx_ops && a->allocated) {
    return WRT_E_STATE;
  }
  if (cfg->typed_memory != NULL && cfg->typed_memory[0] == '\0') {
    return WRT_E_INVALID_ARG;
  }
  /* MAP_LAZY on typed memory is EINVAL (vmm_mmap.c:155) and typed mappings
   * are locked (7.1 System Architecture, "Locking memory"): a lazy typed
   * allocator could never commit, so the combination is refused here
   * rather than dropped silently. */
  if (cfg->typed_memory != NULL && cfg->lazy) {
    return WRT_E_INVALID_ARG;
  }
  /* The page size is a run-time value on aarch64 (7.1, 8.0): sysconf
   * (_SC_PAGESIZE) (sysconf, QNX C Library Reference). */
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) {
    return WRT_E_OS;
  }
  size_t os_page = (size_t)page;
  /* Also checks that the largest mapping this config can ask for is
   * computable (OVERFLOW). */
  wrt_page_config_t rules = rules_config(cfg);
  wrt_status st = wrt_page_check_config(&rules, os_page);
  if (st == WRT_OK) {
    st = wrt_qnx_placement_check(cfg);
  }
  if (st != WRT_OK) {
    return st;
  }

  wrt_qnx_allocator_t fresh;
  (void)memset(&fresh, 0, sizeof fresh);
  fresh.base.ops = &qnx_ops;
  fresh.config = *cfg;
  fresh.os_page = os_page;
  if (cfg->typed_memory != NULL) {
    /* The pool must exist now, so that a missing pool is reported here
     * rather than at the first grow. */
    int fd;
    st = wrt_qnx_typed_open(&fresh, &fd);
    if (st != WRT_OK) {
      return st;
    }
    wrt_qnx_typed_close(&fresh, fd);
  }
  wrt_region_latch_init(&fresh.latch);
  *a = fresh;
  return WRT_OK;
}

void wrt_qnx_allocator_destroy(wrt_qnx_allocator_t *a) {
  if (a == NULL || a->base.ops != &qnx_ops) {
    return;
  }
  int last = a->last_os_error;
  if (a->allocated) {
    /* A failing munmap leaves the mapping behind, but the object forgets it
     * either way; the errno is all that can be reported. */
    if (munmap(a->map_addr, a->map_len) != 0) {
      last = errno;
    }
    wrt_qnx_shm_release(a);
    wrt_qnx_partition_refund(a->config.partition, a->charged);
  }
  (void)memset(a, 0, sizeof *a);
  a->last_os_error = last;
}

wrt_page_allocator_t *wrt_qnx_allocator_base(wrt_qnx_allocator_t *a) {
  if (a == NULL || a->base.ops != &qnx_ops) {
    return NULL;
  }
  return &a->base;
}

/* ---- the page-allocator operations -------------------------------------- */

static wrt_qnx_allocator_t *self_of(wrt_page_allocator_t *self) {
  /* base is the first member. */
  return (wrt_qnx_allocator_t *)(void *)self;
}

/* Gives a failed region's charge back and returns st. */
static wrt_status refund_failed(wrt_qnx_allocator_t *a, size_t charge, wrt_status st) {
  wrt_qnx_partition_refund(a->config.partition, charge);
  return st;
}

/* A new region: reserve reserve_pages, commit `pages`, charge the partition
 * `charge` bytes. On error nothing is left mapped or charged. */
static wrt_status region_create(wrt_qnx_allocator_t *a, uint32_t pages,
                                uint32_t reserve_pages, size_t charge,
                                qnx_region_t *r) {
  size_t size, reserved;
  wrt_status st = wrt_pages_to_bytes(pages, &size);
  if (st == WRT_OK) {
    st = wrt_pages_to_bytes(reserve_pages, &reserved);
  }
  if (st != WRT_OK) {
    return st;
  }
  st = wrt_qnx_partition_charge(a->config.partition, charge);
  if (st != WRT_OK) {
    return st;
  }
  st = region_reserve(a, reserved, r);
  if ((st == WRT_OK) && (a->config.placement.shared || wrt_qnx_object_mode(&a->config))) {
    /* A shared region's reservation is its object (qnx_shared_memory.c);
     * so is an eager one's, a private object (qnx_object_commit.c). */
    st = a->config.placement.shared ? wrt_qnx_shm_attach(a, r->base, reserved)
                                    : wrt_qnx_object_attach(a, r->base, reserved);
    if (st != WRT_OK) {
      unmap_quietly(a, r);
      return refund_failed(a, charge, st);
    }
  }
  if (st == WRT_OK) {
    st = commit(a, r->base, 0u, size);
    if (st != WRT_OK) {
      unmap_quietly(a, r);
      wrt_qnx_shm_release(a);
    }
  }
  if (st != WRT_OK) {
    wrt_qnx_partition_refund(a->config.partition, charge);
  }
  return st;
}

static wrt_status qnx_allocate(wrt_page_allocator_t *self,
                               uint32_t initial_pages, uint32_t maximum_pages,
                               uint8_t **base, size_t *size) {
  wrt_qnx_allocator_t *a = self_of(self);
  uint32_t max;
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  wrt_status st = wrt_page_check_allocate(initial_pages, maximum_pages, a->config.max_pages,
                                          a->config.memory64, &max);
  if (st != WRT_OK) {
    return st;
  }
  if (a->allocated) {
    return WRT_E_STATE;
  }
  uint32_t reserve =
      wrt_page_reservation(a->config.growth, a->config.reserve_pages, initial_pages, max);
  size_t bytes;
  st = wrt_pages_to_bytes(initial_pages, &bytes);
  if (st != WRT_OK) {
    return st;
  }
  qnx_region_t r;
  st = region_create(a, initial_pages, reserve, bytes, &r);
  if (st != WRT_OK) {
    return st;
  }
  a->map_addr = r.map_addr;
  a->map_len = r.map_len;
  a->mem_base = r.base;
  a->mem_size = bytes;
  a->reserved_size = (size_t)reserve * WRT_WASM_PAGE_SIZE; /* checked above */
  a->charged = bytes;
  a->pages = initial_pages;
  a->max_pages = max;
  a->allocated = true;
  a->protect_changed = false;
  publish(a);
  *base = a->mem_base;
  *size = a->mem_size;
  return WRT_OK;
}

static wrt_status qnx_grow(wrt_page_allocator_t *self, uint32_t current_pages,
                           uint32_t additional_pages, uint8_t **base,
                           size_t *size) {
  wrt_qnx_allocator_t *a = self_of(self);
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!a->allocated) {
    return WRT_E_STATE;
  }
  wrt_status st = wrt_page_check_grow(a->pages, a->max_pages, current_pages, additional_pages);
  if (st != WRT_OK) {
    return st;
  }
  if (additional_pages == 0u) {
    *base = a->mem_base;
    *size = a->mem_size;
    return WRT_OK;
  }
  uint32_t new_pages = current_pages + additional_pages;
  size_t new_size;
  st = wrt_pages_to_bytes(new_pages, &new_size);
  if (st != WRT_OK) {
    return st;
  }
  size_t delta = new_size - a->mem_size;

  bool in_place = a->config.growth == WRT_GROW_RESERVE && new_size <= a->reserved_size;
  /* Moving would change the base a runtime may have cached; a shared
   * region (its object mapped by others) never moves. */
  if (!in_place && (a->config.no_move || a->config.placement.shared)) {
    return WRT_E_LIMIT;
  }
  if (in_place) {
    /* In place: the base never moves inside the reservation. */
    st = wrt_qnx_partition_charge(a->config.partition, delta);
    if (st != WRT_OK) {
      return st;
    }
    st = commit(a, a->mem_base + a->mem_size, a->mem_size, delta);
    if (st != WRT_OK) {
      wrt_qnx_partition_refund(a->config.partition, delta);
      return st;
    }
  } else {
    /* QNX has no mremap: allocate new, copy, free old (the seed's answer).
     * Copying reads every byte, so access must not be narrowed. */
    if (a->protect_changed) {
      return WRT_E_STATE;
    }
    uint32_t reserve = wrt_page_moved_reservation(
        a->config.growth, (uint32_t)(a->reserved_size / WRT_WASM_PAGE_SIZE), new_pages,
        a->max_pages);
    qnx_region_t r;
    /* The new region gets its own object (eager mode); the old one's is
     * kept aside until the old region is gone. */
    wrt_qnx_object_saved_t old_obj = wrt_qnx_object_stash(a);
    st = region_create(a, new_pages, reserve, delta, &r);
    if (st != WRT_OK) {
      wrt_qnx_object_restore(a, old_obj);
      return st;
    }
    if (a->mem_size != 0u) {
      (void)memcpy(r.base, a->mem_base, a->mem_size);
    }
    /* Publish the new region before the old one goes, so that a query
     * never reports an unmapped span. */
    qnx_region_t old = {a->map_addr, a->map_len, a->mem_base};
    size_t old_size = a->mem_size;
    size_t old_reserved = a->reserved_size;
    a->map_addr = r.map_addr;
    a->map_len = r.map_len;
    a->mem_base = r.base;
    a->mem_size = new_size;
    a->reserved_size = (size_t)reserve * WRT_WASM_PAGE_SIZE;
    publish(a);
    st = unmap(a, old.map_addr, old.map_len);
    if (st != WRT_OK) {
      /* Keep the old region, intact and owned; drop the new one. */
      a->map_addr = old.map_addr;
      a->map_len = old.map_len;
      a->mem_base = old.base;
      a->mem_size = old_size;
      a->reserved_size = old_reserved;
      publish(a);
      unmap_quietly(a, &r);
      wrt_qnx_object_restore(a, old_obj);
      wrt_qnx_partition_refund(a->config.partition, delta);
      return st;
    }
    wrt_qnx_object_drop(a, old_obj);
  }
  a->mem_size = new_size;
  a->charged += delta;
  a->pages = new_pages;
  publish(a);
  *base = a->mem_base;
  *size = a->mem_size;
  return WRT_OK;
}

/* The checks protect and discard share. */
static wrt_status check_range(const wrt_qnx_allocator_t *a, size_t offset,
                              size_t len) {
  wrt_status st = wrt_page_check_protect(offset, len, a->os_page, WRT_MEM_READ_WRITE);
  if (st != WRT_OK) {
    return st;
  }
  if (!a->allocated) {
    return WRT_E_STATE;
  }
  if (!wrt_range_within(offset, len, a->mem_size)) {
    return WRT_E_INVALID_ARG;
  }
  return WRT_OK;
}

static wrt_status qnx_protect(wrt_page_allocator_t *self, size_t offset,
                              size_t len, wrt_mem_access access) {
  wrt_qnx_allocator_t *a = self_of(self);
  if ((access != WRT_MEM_NONE) && (access != WRT_MEM_READ) && (access != WRT_MEM_READ_WRITE)) {
    return WRT_E_INVALID_ARG;
  }
  int prot = wrt_qnx_prot(access);
  wrt_status st = check_range(a, offset, len);
  if (st != WRT_OK) {
    return st;
  }
  /* mprotect: change the access of whole pages of a mapping (mprotect). */
  if (mprotect(a->mem_base + offset, len, prot) != 0) {
    return wrt_qnx_os_fail(a, errno);
  }
  if (access != WRT_MEM_READ_WRITE) {
    a->protect_changed = true;
  } else if (offset == 0u && len == a->mem_size) {
    a->protect_changed = false;
  } else {
    /* read-write on part of the region: what protect() narrowed elsewhere
     * may still be narrowed, so the flag stays as it is */
  }
  return WRT_OK;
}

static wrt_status qnx_deallocate(wrt_page_allocator_t *self, uint8_t *base,
                                 size_t size) {
  wrt_qnx_allocator_t *a = self_of(self);
  if (!a->allocated || base != a->mem_base || size != a->mem_size) {
    return WRT_E_STATE;
  }
  /* Unpublish first, so that a query never reports an unmapped span. */
  a->allocated = false;
  publish(a);
  wrt_status st = unmap(a, a->map_addr, a->map_len);
  if (st != WRT_OK) {
    a->allocated = true;
    publish(a);
    return st;
  }
  wrt_qnx_shm_release(a);
  wrt_qnx_partition_refund(a->config.partition, a->charged);
  a->map_addr = NULL;
  a->map_len = 0u;
  a->mem_base = NULL;
  a->mem_size = 0u;
  a->reserved_size = 0u;
  a->charged = 0u;
  a->pages = 0u;
  a->max_pages = 0u;
  a->allocated = false;
  a->protect_changed = false;
  return WRT_OK;
}

static wrt_status qnx_query(const wrt_page_allocator_t *self, wrt_region_info_t *out) {
  /* base is the first member. */
  const wrt_qnx_allocator_t *a = (const wrt_qnx_allocator_t *)(const void *)self;
  return wrt_region_latch_read(&a->latch, out);
}

static const wrt_page_allocator_ops_t qnx_ops = {
    qnx_allocate, qnx_grow, qnx_protect, qnx_deallocate, qnx_query};

wrt_status wrt_qnx_allocator_discard(wrt_qnx_allocator_t *a, size_t offset,
                                     size_t len) {
  if (a == NULL || a->base.ops != &qnx_ops) {
    return WRT_E_INVALID_ARG;
  }
  wrt_status st = check_range(a, offset, len);
  if (st != WRT_OK) {
    return st;
  }
  /* Typed memory, and a shared region: its pages are a shared object's
   * (qnx_shared_memory.c), not the lazy private mapping DISCARD_NP is
   * documented for, and a peer may be using them. */
  if (a->config.typed_memory != NULL || a->config.placement.shared) {
    return WRT_E_UNSUPPORTED;
  }
  if (wrt_qnx_object_mode(&a->config)) {
    return wrt_qnx_object_discard(a, offset, len); /* memory kept: zeroed */
  }
  /* Every anonymous committed page lies in the MAP_LAZY reservation
   * (commit() only mprotects it), in both modes. POSIX_MADV_DISCARD_NP
   * (7.0+): "discard the backing store for lazy private mappings (similar
   * to madvise(MADV_DONTNEED) in Linux)" (posix_madvise). It does not
   * re-map, so it leaves no hole and keeps the protection. It returns the
   * error number, not -1. SDP 6.4 and 6.6 have no POSIX_MADV_DISCARD_NP
   * (absent from 6.4 lib/c/public/sys/mman.h and SDP 6.6 sys/mman.h; 6.4's
   * madvise only records the advice, memmgr/vmm_madvise.c), and the only
   * other way to drop pages, a MAP_FIXED re-map, can leave a hole (see the
   * top of this file): there, discard is UNSUPPORTED. */
#if defined(POSIX_MADV_DISCARD_NP)
  int rc = posix_madvise(a->mem_base + offset, len, POSIX_MADV_DISCARD_NP);
  if (rc != 0) {
    return wrt_qnx_os_fail(a, rc);
  }
  return WRT_OK;
#else
  return WRT_E_UNSUPPORTED;
#endif
}
