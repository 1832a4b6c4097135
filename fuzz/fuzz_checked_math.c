/*
 * fuzz_checked_math.c - libFuzzer harness for the checked size arithmetic
 * (src/core/checked_math.c). Each input is a sequence of calls with
 * arguments biased to the edges; every result is compared with the
 * compiler's __builtin_*_overflow or exact 128-bit arithmetic, the output
 * must be untouched on error, and wrt_status_str must be total. wrt_crc32c
 * (whichever path this CPU takes) is compared with a bit-at-a-time
 * reference on input bytes at every alignment, whole and split in two.
 */
#include "fuzz_common.h"

#include <stdbool.h>

#include "checked_math.h"
#include "wrt/crc32c.h"
#include "wrt/memory.h"

typedef unsigned __int128 u128;

static const size_t kSentinel = (size_t)0x5a5a5a5a5a5a5a5aull;

static bool pow2(size_t v) { return v != 0u && (v & (v - 1u)) == 0u; }

static void check_add(size_t a, size_t b) {
  size_t out = kSentinel, ref;
  bool ovf = __builtin_add_overflow(a, b, &ref);
  wrt_status s = wrt_size_add(a, b, &out);
  if (ovf) {
    FZ_CHECK(s == WRT_E_OVERFLOW);
    FZ_CHECK(out == kSentinel);
  } else {
    FZ_CHECK(s == WRT_OK);
    FZ_CHECK(out == ref);
  }
  FZ_CHECK(wrt_size_add(a, b, NULL) == WRT_E_INVALID_ARG);
}

static void check_mul(size_t a, size_t b) {
  size_t out = kSentinel, ref;
  bool ovf = __builtin_mul_overflow(a, b, &ref);
  wrt_status s = wrt_size_mul(a, b, &out);
  if (ovf) {
    FZ_CHECK(s == WRT_E_OVERFLOW);
    FZ_CHECK(out == kSentinel);
  } else {
    FZ_CHECK(s == WRT_OK);
    FZ_CHECK(out == ref);
  }
  FZ_CHECK(wrt_size_mul(a, b, NULL) == WRT_E_INVALID_ARG);
}

static void check_pages(uint32_t pages) {
  size_t out = kSentinel;
  u128 exact = (u128)pages * (u128)WRT_WASM_PAGE_SIZE;
  wrt_status s = wrt_pages_to_bytes(pages, &out);
  if (exact > (u128)SIZE_MAX) {
    FZ_CHECK(s == WRT_E_OVERFLOW);
    FZ_CHECK(out == kSentinel);
  } else {
    FZ_CHECK(s == WRT_OK);
    FZ_CHECK((u128)out == exact);
  }
  FZ_CHECK(wrt_pages_to_bytes(pages, NULL) == WRT_E_INVALID_ARG);
}

static void check_round_up(size_t value, size_t align) {
  size_t out = kSentinel;
  wrt_status s = wrt_size_round_up(value, align, &out);
  if (!pow2(align)) {
    FZ_CHECK(s == WRT_E_INVALID_ARG);
    FZ_CHECK(out == kSentinel);
    return;
  }
  /* The exact smallest multiple of align that is >= value. */
  u128 exact = (((u128)value + (u128)align - 1u) / (u128)align) * (u128)align;
  if (exact > (u128)SIZE_MAX) {
    FZ_CHECK(s == WRT_E_OVERFLOW);
    FZ_CHECK(out == kSentinel);
  } else {
    FZ_CHECK(s == WRT_OK);
    FZ_CHECK((u128)out == exact);
    FZ_CHECK(out >= value && out % align == 0u);
  }
  FZ_CHECK(wrt_size_round_up(value, align, NULL) == WRT_E_INVALID_ARG);
}

static void check_aligned(size_t value, size_t align) {
  bool expect = pow2(align) && value % align == 0u;
  FZ_CHECK(wrt_size_is_aligned(value, align) == expect);
}

static void check_within(size_t offset, size_t len, size_t size) {
  bool expect = (u128)offset + (u128)len <= (u128)size;
  FZ_CHECK(wrt_range_within(offset, len, size) == expect);
}

static void check_status_str(uint32_t code) {
  const char *t = wrt_status_str((wrt_status)code);
  FZ_CHECK(t != NULL && t[0] != '\0');
  if (code < WRT_STATUS_COUNT) {
    FZ_CHECK(strncmp(t, "WRT_", 4) == 0);
  } else {
    FZ_CHECK(strcmp(t, "unknown wrt_status") == 0);
  }
}

/* Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78), zlib convention. */
static uint32_t crc_ref(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void check_crc(fz_cursor *c) {
  static uint8_t buf[4096 + 16];
  uint32_t seed = fz_u32(c);
  size_t align = fz_u8(c) % 16u;
  size_t n = c->size - c->pos;
  if (n > 4096u)
    n = 4096u;
  memcpy(buf + align, c->data + c->pos, n);
  c->pos += n;
  const uint8_t *p = buf + align;
  uint32_t want = crc_ref(seed, p, n);
  FZ_CHECK(wrt_crc32c(seed, p, n) == want);
  size_t cut = n == 0u ? 0u : (size_t)seed % (n + 1u);
  FZ_CHECK(wrt_crc32c(wrt_crc32c(seed, p, cut), p + cut, n - cut) == want);
  FZ_CHECK(wrt_crc32c(seed, NULL, 0u) == seed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_cursor c = {data, size, 0};
  while (fz_more(&c)) {
    uint8_t op = fz_u8(&c);
    switch (op % 8u) {
    case 0: {
      size_t a = fz_size_interesting(&c);
      check_add(a, fz_size_interesting(&c));
      break;
    }
    case 1: {
      size_t a = fz_size_interesting(&c);
      check_mul(a, fz_size_interesting(&c));
      break;
    }
    case 2: check_pages(fz_u32(&c)); break;
    case 3: {
      size_t v = fz_size_interesting(&c);
      check_round_up(v, fz_size_interesting(&c));
      break;
    }
    case 4: {
      size_t v = fz_size_interesting(&c);
      check_aligned(v, fz_size_interesting(&c));
      break;
    }
    case 5: {
      size_t o = fz_size_interesting(&c);
      size_t l = fz_size_interesting(&c);
      check_within(o, l, fz_size_interesting(&c));
      break;
    }
    case 6: check_status_str(fz_u32(&c) % 64u); break;
    default: check_crc(&c); break;
    }
  }
  return 0;
}
