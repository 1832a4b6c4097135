/*
 * test_wait_table_qnx.c - the shared wait table suite over the QNX wait
 * backend (src/qnx) on the Neutrino host model, kernel calls counted by the
 * model. Nothing here ran on QNX. Afterwards the parkers of the suite's
 * threads must be gone (released at thread exit), except the main thread's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "wait_table_suite.h"
#include "wrt/qnx_sync.h"

static unsigned long kernel_calls(void) {
  unsigned long n = 0ul;
  for (int c = 0; c < (int)NTO_SIM_CALL_COUNT; c++) {
    n += nto_sim_calls((nto_sim_call)c);
  }
  return n;
}

int main(void) {
  nto_sim_reset();
  wrt_wait_suite_backend_t b = {"wait table: qnx (Neutrino host model)", wrt_qnx_wait_backend(),
                                kernel_calls};
  int failures = wrt_wait_table_suite_run(&b);
  /* one channel and connection may remain: the main thread's parker */
  if (nto_sim_live_channels() > 1u || nto_sim_live_connections() > 1u) {
    printf("parkers leaked: %u channels, %u connections\n", nto_sim_live_channels(),
           nto_sim_live_connections());
    failures++;
  }
  return failures;
}
