/*
 * mutex.c - the three-state futex mutex; see wrt/mutex.h.
 *
 * OS-free (src/core): includes wrt headers, clock.h (the monotonic clock for
 * the timed lock) and the C library only. The word is touched with C11
 * atomics directly (exchange is not among sync.h's inline helpers); sleeping
 * and waking go through the futex's ops.
 */
#include "wrt/mutex.h"

#include <stdatomic.h>
#include <stddef.h>

#include "clock.h"

/* Futex word values (uint32_t, like the word: MISRA 10.4). */
#define UNLOCKED 0u
#define LOCKED 1u
#define CONTENDED 2u

static bool valid(const wrt_mutex_t *m) {
  return m != NULL && m->futex != NULL && m->futex->ops != NULL &&
         m->futex->ops->wait != NULL && m->futex->ops->wake != NULL;
}

bool wrt_mutex_is_initialised(const wrt_mutex_t *m) { return valid(m); }

/* A hint to the CPU that this is a spin-wait loop (lets the sibling
 * hyperthread run, saves power); a compiler barrier elsewhere. */
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  /* isb, not yield: yield is nearly a no-op on most cores, isb waits for
   * the pipeline to drain, a real (if short) delay. */
  __asm__ __volatile__("isb" ::: "memory");
#else
  atomic_signal_fence(memory_order_seq_cst);
#endif
}

static bool try_take(wrt_futex_t *f) {
  return wrt_futex_compare_exchange(f, UNLOCKED, LOCKED);
}

static uint32_t peek(const wrt_futex_t *f) {
  return atomic_load_explicit(&f->value, memory_order_relaxed);
}

/* On aarch64 Linux the spin budget is time on the generic timer; elsewhere
 * (x86, and aarch64 QNX) a count of pauses. Linux lets EL0 read the timer
 * (it sets CNTKCTL_EL1.EL0VCTEN). Whether QNX 7.1/8.0 do is OPEN here (no
 * source at hand says; a trapped read would be SIGILL), so the QNX build
 * stays with the pause count (isb pauses, see cpu_relax) until it is shown. */
#if defined(__aarch64__) && defined(__linux__) && !defined(WRT_MUTEX_SPIN_COUNT_PAUSES)
#define WRT_MUTEX_TIMER_SPIN 1
#endif

#if defined(WRT_MUTEX_TIMER_SPIN)
/* The generic timer's virtual count (CNTVCT_EL0) and its frequency
 * (CNTFRQ_EL0). The isb keeps the read from being hoisted above the loads
 * it times. */
static inline uint64_t timer_count(void) {
  uint64_t v;
  __asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
  return v;
}
static inline uint64_t timer_hz(void) {
  uint64_t v;
  __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(v));
  return v;
}
#endif

/*
 * Spins while the lock is held, taking it (as `take`) if it comes free
 * within the budget. The spin only READS the word, so the holder keeps its
 * cache line until it releases; only a word seen UNLOCKED is written (one
 * CAS). The reads are spaced by 1, 2, 4, 8, then 16 pauses (binary
 * exponential backoff, so that N spinners do not hammer the line in step)
 * until `budget` pauses have passed. On aarch64 Linux a pause count would
 * mean little, so the budget is time: budget x 20 ns of the generic timer
 * (a pause on the x86 development host is ~20 ns), read between pauses.
 */
static bool spin_take(wrt_futex_t *f, uint32_t take, uint32_t budget) {
#if defined(WRT_MUTEX_TIMER_SPIN)
  uint64_t hz = timer_hz();
  uint64_t limit = (hz != 0u) ? (((uint64_t)budget * 20u * (hz / 1000000u)) / 1000u) : 0u;
  uint64_t t0 = timer_count();
  for (;;) {
    if ((peek(f) == UNLOCKED) && wrt_futex_compare_exchange(f, UNLOCKED, take)) {
      return true;
    }
    if (timer_count() - t0 >= limit) {
      return false;
    }
    cpu_relax();
  }
#else
  uint32_t spent = 0u;
  uint32_t step = 1u;
  for (;;) {
    if ((peek(f) == UNLOCKED) && wrt_futex_compare_exchange(f, UNLOCKED, take)) {
      return true;
    }
    if (spent >= budget) {
      return false;
    }
    for (uint32_t i = 0u; i < step; i++) {
      cpu_relax();
    }
    spent += step;
    if (step < 16u) {
      step <<= 1;
    }
  }
#endif
}

/* A waiter leaving without the lock (backend error) may have consumed the
 * wake meant for another sleeper: make sure someone will wake it. If the
 * lock is held and not marked, mark it (its unlock then wakes); if it is
 * free, wake one now. */
