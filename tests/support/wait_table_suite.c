/*
 * wait_table_suite.c - the backend-neutral wait table suite; see
 * wait_table_suite.h. Tests act on what the shim saw (a waiter has entered
 * park, hence is linked), never on sleeps; the timeouts below only bound a
 * hang. Test code only: global state is the fixture.
 */
#define _GNU_SOURCE
#include "wait_table_suite.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "wait_table_fault.h"

/* The backend interface is internal to the library (src/core); the suite
 * needs its layout to put the shim in between. */
#include "../../src/core/wait_backend.h"

#define MS 1000000ull
#define BUCKETS 8u
#define MAX_WAITERS 8u

static const wrt_wait_suite_backend_t *g_sb;
static wrt_wait_bucket_t g_buckets[64];
static wrt_wait_table_t g_table;

/* --- the shim ---------------------------------------------------------------- */

typedef enum {
  K_LOCK_INIT,
  K_LOCK_DESTROY,
  K_LOCK,
  K_UNLOCK,
  K_SELF,
  K_PREPARE,
  K_PARK,
  K_UNPARK,
  K_COUNT
} kind;

static const char *const k_names[K_COUNT] = {"lock_init", "lock_destroy", "lock",    "unlock",
                                            "self",      "prepare",      "park",    "unpark"};

static _Atomic unsigned g_calls[K_COUNT];
static _Atomic unsigned g_fail_at[K_COUNT]; /* 0: never */
static _Atomic int g_fired;
static _Atomic unsigned g_spurious_parks; /* parks to end at once (AGAIN) */
/* When set: unpark wakes for real, gives the waiter up to 300 ms to
 * return (it must not: the notifier is still inside unpark), notes in
 * g_left_during_unpark whether it did, then reports a failure. */
static _Atomic int g_deliver_then_fail;
static _Atomic int *_Atomic g_done_when;
static _Atomic int g_left_during_unpark;
/* Set by a waiter thread before it waits; park stores 1 through it, so the
 * test knows this waiter is linked (linking comes before park). */
static _Thread_local _Atomic int *tl_in_park;

static void shim_reset(void) {
  for (int i = 0; i < K_COUNT; i++) {
    atomic_store(&g_calls[i], 0u);
    atomic_store(&g_fail_at[i], 0u);
  }
  atomic_store(&g_fired, 0);
  atomic_store(&g_spurious_parks, 0u);
  atomic_store(&g_deliver_then_fail, 0);
  atomic_store(&g_done_when, NULL);
  atomic_store(&g_left_during_unpark, 0);
}

static void shim_fail_nth(kind k, unsigned nth) {
  atomic_store(&g_fail_at[k], atomic_load(&g_calls[k]) + nth);
}

static bool take(kind k) {
  unsigned n = atomic_fetch_add(&g_calls[k], 1u) + 1u;
  if (atomic_load(&g_fail_at[k]) == n) {
    atomic_store(&g_fired, 1);
    return true;
  }
  return false;
}

static wrt_status s_lock_init(wrt_wait_lock_t *l) {
  return take(K_LOCK_INIT) ? WRT_E_OS : g_sb->backend->lock_init(l);
}
static void s_lock_destroy(wrt_wait_lock_t *l) {
  (void)take(K_LOCK_DESTROY);
  g_sb->backend->lock_destroy(l);
}
static wrt_status s_lock(wrt_wait_lock_t *l) {
  return take(K_LOCK) ? WRT_E_OS : g_sb->backend->lock(l);
}
/* A failed unlock still releases (wait_backend.h). */
static wrt_status s_unlock(wrt_wait_lock_t *l) {
  bool fail = take(K_UNLOCK);
  wrt_status st = g_sb->backend->unlock(l);
  return fail ? WRT_E_OS : st;
}
static wrt_status s_self(wrt_parker_t **out, int *e) {
  return take(K_SELF) ? WRT_E_OS : g_sb->backend->self(out, e);
}
static uint32_t s_prepare(wrt_parker_t *p) {
  (void)take(K_PREPARE);
  return g_sb->backend->prepare(p);
}
static wrt_status s_park(wrt_parker_t *p, uint32_t token, uint64_t deadline, int *e) {
  if (tl_in_park != NULL) {
    atomic_store(tl_in_park, 1);
  }
  if (take(K_PARK)) {
    return WRT_E_OS;
  }
  unsigned s = atomic_load(&g_spurious_parks);
  while (s > 0u && !atomic_compare_exchange_weak(&g_spurious_parks, &s, s - 1u)) {
  }
  if (s > 0u) {
    return WRT_E_AGAIN; /* an early return, which park may give */
  }
  return g_sb->backend->park(p, token, deadline, e);
}
static wrt_status s_unpark(wrt_parker_t *p, uint32_t token, int *e) {
  if (atomic_load(&g_deliver_then_fail)) {
    if (g_sb->backend->unpark(p, token, e) == WRT_OK) {
      _Atomic int *done = atomic_load(&g_done_when);
      uint64_t t0 = g_sb->backend->now_ns();
      while (done != NULL && !atomic_load(done) &&
             g_sb->backend->now_ns() - t0 < 300000000ull) {
        sched_yield();
      }
      if (done != NULL && atomic_load(done)) {
        atomic_store(&g_left_during_unpark, 1);
      }
    }
    return WRT_E_OS;
  }
  return take(K_UNPARK) ? WRT_E_OS : g_sb->backend->unpark(p, token, e);
}
/* The backend's kick, when it has one (forwarded: without it a Linux
 * waiter would not wake). */
