/*
 * w2c_memory.c - wasm2c linear memories on wrt-platform page allocators:
 * wasm_rt_allocate_memory / grow / free, and the registry of live memories.
 *
 * wasm_rt_memory_t has no room for our allocator, so each memory gets a slot
 * in a fixed array: the allocator object, the wasm_rt_memory_t it backs, and
 * a state word. The fault handler walks the array without locks: a slot is
 * read only while its state is LIVE and its reader count is raised; free
 * takes a slot out of LIVE first and waits for readers to leave before it
 * unmaps, so a handler never queries an allocator that is being destroyed.
 * May include: <wasm-rt.h>, the public wrt headers, the C library, POSIX.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasm-rt.h"
#include "w2c_internal.h"
#include "wrt/memory.h"
#if defined(WRT_W2C_HAVE_LINUX)
#include "wrt/linux_memory.h"
#endif
#if defined(WRT_W2C_HAVE_QNX)
#include "wrt/qnx_memory.h"
#endif

#if !defined(WRT_W2C_HAVE_LINUX) && !defined(WRT_W2C_HAVE_QNX)
#error "wrt_wasm2c: build with WRT_W2C_HAVE_LINUX and/or WRT_W2C_HAVE_QNX"
#endif
#if defined(WASM_RT_MEMCHECK_GUARD_PAGES) || defined(WASM_RT_MEMCHECK_BOUNDS_CHECK)
#error "wrt_wasm2c implements the wasm-rt.h of wabt 1.0.32; this is a later one"
#endif

#define PAGE ((uint64_t)65536u)
/* wasm_rt_memory_t.size is a uint32_t: 65536 pages would read as 0 bytes. */
#define PAGE_LIMIT 65535u
/* Guard-page builds: a leading guard of one Wasm page catches nothing the
 * generated code does (addresses are unsigned) but keeps a neighbour's
 * overrun out; the trailing side is the allocator's 32-bit layout. */
#define GUARD_BEFORE ((size_t)PAGE)
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER && !defined(WRT_WASM32_GUARD_REACH)
#error "guard-page bounds checks need a 64-bit host (WRT_WASM32_GUARD_REACH)"
#endif

enum { SLOT_FREE = 0u, SLOT_BUSY = 1u, SLOT_LIVE = 2u };

typedef struct {
  _Atomic unsigned state;
  _Atomic unsigned readers;         /* fault handlers inside this slot */
  _Atomic(wasm_rt_memory_t *) owner;
  wrt_page_allocator_t *pa;
  uint8_t *base; /* as the allocator last returned them */
  size_t size;
  union {
#if defined(WRT_W2C_HAVE_LINUX)
    wrt_linux_allocator_t lx;
#endif
#if defined(WRT_W2C_HAVE_QNX)
    wrt_qnx_allocator_t qx;
#endif
    char none;
  } u;
  wrt_w2c_backend backend;
} slot_t;

/* Global mutable state, on purpose: wasm2c's interface passes nothing but a
 * wasm_rt_memory_t, and the fault handler must find every memory. */
static slot_t g_slots[WRT_W2C_MAX_MEMORIES];
static _Atomic size_t g_high_water; /* slots [0, g_high_water) were ever used */
static _Atomic size_t g_live;
#if defined(WRT_W2C_HAVE_LINUX)
static _Atomic int g_backend = WRT_W2C_BACKEND_LINUX;
#else
static _Atomic int g_backend = WRT_W2C_BACKEND_QNX;
#endif

_Noreturn void w2c_die(const char *what, wrt_status st) {
  (void)fprintf(stderr, "wrt_wasm2c: %s: %s\n", what, wrt_status_str(st));
  abort();
}

