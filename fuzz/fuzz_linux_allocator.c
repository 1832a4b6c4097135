/*
 * fuzz_linux_allocator.c - libFuzzer harness for the Linux page allocator
 * (src/linux/linux_memory.c): random sequences of init / allocate / grow /
 * protect / deallocate / destroy with the invariants of fuzz_allocator.h
 * checked after every call. Harness code only.
 */
#include "fuzz_allocator.h"

#include "wrt/linux_memory.h"

static wrt_linux_allocator_t g_alloc; /* the object under test, one per input */

static wrt_page_allocator_t *lx_create(const fz_alloc_cfg *cfg, wrt_status *st) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.guard_pages = cfg->guard_pages;
  c.guard_size = cfg->guard_size;
  c.max_pages = cfg->max_pages;
  c.growth = cfg->growth;
  c.reserve_pages = cfg->reserve_pages;
  memset(&g_alloc, 0, sizeof g_alloc);
  *st = wrt_linux_allocator_init(&g_alloc, &c);
  return *st == WRT_OK ? wrt_linux_allocator_base(&g_alloc) : NULL;
}

static void lx_destroy(void) { wrt_linux_allocator_destroy(&g_alloc); }

static wrt_page_allocator_t *lx_base(void) { return wrt_linux_allocator_base(&g_alloc); }

static const fz_backend kLinux = {lx_create, lx_destroy, lx_base, true};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fz_allocator_run(&kLinux, data, size);
}