static wrt_status s_kick(wrt_parker_t *p, int *e) {
  return (g_sb->backend->kick != NULL) ? g_sb->backend->kick(p, e) : WRT_OK;
}
static uint64_t s_now(void) { return g_sb->backend->now_ns(); }

static const wrt_wait_backend_t g_shim = {s_lock_init, s_lock_destroy, s_lock, s_unlock,
                                          s_self,      s_prepare,      s_park, s_unpark,
                                          s_kick,      s_now};

/* --- helpers ------------------------------------------------------------------ */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void make(size_t buckets) {
  memset(&g_table, 0, sizeof g_table);
  shim_reset();
  assert_int_equal(wrt_wait_table_init(&g_table, g_buckets, buckets, &g_shim), WRT_OK);
}

static void done(void) { assert_int_equal(wrt_wait_table_destroy(&g_table), WRT_OK); }

typedef struct {
  pthread_t thread;
  const void *addr;
  uint64_t expected;
  bool wide;
  uint64_t timeout;
  _Atomic int in_park;
  _Atomic int finished;
  wrt_status st;
  unsigned index;
  _Atomic unsigned *order; /* where to append index on return, or NULL */
  _Atomic unsigned *order_len;
} waiter;

static void *waiter_main(void *arg) {
  waiter *w = arg;
  tl_in_park = &w->in_park;
  if (w->wide) {
    w->st = wrt_wait_table_wait64(&g_table, w->addr, w->expected, w->timeout);
  } else {
    w->st = wrt_wait_table_wait32(&g_table, w->addr, (uint32_t)w->expected, w->timeout);
  }
  if (w->order != NULL) {
    w->order[atomic_fetch_add(w->order_len, 1u)] = w->index;
  }
  atomic_store(&w->finished, 1);
  return NULL;
}

/* Polls (yield, no sleep) for cond; fails the test after 10 s (a hang). */
#define AWAIT(cond)                                                                      \
  do {                                                                                   \
    uint64_t until_ = now_ns() + 10000ull * MS;                                          \
    while (!(cond)) {                                                                    \
      assert_true(now_ns() < until_);                                                    \
      sched_yield();                                                                     \
    }                                                                                    \
  } while (0)

static void start_ordered(waiter *w, const void *addr, uint64_t expected, bool wide,
                          uint64_t timeout, unsigned index, _Atomic unsigned *order,
                          _Atomic unsigned *order_len) {
  memset(w, 0, sizeof *w);
  w->index = index;
  w->order = order;
  w->order_len = order_len;
  w->addr = addr;
  w->expected = expected;
  w->wide = wide;
  w->timeout = timeout;
  assert_int_equal(pthread_create(&w->thread, NULL, waiter_main, w), 0);
}

static void start(waiter *w, const void *addr, uint64_t expected, bool wide, uint64_t timeout) {
  start_ordered(w, addr, expected, wide, timeout, 0u, NULL, NULL);
}

/* Starts w and returns once it is linked (in park) or has returned. */
static void start_parked(waiter *w, const void *addr, uint64_t expected, bool wide,
                         uint64_t timeout) {
  start(w, addr, expected, wide, timeout);
  AWAIT(atomic_load(&w->in_park) || atomic_load(&w->finished));
}

static unsigned finished(waiter *w, unsigned n) {
  unsigned c = 0;
  for (unsigned i = 0; i < n; i++) {
    c += (unsigned)atomic_load(&w[i].finished);
  }
  return c;
}

