/*
 * wait_table.c - the wait table of wrt/wait_table.h over a backend of
 * wait_backend.h: buckets of FIFO lists of stack nodes, one lock each.
 *
 * Invariant, under a bucket's lock: waiters == the number of nodes linked in
 * the bucket, plus one for a waiter between raising the count and either
 * linking its node or lowering the count again (it holds the lock all that
 * time, so nobody else sees it). A node is never linked after its wait
 * returns.
 *
 * Node states (atomic, because a woken waiter reads its own without the
 * lock): WAITING -> SENDING, by a notifier under the lock just before its
 * unpark (the node is unlinked first); then the notifier alone moves it on:
 * unpark succeeded -> CHOSEN (its last access to the node or the parker),
 * unpark failed -> WAITING again, relinked where it was. A waiter whose
 * park ended returns without the lock only once it sees CHOSEN; while it
 * sees SENDING it spins a little, then takes the lock (behind which the
 * notifier has finished). Where the backend has a kick (Linux: the
 * FUTEX_WAKE), unpark only marks the parker and the kick follows CHOSEN,
 * after the unlock for the last waiter chosen: the woken thread neither
 * waits for its waker's system call to return nor finds the lock held
 * (issue 11: it did both, often a scheduler round trip per wake). The kick
 * names the parker to the OS and reads nothing of it (wait_backend.h).
 * Why not let the waiter claim the node as soon as its park ends: a park can
 * end before the unpark call is over (Linux: a park that has not slept
 * ends as soon as unpark's CAS sets the word; QNX: any thread, or another
 * process where _NTO_CHF_PRIVATE is absent, can send a WAKE pulse with the
 * waiter's guessable token). A
 * waiter that left then would leave its notifier reading a dead thread's
 * parker and, when the unpark reports failure, writing the dead stack node
 * (review finding: a forged pulse must not decide memory safety).
 * May include: wrt/ headers, wait_backend.h, the C library. No OS header.
 */
#include "wrt/wait_table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checked_math.h"
#include "wait_backend.h"

#define WAIT_TABLE_LIVE ((uintptr_t)0x5741495454424c45u) /* "WAITTBLE" */

enum wait_node_state {
  NODE_WAITING = 0,
  NODE_SENDING = 1, /* unlinked; the notifier is inside unpark: stay */
  NODE_CHOSEN = 2   /* woken, unpark over: the waiter may return at once */
};

/* How often a waiter whose park ended re-reads a SENDING node before it
 * takes the bucket lock instead: long enough to cover a notifier on another
 * CPU returning from its unpark call, short enough not to matter when the
 * notifier was preempted (the lock then waits for it, with priority
 * inheritance where the backend's lock has it). */
#define WAIT_TABLE_SENDING_SPINS 1000u

struct wrt_wait_node {
  struct wrt_wait_node *prev;
  struct wrt_wait_node *next;
  uintptr_t addr;
  wrt_parker_t *parker;
  uint32_t token;
  _Atomic uint32_t state; /* NODE_* above */
};

/* An address as an integer, for alignment, hashing and identity: the one
 * conversion of a pointer to an integer here (MISRA 11.6, see
 * docs/misra-deviations.md: alignment cannot be tested otherwise). */
static uintptr_t addr_bits(const void *p) { return (uintptr_t)p; }

static bool table_live(const wrt_wait_table_t *t) {
  return t->live == (addr_bits(t) ^ WAIT_TABLE_LIVE);
}

static bool backend_complete(const wrt_wait_backend_t *b) {
  return b->lock_init != NULL && b->lock_destroy != NULL && b->lock != NULL &&
         b->unlock != NULL && b->self != NULL && b->prepare != NULL && b->park != NULL &&
         b->unpark != NULL && b->now_ns != NULL;
}

/* Fibonacci hashing: the top bits of addr * 2^64/phi spread neighbouring
 * words over the buckets. hash_shift is 64 for a single bucket. */
static wrt_wait_bucket_t *bucket_of(const wrt_wait_table_t *t, uintptr_t addr) {
  size_t i = 0u;
  if (t->hash_shift < 64u) {
    uint64_t h = (uint64_t)addr * 0x9E3779B97F4A7C15u;
    i = (size_t)(h >> t->hash_shift);
  }
  return &t->buckets[i];
}

/* Whether [a, a + a_len) and [b, b + b_len) share a byte, without
 * computing an end that could wrap. */
static bool overlaps(const void *a, size_t a_len, const void *b, size_t b_len) {
  uintptr_t pa = addr_bits(a);
  uintptr_t pb = addr_bits(b);
  if (pa <= pb) {
    return (pb - pa) < a_len;
  }
  return (pa - pb) < b_len;
}

