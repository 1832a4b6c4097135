/*
 * qnx_memory.c - the QNX Neutrino page allocator, memory budgets and the
 * process memory cap; see include/wrt/qnx_memory.h.
 *
 * Real QNX code: only POSIX and QNX headers and names (no mremap, madvise,
 * memfd or MAP_NORESERVE, no GNU extensions), so it compiles with qcc against
 * the SDP headers and, on a Linux host, against sim/neutrino/include (which
 * supplies only the QNX-only names). May include: the C library, <errno.h>,
 * <fcntl.h>, <sys/mman.h>, <sys/resource.h>, <unistd.h>, wrt headers and
 * checked_math.h. Doc references are to the QNX C Library Reference (7.1 /
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
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "checked_math.h"
#include "page_rules.h"
#include "region_latch.h"

/* mmap's fd for anonymous memory: NOFD (-1) on QNX (mmap). */
#define WRT_QNX_NOFD (-1)

static const wrt_page_allocator_ops_t qnx_ops;

/* ---- status helpers ------------------------------------------------------ */

/* mmap: ENOMEM "not enough memory", EAGAIN "insufficient resources
 * available / couldn't lock" (mmap, QNX C Library Reference). */
static wrt_status os_fail(wrt_qnx_allocator_t *a, int err) {
  a->last_os_error = err;
  if (err == ENOMEM || err == EAGAIN) {
    return WRT_E_NO_MEMORY;
  }
  return WRT_E_OS;
}

/* ---- partition ----------------------------------------------------------- */

wrt_status wrt_qnx_partition_init(wrt_qnx_partition_t *p, size_t limit_bytes) {
  if (p == NULL || limit_bytes == 0u) {
    return WRT_E_INVALID_ARG;
  }
  p->limit = limit_bytes;
  atomic_init(&p->used, (size_t)0);
  return WRT_OK;
}

size_t wrt_qnx_partition_used(const wrt_qnx_partition_t *p) {
  if (p == NULL) {
    return 0u;
  }
  /* Loading through a pointer to const: allowed since C17 (DR 459), and
   * gcc and clang (qcc is gcc) accept it in C11 mode; no cast removing
   * const (MISRA 11.8). */
  return atomic_load_explicit(&p->used, memory_order_acquire);
}

size_t wrt_qnx_partition_limit(const wrt_qnx_partition_t *p) {
  return p == NULL ? 0u : p->limit;
}

/* Compare-and-swap so that concurrent charges never pass the limit. */
static wrt_status partition_charge(wrt_qnx_partition_t *p, size_t bytes) {
  if (p == NULL || bytes == 0u) {
    return WRT_OK;
  }
  size_t cur = atomic_load_explicit(&p->used, memory_order_relaxed);
  size_t next;
  do {
    if (wrt_size_add(cur, bytes, &next) != WRT_OK || next > p->limit) {
      return WRT_E_LIMIT;
    }
  } while (!atomic_compare_exchange_weak_explicit(
      &p->used, &cur, next, memory_order_acq_rel, memory_order_relaxed));
  return WRT_OK;
}

