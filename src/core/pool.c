/*
 * pool.c - the OS-free part of the slot pool (include/wrt/pool.h): layout
 * and size math, the lock-free free list, and each slot's page-allocator
 * ops. The backend's four calls (reserve, unreserve, protect, discard) come
 * in a struct wrt_pool_os from src/linux/linux_pool.c or src/qnx/qnx_pool.c.
 *
 * Layout: one reservation of slot_count strides, aligned to a Wasm page:
 *   stride = [lead: leading guard][slot_pages pages][trailing guard][slack]
 * lead is the leading guard rounded up to a Wasm page, the stride a whole
 * number of Wasm pages, so every base is Wasm-page aligned. A slot's span
 * (what query reports) is its own stride: guards never overlap a
 * neighbour's pages.
 *
 * The free list is a Treiber stack of indices into the caller's table. Its
 * head is one 64-bit word, generation << 32 | index: every successful
 * push or pop bumps the generation, so a pop that read index i and i's
 * next, was delayed while i was popped, reused and pushed back, fails its
 * compare-exchange instead of installing a stale next (ABA). The tag wraps
 * after 2^32 operations; a thread would have to stall between its load and
 * its compare-exchange for exactly that many to be fooled. verify/pool.pml
 * checks the protocol. Lock-free rather than under the library's mutex:
 * acquire and release then never wait for a preempted thread (a
 * compare-exchange fails only because another thread succeeded), which is
 * what keeps their tail latency near the median on an oversubscribed CPU.
 *
 * Invariant of a free slot: every byte of its pages reads as zero when
 * next made accessible; [base, base + rw_bytes) is read-write and zero
 * (rw_bytes <= keep_resident, or, with software_bounds, the most the slot
 * ever committed), the rest PROT_NONE (discarded, or zeroed and still
 * resident).
 * May include: the public headers, pool_os.h, page_rules.h,
 * checked_math.h, region_latch.h, the C library.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "checked_math.h"
#include "page_rules.h"
#include "pool_os.h"
#include "region_latch.h"
#include "wrt/pool.h"

_Static_assert((ATOMIC_LLONG_LOCK_FREE == 2) && (ATOMIC_INT_LOCK_FREE == 2),
               "the pool's free list needs lock-free 32- and 64-bit atomics");

enum wrt_pool_slot_state { SLOT_FREE = 0u, SLOT_ACQUIRED = 1u, SLOT_RELEASING = 2u };
#define NO_SLOT UINT32_MAX

static wrt_status slot_allocate(wrt_page_allocator_t *self, uint32_t initial_pages,
                                uint32_t maximum_pages, uint8_t **base, size_t *size);
static wrt_status slot_grow(wrt_page_allocator_t *self, uint32_t current_pages,
                            uint32_t additional_pages, uint8_t **base, size_t *size);
static wrt_status slot_protect(wrt_page_allocator_t *self, size_t offset, size_t len,
                               wrt_mem_access access);
static wrt_status slot_deallocate(wrt_page_allocator_t *self, uint8_t *base, size_t size);
static wrt_status slot_query(const wrt_page_allocator_t *self, wrt_region_info_t *out);


/* base is the first member of wrt_pool_slot_t. */
static wrt_pool_slot_t *slot_of(wrt_page_allocator_t *self) {
  return (wrt_pool_slot_t *)(void *)self;
}

static wrt_status os_fail(wrt_pool_t *p, int err) {
  atomic_store_explicit(&p->last_os_error, err, memory_order_relaxed);
  return (err == ENOMEM || err == EAGAIN) ? WRT_E_NO_MEMORY : WRT_E_OS;
}

wrt_pool_config_t wrt_pool_config_default(void) {
  wrt_pool_config_t c;
  (void)memset(&c, 0, sizeof c);
  c.slot_pages = WRT_WASM_MAX_PAGES;
  c.guard_before = WRT_WASM_PAGE_SIZE;
  c.guard_after = WRT_WASM_PAGE_SIZE;
  c.guard_reach = 0u;
  c.keep_resident = 0u;
  c.software_bounds = false;
  return c;
}

