/*
 * checks_qnx.c - the selftest's QNX-only checks (QNX-*): memory budgets
 * (partitions), discard, and - where the QNX futex is built - the woken
 * thread's pulse priority, priority-ordered wake-up, and that failing
 * kernel calls leak no channel or connection (counted through the Neutrino
 * host model's controls; on a real QNX kernel that one is skipped: there is
 * no portable count). Compiled empty where no QNX backend is built. May
 * include: the public headers, POSIX threads, and nto_sim.h on the host
 * model only. (The QNX rows of the per-thread parker are in
 * checks_qnx_parker.c.)
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <string.h>

#include "selftest.h"

#if defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#include <pthread.h>

#include "wrt/qnx_memory.h"
#if defined(__has_include)
#if __has_include("wrt/qnx_sync.h")
#define HAVE_QNX_SYNC 1
#include "wrt/qnx_sync.h"
#endif
#endif
#if !(defined(__QNX__) || defined(__QNXNTO__))
#include "nto_sim.h"
#endif

#define PAGE ((size_t)WRT_WASM_PAGE_SIZE)

static _Alignas(64) wrt_qnx_allocator_t g_a1, g_a2;

static wrt_page_allocator_t *make(wrt_qnx_allocator_t *a, wrt_qnx_partition_t *p,
                                  wrt_growth_strategy g) {
  wrt_qnx_allocator_builder_t b = wrt_qnx_allocator_builder_new();
  b = wrt_qnx_allocator_builder_with_partition(b, p);
  b = wrt_qnx_allocator_builder_with_growth(b, g);
  ST_REQUIRE_ST(wrt_qnx_allocator_build(&b, a), WRT_OK);
  return wrt_qnx_allocator_base(a);
}

/* QNX-001: a charge beyond the budget is LIMIT and changes nothing. */
static void partition_limit(const void *bk) {
  (void)bk;
  wrt_qnx_partition_t p;
  ST_REQUIRE_ST(wrt_qnx_partition_init(&p, 4 * PAGE), WRT_OK);
  wrt_growth_strategy gs[] = {WRT_GROW_RESERVE, WRT_GROW_EXACT};
  for (size_t i = 0; i < 2; i++) {
    wrt_page_allocator_t *a = make(&g_a1, &p, gs[i]);
    uint8_t *base, *b2;
    size_t size, s2, mapped = st_mapped_bytes();
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 5, 8, &base, &size), WRT_E_LIMIT);
    ST_REQUIRE(wrt_qnx_partition_used(&p) == 0);
    if (!st_under_sanitizer()) /* their runtimes map shadow memory */
      ST_REQUIRE(st_mapped_bytes() == mapped);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 3, 8, &base, &size), WRT_OK);
    ST_REQUIRE(wrt_qnx_partition_used(&p) == 3 * PAGE);
    memset(base, 0x5c, size);
    b2 = base;
    s2 = size;
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 3, 2, &b2, &s2), WRT_E_LIMIT);
    ST_REQUIRE(b2 == base && s2 == size && base[size - 1] == 0x5c);
    ST_REQUIRE(wrt_qnx_partition_used(&p) == 3 * PAGE);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 3, 1, &b2, &s2), WRT_OK);
    ST_REQUIRE(wrt_qnx_partition_used(&p) == 4 * PAGE);
    /* QNX-002: deallocate refunds. */
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b2, s2), WRT_OK);
    ST_REQUIRE(wrt_qnx_partition_used(&p) == 0);
    wrt_qnx_allocator_destroy(&g_a1);
  }
}

/* QNX-002: allocators sharing a budget never exceed it together, also from
 * several threads at once; deallocate and destroy refund. */
typedef struct {
  wrt_page_allocator_t *a;
  wrt_qnx_partition_t *p;
  _Atomic int over;
  unsigned ok;
} racer_t;

static void *racer_main(void *arg) {
  racer_t *r = arg;
  for (unsigned i = 0; i < 60; i++) {
    uint8_t *base;
    size_t size;
    if (wrt_page_allocator_allocate(r->a, 1, 8, &base, &size) != WRT_OK)
      continue;
    uint32_t pages = 1;
    while (wrt_page_allocator_grow(r->a, pages, 1, &base, &size) == WRT_OK) {
      pages++;
      if (wrt_qnx_partition_used(r->p) > wrt_qnx_partition_limit(r->p))
        atomic_store(&r->over, 1);
    }
    r->ok++;
    (void)wrt_page_allocator_deallocate(r->a, base, size);
  }
  return NULL;
}

