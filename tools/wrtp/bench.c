/*
 * bench.c - `wrtp bench`: the library against what a user would pick
 * instead, side by side in one run, by the method of bench_method.h
 * (interleaved trials, medians and IQR, ratios with their spread, no verdict
 * on a busy machine). This file: the command, the section table, and the
 * mutex and futex sections; grow, CRC-32C and atomic writes are in
 * bench_data.c. Peers: glibc pthread_mutex; ISA-L crc32_iscsi (dlopen'ed
 * when present); memcpy.
 * Figures of the QNX backend here are on the Neutrino host model (Linux
 * threads and a user-space kernel model): they say nothing about a QNX board.
 * Exits 0 even when a target is missed (a measurement), 2 on errors.
 * May include: the public headers, bench_method.h, POSIX (pthread, time).
 */
#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_method.h"
#include "wrt/mutex.h"
#include "wrtp.h"
#if defined(__linux__)
#include "wrt/linux_sync.h"
#endif
#if defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#if defined(__has_include)
#if __has_include("wrt/qnx_sync.h")
#define HAVE_QNX_SYNC 1
#include "wrt/qnx_sync.h"
#endif
#endif
#endif

#if defined(__QNX__) || defined(__QNXNTO__)
#define QNX_TAG "qnx"
#else
#define QNX_TAG "qnx model"
#endif

/* Sections defined in bench_data.c (and, one line each, in other files). */
void bench_grow(const bm_env_t *env);
void bench_crc(const bm_env_t *env);
void bench_atomic(const bm_env_t *env);
void bench_wait(const bm_env_t *env); /* bench_wait.c */
void bench_qnx_calls(const bm_env_t *env); /* bench_qnx_calls.c */
void bench_wasm2c(const bm_env_t *env); /* bench_wasm2c.c */
void bench_cpu_partition(const bm_env_t *env); /* bench_cpu_partition.c */
void bench_placement(const bm_env_t *env); /* bench_placement.c */
void bench_pool(const bm_env_t *env); /* bench_pool.c */
void bm_print_cpu(void); /* bench_cpu.c */
void bench_qnx_grow(const bm_env_t *env);  /* bench_qnx_grow.c */
static void bench_mutex(const bm_env_t *env);
static void bench_wake(const bm_env_t *env);

typedef struct {
  const char *name;
  bm_section_fn run;
  const char *help;
} section_t;

static const section_t sections[] = {
    {"mutex", bench_mutex,
     "uncontended lock+unlock; 2/4/8 threads contending (tight loop, and work\n"
     "             outside the lock): throughput, futex calls and sleeps per 1000 ops,\n"
     "             worst thread's share of the fair share, wait p99/p99.99; vs pthread"},
    {"wake", bench_wake, "futex wake-to-running latency, pinned: same CPU and other CPU, p50/p99"},
    {"grow", bench_grow,
     "+1 page at 1 MiB / 64 MiB / 1 GiB committed, grow plus first touch of the\n"
     "             new page, RESERVE and EXACT"},
    {"crc", bench_crc,
     "CRC-32C at 64 B, 4 KiB, 1 MiB warm, 256 MiB cold in bytes/cycle vs ISA-L\n"
     "             crc32_iscsi and the crc32 instruction's ceiling (8 B/cycle)"},
    {"atomic", bench_atomic,
     "64-byte atomic write vs the sum of its parts (lock+unlock, CRC of 64 B,\n"
     "             64-byte copy); 1 MiB vs 64 MiB provider"},
    {"wait", bench_wait, "wait table: ping-pong vs raw futex; notify w/o waiter vs lock+unlock"},
    {"qnxcalls", bench_qnx_calls, "QNX futex: kernel calls per blocking wait (model counters)"},
    {"wasm2c", bench_wasm2c, "wasm2c code: 16,384-grow loop and 10,000 instantiate/grow/free cycles,\n             adapter vs wabt's stock runtime; address space returned"},
    {"cpupart", bench_cpu_partition, "CPU partitions 20 % / 80 %, two CPU-bound threads pinned to one CPU:\n             each one's share, and the 20 % one alone (linux cgroup; model APS)"},
    {"huge", bench_placement, "huge pages: dependent walk and independent reads over 1 GiB, THP vs 4 KiB;\n             share on huge pages (smaps); commit cost per GiB"},
    {"pool", bench_pool, "slot pool: wasm2c cycles with a pool vs stock / not pooled, mmap+munmap\n             per cycle; acquire+release p99.9/median at 1, 2, 8 threads"},
    {"qnxgrow", bench_qnx_grow, "QNX eager grow (object + F_ALLOCSP) vs the linux path, like for like;\n             faults inside grow, F_ALLOCSP calls per grow"},
    /* Other files' sections: one line each, e.g.
     * {"wait", bench_wait, "..."}, with its declaration above. */
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

/* --- mutex ------------------------------------------------------------------- */

typedef enum { LK_PTHREAD, LK_WRT, LK_NONE } lock_kind;

/* Futex calls of the wrt_mutex under test, counted by swapping the futex's
 * ops table for one that counts and forwards (the backend sees the same
 * object). */
static const wrt_futex_ops_t *g_real_ops;
static _Atomic uint64_t g_futex_calls;
static wrt_status counting_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  atomic_fetch_add_explicit(&g_futex_calls, 1u, memory_order_relaxed);
  return g_real_ops->wait(self, expected, timeout_ns);
}
static wrt_status counting_wake(wrt_futex_t *self, uint32_t count) {
  atomic_fetch_add_explicit(&g_futex_calls, 1u, memory_order_relaxed);
  return g_real_ops->wake(self, count);
}
static const wrt_futex_ops_t counting_ops = {counting_wait, counting_wake};

