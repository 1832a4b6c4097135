/*
 * checks_wait.c - the selftest's wait table checks (WAIT-*), written once
 * against wrt/wait_table.h and run on every wait backend built in. They are
 * registered on the futex target (one run per futex backend, which are the
 * same platforms: "linux", and "qnx ..." where the QNX wait backend is
 * built) and map the futex backend's name to its platform's wait backend.
 * A shim between table and backend counts the backend's calls (the table in
 * src/core makes no system call of its own, so "no backend call" is "no
 * system call") and tells when a waiter is linked (it has entered park).
 * Requirement texts: docs/requirements.md. May include: the public headers,
 * src/core/wait_backend.h, POSIX threads, signals and mmap.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "selftest.h"
#include "wait_backend.h"
#include "wrt/wait_table.h"

#if defined(__linux__)
#include "wrt/linux_sync.h"
#endif
#if defined(WRTP_HAVE_QNX_WAIT) && (defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL))
#include "wrt/qnx_sync.h"
#define WAIT_HAVE_QNX 1
#endif

#define MS 1000000ull

static const wrt_wait_backend_t *g_real;
static _Atomic unsigned g_locks, g_unparks, g_parks;
static _Thread_local _Atomic int *tl_in_park;

static wrt_status s_lock_init(wrt_wait_lock_t *l) { return g_real->lock_init(l); }
static void s_lock_destroy(wrt_wait_lock_t *l) { g_real->lock_destroy(l); }
static wrt_status s_lock(wrt_wait_lock_t *l) {
  atomic_fetch_add(&g_locks, 1u);
  return g_real->lock(l);
}
static wrt_status s_unlock(wrt_wait_lock_t *l) { return g_real->unlock(l); }
static wrt_status s_self(wrt_parker_t **p, int *e) { return g_real->self(p, e); }
static uint32_t s_prepare(wrt_parker_t *p) { return g_real->prepare(p); }
static wrt_status s_park(wrt_parker_t *p, uint32_t t, uint64_t d, int *e) {
  atomic_fetch_add(&g_parks, 1u);
  if (tl_in_park != NULL) {
    atomic_store(tl_in_park, 1);
  }
  return g_real->park(p, t, d, e);
}
static wrt_status s_unpark(wrt_parker_t *p, uint32_t t, int *e) {
  atomic_fetch_add(&g_unparks, 1u);
  return g_real->unpark(p, t, e);
}
static wrt_status s_kick(wrt_parker_t *p, int *e) {
  return (g_real->kick != NULL) ? g_real->kick(p, e) : WRT_OK;
}
static uint64_t s_now(void) { return g_real->now_ns(); }
static const wrt_wait_backend_t g_shim = {s_lock_init, s_lock_destroy, s_lock, s_unlock,
                                          s_self,      s_prepare,      s_park, s_unpark,
                                          s_kick,      s_now};

static wrt_wait_bucket_t g_buckets[16];
static wrt_wait_table_t g_t;

/* The wait backend of the futex backend's platform; skips where none. */
static void make(const void *bk, size_t buckets) {
  const st_futex_backend *fb = bk;
  g_real = NULL;
#if defined(__linux__)
  if (strcmp(fb->name, "linux") == 0) {
    g_real = wrt_linux_wait_backend();
  }
#endif
#if defined(WAIT_HAVE_QNX)
  if (strncmp(fb->name, "qnx", 3) == 0) {
    g_real = wrt_qnx_wait_backend();
  }
#endif
  if (g_real == NULL) {
    st_skip("no wait backend built for this platform");
  }
  memset(&g_t, 0, sizeof g_t);
  ST_REQUIRE_ST(wrt_wait_table_init(&g_t, g_buckets, buckets, &g_shim), WRT_OK);
}

