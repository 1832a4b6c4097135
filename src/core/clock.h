/*
 * clock.h - the monotonic clock of the library's core (internal).
 *
 * wrt_mutex_lock_timeout bounds its total time by a deadline across futex
 * retries, so core needs "now". Includes only the C library.
 */
#ifndef WRT_CORE_CLOCK_H
#define WRT_CORE_CLOCK_H

#include <stdint.h>

/* Nanoseconds of a monotonic clock from an arbitrary origin; never goes
 * back. Saturates rather than wraps. */
uint64_t wrt_clock_monotonic_ns(void);

#endif
