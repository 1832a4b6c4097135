/*
 * bench_wait.c - the `wrtp bench wait` section: the wait table
 * (wrt/wait_table.h) against its peers, by the shared method of
 * bench_method.h (interleaved trials, medians, IQR, paired ratios).
 *  - ping-pong round trip, two threads passing a turn word: the wait table
 *    on the Linux backend vs the same ping-pong on raw FUTEX_WAIT /
 *    FUTEX_WAKE (target <= 1.2x); on the QNX backend (the Neutrino host
 *    model off QNX: a figure of the model, not of QNX) vs the QNX futex;
 *  - notify with no waiter vs an uncontended wrt_mutex lock+unlock on the
 *    Linux futex (target <= 2x).
 * May include: the public headers, bench_method.h, POSIX, Linux futex.
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
#include <string.h>

#include "bench_method.h"
#include "wrt/mutex.h"
#include "wrt/sync.h"
#include "wrt/wait_table.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wrt/linux_sync.h"
#endif
#if defined(WRTP_HAVE_QNX_WAIT) && (defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL))
#include "wrt/qnx_sync.h"
#define BW_HAVE_QNX 1
#endif

void bench_wait(const bm_env_t *env);

typedef enum { PP_TABLE, PP_RAW_FUTEX, PP_WRT_FUTEX } pp_kind;

typedef struct {
  pp_kind kind;
  wrt_wait_table_t *table;
  wrt_futex_t *futex; /* PP_WRT_FUTEX */
  _Atomic uint32_t turn;
  _Atomic int go;
  unsigned rounds;
  int errors;
} pp_ctx;

static void pp_wait(pp_ctx *c, uint32_t other) {
  switch (c->kind) {
  case PP_TABLE: {
    wrt_status st = wrt_wait_table_wait32(c->table, (const void *)&c->turn, other,
                                          WRT_WAIT_FOREVER);
    if (st != WRT_OK && st != WRT_E_AGAIN) {
      c->errors++;
    }
    break;
  }
  case PP_RAW_FUTEX:
#if defined(__linux__)
    (void)syscall(SYS_futex, (uint32_t *)&c->turn, FUTEX_WAIT_PRIVATE, other, NULL, NULL, 0);
#endif
    break;
  case PP_WRT_FUTEX:
    (void)wrt_futex_wait(c->futex, other, WRT_WAIT_FOREVER);
    break;
  }
}

static void pp_pass(pp_ctx *c, uint32_t to) {
  if (c->kind == PP_WRT_FUTEX) {
    wrt_futex_set(c->futex, to);
    if (wrt_futex_wake_one(c->futex) != WRT_OK) {
      c->errors++;
    }
    return;
  }
  atomic_store(&c->turn, to);
  if (c->kind == PP_TABLE) {
    uint32_t woken = 0u;
    if (wrt_wait_table_notify(c->table, (const void *)&c->turn, 1u, &woken) != WRT_OK) {
      c->errors++;
    }
  } else {
#if defined(__linux__)
    (void)syscall(SYS_futex, (uint32_t *)&c->turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
#endif
  }
}

static uint32_t pp_load(pp_ctx *c) {
  return c->kind == PP_WRT_FUTEX ? wrt_futex_load(c->futex) : atomic_load(&c->turn);
}

static void pp_side(pp_ctx *c, uint32_t me) {
  for (unsigned r = 0; r < c->rounds; r++) {
    uint32_t v;
    while ((v = pp_load(c)) != me) {
      pp_wait(c, v);
    }
    pp_pass(c, 1u - me);
  }
}

static void *pp_partner(void *arg) {
  pp_ctx *c = arg;
  while (!atomic_load(&c->go)) {
  }
  pp_side(c, 1u);
  return NULL;
}

/* ns per round trip (two hand-overs). */
static double pp_trial(void *arg) {
  pp_ctx *c = arg;
  atomic_store(&c->turn, 0u);
  if (c->kind == PP_WRT_FUTEX) {
    wrt_futex_set(c->futex, 0u);
  }
  atomic_store(&c->go, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, pp_partner, c) != 0) {
    bm_error("wait ping-pong", "pthread_create failed");
    return 0.0;
  }
  uint64_t t0 = bm_now_ns();
  atomic_store(&c->go, 1);
  pp_side(c, 0u);
  pthread_join(t, NULL);
  uint64_t ns = bm_now_ns() - t0;
  if (c->errors != 0) {
    bm_error("wait ping-pong", "a wait or notify failed");
    c->errors = 0;
  }
  return (double)ns / (double)c->rounds;
}

#if defined(__linux__) /* the notify-without-waiters row: Linux only */
typedef struct {
  wrt_wait_table_t *table;
  wrt_mutex_t *m;
  unsigned iters;
  uint32_t word;
} fast_ctx;

