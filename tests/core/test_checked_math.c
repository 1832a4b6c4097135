/* test_checked_math.c - checked size arithmetic reports overflow instead of
 * wrapping and leaves the output untouched; status texts are total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "checked_math.h"
#include "wrt/memory.h"
#include "wrt/status.h"

static void add_detects_overflow(void **state) {
  (void)state;
  size_t out = 7;
  assert_int_equal(wrt_size_add(SIZE_MAX, 1, &out), WRT_E_OVERFLOW);
  assert_int_equal(out, 7);
  assert_int_equal(wrt_size_add(SIZE_MAX - 1, 1, &out), WRT_OK);
  assert_true(out == SIZE_MAX);
  assert_int_equal(wrt_size_add(1, 2, NULL), WRT_E_INVALID_ARG);
}

static void mul_detects_overflow(void **state) {
  (void)state;
  size_t out = 7;
  assert_int_equal(wrt_size_mul(SIZE_MAX / 2 + 1, 2, &out), WRT_E_OVERFLOW);
  assert_int_equal(out, 7);
  assert_int_equal(wrt_size_mul(SIZE_MAX / 2, 2, &out), WRT_OK);
  assert_true(out == SIZE_MAX - 1);
  assert_int_equal(wrt_size_mul(0, SIZE_MAX, &out), WRT_OK);
  assert_int_equal(out, 0);
  assert_int_equal(wrt_size_mul(SIZE_MAX, 0, &out), WRT_OK);
  assert_int_equal(wrt_size_mul(3, 3, NULL), WRT_E_INVALID_ARG);
}

static void pages_to_bytes_full_range(void **state) {
  (void)state;
  size_t out = 0;
  assert_int_equal(wrt_pages_to_bytes(WRT_WASM_MAX_PAGES, &out), WRT_OK);
  assert_true(out == (size_t)4 * 1024 * 1024 * 1024);
  assert_int_equal(wrt_pages_to_bytes(UINT32_MAX, &out), WRT_OK);
  assert_true(out == (size_t)UINT32_MAX * 65536u);
  assert_int_equal(wrt_pages_to_bytes(0, &out), WRT_OK);
  assert_int_equal(out, 0);
}

static void round_up_checks_alignment_and_overflow(void **state) {
  (void)state;
  size_t out = 9;
  assert_int_equal(wrt_size_round_up(4097, 4096, &out), WRT_OK);
  assert_int_equal(out, 8192);
  assert_int_equal(wrt_size_round_up(4096, 4096, &out), WRT_OK);
  assert_int_equal(out, 4096);
  assert_int_equal(wrt_size_round_up(0, 4096, &out), WRT_OK);
  assert_int_equal(out, 0);
  out = 9;
  assert_int_equal(wrt_size_round_up(SIZE_MAX - 10, 4096, &out), WRT_E_OVERFLOW);
  assert_int_equal(out, 9);
  assert_int_equal(wrt_size_round_up(5, 3, &out), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_size_round_up(5, 0, &out), WRT_E_INVALID_ARG);
  assert_int_equal(out, 9);
}

static void range_and_alignment_predicates(void **state) {
  (void)state;
  assert_true(wrt_range_within(0, 10, 10));
  assert_false(wrt_range_within(1, 10, 10));
  assert_false(wrt_range_within(11, 0, 10));
  assert_false(wrt_range_within(5, SIZE_MAX, 10));
  assert_false(wrt_range_within(SIZE_MAX, 1, SIZE_MAX));
  assert_true(wrt_size_is_aligned(8192, 4096));
  assert_false(wrt_size_is_aligned(8193, 4096));
  assert_false(wrt_size_is_aligned(8192, 3000));
}

static void status_texts_are_distinct_and_total(void **state) {
  (void)state;
  for (int i = 0; i < WRT_STATUS_COUNT; i++) {
    const char *a = wrt_status_str((wrt_status)i);
    assert_non_null(a);
    assert_null(strstr(a, "unknown"));
    for (int j = 0; j < i; j++)
      assert_string_not_equal(a, wrt_status_str((wrt_status)j));
  }
  assert_string_equal(wrt_status_str((wrt_status)WRT_STATUS_COUNT), "unknown wrt_status");
  assert_string_equal(wrt_status_str((wrt_status)-1), "unknown wrt_status");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(add_detects_overflow),
      cmocka_unit_test(mul_detects_overflow),
      cmocka_unit_test(pages_to_bytes_full_range),
      cmocka_unit_test(round_up_checks_alignment_and_overflow),
      cmocka_unit_test(range_and_alignment_predicates),
      cmocka_unit_test(status_texts_are_distinct_and_total),
  };
  return cmocka_run_group_tests_name("checked_math", tests, NULL, NULL);
}