/* Wait-time histogram: 16 buckets per power of two of nanoseconds. */
#define HBUCKETS (40u * 16u)
static unsigned hbucket(uint64_t ns) {
  if (ns < 16u)
    return (unsigned)ns;
  unsigned lg = 63u - (unsigned)__builtin_clzll(ns);
  unsigned b = (lg - 3u) * 16u + (unsigned)((ns >> (lg - 4u)) & 15u);
  return b < HBUCKETS ? b : HBUCKETS - 1u;
}
/* The bucket's upper bound (so a percentile is never understated). */
static double hbucket_ns(unsigned b) {
  if (b < 16u)
    return b + 1u;
  unsigned lg = b / 16u + 3u;
  return (double)(((uint64_t)17u + (b % 16u)) << (lg - 4u));
}
static double hpercentile(const uint64_t *h, double pct) {
  uint64_t total = 0, acc = 0;
  for (unsigned i = 0; i < HBUCKETS; i++)
    total += h[i];
  if (total == 0u)
    return 0;
  double want = pct / 100.0 * (double)total;
  for (unsigned i = 0; i < HBUCKETS; i++) {
    acc += h[i];
    if ((double)acc >= want)
      return hbucket_ns(i);
  }
  return hbucket_ns(HBUCKETS - 1u);
}

/* The same layout for every contender: the pthread mutex, like the wrt
 * futex word (bench_main's lfx/qfx), on a cache line of its own, and the
 * protected counter on another; so no contender's lock shares its line
 * with the fields every operation reads or with the counter. */
typedef struct {
  lock_kind kind;
  wrt_mutex_t *m;
  wrt_futex_t *f;
  _Alignas(64) pthread_mutex_t pm;
  _Alignas(64) volatile uint64_t counter;
  /* The no-lock contender's counters, one line per thread, so that its
   * row shows the scheduler alone and not a fight over the counter's line. */
  struct {
    _Alignas(64) volatile uint64_t v;
  } own[BM_MAX_THREADS];
  uint32_t spin;
  unsigned threads;
  bool outside_work;   /* workload B: work outside the lock, waits timed */
  uint64_t ops, futex_calls, sleeps;
  double worst[BM_MAX_TRIALS], worst_cpu[BM_MAX_TRIALS];
  unsigned nworst;
  uint64_t hist[BM_MAX_THREADS][HBUCKETS];
} lock_ctx;

static inline void do_lock(lock_ctx *c) {
  if (c->kind == LK_WRT)
    (void)wrt_mutex_lock(c->m);
  else if (c->kind == LK_PTHREAD)
    pthread_mutex_lock(&c->pm);
}
static inline void do_unlock(lock_ctx *c) {
  if (c->kind == LK_WRT)
    (void)wrt_mutex_unlock(c->m);
  else if (c->kind == LK_PTHREAD)
    pthread_mutex_unlock(&c->pm);
}

