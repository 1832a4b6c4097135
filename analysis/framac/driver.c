/*
 * driver.c - the entry point Frama-C EVA analyses src/core from. Each
 * function of src/core is called with every value its arguments can take
 * (Frama_C_*_interval: the whole range of the type) and with both a valid
 * and a NULL out-pointer, so "no alarm" means no run-time error for ANY
 * input, not for some inputs. Analysis code only: never compiled into the
 * library. Includes Frama-C's builtins and the headers under analysis;
 * parts for src/core files that are not in the tree yet are enabled by the
 * WRT_FC_HAVE_* macros that scripts/checks/40-framac.sh defines.
 */
#include "__fc_builtin.h"

#include <stddef.h>
#include <stdint.h>

#include "checked_math.h"
#include "page_rules.h"
#include "wrt/memory.h"
#include "wrt/status.h"

static size_t any_size(void) { return Frama_C_size_t_interval(0u, SIZE_MAX); }

/* A valid out-pointer or NULL. */
static size_t *maybe_null(size_t *p) { return Frama_C_nondet_ptr(p, NULL); }

static void checked_math(void) {
  size_t out = 0u;
  (void)wrt_size_add(any_size(), any_size(), maybe_null(&out));
  (void)wrt_size_mul(any_size(), any_size(), maybe_null(&out));
  (void)wrt_pages_to_bytes(Frama_C_unsigned_int_interval(0u, UINT32_MAX), maybe_null(&out));
  (void)wrt_size_round_up(any_size(), any_size(), maybe_null(&out));
  (void)wrt_size_is_aligned(any_size(), any_size());
  (void)wrt_range_within(any_size(), any_size(), any_size());
}

/* The page-allocator rules every backend validates through: every argument
 * over its whole range (enum arguments included, so out-of-range values
 * are analysed too). */
static uint32_t any_u32(void) { return Frama_C_unsigned_int_interval(0u, UINT32_MAX); }
static size_t any_guard(void) {
  return Frama_C_nondet(0, 1) ? (size_t)WRT_GUARD_FROM_SIZE : any_size();
}
static void page_rules(void) {
  uint32_t max = 0u;
  size_t before = 0u;
  size_t after = 0u;
  size_t len = 0u;
  wrt_page_config_t c;
  c.guard_pages = Frama_C_nondet(0, 1) != 0;
  c.guard_size = any_size();
  c.guard_before = any_guard();
  c.guard_after = any_guard();
  c.guard_reach = any_size();
  c.max_pages = any_u32();
  c.growth = (wrt_growth_strategy)Frama_C_interval(-1, 3);
  c.reserve_pages = any_u32();
  c.no_move = Frama_C_nondet(0, 1) != 0;
  c.memory64 = Frama_C_nondet(0, 1) != 0;
  size_t os_page = any_size();
  (void)wrt_page_limit(c.memory64);
  (void)wrt_page_check_config(&c, os_page);
  wrt_page_guards(&c, any_size(), &before, &after);
  (void)wrt_page_mapping_bytes(&c, any_size(), os_page, &len);
  (void)wrt_page_check_allocate(any_u32(), any_u32(), any_u32(), Frama_C_nondet(0, 1) != 0,
                                Frama_C_nondet_ptr(&max, NULL));
  (void)wrt_page_check_grow(any_u32(), any_u32(), any_u32(), any_u32());
  (void)wrt_page_check_protect(any_size(), any_size(), any_size(),
                               (wrt_mem_access)Frama_C_interval(-1, 4));
  (void)wrt_page_reservation((wrt_growth_strategy)Frama_C_interval(0, 1), any_u32(), any_u32(),
                             any_u32());
  (void)wrt_page_moved_reservation((wrt_growth_strategy)Frama_C_interval(0, 1), any_u32(),
                                   any_u32(), any_u32());
}

static void status(void) {
  /* Every enumerator and values outside the enum (a caller's cast). */
  const char *t = wrt_status_str((wrt_status)Frama_C_interval(0, WRT_STATUS_COUNT + 5));
  Frama_C_show_each_status_text_is_nonnull(t != NULL);
}

#ifdef WRT_FC_HAVE_CRC32C
#include "wrt/crc32c.h"
#include "crc32c_impl.h"
/* The QNX 8.0 system page's ID-register dump, read on aarch64 QNX (issue
 * 28): any register values, a dump of up to two CPUs (n_regs any length
 * within it), any CPU count, flags or none. */