/* lead, stride, slot_bytes and the reservation's length for cfg. */
static wrt_status layout(const wrt_pool_config_t *c, uint32_t count, size_t os_page,
                         size_t *lead, size_t *stride, size_t *slot_bytes, size_t *len) {
  if (count == 0u || count == UINT32_MAX || c->slot_pages == 0u ||
      c->slot_pages > WRT_WASM_MAX_PAGES || !wrt_size_is_aligned(c->guard_before, os_page) ||
      !wrt_size_is_aligned(c->guard_after, os_page) ||
      !wrt_size_is_aligned(c->guard_reach, os_page) ||
      !wrt_size_is_aligned(c->keep_resident, os_page)) {
    return WRT_E_INVALID_ARG;
  }
  size_t bytes, trail, span;
  wrt_status st = wrt_pages_to_bytes(c->slot_pages, &bytes);
  if (st != WRT_OK) {
    return st;
  }
  if (c->keep_resident > bytes) {
    return WRT_E_INVALID_ARG;
  }
  trail = c->guard_after;
  if (c->guard_reach > bytes && c->guard_reach - bytes > trail) {
    trail = c->guard_reach - bytes;
  }
  st = wrt_size_round_up(c->guard_before, WRT_WASM_PAGE_SIZE, lead);
  if (st == WRT_OK) {
    st = wrt_size_add(*lead, bytes, &span);
  }
  if (st == WRT_OK) {
    st = wrt_size_add(span, trail, &span);
  }
  if (st == WRT_OK) {
    st = wrt_size_round_up(span, WRT_WASM_PAGE_SIZE, stride);
  }
  if (st == WRT_OK) {
    st = wrt_size_mul(*stride, (size_t)count, &span);
  }
  if (st == WRT_OK) {
    /* slack so that the first slot can start on a Wasm page */
    st = wrt_size_add(span, WRT_WASM_PAGE_SIZE - os_page, len);
  }
  *slot_bytes = bytes;
  return st;
}

