/*
 * mutex_suite.h - the wrt_mutex test suite, run over any futex backend.
 *
 * A test program fills in a wrt_futex_backend_t (tests/support/futex_suite.h)
 * and calls wrt_mutex_suite_run(), so the same tests hold the mutex to its
 * contract over the Linux futex and over the QNX futex on the Neutrino host
 * model. Test code only.
 */
#ifndef WRT_TEST_MUTEX_SUITE_H
#define WRT_TEST_MUTEX_SUITE_H

#include "futex_suite.h"

/* Runs the mutex suite over backend; returns cmocka's failure count. */
int wrt_mutex_suite_run(const wrt_futex_backend_t *backend);

#endif