static void partition_shared(const void *bk) {
  (void)bk;
  wrt_qnx_partition_t p;
  ST_REQUIRE_ST(wrt_qnx_partition_init(&p, 6 * PAGE), WRT_OK);
  racer_t r1 = {make(&g_a1, &p, WRT_GROW_RESERVE), &p, 0, 0};
  racer_t r2 = {make(&g_a2, &p, WRT_GROW_EXACT), &p, 0, 0};
  pthread_t t1, t2;
  ST_REQUIRE(pthread_create(&t1, NULL, racer_main, &r1) == 0);
  ST_REQUIRE(pthread_create(&t2, NULL, racer_main, &r2) == 0);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  ST_REQUIRE(atomic_load(&r1.over) == 0 && atomic_load(&r2.over) == 0);
  ST_REQUIRE(r1.ok + r2.ok > 0); /* no fairness is promised between them */
  ST_REQUIRE(wrt_qnx_partition_used(&p) == 0);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(r1.a, 4, 8, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(r2.a, 3, 8, &base, &size), WRT_E_LIMIT);
  wrt_qnx_allocator_destroy(&g_a1); /* refunds */
  ST_REQUIRE(wrt_qnx_partition_used(&p) == 0);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(r2.a, 6, 8, &base, &size), WRT_OK);
  wrt_qnx_allocator_destroy(&g_a2);
  ST_REQUIRE(wrt_qnx_partition_used(&p) == 0);
}

/* QNX-003: discard makes the range read as zero and keeps it accessible. */
static void discard_zeroes(const void *bk) {
  (void)bk;
  wrt_page_allocator_t *a = make(&g_a1, NULL, WRT_GROW_RESERVE);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 3, 4, &base, &size), WRT_OK);
  memset(base, 0x42, size);
  ST_REQUIRE_ST(wrt_qnx_allocator_discard(&g_a1, PAGE, PAGE), WRT_OK);
  for (size_t i = 0; i < PAGE; i++)
    ST_REQUIRE(base[PAGE + i] == 0);
  ST_REQUIRE(base[PAGE - 1] == 0x42 && base[2 * PAGE] == 0x42);
  base[PAGE] = 1;
  ST_REQUIRE_ST(wrt_qnx_allocator_discard(&g_a1, 3 * PAGE, PAGE), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_qnx_allocator_discard(&g_a1, 1, PAGE), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  ST_REQUIRE_ST(wrt_qnx_allocator_discard(&g_a1, 0, PAGE), WRT_E_STATE);
  wrt_qnx_allocator_destroy(&g_a1);
}

/* QNX-004: QNX-only config values are checked at init. */
static void qnx_config_checked(const void *bk) {
  (void)bk;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = 4;
  c.reserve_pages = WRT_WASM_MAX_PAGES + 1u;
  ST_REQUIRE_ST(wrt_qnx_allocator_init(&g_a1, &c), WRT_E_INVALID_ARG);
  c.reserve_pages = 0;
  c.typed_memory = "";
  ST_REQUIRE_ST(wrt_qnx_allocator_init(&g_a1, &c), WRT_E_INVALID_ARG);
  c.typed_memory = "/wrtp-selftest-no-such-pool";
  ST_REQUIRE_ST(wrt_qnx_allocator_init(&g_a1, &c), WRT_E_UNSUPPORTED);
  ST_REQUIRE_ST(wrt_qnx_partition_init(NULL, 1), WRT_E_INVALID_ARG);
  wrt_qnx_partition_t p;
  ST_REQUIRE_ST(wrt_qnx_partition_init(&p, 0), WRT_E_INVALID_ARG);
}

#if defined(HAVE_QNX_SYNC)
static int my_priority(void) {
#if defined(__QNX__) || defined(__QNXNTO__)
  int policy;
  struct sched_param sp;
  if (pthread_getschedparam(pthread_self(), &policy, &sp) != 0)
    return -1;
  return sp.sched_priority;
#else
  return nto_sim_get_thread_priority();
#endif
}

static int set_my_priority(int prio) {
#if defined(__QNX__) || defined(__QNXNTO__)
  return pthread_setschedprio(pthread_self(), prio);
#else
  return nto_sim_set_thread_priority(prio);
#endif
}

typedef struct {
  wrt_futex_t *f;
  _Atomic int tid; /* st_thread_id(), published once started */
  wrt_status st;
  int prio_after;
  int prio; /* set before waiting */
} pw_t;