static void join_all(waiter *w, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    assert_int_equal(pthread_join(w[i].thread, NULL), 0);
  }
}

/* --- arguments and lifecycle ----------------------------------------------------- */

static void arguments_are_checked(void **state) {
  (void)state;
  static _Alignas(8) uint32_t word[4];
  uint32_t woken = 7u;
  wrt_wait_table_t t;
  memset(&t, 0, sizeof t);
  shim_reset();
  /* an uninitialised (zeroed) table */
  assert_int_equal(wrt_wait_table_wait32(&t, word, 0u, 0u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_notify(&t, word, 1u, &woken), WRT_E_INVALID_ARG);
  assert_int_equal(woken, 0u);
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
  assert_int_equal(wrt_wait_table_destroy(NULL), WRT_E_INVALID_ARG);
  /* init: NULLs, counts that are not a power of two, too many */
  assert_int_equal(wrt_wait_table_init(NULL, g_buckets, 1u, &g_shim), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_init(&t, NULL, 1u, &g_shim), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 1u, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 0u, &g_shim), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 3u, &g_shim), WRT_E_INVALID_ARG);
  assert_int_equal(
      wrt_wait_table_init(&t, g_buckets, WRT_WAIT_TABLE_MAX_BUCKETS * 2u, &g_shim),
      WRT_E_INVALID_ARG);
  wrt_wait_backend_t partial = g_shim;
  partial.unpark = NULL;
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 1u, &partial), WRT_E_INVALID_ARG);
  assert_int_equal(atomic_load(&g_calls[K_LOCK_INIT]), 0u); /* refused before any lock */
  /* a live table is refused, unchanged */
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 4u, &g_shim), WRT_OK);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 2u, &g_shim), WRT_E_STATE);
  assert_int_equal(t.bucket_count, 4u);
  /* addresses: NULL, misaligned for each width; woken NULL */
  assert_int_equal(wrt_wait_table_wait32(&t, NULL, 0u, 0u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_wait32(NULL, word, 0u, 0u), WRT_E_INVALID_ARG);
  for (size_t off = 1; off < 4; off++) {
    assert_int_equal(wrt_wait_table_wait32(&t, (char *)word + off, 0u, 0u), WRT_E_INVALID_ARG);
    assert_int_equal(wrt_wait_table_notify(&t, (char *)word + off, 1u, &woken),
                     WRT_E_INVALID_ARG);
  }
  for (size_t off = 1; off < 8; off++) {
    assert_int_equal(wrt_wait_table_wait64(&t, (char *)word + off, 0u, 0u), WRT_E_INVALID_ARG);
  }
  assert_int_equal(wrt_wait_table_notify(&t, word, 1u, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_notify(&t, NULL, 1u, &woken), WRT_E_INVALID_ARG);
  /* nothing above reached the backend's lock or parker */
  assert_int_equal(atomic_load(&g_calls[K_LOCK]), 0u);
  assert_int_equal(atomic_load(&g_calls[K_SELF]), 0u);
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
  assert_int_equal(atomic_load(&g_calls[K_LOCK_DESTROY]), 4u);
  assert_null(t.buckets);
  /* destroyed storage may be initialised again; a table may not sit in
   * its own buckets */
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 1u, &g_shim), WRT_OK);
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
  assert_int_equal(
      wrt_wait_table_init((wrt_wait_table_t *)(void *)&g_buckets[1], g_buckets, 4u, &g_shim),
      WRT_E_INVALID_ARG);
}

static void a_failed_init_makes_nothing(void **state) {
  (void)state;
  wrt_wait_table_t t;
  memset(&t, 0, sizeof t);
  shim_reset();
  shim_fail_nth(K_LOCK_INIT, 3u);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 8u, &g_shim), WRT_E_OS);
  /* the two locks made were destroyed; the table is not live */
  assert_int_equal(atomic_load(&g_calls[K_LOCK_DESTROY]), 2u);
  uint32_t woken = 0u;
  static uint32_t word;
  assert_int_equal(wrt_wait_table_notify(&t, &word, 1u, &woken), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_wait_table_init(&t, g_buckets, 8u, &g_shim), WRT_OK);
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
}

/* --- results -------------------------------------------------------------------- */