/* ~100-200 ns of work that no compiler folds away. */
static inline uint64_t outside(uint64_t x) {
  for (int i = 0; i < 40; i++)
    x = x * 6364136223846793005u + 1442695040888963407u;
  return x;
}

static void lock_body(void *p, unsigned idx, const atomic_bool *stop, uint64_t *ops) {
  lock_ctx *c = p;
  uint64_t n = 0, x = idx + 1u;
  volatile uint64_t *ctr = c->kind == LK_NONE ? &c->own[idx].v : &c->counter;
  if (!c->outside_work) {
    while (!atomic_load_explicit(stop, memory_order_relaxed)) {
      for (int k = 0; k < 64; k++) {
        do_lock(c);
        *ctr = *ctr + 1u;
        do_unlock(c);
      }
      n += 64u;
    }
  } else {
    uint64_t *h = c->hist[idx];
    while (!atomic_load_explicit(stop, memory_order_relaxed)) {
      x = outside(x);
      uint64_t t0 = bm_now_ns();
      do_lock(c);
      uint64_t t1 = bm_now_ns();
      *ctr = *ctr + (x & 1u);
      do_unlock(c);
      h[hbucket(t1 - t0)]++;
      n++;
    }
    if (x == 42u) /* keep x alive */
      *ctr = *ctr + 1u;
  }
  *ops = n;
}

/* One timed trial: Mop/s. */
static double lock_trial(void *p) {
  lock_ctx *c = p;
  bm_run_t r;
  if (c->kind == LK_WRT) {
    (void)wrt_mutex_init(c->m, c->f);
    (void)wrt_mutex_set_spin(c->m, c->spin);
    g_real_ops = c->f->ops;
    c->f->ops = &counting_ops;
    atomic_store(&g_futex_calls, 0u);
  }
  uint64_t before = c->counter;
  if (bm_run_threads(c->threads, NULL, lock_body, c, bm_trial_ns(), &r) != 0)
    return 0;
  if (c->kind == LK_WRT) {
    c->f->ops = g_real_ops;
    c->futex_calls += atomic_load(&g_futex_calls);
  }
  if (c->kind != LK_NONE && !c->outside_work && c->counter - before != r.total_ops)
    bm_error("mutex", "lost updates: the lock failed to exclude");
  c->ops += r.total_ops;
  for (unsigned i = 0; i < c->threads; i++)
    c->sleeps += (uint64_t)r.vcsw[i];
  if (c->nworst < BM_MAX_TRIALS) {
    c->worst_cpu[c->nworst] = r.worst_cpu_share;
    c->worst[c->nworst++] = r.worst_share;
  }
  return (double)r.total_ops / ((double)r.elapsed_ns / 1e3); /* ops per us = Mop/s */
}

/* ns per lock+unlock, one thread, fixed work. */
static double uncontended_trial(void *p) {
  lock_ctx *c = p;
  unsigned iters = bm_quick ? 500000u : 2000000u;
  if (c->kind == LK_WRT)
    (void)wrt_mutex_init(c->m, c->f);
  uint64_t t0 = bm_now_ns();
  for (unsigned i = 0; i < iters; i++) {
    do_lock(c);
    c->counter = c->counter + 1u;
    do_unlock(c);
  }
  return (double)(bm_now_ns() - t0) / iters;
}

static pthread_mutex_t g_idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_idle_cond = PTHREAD_COND_INITIALIZER;
static bool g_idle_stop;

/* A thread that only exists (blocked), as a runtime's other threads do. */
static void *idle_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&g_idle_lock);
  while (!g_idle_stop)
    pthread_cond_wait(&g_idle_cond, &g_idle_lock);
  pthread_mutex_unlock(&g_idle_lock);
  return NULL;
}

/* Contenders: pthread, wrt over each futex built in, and (QNX) the same
 * with a larger spin budget, the QNX futex's wait being far dearer; and no
 * lock at all (the same loop, each thread on a counter line of its own),
 * whose worst thread's share is the scheduler's own fairness (and the CPUs'
 * own speeds): the reference for the fairness rows. */
