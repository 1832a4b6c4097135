/*
 * mutex.c - the three-state futex mutex with a handoff request; see
 * wrt/mutex.h.
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

/* Futex word values (uint32_t, like the word: MISRA 10.4). The low two bits
 * are Drepper's three states. Above them, the handoff request (see
 * lock_slow): bits 2-6 count the acquisitions by threads that had not asked
 * (BYPASS) since a thread that had asked last took the lock; bit 7 (PARKED)
 * says a thread that had not asked sleeps on the free word, its passes used
 * up (the asker that takes the lock takes it CONTENDED, so that its unlock
 * wakes it); bits 8-31 count the waiters that have asked (REQ: registered
 * until they take the lock or give up). BYPASS and PARKED are 0 whenever
 * REQ is. 24 bits of REQ outnumber the threads of any process (Linux caps
 * thread ids at 2^22, QNX a process's threads at 32767), so the count
 * cannot overflow. */
#define UNLOCKED 0u
#define LOCKED 1u
#define CONTENDED 2u
#define HELD_MASK 3u
#define BYPASS_ONE 4u
#define BYPASS_MASK 0x7Cu
#define PARKED 0x80u
#define REQ_ONE 0x100u
#define REQ_MASK 0xFFFFFF00u
_Static_assert(WRT_MUTEX_BYPASS_MAX <= (BYPASS_MASK / BYPASS_ONE), "BYPASS field width");

/* Spin pacing, in the budget's units (a pause on x86, 20 ns of the generic
 * timer on aarch64 Linux). A waiter reads the word after 1, 2, 4 ... up to
 * POLL_MAX units: every read of the holder's line costs the holder a cache
 * miss on its next lock, so reads are kept sparse (with 2 vCPUs of an AMD
 * EPYC, spacing them 64 instead of 16 pauses apart raised contended
 * throughput from ~1.1x to ~1.5x pthread, 128 to ~1.9x; scratch runs, the
 * README has the bench). After WANT_UNITS (~1 us of x86 pauses) spent while
 * another thread held the lock, the waiter asks for the lock (REQ) and
 * reads every HANDOFF_POLL units, so the handoff is prompt. Bounding the
 * holder's run this way is what keeps the worst thread's share near fair
 * while the holder keeps its cache line between handoffs. The bound was ~8
 * us (400 units) while a displaced holder polled densely (see first_step);
 * with one CPU slower than the other, a waiter with work outside the lock
 * then rarely waited that long and got as little as 0.6 of its fair share. */
#define POLL_MAX 128u
#define WANT_UNITS 50u
#define HANDOFF_POLL 4u
/* A thread that starts at POLL_MAX (first_step) may take a free word past
 * the askers (within the BYPASS count) after its first pause, as lock_slow
 * says. */
_Static_assert(WANT_UNITS <= POLL_MAX, "may pass within the first POLL_MAX step");

/* A futex a mutex can sleep and wake on: both ops present. */
static bool futex_usable(const wrt_futex_t *f) {
  return f != NULL && f->ops != NULL && f->ops->wait != NULL && f->ops->wake != NULL;
}

static bool valid(const wrt_mutex_t *m) { return m != NULL && futex_usable(m->futex); }

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

static uint32_t peek(const wrt_futex_t *f) {
  return atomic_load_explicit(&f->value, memory_order_relaxed);
}

static bool is_held(uint32_t v) { return (v & HELD_MASK) != UNLOCKED; }

static bool asked(uint32_t v) { return (v & REQ_MASK) != 0u; }

static uint32_t bypasses(uint32_t v) { return (v & BYPASS_MASK) / BYPASS_ONE; }

/* Whether a thread that has not asked may not take the free word v: asked
 * for, and its passes used up. (bypasses + 1 > MAX, not bypasses >= MAX:
 * with WRT_MUTEX_BYPASS_MAX 0 the latter is a comparison with 0 that
 * -Wtype-limits rejects; bypasses is at most 31, so no wrap.) */
static bool passes_used_up(uint32_t v) {
  return asked(v) && ((bypasses(v) + 1u) > WRT_MUTEX_BYPASS_MAX);
}

/* The fast path: only a word that is 0 (free, nobody asked) is taken. */
static bool try_take(wrt_futex_t *f) {
  return wrt_futex_compare_exchange(f, UNLOCKED, LOCKED);
}