wrt_status wrt_pool_init_os(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                            const wrt_pool_config_t *cfg, const struct wrt_pool_os *os,
                            size_t os_page) {
  /* a slot's allocator calls (the only user of this table) */
  static const wrt_page_allocator_ops_t slot_ops = {slot_allocate, slot_grow, slot_protect,
                                                    slot_deallocate, slot_query};
  if (p == NULL || slots == NULL || cfg == NULL || os == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (p->os == os && p->map_addr != NULL) {
    return WRT_E_STATE;
  }
  if (os_page == 0u || (os_page & (os_page - 1u)) != 0u || WRT_WASM_PAGE_SIZE % os_page != 0u) {
    return WRT_E_UNSUPPORTED;
  }
  wrt_pool_config_t c = *cfg;
  size_t lead = 0, stride = 0, bytes = 0, len = 0;
  wrt_status st = layout(&c, slot_count, os_page, &lead, &stride, &bytes, &len);
  if (st != WRT_OK) {
    return st;
  }
  uint8_t *map = NULL;
  int err = os->reserve(len, &map);
  if (err != 0) {
    return os_fail(p, err);
  }
  (void)memset(p, 0, sizeof *p);
  p->config = c;
  p->os_page = os_page;
  p->map_addr = map;
  p->map_len = len;
  p->lead = lead;
  p->stride = stride;
  p->slot_bytes = bytes;
  p->slots = slots;
  p->slot_count = slot_count;
  const uintptr_t mask = (uintptr_t)WRT_WASM_PAGE_SIZE - 1u;
  uint8_t *first = map + ((((uintptr_t)map + mask) & ~mask) - (uintptr_t)map);
  for (uint32_t i = 0; i < slot_count; i++) {
    wrt_pool_slot_t *s = &slots[i];
    (void)memset(s, 0, sizeof *s);
    s->base.ops = &slot_ops;
    s->pool = p;
    /* i * stride + lead < len: checked by layout() */
    s->mem_base = first + (size_t)i * stride + lead;
    if (os->isolate != NULL) {
      /* what a small instance's cycle toggles as a whole (pool_os.h) */
      os->isolate(s->mem_base, (c.keep_resident != 0u) ? c.keep_resident : WRT_WASM_PAGE_SIZE);
    }
    atomic_init(&s->state, SLOT_FREE);
    atomic_init(&s->next, i + 1u == slot_count ? NO_SLOT : i + 1u);
    wrt_region_latch_init(&s->latch);
  }
  atomic_init(&p->head, (uint64_t)0u); /* generation 0, slot 0 */
  atomic_init(&p->in_use, 0u);
  atomic_init(&p->last_os_error, 0);
  /* last: a pool with os set is live */
  p->os = os;
  return WRT_OK;
}

wrt_status wrt_pool_destroy(wrt_pool_t *p) {
  if (p == NULL || p->os == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (atomic_load(&p->in_use) != 0u) {
    return WRT_E_STATE;
  }
  int err = p->os->unreserve(p->map_addr, p->map_len);
  if (err != 0) {
    return os_fail(p, err);
  }
  for (uint32_t i = 0; i < p->slot_count; i++) {
    (void)memset(&p->slots[i], 0, sizeof p->slots[i]);
  }
  (void)memset(p, 0, sizeof *p);
  return WRT_OK;
}

uint32_t wrt_pool_in_use(const wrt_pool_t *p) {
  return p == NULL || p->os == NULL ? 0u : atomic_load(&p->in_use);
}

uint32_t wrt_pool_slot_count(const wrt_pool_t *p) {
  return p == NULL || p->os == NULL ? 0u : p->slot_count;
}

/* ---- the free list ------------------------------------------------------ */

static uint64_t pack(uint64_t old_head, uint32_t index) {
  return (((old_head >> 32) + 1u) << 32) | (uint64_t)index;
}

static uint32_t pop(wrt_pool_t *p) {
  uint64_t h = atomic_load_explicit(&p->head, memory_order_acquire);
  for (;;) {
    uint32_t i = (uint32_t)h;
    if (i == NO_SLOT) {
      return NO_SLOT;
    }
    /* May be stale if slot i was popped meanwhile: then the generation
     * moved and the compare-exchange fails. */
    uint32_t next = atomic_load_explicit(&p->slots[i].next, memory_order_relaxed);
    bool swapped = atomic_compare_exchange_weak_explicit(&p->head, &h, pack(h, next),
                                                         memory_order_acq_rel, memory_order_acquire);
    if (swapped) {
      return i;
    }
  }
}

static void push(wrt_pool_t *p, uint32_t i) {
  uint64_t h = atomic_load_explicit(&p->head, memory_order_relaxed);
  do {
    atomic_store_explicit(&p->slots[i].next, (uint32_t)h, memory_order_relaxed);
  } while (!atomic_compare_exchange_weak_explicit(&p->head, &h, pack(h, i), memory_order_release,
                                                  memory_order_relaxed));
}

wrt_status wrt_pool_acquire(wrt_pool_t *p, wrt_page_allocator_t **out) {
  if (p == NULL || out == NULL || p->os == NULL) {
    return WRT_E_INVALID_ARG;
  }
  uint32_t i = pop(p);
  if (i == NO_SLOT) {
    return WRT_E_LIMIT;
  }
  atomic_store_explicit(&p->slots[i].state, SLOT_ACQUIRED, memory_order_release);
  atomic_fetch_add_explicit(&p->in_use, 1u, memory_order_relaxed);
  *out = &p->slots[i].base;
  return WRT_OK;
}

/* ---- commit and decommit ------------------------------------------------ */

static void slot_publish(wrt_pool_slot_t *s) {
  wrt_pool_t *p = s->pool;
  wrt_region_latch_publish_mapping(&s->latch, s->allocated, s->mem_base - p->lead, p->stride,
                                   s->mem_base, s->mem_size, p->slot_bytes);
}

/* Makes [0, want) read-write and [want, rw_bytes) PROT_NONE: at most one
 * system call, none when want == rw_bytes. With software_bounds the bytes
 * past want stay read-write (they read zero: a free slot's invariant, and
 * a region only grows), so only a widening calls the OS. */
static wrt_status set_rw(wrt_pool_slot_t *s, size_t want) {
  wrt_pool_t *p = s->pool;
  size_t rw = s->rw_bytes;
  int err = 0;
  if (want > rw) {
    err = p->os->protect(s->mem_base + rw, want - rw, WRT_MEM_READ_WRITE);
    rw = want;
  } else if ((want < rw) && !p->config.software_bounds) {
    err = p->os->protect(s->mem_base + want, rw - want, WRT_MEM_NONE);
    rw = want;
  } else {
    /* already so, or left read-write for a runtime that checks bounds */
  }
  if (err != 0) {
    return os_fail(p, err);
  }
  s->rw_bytes = rw;
  return WRT_OK;
}

/* Back to the free-slot invariant: the first keep_resident bytes of what
 * was committed zeroed in place, the rest discarded and PROT_NONE (left
 * read-write, reading zero, with software_bounds). Time: one memset of at
 * most keep_resident bytes and at most three system calls over the
 * committed bytes. */
static wrt_status decommit(wrt_pool_slot_t *s) {
  wrt_pool_t *p = s->pool;
  bool narrow = !p->config.software_bounds;
  /* With software_bounds only the region's size can hold its bytes (the
   * runtime never writes past it; what lay there was zeroed at an earlier
   * release): only that is zeroed or discarded. */
  size_t used = narrow ? s->rw_bytes : s->mem_size;
  size_t keep = used < p->config.keep_resident ? used : p->config.keep_resident;
  int err = 0;
  if (s->protect_changed && used != 0u) {
    /* protect() narrowed some pages: make them writable to zero or
     * discard them. */
    err = p->os->protect(s->mem_base, used, WRT_MEM_READ_WRITE);
  }
  if (err == 0 && used > keep) {
    err = p->os->discard(s->mem_base + keep, used - keep);
    if ((err == 0) && narrow) {
      err = p->os->protect(s->mem_base + keep, used - keep, WRT_MEM_NONE);
    }
  }
  if (err != 0) {
    return os_fail(p, err);
  }
  (void)memset(s->mem_base, 0, keep);
  s->rw_bytes = narrow ? keep : s->rw_bytes;
  s->protect_changed = false;
  return WRT_OK;
}

/* The slot's region forgotten after a decommit. */
static void clear_region(wrt_pool_slot_t *s) {
  s->allocated = false;
  s->mem_size = 0;
  s->pages = 0;
  s->max_pages = 0;
}

wrt_status wrt_pool_release(wrt_pool_t *p, wrt_page_allocator_t *a) {
  if (p == NULL || a == NULL || p->os == NULL) {
    return WRT_E_INVALID_ARG;
  }
  /* Is a an element of this pool's table? Compared as integers: the
   * pointer may belong to any other object. */
  uintptr_t first = (uintptr_t)p->slots;
  uintptr_t at = (uintptr_t)(void *)a;
  if (at < first || (at - first) % sizeof(wrt_pool_slot_t) != 0u ||
      (at - first) / sizeof(wrt_pool_slot_t) >= p->slot_count) {
    return WRT_E_INVALID_ARG;
  }
  uint32_t i = (uint32_t)((at - first) / sizeof(wrt_pool_slot_t));
  wrt_pool_slot_t *s = &p->slots[i];
  uint32_t expected = SLOT_ACQUIRED;
  if (!atomic_compare_exchange_strong_explicit(&s->state, &expected, SLOT_RELEASING,
                                               memory_order_acq_rel, memory_order_relaxed)) {
    return WRT_E_STATE;
  }
  if (s->allocated) {
    bool was = s->allocated;
    s->allocated = false;
    slot_publish(s); /* a query never reports a region being decommitted */
    wrt_status st = decommit(s);
    if (st != WRT_OK) {
      s->allocated = was;
      slot_publish(s);
      atomic_store_explicit(&s->state, SLOT_ACQUIRED, memory_order_release);
      return st;
    }
    clear_region(s);
  }
  /* else: deallocate already restored the free-slot invariant */
  atomic_store_explicit(&s->state, SLOT_FREE, memory_order_relaxed);
  atomic_fetch_sub_explicit(&p->in_use, 1u, memory_order_relaxed);
  push(p, i);
  return WRT_OK;
}

/* ---- a slot as a page allocator ----------------------------------------- */

/* The slot behind self if it is acquired, else NULL. */
static wrt_pool_slot_t *owned(wrt_page_allocator_t *self) {
  wrt_pool_slot_t *s = slot_of(self);
  if (s->pool == NULL || s->pool->os == NULL ||
      atomic_load_explicit(&s->state, memory_order_acquire) != SLOT_ACQUIRED) {
    return NULL;
  }
  return s;
}

static wrt_status slot_allocate(wrt_page_allocator_t *self, uint32_t initial_pages,
                                uint32_t maximum_pages, uint8_t **base, size_t *size) {
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  wrt_pool_slot_t *s = owned(self);
  if (s == NULL) {
    return WRT_E_STATE;
  }
  uint32_t max = 0;
  wrt_status st = wrt_page_check_allocate(initial_pages, maximum_pages,
                                          s->pool->config.slot_pages, false, &max);
  if (st != WRT_OK) {
    return st;
  }
  if (s->allocated) {
    return WRT_E_STATE;
  }
  size_t want = (size_t)initial_pages * WRT_WASM_PAGE_SIZE; /* <= slot_bytes */
  st = set_rw(s, want);
  if (st != WRT_OK) {
    return st;
  }
  s->pages = initial_pages;
  s->max_pages = max;
  s->mem_size = want;
  s->protect_changed = false;
  s->allocated = true;
  slot_publish(s);
  *base = s->mem_base;
  *size = s->mem_size;
  return WRT_OK;
}

static wrt_status slot_grow(wrt_page_allocator_t *self, uint32_t current_pages,
                            uint32_t additional_pages, uint8_t **base, size_t *size) {
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  wrt_pool_slot_t *s = owned(self);
  if (s == NULL || !s->allocated) {
    return WRT_E_STATE;
  }
  wrt_status st = wrt_page_check_grow(s->pages, s->max_pages, current_pages, additional_pages);
  if (st != WRT_OK) {
    return st;
  }
  if (additional_pages != 0u) {
    /* pages + additional <= max_pages <= slot_pages: fits */
    uint32_t pages = s->pages + additional_pages;
    size_t want = (size_t)pages * WRT_WASM_PAGE_SIZE;
    st = set_rw(s, want);
    if (st != WRT_OK) {
      return st;
    }
    s->pages = pages;
    s->mem_size = want;
    slot_publish(s);
  }
  *base = s->mem_base;
  *size = s->mem_size;
  return WRT_OK;
}

static wrt_status slot_protect(wrt_page_allocator_t *self, size_t offset, size_t len,
                               wrt_mem_access access) {
  wrt_pool_slot_t *s = owned(self);
  if (s == NULL) {
    return WRT_E_STATE;
  }
  wrt_status st = wrt_page_check_protect(offset, len, s->pool->os_page, access);
  if (st != WRT_OK) {
    return st;
  }
  if (!s->allocated) {
    return WRT_E_STATE;
  }
  if (!wrt_range_within(offset, len, s->mem_size)) {
    return WRT_E_INVALID_ARG;
  }
  int err = s->pool->os->protect(s->mem_base + offset, len, access);
  if (err != 0) {
    return os_fail(s->pool, err);
  }
  if (access != WRT_MEM_READ_WRITE) {
    s->protect_changed = true;
  }
  return WRT_OK;
}

static wrt_status slot_deallocate(wrt_page_allocator_t *self, uint8_t *base, size_t size) {
  wrt_pool_slot_t *s = owned(self);
  if (s == NULL || !s->allocated || base != s->mem_base || size != s->mem_size) {
    return WRT_E_STATE;
  }
  s->allocated = false;
  slot_publish(s);
  wrt_status st = decommit(s);
  if (st != WRT_OK) {
    s->allocated = true;
    slot_publish(s);
    return st;
  }
  clear_region(s);
  return WRT_OK;
}

static wrt_status slot_query(const wrt_page_allocator_t *self, wrt_region_info_t *out) {
  const wrt_pool_slot_t *s = (const wrt_pool_slot_t *)(const void *)self;
  return wrt_region_latch_read(&s->latch, out);
}