enum { C_PTHREAD, C_LINUX, C_QNX, C_QNX_SPIN, C_NONE, NCONT };
#define QNX_SPIN_BUDGET 16384u
static lock_ctx g_lc[NCONT];
static const char *cont_name(int k) {
  switch (k) {
  case C_PTHREAD: return "pthread_mutex";
  case C_LINUX: return "wrt_mutex (linux futex)";
  case C_QNX: return "wrt_mutex (" QNX_TAG " futex)";
  case C_NONE: return "no lock (the scheduler alone)";
  default: return "wrt_mutex (" QNX_TAG " futex, spin 16384)";
  }
}

static void setup_contenders(const bm_env_t *env, wrt_mutex_t ms[NCONT], bm_contender_t c[NCONT],
                             bm_trial_fn fn) {
  wrt_futex_t *fs[NCONT] = {NULL, env->linux_futex, env->qnx_futex, env->qnx_futex, NULL};
  for (int k = 0; k < NCONT; k++) {
    lock_ctx *l = &g_lc[k];
    memset(l, 0, sizeof *l);
    l->kind = k == C_PTHREAD ? LK_PTHREAD : (k == C_NONE ? LK_NONE : LK_WRT);
    l->m = &ms[k];
    l->f = fs[k];
    l->spin = k == C_QNX_SPIN ? QNX_SPIN_BUDGET : WRT_MUTEX_SPIN_PAUSES;
    pthread_mutex_init(&l->pm, NULL);
    c[k].fn = (k == C_PTHREAD || k == C_NONE || fs[k] != NULL) ? fn : NULL;
    c[k].ctx = l;
  }
}

static void bench_uncontended(const bm_env_t *env) {
  static wrt_mutex_t ms[NCONT];
  bm_contender_t c[NCONT];
  char what[128];
  /* glibc drops the lock prefix of pthread_mutex while the process has one
   * thread (__libc_single_threaded), which no runtime with a second thread
   * gets: so measure both, with no other thread and with one idle thread. */
  for (int alive = 0; alive < 2; alive++) {
    pthread_t idle;
    bm_load_t load;
    if (alive == 1 && pthread_create(&idle, NULL, idle_main, NULL) != 0) {
      bm_error("pthread_create", "failed");
      return;
    }
    setup_contenders(env, ms, c, uncontended_trial);
    c[C_QNX_SPIN].fn = NULL; /* the spin does not matter uncontended */
    c[C_NONE].fn = NULL;
    bm_interleave(c, NCONT, bm_trials(), &load);
    const char *when = alive ? "2nd thread alive" : "1 thread (glibc fast path)";
    for (int k = 0; k < NCONT; k++) {
      if (c[k].fn == NULL)
        continue;
      bm_ratio_t r = bm_ratio(&c[k], &c[C_PTHREAD]);
      snprintf(what, sizeof what, "%s lock+unlock, %s", cont_name(k), when);
      bm_row(what, c[k].s, "ns", k == C_PTHREAD ? NULL : "time vs pthread", &r);
      if (k == C_LINUX && alive)
        bm_target("uncontended mutex <= 1.0x pthread, 2nd thread alive", r.ratio, true, 1.0,
                  &load);
    }
    if (alive == 1) {
      pthread_mutex_lock(&g_idle_lock);
      g_idle_stop = true;
      pthread_cond_signal(&g_idle_cond);
      pthread_mutex_unlock(&g_idle_lock);
      pthread_join(idle, NULL);
    }
  }
}

