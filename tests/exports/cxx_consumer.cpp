/*
 * cxx_consumer.cpp - the memory headers used from C++: they compile (the
 * latch's atomics become std::atomic), the inline dispatchers link, and the
 * published object sizes hold for C++ too. Test code only.
 */
#include <cstdio>

#include "wrt/linux_memory.h"
#include "wrt/object_sizes.h"
#include "wrt/qnx_memory.h"

#ifdef WRT_LINUX_ALLOCATOR_SIZE
static_assert(sizeof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_SIZE, "C and C++ agree");
static_assert(alignof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_ALIGN, "C and C++ agree");
static_assert(sizeof(wrt_qnx_allocator_t) == WRT_QNX_ALLOCATOR_SIZE, "C and C++ agree");
#endif

int main() {
  wrt_linux_allocator_t a;
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  if (wrt_linux_allocator_init(&a, &c) != WRT_OK)
    return 1;
  uint8_t *base = nullptr;
  size_t size = 0;
  wrt_region_info_t info;
  bool ok = wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, WRT_MAX_PAGES_NONE,
                                        &base, &size) == WRT_OK &&
            wrt_page_allocator_query(wrt_linux_allocator_base(&a), &info) == WRT_OK &&
            info.base == base && wrt_region_info_contains(&info, base) &&
            wrt_region_info_in_guard(&info, base + size);
  wrt_linux_allocator_destroy(&a);
  std::printf("C++ consumer: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
