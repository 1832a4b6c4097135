/*
 * fuzz_qnx_allocator.c - libFuzzer harness for the QNX page allocator
 * (src/qnx/qnx_memory.c) on the Neutrino host model: every allocator is
 * made through the builder (wrt_qnx_allocator_builder_* then _build) from a
 * fuzzed configuration, then driven by the same call sequences and checked
 * against the same invariants as the Linux allocator (fuzz_allocator.h).
 * Harness code only.
 */
#include "fuzz_allocator.h"

#include "wrt/qnx_memory.h"

static wrt_qnx_allocator_t g_alloc; /* the object under test, one per input */
static bool g_lazy;

static wrt_page_allocator_t *qx_create(const fz_alloc_cfg *cfg, wrt_status *st) {
  wrt_qnx_allocator_builder_t b = wrt_qnx_allocator_builder_new();
  b = wrt_qnx_allocator_builder_with_guard_pages(b, cfg->guard_pages);
  b = wrt_qnx_allocator_builder_with_guard_size(b, cfg->guard_size);
  b = wrt_qnx_allocator_builder_with_max_pages(b, cfg->max_pages);
  b = wrt_qnx_allocator_builder_with_growth(b, cfg->growth);
  b = wrt_qnx_allocator_builder_with_reserve_pages(b, cfg->reserve_pages);
  b = wrt_qnx_allocator_builder_with_lazy(b, g_lazy);
  g_lazy = !g_lazy;
  /* The builder holds exactly what was set. */
  FZ_CHECK(b.config.guard_pages == cfg->guard_pages && b.config.guard_size == cfg->guard_size &&
           b.config.max_pages == cfg->max_pages && b.config.growth == cfg->growth &&
           b.config.reserve_pages == cfg->reserve_pages);
  memset(&g_alloc, 0, sizeof g_alloc);
  *st = wrt_qnx_allocator_build(&b, &g_alloc);
  return *st == WRT_OK ? wrt_qnx_allocator_base(&g_alloc) : NULL;
}

static void qx_destroy(void) { wrt_qnx_allocator_destroy(&g_alloc); }

static wrt_page_allocator_t *qx_base(void) { return wrt_qnx_allocator_base(&g_alloc); }

static const fz_backend kQnx = {qx_create, qx_destroy, qx_base, true};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FZ_CHECK(wrt_qnx_allocator_build(NULL, &g_alloc) == WRT_E_INVALID_ARG);
  return fz_allocator_run(&kQnx, data, size);
}
