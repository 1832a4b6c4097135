/*
 * fuzz_allocator.h - the backend-neutral allocator fuzz driver. A harness
 * (fuzz_linux_allocator.c, fuzz_qnx_allocator.c) supplies create/destroy
 * hooks; this file decodes the input into a configuration and a sequence of
 * init / allocate / grow / protect / deallocate / destroy calls with random,
 * often absurd, arguments, keeps a shadow of what the region must be, and
 * after every call checks the library against it:
 *  - the status is a documented code for that call, OK exactly when the
 *    arguments are valid (and errors where they are not);
 *  - size == pages * 64 KiB, base 64 KiB-aligned, new pages read zero;
 *  - RESERVE: the base does not move while growth stays in the reservation;
 *  - bytes written before a grow are there after it (moved or not);
 *  - an error changes nothing: same base, size and contents;
 *  - a deallocated region is unmapped; nothing is left mapped at the end.
 * Real sizes are capped (config max_pages <= 16, guards <= 1 MiB) so the
 * fuzzer never runs out of memory, while absurd arguments are still passed:
 * they must be refused before anything is mapped. Harness code only.
 */
#ifndef WRT_FUZZ_ALLOCATOR_H
#define WRT_FUZZ_ALLOCATOR_H

/* mincore() is outside strict POSIX; must come before any system header. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "fuzz_common.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wrt/memory.h"

#define FZ_REAL_MAX_PAGES 16u
#define FZ_MAX_OS_PAGES (FZ_REAL_MAX_PAGES * (WRT_WASM_PAGE_SIZE / 4096u))
#define FZ_MAX_WRITES 32u

typedef struct {
  bool guard_pages;
  size_t guard_size;
  uint32_t max_pages;
  wrt_growth_strategy growth;
  uint32_t reserve_pages;
} fz_alloc_cfg;

typedef struct {
  /* Initialise the backend's allocator from cfg; NULL when init refused
   * (*st says why). */
  wrt_page_allocator_t *(*create)(const fz_alloc_cfg *cfg, wrt_status *st);
  /* destroy; then the object must hand out no allocator any more */
  void (*destroy)(void);
  /* the base getter on the (destroyed or live) object */
  wrt_page_allocator_t *(*base)(void);
  bool has_reserve_pages; /* the config has reserve_pages */
} fz_backend;

typedef struct {
  wrt_page_allocator_t *pa; /* NULL while not initialised */
  fz_alloc_cfg cfg;
  size_t os_page;
  bool allocated;
  uint8_t *base;
  size_t size;
  uint32_t pages, maximum, reservation;
  wrt_mem_access acc[FZ_MAX_OS_PAGES]; /* per OS page of the region */
  struct { size_t off; uint8_t val; } w[FZ_MAX_WRITES];
  unsigned nw;
  uint8_t seq;
  bool narrowed; /* protect() narrowed access since the region was mapped */
} fz_shadow;

static uint32_t fz_reservation(const fz_shadow *s, uint32_t pages) {
  if (s->cfg.growth == WRT_GROW_EXACT)
    return pages;
  uint32_t r = s->cfg.reserve_pages == 0u ? s->maximum : s->cfg.reserve_pages;
  if (r > s->maximum)
    r = s->maximum;
  return r < pages ? pages : r;
}

static size_t fz_opages(const fz_shadow *s) { return s->size / s->os_page; }

/* Every recorded byte still readable has its value; unrecorded bytes of
 * readable pages sampled at page edges read zero. */
static void fz_verify(const fz_shadow *s) {
  if (!s->allocated)
    return;
  FZ_CHECK(s->size == (size_t)s->pages * WRT_WASM_PAGE_SIZE);
  FZ_CHECK(((uintptr_t)s->base & (WRT_WASM_PAGE_SIZE - 1u)) == 0u);
  for (unsigned i = 0; i < s->nw; i++) {
    size_t pg = s->w[i].off / s->os_page;
    if (s->w[i].off < s->size && s->acc[pg] != WRT_MEM_NONE)
      FZ_CHECK(s->base[s->w[i].off] == s->w[i].val);
  }
}

