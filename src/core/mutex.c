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

enum { UNLOCKED = 0u, LOCKED = 1u, CONTENDED = 2u };

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
  __asm__ __volatile__("yield" ::: "memory");
#else
  atomic_signal_fence(memory_order_seq_cst);
#endif
}

static bool try_take(wrt_futex_t *f) {
  return wrt_futex_compare_exchange(f, UNLOCKED, LOCKED);
}

/* Spins while the lock is held, taking it as LOCKED if it comes free. Only
 * spins while the word is LOCKED: a CONTENDED word means others sleep
 * already, and spinning would only delay joining them. */
static bool spin_take(wrt_futex_t *f) {
  for (uint32_t i = 0; i < WRT_MUTEX_SPIN_COUNT; i++) {
    uint32_t v = wrt_futex_load(f);
    if (v == UNLOCKED && try_take(f))
      return true;
    if (v == CONTENDED)
      return false;
    cpu_relax();
  }
  return false;
}

wrt_status wrt_mutex_init(wrt_mutex_t *m, wrt_futex_t *futex) {
  if (m == NULL || futex == NULL || futex->ops == NULL ||
      futex->ops->wait == NULL || futex->ops->wake == NULL)
    return WRT_E_INVALID_ARG;
  wrt_futex_set(futex, UNLOCKED);
  m->futex = futex;
  return WRT_OK;
}

wrt_status wrt_mutex_trylock(wrt_mutex_t *m) {
  if (!valid(m))
    return WRT_E_INVALID_ARG;
  return try_take(m->futex) ? WRT_OK : WRT_E_AGAIN;
}

/* The slow path of lock and lock_timeout. deadline is an absolute
 * wrt_clock_monotonic_ns value, UINT64_MAX for none. */
static wrt_status lock_slow(wrt_futex_t *f, uint64_t deadline) {
  if (spin_take(f))
    return WRT_OK;
  /* From here the word is CONTENDED whenever we hold it or wait for it: we
   * cannot know whether others wait, so unlock must wake. */
  while (atomic_exchange(&f->value, CONTENDED) != UNLOCKED) {
    uint64_t timeout = WRT_WAIT_FOREVER;
    wrt_status st;
    if (deadline != UINT64_MAX) {
      uint64_t now = wrt_clock_monotonic_ns();
      if (now >= deadline)
        return WRT_E_TIMEOUT;
      timeout = deadline - now;
    }
    st = wrt_futex_wait(f, CONTENDED, timeout);
    /* OK (woken or spurious), AGAIN (word changed) and TIMEOUT all retry the
     * exchange first: a wake may have raced the timeout, and the deadline
     * is checked above. */
    if (st != WRT_OK && st != WRT_E_AGAIN && st != WRT_E_TIMEOUT)
      return st;
  }
  return WRT_OK;
}

wrt_status wrt_mutex_lock(wrt_mutex_t *m) {
  if (!valid(m))
    return WRT_E_INVALID_ARG;
  if (try_take(m->futex))
    return WRT_OK;
  return lock_slow(m->futex, UINT64_MAX);
}

wrt_status wrt_mutex_lock_timeout(wrt_mutex_t *m, uint64_t timeout_ns) {
  uint64_t now;
  if (!valid(m))
    return WRT_E_INVALID_ARG;
  if (try_take(m->futex))
    return WRT_OK;
  if (timeout_ns == WRT_WAIT_FOREVER)
    return lock_slow(m->futex, UINT64_MAX);
  if (timeout_ns == 0u)
    return WRT_E_TIMEOUT;
  now = wrt_clock_monotonic_ns();
  /* A deadline past the clock's range is "forever" in practice (584 years),
   * but keep it finite: UINT64_MAX - 1. */
  return lock_slow(m->futex, timeout_ns >= UINT64_MAX - now ? UINT64_MAX - 1u
                                                            : now + timeout_ns);
}

wrt_status wrt_mutex_unlock(wrt_mutex_t *m) {
  uint32_t old;
  if (!valid(m))
    return WRT_E_INVALID_ARG;
  old = atomic_exchange(&m->futex->value, UNLOCKED);
  if (old == UNLOCKED)
    return WRT_E_STATE; /* exchanged 0 for 0: nothing changed */
  if (old == CONTENDED) {
    wrt_status st = wrt_futex_wake_one(m->futex);
    if (st != WRT_OK)
      return st; /* The mutex is released but the waiters were not told: they
                    sleep until a timeout or until a later unlock finds the
                    word CONTENDED, which needs another thread to contend.
                    The caller must treat this status as fatal for the
                    waiters' progress (mutex.h). */
  }
  return WRT_OK;
}
