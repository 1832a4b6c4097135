/*
 * checks_sync.c - the selftest's futex (SYNC-*) and mutex (MTX-*) checks,
 * written once against wrt_futex_t / wrt_mutex_t and run on every futex
 * backend built in. Each runs in its own child process (see selftest.c).
 * Requirement texts: docs/requirements.md. May include: the public headers,
 * POSIX threads and signals.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "selftest.h"
#include "wrt/mutex.h"

#define MS 1000000ull

static _Alignas(64) unsigned char g_f[ST_STORAGE];
static const st_futex_backend *g_b;

static wrt_futex_t *make(const void *bk, uint32_t v) {
  g_b = bk;
  wrt_futex_t *f = NULL;
  ST_REQUIRE_ST(g_b->create(g_f, v, &f), WRT_OK);
  ST_REQUIRE(f != NULL);
  return f;
}

/* --- waiters ------------------------------------------------------------------ */

typedef struct {
  pthread_t t;
  wrt_futex_t *f;
  uint32_t expected;
  uint64_t timeout;
  _Atomic int tid; /* st_thread_id(), published once started */
  _Atomic int finished;
  wrt_status st;
  uint64_t took;
} waiter_t;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  atomic_store(&w->tid, st_thread_id());
  uint64_t t0 = st_now_ns();
  w->st = wrt_futex_wait(w->f, w->expected, w->timeout);
  w->took = st_now_ns() - t0;
  atomic_store(&w->finished, 1);
  return NULL;
}

static void start(waiter_t *w, wrt_futex_t *f, uint32_t expected, uint64_t timeout) {
  memset(w, 0, sizeof *w);
  w->f = f;
  w->expected = expected;
  w->timeout = timeout;
  ST_REQUIRE(pthread_create(&w->t, NULL, waiter_main, w) == 0);
}

static unsigned finished(waiter_t *w, unsigned n) {
  unsigned c = 0;
  for (unsigned i = 0; i < n; i++)
    c += (unsigned)atomic_load(&w[i].finished);
  return c;
}

/* Waits until every waiter has started and is BLOCKED in the wait, as the
 * backend sees it (blocked.c), so that a wake cannot come before a waiter
 * is in the wait: a fixed sleep here made these checks fail at random on a
 * loaded machine. A hang fails the check after 10 s. */
#define MAX_WAITERS 8
static void settle(waiter_t *w, unsigned n) {
  int tids[MAX_WAITERS];
  ST_REQUIRE(n <= MAX_WAITERS);
  for (unsigned i = 0; i < n; i++) {
    while ((tids[i] = atomic_load(&w[i].tid)) == 0)
      st_sleep_ns(MS / 10);
  }
  ST_AWAIT_BLOCKED(g_b->count_blocked, tids, n, n);
}

/* Polls until at least want waiters finished or 10 s passed (only a lost
 * wake-up takes that long; the caller's count check then fails). */
static unsigned await_finished(waiter_t *w, unsigned n, unsigned want) {
  uint64_t end = st_now_ns() + 10000 * MS;
  unsigned c;
  while ((c = finished(w, n)) < want && st_now_ns() < end)
    st_sleep_ns(MS / 2);
  return c;
}

static void join(waiter_t *w, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    pthread_join(w[i].t, NULL);
}

/* SYNC-001 */
static void word_operations(const void *bk) {
  wrt_futex_t *f = make(bk, 7);
  ST_REQUIRE(wrt_futex_load(f) == 7);
  wrt_futex_set(f, 9);
  ST_REQUIRE(wrt_futex_load(f) == 9);
  ST_REQUIRE(!wrt_futex_compare_exchange(f, 8, 1));
  ST_REQUIRE(wrt_futex_load(f) == 9);
  ST_REQUIRE(wrt_futex_compare_exchange(f, 9, 1));
  ST_REQUIRE(wrt_futex_load(f) == 1);
  g_b->destroy(g_f);
}