static void crc32c_arm_idregs(void) {
  static uint64_t regs[2u * WRT_CRC32C_ARM_IDREGS_PER_CPU];
  uint64_t flags[2];
  for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
    regs[i] = Frama_C_unsigned_long_long_interval(0u, UINT64_MAX);
  flags[0] = Frama_C_unsigned_long_long_interval(0u, UINT64_MAX);
  flags[1] = Frama_C_unsigned_long_long_interval(0u, UINT64_MAX);
  size_t n = Frama_C_size_t_interval(0u, sizeof regs / sizeof regs[0]);
  unsigned ncpu = Frama_C_unsigned_int_interval(0u, UINT32_MAX);
  (void)wrt_crc32c_arm_idregs_have_crc32(regs, n, ncpu, NULL);
  (void)wrt_crc32c_arm_idregs_have_crc32(Frama_C_nondet_ptr(regs, NULL), n,
                                         Frama_C_unsigned_int_interval(0u, 2u), flags);
}
static void crc32c(void) {
  uint8_t buf[64];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = Frama_C_unsigned_char_interval(0u, UINT8_MAX);
  /* Every start alignment (the portable path aligns to 8 bytes first) with
   * every length that stays in the buffer. */
  static const size_t lens[] = {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 40u, 56u};
  for (size_t off = 0u; off < 8u; off++) {
    for (size_t k = 0u; k < sizeof lens / sizeof lens[0]; k++)
      (void)wrt_crc32c(Frama_C_unsigned_int_interval(0u, UINT32_MAX), buf + off, lens[k]);
  }
  (void)wrt_crc32c(Frama_C_unsigned_int_interval(0u, UINT32_MAX), NULL, any_size());
  (void)wrt_crc32c_implementation();
  crc32c_arm_idregs();
}
#endif

#if defined(WRT_FC_HAVE_MUTEX) || defined(WRT_FC_HAVE_ATOMIC_MEMORY)
#include "wrt/mutex.h"
#include "wrt/sync.h"
/* A futex backend that may do anything its contract allows: wait returns
 * any of its documented codes (or an OS failure) and another thread may
 * have changed the word meanwhile; wake may fail. */
static wrt_status stub_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  (void)expected;
  (void)timeout_ns;
  self->value = Frama_C_unsigned_int_interval(0u, 2u);
  switch (Frama_C_interval(0, 3)) {
  case 0: return WRT_OK;
  case 1: return WRT_E_AGAIN;
  case 2: return WRT_E_TIMEOUT;
  default: return WRT_E_OS;
  }
}
static wrt_status stub_wake(wrt_futex_t *self, uint32_t count) {
  (void)self;
  (void)count;
  return Frama_C_interval(0, 1) ? WRT_OK : WRT_E_OS;
}
static const wrt_futex_ops_t stub_ops = {stub_wait, stub_wake};
static wrt_futex_t stub_futex = {&stub_ops, 0u};
#endif

#ifdef WRT_FC_HAVE_MUTEX
static void mutex(void) {
  wrt_mutex_t m;
  wrt_futex_t no_ops = {NULL, 0u};
  (void)wrt_mutex_init(NULL, &stub_futex);
  (void)wrt_mutex_init(&m, &no_ops);
  (void)wrt_mutex_init(&m, NULL);
  if (wrt_mutex_init(&m, &stub_futex) != WRT_OK)
    return;
  stub_futex.value = Frama_C_unsigned_int_interval(0u, UINT32_MAX);
  (void)wrt_mutex_is_initialised(&m);
  (void)wrt_mutex_is_initialised(NULL);
  (void)wrt_mutex_set_spin(NULL, 1u);
  (void)wrt_mutex_set_spin(&m, Frama_C_unsigned_int_interval(0u, UINT32_MAX));
  (void)wrt_mutex_trylock(&m);
  (void)wrt_mutex_unlock(&m);
  (void)wrt_mutex_lock(&m);
  (void)wrt_mutex_unlock(&m);
  (void)wrt_mutex_lock_timeout(&m, Frama_C_unsigned_long_interval(0u, UINT64_MAX));
  (void)wrt_mutex_unlock(&m);
  (void)wrt_mutex_lock(NULL);
  (void)wrt_mutex_trylock(NULL);
  (void)wrt_mutex_unlock(NULL);
  (void)wrt_mutex_lock_timeout(NULL, 0u);
}
#endif

#ifdef WRT_FC_HAVE_ATOMIC_MEMORY
#include "wrt/atomic_memory.h"
#define FC_REGION 512u
#define FC_BLOCK 64u
/* Twice the largest region used below: EVA is non-relational, so after a
 * range check "offset + len <= size" it only knows offset <= size and
 * len <= size, and would report reads up to 2 * size. The slack keeps
 * those false alarms out; reads past size itself are caught by the
 * provider tests under ASan and by fuzz/fuzz_provider.c. */
static uint8_t region[4 * FC_REGION];
static uint32_t sums[4 * FC_REGION / FC_BLOCK];
/* One configuration per call with concrete sizes: EVA cannot keep the
 * relation between an interval of sizes and the number of checksums they
 * need, so each (block size, region size, growth) is analysed on its own;
 * offsets and lengths stay whole-range. */