static void bench_contended(const bm_env_t *env, unsigned threads, bool outside_work) {
  static wrt_mutex_t ms[NCONT];
  bm_contender_t c[NCONT];
  bm_load_t load;
  char what[160], text[160];
  const char *wl = outside_work ? "work outside the lock" : "tight loop";
  snprintf(what, sizeof what, "mutex: %u threads, %s", threads, wl);
  bm_progress(what);
  setup_contenders(env, ms, c, lock_trial);
  for (int k = 0; k < NCONT; k++) {
    g_lc[k].threads = threads;
    g_lc[k].outside_work = outside_work;
  }
  bm_interleave(c, NCONT, bm_trials(), &load);
  double p9999_pthread = 0;
  for (int k = 0; k < NCONT; k++) {
    lock_ctx *l = &g_lc[k];
    if (c[k].fn == NULL)
      continue;
    bm_stats_t worst_cpu = bm_stats(l->worst_cpu, l->nworst);
    if (k == C_NONE) {
      bm_stats_t none = bm_stats(l->worst, l->nworst);
      snprintf(what, sizeof what, "%s, %u thr: worst thread's share", cont_name(k), threads);
      snprintf(text, sizeof text, "the scheduler's own; lowest CPU share %.2f", worst_cpu.median);
      bm_row_text(what, none.median, "", text);
      continue;
    }
    bm_ratio_t r = bm_ratio(&c[k], &c[C_PTHREAD]);
    snprintf(what, sizeof what, "%s, %u thr, %s", cont_name(k), threads, wl);
    bm_row(what, c[k].s, "Mop/s", k == C_PTHREAD ? NULL : "throughput vs pthread", &r);
    double per1k = l->ops != 0u ? 1000.0 / (double)l->ops : 0;
    bm_stats_t worst = bm_stats(l->worst, l->nworst);
    if (l->kind == LK_WRT)
      snprintf(text, sizeof text, "futex calls %.2f/1k ops, sleeps %.2f/1k; lowest CPU share %.2f",
               (double)l->futex_calls * per1k, (double)l->sleeps * per1k, worst_cpu.median);
    else
      snprintf(text, sizeof text, "sleeps %.2f/1k ops; lowest CPU share %.2f",
               (double)l->sleeps * per1k, worst_cpu.median);
    snprintf(what, sizeof what, "  worst thread's share of fair (median of trials)");
    bm_row_text(what, worst.median, "", text);
    if (k == C_LINUX) {
      snprintf(text, sizeof text, "%u threads, %s: worst thread >= 0.8 of fair share", threads,
               wl);
      bm_target(text, worst.median, false, 0.8, &load);
      if (!outside_work) {
        snprintf(text, sizeof text, "contended throughput, %u threads >= 1.5x pthread",
                 threads);
        bm_target(text, r.ratio, false, 1.5, &load);
      }
    }
    if (outside_work) {
      uint64_t h[HBUCKETS];
      memset(h, 0, sizeof h);
      for (unsigned t = 0; t < threads; t++)
        for (unsigned b = 0; b < HBUCKETS; b++)
          h[b] += l->hist[t][b];
      double p99 = hpercentile(h, 99.0), p9999 = hpercentile(h, 99.99);
      if (k == C_PTHREAD)
        p9999_pthread = p9999;
      snprintf(text, sizeof text, "p99.99 %.4g us (pthread %.4g)", p9999 / 1e3,
               p9999_pthread / 1e3);
      bm_row_text("  lock wait p99 (all trials; bucket upper bound, us)", p99 / 1e3, "us",
                  text);
      if (k == C_LINUX && p9999_pthread > 0) {
        snprintf(text, sizeof text, "%u threads: wait p99.99 <= pthread's (ratio)", threads);
        bm_target(text, p9999 / p9999_pthread, true, 1.0, &load);
      }
    }
  }
}

static void bench_mutex(const bm_env_t *env) {
  bm_progress("mutex: uncontended vs pthread_mutex");
  bench_uncontended(env);
  static const unsigned nt[3] = {2, 4, 8};
  for (int i = 0; i < 3; i++) {
    bench_contended(env, nt[i], false);
    bench_contended(env, nt[i], true);
  }
}

/* --- futex wake-to-running latency --------------------------------------------- */

/* Ping-pong on one futex word: the waker sets 2r+1 and wakes; the waiter,
 * woken, stamps the time and sets 2r+2 and wakes the waker, who sleeps in
 * the futex until then (so the two can share one CPU). Before each round
 * the waker sleeps 50 us so that the waiter is blocked in the kernel. */
typedef struct {
  wrt_futex_t *f;
  int waiter_cpu, waker_cpu;
  unsigned rounds;
  _Atomic uint64_t sent;
  double lat[4096]; /* this trial's latencies, us */
  double pooled[65536];
  unsigned npooled;
} wake_ctx;

static void *wake_waiter(void *p) {
  wake_ctx *a = p;
  if (a->waiter_cpu >= 0)
    (void)bm_pin_self(a->waiter_cpu);
  for (unsigned r = 0; r < a->rounds; r++) {
    uint32_t want = 2u * r + 1u;
    while (wrt_futex_load(a->f) != want)
      (void)wrt_futex_wait(a->f, 2u * r, WRT_WAIT_FOREVER);
    uint64_t t = bm_now_ns();
    a->lat[r] = (double)(t - atomic_load(&a->sent)) / 1000.0;
    wrt_futex_set(a->f, 2u * r + 2u);
    (void)wrt_futex_wake_one(a->f);
  }
  return NULL;
}

