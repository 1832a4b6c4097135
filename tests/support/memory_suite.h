/*
 * memory_suite.h - the backend-neutral page-allocator test suite.
 *
 * Every allocator backend (Linux, QNX on the host, ...) runs the same cmocka
 * tests through this fixture: sizes and zero fill, growth, limits, bad
 * arguments, guard and protection death tests, and fault injection of every
 * mmap / mprotect / munmap call in turn. The test program must be linked with
 * WRAP (see tests/CMakeLists.txt). Test code only.
 */
#ifndef WRT_TEST_MEMORY_SUITE_H
#define WRT_TEST_MEMORY_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"

/* The config fields both backends share, with the same meaning. */
typedef struct wrt_mem_test_options {
  bool guard_pages;
  size_t guard_size; /* 0: the backend's default */
  uint32_t max_pages; /* 0: the backend's default */
  wrt_growth_strategy growth;
  uint32_t reserve_pages; /* RESERVE only; 0: whole maximum */
  /* The runtime-facing additions (memory.h). set_guards false leaves
   * guard_before / guard_after at the backend's default (guard_size). */
  bool set_guards;
  size_t guard_before;
  size_t guard_after;
  size_t guard_reach;
  bool no_move;
  bool memory64;
} wrt_mem_test_options_t;

typedef struct wrt_mem_backend {
  const char *name;
  /* Initialises an allocator in storage (max 4 KiB) with opts; returns its
   * wrt_page_allocator_t or NULL when init refused the options. *status gets
   * init's status. */
  wrt_page_allocator_t *(*create)(void *storage,
                                  const wrt_mem_test_options_t *opts,
                                  wrt_status *status);
  void (*destroy)(void *storage);
  /* errno of the last failed system call the object recorded */
  int (*last_os_error)(void *storage);
  /* true when allocate/grow touch every committed page (the QNX allocator
   * unless lazy): then the suite does not commit 4 GiB to test memory64. */
  bool commits_eagerly;
} wrt_mem_backend_t;

/* Runs the whole shared suite, once per combination of strategy and guard
 * pages; returns cmocka's failure count. */
int wrt_memory_suite_run(const wrt_mem_backend_t *backend);

/* Only the region-query tests that involve a second thread or a signal
 * handler (also part of wrt_memory_suite_run), for a program run under
 * TSan. */
int wrt_memory_suite_run_query_threads(const wrt_mem_backend_t *backend);

#endif
