/* test_page_rules.c - the page-allocator contract rules every backend shares:
 * which arguments are INVALID_ARG, which are LIMIT, and how much address
 * space a region reserves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "page_rules.h"

#define MAXP WRT_WASM_MAX_PAGES

static void config_rules(void **state) {
  (void)state;
  assert_int_equal(wrt_page_check_config(false, 65536, MAXP, WRT_GROW_RESERVE, 0, 4096), WRT_OK);
  assert_int_equal(wrt_page_check_config(true, 4096, 1, WRT_GROW_EXACT, MAXP, 4096), WRT_OK);
  assert_int_equal(wrt_page_check_config(false, 0, 1, WRT_GROW_EXACT, 0, 4096), WRT_OK);
  assert_int_equal(wrt_page_check_config(true, 0, 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(false, 100, 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(true, SIZE_MAX, 1, WRT_GROW_EXACT, 0, 4096),
                   WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(false, 0, 0, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(false, 0, MAXP + 1, WRT_GROW_EXACT, 0, 4096),
                   WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(false, 0, 1, (wrt_growth_strategy)2, 0, 4096),
                   WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_config(false, 0, 1, WRT_GROW_EXACT, MAXP + 1, 4096),
                   WRT_E_INVALID_ARG);
  /* OS pages that do not divide a Wasm page cannot back one */
  assert_int_equal(wrt_page_check_config(false, 0, 1, WRT_GROW_EXACT, 0, 3000), WRT_E_UNSUPPORTED);
  assert_int_equal(wrt_page_check_config(false, 0, 1, WRT_GROW_EXACT, 0, 131072), WRT_E_UNSUPPORTED);
  assert_int_equal(wrt_page_check_config(false, 0, 1, WRT_GROW_EXACT, 0, 65536), WRT_OK);
}

static void allocate_rules(void **state) {
  (void)state;
  uint32_t max = 7;
  assert_int_equal(wrt_page_check_allocate(2, 4, 10, &max), WRT_OK);
  assert_int_equal(max, 4);
  assert_int_equal(wrt_page_check_allocate(2, 0, 10, &max), WRT_OK);
  assert_int_equal(max, 10);
  assert_int_equal(wrt_page_check_allocate(0, 0, 10, &max), WRT_OK);
  max = 7;
  assert_int_equal(wrt_page_check_allocate(3, 2, 10, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(MAXP + 1, 0, MAXP, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(1, MAXP + 1, MAXP, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(1, 11, 10, &max), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_allocate(11, 0, 10, &max), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_allocate(1, 1, 10, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(max, 7); /* untouched on every error */
}

static void grow_rules(void **state) {
  (void)state;
  assert_int_equal(wrt_page_check_grow(2, 4, 2, 2), WRT_OK);
  assert_int_equal(wrt_page_check_grow(2, 4, 2, 0), WRT_OK);
  assert_int_equal(wrt_page_check_grow(2, 4, 2, 3), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_grow(2, 4, 2, UINT32_MAX), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_grow(MAXP, MAXP, MAXP, 1), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_grow(2, 4, 1, 1), WRT_E_INVALID_ARG);
}

static void protect_rules(void **state) {
  (void)state;
  assert_int_equal(wrt_page_check_protect(0, 4096, 4096, WRT_MEM_NONE), WRT_OK);
  assert_int_equal(wrt_page_check_protect(8192, 4096, 4096, WRT_MEM_READ), WRT_OK);
  assert_int_equal(wrt_page_check_protect(0, 0, 4096, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_protect(1, 4096, 4096, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_protect(0, 4097, 4096, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_protect(0, 4096, 4096, (wrt_mem_access)3), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_protect(0, 4096, 4096, (wrt_mem_access)-1), WRT_E_INVALID_ARG);
}

static void reservation_sizes(void **state) {
  (void)state;
  assert_int_equal(wrt_page_reservation(WRT_GROW_EXACT, 0, 2, 100), 2);
  assert_int_equal(wrt_page_reservation(WRT_GROW_RESERVE, 0, 2, 100), 100);
  assert_int_equal(wrt_page_reservation(WRT_GROW_RESERVE, 10, 2, 100), 10);
  assert_int_equal(wrt_page_reservation(WRT_GROW_RESERVE, 10, 20, 100), 20);
  assert_int_equal(wrt_page_reservation(WRT_GROW_RESERVE, 500, 2, 100), 100);
  assert_int_equal(wrt_page_moved_reservation(WRT_GROW_EXACT, 10, 11, 100), 11);
  assert_int_equal(wrt_page_moved_reservation(WRT_GROW_RESERVE, 10, 11, 100), 20);
  assert_int_equal(wrt_page_moved_reservation(WRT_GROW_RESERVE, 10, 50, 100), 50);
  assert_int_equal(wrt_page_moved_reservation(WRT_GROW_RESERVE, 80, 81, 100), 100);
  assert_int_equal(wrt_page_moved_reservation(WRT_GROW_RESERVE, UINT32_MAX, MAXP, MAXP), MAXP);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(config_rules),  cmocka_unit_test(allocate_rules),
      cmocka_unit_test(grow_rules),    cmocka_unit_test(protect_rules),
      cmocka_unit_test(reservation_sizes),
  };
  return cmocka_run_group_tests_name("page_rules", tests, NULL, NULL);
}
