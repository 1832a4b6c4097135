/* test_mutex_backend_errors.c - what the mutex and the provider report when
 * the futex backend under them fails: the backend's status, and nothing
 * half done. A scripted single-threaded futex stands in for a contended one,
 * so every path is reached deterministically. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wrt/atomic_memory.h"
#include "wrt/mutex.h"

/* What the next wait / wake returns, and what wait leaves in the word's
 * held bits (as another thread would have; the requests and their bypass
 * count in the bits above stay: other threads never remove this one's). */
static wrt_status g_wait_status, g_wake_status;
static uint32_t g_word_after_wait;
static unsigned g_waits, g_wakes;
static uint32_t g_word_at_wait; /* what the word said when wait was called */
static bool g_replace_word;     /* wait stores g_word_after_wait whole */

static wrt_status stub_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  (void)expected;
  (void)timeout_ns;
  g_waits++;
  g_word_at_wait = atomic_load(&self->value);
  atomic_store(&self->value,
               g_replace_word ? g_word_after_wait : ((g_word_at_wait & ~3u) | g_word_after_wait));
  return g_wait_status;
}

static wrt_status stub_wake(wrt_futex_t *self, uint32_t count) {
  (void)self;
  (void)count;
  g_wakes++;
  return g_wake_status;
}

static const wrt_futex_ops_t stub_ops = {stub_wait, stub_wake};

/* The word (mutex.c): held bits, a count of passes (bits 2-6), PARKED (bit
 * 7: a thread sleeps on the free word for the askers), a count of the
 * waiters that asked (bits 8-31). */
enum { UNLOCKED = 0, LOCKED = 1, CONTENDED = 2, PASS = 4, PARKED = 0x80, ASKER = 0x100 };
#define K ((uint32_t)WRT_MUTEX_BYPASS_MAX)

static void reset(wrt_futex_t *f, wrt_mutex_t *m) {
  f->ops = &stub_ops;
  assert_int_equal(wrt_mutex_init(m, f), WRT_OK);
  g_wait_status = WRT_OK;
  g_wake_status = WRT_OK;
  g_word_after_wait = CONTENDED;
  g_replace_word = false;
  g_waits = g_wakes = 0;
}

static void lock_reports_a_failing_wait(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  /* held and contended: no spinning, straight to the wait, which fails */
  atomic_store(&f.value, CONTENDED);
  g_wait_status = WRT_E_OS;
  assert_int_equal(wrt_mutex_lock(&m), WRT_E_OS);
  assert_int_equal(g_waits, 1);
  assert_int_equal(wrt_mutex_lock_timeout(&m, 1000000000u), WRT_E_OS);
  assert_int_equal(wrt_mutex_lock_timeout(&m, WRT_WAIT_FOREVER), WRT_E_OS);
  assert_int_equal(g_waits, 3);
  /* held by "someone else" still: the word says contended */
  assert_int_equal(atomic_load(&f.value), CONTENDED);
}

static void lock_retries_after_ok_again_and_timeout(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  static const wrt_status benign[] = {WRT_OK, WRT_E_AGAIN, WRT_E_TIMEOUT};
  for (size_t i = 0; i < sizeof benign / sizeof benign[0]; i++) {
    reset(&f, &m);
    atomic_store(&f.value, CONTENDED);
    g_wait_status = benign[i];
    g_word_after_wait = UNLOCKED; /* the holder let go while we slept */
    assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
    assert_int_equal(g_waits, 1);
    assert_int_equal(atomic_load(&f.value), CONTENDED); /* may have waiters */
    assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
    assert_int_equal(g_wakes, 1);
  }
}

/* Held but not marked: lock spins (reading only), marks the word contended
 * just before it sleeps, and, woken, takes the lock as contended (it may
 * have consumed a wake another sleeper needs from its unlock). */