static void fz_mark(fz_shadow *s, size_t from_byte, size_t to_byte, wrt_mem_access a) {
  for (size_t p = from_byte / s->os_page; p < to_byte / s->os_page; p++)
    s->acc[p] = a;
}

/* New pages [from, to) must read zero (first and last byte of each page). */
static void fz_check_zero(const fz_shadow *s, size_t from, size_t to) {
  for (size_t o = from; o < to; o += s->os_page) {
    FZ_CHECK(s->base[o] == 0u);
    FZ_CHECK(s->base[o + s->os_page - 1u] == 0u);
  }
}

static void fz_forget_writes_past(fz_shadow *s, size_t size) {
  unsigned k = 0;
  for (unsigned i = 0; i < s->nw; i++)
    if (s->w[i].off < size)
      s->w[k++] = s->w[i];
  s->nw = k;
}

static fz_alloc_cfg fz_decode_cfg(fz_cursor *c, size_t os_page) {
  fz_alloc_cfg cfg;
  uint8_t b = fz_u8(c);
  cfg.guard_pages = (b & 1u) != 0u;
  cfg.growth = (b & 2u) ? WRT_GROW_EXACT : WRT_GROW_RESERVE;
  static const size_t guards[] = {65536u, 0u, 100u, 1u << 20, 3u * 65536u};
  uint8_t g = fz_u8(c);
  cfg.guard_size = g % 6u == 5u ? os_page * (1u + g / 6u % 4u) : guards[g % 6u];
  uint8_t m = fz_u8(c);
  switch (m % 8u) {
  case 0: cfg.max_pages = 0u; break;                       /* invalid */
  case 1: cfg.max_pages = WRT_WASM_MAX_PAGES + 1u + m; break; /* invalid */
  case 2: cfg.max_pages = WRT_WASM_MAX_PAGES; break;       /* absurd but valid */
  default: cfg.max_pages = 1u + (uint32_t)(m / 8u) % FZ_REAL_MAX_PAGES; break;
  }
  uint8_t r = fz_u8(c);
  cfg.reserve_pages = r % 4u == 0u ? (uint32_t)(r / 4u) % 20u : 0u;
  if (r == 255u)
    cfg.reserve_pages = WRT_WASM_MAX_PAGES + 1u;
  return cfg;
}

static bool fz_cfg_valid(const fz_alloc_cfg *cfg, size_t os_page, bool *guard_size_ok) {
  *guard_size_ok = cfg->guard_size != 0u && cfg->guard_size % os_page == 0u;
  if (cfg->max_pages == 0u || cfg->max_pages > WRT_WASM_MAX_PAGES)
    return false;
  if (cfg->reserve_pages > WRT_WASM_MAX_PAGES)
    return false;
  /* guard_size is checked whether or not guards are on (both headers) */
  if (cfg->guard_size % os_page != 0u)
    return false;
  if (cfg->guard_pages && !*guard_size_ok)
    return false;
  return true;
}

static void fz_op_init(fz_shadow *s, const fz_backend *be, fz_cursor *c) {
  fz_alloc_cfg cfg = fz_decode_cfg(c, s->os_page);
  if (!be->has_reserve_pages)
    cfg.reserve_pages = 0u;
  bool gs_ok;
  bool valid = fz_cfg_valid(&cfg, s->os_page, &gs_ok);
  wrt_status st = WRT_E_OS;
  wrt_page_allocator_t *pa = be->create(&cfg, &st);
  FZ_CHECK(fz_status_valid(st));
  if (pa == NULL) {
    /* Refusing a valid config is a bug. */
    FZ_CHECK(!valid);
    FZ_CHECK(st == WRT_E_INVALID_ARG);
    FZ_CHECK(be->base() == NULL);
    return;
  }
  FZ_CHECK(st == WRT_OK && valid);
  FZ_CHECK(be->base() == pa);
  s->pa = pa;
  s->cfg = cfg;
}

