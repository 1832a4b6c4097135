/*
 * bench_qnx_calls.c - the `wrtp bench qnxcalls` section: kernel calls per blocking wait of
 * the QNX futex, counted by the Neutrino host model (nto_sim_calls), in the
 * steady state (the waiting thread already has its parker) and for a
 * thread's first wait. Counts, not times: they do not depend on the load of
 * the machine. On a real QNX kernel there are no per-call counters: the
 * function says so and prints nothing else. May include: the public
 * headers, POSIX threads, nto_sim.h on the host model only.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <stdio.h>

#include "bench_method.h"

#if !(defined(__QNX__) || defined(__QNXNTO__)) && defined(WRTP_HAVE_QNX_MODEL) && defined(__has_include)
#if __has_include("wrt/qnx_sync.h")
#define HAVE_QNX_CALL_COUNTS 1
#endif
#endif

#if defined(HAVE_QNX_CALL_COUNTS)
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "nto_sim.h"
#include "wrt/qnx_sync.h"

typedef struct {
  wrt_futex_t *f;
  uint64_t timeout;
  int warm; /* 1: make the parker with a first wait before counting */
  _Atomic int phase; /* 1 ready, 2 go, 3 waited, 4 may exit */
  wrt_status st;
} bqc_waiter_t;

static void *bqc_main(void *arg) {
  bqc_waiter_t *w = arg;
  if (w->warm) {
    (void)wrt_futex_wait(w->f, 0, 1000000u);
  }
  atomic_store(&w->phase, 1);
  while (atomic_load(&w->phase) != 2) {
    sched_yield();
  }
  w->st = wrt_futex_wait(w->f, 0, w->timeout);
  atomic_store(&w->phase, 3);
  while (atomic_load(&w->phase) != 4) {
    sched_yield();
  }
  return NULL;
}

/* Counts the calls of one wait woken by one wake; -1 on an error. */
static int bqc_count(wrt_qnx_wake_order order, int timed, int warm, unsigned *waiter,
                     unsigned *waker) {
  static wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  c.wake_order = order;
  if (wrt_qnx_futex_init(&f, &c) != WRT_OK) {
    return -1;
  }
  bqc_waiter_t w;
  memset(&w, 0, sizeof w);
  w.f = wrt_qnx_futex_base(&f);
  w.timeout = timed ? 60000000000ull : WRT_WAIT_FOREVER;
  w.warm = warm;
  pthread_t t;
  if (pthread_create(&t, NULL, bqc_main, &w) != 0) {
    wrt_qnx_futex_destroy(&f);
    return -1;
  }
  while (atomic_load(&w.phase) != 1) {
    sched_yield();
  }
  unsigned before[NTO_SIM_CALL_COUNT];
  for (int k = 0; k < NTO_SIM_CALL_COUNT; k++) {
    before[k] = nto_sim_calls((nto_sim_call)k);
  }
  unsigned blocked0 = nto_sim_blocked_receivers_total();
  atomic_store(&w.phase, 2);
  while (nto_sim_blocked_receivers_total() <= blocked0) {
    sched_yield();
  }
  wrt_status ws = wrt_futex_wake_one(w.f);
  while (atomic_load(&w.phase) != 3) {
    sched_yield();
  }
  *waiter = 0u;
  *waker = 0u;
  for (int k = 0; k < NTO_SIM_CALL_COUNT; k++) {
    unsigned d = nto_sim_calls((nto_sim_call)k) - before[k];
    if (k == NTO_SIM_CALL_MSG_SEND_PULSE) {
      *waker += d;
    } else {
      *waiter += d;
    }
  }
  atomic_store(&w.phase, 4);
  (void)pthread_join(t, NULL);
  wrt_qnx_futex_destroy(&f);
  return ws == WRT_OK && w.st == WRT_OK ? 0 : -1;
}

void bench_qnx_calls(const bm_env_t *env) {
  (void)env;
  printf("\nQNX futex: kernel calls per blocking wait woken by one wake (Neutrino host\n"
         "model counters; target <= 2, 3 in priority order, timed, steady state):\n");
  for (int warm = 1; warm >= 0; warm--) {
    for (int o = 0; o < 2; o++) {
      for (int timed = 1; timed >= 0; timed--) {
        unsigned waiter = 0u, waker = 0u;
        if (bqc_count(o == 0 ? WRT_QNX_WAKE_PRIORITY : WRT_QNX_WAKE_FIFO, timed, warm, &waiter,
                      &waker) != 0) {
          bm_error("qnxcalls", "a counted wait or wake failed");
          continue;
        }
        printf("  %-17s %-8s %-7s: %u in the waiter, %u in the waker\n",
               warm ? "steady state" : "thread's 1st wait", o == 0 ? "priority" : "FIFO",
               timed ? "timed" : "untimed", waiter, waker);
      }
    }
  }
}

#else
void bench_qnx_calls(const bm_env_t *env) {
  (void)env;
  printf("\nQNX futex kernel calls per wait: counted only on the Neutrino host model\n");
}
#endif
