/*
 * w2c_pool.c - pools of linear-memory slots for the adapter (issue 25):
 * wrt_w2c_pool_new / wrt_w2c_pool_delete make and free a wrt_pool_t (and
 * its slot table) on the heap with the guards this build's memories need,
 * so that wrt_w2c_set_pool (w2c_memory.c) can hand every memory a slot
 * instead of mapping one. May include: the public wrt headers, wasm-rt.h,
 * the C library.
 */
#include <stdlib.h>

#include "w2c_internal.h"
#include "wrt/pool.h"

struct wrt_pool *wrt_w2c_pool_new(wrt_w2c_backend backend, unsigned slots,
                                  size_t keep_resident) {
  if (slots == 0u || !wrt_w2c_backend_available(backend)) {
    return NULL;
  }
  wrt_pool_t *p = calloc(1, sizeof *p);
  wrt_pool_slot_t *table = calloc(slots, sizeof *table);
  if (p == NULL || table == NULL) {
    free(p);
    free(table);
    return NULL;
  }
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 65535u; /* wasm_rt_memory_t.size's limit (w2c_memory.c) */
  w2c_memory_guards(&c.guard_before, &c.guard_after, &c.guard_reach);
  c.keep_resident = keep_resident;
  /* A bounds-check build checks every access against the size itself:
   * its slots need no access change per instance (wrt/pool.h). */
  c.software_bounds = !wrt_w2c_guard_pages();
  wrt_status st = WRT_E_UNSUPPORTED;
#if defined(WRT_W2C_HAVE_LINUX)
  if (backend == WRT_W2C_BACKEND_LINUX) {
    st = wrt_linux_pool_init(p, table, slots, &c);
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (backend == WRT_W2C_BACKEND_QNX) {
    st = wrt_qnx_pool_init(p, table, slots, &c);
  }
#endif
  if (st != WRT_OK) {
    free(p);
    free(table);
    return NULL;
  }
  return p;
}

int wrt_w2c_pool_delete(struct wrt_pool *pool) {
  if (pool == NULL) {
    return 0;
  }
  wrt_pool_slot_t *table = pool->slots;
  if (wrt_pool_destroy(pool) != WRT_OK) {
    return -1;
  }
  if (wrt_w2c_get_pool() == pool) {
    (void)wrt_w2c_set_pool(NULL);
  }
  free(table);
  free(pool);
  return 0;
}