static void fz_op_allocate(fz_shadow *s, fz_cursor *c) {
  uint8_t k = fz_u8(c);
  uint32_t initial, maximum;
  uint32_t cap = s->cfg.max_pages < FZ_REAL_MAX_PAGES ? s->cfg.max_pages : FZ_REAL_MAX_PAGES;
  if (k % 4u == 3u) { /* absurd */
    initial = fz_u32(c);
    maximum = fz_u32(c);
  } else {
    maximum = k % 4u == 0u ? WRT_MAX_PAGES_NONE : (uint32_t)fz_u8(c) % (FZ_REAL_MAX_PAGES + 3u);
    initial = (uint32_t)fz_u8(c) % (FZ_REAL_MAX_PAGES + 2u);
    if (maximum == WRT_MAX_PAGES_NONE && s->cfg.max_pages > FZ_REAL_MAX_PAGES &&
        s->cfg.growth == WRT_GROW_EXACT)
      maximum = cap; /* keep real growth bounded */
  }
  bool none = maximum == WRT_MAX_PAGES_NONE;
  uint32_t em = !none ? maximum : s->cfg.max_pages;
  bool accepted = initial <= WRT_WASM_MAX_PAGES && (none || maximum <= WRT_WASM_MAX_PAGES) &&
                  initial <= em && em <= s->cfg.max_pages;
  if (accepted && initial > FZ_REAL_MAX_PAGES) /* keep it refused, never mapped */
    initial = WRT_WASM_MAX_PAGES + 1u + initial % 1000u;
  bool null_out = (k & 0x40u) != 0u && (k & 0x80u) != 0u;
  uint8_t *b = (uint8_t *)(uintptr_t)0x1;
  size_t sz = 12345u;
  wrt_status st = wrt_page_allocator_allocate(s->pa, initial, maximum, null_out ? NULL : &b, &sz);
  FZ_CHECK(fz_status_valid(st));
  uint32_t eff_max = !none ? maximum : s->cfg.max_pages;
  bool bad = null_out || initial > WRT_WASM_MAX_PAGES || (!none && maximum > WRT_WASM_MAX_PAGES) ||
             initial > eff_max || eff_max > s->cfg.max_pages || s->allocated;
  if (s->pa == NULL) {
    FZ_CHECK(st == WRT_E_INVALID_ARG);
    return;
  }
  if (bad) {
    FZ_CHECK(st == WRT_E_INVALID_ARG || st == WRT_E_LIMIT || st == WRT_E_STATE);
    FZ_CHECK(b == (uint8_t *)(uintptr_t)0x1 && sz == 12345u);
    fz_verify(s);
    return;
  }
  FZ_CHECK(st == WRT_OK);
  s->allocated = true;
  s->base = b;
  s->size = sz;
  s->pages = initial;
  s->maximum = eff_max;
  s->reservation = fz_reservation(s, initial);
  s->nw = 0;
  s->narrowed = false;
  fz_mark(s, 0, sz, WRT_MEM_READ_WRITE);
  fz_verify(s);
  fz_check_zero(s, 0, sz);
}

