/*
 * test_qnx_parker_exit.c - an exiting thread releases its parker's channel
 * and connection, whatever other threads do while it exits (Neutrino host
 * model, not QNX).
 *
 * Why a test of its own: under qemu-aarch64, test_qnx_futex_forged's
 * forged_pulses_racing_a_real_wake once ended with a channel still live.
 * The cause was the host model: it forgot an exiting thread in its own
 * thread-specific-data destructor, which runs before the parker's (pthread
 * keys' destructors run in the order the keys were made, and the model's
 * key is made at the first kernel call of the process). A thread starting
 * in that window (there: the flood thread, acting as another process) took
 * over the forgotten entry, so the parker's ChannelDestroy ran as a thread
 * of that other process, found no such channel (EINVAL), and the channel
 * leaked. On QNX a thread is the kernel's until it is gone, its last
 * destructors included.
 *
 * Here the window is made every time: a key of this test, made after the
 * model's and before the parker's, has a destructor that runs between the
 * two; in it, the exiting thread lets a new thread make its first kernel
 * call, as another process, and waits until it has. Each key is made once
 * per process and in that order, so this file holds this one test and
 * makes its key before any parker exists.
 *
 * Test code: cmocka, pthreads, the model's test controls, the QNX futex.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "wrt/qnx_sync.h"

#define ROUNDS 20
#define MS 1000000ull

static pthread_key_t g_between_key;
static int g_other_pid;

/* The newcomer: its first kernel call (acting as the other process) lands
 * while the exiting thread is between the model's destructor and the
 * parker's. */
static _Atomic int g_go, g_newcomer_in, g_newcomer_stop;
static int g_newcomer_result; /* nto_sim_set_thread_process's, read after join */

static void *newcomer_main(void *arg) {
  (void)arg;
  while (!atomic_load(&g_go))
    sched_yield();
  g_newcomer_result = nto_sim_set_thread_process(g_other_pid);
  atomic_store(&g_newcomer_in, 1);
  while (!atomic_load(&g_newcomer_stop))
    sched_yield();
  return NULL;
}

static void between_destructors(void *value) {
  (void)value;
  atomic_store(&g_go, 1);
  while (!atomic_load(&g_newcomer_in))
    sched_yield();
}

typedef struct {
  wrt_qnx_futex_t *f;
  int key_set; /* pthread_setspecific's result */
  wrt_status status;
} waiter_t;

/* Waits once (the wait makes the thread's parker: a channel and a
 * connection), then exits through the destructors. */
static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  w->key_set = pthread_setspecific(g_between_key, w);
  w->status = wrt_futex_wait(&w->f->base, 0u, 1u * MS); /* times out */
  return NULL;
}

static void exiting_thread_releases_its_channel(void **state) {
  (void)state;
  for (int round = 0; round < ROUNDS; round++) {
    wrt_qnx_futex_t f;
    waiter_t w;
    pthread_t wt, nt;
    memset(&f, 0, sizeof f);
    wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
    assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK);
    w.f = &f;
    atomic_store(&g_go, 0);
    atomic_store(&g_newcomer_in, 0);
    atomic_store(&g_newcomer_stop, 0);
    assert_int_equal(pthread_create(&nt, NULL, newcomer_main, NULL), 0);
    assert_int_equal(pthread_create(&wt, NULL, waiter_main, &w), 0);
    assert_int_equal(pthread_join(wt, NULL), 0);
    assert_int_equal(w.key_set, 0);
    assert_int_equal(w.status, WRT_E_TIMEOUT);
    /* The waiter is gone, its destructors all run: nothing of it is live,
     * while the newcomer (another process now) still is. */
    assert_int_equal(nto_sim_live_channels(), 0);
    assert_int_equal(nto_sim_live_connections(), 0);
    atomic_store(&g_newcomer_stop, 1);
    assert_int_equal(pthread_join(nt, NULL), 0);
    assert_int_equal(g_newcomer_result, 0);
    wrt_qnx_futex_destroy(&f);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exiting_thread_releases_its_channel),
  };
  /* The model's key first (its first call), then this test's; the parker's
   * comes at the first wait. */
  nto_sim_reset();
  g_other_pid = nto_sim_process_create();
  if (g_other_pid <= 0 || pthread_key_create(&g_between_key, between_destructors) != 0)
    return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