static void lock_marks_contended_only_to_sleep(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  atomic_store(&f.value, LOCKED);
  g_word_after_wait = UNLOCKED;
  assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
  assert_int_equal(g_waits, 1);
  /* the budget outlasts the handoff threshold: it asked before it slept */
  assert_int_equal(g_word_at_wait, CONTENDED | ASKER);
  assert_int_equal(atomic_load(&f.value), CONTENDED);
  assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
  assert_int_equal(g_wakes, 1);
  /* Free when the spin looks: taken as LOCKED, no futex call at all. */
  assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
  assert_int_equal(atomic_load(&f.value), LOCKED);
  assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
  assert_int_equal(g_waits, 1);
  assert_int_equal(g_wakes, 1);
  /* A budget of 0 sleeps at once; the same protocol otherwise. */
  assert_int_equal(wrt_mutex_set_spin(&m, 0u), WRT_OK);
  atomic_store(&f.value, LOCKED);
  assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
  assert_int_equal(g_waits, 2);
  assert_int_equal(g_word_at_wait, CONTENDED);
  assert_int_equal(wrt_mutex_set_spin(NULL, 1u), WRT_E_INVALID_ARG);
}

/* A waiter that leaves with the backend's error may have consumed the wake
 * another sleeper needed: it marks a held lock contended (so the holder's
 * unlock wakes someone) or, if the lock is free, wakes one itself. */
static void failing_waiter_passes_its_wake_on(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  atomic_store(&f.value, CONTENDED);
  g_wait_status = WRT_E_OS;
  g_word_after_wait = LOCKED; /* taken meanwhile by a thread that did not contend */
  assert_int_equal(wrt_mutex_lock(&m), WRT_E_OS);
  assert_int_equal(atomic_load(&f.value), CONTENDED);
  assert_int_equal(g_wakes, 0);
  atomic_store(&f.value, CONTENDED);
  g_word_after_wait = UNLOCKED; /* released meanwhile */
  assert_int_equal(wrt_mutex_lock(&m), WRT_E_OS);
  assert_int_equal(atomic_load(&f.value), UNLOCKED);
  assert_int_equal(g_wakes, 1);
}

static void timed_lock_gives_up_at_the_deadline(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  atomic_store(&f.value, CONTENDED);
  g_wait_status = WRT_E_TIMEOUT; /* the backend slept the whole timeout */
  assert_int_equal(wrt_mutex_lock_timeout(&m, 5000000u), WRT_E_TIMEOUT);
  assert_true(g_waits >= 1);
  assert_int_equal(atomic_load(&f.value), CONTENDED); /* still the holder's */
  assert_int_equal(wrt_mutex_lock_timeout(&m, 0), WRT_E_TIMEOUT);
}

/* The requests (mutex.h, "The bound"): a free word some waiter asked for
 * is not taken by lock's fast path; a thread that has not asked may take
 * it (trylock, lock_timeout(0), lock after its first step) at most
 * WRT_MUTEX_BYPASS_MAX times in a row, each counted, and is refused after
 * (the lock is free but the askers' turn); unlock keeps the requests and
 * the count; a waiter that asked (here: woken) takes it as contended,
 * leaves the askers' count and clears the passes; one that gives up
 * withdraws its own request only. */
