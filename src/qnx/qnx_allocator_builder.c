/*
 * qnx_allocator_builder.c - the QNX allocator's default configuration and
 * its builder (the seed's QnxAllocatorBuilder); see include/wrt/qnx_memory.h.
 *
 * OS-free: it only fills a wrt_qnx_allocator_config_t and hands it to
 * wrt_qnx_allocator_init(), which validates it. Includes only wrt headers and
 * <string.h>.
 */
#include "wrt/qnx_memory.h"

#include <string.h>

/* ---- config -------------------------------------------------------------- */

wrt_qnx_allocator_config_t wrt_qnx_allocator_config_default(void) {
  wrt_qnx_allocator_config_t c;
  (void)memset(&c, 0, sizeof c);
  c.guard_pages = false;
  c.guard_size = WRT_WASM_PAGE_SIZE;
  c.max_pages = WRT_WASM_MAX_PAGES;
  c.growth = WRT_GROW_RESERVE;
  c.reserve_pages = 0u;
  c.lazy = false;
  c.typed_memory = NULL;
  c.partition = NULL;
  c.guard_before = WRT_GUARD_FROM_SIZE;
  c.guard_after = WRT_GUARD_FROM_SIZE;
  c.guard_reach = 0u;
  c.no_move = false;
  c.memory64 = false;
  c.placement = wrt_placement_default();
  return c;
}

/* ---- builder ------------------------------------------------------------- */

wrt_qnx_allocator_builder_t wrt_qnx_allocator_builder_new(void) {
  wrt_qnx_allocator_builder_t b;
  b.config = wrt_qnx_allocator_config_default();
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_pages(wrt_qnx_allocator_builder_t b,
                                           bool guard_pages) {
  b.config.guard_pages = guard_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_size(wrt_qnx_allocator_builder_t b,
                                          size_t guard_size) {
  b.config.guard_size = guard_size;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_max_pages(wrt_qnx_allocator_builder_t b,
                                         uint32_t max_pages) {
  b.config.max_pages = max_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_growth(wrt_qnx_allocator_builder_t b,
                                      wrt_growth_strategy growth) {
  b.config.growth = growth;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_reserve_pages(wrt_qnx_allocator_builder_t b,
                                             uint32_t reserve_pages) {
  b.config.reserve_pages = reserve_pages;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_lazy(wrt_qnx_allocator_builder_t b, bool lazy) {
  b.config.lazy = lazy;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_typed_memory(wrt_qnx_allocator_builder_t b,
                                            const char *typed_memory) {
  b.config.typed_memory = typed_memory;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_partition(wrt_qnx_allocator_builder_t b,
                                         wrt_qnx_partition_t *partition) {
  b.config.partition = partition;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_before(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_before = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_after(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_after = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_reach(wrt_qnx_allocator_builder_t b, size_t bytes) {
  b.config.guard_reach = bytes;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_no_move(wrt_qnx_allocator_builder_t b, bool no_move) {
  b.config.no_move = no_move;
  return b;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_memory64(wrt_qnx_allocator_builder_t b, bool memory64) {
  b.config.memory64 = memory64;
  return b;
}

wrt_status wrt_qnx_allocator_build(const wrt_qnx_allocator_builder_t *b,
                                   wrt_qnx_allocator_t *out) {
  if (b == NULL || out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return wrt_qnx_allocator_init(out, &b->config);
}
