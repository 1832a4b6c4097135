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

static wrt_page_config_t cfg(bool guards, size_t guard_size, uint32_t max_pages,
                             wrt_growth_strategy growth, uint32_t reserve_pages) {
  wrt_page_config_t c = {guards, guard_size, WRT_GUARD_FROM_SIZE, WRT_GUARD_FROM_SIZE, 0u,
                         max_pages, growth, reserve_pages, false, false};
  return c;
}

static wrt_status check(bool guards, size_t guard_size, uint32_t max_pages,
                        wrt_growth_strategy growth, uint32_t reserve_pages, size_t os_page) {
  wrt_page_config_t c = cfg(guards, guard_size, max_pages, growth, reserve_pages);
  return wrt_page_check_config(&c, os_page);
}

static void config_rules(void **state) {
  (void)state;
  assert_int_equal(check(false, 65536, MAXP, WRT_GROW_RESERVE, 0, 4096), WRT_OK);
  assert_int_equal(check(true, 4096, 1, WRT_GROW_EXACT, MAXP, 4096), WRT_OK);
  assert_int_equal(check(false, 0, 1, WRT_GROW_EXACT, 0, 4096), WRT_OK);
  assert_int_equal(check(true, 0, 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(false, 100, 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(true, SIZE_MAX, 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(false, 0, 0, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(false, 0, MAXP + 1, WRT_GROW_EXACT, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(false, 0, 1, (wrt_growth_strategy)2, 0, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(check(false, 0, 1, WRT_GROW_EXACT, MAXP + 1, 4096), WRT_E_INVALID_ARG);
  /* OS pages that do not divide a Wasm page cannot back one */
  assert_int_equal(check(false, 0, 1, WRT_GROW_EXACT, 0, 3000), WRT_E_UNSUPPORTED);
  assert_int_equal(check(false, 0, 1, WRT_GROW_EXACT, 0, 131072), WRT_E_UNSUPPORTED);
  assert_int_equal(check(false, 0, 1, WRT_GROW_EXACT, 0, 65536), WRT_OK);
}

static void config_rules_guards_and_memory64(void **state) {
  (void)state;
  wrt_page_config_t c = cfg(false, 4096, 1, WRT_GROW_RESERVE, 0);
  /* guard_before / after / reach: multiples of the OS page, checked even
   * with guards off; the FROM_SIZE sentinel is allowed */
  c.guard_before = 0;
  c.guard_after = 8192;
  assert_int_equal(wrt_page_check_config(&c, 4096), WRT_OK);
  c.guard_before = 100;
  assert_int_equal(wrt_page_check_config(&c, 4096), WRT_E_INVALID_ARG);
  c.guard_before = 0;
  c.guard_reach = 4095;
  assert_int_equal(wrt_page_check_config(&c, 4096), WRT_E_INVALID_ARG);
  c.guard_reach = 0;
  /* memory64 lifts the 65536-page limit of max_pages and reserve_pages */
  c.max_pages = MAXP + 1;
  assert_int_equal(wrt_page_check_config(&c, 4096), WRT_E_INVALID_ARG);
  c.memory64 = true;
  assert_int_equal(wrt_page_check_config(&c, 4096),
                   SIZE_MAX > UINT32_MAX ? WRT_OK : WRT_E_OVERFLOW);
  c.reserve_pages = MAXP + 1;
  assert_int_equal(wrt_page_check_config(&c, 4096),
                   SIZE_MAX > UINT32_MAX ? WRT_OK : WRT_E_OVERFLOW);
  c.max_pages = WRT_WASM64_MAX_PAGES + 1u;
  assert_int_equal(wrt_page_check_config(&c, 4096), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_limit(true), WRT_WASM64_MAX_PAGES);
  assert_int_equal(wrt_page_limit(false), MAXP);
}

static void guard_layout(void **state) {
  (void)state;
  size_t before = 1;
  size_t after = 1;
  size_t len = 0;
  wrt_page_config_t c = cfg(false, 65536, 4, WRT_GROW_RESERVE, 0);
  wrt_page_guards(&c, 65536, &before, &after);
  assert_int_equal(before, 0);
  assert_int_equal(after, 0);
  /* an empty reservation still owns one OS page at its base */
  assert_int_equal(wrt_page_mapping_bytes(&c, 0, 4096, &len), WRT_OK);
  assert_int_equal(len, 65536 - 4096 + 4096);
  c.guard_pages = true;
  wrt_page_guards(&c, 65536, &before, &after);
  assert_int_equal(before, 65536); /* FROM_SIZE */
  assert_int_equal(after, 65536);
  c.guard_before = 4096;
  c.guard_after = 0;
  wrt_page_guards(&c, 65536, &before, &after);
  assert_int_equal(before, 4096);
  assert_int_equal(after, 0);
  /* reach widens the trailing guard to cover reach bytes from the base */
  c.guard_reach = 10 * 65536;
  wrt_page_guards(&c, 3 * 65536, &before, &after);
  assert_int_equal(after, 7 * 65536);
  wrt_page_guards(&c, 12 * 65536, &before, &after);
  assert_int_equal(after, 0);
  c.guard_after = 8192;
  wrt_page_guards(&c, 12 * 65536, &before, &after);
  assert_int_equal(after, 8192);
  assert_int_equal(wrt_page_mapping_bytes(&c, 12 * 65536, 4096, &len), WRT_OK);
  assert_int_equal(len, 4096 + 61440 + 12 * 65536 + 8192);
  c.guard_after = SIZE_MAX - 4095;
  len = 7;
  assert_int_equal(wrt_page_mapping_bytes(&c, 65536, 4096, &len), WRT_E_OVERFLOW);
  assert_int_equal(len, 7);
}

static void allocate_rules(void **state) {
  (void)state;
  uint32_t max = 7;
  const uint32_t none = WRT_MAX_PAGES_NONE;
  assert_int_equal(wrt_page_check_allocate(2, 4, 10, false, &max), WRT_OK);
  assert_int_equal(max, 4);
  assert_int_equal(wrt_page_check_allocate(2, none, 10, false, &max), WRT_OK);
  assert_int_equal(max, 10);
  assert_int_equal(wrt_page_check_allocate(0, none, 10, false, &max), WRT_OK);
  /* 0 is a real maximum: (memory 0 0) */
  assert_int_equal(wrt_page_check_allocate(0, 0, 10, false, &max), WRT_OK);
  assert_int_equal(max, 0);
  max = 7;
  assert_int_equal(wrt_page_check_allocate(1, 0, 10, false, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(3, 2, 10, false, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(MAXP + 1, none, MAXP, false, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(1, MAXP + 1, MAXP, false, &max), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_check_allocate(1, 11, 10, false, &max), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_allocate(11, none, 10, false, &max), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_allocate(1, 1, 10, false, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(max, 7); /* untouched on every error */
  /* memory64: above 65536 pages, bounded by the configured maximum */
  assert_int_equal(wrt_page_check_allocate(MAXP + 1, none, MAXP + 5, true, &max), WRT_OK);
  assert_int_equal(max, MAXP + 5);
  assert_int_equal(wrt_page_check_allocate(1, MAXP + 6, MAXP + 5, true, &max), WRT_E_LIMIT);
  assert_int_equal(wrt_page_check_allocate(UINT32_MAX, none, WRT_WASM64_MAX_PAGES, true, &max),
                   WRT_E_INVALID_ARG);
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
      cmocka_unit_test(config_rules),
      cmocka_unit_test(config_rules_guards_and_memory64),
      cmocka_unit_test(guard_layout),      cmocka_unit_test(allocate_rules),
      cmocka_unit_test(grow_rules),    cmocka_unit_test(protect_rules),
      cmocka_unit_test(reservation_sizes),
  };
  return cmocka_run_group_tests_name("page_rules", tests, NULL, NULL);
}