typedef struct {
  pthread_t t;
  const void *addr;
  uint32_t expected;
  uint64_t timeout;
  _Atomic int in_park;
  _Atomic int done;
  wrt_status st;
  unsigned index;
  _Atomic unsigned *order;
  _Atomic unsigned *order_len;
} waiter_t;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  tl_in_park = &w->in_park;
  w->st = wrt_wait_table_wait32(&g_t, w->addr, w->expected, w->timeout);
  if (w->order != NULL) {
    atomic_store(&w->order[atomic_fetch_add(w->order_len, 1u)], w->index);
  }
  atomic_store(&w->done, 1);
  return NULL;
}

/* Starts a waiter and returns once it is linked (or has returned); a hang
 * ends the check by the runner's alarm. */
static void start(waiter_t *w) {
  ST_REQUIRE(pthread_create(&w->t, NULL, waiter_main, w) == 0);
  while (!atomic_load(&w->in_park) && !atomic_load(&w->done)) {
    st_sleep_ns(MS / 20);
  }
}

static void init_waiter(waiter_t *w, const void *addr, uint32_t expected, uint64_t timeout) {
  memset(w, 0, sizeof *w);
  w->addr = addr;
  w->expected = expected;
  w->timeout = timeout;
}

static void await_done(waiter_t *w, unsigned n, unsigned want) {
  for (;;) {
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++) {
      c += (unsigned)atomic_load(&w[i].done);
    }
    if (c >= want) {
      return;
    }
    st_sleep_ns(MS / 20);
  }
}

/* WAIT-001 */
static void not_equal_is_again(const void *bk) {
  static _Alignas(8) uint64_t wide = 0x100000000ull;
  static uint32_t word = 1u;
  make(bk, 4u);
  uint64_t t0 = st_now_ns();
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, &word, 0u, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  ST_REQUIRE_ST(wrt_wait_table_wait64(&g_t, &wide, 0u, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  ST_REQUIRE(st_now_ns() - t0 < 1000u * MS);
  ST_REQUIRE(atomic_load(&g_parks) == 0u);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-002 */
static void timed_out(const void *bk) {
  static uint32_t word;
  static _Alignas(8) uint64_t wide = 5u;
  make(bk, 4u);
  uint64_t t0 = st_now_ns();
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, &word, 0u, 20u * MS), WRT_E_TIMEOUT);
  ST_REQUIRE(st_now_ns() - t0 >= 20u * MS);
  ST_REQUIRE_ST(wrt_wait_table_wait64(&g_t, &wide, 5u, 2u * MS), WRT_E_TIMEOUT);
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, &word, 0u, 0u), WRT_E_TIMEOUT);
  uint32_t woken = 1u;
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &word, UINT32_MAX, &woken), WRT_OK);
  ST_REQUIRE(woken == 0u);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-003: four waiters on one address and three on another, all in one
 * bucket; notify(1) on the first wakes them oldest first. */