/* Destroys the locks of buckets[0 .. n). */
static void destroy_locks(const wrt_wait_backend_t *be, wrt_wait_bucket_t *buckets, size_t n) {
  for (size_t i = 0u; i < n; i++) {
    be->lock_destroy(&buckets[i].lock);
  }
}

wrt_status wrt_wait_table_init(wrt_wait_table_t *table, wrt_wait_bucket_t *buckets,
                               size_t bucket_count, const wrt_wait_backend_t *backend) {
  if (table == NULL || buckets == NULL || backend == NULL || !backend_complete(backend)) {
    return WRT_E_INVALID_ARG;
  }
  size_t bytes = 0u;
  if (bucket_count == 0u || bucket_count > WRT_WAIT_TABLE_MAX_BUCKETS ||
      (bucket_count & (bucket_count - 1u)) != 0u ||
      wrt_size_mul(bucket_count, sizeof *buckets, &bytes) != WRT_OK) {
    return WRT_E_INVALID_ARG; /* (the product cannot overflow with <= 2^20) */
  }
  if (overlaps(table, sizeof *table, buckets, bytes)) {
    return WRT_E_INVALID_ARG;
  }
  if (table_live(table)) {
    return WRT_E_STATE;
  }
  for (size_t i = 0u; i < bucket_count; i++) {
    wrt_status st = backend->lock_init(&buckets[i].lock);
    if (st != WRT_OK) {
      destroy_locks(backend, buckets, i);
      return st;
    }
    atomic_init(&buckets[i].waiters, 0u);
    buckets[i].head = NULL;
    buckets[i].tail = NULL;
  }
  unsigned log2 = 0u;
  while (((size_t)1 << log2) < bucket_count) {
    log2++;
  }
  table->backend = backend;
  table->buckets = buckets;
  table->bucket_count = bucket_count;
  table->hash_shift = 64u - log2;
  table->live = addr_bits(table) ^ WAIT_TABLE_LIVE;
  return WRT_OK;
}

wrt_status wrt_wait_table_destroy(wrt_wait_table_t *table) {
  if (table == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!table_live(table)) {
    return WRT_OK;
  }
  for (size_t i = 0u; i < table->bucket_count; i++) {
    if (atomic_load(&table->buckets[i].waiters) != 0u) {
      return WRT_E_STATE;
    }
  }
  destroy_locks(table->backend, table->buckets, table->bucket_count);
  table->backend = NULL;
  table->buckets = NULL;
  table->bucket_count = 0u;
  table->hash_shift = 0u;
  table->live = 0u;
  return WRT_OK;
}

/* --- the lists (under the bucket lock) --------------------------------------- */

static void link_tail(wrt_wait_bucket_t *b, struct wrt_wait_node *n) {
  n->next = NULL;
  n->prev = b->tail;
  if (b->tail != NULL) {
    b->tail->next = n;
  } else {
    b->head = n;
  }
  b->tail = n;
}

/* Puts n back between prev and next (adjacent, under the lock) and raises
 * the count again: the undo of unlink_node. */
static void relink(wrt_wait_bucket_t *b, struct wrt_wait_node *prev, struct wrt_wait_node *n,
                   struct wrt_wait_node *next) {
  n->prev = prev;
  n->next = next;
  if (prev != NULL) {
    prev->next = n;
  } else {
    b->head = n;
  }
  if (next != NULL) {
    next->prev = n;
  } else {
    b->tail = n;
  }
  atomic_fetch_add(&b->waiters, 1u);
}

/* Unlinks n and lowers the count it held. */
static void unlink_node(wrt_wait_bucket_t *b, struct wrt_wait_node *n) {
  if (n->prev != NULL) {
    n->prev->next = n->next;
  } else {
    b->head = n->next;
  }
  if (n->next != NULL) {
    n->next->prev = n->prev;
  } else {
    b->tail = n->prev;
  }
  n->prev = NULL;
  n->next = NULL;
  atomic_fetch_sub(&b->waiters, 1u);
}

/* Takes b's lock once the waiter is linked: it may not leave before it has
 * unlinked itself, so a failure is retried (see wait_table.h). The first
 * failure is kept in *first_error; it is reported only if the wait does
 * not end woken. */
static void lock_linked(const wrt_wait_backend_t *be, wrt_wait_bucket_t *b,
                        wrt_status *first_error) {
  for (;;) {
    wrt_status st = be->lock(&b->lock);
    if (st == WRT_OK) {
      return;
    }
    if (*first_error == WRT_OK) {
      *first_error = st;
    }
  }
}

/* --- wait ----------------------------------------------------------------------- */

typedef struct {
  const void *addr;
  uint64_t expected;
  bool wide;
} wait_key;

static bool value_equals(const wait_key *k) {
  if (k->wide) {
    return atomic_load((const _Atomic uint64_t *)k->addr) == k->expected;
  }
  return (uint64_t)atomic_load((const _Atomic uint32_t *)k->addr) == k->expected;
}