/* One trial: the p50 of its rounds (us); all rounds pooled for p99. */
static double wake_trial(void *p) {
  wake_ctx *a = p;
  pthread_t t;
  wrt_futex_set(a->f, 0);
  if (pthread_create(&t, NULL, wake_waiter, a) != 0) {
    bm_error("pthread_create", "failed");
    return 0;
  }
  if (a->waker_cpu >= 0)
    (void)bm_pin_self(a->waker_cpu);
  for (unsigned r = 0; r < a->rounds; r++) {
    struct timespec ts = {0, 50000};
    nanosleep(&ts, NULL);
    atomic_store(&a->sent, bm_now_ns());
    wrt_futex_set(a->f, 2u * r + 1u);
    (void)wrt_futex_wake_one(a->f);
    while (wrt_futex_load(a->f) != 2u * r + 2u)
      (void)wrt_futex_wait(a->f, 2u * r + 1u, WRT_WAIT_FOREVER);
  }
  pthread_join(t, NULL);
  for (unsigned r = 0; r < a->rounds && a->npooled < 65536u; r++)
    a->pooled[a->npooled++] = a->lat[r];
  /* Unpin the main thread again (all CPUs). */
#if defined(__linux__)
  cpu_set_t all;
  CPU_ZERO(&all);
  for (unsigned i = 0; i < bm_cpus() && i < CPU_SETSIZE; i++)
    CPU_SET(i, &all);
  (void)pthread_setaffinity_np(pthread_self(), sizeof all, &all);
#endif
  return bm_percentile(a->lat, a->rounds, 50);
}

static void bench_wake(const bm_env_t *env) {
  static wake_ctx ctx[2];
  wrt_futex_t *fs[2] = {env->linux_futex, env->qnx_futex};
  const char *names[2] = {"linux futex", QNX_TAG " futex"};
  char what[128];
  for (int place = 0; place < 2; place++) {
    if (place == 1 && bm_cpus() < 2) {
      bm_row_text("futex wake latency, other CPU", 0, "", "skipped: one CPU");
      continue;
    }
    bm_progress(place == 0 ? "futex wake latency, same CPU" : "futex wake latency, other CPU");
    bm_contender_t c[2];
    bm_load_t load;
    for (int k = 0; k < 2; k++) {
      wake_ctx *a = &ctx[k];
      a->f = fs[k];
      a->waker_cpu = 0;
      a->waiter_cpu = place == 0 ? 0 : 1;
      a->rounds = bm_quick ? 100u : 300u;
      a->npooled = 0;
      c[k].fn = fs[k] != NULL ? wake_trial : NULL;
      c[k].ctx = a;
    }
    bm_interleave(c, 2, bm_trials(), &load);
    for (int k = 0; k < 2; k++) {
      if (c[k].fn == NULL)
        continue;
      wake_ctx *a = &ctx[k];
      double p99 = bm_percentile(a->pooled, a->npooled, 99);
      char text[64];
      snprintf(text, sizeof text, "p99 %.4g us (all rounds)", p99);
      snprintf(what, sizeof what, "futex wake-to-running p50, %s, %s", place == 0 ? "same CPU" : "other CPU", names[k]);
      bm_row(what, c[k].s, "us", NULL, NULL);
      bm_row_text("  (pinned: waker CPU 0)", p99, "us", text);
    }
  }
}

/* --- the command ---------------------------------------------------------------------- */

static int usage(FILE *out, int code) {
  fprintf(out,
          "usage: wrtp bench [--quick] [--busy-limit CPUS] [--trial-ms MS] [SECTION...]\n"
          "\n"
          "Measures the library against its peers in one run and prints a markdown\n"
          "table (median and IQR of interleaved trials; ratios as the ratio of medians\n"
          "with the paired per-trial ratios' IQR), then each target as met / MISSED,\n"
          "or 'not judged: machine busy' when other processes took more than %.2f CPU\n"
          "while it was measured (read from /proc/stat; --busy-limit changes that\n"
          "threshold). --trial-ms sets each timed trial's duration (10..60000 ms;\n"
          "default 1000, --quick 50). Sections (default: all):\n",
          BM_BUSY_LIMIT);
  for (size_t i = 0; i < NSECTIONS; i++)
    fprintf(out, "  %-10s %s\n", sections[i].name, sections[i].help);
  fprintf(out,
          "Figures over the QNX futex are on the Neutrino host model ('" QNX_TAG "'), not QNX.\n"
          "Progress goes to stderr. Takes about ten minutes (--quick: shorter, fewer trials,\n"
          "never judged). Exits 0 even when a target is missed, 2 on errors.\n");
  return code;
}