static void provider_case(size_t bs, size_t size, size_t count, size_t new_size,
                          size_t new_count) {
  uint8_t io[FC_REGION];
  wrt_mutex_t m;
  wrt_provider_t p;
  for (size_t i = 0; i < sizeof io; i++)
    io[i] = Frama_C_unsigned_char_interval(0u, 255u);
  if (wrt_mutex_init(&m, &stub_futex) != WRT_OK)
    return;
  if (wrt_provider_init(&p, region, size, sums, count, bs, &m) != WRT_OK)
    return;
  (void)wrt_provider_set_verify_reads(&p, Frama_C_nondet(0, 1) != 0);
  (void)wrt_provider_set_verify_writes(&p, Frama_C_nondet(0, 1) != 0);
  size_t off = any_size();
  size_t len = Frama_C_size_t_interval(0u, sizeof io);
  /* Stray damage behind the provider's back. */
  if (size > 0u)
    region[Frama_C_size_t_interval(0u, size - 1u)] = Frama_C_unsigned_char_interval(0u, 255u);
  (void)wrt_atomic_write(&p, off, io, len);
  (void)wrt_atomic_write(&p, any_size(), NULL, 0u);
  (void)wrt_atomic_read(&p, off, io, len);
  (void)wrt_provider_verify(&p);
  (void)wrt_provider_first_bad_block(&p);
  (void)wrt_provider_resize(&p, region, new_size, Frama_C_nondet(0, 1) ? sums : NULL,
                            new_count);
  (void)wrt_atomic_read(&p, any_size(), io, Frama_C_size_t_interval(0u, sizeof io));
  (void)wrt_provider_verify(&p);
}

static void atomic_memory(void) {
  provider_case(64u, FC_REGION, FC_REGION / 64u, 2u * FC_REGION, 2u * FC_REGION / 64u);
  provider_case(64u, 100u, 2u, 300u, 5u);       /* partial last blocks */
  provider_case(128u, 0u, 0u, 200u, 2u);        /* empty, then grown */
  provider_case(4096u, FC_REGION, 1u, FC_REGION, 0u);
  provider_case(64u, 100u, 1u, 100u, 0u);       /* too few checksums */
  provider_case(64u, 100u, 2u, 50u, 0u);        /* shrink: refused */
  provider_case(100u, 100u, 2u, 100u, 0u);      /* not a power of two */
  provider_case(32u, 100u, 4u, 100u, 0u);       /* below the minimum */
  wrt_mutex_t m;
  wrt_provider_t p;
  if (wrt_mutex_init(&m, &stub_futex) == WRT_OK) {
    (void)wrt_provider_init(NULL, region, 64u, sums, 1u, 64u, &m);
    (void)wrt_provider_init(&p, NULL, 64u, sums, 1u, 64u, &m);
    (void)wrt_provider_init(&p, region, 64u, NULL, 1u, 64u, &m);
    (void)wrt_provider_init(&p, region, 64u, sums, 1u, 64u, NULL);
  }
  (void)wrt_provider_first_bad_block(NULL);
  uint8_t b = 0u;
  (void)wrt_atomic_write(NULL, 0u, &b, 1u);
  (void)wrt_atomic_read(NULL, 0u, &b, 1u);
  (void)wrt_provider_verify(NULL);
  (void)wrt_provider_resize(NULL, region, 64u, NULL, 0u);
}
#endif


/* The futex dispatchers of wrt/sync.h (exported by src/core/exports.c):
 * NULL, an ops-less word, and the stub backend. */
#if defined(WRT_FC_HAVE_MUTEX) || defined(WRT_FC_HAVE_ATOMIC_MEMORY)
static void futex_dispatch(void) {
  wrt_futex_t no_ops = {NULL, 0u};
  wrt_futex_t *f = Frama_C_nondet_ptr(&stub_futex, &no_ops);
  uint32_t v = Frama_C_unsigned_int_interval(0u, UINT32_MAX);
  wrt_futex_set(f, v);
  (void)wrt_futex_load(f);
  (void)wrt_futex_compare_exchange(f, Frama_C_unsigned_int_interval(0u, UINT32_MAX),
                                   Frama_C_unsigned_int_interval(0u, UINT32_MAX));
  (void)wrt_futex_wait(f, v, Frama_C_unsigned_long_interval(0u, UINT64_MAX));
  (void)wrt_futex_wait(NULL, v, 0u);
  (void)wrt_futex_wake(f, Frama_C_unsigned_int_interval(0u, UINT32_MAX));
  (void)wrt_futex_wake(NULL, 1u);
  (void)wrt_futex_wake_one(f);
  (void)wrt_futex_wake_all(f);
  stub_futex.value = 0u;
}
#endif