static void request_rules(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  atomic_store(&f.value, ASKER); /* free; one waiter (elsewhere) asked */
  for (uint32_t i = 0; i != K; i++) { /* != : K may be 0 (-Wtype-limits) */
    if (i % 3u == 0u) {
      assert_int_equal(wrt_mutex_trylock(&m), WRT_OK);
    } else if (i % 3u == 1u) {
      assert_int_equal(wrt_mutex_lock_timeout(&m, 0), WRT_OK);
    } else {
      assert_int_equal(wrt_mutex_lock(&m), WRT_OK); /* after its first step */
    }
    assert_int_equal(atomic_load(&f.value), ASKER | ((i + 1u) * PASS) | LOCKED);
    assert_int_equal(wrt_mutex_trylock(&m), WRT_E_AGAIN);
    assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
    assert_int_equal(atomic_load(&f.value), ASKER | ((i + 1u) * PASS));
    assert_int_equal(wrt_mutex_unlock(&m), WRT_E_STATE);
    assert_int_equal(atomic_load(&f.value), ASKER | ((i + 1u) * PASS));
  }
  /* the count is full: free, but the asker's */
  assert_int_equal(wrt_mutex_trylock(&m), WRT_E_AGAIN);
  assert_int_equal(wrt_mutex_lock_timeout(&m, 0), WRT_E_TIMEOUT);
  assert_int_equal(atomic_load(&f.value), ASKER | (K * PASS));
  /* a timed lock spins its budget, then sleeps PARKED on the free word (the
   * asker that takes it will take it CONTENDED, to wake it); its waits
   * time out (nobody took the lock): it never asked */
  g_wait_status = WRT_E_TIMEOUT;
  g_word_after_wait = UNLOCKED;
  assert_int_equal(wrt_mutex_lock_timeout(&m, 2000000u), WRT_E_TIMEOUT);
  assert_true(g_waits >= 1);
  assert_int_equal(g_word_at_wait, ASKER | (K * PASS) | PARKED);
  assert_int_equal(atomic_load(&f.value), ASKER | (K * PASS) | PARKED);
  /* woken there (by an asker's unlock: the asker took the lock and left
   * the word asked for by the other), it has waited through a hold: it
   * asks, and takes the lock as contended */
  g_waits = 0;
  g_wait_status = WRT_OK;
  atomic_store(&f.value, (2u * ASKER) | (K * PASS));
  assert_int_equal(wrt_mutex_set_spin(&m, 0u), WRT_OK);
  /* while it sleeps: an asker takes the lock (PARKED and the passes
   * cleared, CONTENDED), leaves, and its unlock wakes it */
  g_replace_word = true;
  g_word_after_wait = ASKER;
  assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
  g_replace_word = false;
  assert_int_equal(g_waits, 1);
  assert_int_equal(g_word_at_wait, (2u * ASKER) | (K * PASS) | PARKED);
  assert_int_equal(atomic_load(&f.value), ASKER | CONTENDED);
  assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
  assert_int_equal(atomic_load(&f.value), ASKER);
  assert_int_equal(wrt_mutex_set_spin(&m, WRT_MUTEX_SPIN_PAUSES), WRT_OK);
  g_waits = 0;
  g_wakes = 0;
  /* a woken waiter asks, takes it as contended, clears the passes; the
   * other asker stays */
  assert_int_equal(wrt_mutex_set_spin(&m, 0u), WRT_OK);
  atomic_store(&f.value, ASKER | (2u * PASS) | LOCKED);
  g_word_after_wait = UNLOCKED; /* released while we slept */
  assert_int_equal(wrt_mutex_lock(&m), WRT_OK);
  assert_int_equal(g_waits, 1);
  assert_int_equal(g_word_at_wait, ASKER | (2u * PASS) | CONTENDED);
  assert_int_equal(atomic_load(&f.value), ASKER | CONTENDED);
  assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
  assert_int_equal(g_wakes, 1);
  assert_int_equal(atomic_load(&f.value), ASKER);
  /* a waiter that asked (woken) and times out withdraws its own request,
   * not the other's, and, woken before, passes the wake on: the held word
   * is left marked */
  atomic_store(&f.value, ASKER | (3u * PASS) | LOCKED);
  g_wait_status = WRT_E_TIMEOUT;
  g_word_after_wait = LOCKED; /* held still, by a thread that passed */
  assert_int_equal(wrt_mutex_lock_timeout(&m, 2000000u), WRT_E_TIMEOUT);
  assert_int_equal(atomic_load(&f.value), ASKER | (3u * PASS) | CONTENDED);
  /* the last asker out clears the passes with its request */
  atomic_store(&f.value, LOCKED);
  g_word_after_wait = LOCKED | (2u * PASS); /* passed twice while it slept */
  assert_int_equal(wrt_mutex_lock_timeout(&m, 2000000u), WRT_E_TIMEOUT);
  assert_int_equal(atomic_load(&f.value), CONTENDED);
  /* nobody asks: the fast path takes the free word */
  assert_int_equal(wrt_mutex_unlock(&m), WRT_OK);
  assert_int_equal(atomic_load(&f.value), UNLOCKED);
  assert_int_equal(wrt_mutex_trylock(&m), WRT_OK);
}

/* A futex whose ops table lacks wait or wake cannot carry a mutex: init
 * refuses it, and a mutex whose futex lost one of them is refused by every
 * call (INVALID_ARG), changing nothing. */
