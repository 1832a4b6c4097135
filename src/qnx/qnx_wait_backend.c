/*
 * src/qnx/qnx_wait_backend.c - the QNX backend of the wait table
 * (interface A, src/core/wait_backend.h): a pthread mutex per bucket and the
 * per-thread parker of qnx_parker.c.
 *
 * Real QNX code: includes only POSIX headers (<pthread.h>, <errno.h>), the
 * parker and the backend interface; compiles unchanged against the Neutrino
 * host model.
 *
 * The lock is a default pthread mutex: on QNX it takes the kernel only on
 * contention (SyncMutexLock/Unlock) and has priority inheritance by default
 * (pthread_mutexattr_setprotocol, QNX reference: "PTHREAD_PRIO_INHERIT ...
 * the default"), which matters because wake pulses do not give any.
 */
/* Strict -std=c11 hides clock_gettime, nanosleep, CLOCK_MONOTONIC and
 * <sys/neutrino.h>; _QNX_SOURCE shows them ("Conforming to standards", QNX
 * 7.1 Programmer's Guide). Must precede every include. */
#define _QNX_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "qnx_parker.h"
#include "wait_backend.h"
#include "wrt/qnx_sync.h"

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(wrt_wait_lock_t),
               "a pthread mutex must fit in wrt_wait_lock_t");
_Static_assert(_Alignof(pthread_mutex_t) <= _Alignof(wrt_wait_lock_t),
               "wrt_wait_lock_t must be aligned for a pthread mutex");

/* The pulse priority of a table wake: -1, the waking thread's own
 * (MsgSendPulse). The parker's channel is _NTO_CHF_FIXED_PRIORITY, so it
 * changes no thread's priority; it only orders pulses queued there. */
#define QWB_PULSE_PRIORITY (-1)

static pthread_mutex_t *as_mutex(wrt_wait_lock_t *l) {
  return (pthread_mutex_t *)(void *)l->bytes;
}

static wrt_status qwb_lock_init(wrt_wait_lock_t *l) {
  int err = pthread_mutex_init(as_mutex(l), NULL);
  if (err == 0) {
    return WRT_OK;
  }
  return (err == EAGAIN || err == ENOMEM) ? WRT_E_NO_MEMORY : WRT_E_OS;
}

static void qwb_lock_destroy(wrt_wait_lock_t *l) { (void)pthread_mutex_destroy(as_mutex(l)); }

static wrt_status qwb_lock(wrt_wait_lock_t *l) {
  return pthread_mutex_lock(as_mutex(l)) == 0 ? WRT_OK : WRT_E_OS;
}

static wrt_status qwb_unlock(wrt_wait_lock_t *l) {
  return pthread_mutex_unlock(as_mutex(l)) == 0 ? WRT_OK : WRT_E_OS;
}

/* A stale token costs one pulse that the owner's next park receives and
 * drops (wrong token): harmless, as interface A requires. A failed send
 * wakes nothing; the same token sent later still ends that park. */
static wrt_status qwb_unpark(wrt_parker_t *p, uint32_t token, int *os_error) {
  return wrt_qnx_parker_unpark(p, token, QWB_PULSE_PRIORITY, os_error);
}

/* The park blocks in MsgReceivePulse, a cancellation point (as qnx_sync.c
 * has it): a cancel acted on there would unwind the waiter's frame with its
 * node still linked in the bucket, and the next notify would write the dead
 * frame. So cancellation is held off while the thread parks and acts at its
 * next cancellation point after the wait (pthread_setcancelstate, POSIX;
 * the table's own steps - the bucket lock, the state checks - are not
 * cancellation points). */
static wrt_status qwb_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns, int *os_error) {
  int cancel_state;
  (void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  wrt_status st = wrt_qnx_parker_park(p, token, deadline_ns, os_error);
  (void)pthread_setcancelstate(cancel_state, &cancel_state);
  return st;
}

static const wrt_wait_backend_t qnx_wait_backend = {
    qwb_lock_init,          qwb_lock_destroy,      qwb_lock,
    qwb_unlock,             wrt_qnx_parker_self,   wrt_qnx_parker_prepare,
    qwb_park,               qwb_unpark,            NULL, /* the pulse is the wake: no kick */
    wrt_qnx_parker_now_ns,
};

const wrt_wait_backend_t *wrt_qnx_wait_backend(void) { return &qnx_wait_backend; }
