/*
 * placement_inject.h - fail the n-th placement call (see placement_inject.c).
 * Test code only.
 */
#ifndef WRT_TEST_PLACEMENT_INJECT_H
#define WRT_TEST_PLACEMENT_INJECT_H

typedef enum {
  WRT_PI_MEMFD,
  WRT_PI_SHM_OPEN,
  WRT_PI_FCHMOD,
  WRT_PI_FALLOCATE,
  WRT_PI_FCNTL,
  WRT_PI_MADVISE,
  WRT_PI_COUNT
} wrt_pi_call;

void wrt_pi_reset(void);
void wrt_pi_fail_nth(wrt_pi_call call, unsigned nth, int err);
unsigned wrt_pi_calls(wrt_pi_call call);

#endif
