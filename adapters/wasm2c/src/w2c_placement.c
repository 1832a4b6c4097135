/*
 * w2c_placement.c - the placement of the adapter's memories
 * (wrt/wasm2c_placement.h): the setting for new memories, checked against
 * the backend when set, and the shared-object query. May use the heap (the
 * adapter is not the library) but needs none.
 */
#include <stdatomic.h>
#include <string.h>

#include "w2c_internal.h"
#include "wrt/wasm2c_placement.h"
#if defined(WRT_W2C_HAVE_LINUX)
#include "wrt/linux_memory.h"
#include "wrt/linux_placement.h"
#endif
#if defined(WRT_W2C_HAVE_QNX)
#include "wrt/qnx_memory.h"
#endif

/* Global on purpose, like the backend choice: wasm_rt_allocate_memory takes
 * no options. Written only while no memory is being allocated (header). */
static wrt_placement_t g_placement;
static atomic_bool g_placement_set;

wrt_placement_t w2c_placement_current(void) {
  return atomic_load(&g_placement_set) ? g_placement : wrt_placement_default();
}

wrt_placement_t wrt_w2c_get_placement(void) { return w2c_placement_current(); }

int wrt_w2c_set_placement(const wrt_placement_t *placement) {
  wrt_placement_t p = placement != NULL ? *placement : wrt_placement_default();
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  if (p.huge == WRT_HUGE_EXPLICIT) {
    return -1;
  }
#endif
  wrt_status st = WRT_E_UNSUPPORTED;
  wrt_w2c_backend b = wrt_w2c_get_backend();
#if defined(WRT_W2C_HAVE_LINUX)
  if (b == WRT_W2C_BACKEND_LINUX) {
    static wrt_linux_allocator_t probe;
    wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
    c.placement = p;
    st = wrt_linux_allocator_init(&probe, &c);
    wrt_linux_allocator_destroy(&probe);
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (b == WRT_W2C_BACKEND_QNX) {
    static wrt_qnx_allocator_t probe;
    wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
    c.placement = p;
    st = wrt_qnx_allocator_init(&probe, &c);
    wrt_qnx_allocator_destroy(&probe);
  }
#endif
  (void)b;
  if (st != WRT_OK) {
    return -1;
  }
  g_placement = p;
  atomic_store(&g_placement_set, true);
  return 0;
}

int wrt_w2c_memory_shared_fd(const wasm_rt_memory_t *memory) {
  wrt_w2c_backend backend;
  const void *alloc = w2c_allocator_of(memory, &backend);
  int fd = -1;
  if (alloc == NULL) {
    return -1;
  }
#if defined(WRT_W2C_HAVE_LINUX)
  if (backend == WRT_W2C_BACKEND_LINUX &&
      wrt_linux_allocator_shared_fd((const wrt_linux_allocator_t *)alloc, &fd) != WRT_OK) {
    return -1;
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  if (backend == WRT_W2C_BACKEND_QNX &&
      wrt_qnx_allocator_shared_fd((const wrt_qnx_allocator_t *)alloc, &fd) != WRT_OK) {
    return -1;
  }
#endif
  return fd;
}