static void fifo_per_address(const void *bk) {
  static uint32_t a, b;
  static _Atomic unsigned order[8];
  static _Atomic unsigned order_len;
  waiter_t w[7];
  make(bk, 1u);
  for (unsigned i = 0; i < 8u; i++) {
    atomic_store(&order[i], UINT32_MAX);
  }
  for (unsigned i = 0; i < 7u; i++) {
    init_waiter(&w[i], (i % 2u) == 0u ? (const void *)&a : (const void *)&b, 0u,
                WRT_WAIT_FOREVER);
    w[i].index = i;
    w[i].order = order;
    w[i].order_len = &order_len;
    start(&w[i]);
  }
  uint32_t woken = 0u;
  for (unsigned k = 0; k < 4u; k++) {
    ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &a, 1u, &woken), WRT_OK);
    ST_REQUIRE(woken == 1u);
    while (atomic_load(&order[k]) == UINT32_MAX) {
      st_sleep_ns(MS / 20);
    }
    if (atomic_load(&order[k]) != 2u * k) {
      st_fail(__FILE__, __LINE__, "wake %u went to waiter %u, want %u (the oldest)", k,
              atomic_load(&order[k]), 2u * k);
    }
  }
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &b, UINT32_MAX, &woken), WRT_OK);
  ST_REQUIRE(woken == 3u);
  for (unsigned i = 0; i < 7u; i++) {
    pthread_join(w[i].t, NULL);
    ST_REQUIRE_ST(w[i].st, WRT_OK);
  }
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-004 */
static void notify_counts(const void *bk) {
  static uint32_t a, other;
  waiter_t w[5];
  make(bk, 1u);
  for (unsigned i = 0; i < 5u; i++) {
    init_waiter(&w[i], i < 4u ? (const void *)&a : (const void *)&other, 0u, WRT_WAIT_FOREVER);
    start(&w[i]);
  }
  uint32_t woken = 9u;
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &a, 0u, &woken), WRT_OK);
  ST_REQUIRE(woken == 0u);
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &a, 3u, &woken), WRT_OK);
  ST_REQUIRE(woken == 3u);
  await_done(w, 4u, 3u);
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &a, UINT32_MAX, &woken), WRT_OK);
  ST_REQUIRE(woken == 1u);
  await_done(w, 4u, 4u);
  ST_REQUIRE(!atomic_load(&w[4].done)); /* another address: not woken */
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &other, UINT32_MAX, &woken), WRT_OK);
  ST_REQUIRE(woken == 1u);
  for (unsigned i = 0; i < 5u; i++) {
    pthread_join(w[i].t, NULL);
    ST_REQUIRE_ST(w[i].st, WRT_OK);
  }
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-005 */
static void bad_arguments(const void *bk) {
  static _Alignas(8) uint32_t word[2];
  make(bk, 4u);
  uint32_t woken = 0u;
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, NULL, 0u, 0u), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, (char *)word + 2, 0u, 0u), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_wait64(&g_t, (char *)word + 4, 0u, 0u), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, (char *)word + 1, 1u, &woken), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, word, 1u, NULL), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_init(&g_t, g_buckets, 4u, &g_shim), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
  ST_REQUIRE_ST(wrt_wait_table_init(&g_t, g_buckets, 3u, &g_shim), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, word, 0u, 0u), WRT_E_INVALID_ARG); /* destroyed */
}

/* WAIT-006: ping-pong on one word, 10000 rounds; a wait that times out
 * (2 s) while it is not its turn is a lost wake-up. */
typedef struct {
  _Atomic uint32_t *turn;
  uint32_t me;
  _Atomic int lost;
} pong_t;

static void *pong_main(void *arg) {
  pong_t *p = arg;
  for (unsigned r = 0; r < 10000u; r++) {
    while (atomic_load(p->turn) != p->me) {
      wrt_status st = wrt_wait_table_wait32(&g_t, (const void *)p->turn, 1u - p->me, 2000u * MS);
      if (st == WRT_E_TIMEOUT && atomic_load(p->turn) != p->me) {
        atomic_store(&p->lost, 1);
        return NULL;
      }
      if (st != WRT_OK && st != WRT_E_AGAIN && st != WRT_E_TIMEOUT) {
        atomic_store(&p->lost, 2);
        return NULL;
      }
    }
    atomic_store(p->turn, 1u - p->me);
    uint32_t woken = 0u;
    if (wrt_wait_table_notify(&g_t, (const void *)p->turn, 1u, &woken) != WRT_OK) {
      atomic_store(&p->lost, 2);
      return NULL;
    }
  }
  return NULL;
}

static void no_lost_wake_up(const void *bk) {
  static _Atomic uint32_t turn;
  make(bk, 8u);
  pong_t a = {&turn, 0u, 0};
  pong_t b = {&turn, 1u, 0};
  pthread_t ta, tb;
  ST_REQUIRE(pthread_create(&ta, NULL, pong_main, &a) == 0);
  ST_REQUIRE(pthread_create(&tb, NULL, pong_main, &b) == 0);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  ST_REQUIRE(atomic_load(&a.lost) == 0 && atomic_load(&b.lost) == 0);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-007 */
static void notify_without_waiters_is_free(const void *bk) {
  static uint32_t words[32];
  make(bk, 16u);
  uint32_t woken = 1u;
  for (unsigned i = 0; i < 32u; i++) {
    ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &words[i], UINT32_MAX, &woken), WRT_OK);
    ST_REQUIRE(woken == 0u);
  }
  ST_REQUIRE(atomic_load(&g_locks) == 0u && atomic_load(&g_unparks) == 0u);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
}