/* The page-allocator dispatchers of wrt/memory.h (exported by
 * src/core/exports.c) over a stub backend whose query goes through the
 * region latch as both real backends' do, and the region-info helpers. */
#include "region_latch.h"
#define FC_SPAN 256u
static uint8_t span[FC_SPAN];
static uint8_t outside;
typedef struct {
  wrt_page_allocator_t base; /* first: the ops see a wrt_page_allocator_t * */
  wrt_region_latch_t latch;
} fc_allocator_t;
static fc_allocator_t fc_alloc;

static wrt_status any_status(void) {
  switch (Frama_C_interval(0, 5)) {
  case 0: return WRT_OK;
  case 1: return WRT_E_INVALID_ARG;
  case 2: return WRT_E_LIMIT;
  case 3: return WRT_E_STATE;
  case 4: return WRT_E_NO_MEMORY;
  default: return WRT_E_OS;
  }
}
/* A region in span: [guard_start, base) leading guard, accessible pages,
 * reserved rest, trailing guard, each boundary anywhere in order. */
static void publish_any(void) {
  wrt_region_info_t r;
  if (Frama_C_nondet(0, 1)) {
    r.base = NULL;
    r.accessible = 0u;
    r.reserved_end = NULL;
    r.guard_start = NULL;
    r.guard_end = NULL;
  } else {
    size_t g0 = Frama_C_size_t_interval(0u, 16u);
    size_t b = Frama_C_size_t_interval(16u, 32u);
    size_t re = Frama_C_size_t_interval(128u, 192u);
    r.guard_start = span + g0;
    r.base = span + b;
    r.accessible = Frama_C_size_t_interval(0u, re - b);
    r.reserved_end = span + re;
    r.guard_end = span + Frama_C_size_t_interval(re, FC_SPAN);
  }
  wrt_region_latch_publish(&fc_alloc.latch, &r);
}
static wrt_status fc_allocate(wrt_page_allocator_t *self, uint32_t initial, uint32_t maximum,
                              uint8_t **base, size_t *size) {
  (void)self;
  (void)initial;
  (void)maximum;
  wrt_status st = any_status();
  if (st == WRT_OK && base != NULL && size != NULL) {
    publish_any();
    *base = span;
    *size = Frama_C_size_t_interval(0u, FC_SPAN);
  }
  return st;
}
static wrt_status fc_grow(wrt_page_allocator_t *self, uint32_t current, uint32_t additional,
                          uint8_t **base, size_t *size) {
  /* a backend's own description of a mapping: 16 B guard, 64 B reserved */
  wrt_region_latch_publish_mapping(&fc_alloc.latch, true, span, FC_SPAN, span + 16, 32u, 64u);
  return fc_allocate(self, current, additional, base, size);
}
static wrt_status fc_protect(wrt_page_allocator_t *self, size_t offset, size_t len,
                             wrt_mem_access access) {
  (void)self;
  (void)offset;
  (void)len;
  (void)access;
  return any_status();
}
static wrt_status fc_deallocate(wrt_page_allocator_t *self, uint8_t *base, size_t size) {
  (void)self;
  (void)base;
  (void)size;
  wrt_status st = any_status();
  if (st == WRT_OK) {
    wrt_region_latch_publish_mapping(&fc_alloc.latch, false, NULL, 0u, NULL, 0u, 0u);
  }
  return st;
}
static wrt_status fc_query(const wrt_page_allocator_t *self, wrt_region_info_t *out) {
  (void)self;
  return wrt_region_latch_read(&fc_alloc.latch, out);
}
static const wrt_page_allocator_ops_t fc_ops = {fc_allocate, fc_grow, fc_protect, fc_deallocate,
                                                fc_query};
static const wrt_page_allocator_ops_t fc_no_ops = {NULL, NULL, NULL, NULL, NULL};

static const void *any_addr(void) {
  switch (Frama_C_interval(0, 2)) {
  case 0: return span + Frama_C_size_t_interval(0u, FC_SPAN - 1u);
  case 1: return &outside;
  default: return NULL;
  }
}