static void futex_missing_an_op_is_refused(void **state) {
  (void)state;
  static const wrt_futex_ops_t no_wait = {NULL, stub_wake};
  static const wrt_futex_ops_t no_wake = {stub_wait, NULL};
  const wrt_futex_ops_t *partial[2] = {&no_wait, &no_wake};
  for (size_t i = 0; i < 2u; i++) {
    wrt_futex_t f;
    wrt_mutex_t m;
    f.ops = partial[i];
    atomic_store(&f.value, 7u);
    assert_int_equal(wrt_mutex_init(&m, &f), WRT_E_INVALID_ARG);
    assert_int_equal(atomic_load(&f.value), 7u);
    reset(&f, &m);
    f.ops = partial[i];
    assert_false(wrt_mutex_is_initialised(&m));
    assert_int_equal(wrt_mutex_trylock(&m), WRT_E_INVALID_ARG);
    assert_int_equal(wrt_mutex_lock(&m), WRT_E_INVALID_ARG);
    assert_int_equal(wrt_mutex_unlock(&m), WRT_E_INVALID_ARG);
    assert_int_equal(atomic_load(&f.value), UNLOCKED);
  }
}

static void unlock_reports_a_failing_wake_and_still_releases(void **state) {
  (void)state;
  wrt_futex_t f;
  wrt_mutex_t m;
  reset(&f, &m);
  atomic_store(&f.value, CONTENDED);
  g_wake_status = WRT_E_OS;
  assert_int_equal(wrt_mutex_unlock(&m), WRT_E_OS);
  assert_int_equal(atomic_load(&f.value), UNLOCKED);
  assert_int_equal(wrt_mutex_trylock(&m), WRT_OK);
}

static void provider_reports_lock_failures_and_changes_nothing(void **state) {
  (void)state;
  static uint8_t mem[256];
  static uint32_t sums[4];
  wrt_futex_t f;
  wrt_mutex_t m;
  wrt_provider_t p;
  uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
  reset(&f, &m);
  memset(mem, 0x5a, sizeof mem);
  assert_int_equal(wrt_provider_init(&p, mem, sizeof mem, sums, 4, 64, &m), WRT_OK);
  uint32_t before[4];
  memcpy(before, sums, sizeof before);
  atomic_store(&f.value, CONTENDED);
  g_wait_status = WRT_E_OS;
  assert_int_equal(wrt_atomic_write(&p, 10, buf, sizeof buf), WRT_E_OS);
  assert_int_equal(wrt_atomic_write(&p, 10, buf, 0), WRT_E_OS);
  memset(out, 0, sizeof out);
  assert_int_equal(wrt_atomic_read(&p, 10, out, sizeof out), WRT_E_OS);
  assert_int_equal(out[0], 0);
  assert_int_equal(wrt_provider_verify(&p), WRT_E_OS);
  assert_int_equal(mem[10], 0x5a);
  assert_memory_equal(sums, before, sizeof before);
  /* The lock is taken after a wait (so the word says CONTENDED) and the
   * wake at the unlock fails: the write is complete and consistent, and the
   * wake's failure is reported. */
  atomic_store(&f.value, CONTENDED);
  g_wait_status = WRT_OK;
  g_word_after_wait = UNLOCKED;
  g_wake_status = WRT_E_OS;
  assert_int_equal(wrt_atomic_write(&p, 10, buf, sizeof buf), WRT_E_OS);
  assert_int_equal(g_wakes, 1);
  assert_int_equal(atomic_load(&f.value), UNLOCKED);
  assert_int_equal(mem[10], 1);
  g_wake_status = WRT_OK;
  assert_int_equal(wrt_provider_verify(&p), WRT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lock_reports_a_failing_wait),
      cmocka_unit_test(lock_retries_after_ok_again_and_timeout),
      cmocka_unit_test(timed_lock_gives_up_at_the_deadline),
      cmocka_unit_test(request_rules),
      cmocka_unit_test(futex_missing_an_op_is_refused),
      cmocka_unit_test(lock_marks_contended_only_to_sleep),
      cmocka_unit_test(failing_waiter_passes_its_wake_on),
      cmocka_unit_test(unlock_reports_a_failing_wake_and_still_releases),
      cmocka_unit_test(provider_reports_lock_failures_and_changes_nothing),
  };
  return cmocka_run_group_tests_name("mutex and provider over a failing futex", tests, NULL, NULL);
}