static void not_equal_returns_at_once(void **state) {
  (void)state;
  static _Alignas(8) uint64_t wide = 0x100000002ull;
  static uint32_t word = 5u;
  make(BUCKETS);
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 4u, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  /* 64-bit: equal low half, different high half is not equal */
  assert_int_equal(wrt_wait_table_wait64(&g_table, &wide, 0x2ull, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  assert_int_equal(wrt_wait_table_wait64(&g_table, &wide, 0x200000002ull, WRT_WAIT_FOREVER),
                   WRT_E_AGAIN);
  /* a timeout past the clock's range is as good as forever */
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 4u, UINT64_MAX - 1u), WRT_E_AGAIN);
  assert_int_equal(atomic_load(&g_calls[K_PARK]), 0u);
  done();
}

/* A bucket whose waiter count is full refuses a new waiter (WRT_E_LIMIT)
 * instead of wrapping the count; a count of 2^32 - 1 threads cannot be
 * reached, so the test sets it. */
static void a_full_waiter_count_is_refused(void **state) {
  (void)state;
  static uint32_t word;
  make(1u);
  atomic_store(&g_buckets[0].waiters, UINT32_MAX);
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 0u, WRT_WAIT_FOREVER), WRT_E_LIMIT);
  assert_int_equal(atomic_load(&g_buckets[0].waiters), UINT32_MAX);
  assert_int_equal(atomic_load(&g_calls[K_PARK]), 0u);
  atomic_store(&g_buckets[0].waiters, 0u);
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 0u, 0u), WRT_E_TIMEOUT);
  done();
}

static void timeout_is_reported_and_leaves_nothing(void **state) {
  (void)state;
  static uint32_t word = 1u;
  static _Alignas(8) uint64_t wide = UINT64_MAX;
  make(BUCKETS);
  /* 0: a check only */
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 1u, 0u), WRT_E_TIMEOUT);
  assert_int_equal(atomic_load(&g_calls[K_PARK]), 0u);
  uint64_t t0 = now_ns();
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 1u, 20u * MS), WRT_E_TIMEOUT);
  assert_true(now_ns() - t0 >= 20u * MS);
  t0 = now_ns();
  assert_int_equal(wrt_wait_table_wait64(&g_table, &wide, UINT64_MAX, 5u * MS), WRT_E_TIMEOUT);
  assert_true(now_ns() - t0 >= 5u * MS);
  /* the timed-out waiters unlinked themselves: notify finds nobody */
  uint32_t woken = 9u;
  assert_int_equal(wrt_wait_table_notify(&g_table, &word, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 0u);
  done();
}

static void spurious_parks_do_not_end_the_wait(void **state) {
  (void)state;
  static uint32_t word = 3u;
  make(1u);
  atomic_store(&g_spurious_parks, 3u);
  uint64_t t0 = now_ns();
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 3u, 10u * MS), WRT_E_TIMEOUT);
  assert_true(now_ns() - t0 >= 10u * MS);
  assert_true(atomic_load(&g_calls[K_PARK]) >= 4u);
  /* each new park got a fresh token (a late wake of an old one is stale) */
  assert_true(atomic_load(&g_calls[K_PREPARE]) >= 4u);
  /* a woken waiter after spurious parks still returns OK */
  waiter w;
  atomic_store(&g_spurious_parks, 2u);
  start_parked(&w, &word, 3u, false, WRT_WAIT_FOREVER);
  uint32_t woken = 0u;
  AWAIT(atomic_load(&g_spurious_parks) == 0u);
  do {
    assert_int_equal(wrt_wait_table_notify(&g_table, &word, 1u, &woken), WRT_OK);
  } while (woken == 0u && !atomic_load(&w.finished));
  join_all(&w, 1u);
  assert_int_equal(w.st, WRT_OK);
  assert_int_equal(woken, 1u);
  done();
}

/* --- notify ------------------------------------------------------------------------ */

/* Waiters on one address wake oldest first, also with waiters of another
 * address interleaved in the same (single) bucket. */
