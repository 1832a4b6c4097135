/*
 * qnx_futex_test_util.h - helpers shared by the QNX futex tests on the
 * Neutrino host model: the futex backend for the shared suite, polling for
 * receive-blocked threads, a clock. Test code only.
 */
#ifndef WRT_TEST_QNX_FUTEX_UTIL_H
#define WRT_TEST_QNX_FUTEX_UTIL_H

#include <stdint.h>

#include "futex_suite.h"
#include "wrt/qnx_sync.h"

extern const wrt_futex_backend_t wrt_test_qnx_backend;

uint64_t qt_now_ns(void);
/* Polls (sched_yield, no sleep) until at least n threads are receive-blocked
 * in the model; returns 0 on success, -1 after 10 s (a hang). */
int qt_wait_blocked_total(unsigned n);

#endif