static void page_allocator(void) {
  wrt_page_allocator_t bare = {NULL};
  wrt_page_allocator_t empty = {&fc_no_ops};
  wrt_page_allocator_t *a = Frama_C_nondet_ptr(&fc_alloc.base, &bare);
  a = Frama_C_nondet_ptr(a, &empty);
  a = Frama_C_nondet_ptr(a, NULL);
  fc_alloc.base.ops = &fc_ops;
  wrt_region_latch_init(&fc_alloc.latch);
  uint8_t *base = NULL;
  size_t size = 0u;
  wrt_region_info_t info = {NULL, 0u, NULL, NULL, NULL};
  (void)wrt_page_allocator_query(a, &info);
  (void)wrt_page_allocator_query(a, NULL);
  (void)wrt_page_allocator_allocate(a, any_u32(), any_u32(), Frama_C_nondet_ptr(&base, NULL),
                                    Frama_C_nondet_ptr(&size, NULL));
  (void)wrt_page_allocator_grow(a, any_u32(), any_u32(), Frama_C_nondet_ptr(&base, NULL),
                                Frama_C_nondet_ptr(&size, NULL));
  (void)wrt_page_allocator_protect(a, any_size(), any_size(),
                                   (wrt_mem_access)Frama_C_interval(-1, 4));
  if (wrt_page_allocator_query(a, &info) == WRT_OK) {
    (void)wrt_region_info_contains(&info, any_addr());
    (void)wrt_region_info_in_guard(&info, any_addr());
  }
  (void)wrt_page_allocator_deallocate(a, base, size);
  (void)wrt_page_allocator_query(a, &info);
  (void)wrt_region_info_contains(&info, any_addr()); /* zeroed: base NULL */
  (void)wrt_region_info_contains(NULL, any_addr());
  (void)wrt_region_info_in_guard(NULL, any_addr());
}

#ifdef WRT_FC_HAVE_WAIT_TABLE
#include "wait_backend.h"
#include "wrt/wait_table.h"
/* A backend that may do anything its contract (wait_backend.h) allows:
 * every status, and, while a waiter is parked, another thread's notify of
 * the same table (run here, inside park, as one interleaving of it; the
 * stub lock does not exclude, which adds interleavings and removes none). */
/* 0 analyses the waits without the concurrent notify (same alarms, less
 * of notify's wake loop covered); kept as a switch for narrowing alarms. */
#ifndef FC_WT_CONCURRENT_NOTIFY
#define FC_WT_CONCURRENT_NOTIFY 1
#endif
struct wrt_parker {
  uint32_t token;
};
static struct wrt_parker fc_parker;
static wrt_wait_table_t *fc_wt; /* the table a concurrent notify uses */
static const void *fc_wt_addr;

static wrt_status ok_or_os(void) { return Frama_C_nondet(0, 1) ? WRT_OK : WRT_E_OS; }
static wrt_status wb_lock_init(wrt_wait_lock_t *l) {
  l->bytes[0] = 0u;
  return Frama_C_nondet(0, 1) ? WRT_OK : WRT_E_NO_MEMORY;
}
static void wb_lock_destroy(wrt_wait_lock_t *l) { l->bytes[0] = 1u; }
static wrt_status wb_lock(wrt_wait_lock_t *l) {
  (void)l;
  return ok_or_os();
}
static wrt_status wb_unlock(wrt_wait_lock_t *l) {
  (void)l;
  return ok_or_os();
}
static wrt_status wb_self(wrt_parker_t **out, int *os_error) {
  if (Frama_C_nondet(0, 1)) {
    *os_error = Frama_C_interval(1, 200);
    return WRT_E_OS;
  }
  *out = &fc_parker;
  return WRT_OK;
}
static uint32_t wb_prepare(wrt_parker_t *p) {
  p->token = Frama_C_unsigned_int_interval(1u, UINT32_MAX);
  return p->token;
}
static wrt_status wb_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns, int *os_error) {
  (void)p;
  (void)token;
  (void)deadline_ns;
  if (FC_WT_CONCURRENT_NOTIFY && fc_wt != NULL && Frama_C_nondet(0, 1)) {
    uint32_t woken = 0u;
    (void)wrt_wait_table_notify(fc_wt, fc_wt_addr, Frama_C_unsigned_int_interval(0u, UINT32_MAX),
                                &woken);
  }
  switch (Frama_C_interval(0, 3)) {
  case 0: return WRT_OK;
  case 1: return WRT_E_AGAIN;
  case 2: return WRT_E_TIMEOUT;
  default: *os_error = Frama_C_interval(1, 200); return WRT_E_OS;
  }
}
static wrt_status wb_unpark(wrt_parker_t *p, uint32_t token, int *os_error) {
  (void)p;
  (void)token;
  if (Frama_C_nondet(0, 1)) {
    *os_error = Frama_C_interval(1, 200);
    return WRT_E_OS;
  }
  return WRT_OK;
}
/* The kick may come after the waiter returned: it must not touch p. */
static wrt_status wb_kick(wrt_parker_t *p, int *os_error) {
  (void)p;
  if (Frama_C_nondet(0, 1)) {
    *os_error = Frama_C_interval(1, 200);
    return WRT_E_OS;
  }
  return WRT_OK;
}
static uint64_t wb_now(void) { return Frama_C_unsigned_long_interval(0u, UINT64_MAX); }
static const wrt_wait_backend_t wb = {wb_lock_init, wb_lock_destroy, wb_lock, wb_unlock,
                                      wb_self,      wb_prepare,      wb_park, wb_unpark,
                                      wb_kick,      wb_now};
