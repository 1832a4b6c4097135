/* test_mutex_linux.c - the wrt_mutex suite over the Linux futex.
 * Test code: cmocka, the suite, the Linux futex. */
#include <stddef.h>
#include <stdint.h>

#include "mutex_suite.h"
#include "wrt/linux_sync.h"

static wrt_futex_t *create(void *storage, uint32_t v) {
  wrt_linux_futex_t *f = storage;
  return wrt_linux_futex_init(f, v) == WRT_OK ? wrt_linux_futex_base(f) : NULL;
}

static void destroy(void *storage) { wrt_linux_futex_destroy(storage); }

static unsigned blocked(void *storage, const int *tids, unsigned n) {
  (void)storage;
  return wrt_test_linux_count_futex_blocked(tids, n);
}

int main(void) {
  static const wrt_futex_backend_t backend = {
      "mutex over linux futex", create, destroy, sizeof(wrt_linux_futex_t),
      blocked};
  return wrt_mutex_suite_run(&backend);
}
