/*
 * pic_library.c - the body of a shared object built from the whole static
 * library (tests/46-exports.cmake): it links only if the library is
 * position-independent (WRT_PIC), and its dynamic symbols are the library's
 * exported names. It adds two helpers that test_exported_symbols.c cannot
 * write itself without the headers' inline definitions: making a Linux
 * allocator and a Linux futex in caller storage. Test code only.
 */
#include <stddef.h>
#include <stdint.h>

#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"

wrt_page_allocator_t *wrt_test_make_allocator(void *storage);
wrt_futex_t *wrt_test_make_futex(void *storage);

wrt_page_allocator_t *wrt_test_make_allocator(void *storage) {
  wrt_linux_allocator_t *a = storage;
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.guard_pages = true;
  if (wrt_linux_allocator_init(a, &c) != WRT_OK)
    return NULL;
  return wrt_linux_allocator_base(a);
}

wrt_futex_t *wrt_test_make_futex(void *storage) {
  wrt_linux_futex_t *f = storage;
  if (wrt_linux_futex_init(f, 0u) != WRT_OK)
    return NULL;
  return wrt_linux_futex_base(f);
}
