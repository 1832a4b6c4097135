/*
 * fuzz_common.h - what every libFuzzer harness here shares: a cursor that
 * decodes the fuzzer's bytes into operations and arguments, and a check that
 * aborts (so libFuzzer records a crash with its input) when an invariant of
 * the library fails. Harness code only; includes the C library and status.h.
 */
#ifndef WRT_FUZZ_COMMON_H
#define WRT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt/status.h"

typedef struct {
  const uint8_t *data;
  size_t size;
  size_t pos;
} fz_cursor;

static inline int fz_more(const fz_cursor *c) { return c->pos < c->size; }

/* The next n bytes as a little-endian number; zeros once the input ends, so
 * every input decodes to a finite, well-defined sequence of calls. */
static inline uint64_t fz_bytes(fz_cursor *c, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) {
    uint64_t b = 0;
    if (c->pos < c->size) {
      b = c->data[c->pos];
      c->pos++;
    }
    v |= b << (8u * i);
  }
  return v;
}
static inline uint8_t fz_u8(fz_cursor *c) { return (uint8_t)fz_bytes(c, 1); }
static inline uint32_t fz_u32(fz_cursor *c) { return (uint32_t)fz_bytes(c, 4); }
static inline size_t fz_size(fz_cursor *c) { return (size_t)fz_bytes(c, sizeof(size_t)); }

/* A size that is mostly interesting: small, near a power of two, near
 * SIZE_MAX, or anything. */
static inline size_t fz_size_interesting(fz_cursor *c) {
  uint8_t kind = fz_u8(c);
  switch (kind % 6u) {
  case 0: return (size_t)fz_u8(c);
  case 1: return SIZE_MAX - (size_t)fz_u8(c);
  case 2: {
    unsigned sh = fz_u8(c) % (unsigned)(8u * sizeof(size_t));
    return ((size_t)1 << sh) + (size_t)(int8_t)fz_u8(c);
  }
  case 3: return (size_t)fz_u32(c);
  case 4: return (size_t)fz_u32(c) * (size_t)65536u;
  default: return fz_size(c);
  }
}

#define FZ_CHECK(cond)                                                        \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,    \
              #cond);                                                         \
      abort();                                                                \
    }                                                                         \
  } while (0)

static inline int fz_status_valid(wrt_status s) {
  return (unsigned)s < (unsigned)WRT_STATUS_COUNT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
