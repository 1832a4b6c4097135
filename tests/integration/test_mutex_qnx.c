/* test_mutex_qnx.c - the wrt_mutex suite over the QNX futex (src/qnx),
 * running on the Neutrino host model, not on QNX.
 * Test code: the suite, the QNX futex backend of the QNX futex tests, the
 * model's test controls. */
#include "mutex_suite.h"
#include "nto_sim.h"
#include "qnx_futex_test_util.h"

int main(void) {
  wrt_futex_backend_t backend = wrt_test_qnx_backend;
  backend.name = "mutex over qnx futex (Neutrino host model)";
  nto_sim_reset();
  return wrt_mutex_suite_run(&backend);
}