static uint64_t deadline_of(const wrt_wait_backend_t *be, uint64_t timeout_ns) {
  if (timeout_ns == WRT_WAIT_FOREVER) {
    return UINT64_MAX;
  }
  uint64_t now = be->now_ns();
  if (timeout_ns >= UINT64_MAX - now) {
    return UINT64_MAX; /* past the clock's range: as good as forever */
  }
  return now + timeout_ns;
}

/* A waiter whose park ended: whether a notifier chose it and is done with
 * it, so that it may return without the lock. */
static bool chosen_and_released(struct wrt_wait_node *n) {
  for (uint32_t i = 0u; i < WAIT_TABLE_SENDING_SPINS; i++) {
    uint32_t st = atomic_load(&n->state);
    if (st != (uint32_t)NODE_SENDING) {
      return st == (uint32_t)NODE_CHOSEN;
    }
  }
  return false;
}

/* The waiter's side after it is linked: park until woken, the deadline, or
 * a parker failure, then leave through the lock. The result is WRT_OK iff a
 * notify counted this waiter (whatever failed on the way, so that notify's
 * counts and the waiters' results agree); otherwise the first backend
 * failure, else WRT_E_TIMEOUT. */
static wrt_status park_linked(const wrt_wait_backend_t *be, wrt_wait_bucket_t *b,
                              struct wrt_wait_node *n, uint64_t deadline, wrt_status first_error) {
  wrt_status err = first_error;
  for (;;) {
    int os_error = 0;
    wrt_status st = be->park(n->parker, n->token, deadline, &os_error);
    if (st == WRT_OK && chosen_and_released(n)) {
      return WRT_OK; /* the common wake: no lock, so no convoy on it */
    }
    lock_linked(be, b, &err);
    /* Under the lock every notify is over: CHOSEN is a wake that was sent
     * (a failed one was put back to WAITING). */
    if (atomic_load(&n->state) == (uint32_t)NODE_CHOSEN) {
      (void)be->unlock(&b->lock); /* released even when it reports failure */
      return WRT_OK;
    }
    if ((st == WRT_OK || st == WRT_E_AGAIN) &&
        (deadline == UINT64_MAX || be->now_ns() < deadline)) {
      /* Ended early (WRT_E_AGAIN), or an OK that no notify chose: publish a
       * fresh token, so that a late wake of the old one cannot be taken for
       * this park, and sleep again. */
      n->token = be->prepare(n->parker);
      wrt_status ust = be->unlock(&b->lock);
      if (err == WRT_OK) {
        err = ust;
      }
      continue;
    }
    unlink_node(b, n);
    wrt_status ust = be->unlock(&b->lock);
    if (err == WRT_OK) {
      err = ust;
    }
    if (err == WRT_OK && st != WRT_OK && st != WRT_E_AGAIN) {
      err = st; /* WRT_E_TIMEOUT, or the park's failure */
    }
    return err != WRT_OK ? err : WRT_E_TIMEOUT; /* woke at or after the deadline */
  }
}

static wrt_status wait_any(wrt_wait_table_t *t, const wait_key *k, size_t align,
                           uint64_t timeout_ns) {
  if (t == NULL || k->addr == NULL || (addr_bits(k->addr) & (align - 1u)) != 0u ||
      !table_live(t)) {
    return WRT_E_INVALID_ARG;
  }
  /* The probe: the first access to *addr, before any lock, count or
   * backend call, so that a fault here (a guard-page runtime's out-of-bounds
   * memory.atomic.wait) can be unwound with nothing held (wait_table.h). A
   * differing value is the answer at once ("not-equal", decided by this one
   * read); an equal one is read again below, after the count is raised,
   * and that read decides whether to sleep (the order notify relies on). */
  if (!value_equals(k)) {
    return WRT_E_AGAIN;
  }
  const wrt_wait_backend_t *be = t->backend;
  wrt_parker_t *self = NULL;
  int os_error = 0;
  wrt_status st = be->self(&self, &os_error);
  if (st != WRT_OK) {
    return st;
  }
  uint64_t deadline = deadline_of(be, timeout_ns);
  wrt_wait_bucket_t *b = bucket_of(t, addr_bits(k->addr));
  st = be->lock(&b->lock);
  if (st != WRT_OK) {
    return st;
  }
  if (atomic_load(&b->waiters) == UINT32_MAX) {
    (void)be->unlock(&b->lock);
    return WRT_E_LIMIT;
  }
  /* Raise the count before reading the value; the fence pairs with the one
   * in notify (see wait_table.h and verify/wait_table.pml). */
  atomic_fetch_add(&b->waiters, 1u);
  atomic_thread_fence(memory_order_seq_cst);
  /* One read decides: a second one could see the value changed back and
   * report "timed-out" for a wait that has no timeout. (The probe above
   * proved the word readable; it must stay so for the call, wait_table.h.) */
  const bool equal = value_equals(k);
  if (!equal || timeout_ns == 0u) {
    st = equal ? WRT_E_TIMEOUT : WRT_E_AGAIN;
    atomic_fetch_sub(&b->waiters, 1u);
    wrt_status ust = be->unlock(&b->lock);
    return ust != WRT_OK ? ust : st;
  }
  struct wrt_wait_node node;
  node.addr = addr_bits(k->addr);
  node.parker = self;
  atomic_init(&node.state, (uint32_t)NODE_WAITING);
  node.token = be->prepare(self);
  link_tail(b, &node);
  wrt_status ust = be->unlock(&b->lock);
  return park_linked(be, b, &node, deadline, ust);
}

