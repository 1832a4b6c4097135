/* test_mutex_qnx.c - the wrt_mutex suite over the QNX futex (src/qnx),
 * running on the Neutrino host model, not on QNX.
 * Test code: the suite, the QNX futex, the model's test controls. */
#include <stddef.h>
#include <stdint.h>

#include "mutex_suite.h"
#include "nto_sim.h"
#include "wrt/qnx_sync.h"

static wrt_futex_t *create(void *storage, uint32_t v) {
  wrt_qnx_futex_t *f = storage;
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  cfg.initial_value = v;
  return wrt_qnx_futex_init(f, &cfg) == WRT_OK ? wrt_qnx_futex_base(f) : NULL;
}

static void destroy(void *storage) { wrt_qnx_futex_destroy(storage); }

/* A QNX futex waiter is receive-blocked on a channel of the model. The
 * suite asks about one waiting thread at a time, so the model's total of
 * receive-blocked threads (capped at n) answers for it. */
static unsigned blocked(void *storage, const int *tids, unsigned n) {
  unsigned total = nto_sim_blocked_receivers_total();
  (void)storage;
  (void)tids;
  return total < n ? total : n;
}

int main(void) {
  static const wrt_futex_backend_t backend = {
      "mutex over qnx futex (Neutrino host model)", create, destroy,
      sizeof(wrt_qnx_futex_t), blocked};
  nto_sim_reset();
  return wrt_mutex_suite_run(&backend);
}
