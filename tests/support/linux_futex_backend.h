/*
 * linux_futex_backend.h - the Linux futex as a wrt_futex_backend_t, for the
 * shared futex suite and the mutex suite. Test code only.
 */
#ifndef WRT_TEST_LINUX_FUTEX_BACKEND_H
#define WRT_TEST_LINUX_FUTEX_BACKEND_H

#include "futex_suite.h"

extern const wrt_futex_backend_t wrt_test_linux_futex_backend;

#endif
