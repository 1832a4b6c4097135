/*
 * linux_futex_backend.c - see linux_futex_backend.h. Test code only.
 */
#include "linux_futex_backend.h"

#include <string.h>

#include "wrt/linux_sync.h"

static wrt_futex_t *create(void *storage, uint32_t v) {
  wrt_linux_futex_t *f = storage;
  /* A test that failed midway left it live; init wants zeroed storage. */
  memset(f, 0, sizeof *f);
  return wrt_linux_futex_init(f, v) == WRT_OK ? wrt_linux_futex_base(f) : NULL;
}

static void destroy(void *storage) { wrt_linux_futex_destroy(storage); }

static unsigned blocked(void *storage, const int *tids, unsigned n) {
  (void)storage;
  return wrt_test_linux_count_futex_blocked(tids, n);
}

const wrt_futex_backend_t wrt_test_linux_futex_backend = {
    "linux", create, destroy, sizeof(wrt_linux_futex_t), blocked};