int wrtp_bench(int argc, char **argv) {
  bool want[NSECTIONS];
  bool any = false;
  memset(want, 0, sizeof want);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return usage(stdout, 0);
    if (strcmp(argv[i], "--quick") == 0) {
      bm_quick = true;
      continue;
    }
    if (strcmp(argv[i], "--busy-limit") == 0 && i + 1 < argc) {
      char *end = NULL;
      bm_busy_limit = strtod(argv[++i], &end);
      if (end == NULL || *end != '\0' || !(bm_busy_limit >= 0))
        return usage(stderr, 2);
      continue;
    }
    if (strcmp(argv[i], "--trial-ms") == 0 && i + 1 < argc) {
      char *end = NULL;
      unsigned long ms = strtoul(argv[++i], &end, 10);
      if (end == NULL || *end != '\0' || ms < 10u || ms > 60000u)
        return usage(stderr, 2);
      bm_trial_ns_set = (uint64_t)ms * 1000000u;
      continue;
    }
    size_t k = 0;
    while (k < NSECTIONS && strcmp(argv[i], sections[k].name) != 0)
      k++;
    if (k == NSECTIONS)
      return usage(stderr, 2);
    want[k] = true;
    any = true;
  }
  uint64_t t0 = bm_now_ns();
  bm_env_t env = {NULL, NULL, QNX_TAG};
#if defined(__linux__)
  static _Alignas(64) wrt_linux_futex_t lfx;
  if (wrt_linux_futex_init(&lfx, 0) == WRT_OK)
    env.linux_futex = wrt_linux_futex_base(&lfx);
#endif
#if defined(HAVE_QNX_SYNC)
  static _Alignas(64) wrt_qnx_futex_t qfx;
  wrt_qnx_futex_config_t qc = wrt_qnx_futex_config_default();
  if (wrt_qnx_futex_init(&qfx, &qc) == WRT_OK)
    env.qnx_futex = wrt_qnx_futex_base(&qfx);
#endif
  if (env.linux_futex == NULL && env.qnx_futex == NULL) {
    fprintf(stderr, "bench: no futex backend\n");
    return 2;
  }
  bm_load_t whole;
  bm_load_begin(&whole);
  double nspc = bm_ns_per_cycle();
  printf("wrtp bench%s: %u CPUs, core clock ~%.2f GHz (measured), %u interleaved trials of\n"
         "%.0f ms per timed figure; '%s' figures are on the Neutrino host model (Linux\n"
         "threads), not a QNX kernel.\n\n",
         bm_quick ? " --quick" : "", bm_cpus(), nspc > 0 ? 1.0 / nspc : 0.0, bm_trials(),
         (double)bm_trial_ns() / 1e6, QNX_TAG);
  bm_print_cpu(); /* bench_cpu.c: family / model, CRC-32C tier */
  bm_header();
  for (size_t k = 0; k < NSECTIONS; k++)
    if (!any || want[k])
      sections[k].run(&env);
  bm_load_end(&whole);
  bm_print_targets();
  if (whole.others_cpus >= 0)
    printf("bench: %.1f s; other processes took %.2f CPU on average during the run%s\n",
           (double)(bm_now_ns() - t0) / 1e9, whole.others_cpus,
           whole.others_cpus > bm_busy_limit ? " (BUSY: figures disturbed)" : "");
  else
    printf("bench: %.1f s; the machine's load is unknown here\n", (double)(bm_now_ns() - t0) / 1e9);
  if (bm_errors != 0)
    printf("bench: ERRORS (see stderr)\n");
#if defined(HAVE_QNX_SYNC)
  wrt_qnx_futex_destroy(&qfx);
#endif
#if defined(__linux__)
  wrt_linux_futex_destroy(&lfx);
#endif
  return bm_errors != 0 ? 2 : 0;
}
