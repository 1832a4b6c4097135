/* main.c - a consumer of the installed library: allocate, grow, free. */
#include <stdio.h>

#include <wrt/linux_memory.h>

int main(void) {
  wrt_linux_allocator_t a;
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  uint8_t *base;
  size_t size;
  if (wrt_linux_allocator_init(&a, &c) != WRT_OK ||
      wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, 2, &base, &size) != WRT_OK ||
      wrt_page_allocator_grow(wrt_linux_allocator_base(&a), 1, 1, &base, &size) != WRT_OK)
    return 1;
  base[size - 1] = 1;
  wrt_linux_allocator_destroy(&a);
  printf("consumer: %zu bytes via the installed package\n", size);
  return 0;
}