static void partition_refund(wrt_qnx_partition_t *p, size_t bytes) {
  if (p != NULL && bytes != 0u) {
    atomic_fetch_sub_explicit(&p->used, bytes, memory_order_acq_rel);
  }
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
    return os_fail(a, errno);
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
    return os_fail(a, errno);
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

/* typed memory: a missing pool or no typed-memory support is UNSUPPORTED. */
static wrt_status typed_open(wrt_qnx_allocator_t *a, int *fd) {
  /* posix_typed_mem_open(name, O_RDWR, POSIX_TYPED_MEM_ALLOCATE): "allocate
   * on mmap()": each mmap of the descriptor takes new memory from the pool
   * (posix_typed_mem_open; System Architecture, "Typed memory"). */
  int f = posix_typed_mem_open(a->config.typed_memory, O_RDWR,
                               POSIX_TYPED_MEM_ALLOCATE);
  if (f < 0) {
    int err = errno;
    a->last_os_error = err;
    if (err == ENOENT || err == ENOSYS || err == ENOTSUP) {
      return WRT_E_UNSUPPORTED;
    }
    return os_fail(a, err);
  }
  *fd = f;
  return WRT_OK;
}

/* Closing does not unmap (POSIX / QNX mmap: the mapping holds its own
 * reference); a failed close is recorded but not retried, since after an
 * error the descriptor's state is unspecified and a retry could close a
 * descriptor another thread just opened. */
static void typed_close(wrt_qnx_allocator_t *a, int fd) {
  if (close(fd) != 0) {
    a->last_os_error = errno;
  }
}

/* After a failed MAP_FIXED mmap, POSIX allows "some of the mappings in the
 * address range ... may have been unmapped" (mmap), and QNX does unmap them
 * (vmm_mmap.c:877-880, not restored at 1084-1091). Put the inaccessible
 * reservation back at once. It needs no memory (PROT_NONE | MAP_LAZY), so
 * this is expected to succeed; if it does not, the errno is kept. Only the
 * typed-memory commit can need this (see commit_typed). */
static void restore_reservation(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  void *p = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_FIXED | MAP_LAZY,
                 WRT_QNX_NOFD, 0);
  if (p == MAP_FAILED) {
    a->last_os_error = errno;
  }
}

/* Typed memory: mapped MAP_SHARED from a new descriptor of the pool
 * (posix_typed_mem_open; System Architecture, "Typed memory"), in place over
 * the reservation with MAP_FIXED, never MAP_LAZY (EINVAL on typed memory,
 * vmm_mmap.c:155; typed mappings are locked, 7.1 "Locking memory"). The
 * one window left: when the pool is exhausted, QNX fails after it unmapped
 * the range (vmm_mmap.c:168-179 via 883), and until restore_reservation
 * runs another thread's mmap can be placed there and would be replaced.
 * A partition whose limit fits the pool closes it: the budget refuses
 * (LIMIT) before the OS is asked (see qnx_memory.h, typed_memory). */
static wrt_status commit_typed(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  int fd = WRT_QNX_NOFD; /* set by typed_open on success */
  wrt_status st = typed_open(a, &fd);
  if (st != WRT_OK) {
    return st;
  }
  void *p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
  int err = errno;
  typed_close(a, fd);
  if (p == MAP_FAILED) {
    wrt_status failed = os_fail(a, err);
    restore_reservation(a, addr, len);
    return failed;
  }
  /* POSIX leaves the contents of allocated typed memory unspecified;
   * Wasm needs zero. */
  (void)memset(addr, 0, len);
  return WRT_OK;
}

/* Makes [addr, addr+len) of a reservation accessible and zero.
 * Anonymous memory: mprotect(PROT_READ | PROT_WRITE) on the MAP_LAZY
 * reservation. It never unmaps, so a failure leaves the range reserved and
 * inaccessible (no hole), and it is not checked against the resource limits
 * (vmm_mprotect.c has no rlimit check; the reservation was counted when it
 * was made). It allocates nothing (MR_NOINIT, vmm_mprotect.c:66): the pages
 * of a MAP_LAZY mapping take memory at first touch (mmap: MAP_LAZY; 7.1
 * System Architecture, "Locking memory"; mlock does not force them in
 * either, vmm_mlock.c:57-61). Not lazy: every page is touched here, so the
 * memory is taken during the grow, not at a later access by Wasm code;
 * the price is that a system out of memory then faults in the grow instead
 * of returning NO_MEMORY (documented in qnx_memory.h, lazy). New anonymous
 * memory is zero-filled (System Architecture, "Initializing allocated
 * memory"). A failed mprotect may have changed part of the range
 * (vmm_mprotect.c:54-89 stops at the failing entry): it is set back to
 * PROT_NONE. */