/* SYNC-002 */
static void wait_on_changed_word_is_again(const void *bk) {
  wrt_futex_t *f = make(bk, 1);
  uint64_t t0 = st_now_ns();
  ST_REQUIRE_ST(wrt_futex_wait(f, 0, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  ST_REQUIRE_ST(wrt_futex_wait(f, 2, 10 * MS), WRT_E_AGAIN);
  ST_REQUIRE(st_now_ns() - t0 < 1000 * MS); /* did not block */
  g_b->destroy(g_f);
}

/* SYNC-003 */
static void timed_wait_lasts_the_timeout(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  uint64_t ts[] = {1 * MS, 20 * MS, 60 * MS};
  for (size_t i = 0; i < 3; i++) {
    uint64_t t0 = st_now_ns();
    ST_REQUIRE_ST(wrt_futex_wait(f, 0, ts[i]), WRT_E_TIMEOUT);
    ST_REQUIRE(st_now_ns() - t0 >= ts[i]);
  }
  ST_REQUIRE_ST(wrt_futex_wait(f, 0, 0), WRT_E_TIMEOUT);
  g_b->destroy(g_f);
}

/* SYNC-004: two threads pass a token 20000 times; each wait has a 2 s
 * timeout, so a lost wake-up shows as a TIMEOUT instead of a hang. */
typedef struct {
  wrt_futex_t *f;
  uint32_t me, other;
  unsigned rounds;
  _Atomic int lost;
} pingpong_t;

static void *pingpong_main(void *arg) {
  pingpong_t *p = arg;
  for (unsigned i = 0; i < p->rounds; i++) {
    uint32_t v;
    while ((v = wrt_futex_load(p->f)) != p->me) {
      wrt_status st = wrt_futex_wait(p->f, v, 2000 * MS);
      if (st == WRT_E_TIMEOUT && wrt_futex_load(p->f) != p->me) {
        atomic_store(&p->lost, 1);
        return NULL;
      }
      if (st != WRT_OK && st != WRT_E_AGAIN && st != WRT_E_TIMEOUT) {
        atomic_store(&p->lost, 2);
        return NULL;
      }
    }
    wrt_futex_set(p->f, p->other);
    if (wrt_futex_wake_one(p->f) != WRT_OK) {
      atomic_store(&p->lost, 2);
      return NULL;
    }
  }
  return NULL;
}

static void no_lost_wake_up(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  pingpong_t a = {f, 0, 1, 20000, 0}, b = {f, 1, 0, 20000, 0};
  pthread_t ta, tb;
  ST_REQUIRE(pthread_create(&ta, NULL, pingpong_main, &a) == 0);
  ST_REQUIRE(pthread_create(&tb, NULL, pingpong_main, &b) == 0);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  if (atomic_load(&a.lost) == 1 || atomic_load(&b.lost) == 1)
    st_fail(__FILE__, __LINE__, "a waiter slept 2 s after its word was changed and woken");
  ST_REQUIRE(atomic_load(&a.lost) == 0 && atomic_load(&b.lost) == 0);
  g_b->destroy(g_f);
}

/* SYNC-005 */
static void wake_n_wakes_n(const void *bk) {
  enum { N = 4 };
  wrt_futex_t *f = make(bk, 0);
  waiter_t w[N];
  for (unsigned i = 0; i < N; i++)
    start(&w[i], f, 0, WRT_WAIT_FOREVER);
  settle(w, N);
  ST_REQUIRE(finished(w, N) == 0);
  ST_REQUIRE_ST(wrt_futex_wake(f, 1), WRT_OK);
  ST_REQUIRE(await_finished(w, N, 1) == 1);
  st_sleep_ns(30 * MS);
  ST_REQUIRE(finished(w, N) == 1); /* at most 1 */
  ST_REQUIRE_ST(wrt_futex_wake(f, 2), WRT_OK);
  ST_REQUIRE(await_finished(w, N, 3) == 3);
  st_sleep_ns(30 * MS);
  ST_REQUIRE(finished(w, N) == 3); /* at most 2 more */
  ST_REQUIRE_ST(wrt_futex_wake(f, 5), WRT_OK); /* more than present */
  ST_REQUIRE(await_finished(w, N, N) == N);
  join(w, N);
  for (unsigned i = 0; i < N; i++)
    ST_REQUIRE_ST(w[i].st, WRT_OK);
  g_b->destroy(g_f);
}

/* SYNC-006 */
static void wake_all_wakes_all(const void *bk) {
  enum { N = 6 };
  wrt_futex_t *f = make(bk, 0);
  waiter_t w[N];
  for (unsigned i = 0; i < N; i++)
    start(&w[i], f, 0, i % 2 == 0 ? WRT_WAIT_FOREVER : 10000 * MS);
  settle(w, N);
  ST_REQUIRE(finished(w, N) == 0);
  ST_REQUIRE_ST(wrt_futex_wake_all(f), WRT_OK);
  ST_REQUIRE(await_finished(w, N, N) == N);
  join(w, N);
  for (unsigned i = 0; i < N; i++)
    ST_REQUIRE_ST(w[i].st, WRT_OK);
  g_b->destroy(g_f);
}

/* SYNC-007 */
static void wake_edge_cases(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  ST_REQUIRE_ST(wrt_futex_wake_one(f), WRT_OK);
  ST_REQUIRE_ST(wrt_futex_wake_all(f), WRT_OK);
  ST_REQUIRE_ST(wrt_futex_wake(f, 0), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_futex_wake(NULL, 1), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_futex_wait(NULL, 0, 0), WRT_E_INVALID_ARG);
  ST_REQUIRE(wrt_futex_load(f) == 0);
  g_b->destroy(g_f);
  ST_REQUIRE(g_b->base_of_zeroed(g_f) == NULL);
  g_b->destroy(g_f); /* twice on a zeroed object */
}

/* SYNC-008: a signal during a timed wait does not end it early. */
static void on_signal(int sig) { (void)sig; }

static void signal_resumes_with_time_left(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: the kernel call sees EINTR */
  sigemptyset(&sa.sa_mask);
  ST_REQUIRE(sigaction(SIGUSR1, &sa, NULL) == 0);
  waiter_t w;
  start(&w, f, 0, 200 * MS);
  settle(&w, 1);
  for (int i = 0; i < 5; i++) {
    pthread_kill(w.t, SIGUSR1);
    st_sleep_ns(10 * MS);
  }
  join(&w, 1);
  ST_REQUIRE_ST(w.st, WRT_E_TIMEOUT);
  ST_REQUIRE(w.took >= 200 * MS);
  ST_REQUIRE(w.took < 2000 * MS); /* resumed with the time left, not anew each time */
  g_b->destroy(g_f);
}

/* SYNC-009 */
static void timed_waiter_woken_early(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  waiter_t w;
  start(&w, f, 0, 5000 * MS);
  settle(&w, 1);
  ST_REQUIRE_ST(wrt_futex_wake_one(f), WRT_OK);
  join(&w, 1);
  ST_REQUIRE_ST(w.st, WRT_OK);
  ST_REQUIRE(w.took < 4000 * MS);
  g_b->destroy(g_f);
}

/* --- mutex ------------------------------------------------------------------------ */

typedef struct {
  wrt_mutex_t *m;
  unsigned iters;
  volatile unsigned long *counter;
  _Atomic int errors;
} mtx_worker_t;

static void *mtx_worker(void *arg) {
  mtx_worker_t *w = arg;
  for (unsigned i = 0; i < w->iters; i++) {
    if (wrt_mutex_lock(w->m) != WRT_OK) {
      atomic_fetch_add(&w->errors, 1);
      return NULL;
    }
    unsigned long v = *w->counter; /* a read-modify-write that races without the lock */
    *w->counter = v + 1;
    if (wrt_mutex_unlock(w->m) != WRT_OK)
      atomic_fetch_add(&w->errors, 1);
  }
  return NULL;
}

/* MTX-001 */
static void mutex_excludes(const void *bk) {
  enum { T = 4, ITERS = 50000 };
  wrt_futex_t *f = make(bk, 0);
  wrt_mutex_t m;
  ST_REQUIRE_ST(wrt_mutex_init(&m, f), WRT_OK);
  volatile unsigned long counter = 0;
  mtx_worker_t w[T];
  pthread_t t[T];
  for (unsigned i = 0; i < T; i++) {
    w[i].m = &m;
    w[i].iters = ITERS;
    w[i].counter = &counter;
    atomic_init(&w[i].errors, 0);
    ST_REQUIRE(pthread_create(&t[i], NULL, mtx_worker, &w[i]) == 0);
  }
  for (unsigned i = 0; i < T; i++) {
    pthread_join(t[i], NULL);
    ST_REQUIRE(atomic_load(&w[i].errors) == 0);
  }
  ST_REQUIRE(counter == (unsigned long)T * ITERS);
  ST_REQUIRE(wrt_futex_load(f) == 0); /* left unlocked */
  g_b->destroy(g_f);
}

/* MTX-002 */
static void trylock_semantics(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  wrt_mutex_t m;
  ST_REQUIRE_ST(wrt_mutex_init(&m, f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_trylock(&m), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_trylock(&m), WRT_E_AGAIN);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_trylock(&m), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  g_b->destroy(g_f);
}

/* MTX-003 */
static void lock_timeout_semantics(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  wrt_mutex_t m;
  ST_REQUIRE_ST(wrt_mutex_init(&m, f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_lock_timeout(&m, 10 * MS), WRT_OK); /* free: taken */
  uint64_t t0 = st_now_ns();
  ST_REQUIRE_ST(wrt_mutex_lock_timeout(&m, 50 * MS), WRT_E_TIMEOUT);
  uint64_t took = st_now_ns() - t0;
  ST_REQUIRE(took >= 50 * MS);
  ST_REQUIRE(took < 2000 * MS);
  ST_REQUIRE_ST(wrt_mutex_lock_timeout(&m, 0), WRT_E_TIMEOUT);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_lock_timeout(&m, 0), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  g_b->destroy(g_f);
}

/* MTX-004 */
typedef struct {
  wrt_mutex_t *m;
  _Atomic int state; /* 1 started, 2 holds the lock */
  _Atomic int tid;
  wrt_status st;
} locker_t;

static void *locker_main(void *arg) {
  locker_t *l = arg;
  atomic_store(&l->state, 1);
  atomic_store(&l->tid, st_thread_id());
  l->st = wrt_mutex_lock(l->m);
  atomic_store(&l->state, 2);
  if (l->st == WRT_OK)
    l->st = wrt_mutex_unlock(l->m);
  return NULL;
}

static void unlock_hands_over(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  wrt_mutex_t m;
  ST_REQUIRE_ST(wrt_mutex_init(&m, f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_lock(&m), WRT_OK);
  locker_t l = {&m, 0, 0, WRT_OK};
  pthread_t t;
  ST_REQUIRE(pthread_create(&t, NULL, locker_main, &l) == 0);
  int tid;
  while ((tid = atomic_load(&l.tid)) == 0)
    st_sleep_ns(MS / 10);
  ST_AWAIT_BLOCKED(g_b->count_blocked, &tid, 1, 1); /* past its spin and asleep */
  ST_REQUIRE(atomic_load(&l.state) == 1);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  pthread_join(t, NULL);
  ST_REQUIRE_ST(l.st, WRT_OK);
  ST_REQUIRE(wrt_futex_load(f) == 0);
  g_b->destroy(g_f);
}

/* MTX-005 */
static void mutex_bad_use(const void *bk) {
  wrt_futex_t *f = make(bk, 0);
  wrt_mutex_t m, zero;
  memset(&zero, 0, sizeof zero);
  wrt_futex_t no_ops;
  memset(&no_ops, 0, sizeof no_ops);
  ST_REQUIRE_ST(wrt_mutex_init(NULL, f), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_init(&m, NULL), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_init(&m, &no_ops), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_lock(NULL), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_lock(&zero), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_trylock(&zero), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_lock_timeout(&zero, 1), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_unlock(&zero), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_mutex_init(&m, f), WRT_OK);
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_E_STATE);
  ST_REQUIRE(wrt_futex_load(f) == 0);
  ST_REQUIRE_ST(wrt_mutex_lock(&m), WRT_OK); /* still usable */
  ST_REQUIRE_ST(wrt_mutex_unlock(&m), WRT_OK);
  g_b->destroy(g_f);
}

const st_check st_sync_checks[] = {
    {"SYNC-001", "load / set / compare_exchange (failure leaves the word)", ST_ON_FUTEX,
     word_operations},
    {"SYNC-002", "wait returns AGAIN at once when the word differs", ST_ON_FUTEX,
     wait_on_changed_word_is_again},
    {"SYNC-003", "timed wait -> TIMEOUT, lasting at least the timeout", ST_ON_FUTEX,
     timed_wait_lasts_the_timeout},
    {"SYNC-004", "no lost wake-up (20000-round ping-pong)", ST_ON_FUTEX, no_lost_wake_up},
    {"SYNC-005", "wake(n) wakes at most and at least n present waiters", ST_ON_FUTEX,
     wake_n_wakes_n},
    {"SYNC-006", "wake_all wakes every present waiter", ST_ON_FUTEX, wake_all_wakes_all},
    {"SYNC-007", "wake w/o waiters OK; count 0 / NULL -> INVALID_ARG; destroy safe",
     ST_ON_FUTEX, wake_edge_cases},
    {"SYNC-008", "signal (EINTR) resumes the wait with the time left", ST_ON_FUTEX,
     signal_resumes_with_time_left},
    {"SYNC-009", "timed waiter woken before its timeout returns OK", ST_ON_FUTEX,
     timed_waiter_woken_early},
    {"MTX-001", "mutual exclusion, 4 threads contending", ST_ON_FUTEX, mutex_excludes},
    {"MTX-002", "trylock: OK when free, AGAIN when held", ST_ON_FUTEX, trylock_semantics},
    {"MTX-003", "lock_timeout: TIMEOUT after >= timeout when held; 0 = try", ST_ON_FUTEX,
     lock_timeout_semantics},
    {"MTX-004", "unlock wakes a thread blocked in lock", ST_ON_FUTEX, unlock_hands_over},
    {"MTX-005", "bad arguments -> INVALID_ARG; unlock when free -> STATE", ST_ON_FUTEX,
     mutex_bad_use},
};
const size_t st_sync_check_count = sizeof st_sync_checks / sizeof st_sync_checks[0];