/* Without a kick (as the QNX backend); and one without now_ns. */
static const wrt_wait_backend_t wb_no_kick = {wb_lock_init, wb_lock_destroy, wb_lock, wb_unlock,
                                              wb_self,      wb_prepare,      wb_park, wb_unpark,
                                              NULL,         wb_now};
static const wrt_wait_backend_t wb_partial = {wb_lock_init, wb_lock_destroy, wb_lock, wb_unlock,
                                              wb_self,      wb_prepare,      wb_park, wb_unpark,
                                              NULL,         NULL};

static uint64_t any_timeout(void) {
  switch (Frama_C_interval(0, 2)) {
  case 0: return 0u;
  case 1: return WRT_WAIT_FOREVER;
  default: return Frama_C_unsigned_long_interval(0u, UINT64_MAX);
  }
}

static void wait_table_case(size_t count) {
  static wrt_wait_bucket_t buckets[4];
  static _Alignas(8) uint32_t words[4];
  static uint64_t word64;
  wrt_wait_table_t t;
  t.live = 0u;
  fc_wt = NULL;
  const wrt_wait_backend_t *be = Frama_C_nondet(0, 1) ? &wb : &wb_no_kick;
  if (wrt_wait_table_init(&t, buckets, count, be) != WRT_OK) {
    return;
  }
  (void)wrt_wait_table_init(&t, buckets, count, be); /* live: STATE */
  fc_wt = &t;
  words[0] = Frama_C_unsigned_int_interval(0u, UINT32_MAX);
  word64 = Frama_C_unsigned_long_interval(0u, UINT64_MAX);
  /* 4-aligned, misaligned (byte 1 of a word) and NULL addresses. */
  const uint8_t *w = (const uint8_t *)&words[0];
  const void *addr32 = Frama_C_nondet(0, 1) ? (const void *)&words[0] : NULL;
  addr32 = Frama_C_nondet(0, 1) ? addr32 : (const void *)(w + 1);
  fc_wt_addr = Frama_C_nondet_ptr((void *)&words[0], (void *)&words[1]);
  (void)wrt_wait_table_wait32(&t, addr32, Frama_C_unsigned_int_interval(0u, UINT32_MAX),
                              any_timeout());
  fc_wt_addr = &word64;
  (void)wrt_wait_table_wait64(&t, Frama_C_nondet(0, 1) ? (const void *)&word64 : NULL,
                              Frama_C_unsigned_long_interval(0u, UINT64_MAX), any_timeout());
  uint32_t woken = 0u;
  (void)wrt_wait_table_notify(&t, addr32, Frama_C_unsigned_int_interval(0u, UINT32_MAX),
                              Frama_C_nondet_ptr(&woken, NULL));
  fc_wt = NULL;
  (void)wrt_wait_table_destroy(&t);
  (void)wrt_wait_table_destroy(&t); /* not live: OK, nothing done */
}

static void wait_table(void) {
  static wrt_wait_bucket_t buckets[4];
  wrt_wait_table_t t;
  t.live = 0u;
  (void)wrt_wait_table_init(NULL, buckets, 1u, &wb);
  (void)wrt_wait_table_init(&t, NULL, 1u, &wb);
  (void)wrt_wait_table_init(&t, buckets, 1u, NULL);
  (void)wrt_wait_table_init(&t, buckets, 1u, &wb_partial);
  /* Sizes that are refused before any bucket is touched. */
  (void)wrt_wait_table_init(&t, buckets, 0u, &wb);
  (void)wrt_wait_table_init(&t, buckets, 3u, &wb); /* not a power of two */
  (void)wrt_wait_table_init(&t, buckets,
                            Frama_C_size_t_interval(WRT_WAIT_TABLE_MAX_BUCKETS + 1u, SIZE_MAX), &wb);
  (void)wrt_wait_table_destroy(NULL);
  uint32_t woken = 0u;
  (void)wrt_wait_table_wait32(NULL, &woken, 0u, 0u);
  (void)wrt_wait_table_notify(NULL, &woken, 1u, &woken);
  wait_table_case(1u);
}
#endif

/* CPU partitions and memory limits (issue 22): the shared name/budget
 * checks, the errno mapping, the bounded string copy and the os_error
 * getters. Strings are any bytes within their buffer (NUL-terminated: the
 * internal helpers' precondition); the public getters also get NULL. */