/* WAIT-012: a fault at wait's read of the word (an inaccessible page, as a
 * guard-page runtime's out-of-bounds atomic.wait), left by siglongjmp from
 * the SIGSEGV handler, holds nothing: the one bucket then times a wait out
 * and the table is destroyed. (The check runs in a child of its own; the
 * alarm ends a hang on a bucket left locked.) */
static sigjmp_buf g_fault_jump;
static volatile sig_atomic_t g_fault_count;
static void on_wait_fault(int sig) {
  (void)sig;
  g_fault_count++;
  siglongjmp(g_fault_jump, 1);
}

static void fault_holds_nothing(const void *bk) {
  static uint32_t word = 3u;
  make(bk, 1u);
  void *page = mmap(NULL, 65536u, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ST_REQUIRE(page != MAP_FAILED);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_wait_fault;
  ST_REQUIRE(sigemptyset(&sa.sa_mask) == 0);
  ST_REQUIRE(sigaction(SIGSEGV, &sa, NULL) == 0 && sigaction(SIGBUS, &sa, NULL) == 0);
  (void)alarm(20u);
  if (sigsetjmp(g_fault_jump, 1) == 0) {
    (void)wrt_wait_table_wait32(&g_t, page, 0u, WRT_WAIT_FOREVER);
    st_fail(__FILE__, __LINE__, "wait32 on an inaccessible word returned");
  }
  if (sigsetjmp(g_fault_jump, 1) == 0) {
    (void)wrt_wait_table_wait64(&g_t, page, 0u, WRT_WAIT_FOREVER);
    st_fail(__FILE__, __LINE__, "wait64 on an inaccessible word returned");
  }
  ST_REQUIRE(g_fault_count == 2);
  ST_REQUIRE_ST(wrt_wait_table_wait32(&g_t, &word, 3u, 2u * MS), WRT_E_TIMEOUT);
  uint32_t woken = 1u;
  ST_REQUIRE_ST(wrt_wait_table_notify(&g_t, &word, 1u, &woken), WRT_OK);
  ST_REQUIRE(woken == 0u);
  ST_REQUIRE_ST(wrt_wait_table_destroy(&g_t), WRT_OK);
  (void)alarm(0u);
  (void)munmap(page, 65536u);
}

const st_check st_wait_checks[] = {
    {"WAIT-001", "wait: value differs -> AGAIN at once (32 and 64 bits)", ST_ON_FUTEX,
     not_equal_is_again},
    {"WAIT-002", "wait: TIMEOUT after >= the timeout; leaves no waiter", ST_ON_FUTEX, timed_out},
    {"WAIT-003", "notify wakes oldest first, per address", ST_ON_FUTEX, fifo_per_address},
    {"WAIT-004", "notify returns the exact count woken; all; destroy w/ waiters", ST_ON_FUTEX,
     notify_counts},
    {"WAIT-005", "NULL / misaligned -> INVALID_ARG; live init -> STATE", ST_ON_FUTEX,
     bad_arguments},
    {"WAIT-006", "no lost wake-up (10000-round ping-pong)", ST_ON_FUTEX, no_lost_wake_up},
    {"WAIT-007", "notify without waiters: no lock, no system call", ST_ON_FUTEX,
     notify_without_waiters_is_free},
    {"WAIT-012", "a fault at wait's read, left by siglongjmp, holds nothing", ST_ON_FUTEX,
     fault_holds_nothing},
};
const size_t st_wait_check_count = sizeof st_wait_checks / sizeof st_wait_checks[0];
