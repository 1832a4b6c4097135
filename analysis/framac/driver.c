/*
 * driver.c - the entry point Frama-C EVA analyses src/core from. Each
 * function of src/core is called with every value its arguments can take
 * (Frama_C_*_interval: the whole range of the type) and with both a valid
 * and a NULL out-pointer, so "no alarm" means no run-time error for ANY
 * input, not for some inputs. Analysis code only: never compiled into the
 * library. Includes Frama-C's builtins and the headers under analysis;
 * parts for src/core files that are not in the tree yet are enabled by the
 * WRT_FC_HAVE_* macros that scripts/checks/40-framac.sh defines.
 */
#include "__fc_builtin.h"

#include <stddef.h>
#include <stdint.h>

#include "checked_math.h"
#include "wrt/memory.h"
#include "wrt/status.h"

static size_t any_size(void) { return Frama_C_size_t_interval(0u, SIZE_MAX); }

/* A valid out-pointer or NULL. */
static size_t *maybe_null(size_t *p) { return Frama_C_nondet_ptr(p, NULL); }

static void checked_math(void) {
  size_t out = 0u;
  (void)wrt_size_add(any_size(), any_size(), maybe_null(&out));
  (void)wrt_size_mul(any_size(), any_size(), maybe_null(&out));
  (void)wrt_pages_to_bytes(Frama_C_unsigned_int_interval(0u, UINT32_MAX), maybe_null(&out));
  (void)wrt_size_round_up(any_size(), any_size(), maybe_null(&out));
  (void)wrt_size_is_aligned(any_size(), any_size());
  (void)wrt_range_within(any_size(), any_size(), any_size());
}

static void status(void) {
  /* Every enumerator and values outside the enum (a caller's cast). */
  const char *t = wrt_status_str((wrt_status)Frama_C_interval(0, WRT_STATUS_COUNT + 5));
  Frama_C_show_each_status_text_is_nonnull(t != NULL);
}

#ifdef WRT_FC_HAVE_CRC32C
uint32_t wrt_crc32c(uint32_t crc, const void *data, size_t len);
static void crc32c(void) {
  uint8_t buf[64];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = Frama_C_unsigned_char_interval(0u, UINT8_MAX);
  size_t off = Frama_C_size_t_interval(0u, sizeof buf);
  size_t len = Frama_C_size_t_interval(0u, sizeof buf - off);
  (void)wrt_crc32c(Frama_C_unsigned_int_interval(0u, UINT32_MAX), buf + off, len);
  (void)wrt_crc32c(0u, NULL, 0u);
}
#endif

int main(void) {
  checked_math();
  status();
#ifdef WRT_FC_HAVE_CRC32C
  crc32c();
#endif
  return 0;
}