bool wrt_w2c_backend_available(wrt_w2c_backend backend) {
#if defined(WRT_W2C_HAVE_LINUX)
  if (backend == WRT_W2C_BACKEND_LINUX) {
    return true;
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (backend == WRT_W2C_BACKEND_QNX) {
    return true;
  }
#endif
  (void)backend;
  return false;
}

int wrt_w2c_set_backend(wrt_w2c_backend backend) {
  if (!wrt_w2c_backend_available(backend)) {
    return -1;
  }
  atomic_store(&g_backend, (int)backend);
  return 0;
}

wrt_w2c_backend wrt_w2c_get_backend(void) {
  return (wrt_w2c_backend)atomic_load(&g_backend);
}

const char *wrt_w2c_backend_name(wrt_w2c_backend backend) {
  if (backend == WRT_W2C_BACKEND_LINUX) {
    return "linux";
  }
#if defined(__QNXNTO__)
  return "qnx";
#else
  return "qnx model";
#endif
}

bool wrt_w2c_guard_pages(void) {
  return WASM_RT_MEMCHECK_SIGNAL_HANDLER != 0;
}

size_t wrt_w2c_live_memories(void) {
  return atomic_load(&g_live);
}

void w2c_memory_init(void) {
  const char *env = getenv("WRT_W2C_BACKEND");
  if (env == NULL) {
    return;
  }
  if (strcmp(env, "linux") == 0) {
    if (wrt_w2c_set_backend(WRT_W2C_BACKEND_LINUX) != 0) {
      w2c_die("WRT_W2C_BACKEND=linux: not built in", WRT_E_UNSUPPORTED);
    }
  } else if (strcmp(env, "qnx") == 0) {
    if (wrt_w2c_set_backend(WRT_W2C_BACKEND_QNX) != 0) {
      w2c_die("WRT_W2C_BACKEND=qnx: not built in", WRT_E_UNSUPPORTED);
    }
  } else {
    w2c_die("WRT_W2C_BACKEND: expected linux or qnx", WRT_E_INVALID_ARG);
  }
}

/* The pages a memory with this declared maximum may ever have. */
static uint32_t page_cap(uint32_t max_pages) {
  return max_pages > PAGE_LIMIT ? PAGE_LIMIT : max_pages;
}

/* Guards of a memory: guard-page builds ask for the allocator's 32-bit
 * layout (reservation + trailing guard cover WRT_WASM32_GUARD_REACH bytes
 * from the base, see wrt/memory.h), bounds-check builds for one Wasm page
 * on each side (defence in depth: wasm2c's checks come first). */
static void guards_for(size_t *before, size_t *after, size_t *reach) {
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  *before = GUARD_BEFORE;
  *after = 0;
  *reach = WRT_WASM32_GUARD_REACH;
#else
  *before = (size_t)PAGE;
  *after = (size_t)PAGE;
  *reach = 0;
#endif
}

size_t wrt_w2c_memory_span(unsigned max_pages) {
  size_t before = 0;
  size_t after = 0;
  size_t reach = 0;
  uint64_t bytes = (uint64_t)page_cap((uint32_t)max_pages) * PAGE;
  guards_for(&before, &after, &reach);
  bytes += after;
  return before + (size_t)(bytes > reach ? bytes : reach);
}

/* Makes slot s's allocator for a memory of at most cap pages. */
static wrt_status slot_init(slot_t *s, wrt_w2c_backend backend, uint32_t cap) {
  size_t before = 0;
  size_t after = 0;
  size_t reach = 0;
  guards_for(&before, &after, &reach);
  /* max_pages must be at least 1 in the config; the region's own maximum
   * (cap, possibly 0) is what allocate is given. */
  uint32_t cfg_max = cap == 0u ? 1u : cap;
#if defined(WRT_W2C_HAVE_LINUX)
  if (backend == WRT_W2C_BACKEND_LINUX) {
    wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
    c.guard_pages = true;
    c.guard_before = before;
    c.guard_after = after;
    c.guard_reach = reach;
    c.max_pages = cfg_max;
    c.growth = WRT_GROW_RESERVE;
    c.reserve_pages = 0;
    c.no_move = true;
    c.placement = w2c_placement_current();
    wrt_status st = wrt_linux_allocator_init(&s->u.lx, &c);
    if (st == WRT_OK) {
      s->pa = wrt_linux_allocator_base(&s->u.lx);
    }
    return st;
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (backend == WRT_W2C_BACKEND_QNX) {
    wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
    c.guard_pages = true;
    c.guard_before = before;
    c.guard_after = after;
    c.guard_reach = reach;
    c.max_pages = cfg_max;
    c.growth = WRT_GROW_RESERVE;
    c.reserve_pages = 0;
    c.no_move = true;
    c.placement = w2c_placement_current();
    wrt_status st = wrt_qnx_allocator_init(&s->u.qx, &c);
    if (st == WRT_OK) {
      s->pa = wrt_qnx_allocator_base(&s->u.qx);
    }
    return st;
  }
#endif
  (void)cfg_max;
  (void)before;
  (void)after;
  (void)reach;
  return WRT_E_UNSUPPORTED;
}

static void slot_destroy(slot_t *s) {
#if defined(WRT_W2C_HAVE_LINUX)
  if (s->backend == WRT_W2C_BACKEND_LINUX) {
    wrt_linux_allocator_destroy(&s->u.lx);
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (s->backend == WRT_W2C_BACKEND_QNX) {
    wrt_qnx_allocator_destroy(&s->u.qx);
  }
#endif
  s->pa = NULL;
}

static slot_t *slot_claim(void) {
  for (size_t i = 0; i < WRT_W2C_MAX_MEMORIES; i++) {
    unsigned expected = SLOT_FREE;
    if (atomic_compare_exchange_strong(&g_slots[i].state, &expected, SLOT_BUSY)) {
      size_t hw = atomic_load(&g_high_water);
      while (hw < i + 1u && !atomic_compare_exchange_weak(&g_high_water, &hw, i + 1u)) {
      }
      return &g_slots[i];
    }
  }
  return NULL;
}

static slot_t *slot_find(const wasm_rt_memory_t *mem) {
  size_t n = atomic_load(&g_high_water);
  for (size_t i = 0; i < n; i++) {
    if (atomic_load(&g_slots[i].state) == SLOT_LIVE &&
        atomic_load_explicit(&g_slots[i].owner, memory_order_relaxed) == mem) {
      return &g_slots[i];
    }
  }
  return NULL;
}

bool w2c_registry_covers(const void *addr) {
  size_t n = atomic_load(&g_high_water);
  for (size_t i = 0; i < n; i++) {
    slot_t *s = &g_slots[i];
    if (atomic_load(&s->state) != SLOT_LIVE) {
      continue;
    }
    atomic_fetch_add(&s->readers, 1u);
    bool hit = false;
    if (atomic_load(&s->state) == SLOT_LIVE) {
      wrt_region_info_t info;
      if (wrt_page_allocator_query(s->pa, &info) == WRT_OK) {
        /* Leading guard, accessible pages (no fault there: the runtime
         * never narrows access), reservation and trailing guard. */
        hit = wrt_region_info_contains(&info, addr);
      }
    }
    atomic_fetch_sub(&s->readers, 1u);
    if (hit) {
      return true;
    }
  }
  return false;
}

const void *w2c_allocator_of(const wasm_rt_memory_t *memory, wrt_w2c_backend *backend) {
  size_t n = atomic_load(&g_high_water);
  for (size_t i = 0; i < n && memory != NULL; i++) {
    slot_t *s = &g_slots[i];
    if (atomic_load(&s->state) == SLOT_LIVE && atomic_load(&s->owner) == memory) {
      *backend = s->backend;
      return &s->u;
    }
  }
  return NULL;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages,
                             uint32_t max_pages) {
  if (memory == NULL) {
    w2c_die("wasm_rt_allocate_memory: NULL memory", WRT_E_INVALID_ARG);
  }
  uint32_t cap = page_cap(max_pages);
  if (initial_pages > cap) {
    w2c_die("wasm_rt_allocate_memory: initial pages above the maximum or above 65535",
            WRT_E_LIMIT);
  }
  slot_t *s = slot_claim();
  if (s == NULL) {
    w2c_die("wasm_rt_allocate_memory: WRT_W2C_MAX_MEMORIES memories are live", WRT_E_LIMIT);
  }
  s->backend = wrt_w2c_get_backend();
  wrt_status st = slot_init(s, s->backend, cap);
  if (st != WRT_OK) {
    w2c_die("wasm_rt_allocate_memory: allocator init", st);
  }
  st = wrt_page_allocator_allocate(s->pa, initial_pages, cap, &s->base, &s->size);
  if (st != WRT_OK) {
    w2c_die("wasm_rt_allocate_memory: allocate", st);
  }
  memory->data = s->base;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = (uint32_t)s->size;
  atomic_store_explicit(&s->owner, memory, memory_order_relaxed);
  atomic_store(&s->state, SLOT_LIVE);
  atomic_fetch_add(&g_live, 1u);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  if (delta == 0u) {
    return old_pages;
  }
  if (new_pages > memory->max_pages || new_pages > PAGE_LIMIT) {
    return UINT32_MAX;
  }
  slot_t *s = slot_find(memory);
  if (s == NULL) {
    return UINT32_MAX;
  }
  uint8_t *base = s->base;
  size_t size = s->size;
  if (wrt_page_allocator_grow(s->pa, old_pages, delta, &base, &size) != WRT_OK) {
    return UINT32_MAX;
  }
  s->base = base;
  s->size = size;
  memory->data = base;
  memory->pages = (uint32_t)new_pages;
  memory->size = (uint32_t)size;
  return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  slot_t *s = slot_find(memory);
  if (s == NULL) {
    w2c_die("wasm_rt_free_memory: not a live memory of this runtime (freed twice?)",
            WRT_E_STATE);
  }
  atomic_store(&s->state, SLOT_BUSY);
  while (atomic_load(&s->readers) != 0u) {
    /* A fault handler on another thread is reading this slot: it is short. */
  }
  wrt_status st = wrt_page_allocator_deallocate(s->pa, s->base, s->size);
  slot_destroy(s);
  atomic_store_explicit(&s->owner, NULL, memory_order_relaxed);
  s->base = NULL;
  s->size = 0;
  atomic_store(&s->state, SLOT_FREE);
  atomic_fetch_sub(&g_live, 1u);
  memory->data = NULL;
  memory->pages = 0;
  memory->size = 0;
  if (st != WRT_OK) {
    w2c_die("wasm_rt_free_memory: deallocate", st);
  }
}