static wrt_status commit(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  if (len == 0u) {
    return WRT_OK;
  }
  if (a->config.typed_memory != NULL) {
    return commit_typed(a, addr, len);
  }
  if (mprotect(addr, len, PROT_READ | PROT_WRITE) != 0) {
    wrt_status failed = os_fail(a, errno);
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

/* ---- config -------------------------------------------------------------- */

wrt_qnx_allocator_config_t wrt_qnx_allocator_config_default(void) {
  wrt_qnx_allocator_config_t c;
  (void)memset(&c, 0, sizeof c);
  c.guard_pages = false;
  c.guard_size = WRT_WASM_PAGE_SIZE;
  c.max_pages = WRT_WASM_MAX_PAGES;
  c.growth = WRT_GROW_RESERVE;
  c.reserve_pages = 0u;
  c.lazy = false;
  c.typed_memory = NULL;
  c.partition = NULL;
  c.guard_before = WRT_GUARD_FROM_SIZE;
  c.guard_after = WRT_GUARD_FROM_SIZE;
  c.guard_reach = 0u;
  c.no_move = false;
  c.memory64 = false;
  return c;
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
    st = typed_open(&fresh, &fd);
    if (st != WRT_OK) {
      return st;
    }
    typed_close(&fresh, fd);
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
    partition_refund(a->config.partition, a->charged);
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

/* ---- builder ------------------------------------------------------------- */

wrt_qnx_allocator_builder_t wrt_qnx_allocator_builder_new(void) {
  wrt_qnx_allocator_builder_t b;
  b.config = wrt_qnx_allocator_config_default();
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_pages(wrt_qnx_allocator_builder_t b,
                                           bool guard_pages) {
  b.config.guard_pages = guard_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_size(wrt_qnx_allocator_builder_t b,
                                          size_t guard_size) {
  b.config.guard_size = guard_size;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_max_pages(wrt_qnx_allocator_builder_t b,
                                         uint32_t max_pages) {
  b.config.max_pages = max_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_growth(wrt_qnx_allocator_builder_t b,
                                      wrt_growth_strategy growth) {
  b.config.growth = growth;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_reserve_pages(wrt_qnx_allocator_builder_t b,
                                             uint32_t reserve_pages) {
  b.config.reserve_pages = reserve_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_lazy(wrt_qnx_allocator_builder_t b, bool lazy) {
  b.config.lazy = lazy;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_typed_memory(wrt_qnx_allocator_builder_t b,
                                            const char *typed_memory) {
  b.config.typed_memory = typed_memory;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_partition(wrt_qnx_allocator_builder_t b,
                                         wrt_qnx_partition_t *partition) {
  b.config.partition = partition;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_before(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_before = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_after(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_after = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_reach(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_reach = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_no_move(wrt_qnx_allocator_builder_t b, bool no_move) {
  b.config.no_move = no_move;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_memory64(wrt_qnx_allocator_builder_t b, bool memory64) {
  b.config.memory64 = memory64;
  return b;
}

wrt_status wrt_qnx_allocator_build(const wrt_qnx_allocator_builder_t *b,
                                   wrt_qnx_allocator_t *out) {
  if (b == NULL || out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return wrt_qnx_allocator_init(out, &b->config);
}

/* ---- the page-allocator operations -------------------------------------- */

static wrt_qnx_allocator_t *self_of(wrt_page_allocator_t *self) {
  /* base is the first member. */
  return (wrt_qnx_allocator_t *)(void *)self;
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
  st = partition_charge(a->config.partition, charge);
  if (st != WRT_OK) {
    return st;
  }
  st = region_reserve(a, reserved, r);
  if (st == WRT_OK) {
    st = commit(a, r->base, size);
    if (st != WRT_OK) {
      unmap_quietly(a, r);
    }
  }
  if (st != WRT_OK) {
    partition_refund(a->config.partition, charge);
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
  /* Moving would change the base a runtime may have cached. */
  if (!in_place && a->config.no_move) {
    return WRT_E_LIMIT;
  }
  if (in_place) {
    /* In place: the base never moves inside the reservation. */
    st = partition_charge(a->config.partition, delta);
    if (st != WRT_OK) {
      return st;
    }
    st = commit(a, a->mem_base + a->mem_size, delta);
    if (st != WRT_OK) {
      partition_refund(a->config.partition, delta);
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
    st = region_create(a, new_pages, reserve, delta, &r);
    if (st != WRT_OK) {
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
      partition_refund(a->config.partition, delta);
      return st;
    }
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
  int prot;
  switch (access) {
  case WRT_MEM_NONE:
    prot = PROT_NONE;
    break;
  case WRT_MEM_READ:
    prot = PROT_READ;
    break;
  case WRT_MEM_READ_WRITE:
    prot = PROT_READ | PROT_WRITE;
    break;
  default:
    return WRT_E_INVALID_ARG;
  }
  wrt_status st = check_range(a, offset, len);
  if (st != WRT_OK) {
    return st;
  }
  /* mprotect: change the access of whole pages of a mapping (mprotect). */
  if (mprotect(a->mem_base + offset, len, prot) != 0) {
    return os_fail(a, errno);
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
  partition_refund(a->config.partition, a->charged);
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
  if (a->config.typed_memory != NULL) {
    return WRT_E_UNSUPPORTED;
  }
  /* Every anonymous committed page lies in the MAP_LAZY reservation
   * (commit() only mprotects it), in both modes. POSIX_MADV_DISCARD_NP
   * (7.0+): "discard the backing store for lazy private mappings (similar
   * to madvise(MADV_DONTNEED) in Linux)" (posix_madvise). It does not
   * re-map, so it leaves no hole and keeps the protection. It returns the
   * error number, not -1. */
  int rc = posix_madvise(a->mem_base + offset, len, POSIX_MADV_DISCARD_NP);
  if (rc != 0) {
    return os_fail(a, rc);
  }
  return WRT_OK;
}

/* ---- process cap --------------------------------------------------------- */

/* setrlimit / getrlimit (QNX C Library Reference): RLIMIT_AS, "the maximum
 * size of the process's total available memory (address space), in bytes"
 * (RLIMIT_VMEM in QNX's sys/resource.h); mmap fails with ENOMEM once the new
 * total reaches it (>=, mm_rlimit.c:22-30). Only the soft limit is set. */
wrt_status wrt_qnx_set_process_memory_cap(uint64_t bytes) {
  if (bytes == 0u) {
    return WRT_E_INVALID_ARG;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    return WRT_E_OS;
  }
  rlim_t want;
  if (bytes == WRT_QNX_MEMORY_CAP_NONE) {
    want = rl.rlim_max;
  } else {
    /* RLIM_INFINITY and the values above it are special on QNX
     * (RLIM_INFINITY is (uint64_t)-3 there). */
    if ((uint64_t)(rlim_t)bytes != bytes || bytes >= (uint64_t)RLIM_INFINITY) {
      return WRT_E_INVALID_ARG;
    }
    want = (rlim_t)bytes;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) {
      return WRT_E_LIMIT;
    }
  }
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_AS, &rl) != 0) {
    return errno == EPERM ? WRT_E_LIMIT : WRT_E_OS;
  }
  return WRT_OK;
}

/* Anonymous private mappings, PROT_NONE reservations included, are also
 * counted against RLIMIT_DATA (vmm_mmap.c:593-597), so the cap that bounds
 * this allocator's anonymous regions is the smaller soft limit. */
wrt_status wrt_qnx_get_process_memory_cap(uint64_t *bytes) {
  if (bytes == NULL) {
    return WRT_E_INVALID_ARG;
  }
  struct rlimit as, data;
  if (getrlimit(RLIMIT_AS, &as) != 0 || getrlimit(RLIMIT_DATA, &data) != 0) {
    return WRT_E_OS;
  }
  rlim_t cur = as.rlim_cur;
  if (data.rlim_cur != RLIM_INFINITY && (cur == RLIM_INFINITY || data.rlim_cur < cur)) {
    cur = data.rlim_cur;
  }
  *bytes = cur == RLIM_INFINITY ? WRT_QNX_MEMORY_CAP_NONE : (uint64_t)cur;
  return WRT_OK;
}