#include <limits.h>
#include "cpu_partition_rules.h"
#include "wrt/memory_limit.h"
static char fc_str[24];
/* Any NUL-terminated string of 0..23 bytes (any byte values). */
static char *any_str(void) {
  Frama_C_make_unknown(fc_str, sizeof fc_str);
  fc_str[sizeof fc_str - 1u] = '\0';
  return fc_str;
}
static void cpu_partition_and_limits(void) {
  char dst[WRT_CPU_PARTITION_NAME_MAX + 1u];
  (void)wrt_cpu_partition_name_ok(Frama_C_nondet_ptr(any_str(), NULL));
  (void)wrt_copy_str(dst, Frama_C_size_t_interval(0u, sizeof dst), any_str());
  wrt_cpu_partition_config_t cfg;
  cfg.name = Frama_C_nondet_ptr(any_str(), NULL);
  cfg.budget_percent = any_u32();
  cfg.critical_budget_ms = any_u32();
  cfg.cgroup_mount = NULL;
  (void)wrt_cpu_partition_check_config(Frama_C_nondet_ptr(&cfg, NULL));
  (void)wrt_cpu_partition_status_of(Frama_C_interval(INT_MIN, INT_MAX));
  wrt_cpu_partition_t part;
  Frama_C_make_unknown((char *)&part, sizeof part);
  part.os_error = Frama_C_interval(INT_MIN, INT_MAX);
  (void)wrt_cpu_partition_os_error(Frama_C_nondet_ptr(&part, NULL));
  wrt_memory_limit_t lim;
  Frama_C_make_unknown((char *)&lim, sizeof lim);
  lim.os_error = Frama_C_interval(INT_MIN, INT_MAX);
  (void)wrt_memory_limit_os_error(Frama_C_nondet_ptr(&lim, NULL));
}

/* Placement (issue 27): every enum value and one beyond on each side, any
 * node number, any mode, and a shm name of any 257 bytes with no NUL
 * guaranteed (the check's bound says it reads no further), a short
 * NUL-terminated one, or NULL. The check's p is non-NULL by contract (the
 * backends pass their own copy). */
#include "placement_rules.h"
static char fc_shm[257];
static void placement(void) {
  wrt_placement_t p = wrt_placement_default();
  Frama_C_make_unknown(fc_shm, sizeof fc_shm);
  p.huge = (wrt_huge_pages)Frama_C_interval(-1, 3);
  p.numa_policy = (wrt_numa_policy)Frama_C_interval(-1, 2);
  p.huge_fallback = Frama_C_nondet(0, 1) != 0;
  p.shared = Frama_C_nondet(0, 1) != 0;
  p.shm_mode = any_u32();
  p.numa_node = Frama_C_interval(INT_MIN, INT_MAX);
  p.shm_name = Frama_C_nondet(0, 1) ? NULL : (Frama_C_nondet(0, 1) ? fc_shm : any_str());
  (void)wrt_placement_check(&p);
}

/* The slot pool (issue 25): any configuration and OS page size; a backend
 * whose calls may each fail with any errno; its reservation a static
 * buffer (or ENOMEM when the layout asks for more). A slot acquired is
 * then driven through every page-allocator op with any arguments, and
 * released; every call also with NULL. */