static void fz_op_grow(fz_shadow *s, fz_cursor *c) {
  uint8_t k = fz_u8(c);
  uint32_t current = s->pages, add;
  uint32_t room = s->allocated ? s->maximum - s->pages : 0u;
  uint32_t real_room = s->allocated && s->pages < FZ_REAL_MAX_PAGES ? FZ_REAL_MAX_PAGES - s->pages : 0u;
  if (room < real_room)
    real_room = room;
  if (k % 8u == 7u)
    current = fz_u32(c); /* probably wrong */
  if (k % 4u == 3u) {
    add = room + 1u + fz_u32(c) % 100000u; /* past the maximum: refused */
    if (add <= room)
      add = UINT32_MAX;
  } else {
    add = (uint32_t)fz_u8(c) % (real_room + 1u);
  }
  bool null_out = (k & 0xc0u) == 0xc0u;
  uint8_t *b = (uint8_t *)(uintptr_t)0x1;
  size_t sz = 12345u;
  uint8_t *old_base = s->base;
  size_t old_size = s->size;
  wrt_status st = wrt_page_allocator_grow(s->pa, current, add, null_out ? NULL : &b, &sz);
  FZ_CHECK(fz_status_valid(st));
  if (s->pa == NULL) {
    FZ_CHECK(st == WRT_E_INVALID_ARG);
    return;
  }
  bool bad = null_out || !s->allocated || current != s->pages || add > room;
  if (bad || st != WRT_OK) {
    if (bad) {
      FZ_CHECK(st == WRT_E_INVALID_ARG || st == WRT_E_LIMIT || st == WRT_E_STATE);
    } else {
      /* A valid grow may only fail when it must move a region that
       * protect() narrowed since it was mapped (and that was not made
       * read-write again as a whole): a backend may refuse to copy it. */
      FZ_CHECK(s->narrowed && st == WRT_E_STATE);
      FZ_CHECK(s->cfg.growth == WRT_GROW_EXACT || s->pages + add > s->reservation);
    }
    FZ_CHECK(b == (uint8_t *)(uintptr_t)0x1 && sz == 12345u);
    fz_verify(s);
    return;
  }
  uint32_t new_pages = s->pages + add;
  FZ_CHECK(sz == (size_t)new_pages * WRT_WASM_PAGE_SIZE);
  FZ_CHECK(((uintptr_t)b & (WRT_WASM_PAGE_SIZE - 1u)) == 0u);
  if (add == 0u || (s->cfg.growth == WRT_GROW_RESERVE && new_pages <= s->reservation))
    FZ_CHECK(b == old_base);
  if (b != old_base) {
    /* Moved: the new region is all read-write. That the old mapping is
     * gone is not checked here: once unmapped, its addresses may be taken
     * by any other mapping in the process (libFuzzer's and the sanitizers'
     * threads map memory concurrently), which made this check flaky. The
     * memory suites prove it with the --wrap mapping accounting instead. */
    s->reservation = fz_reservation(s, new_pages);
    fz_mark(s, 0, old_size, WRT_MEM_READ_WRITE);
    s->narrowed = false;
  }
  s->base = b;
  s->size = sz;
  s->pages = new_pages;
  fz_mark(s, old_size, sz, WRT_MEM_READ_WRITE);
  fz_verify(s);
  fz_check_zero(s, old_size, sz);
}

static void fz_op_protect(fz_shadow *s, fz_cursor *c) {
  uint8_t k = fz_u8(c);
  size_t opages = s->allocated ? fz_opages(s) : 0u;
  size_t off, len;
  wrt_mem_access acc = (wrt_mem_access)(k % 3u);
  if (k % 16u == 15u) {
    acc = (wrt_mem_access)(3u + fz_u8(c) % 200u); /* not an access mode */
  }
  if (k % 8u == 6u) {
    off = fz_size_interesting(c);
    len = fz_size_interesting(c);
  } else {
    size_t p0 = opages ? fz_u8(c) % (opages + 1u) : 0u;
    size_t n = opages ? fz_u8(c) % (opages - (p0 < opages ? p0 : opages) + 1u) : fz_u8(c) % 3u;
    off = p0 * s->os_page;
    len = n * s->os_page;
  }
  wrt_status st = wrt_page_allocator_protect(s->pa, off, len, acc);
  FZ_CHECK(fz_status_valid(st));
  if (s->pa == NULL) {
    FZ_CHECK(st == WRT_E_INVALID_ARG);
    return;
  }
  bool bad = (unsigned)acc > (unsigned)WRT_MEM_READ_WRITE || len == 0u ||
             off % s->os_page != 0u || len % s->os_page != 0u || !s->allocated ||
             off > s->size || len > s->size - off;
  if (bad) {
    FZ_CHECK(st == WRT_E_INVALID_ARG || st == WRT_E_STATE);
  } else {
    FZ_CHECK(st == WRT_OK);
    fz_mark(s, off, off + len, acc);
    if (acc != WRT_MEM_READ_WRITE)
      s->narrowed = true;
    else if (off == 0u && len == s->size)
      s->narrowed = false;
  }
  fz_verify(s);
}

