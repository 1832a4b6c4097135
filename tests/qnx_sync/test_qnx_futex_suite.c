/*
 * test_qnx_futex_suite.c - the shared futex suite (tests/support), unchanged,
 * over the QNX futex on the Neutrino host model, once per receiver order
 * (which receive-blocked thread gets a pulse is undocumented by QNX: the
 * futex must be correct under each). After each run, once the main thread
 * has released its parker, every channel and connection must be gone: the
 * other threads released theirs at exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "qnx_futex_test_util.h"

int main(void) {
  static const nto_sim_receiver_order orders[] = {NTO_SIM_RECV_LIFO, NTO_SIM_RECV_FIFO,
                                                   NTO_SIM_RECV_PRIORITY};
  static const char *const names[] = {"LIFO", "FIFO", "PRIORITY"};
  int failures = 0;
  for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
    wrt_qnx_thread_release(); /* the model's reset destroys every channel */
    nto_sim_reset();
    nto_sim_set_receiver_order(orders[i]);
    printf("receiver order %s\n", names[i]);
    failures += wrt_futex_suite_run(&wrt_test_qnx_backend);
    /* Threads that exited released their parkers (pthread key destructor);
     * the main thread's is released here. */
    wrt_qnx_thread_release();
    if (nto_sim_live_channels() != 0u || nto_sim_live_connections() != 0u ||
        nto_sim_pulse_objects_in_use() != 0u) {
      printf("leak after the suite under %s: %u channels, %u connections, %u pulses\n",
             names[i], nto_sim_live_channels(), nto_sim_live_connections(),
             nto_sim_pulse_objects_in_use());
      failures++;
    }
  }
  return failures;
}