static void *prio_waiter(void *arg) {
  pw_t *w = arg;
  (void)set_my_priority(w->prio);
  atomic_store(&w->tid, st_thread_id());
  w->st = wrt_futex_wait(w->f, 0, 5000000000ull);
  w->prio_after = my_priority();
  return NULL;
}

/* QNX-005: a woken waiter keeps the priority it had when it called wait,
 * whatever the futex's pulse priority (HIGH would have raised a waiter at
 * 6, LOW demoted one at 30): the parker's channel is fixed-priority. */
static void woken_keeps_its_priority(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  wrt_qnx_sync_priority ps[] = {WRT_QNX_SYNC_PRIORITY_HIGH, WRT_QNX_SYNC_PRIORITY_LOW};
  int prio[] = {6, 30};
  for (size_t i = 0; i < 2; i++) {
    wrt_qnx_futex_builder_t b = wrt_qnx_futex_builder_with_priority(wrt_qnx_futex_builder_new(),
                                                                     ps[i]);
    ST_REQUIRE_ST(wrt_qnx_futex_build(&b, &f), WRT_OK);
    pw_t w = {wrt_qnx_futex_base(&f), 0, WRT_E_OS, 0, prio[i]};
    pthread_t t;
    ST_REQUIRE(pthread_create(&t, NULL, prio_waiter, &w) == 0);
    int tid;
    while ((tid = atomic_load(&w.tid)) == 0)
      st_sleep_ns(100000);
    /* Blocked before the wake (the model counts it; QNX: blocked.c), else
     * the wake finds nobody and the waiter times out. */
    ST_AWAIT_BLOCKED(st_qnx_blocked, &tid, 1, 1);
    ST_REQUIRE_ST(wrt_futex_wake_one(wrt_qnx_futex_base(&f)), WRT_OK);
    pthread_join(t, NULL);
    ST_REQUIRE_ST(w.st, WRT_OK);
    if (w.prio_after != prio[i])
      st_fail(__FILE__, __LINE__, "woken at priority %d, want %d (its own)", w.prio_after,
              prio[i]);
    wrt_qnx_futex_destroy(&f);
  }
}

/* QNX-006: a failing kernel call in wait or wake leaks no channel or
 * connection and leaves the futex usable. Model only: it injects the
 * failures and counts the kernel objects. */
static void kernel_failures_leak_nothing(const void *bk) {
  (void)bk;
#if defined(__QNX__) || defined(__QNXNTO__)
  st_skip("needs the Neutrino host model's fault injection");
#else
  static wrt_qnx_futex_t f;
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  wrt_futex_t *fx = wrt_qnx_futex_base(&f);
  unsigned ch = nto_sim_live_channels(), co = nto_sim_live_connections();
  nto_sim_call calls[] = {NTO_SIM_CALL_CHANNEL_CREATE, NTO_SIM_CALL_CONNECT_ATTACH,
                          NTO_SIM_CALL_TIMER_TIMEOUT, NTO_SIM_CALL_MSG_RECEIVE_PULSE};
  for (size_t i = 0; i < 4; i++) {
    nto_sim_fail_nth(calls[i], 1, 11 /* EAGAIN */);
    /* A long timeout: the failing call ends the wait at once. With a short
     * one a loaded machine let the deadline pass before the call was made,
     * and the check passed on a TIMEOUT without testing anything. */
    wrt_status st = wrt_futex_wait(fx, 0, 10000000000ull);
    nto_sim_clear_faults();
    if (st != WRT_E_NO_MEMORY || wrt_qnx_futex_last_os_error(&f) != 11)
      st_fail(__FILE__, __LINE__, "wait with kernel call %zu failing (EAGAIN) gave %s, errno %d; "
              "want WRT_E_NO_MEMORY, 11", i, wrt_status_str(st), wrt_qnx_futex_last_os_error(&f));
    ST_REQUIRE(nto_sim_live_channels() <= ch + 1u); /* at most this thread's parker */
    ST_REQUIRE(nto_sim_live_connections() <= co + 1u);
    ST_REQUIRE_ST(wrt_futex_wait(fx, 0, 1000000), WRT_E_TIMEOUT); /* still usable */
    wrt_qnx_thread_release(); /* the next case starts without a parker */
    ST_REQUIRE(nto_sim_live_channels() == ch);
    ST_REQUIRE(nto_sim_live_connections() == co);
  }
  wrt_qnx_futex_destroy(&f);
  ST_REQUIRE(nto_sim_live_channels() == ch && nto_sim_live_connections() == co);
#endif
}

