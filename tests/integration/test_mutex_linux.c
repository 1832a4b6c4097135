/* test_mutex_linux.c - the wrt_mutex suite over the Linux futex.
 * Test code: cmocka, the suite, the Linux futex. */
#include "linux_futex_backend.h"
#include "mutex_suite.h"

int main(void) {
  wrt_futex_backend_t backend = wrt_test_linux_futex_backend;
  backend.name = "mutex over linux futex";
  return wrt_mutex_suite_run(&backend);
}
