/*
 * test_pool_qnx.c - the slot pool on the QNX backend over the Neutrino host
 * model: the shared pool suite, with the model's posix_madvise (QNX's
 * POSIX_MADV_DISCARD_NP) counted and failed through the fault injector.
 * Test code only.
 */
#include "fault_inject.h"
#include "pool_suite.h"

static unsigned discard_calls(void) {
  return wrt_fi_calls(WRT_FI_MADVISE);
}

static void fail_discard_nth(unsigned nth, int err) {
  wrt_fi_fail_nth(WRT_FI_MADVISE, nth, err);
}

int main(void) {
  static const pool_backend_t b = {"pool (qnx model)", wrt_qnx_pool_init, discard_calls,
                                   fail_discard_nth};
  return pool_suite_run(&b);
}