static void fz_op_write(fz_shadow *s, fz_cursor *c) {
  uint32_t r = fz_u32(c);
  if (!s->allocated || s->size == 0u)
    return;
  size_t off = (size_t)r % s->size;
  if (s->acc[off / s->os_page] != WRT_MEM_READ_WRITE)
    return;
  uint8_t v = (uint8_t)(++s->seq | 1u); /* never zero */
  s->base[off] = v;
  for (unsigned i = 0; i < s->nw; i++) {
    if (s->w[i].off == off) {
      s->w[i].val = v;
      return;
    }
  }
  if (s->nw < FZ_MAX_WRITES) {
    s->w[s->nw].off = off;
    s->w[s->nw].val = v;
    s->nw++;
  }
}

static void fz_op_deallocate(fz_shadow *s, fz_cursor *c) {
  uint8_t k = fz_u8(c);
  uint8_t *b = s->base;
  size_t sz = s->size;
  switch (k % 6u) {
  case 3: b = (uint8_t *)((uintptr_t)b + s->os_page); break;
  case 4: sz = sz + WRT_WASM_PAGE_SIZE; break;
  case 5: b = NULL; sz = fz_size_interesting(c); break;
  default: break;
  }
  wrt_status st = wrt_page_allocator_deallocate(s->pa, b, sz);
  FZ_CHECK(fz_status_valid(st));
  if (s->pa == NULL) {
    FZ_CHECK(st == WRT_E_INVALID_ARG);
    return;
  }
  if (!s->allocated || b != s->base || sz != s->size) {
    FZ_CHECK(st == WRT_E_STATE);
    fz_verify(s);
    return;
  }
  FZ_CHECK(st == WRT_OK);
  /* Unmapped: not checked by address (see the moved-grow comment). */
  s->allocated = false;
  s->base = NULL;
  s->size = 0;
  s->pages = 0;
  s->nw = 0;
}

static void fz_op_destroy(fz_shadow *s, const fz_backend *be) {
  be->destroy();
  FZ_CHECK(be->base() == NULL);
  /* unmapped: not checked by address (see the moved-grow comment) */
  be->destroy(); /* destroy twice is safe */
  s->pa = NULL;
  s->allocated = false;
  s->base = NULL;
  s->size = 0;
  s->pages = 0;
  s->nw = 0;
}

/* One input: a config, then operations until the bytes run out. */
static int fz_allocator_run(const fz_backend *be, const uint8_t *data, size_t size) {
  fz_cursor c = {data, size, 0};
  fz_shadow s;
  memset(&s, 0, sizeof s);
  long pg = sysconf(_SC_PAGESIZE);
  FZ_CHECK(pg > 0 && WRT_WASM_PAGE_SIZE % (size_t)pg == 0u && (size_t)pg >= 4096u);
  s.os_page = (size_t)pg;
  fz_op_init(&s, be, &c);
  while (fz_more(&c)) {
    uint8_t op = fz_u8(&c);
    switch (op % 10u) {
    case 0: fz_op_allocate(&s, &c); break;
    case 1:
    case 2: fz_op_grow(&s, &c); break;
    case 3: fz_op_protect(&s, &c); break;
    case 4:
    case 5:
    case 6: fz_op_write(&s, &c); break;
    case 7: fz_op_deallocate(&s, &c); break;
    case 8:
      fz_op_destroy(&s, be);
      fz_op_init(&s, be, &c);
      break;
    default: fz_verify(&s); break;
    }
    fz_forget_writes_past(&s, s.size);
  }
  fz_op_destroy(&s, be);
  return 0;
}

#endif