wrt_status wrt_wait_table_wait32(wrt_wait_table_t *table, const void *addr, uint32_t expected,
                                 uint64_t timeout_ns) {
  wait_key k = {addr, expected, false};
  return wait_any(table, &k, sizeof(uint32_t), timeout_ns);
}

wrt_status wrt_wait_table_wait64(wrt_wait_table_t *table, const void *addr, uint64_t expected,
                                 uint64_t timeout_ns) {
  wait_key k = {addr, expected, true};
  return wait_any(table, &k, sizeof(uint64_t), timeout_ns);
}

/* --- notify --------------------------------------------------------------------- */

/* Wakes the thread of p (NULL: none), chosen and unparked before, where
 * the backend splits the wake off as kick. Its waiter may have returned:
 * p is only passed on (wait_backend.h). The first failure is kept in *err. */
static void kick_parker(const wrt_wait_backend_t *be, wrt_parker_t *p, wrt_status *err) {
  if ((p != NULL) && (be->kick != NULL)) {
    int os_error = 0;
    wrt_status st = be->kick(p, &os_error);
    if ((st != WRT_OK) && (*err == WRT_OK)) {
      *err = st;
    }
  }
}

wrt_status wrt_wait_table_notify(wrt_wait_table_t *table, const void *addr, uint32_t count,
                                 uint32_t *woken) {
  if (woken == NULL) {
    return WRT_E_INVALID_ARG;
  }
  *woken = 0u;
  if (table == NULL || addr == NULL || (addr_bits(addr) & (sizeof(uint32_t) - 1u)) != 0u ||
      !table_live(table)) {
    return WRT_E_INVALID_ARG;
  }
  if (count == 0u) {
    return WRT_OK;
  }
  wrt_wait_bucket_t *b = bucket_of(table, addr_bits(addr));
  /* The fast path: no waiter, no lock, no system call. The fence orders the
   * caller's store to *addr before this read (pairs with wait_any's). */
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load(&b->waiters) == 0u) {
    return WRT_OK;
  }
  const wrt_wait_backend_t *be = table->backend;
  wrt_status st = be->lock(&b->lock);
  if (st != WRT_OK) {
    return st;
  }
  uint32_t n = 0u;
  /* The parker chosen last, kicked after the unlock (a woken waiter that
   * notifies in turn then finds the lock free); earlier ones are kicked
   * when the next is chosen. */
  wrt_parker_t *to_kick = NULL;
  wrt_status kst = WRT_OK;
  struct wrt_wait_node *it = b->head;
  while (it != NULL && n < count) {
    struct wrt_wait_node *next = it->next;
    if (it->addr == addr_bits(addr)) {
      /* Unlink, mark SENDING, unpark, then CHOSEN: the waiter stays (it
       * needs CHOSEN, or the lock we hold) until the unpark is over, and
       * the store of CHOSEN is the last access to the node. */
      struct wrt_wait_node *prev = it->prev;
      unlink_node(b, it);
      atomic_store(&it->state, (uint32_t)NODE_SENDING);
      int os_error = 0;
      st = be->unpark(it->parker, it->token, &os_error);
      if (st != WRT_OK) {
        /* Not counted; its park may have ended all the same: it then finds
         * WAITING under the lock and parks again with a fresh token. */
        atomic_store(&it->state, (uint32_t)NODE_WAITING);
        relink(b, prev, it, next); /* first of its address again */
        break;
      }
      wrt_parker_t *chosen = it->parker;
      atomic_store(&it->state, (uint32_t)NODE_CHOSEN);
      kick_parker(be, to_kick, &kst);
      to_kick = chosen;
      n++;
    }
    it = next;
  }
  wrt_status ust = be->unlock(&b->lock);
  kick_parker(be, to_kick, &kst);
  *woken = n;
  if (st != WRT_OK) {
    return st;
  }
  return (ust != WRT_OK) ? ust : kst;
}
