/*
 * checked_math.h - overflow-checked size arithmetic (internal to the library).
 *
 * Every size the library computes goes through these: each reports
 * WRT_E_OVERFLOW instead of wrapping and leaves *out unchanged on error.
 * OS-free: includes only status.h and the C library; used by src/core,
 * src/linux and src/qnx.
 */
#ifndef WRT_CORE_CHECKED_MATH_H
#define WRT_CORE_CHECKED_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

/* *out = a + b */
wrt_status wrt_size_add(size_t a, size_t b, size_t *out);
/* *out = a * b */
wrt_status wrt_size_mul(size_t a, size_t b, size_t *out);
/* *out = pages * WRT_WASM_PAGE_SIZE */
wrt_status wrt_pages_to_bytes(uint32_t pages, size_t *out);
/* *out = value rounded up to a multiple of align; align must be a power of
 * two (else WRT_E_INVALID_ARG). */
wrt_status wrt_size_round_up(size_t value, size_t align, size_t *out);
/* true when align is a power of two and value a multiple of it */
bool wrt_size_is_aligned(size_t value, size_t align);
/* true when [offset, offset+len) lies inside [0, size), without overflow */
bool wrt_range_within(size_t offset, size_t len, size_t size);

#endif
