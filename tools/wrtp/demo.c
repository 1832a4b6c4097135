/*
 * demo.c - `wrtp demo`: the seed's usage example, in C, on the Linux
 * backend (and, where built, on the QNX backend over the Neutrino host
 * model). Prints each step and its status; exits non-zero if any fails.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wrtp.h"
#if defined(__linux__)
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#endif
#if defined(WRTP_HAVE_QNX_MODEL) || defined(__QNX__) || defined(__QNXNTO__)
#include "wrt/qnx_memory.h"
#include "wrt/qnx_sync.h"
#define WRTP_DEMO_QNX 1
#endif

int wrtp_demo_wasm2c(void);

static int step(const char *what, wrt_status st) {
  printf("  %-58s %s\n", what, wrt_status_str(st));
  return st == WRT_OK ? 0 : 1;
}

/* The seed's example over any allocator and futex. */
static int run_example(wrt_page_allocator_t *alloc, wrt_futex_t *futex) {
  int failures = 0;
  uint8_t *base = NULL;
  size_t size = 0;
  char line[128];

  failures += step("allocate(2 pages, maximum 4)", wrt_page_allocator_allocate(alloc, 2, 4, &base, &size));
  if (failures != 0)
    return failures;
  snprintf(line, sizeof line, "  -> base %p, %zu bytes, 64 KiB-aligned: %s", (void *)base, size,
           ((uintptr_t)base % WRT_WASM_PAGE_SIZE) == 0 ? "yes" : "no");
  puts(line);
  memset(base, 0xA5, size);
  uint8_t *before = base;
  failures += step("grow(+1 page)", wrt_page_allocator_grow(alloc, 2, 1, &base, &size));
  printf("  -> %zu bytes, base %s, old contents %s, new page zero: %s\n", size,
         base == before ? "unchanged" : "moved", base[0] == 0xA5 ? "kept" : "LOST",
         base[2 * WRT_WASM_PAGE_SIZE] == 0 ? "yes" : "NO");
  wrt_status limit = wrt_page_allocator_grow(alloc, 3, 2, &base, &size);
  printf("  %-58s %s\n", "grow(+2 pages) past the maximum", wrt_status_str(limit));
  failures += limit == WRT_E_LIMIT ? 0 : 1;

  wrt_futex_set(futex, 1);
  printf("  %-58s %u\n", "futex.set(1); load()", (unsigned)wrt_futex_load(futex));
  if (wrt_futex_compare_exchange(futex, 1, 2)) {
    printf("  %-58s %u\n", "compare_exchange(1, 2) succeeded; load()", (unsigned)wrt_futex_load(futex));
    failures += step("wake_one()", wrt_futex_wake_one(futex));
  } else {
    puts("  compare_exchange(1, 2) FAILED");
    failures++;
  }
  failures += step("wait(expected 1) on a word holding 2 -> does not block",
                   wrt_futex_wait(futex, 1, WRT_WAIT_FOREVER) == WRT_E_AGAIN ? WRT_OK : WRT_E_STATE);
  failures += step("deallocate", wrt_page_allocator_deallocate(alloc, base, size));
  return failures;
}

#if defined(__linux__)
static int demo_linux(void) {
  wrt_linux_allocator_t allocator;
  wrt_linux_futex_t futex;
  memset(&futex, 0, sizeof futex); /* init wants zeroed storage */
  wrt_linux_allocator_config_t cfg = wrt_linux_allocator_config_default();
  cfg.guard_pages = true;
  puts("Linux backend (native)");
  if (step("linux allocator init (guard pages on)", wrt_linux_allocator_init(&allocator, &cfg)) ||
      step("linux futex init", wrt_linux_futex_init(&futex, 0)))
    return 1;
  int failures = run_example(wrt_linux_allocator_base(&allocator), wrt_linux_futex_base(&futex));
  wrt_linux_futex_destroy(&futex);
  wrt_linux_allocator_destroy(&allocator);
  return failures;
}
#endif

#ifdef WRTP_DEMO_QNX
/* The seed's example as written there: builders, guard pages, a HIGH
 * priority futex (README.md shows the same code). */
static int demo_qnx(void) {
  static wrt_qnx_allocator_t allocator;
  static wrt_qnx_futex_t futex;
#if defined(__QNX__) || defined(__QNXNTO__)
  puts("\nQNX backend (QNX Neutrino kernel)");
#else
  puts("\nQNX backend (on the Neutrino host model, not a QNX kernel)");
#endif
  wrt_qnx_allocator_builder_t ab =
      wrt_qnx_allocator_builder_with_guard_pages(wrt_qnx_allocator_builder_new(), true);
  wrt_qnx_futex_builder_t fb = wrt_qnx_futex_builder_with_priority(wrt_qnx_futex_builder_new(),
                                                                   WRT_QNX_SYNC_PRIORITY_HIGH);
  if (step("qnx allocator build (guard pages on)", wrt_qnx_allocator_build(&ab, &allocator)) ||
      step("qnx futex build (priority HIGH)", wrt_qnx_futex_build(&fb, &futex))) {
    wrt_qnx_allocator_destroy(&allocator);
    return 1;
  }
  int failures = run_example(wrt_qnx_allocator_base(&allocator), wrt_qnx_futex_base(&futex));
  wrt_qnx_futex_destroy(&futex);
  wrt_qnx_allocator_destroy(&allocator);
  return failures;
}
#endif

int wrtp_demo(int argc, char **argv) {
  (void)argv;
  if (argc > 1) {
    puts("usage: wrtp demo\n\nRuns the seed's usage example (allocate 2 pages with maximum 4 and guard\n"
         "pages, grow, set / compare-exchange / wake a futex) on every backend built in.");
    return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  int failures = 0;
#if defined(__linux__)
  failures += demo_linux();
#endif
#ifdef WRTP_DEMO_QNX
  failures += demo_qnx();
#endif
  failures += wrtp_demo_wasm2c(); /* demo_wasm2c.c */
  printf("demo: %s\n", failures == 0 ? "all steps as expected" : "SOME STEPS FAILED");
  return failures == 0 ? 0 : 1;
}