static void notify_wakes_in_fifo_order_per_address(void **state) {
  (void)state;
  static uint32_t a = 0u, b = 0u;
  static _Atomic unsigned order[MAX_WAITERS];
  static _Atomic unsigned order_len;
  waiter w[MAX_WAITERS];
  make(1u);
  atomic_store(&order_len, 0u);
  for (unsigned i = 0; i < MAX_WAITERS; i++) {
    atomic_store(&order[i], UINT32_MAX); /* not yet written */
  }
  for (unsigned i = 0; i < MAX_WAITERS; i++) {
    start_ordered(&w[i], (i % 2u) == 0u ? (const void *)&a : (const void *)&b, 0u, false,
                  WRT_WAIT_FOREVER, i, order, &order_len);
    AWAIT(atomic_load(&w[i].in_park));
  }
  uint32_t woken = 0u;
  for (unsigned k = 0; k < MAX_WAITERS / 2u; k++) {
    assert_int_equal(wrt_wait_table_notify(&g_table, &a, 1u, &woken), WRT_OK);
    assert_int_equal(woken, 1u);
    AWAIT(atomic_load(&order_len) == k + 1u && atomic_load(&order[k]) != UINT32_MAX);
    assert_int_equal(order[k], 2u * k); /* a's waiters: 0, 2, 4, 6 */
  }
  AWAIT(finished(w, MAX_WAITERS) == MAX_WAITERS / 2u); /* order is written just before */
  for (unsigned k = 0; k < MAX_WAITERS / 2u; k++) {
    assert_int_equal(wrt_wait_table_notify(&g_table, &b, 1u, &woken), WRT_OK);
    assert_int_equal(woken, 1u);
    AWAIT(atomic_load(&order_len) == MAX_WAITERS / 2u + k + 1u &&
          atomic_load(&order[MAX_WAITERS / 2u + k]) != UINT32_MAX);
    assert_int_equal(order[MAX_WAITERS / 2u + k], 2u * k + 1u);
  }
  join_all(w, MAX_WAITERS);
  for (unsigned i = 0; i < MAX_WAITERS; i++) {
    assert_int_equal(w[i].st, WRT_OK);
  }
  done();
}

