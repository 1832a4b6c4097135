/*
 * wrt/wait_table.h - wait on any address: the WebAssembly threads proposal's
 * memory.atomic.wait32 / wait64 / notify for runtimes.
 *
 * One concept: wrt_wait_table_t, a caller-owned table of waiters keyed by
 * address, hashed into a caller-given array of buckets. A waiter's node lives
 * on its own stack; each thread sleeps on its one per-thread parker of the
 * backend (Linux: a futex word; QNX: a private channel). No allocation, no
 * global state. Includes only status.h and the C library.
 *
 * Semantics (threads proposal, "wait" and "notify"):
 *  - wait32/wait64 read the value at addr and compare it with expected under
 *    the bucket's lock (after a first read without it: see Faults below); a notify that runs after that check finds the waiter
 *    (the check and the enqueue are one step with respect to notify).
 *    Results: WRT_OK ("ok": woken by notify), WRT_E_AGAIN ("not-equal": the
 *    value differed, nothing waited), WRT_E_TIMEOUT ("timed-out").
 *  - notify wakes up to count waiters of addr (UINT32_MAX: all) in the order
 *    they started waiting (FIFO per address) and stores how many it woke.
 *    count 0 wakes nobody and stores 0 (as the proposal's notify with 0).
 *  - A notify that finds no waiter in the bucket makes no system call and
 *    takes no lock: it reads the bucket's waiter count after a full fence. A
 *    waiter raises that count under the lock, then fences, then reads the
 *    value; the notifier's store to the value comes before its fence and its
 *    read of the count. By the fences' total order one of the two sees the
 *    other's write: either the waiter sees the new value (not-equal), or the
 *    notifier sees the count and takes the lock, behind which the waiter is
 *    already linked. (verify/wait_table.pml checks this.) The notifier's
 *    store must be an atomic store (any memory order) made before notify.
 *  - addr: 4-byte aligned for wait32 and notify, 8-byte aligned for wait64;
 *    NULL or misaligned: WRT_E_INVALID_ARG. The memory is read with C11
 *    atomic loads, so whatever else the runtime does to it must be atomic
 *    (as Wasm's shared-memory accesses are to the threads it runs).
 *  - timeout_ns: relative, CLOCK_MONOTONIC; WRT_WAIT_FOREVER (UINT64_MAX):
 *    none; 0: check only (WRT_E_TIMEOUT when equal).
 *  - Errors of the backend (lock, parker) are returned as its status. A
 *    waiter never leaves its node in the table: after it has been linked,
 *    a failed lock is retried until the waiter is out (a lock that fails
 *    forever is a broken system, not a state the table could report from).
 *    A wait returns WRT_OK exactly when a notify counted it in *woken, even
 *    if a backend call failed on its way out; otherwise the first backend
 *    failure takes precedence over WRT_E_TIMEOUT. A notify whose unpark
 *    fails stops there: the waiter it failed to wake is not counted and
 *    stays linked and first in line (if the failed wake reached it after
 *    all, it parks again), *woken says how many were woken, and the status
 *    is the backend's. Where the backend wakes a chosen waiter by a second
 *    call after choosing it (Linux: FUTEX_WAKE, which cannot fail for a
 *    parker the backend made), a failure of that call is returned too, the
 *    waiter still counted: it then wakes by its deadline only.
 *  - A woken waiter returns without taking the bucket lock once its
 *    notifier's unpark call is over (it re-reads its node briefly, then
 *    takes the lock). It never returns while its notifier still uses its
 *    node or parker, whatever ended its park (on QNX a WAKE pulse can be
 *    forged by any thread of the process, or by another process where
 *    _NTO_CHF_PRIVATE is absent).
 *
 * Faults and unwinding (issue 26: a guard-page runtime turns an
 * out-of-bounds memory.atomic.wait into a fault inside wait32/wait64, and
 * its SIGSEGV handler siglongjmps out of the call):
 *  - wait32/wait64 read *addr first, before any lock, count, parker call
 *    or link (the probe); a value that differs is "not-equal" at once. A
 *    fault at that read holds nothing: unwinding out of it (siglongjmp from
 *    the SIGSEGV/SIGBUS handler) is safe, and the table and every bucket
 *    stay usable. When the value is equal the word is read again under the
 *    bucket lock after the waiter count is raised (the read that decides,
 *    the order notify relies on): the word must stay readable until the
 *    call returns. Wasm memories never shrink, so an address the probe
 *    could read stays readable; a runtime that unmaps or protects memory
 *    a thread is waiting on breaks this, and a fault then is not safe.
 *  - notify never reads *addr (only compares the address): an inaccessible
 *    address cannot fault in it.
 *  - Any other interruption of wait32, wait64 or notify that does not
 *    return into the call (siglongjmp or thread exit from a handler of an
 *    asynchronous signal, or a fault in the table or bucket storage) is not
 *    safe: it can leave a bucket lock held, the count raised or a node of a
 *    dead stack frame linked. init and destroy: not safe to unwind from.
 *
 * Thread-safety: init and destroy are NOT thread-safe (no other call on the
 * table may run during them); wait32, wait64 and notify are safe from any
 * number of threads at once on an initialised table. A thread waits on one
 * address at a time (its parker is its own); waiting from a signal handler
 * is not supported.
 */