static double notify_trial(void *arg) {
  fast_ctx *c = arg;
  uint32_t woken = 0u;
  uint64_t t0 = bm_now_ns();
  for (unsigned i = 0; i < c->iters; i++) {
    (void)wrt_wait_table_notify(c->table, &c->word, 1u, &woken);
  }
  return (double)(bm_now_ns() - t0) / (double)c->iters;
}

static double lock_unlock_trial(void *arg) {
  fast_ctx *c = arg;
  uint64_t t0 = bm_now_ns();
  for (unsigned i = 0; i < c->iters; i++) {
    (void)wrt_mutex_lock(c->m);
    (void)wrt_mutex_unlock(c->m);
  }
  return (double)(bm_now_ns() - t0) / (double)c->iters;
}
#endif

static void ping_pong(const char *what_table, const char *what_peer, pp_ctx *a, pp_ctx *b,
                      const char *target) {
  bm_progress(what_table);
  bm_contender_t c[2];
  memset(c, 0, sizeof c);
  c[0].fn = pp_trial;
  c[0].ctx = a;
  c[1].fn = pp_trial;
  c[1].ctx = b;
  bm_load_t load;
  bm_interleave(c, 2, bm_trials(), &load);
  bm_ratio_t r = bm_ratio(&c[0], &c[1]);
  bm_row(what_peer, c[1].s, "ns", NULL, NULL);
  bm_row(what_table, c[0].s, "ns", "time vs peer", &r);
  if (target != NULL) {
    bm_target(target, r.ratio, true, 1.2, &load);
  }
}

void bench_wait(const bm_env_t *env) {
  static wrt_wait_bucket_t buckets[64];
  static wrt_wait_table_t table;
  static pp_ctx a, b;
  unsigned rounds = bm_quick ? 300u : 2000u;
#if defined(__linux__)
  memset(&table, 0, sizeof table);
  if (wrt_wait_table_init(&table, buckets, 64u, wrt_linux_wait_backend()) != WRT_OK) {
    bm_error("wait", "wait table init failed");
    return;
  }
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.kind = PP_TABLE;
  a.table = &table;
  a.rounds = rounds;
  b.kind = PP_RAW_FUTEX;
  b.rounds = rounds;
  ping_pong("wait table ping-pong round trip, linux", "raw FUTEX_WAIT/WAKE ping-pong round trip",
            &a, &b, "wait table ping-pong <= 1.2x raw futex (linux)");

  /* notify with no waiter vs an uncontended lock+unlock */
  if (env->linux_futex != NULL) {
    static wrt_mutex_t m;
    static fast_ctx f;
    memset(&f, 0, sizeof f);
    f.table = &table;
    f.m = &m;
    f.iters = bm_quick ? 500000u : 2000000u;
    if (wrt_mutex_init(&m, env->linux_futex) != WRT_OK) {
      bm_error("wait", "mutex init failed");
    } else {
      bm_progress("notify without waiters");
      bm_contender_t c[2];
      memset(c, 0, sizeof c);
      c[0].fn = notify_trial;
      c[0].ctx = &f;
      c[1].fn = lock_unlock_trial;
      c[1].ctx = &f;
      bm_load_t load;
      bm_interleave(c, 2, bm_trials(), &load);
      bm_ratio_t r = bm_ratio(&c[0], &c[1]);
      bm_row("wrt_mutex lock+unlock, uncontended (linux futex)", c[1].s, "ns", NULL, NULL);
      bm_row("wait table notify, no waiter (linux)", c[0].s, "ns", "time vs lock+unlock", &r);
      bm_target("notify without waiters <= 2x uncontended lock+unlock", r.ratio, true, 2.0,
                &load);
    }
  }
  (void)wrt_wait_table_destroy(&table);
#endif
#if defined(BW_HAVE_QNX)
  if (env->qnx_futex != NULL) {
    memset(&table, 0, sizeof table);
    if (wrt_wait_table_init(&table, buckets, 64u, wrt_qnx_wait_backend()) != WRT_OK) {
      bm_error("wait", "QNX wait table init failed");
      return;
    }
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.kind = PP_TABLE;
    a.table = &table;
    a.rounds = rounds;
    b.kind = PP_WRT_FUTEX;
    b.futex = env->qnx_futex;
    b.rounds = rounds;
    char what_t[96], what_p[96];
    snprintf(what_t, sizeof what_t, "wait table ping-pong round trip, %s", env->qnx_tag);
    snprintf(what_p, sizeof what_p, "wrt futex ping-pong round trip, %s", env->qnx_tag);
    ping_pong(what_t, what_p, &a, &b, NULL);
    (void)wrt_wait_table_destroy(&table);
  }
#else
  (void)env;
#endif
}