static void notify_counts_exactly(void **state) {
  (void)state;
  static uint32_t a = 0u, other = 0u;
  waiter w[5];
  make(1u);
  uint32_t woken = 99u;
  /* no waiter at all, and count 0 */
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, 1u, &woken), WRT_OK);
  assert_int_equal(woken, 0u);
  for (unsigned i = 0; i < 4u; i++) {
    start_parked(&w[i], &a, 0u, false, WRT_WAIT_FOREVER);
  }
  start_parked(&w[4], &other, 0u, false, WRT_WAIT_FOREVER);
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, 0u, &woken), WRT_OK);
  assert_int_equal(woken, 0u);
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, 2u, &woken), WRT_OK);
  assert_int_equal(woken, 2u);
  AWAIT(finished(w, 5u) == 2u);
  assert_int_equal(finished(w, 2u), 2u); /* the two oldest */
  /* all: the two left, not the other address's waiter */
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 2u);
  AWAIT(finished(w, 4u) == 4u);
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 0u);
  assert_false(atomic_load(&w[4].finished));
  /* destroy refuses while a thread waits, and changes nothing */
  assert_int_equal(wrt_wait_table_destroy(&g_table), WRT_E_STATE);
  assert_int_equal(wrt_wait_table_notify(&g_table, &other, 5u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  join_all(w, 5u);
  for (unsigned i = 0; i < 5u; i++) {
    assert_int_equal(w[i].st, WRT_OK);
  }
  done();
}

static void wait64_waits_and_is_notified(void **state) {
  (void)state;
  static _Alignas(8) uint64_t v = 0xFFFFFFFF00000000ull;
  waiter w[2];
  make(BUCKETS);
  start_parked(&w[0], &v, 0xFFFFFFFF00000000ull, true, WRT_WAIT_FOREVER);
  start_parked(&w[1], &v, 0xFFFFFFFF00000000ull, true, WRT_WAIT_FOREVER);
  assert_int_equal(finished(w, 2u), 0u);
  atomic_store((_Atomic uint64_t *)&v, 1ull);
  uint32_t woken = 0u;
  assert_int_equal(wrt_wait_table_notify(&g_table, &v, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 2u);
  join_all(w, 2u);
  assert_int_equal(w[0].st, WRT_OK);
  assert_int_equal(w[1].st, WRT_OK);
  done();
}

/* The notify fast path: no waiter in the bucket, no lock, no parker call,
 * no system call. */
static void notify_without_waiters_makes_no_system_call(void **state) {
  (void)state;
  static uint32_t words[64];
  make(BUCKETS);
  unsigned long before = g_sb->os_calls != NULL ? g_sb->os_calls() : 0ul;
  uint32_t woken = 1u;
  for (unsigned i = 0; i < 64u; i++) {
    assert_int_equal(wrt_wait_table_notify(&g_table, &words[i], UINT32_MAX, &woken), WRT_OK);
    assert_int_equal(woken, 0u);
  }
  assert_int_equal(atomic_load(&g_calls[K_LOCK]), 0u);
  assert_int_equal(atomic_load(&g_calls[K_UNPARK]), 0u);
  if (g_sb->os_calls != NULL) {
    assert_int_equal(g_sb->os_calls() - before, 0ul);
  }
  /* and a notify that finds a waiter does take the lock */
  waiter w;
  start_parked(&w, &words[0], 0u, false, WRT_WAIT_FOREVER);
  assert_int_equal(wrt_wait_table_notify(&g_table, &words[0], 1u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  assert_true(atomic_load(&g_calls[K_UNPARK]) == 1u);
  join_all(&w, 1u);
  assert_int_equal(w.st, WRT_OK);
  if (g_sb->os_calls != NULL) {
    assert_true(g_sb->os_calls() - before > 0ul); /* the counter does count */
  }
  done();
}

/* --- threads ------------------------------------------------------------------------ */

/* Ping-pong on one word: each side waits for its turn without a timeout
 * that could hide a lost wake-up (10 s bounds a hang). */
typedef struct {
  _Atomic uint32_t *turn;
  uint32_t me;
  unsigned rounds;
  unsigned timeouts;
  wrt_status bad;
} ponger;

static void *pong_main(void *arg) {
  ponger *p = arg;
  for (unsigned r = 0; r < p->rounds; r++) {
    while (atomic_load(p->turn) != p->me) {
      wrt_status st = wrt_wait_table_wait32(&g_table, (const void *)p->turn, 1u - p->me,
                                            10000u * MS);
      if (st == WRT_E_TIMEOUT) {
        p->timeouts++;
      } else if (st != WRT_OK && st != WRT_E_AGAIN) {
        p->bad = st;
        return NULL;
      }
    }
    atomic_store(p->turn, 1u - p->me);
    uint32_t woken = 0u;
    wrt_status st = wrt_wait_table_notify(&g_table, (const void *)p->turn, 1u, &woken);
    if (st != WRT_OK) {
      p->bad = st;
      return NULL;
    }
  }
  return NULL;
}

static void no_lost_wake_up_in_ping_pong(void **state) {
  (void)state;
  static _Atomic uint32_t turn;
  atomic_store(&turn, 0u);
  make(BUCKETS);
  ponger a = {&turn, 0u, 3000u, 0u, WRT_OK};
  ponger b = {&turn, 1u, 3000u, 0u, WRT_OK};
  pthread_t ta, tb;
  assert_int_equal(pthread_create(&ta, NULL, pong_main, &a), 0);
  assert_int_equal(pthread_create(&tb, NULL, pong_main, &b), 0);
  assert_int_equal(pthread_join(ta, NULL), 0);
  assert_int_equal(pthread_join(tb, NULL), 0);
  assert_int_equal(a.bad, WRT_OK);
  assert_int_equal(b.bad, WRT_OK);
  assert_int_equal(a.timeouts + b.timeouts, 0u);
  done();
}

/* Many threads on a few addresses over two buckets (so that addresses share
 * locks): every OK wait is matched by exactly one woken count of a notify,
 * and nothing is left in the table. */
#define STRESS_THREADS 6u
#define STRESS_ADDRS 5u
#define STRESS_ROUNDS 400u

static _Atomic uint32_t g_stress_words[STRESS_ADDRS];
static _Atomic unsigned long g_stress_ok, g_stress_woken;
static _Atomic int g_stress_bad;

static void *stress_main(void *arg) {
  unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1u;
  for (unsigned r = 0; r < STRESS_ROUNDS; r++) {
    seed = seed * 1103515245u + 12345u;
    unsigned i = (seed >> 16) % STRESS_ADDRS;
    _Atomic uint32_t *wd = &g_stress_words[i];
    if (((seed >> 8) & 1u) != 0u) {
      uint32_t v = atomic_load(wd);
      wrt_status st = wrt_wait_table_wait32(&g_table, (const void *)wd, v, 2u * MS);
      if (st == WRT_OK) {
        atomic_fetch_add(&g_stress_ok, 1ul);
      } else if (st != WRT_E_TIMEOUT && st != WRT_E_AGAIN) {
        atomic_store(&g_stress_bad, (int)st);
      }
    } else {
      atomic_fetch_add(wd, 1u);
      uint32_t woken = 0u;
      uint32_t count = ((seed >> 12) & 1u) != 0u ? UINT32_MAX : 1u + ((seed >> 13) & 1u);
      if (wrt_wait_table_notify(&g_table, (const void *)wd, count, &woken) != WRT_OK) {
        atomic_store(&g_stress_bad, -1);
      }
      atomic_fetch_add(&g_stress_woken, (unsigned long)woken);
    }
  }
  return NULL;
}

static void many_threads_keep_the_counts(void **state) {
  (void)state;
  make(2u);
  atomic_store(&g_stress_ok, 0ul);
  atomic_store(&g_stress_woken, 0ul);
  atomic_store(&g_stress_bad, 0);
  pthread_t t[STRESS_THREADS];
  for (unsigned i = 0; i < STRESS_THREADS; i++) {
    assert_int_equal(pthread_create(&t[i], NULL, stress_main, (void *)(uintptr_t)i), 0);
  }
  for (unsigned i = 0; i < STRESS_THREADS; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
  }
  assert_int_equal(atomic_load(&g_stress_bad), 0);
  assert_int_equal(atomic_load(&g_stress_ok), atomic_load(&g_stress_woken));
  for (size_t b = 0; b < 2u; b++) {
    assert_int_equal(atomic_load(&g_buckets[b].waiters), 0u);
    assert_null(g_buckets[b].head);
  }
  done();
}

/* --- failures of the backend ---------------------------------------------------------- */

/* For each backend call that can fail, fail its 1st, 2nd, 3rd call in a
 * wait + notify exchange. Afterwards: the waiter returned OK exactly when a
 * notify counted it, or returned the injected failure (or timed out);
 * nothing is left linked; the table still works. */
static void each_backend_failure_leaves_the_table_consistent(void **state) {
  (void)state;
  static const kind kinds[] = {K_LOCK, K_UNLOCK, K_SELF, K_PARK, K_UNPARK};
  static uint32_t word;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    unsigned fired = 0u;
    for (unsigned nth = 1u; nth <= 3u; nth++) {
      make(1u);
      atomic_store((_Atomic uint32_t *)&word, 0u);
      shim_fail_nth(kinds[k], nth);
      waiter w;
      start(&w, &word, 0u, false, 2000u * MS);
      AWAIT(atomic_load(&w.in_park) || atomic_load(&w.finished));
      unsigned long total = 0ul;
      wrt_status last = WRT_OK;
      while (!atomic_load(&w.finished)) {
        uint32_t woken = 0u;
        last = wrt_wait_table_notify(&g_table, &word, 1u, &woken);
        total += woken;
        if (last != WRT_OK) {
          assert_int_equal(last, WRT_E_OS);
        }
        sched_yield();
      }
      join_all(&w, 1u);
      fired += (unsigned)atomic_load(&g_fired);
      if (w.st == WRT_OK) {
        assert_int_equal(total, 1ul); /* OK exactly when counted */
      } else {
        print_message("  %s #%u: waiter %s\n", k_names[kinds[k]], nth, wrt_status_str(w.st));
        assert_int_equal(w.st, WRT_E_OS);
        assert_int_equal(total, 0ul);
      }
      assert_int_equal(atomic_load(&g_buckets[0].waiters), 0u);
      assert_null(g_buckets[0].head);
      /* still usable */
      shim_reset();
      assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 0u, 1u * MS), WRT_E_TIMEOUT);
      done();
    }
    /* the first call of each kind is always reached */
    assert_true(fired >= 1u);
  }
}

/* A waiter whose park was ended by an unpark that then reports a failure
 * (Linux: word set, FUTEX_WAKE failed) does not return while its notifier
 * is still inside unpark - the notifier would then write its dead stack
 * node and read its parker - and is not counted: it stays linked, first
 * in line, and the next notify wakes it. */
static void a_waiter_never_leaves_while_its_notifier_is_in_unpark(void **state) {
  (void)state;
  static uint32_t word;
  make(1u);
  waiter w;
  start_parked(&w, &word, 0u, false, WRT_WAIT_FOREVER);
  atomic_store(&g_done_when, &w.finished);
  atomic_store(&g_deliver_then_fail, 1);
  uint32_t woken = 9u;
  assert_int_equal(wrt_wait_table_notify(&g_table, &word, 1u, &woken), WRT_E_OS);
  atomic_store(&g_deliver_then_fail, 0);
  assert_int_equal(atomic_load(&g_left_during_unpark), 0);
  assert_int_equal(woken, 0u);
  assert_int_equal(wrt_wait_table_notify(&g_table, &word, 1u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  join_all(&w, 1u);
  assert_int_equal(w.st, WRT_OK);
  assert_int_equal(atomic_load(&g_buckets[0].waiters), 0u);
  assert_null(g_buckets[0].head);
  done();
}

/* A lock failure on the way out (after a timeout) is retried, since the
 * waiter may not leave its node behind; the failure is reported. */
static void a_failed_lock_after_the_park_is_retried(void **state) {
  (void)state;
  static uint32_t word;
  make(1u);
  shim_fail_nth(K_LOCK, 2u); /* 1: linking, 2: leaving */
  assert_int_equal(wrt_wait_table_wait32(&g_table, &word, 0u, 2u * MS), WRT_E_OS);
  assert_true(atomic_load(&g_fired));
  assert_int_equal(atomic_load(&g_calls[K_LOCK]), 3u);
  assert_int_equal(atomic_load(&g_buckets[0].waiters), 0u);
  assert_null(g_buckets[0].head);
  done();
}

/* A failed unpark puts its waiter back where it was, between others, and
 * the next notify wakes it first. */
static void a_failed_unpark_keeps_the_place_in_line(void **state) {
  (void)state;
  static uint32_t a, b;
  static _Atomic unsigned order[4];
  static _Atomic unsigned order_len;
  waiter w[4];
  make(1u);
  atomic_store(&order_len, 0u);
  for (unsigned i = 0; i < 4u; i++) {
    atomic_store(&order[i], UINT32_MAX);
  }
  /* b, a, a, b */
  const void *addrs[4] = {&b, &a, &a, &b};
  for (unsigned i = 0; i < 4u; i++) {
    start_ordered(&w[i], addrs[i], 0u, false, WRT_WAIT_FOREVER, i, order, &order_len);
    AWAIT(atomic_load(&w[i].in_park));
  }
  shim_fail_nth(K_UNPARK, 1u);
  uint32_t woken = 9u;
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, 1u, &woken), WRT_E_OS);
  assert_int_equal(woken, 0u);
  assert_int_equal(atomic_load(&g_buckets[0].waiters), 4u);
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, 1u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  AWAIT(atomic_load(&order_len) == 1u && atomic_load(&order[0]) != UINT32_MAX);
  assert_int_equal(order[0], 1u); /* still the oldest of a */
  assert_int_equal(wrt_wait_table_notify(&g_table, &b, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 2u);
  assert_int_equal(wrt_wait_table_notify(&g_table, &a, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  join_all(w, 4u);
  for (unsigned i = 0; i < 4u; i++) {
    assert_int_equal(w[i].st, WRT_OK);
  }
  done();
}

/* A fault inside wait32/wait64 (an inaccessible word, as a guard-page
 * runtime's out-of-bounds atomic.wait), left by siglongjmp, holds nothing:
 * the bucket then waits, notifies and destroys (wait_table_fault.c). */
static void a_fault_in_wait_holds_nothing(void **state) {
  (void)state;
  shim_reset();
  wrt_wait_fault_unwinds(&g_shim, false);
  wrt_wait_fault_unwinds(&g_shim, true);
}

static int setup(void **state) {
  (void)state;
  memset(&g_table, 0, sizeof g_table);
  return 0;
}

int wrt_wait_table_suite_run(const wrt_wait_suite_backend_t *b) {
  g_sb = b;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(arguments_are_checked, setup),
      cmocka_unit_test_setup(a_failed_init_makes_nothing, setup),
      cmocka_unit_test_setup(not_equal_returns_at_once, setup),
      cmocka_unit_test_setup(a_full_waiter_count_is_refused, setup),
      cmocka_unit_test_setup(timeout_is_reported_and_leaves_nothing, setup),
      cmocka_unit_test_setup(spurious_parks_do_not_end_the_wait, setup),
      cmocka_unit_test_setup(notify_wakes_in_fifo_order_per_address, setup),
      cmocka_unit_test_setup(notify_counts_exactly, setup),
      cmocka_unit_test_setup(wait64_waits_and_is_notified, setup),
      cmocka_unit_test_setup(notify_without_waiters_makes_no_system_call, setup),
      cmocka_unit_test_setup(no_lost_wake_up_in_ping_pong, setup),
      cmocka_unit_test_setup(many_threads_keep_the_counts, setup),
      cmocka_unit_test_setup(each_backend_failure_leaves_the_table_consistent, setup),
      cmocka_unit_test_setup(a_waiter_never_leaves_while_its_notifier_is_in_unpark, setup),
      cmocka_unit_test_setup(a_failed_lock_after_the_park_is_retried, setup),
      cmocka_unit_test_setup(a_failed_unpark_keeps_the_place_in_line, setup),
      cmocka_unit_test_setup(a_fault_in_wait_holds_nothing, setup),
  };
  return cmocka_run_group_tests_name(b->name, tests, NULL, NULL);
}