#ifndef WRT_WAIT_TABLE_H
#define WRT_WAIT_TABLE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WRT_WAIT_FOREVER
#define WRT_WAIT_FOREVER UINT64_MAX
#endif

/* Storage for a backend's blocking lock (QNX: a pthread_mutex_t with
 * priority inheritance; Linux: a futex-word mutex). Each backend
 * _Static_asserts that its lock fits. Public because buckets embed it. */
typedef struct {
  _Alignas(16) unsigned char bytes[64];
} wrt_wait_lock_t;

/* A backend (the OS side: lock and per-thread parker). Defined in the
 * library's src/core/wait_backend.h; users only pass the getter's result:
 * wrt_linux_wait_backend() (wrt/linux_sync.h), wrt_qnx_wait_backend()
 * (wrt/qnx_sync.h). */
typedef struct wrt_wait_backend wrt_wait_backend_t;

struct wrt_wait_node; /* a waiter, on its own stack (src/core/wait_table.c) */

/* One bucket. The caller provides an array of them and never touches the
 * fields (the library's, read by the table only). */
typedef struct wrt_wait_bucket {
  wrt_wait_lock_t lock;
  /* Waiters linked or being linked; raised and lowered under lock, read
   * without it by notify's fast path. */
  _Atomic uint32_t waiters;
  struct wrt_wait_node *head; /* oldest waiter */
  struct wrt_wait_node *tail; /* newest waiter */
} wrt_wait_bucket_t;

typedef struct wrt_wait_table {
  const wrt_wait_backend_t *backend;
  wrt_wait_bucket_t *buckets;
  size_t bucket_count; /* a power of two */
  unsigned hash_shift; /* 64 - log2(bucket_count) */
  /* (uintptr_t)this ^ a constant while initialised; anything else: not. */
  uintptr_t live;
} wrt_wait_table_t;

/* Most buckets one table may have (2^20). */
#define WRT_WAIT_TABLE_MAX_BUCKETS ((size_t)1 << 20)

/*
 * Initialises table over buckets[0 .. bucket_count) with backend.
 * bucket_count: a power of two from 1 to WRT_WAIT_TABLE_MAX_BUCKETS (more
 * buckets, fewer unrelated addresses sharing a lock; 64 is a fair start for
 * a few dozen threads). table must be zeroed or destroyed before: init on a
 * live table is WRT_E_STATE and changes nothing (re-initialising one that
 * has waiters would strand them). The buckets must stay valid and unmoved
 * until destroy. INVALID_ARG: NULL, bad count, a backend with a missing
 * entry, buckets overlapping table. A failed lock_init is returned with the
 * locks already made destroyed; table then stays as it was.
 */
wrt_status wrt_wait_table_init(wrt_wait_table_t *table, wrt_wait_bucket_t *buckets,
                               size_t bucket_count, const wrt_wait_backend_t *backend);

/*
 * Destroys table: WRT_E_STATE and nothing changed while any thread waits in
 * it (a waiter is never woken by destroy: wake it with notify first, and let
 * it return). Otherwise destroys the bucket locks and leaves table zeroed.
 * WRT_E_INVALID_ARG on NULL; WRT_OK on a zeroed or destroyed table.
 */
wrt_status wrt_wait_table_destroy(wrt_wait_table_t *table);

/* Waits while the 32-bit value at addr (4-aligned) equals expected.
 * WRT_E_LIMIT if the bucket already counts 2^32 - 1 waiters. */
wrt_status wrt_wait_table_wait32(wrt_wait_table_t *table, const void *addr, uint32_t expected,
                                 uint64_t timeout_ns);

/* Waits while the 64-bit value at addr (8-aligned) equals expected. */
wrt_status wrt_wait_table_wait64(wrt_wait_table_t *table, const void *addr, uint64_t expected,
                                 uint64_t timeout_ns);

/* Wakes up to count (UINT32_MAX: all) waiters of addr (4-aligned), oldest
 * first; *woken (non-NULL) gets how many. On any error *woken is still set
 * (0 for argument errors). */
wrt_status wrt_wait_table_notify(wrt_wait_table_t *table, const void *addr, uint32_t count,
                                 uint32_t *woken);

#ifdef __cplusplus
}
#endif
#endif
