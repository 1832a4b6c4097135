/*
 * checked_math.c - overflow-checked size arithmetic; see checked_math.h.
 * OS-free (src/core): no OS header may be included here.
 */
#include "checked_math.h"

#include "wrt/memory.h"

wrt_status wrt_size_add(size_t a, size_t b, size_t *out) {
  if (out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (a > SIZE_MAX - b) {
    return WRT_E_OVERFLOW;
  }
  *out = a + b;
  return WRT_OK;
}

wrt_status wrt_size_mul(size_t a, size_t b, size_t *out) {
  if (out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (a != 0u && b > SIZE_MAX / a) {
    return WRT_E_OVERFLOW;
  }
  *out = a * b;
  return WRT_OK;
}

wrt_status wrt_pages_to_bytes(uint32_t pages, size_t *out) {
  return wrt_size_mul((size_t)pages, (size_t)WRT_WASM_PAGE_SIZE, out);
}

static bool is_power_of_two(size_t v) {
  return v != 0u && (v & (v - 1u)) == 0u;
}

wrt_status wrt_size_round_up(size_t value, size_t align, size_t *out) {
  size_t sum;
  wrt_status st;
  if (out == NULL || !is_power_of_two(align)) {
    return WRT_E_INVALID_ARG;
  }
  st = wrt_size_add(value, align - 1u, &sum);
  if (st != WRT_OK) {
    return st;
  }
  *out = sum & ~(align - 1u);
  return WRT_OK;
}

bool wrt_size_is_aligned(size_t value, size_t align) {
  return is_power_of_two(align) && (value & (align - 1u)) == 0u;
}

bool wrt_range_within(size_t offset, size_t len, size_t size) {
  return offset <= size && len <= size - offset;
}