#include <errno.h>
#include "pool_os.h"
#define FC_POOL_BYTES (4u * WRT_WASM_PAGE_SIZE)
static uint8_t fc_pool_map[FC_POOL_BYTES] __attribute__((__aligned__(65536)));
static int any_errno(void) { return Frama_C_nondet(0, 1) ? 0 : Frama_C_interval(1, 200); }
static int fp_reserve(size_t len, uint8_t **out) {
  if (len > sizeof fc_pool_map) {
    return ENOMEM;
  }
  int err = any_errno();
  if (err == 0) {
    *out = fc_pool_map;
  }
  return err;
}
static int fp_unreserve(uint8_t *addr, size_t len) {
  (void)addr;
  (void)len;
  return any_errno();
}
static int fp_protect(uint8_t *addr, size_t len, wrt_mem_access access) {
  (void)addr;
  (void)len;
  (void)access;
  return any_errno();
}
static int fp_discard(uint8_t *addr, size_t len) {
  (void)addr;
  (void)len;
  return any_errno();
}
static const struct wrt_pool_os fc_pool_os = {fp_reserve, fp_unreserve, fp_protect, fp_discard};
static wrt_pool_t fc_pool;
static wrt_pool_t fc_pool_any;
static wrt_pool_slot_t fc_slots[2];
static wrt_pool_slot_t fc_slots_any[2];
static void pool(void) {
  /* Any configuration, count, OS page size and NULL for each pointer. */
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = Frama_C_nondet(0, 1) ? Frama_C_unsigned_int_interval(0u, 2u) : any_u32();
  c.guard_before = Frama_C_nondet(0, 1) ? Frama_C_size_t_interval(0u, 8192u) : any_size();
  c.guard_after = Frama_C_nondet(0, 1) ? Frama_C_size_t_interval(0u, 8192u) : any_size();
  c.guard_reach = Frama_C_nondet(0, 1) ? Frama_C_size_t_interval(0u, 8192u) : any_size();
  c.keep_resident = Frama_C_nondet(0, 1) ? Frama_C_size_t_interval(0u, 131072u) : any_size();
  size_t os_page = Frama_C_nondet(0, 1) ? (size_t)4096u : any_size();
  /* A pool that is no pool (zeroed storage) and NULL. */
  wrt_page_allocator_t *a = NULL;
  (void)wrt_pool_in_use(Frama_C_nondet_ptr(&fc_pool_any, NULL));
  (void)wrt_pool_slot_count(Frama_C_nondet_ptr(&fc_pool_any, NULL));
  (void)wrt_pool_acquire(Frama_C_nondet_ptr(&fc_pool_any, NULL), Frama_C_nondet_ptr(&a, NULL));
  (void)wrt_pool_release(Frama_C_nondet_ptr(&fc_pool_any, NULL), NULL);
  (void)wrt_pool_destroy(Frama_C_nondet_ptr(&fc_pool_any, NULL));
  /* Init's answer kept apart (EVA would otherwise merge a live pool's
   * fields with the zeroed ones, a relation it does not keep). */
  if (wrt_pool_init_os(Frama_C_nondet_ptr(&fc_pool_any, NULL),
                       Frama_C_nondet_ptr(fc_slots_any, NULL), Frama_C_unsigned_int_interval(0u, 2u),
                       Frama_C_nondet_ptr(&c, NULL),
                       Frama_C_nondet_ptr((void *)&fc_pool_os, NULL), os_page) == WRT_OK) {
    (void)wrt_pool_in_use(&fc_pool_any);
    (void)wrt_pool_slot_count(&fc_pool_any);
    (void)wrt_pool_destroy(&fc_pool_any);
  }
  /* A pool that fits the reservation (2 slots of 1 page, guards of one OS
   * page or none, any keep_resident within the slot), then driven. */
  c = wrt_pool_config_default();
  c.slot_pages = 1u;
  c.guard_before = Frama_C_nondet(0, 1) ? 0u : (size_t)4096u;
  c.guard_after = Frama_C_nondet(0, 1) ? 0u : (size_t)4096u;
  c.guard_reach = Frama_C_nondet(0, 1) ? 0u : (size_t)4096u;
  c.keep_resident = Frama_C_size_t_interval(0u, 16u) * 4096u;
  c.software_bounds = Frama_C_nondet(0, 1) != 0;
  if (wrt_pool_init_os(&fc_pool, fc_slots, 2u, &c, &fc_pool_os, 4096u) != WRT_OK) {
    return;
  }
  (void)wrt_pool_in_use(&fc_pool);
  (void)wrt_pool_slot_count(&fc_pool);
  for (int round = 0; round < 2; round++) {
    if (wrt_pool_acquire(&fc_pool, Frama_C_nondet_ptr(&a, NULL)) ==
            WRT_OK &&
        a != NULL) {
      uint8_t *base = NULL;
      size_t size = 0u;
      wrt_region_info_t info;
      (void)a->ops->allocate(a, any_u32(), any_u32(), Frama_C_nondet_ptr(&base, NULL),
                             Frama_C_nondet_ptr(&size, NULL));
      (void)a->ops->grow(a, any_u32(), any_u32(), Frama_C_nondet_ptr(&base, NULL),
                         Frama_C_nondet_ptr(&size, NULL));
      (void)a->ops->protect(a, any_size(), any_size(), (wrt_mem_access)Frama_C_interval(-1, 4));
      (void)a->ops->query(a, &info);
      if (Frama_C_nondet(0, 1)) {
        (void)a->ops->deallocate(a, base, Frama_C_nondet(0, 1) ? size : any_size());
      }
      (void)wrt_pool_release(&fc_pool, a);
    }
  }
  (void)wrt_pool_release(&fc_pool, NULL);
  /* Not analysed: release of an allocator that is no slot of the pool
   * (see alarms.md, "Slot pool"). */
  (void)wrt_pool_destroy(&fc_pool);
}

#ifdef WRT_FC_HAVE_CLOCK
#include "clock.h"
#endif

int main(void) {
  checked_math();
  page_rules();
  status();
#ifdef WRT_FC_HAVE_CRC32C
  crc32c();
#endif
#ifdef WRT_FC_HAVE_MUTEX
  mutex();
#endif
#ifdef WRT_FC_HAVE_ATOMIC_MEMORY
  atomic_memory();
#endif
#if defined(WRT_FC_HAVE_MUTEX) || defined(WRT_FC_HAVE_ATOMIC_MEMORY)
  futex_dispatch();
#endif
  page_allocator();
  cpu_partition_and_limits();
  placement();
  pool();
#ifdef WRT_FC_HAVE_WAIT_TABLE
  wait_table();
#endif
#ifdef WRT_FC_HAVE_CLOCK
  (void)wrt_clock_monotonic_ns();
#endif
  return 0;
}
