/*
 * clock_posix.c - wrt_clock_monotonic_ns over clock_gettime(CLOCK_MONOTONIC).
 *
 * The one POSIX call allowed in src/core, and why: <time.h> is an ISO C
 * header, and clock_gettime with CLOCK_MONOTONIC is POSIX that both Linux
 * and QNX Neutrino provide in their C library (QNX doc: clock_gettime(),
 * "CLOCK_MONOTONIC ... always increases"), so it needs no per-backend copy.
 * Includes only <time.h> and the C library; no OS-specific header.
 */
#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "clock.h"

uint64_t wrt_clock_monotonic_ns(void) {
  struct timespec ts;
  uint64_t sec;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    return UINT64_MAX; /* not expected; makes timed waits expire, not hang */
  }
  sec = (uint64_t)ts.tv_sec;
  if (sec > (UINT64_MAX - 999999999u) / 1000000000u) {
    return UINT64_MAX;
  }
  return sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
