/* main.c - a QNX consumer of the installed library: allocate and grow with
 * the QNX allocator, take a CRC-32C, name the wasm2c backend. Built by
 * scripts/checks/16-qnx-cross.sh through the QNX toolchain files. */
#include <stdio.h>

#include <wrt/crc32c.h>
#include <wrt/qnx_memory.h>
#if defined(HAVE_WRT_WASM2C)
#include <wrt/wasm2c.h>
#endif

int main(void) {
  wrt_qnx_allocator_t a;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  uint8_t *base;
  size_t size;
  if (wrt_qnx_allocator_init(&a, &c) != WRT_OK ||
      wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, 2, &base, &size) != WRT_OK ||
      wrt_page_allocator_grow(wrt_qnx_allocator_base(&a), 1, 1, &base, &size) != WRT_OK) {
    return 1;
  }
  base[size - 1] = 1;
  wrt_qnx_allocator_destroy(&a);
  printf("qnx consumer: %zu bytes via the installed package, crc32c %s", size,
         wrt_crc32c_implementation());
#if defined(HAVE_WRT_WASM2C)
  printf(", wasm2c backend %s", wrt_w2c_backend_name(WRT_W2C_BACKEND_QNX));
#endif
  printf("\n");
  return 0;
}