/* QNX-009: waiters are woken highest priority first, FIFO within a
 * priority. Three waiters arrive at priorities 8, 12, 12 (one at a time, each
 * blocked before the next starts) and are woken one at a time: the order
 * must be 12 (first), 12 (second), 8. */
typedef struct {
  wrt_futex_t *f;
  int prio;
  _Atomic int tid; /* st_thread_id(), published once started */
  _Atomic int done;
  wrt_status st;
} ow_t;

static _Atomic int g_wake_seq;

static void *order_waiter(void *arg) {
  ow_t *w = arg;
  (void)set_my_priority(w->prio);
  atomic_store(&w->tid, st_thread_id());
  w->st = wrt_futex_wait(w->f, 0, 5000000000ull);
  atomic_store(&w->done, atomic_fetch_add(&g_wake_seq, 1) + 1);
  return NULL;
}

/* Until the first n waiters are blocked: the model counts them; on QNX
 * there is no count, so started threads are given time to block
 * (blocked.c). A hang fails the check after 10 s. */
static void until_blocked(unsigned n, ow_t *w) {
  int tids[3];
  for (unsigned i = 0; i < n; i++) {
    while ((tids[i] = atomic_load(&w[i].tid)) == 0)
      st_sleep_ns(100000);
  }
  ST_AWAIT_BLOCKED(st_qnx_blocked, tids, n, n);
}

static void wake_order_is_by_priority(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE(c.wake_order == WRT_QNX_WAKE_PRIORITY);
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  ow_t w[3] = {{wrt_qnx_futex_base(&f), 8, 0, 0, WRT_E_OS},
               {wrt_qnx_futex_base(&f), 12, 0, 0, WRT_E_OS},
               {wrt_qnx_futex_base(&f), 12, 0, 0, WRT_E_OS}};
  pthread_t t[3];
  atomic_store(&g_wake_seq, 0);
  for (unsigned i = 0; i < 3; i++) {
    ST_REQUIRE(pthread_create(&t[i], NULL, order_waiter, &w[i]) == 0);
    until_blocked(i + 1, w);
  }
  static const unsigned want[3] = {1, 2, 0};
  int ok = 1;
  for (unsigned k = 0; k < 3; k++) {
    (void)wrt_futex_wake_one(wrt_qnx_futex_base(&f));
    for (int i = 0; i < 100000 && atomic_load(&w[want[k]].done) == 0; i++)
      st_sleep_ns(100000);
    if (atomic_load(&w[want[k]].done) != (int)k + 1)
      ok = 0;
  }
  (void)wrt_futex_wake_all(wrt_qnx_futex_base(&f)); /* nobody left blocked on failure */
  for (unsigned i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  wrt_qnx_futex_destroy(&f);
  if (!ok)
    st_fail(__FILE__, __LINE__,
            "wake positions of prio 8, 12, 12 (arrival order): %d %d %d, want 3 1 2",
            atomic_load(&w[0].done), atomic_load(&w[1].done), atomic_load(&w[2].done));
  for (unsigned i = 0; i < 3; i++)
    ST_REQUIRE_ST(w[i].st, WRT_OK);
}
#endif /* HAVE_QNX_SYNC */

const st_check st_qnx_checks[] = {
    {"QNX-001", "partition: charge past budget -> LIMIT, nothing changed", ST_ON_QNX_MEMORY,
     partition_limit},
    {"QNX-002", "partition never exceeded by allocators sharing it; refunds", ST_ON_QNX_MEMORY,
     partition_shared},
    {"QNX-003", "discard: range reads zero, stays accessible", ST_ON_QNX_MEMORY, discard_zeroes},
    {"QNX-004", "QNX config (reserve_pages, typed memory) checked at init", ST_ON_QNX_MEMORY,
     qnx_config_checked},
#if defined(HAVE_QNX_SYNC)
    {"QNX-005", "woken waiter keeps its own priority (any pulse priority)", ST_ON_QNX_MEMORY,
     woken_keeps_its_priority},
    {"QNX-006", "failing kernel calls leak no channel/connection", ST_ON_QNX_MEMORY,
     kernel_failures_leak_nothing},
    {"QNX-009", "waiters woken highest priority first, FIFO within one", ST_ON_QNX_MEMORY,
     wake_order_is_by_priority},
#endif
};
const size_t st_qnx_check_count = sizeof st_qnx_checks / sizeof st_qnx_checks[0];

#else
const st_check st_qnx_checks[] = {{"QNX-000", "", ST_ON_QNX_MEMORY, NULL}};
const size_t st_qnx_check_count = 0;
#endif