/* On aarch64 Linux the spin is paced by time on the generic timer;
 * elsewhere (x86, and aarch64 QNX) by a count of pauses. Linux lets EL0
 * read the timer (it sets CNTKCTL_EL1.EL0VCTEN). Whether QNX 7.1/8.0 do is
 * OPEN here (no source at hand says; a trapped read would be SIGILL), so
 * the QNX build stays with the pause count (isb pauses, see cpu_relax)
 * until it is shown. */
#if defined(__aarch64__) && defined(__linux__) && !defined(WRT_MUTEX_SPIN_COUNT_PAUSES)
#define WRT_MUTEX_TIMER_SPIN 1
#endif

/* How much of the spin budget a waiter has used, in units. */
typedef struct {
  uint32_t spent;
#if defined(WRT_MUTEX_TIMER_SPIN)
  uint64_t t0;
  uint64_t hz;
#endif
} spin_clock;

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

static void clock_start(spin_clock *c) {
  c->spent = 0u;
  c->hz = timer_hz();
  c->t0 = timer_count();
}

/* Units (20 ns) since clock_start; the budget is spent at once if the
 * timer reports no frequency. */
static uint32_t units_since_start(const spin_clock *c) {
  uint64_t units;
  if (c->hz == 0u) {
    return UINT32_MAX;
  }
  units = ((timer_count() - c->t0) * 50000000u) / c->hz;
  return (units > (uint64_t)UINT32_MAX) ? UINT32_MAX : (uint32_t)units;
}

/* Waits about n units, then brings spent up to date. */
static void pause_units(spin_clock *c, uint32_t n) {
  uint32_t until = (c->spent > (UINT32_MAX - n)) ? UINT32_MAX : (c->spent + n);
  do {
    cpu_relax();
    c->spent = units_since_start(c);
  } while (c->spent < until);
}
#else
static void clock_start(spin_clock *c) { c->spent = 0u; }

static void pause_units(spin_clock *c, uint32_t n) {
  for (uint32_t i = 0u; i < n; i++) {
    cpu_relax();
  }
  c->spent = (c->spent > (UINT32_MAX - n)) ? UINT32_MAX : (c->spent + n);
}
#endif

/* Marks the held word CONTENDED for a sleeper, unless it says so already
 * (a waiter that marks the word and then finds it changed makes a futex
 * call that does nothing and a later unlock that wakes nobody). false when
 * the word changed first. */
static bool mark_contended(wrt_futex_t *f, uint32_t held_word, uint32_t *marked) {
  *marked = (held_word & ~HELD_MASK) | CONTENDED;
  return (held_word == *marked) || wrt_futex_compare_exchange(f, held_word, *marked);
}

/* A waiter leaving without the lock (backend error) may have consumed the
 * wake meant for another sleeper: make sure someone will wake it. If the
 * lock is held and not marked, mark it (its unlock then wakes); if it is
 * free, wake one now. */
static void pass_on_wake(wrt_futex_t *f) {
  for (;;) {
    uint32_t v = peek(f);
    uint32_t marked;
    if (!is_held(v)) {
      (void)wrt_futex_wake_one(f);
      return;
    }
    if (mark_contended(f, v, &marked)) {
      return;
    }
  }
}

wrt_status wrt_mutex_init(wrt_mutex_t *m, wrt_futex_t *futex) {
  if (m == NULL || !futex_usable(futex)) {
    return WRT_E_INVALID_ARG;
  }
  wrt_futex_set(futex, UNLOCKED);
  m->futex = futex;
  m->spin = WRT_MUTEX_SPIN_PAUSES;
  return WRT_OK;
}

/* Takes m for a thread that has not asked for it: if no thread holds it
 * and either nobody asked, or fewer than WRT_MUTEX_BYPASS_MAX such takes
 * have passed the askers since one of them last took it (counted in BYPASS;
 * the askers stay registered and go next once the count is full). */
static bool take_if_free(wrt_futex_t *f) {
  for (;;) {
    uint32_t v = peek(f);
    if (is_held(v) || passes_used_up(v)) {
      return false;
    }
    if (wrt_futex_compare_exchange(f, v, (asked(v) ? (v + BYPASS_ONE) : v) | LOCKED)) {
      return true;
    }
  }
}

wrt_status wrt_mutex_trylock(wrt_mutex_t *m) {
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  return take_if_free(m->futex) ? WRT_OK : WRT_E_AGAIN;
}

wrt_status wrt_mutex_set_spin(wrt_mutex_t *m, uint32_t pauses) {
  if (!valid(m)) {
    return WRT_E_INVALID_ARG;
  }
  m->spin = pauses;
  return WRT_OK;
}