static void pass_on_wake(wrt_futex_t *f) {
  uint32_t v = LOCKED;
  if (!atomic_compare_exchange_strong(&f->value, &v, CONTENDED) && (v == UNLOCKED)) {
    (void)wrt_futex_wake_one(f);
  }
}

wrt_status wrt_mutex_init(wrt_mutex_t *m, wrt_futex_t *futex) {
  if (m == NULL || futex == NULL || futex->ops == NULL ||
      futex->ops->wait == NULL || futex->ops->wake == NULL) {
    return WRT_E_INVALID_ARG;
  }
  wrt_futex_set(futex, UNLOCKED);
  m->futex = futex;
  m->spin = WRT_MUTEX_SPIN_PAUSES;
  return WRT_OK;
}

wrt_status wrt_mutex_trylock(wrt_mutex_t *m) {
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  return try_take(m->futex) ? WRT_OK : WRT_E_AGAIN;
}

wrt_status wrt_mutex_set_spin(wrt_mutex_t *m, uint32_t pauses) {
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  m->spin = pauses;
  return WRT_OK;
}

/*
 * The slow path of lock and lock_timeout. deadline is an absolute
 * wrt_clock_monotonic_ns value, UINT64_MAX for none.
 *
 * Spin (read-only) first; only when about to sleep mark the word CONTENDED,
 * and only if it does not say so already: a waiter that marks the word and
 * then finds it changed makes a futex call that does nothing and a later
 * unlock that wakes nobody. The mark is an exchange, so a lock found free at
 * that moment is taken (as CONTENDED: others may sleep). After a wake, spin
 * again; from then on the lock is only ever taken as CONTENDED, because this
 * thread may have consumed the wake another sleeper needs from our unlock
 * (Drepper's rule, kept).
 */
static wrt_status lock_slow(wrt_mutex_t *m, uint64_t deadline) {
  wrt_futex_t *f = m->futex;
  uint32_t take = LOCKED;
  for (;;) {
    uint64_t timeout = WRT_WAIT_FOREVER;
    wrt_status st;
    if (spin_take(f, take, m->spin)) {
      return WRT_OK;
    }
    if ((peek(f) != CONTENDED) && (atomic_exchange(&f->value, CONTENDED) == UNLOCKED)) {
      return WRT_OK;
    }
    /* The word is CONTENDED and the lock held: the holder's unlock wakes. */
    if (deadline != UINT64_MAX) {
      uint64_t now = wrt_clock_monotonic_ns();
      if (now >= deadline) {
        return WRT_E_TIMEOUT; /* the word stays marked: one spare wake at most */
      }
      timeout = deadline - now;
    }
    st = wrt_futex_wait(f, CONTENDED, timeout);
    /* OK (woken or spurious), AGAIN (word changed) and TIMEOUT all spin and
     * retry first: a wake may have raced the timeout, and the deadline is
     * checked above. */
    if ((st != WRT_OK) && (st != WRT_E_AGAIN) && (st != WRT_E_TIMEOUT)) {
      pass_on_wake(f);
      return st;
    }
    take = CONTENDED;
  }
}

wrt_status wrt_mutex_lock(wrt_mutex_t *m) {
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  if (try_take(m->futex)) {
    return WRT_OK;
  }
  return lock_slow(m, UINT64_MAX);
}

wrt_status wrt_mutex_lock_timeout(wrt_mutex_t *m, uint64_t timeout_ns) {
  uint64_t now;
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  if (try_take(m->futex)) {
    return WRT_OK;
  }
  if (timeout_ns == WRT_WAIT_FOREVER) {
    return lock_slow(m, UINT64_MAX);
  }
  if (timeout_ns == 0u) {
    return WRT_E_TIMEOUT;
  }
  now = wrt_clock_monotonic_ns();
  /* A deadline past the clock's range is "forever" in practice (584 years),
   * but keep it finite: UINT64_MAX - 1. */
  return lock_slow(m, timeout_ns >= UINT64_MAX - now ? UINT64_MAX - 1u
                                                            : now + timeout_ns);
}

wrt_status wrt_mutex_unlock(wrt_mutex_t *m) {
  uint32_t old;
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  old = atomic_exchange(&m->futex->value, UNLOCKED);
  if (old == UNLOCKED) {
    return WRT_E_STATE; /* exchanged 0 for 0: nothing changed */
  }
  if (old == CONTENDED) {
    wrt_status st = wrt_futex_wake_one(m->futex);
    if (st != WRT_OK) {
      return st; /* The mutex is released but the waiters were not told: they
                    sleep until a timeout or until a later unlock finds the
                    word CONTENDED, which needs another thread to contend.
                    The caller must treat this status as fatal for the
                    waiters' progress (mutex.h). */
    }
  }
  return WRT_OK;
}