/* Sleeps while the word is `marked` (CONTENDED, held: the holder's unlock
 * wakes), until deadline (UINT64_MAX: none). */
static wrt_status sleep_marked(wrt_futex_t *f, uint32_t marked, uint64_t deadline) {
  uint64_t timeout = WRT_WAIT_FOREVER;
  if (deadline != UINT64_MAX) {
    uint64_t now = wrt_clock_monotonic_ns();
    if (now >= deadline) {
      return WRT_E_TIMEOUT;
    }
    timeout = deadline - now;
  }
  return wrt_futex_wait(f, marked, timeout);
}

/* How long a thread that may not pass spins on the free word before it
 * parks: an asker that runs takes the lock within HANDOFF_POLL units, so a
 * lock still free after two of the widest polling steps waits for askers
 * that are asleep or preempted, and spinning on would keep one of them off
 * its CPU when threads outnumber CPUs (a whole timeslice per pass count:
 * in one run on a busy host, contended throughput at 4 and 8 threads on 2
 * vCPUs fell to 0.64x and 0.31x pthread when such a thread spun on, from
 * 1.15x and 1.09x before the bound, and came back to 1.16x and 0.89x with
 * parking; README). The spin budget caps it. */
static uint32_t park_after(const wrt_mutex_t *m) {
  return (m->spin < (2u * POLL_MAX)) ? m->spin : (2u * POLL_MAX);
}

/* Registers the calling waiter as one that asked for the lock. */
static void ask(wrt_futex_t *f) { (void)atomic_fetch_add(&f->value, REQ_ONE); }

/* The word an asker leaves when it takes the free word v: its request
 * gone, BYPASS cleared, held as take, or CONTENDED if a thread is PARKED
 * (its unlock then wakes one). */
static uint32_t taken_by_asker(uint32_t v, uint32_t take) {
  return ((v - REQ_ONE) & REQ_MASK) | (((v & PARKED) != 0u) ? CONTENDED : take);
}

/* A waiter leaving without the lock: if it was woken (or its wait failed)
 * it may have consumed the wake another sleeper needs, so it passes it on;
 * and it withdraws its request (the other askers' stay; the last one out
 * clears the BYPASS count with it, so that a word nobody asks on reads 0). */
static wrt_status give_up(wrt_futex_t *f, bool pass_on, bool has_asked, wrt_status st) {
  bool registered = has_asked;
  if (pass_on) {
    pass_on_wake(f);
  }
  while (registered) {
    uint32_t v = peek(f);
    uint32_t left = v - REQ_ONE;
    if (!asked(left)) {
      left &= ~(BYPASS_MASK | PARKED);
    }
    registered = !wrt_futex_compare_exchange(f, v, left);
    if (!registered && !asked(left) && ((v & PARKED) != 0u)) {
      /* Threads parked for the askers, who are gone: the lock is anyone's
       * now, and no asker will take it CONTENDED to wake them. */
      (void)wrt_futex_wake_all(f);
    }
  }
  return st;
}

/* The spacing of a waiter's first polls. A word that is free but asked for
 * means a waiter that asked is about to take the lock (within HANDOFF_POLL
 * units, if it spins) and hold it for a run; typically this thread held it
 * last and was just displaced. Polling densely (1, 2, 4 ... units) at the
 * start of that run would pull the line from the new holder at every read,
 * and that, not the handoff itself, made a handoff cost ~0.6 us: so this
 * thread starts at the widest spacing. (2 vCPUs of an AMD EPYC, scratch
 * runs; the README has the bench.) */
static uint32_t first_step(const wrt_futex_t *f) {
  uint32_t v = peek(f);
  return (!is_held(v) && asked(v)) ? POLL_MAX : 1u;
}

/*
 * The slow path of lock and lock_timeout. deadline is an absolute
 * wrt_clock_monotonic_ns value, UINT64_MAX for none.
 *
 * Spin, reading only and ever more sparsely (POLL_MAX), taking the lock
 * when it reads free. A waiter that has spun WANT_UNITS after it saw the
 * lock held by another thread, or that was woken from the futex, asks: it
 * adds itself to REQ (once per call) and polls often. While REQ is not 0,
 * a free word is taken by a thread that asked (which leaves REQ and clears
 * BYPASS), or by one that has not (lock's fast path cannot: the word is not
 * 0; this path after its first step, and trylock) only while BYPASS is
 * below WRT_MUTEX_BYPASS_MAX, counting itself in BYPASS. So a returning
 * holder keeps the lock (and its cache line) for WANT_UNITS to POLL_MAX
 * units at a time while the askers spin (a displaced holder's first step
 * is POLL_MAX; if an asker took the lock meanwhile, it has then seen it
 * held and asks itself), and for at most WRT_MUTEX_BYPASS_MAX takes while
 * the askers are asleep or slow to run: then it waits for one of them.
 * Waiting on a free word never makes a thread an asker (that was how a
 * woken sleeper, slow to run, lost the lock again and again). No deadlock:
 * an asker is spinning, or asleep on a word marked CONTENDED (whose unlock
 * wakes a sleeper, which asks when it runs), or leaves REQ when it gives
 * up. After the budget (m->spin), sleep in the futex; once woken the lock
 * is only ever taken as CONTENDED, because this thread may have consumed
 * the wake another sleeper needs from our unlock (Drepper's rule, kept).
 */
static wrt_status lock_slow(wrt_mutex_t *m, uint64_t deadline) {
  wrt_futex_t *f = m->futex;
  uint32_t take = LOCKED;
  uint32_t step = first_step(f);
  bool has_asked = false;
  bool saw_held = false;
  spin_clock clk;
  clock_start(&clk);
  for (;;) {
    uint32_t v = peek(f);
    if (!is_held(v)) {
      if (has_asked) {
        if (wrt_futex_compare_exchange(f, v, taken_by_asker(v, take))) {
          return WRT_OK;
        }
        continue;
      }
      if (!asked(v) || (clk.spent >= WANT_UNITS)) {
        if (take_if_free(f)) {
          return WRT_OK;
        }
        /* taken meanwhile, or the passes are used up: wait a step */
      }
    }
    if (is_held(v) ? (clk.spent >= m->spin)
                   : (passes_used_up(v) && (clk.spent >= park_after(m)))) {
      /* Sleep: on a held word marked CONTENDED (its unlock wakes), or on a
       * free word the askers are to take, marked PARKED (the asker takes
       * it CONTENDED; the last asker to give up wakes). Either way the
       * CPU goes to the threads that are to run, an asker among them. */
      uint32_t marked;
      wrt_status st;
      bool parking = !is_held(v);
      if (!parking) {
        if (!mark_contended(f, v, &marked)) {
          continue; /* the word changed: look again */
        }
      } else {
        marked = v | PARKED;
        if ((v != marked) && !wrt_futex_compare_exchange(f, v, marked)) {
          continue;
        }
      }
      st = sleep_marked(f, marked, deadline);
      /* OK (woken or spurious), AGAIN (word changed) and TIMEOUT all spin
       * and retry first: a wake may have raced the timeout, and the
       * deadline is checked below. */
      if ((st != WRT_OK) && (st != WRT_E_AGAIN) && (st != WRT_E_TIMEOUT)) {
        return give_up(f, true, has_asked, st);
      }
      if (!parking || (st == WRT_OK)) {
        /* woken (or, on a held word, timed out or changed): it may have
         * consumed a wake, and it waited through a hold (a parked thread is
         * woken by the unlock of an asker that took the lock CONTENDED, or
         * when the askers are all gone). A parking that timed out or found
         * the word changed did neither: it looks again, unasked. */
        take = CONTENDED;
        if (!has_asked) {
          ask(f);
          has_asked = true;
        }
        step = HANDOFF_POLL;
        clock_start(&clk);
      }
    } else if (is_held(v)) {
      saw_held = true; /* held, and still within the budget: spin on */
    } else {
      /* free: the askers' turn, or about to be taken: spin on */
    }
    if ((deadline != UINT64_MAX) && (wrt_clock_monotonic_ns() >= deadline)) {
      return give_up(f, take == CONTENDED, has_asked, WRT_E_TIMEOUT);
    }
    pause_units(&clk, step);
    if (!has_asked && saw_held && (clk.spent >= WANT_UNITS)) {
      ask(f);
      has_asked = true;
    }
    if (has_asked) {
      step = HANDOFF_POLL;
    } else if (step < POLL_MAX) {
      step <<= 1;
    } else {
      /* at the widest spacing */
    }
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
    return take_if_free(m->futex) ? WRT_OK : WRT_E_TIMEOUT;
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
  /* Clears the held state and keeps the requests and their BYPASS count;
   * on a word that was not held it changes nothing. */
  old = atomic_fetch_and(&m->futex->value, ~HELD_MASK);
  if (!is_held(old)) {
    return WRT_E_STATE;
  }
  if ((old & HELD_MASK) == CONTENDED) {
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
