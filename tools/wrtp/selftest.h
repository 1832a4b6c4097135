/*
 * selftest.h - the conformance checks of `wrtp selftest` (internal to wrtp).
 *
 * One concept: a check is a function that exercises one numbered
 * requirement of docs/requirements.md against one backend. The runner
 * (selftest.c) runs every check in a forked child, so a check that crashes,
 * hangs or leaks cannot take the others down, and the report still names the
 * requirement. Inside a check, ST_REQUIRE ends the child with the failed
 * condition as the reason. No cmocka: plain C and POSIX, so this builds with
 * nothing but a QNX SDP. Includes only the public headers and POSIX.
 */
#ifndef WRTP_SELFTEST_H
#define WRTP_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/status.h"
#include "wrt/sync.h"

/* --- backends --------------------------------------------------------------- */

/* The allocator settings a check asks for; a backend maps them onto its own
 * config (both configs have these fields with the same meaning). */
typedef struct {
  bool guard_pages;
  size_t guard_size; /* 0: the backend default */
  uint32_t max_pages; /* 0: the backend default */
  wrt_growth_strategy growth;
  uint32_t reserve_pages;
  /* The runtime-facing additions (memory.h); set_guards false leaves
   * guard_before / guard_after at the backend default (guard_size). */
  bool set_guards;
  size_t guard_before;
  size_t guard_after;
  size_t guard_reach;
  bool no_move;
  bool memory64;
} st_mem_opts;

typedef struct st_mem_backend {
  const char *name;
  /* Initialises an allocator in storage (ST_STORAGE bytes) and returns its
   * base; a non-OK status is the init's. */
  wrt_status (*create)(void *storage, const st_mem_opts *o, wrt_page_allocator_t **out);
  void (*destroy)(void *storage);
  /* The status init gives for a config with max_pages == bad_max (0 or
   * 65537), or with a guard size that is not a multiple of the OS page. */
  wrt_status (*init_bad)(void *storage, uint32_t bad_max, size_t bad_guard_size);
  /* allocate/grow touch every committed page (QNX, not lazy): a check does
   * not commit gigabytes there. */
  bool commits_eagerly;
} st_mem_backend;

/* How many of the threads tids[0..n) (st_thread_id values) are blocked in
 * a backend's futex wait now; ST_BLOCKED_UNKNOWN where this cannot be seen
 * (blocked.c). */
#define ST_BLOCKED_UNKNOWN 0xffffffffu
typedef unsigned (*st_blocked_fn)(const int *tids, unsigned n);

typedef struct st_futex_backend {
  const char *name;
  wrt_status (*create)(void *storage, uint32_t initial, wrt_futex_t **out);
  void (*destroy)(void *storage);
  /* Destroying a zeroed object must be safe; returns base() of a zeroed
   * object (must be NULL). */
  wrt_futex_t *(*base_of_zeroed)(void *storage);
  st_blocked_fn count_blocked;
} st_futex_backend;

#define ST_STORAGE 2048u

/* --- checks ----------------------------------------------------------------- */

typedef enum {
  ST_ON_CORE,
  ST_ON_MEMORY,
  ST_ON_FUTEX,
  ST_ON_QNX_MEMORY,
  ST_ON_CPU_PARTITION /* each CPU-partition / memory-limit backend (checks_cpu_partition.c) */
} st_target;

typedef struct st_check {
  const char *id;    /* requirement ID, e.g. "MEM-001" */
  const char *title; /* the requirement in a few words */
  st_target target;
  /* backend: NULL (core), const st_mem_backend * or const st_futex_backend *. */
  void (*run)(const void *backend);
} st_check;

/* Ends the check (the child process) with a failure naming file:line and
 * the condition, or the formatted reason. */
_Noreturn void st_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Ends the check as not applicable here, with the reason. */
_Noreturn void st_skip(const char *reason);

#define ST_REQUIRE(cond)                                                      \
  do {                                                                        \
    if (!(cond))                                                              \
      st_fail(__FILE__, __LINE__, "%s", #cond);                               \
  } while (0)
#define ST_REQUIRE_ST(expr, want)                                             \
  do {                                                                        \
    wrt_status st_got_ = (expr);                                              \
    if (st_got_ != (want))                                                    \
      st_fail(__FILE__, __LINE__, "%s gave %s, want %s", #expr,               \
              wrt_status_str(st_got_), wrt_status_str(want));                 \
  } while (0)

/* --- helpers for checks (selftest.c) ----------------------------------------- */

uint64_t st_now_ns(void);
void st_sleep_ns(uint64_t ns);
/* True when touching p (a write if write, else a read) kills a forked child
 * with SIGSEGV or SIGBUS; false when the access succeeds. */
bool st_faults(volatile uint8_t *p, bool write);
/* Bytes of address space mapped by this process now, or SIZE_MAX where it
 * cannot be read (no /proc/self/maps). No allocation. */
size_t st_mapped_bytes(void);
/* Lowers this process's RLIMIT_AS to what it uses now plus headroom, so that
 * the next mapping larger than that fails. Only in a check's child. False
 * where that cannot be done (then skip). */
bool st_limit_address_space(size_t headroom);
/* True when built with a sanitizer whose runtime makes address-space limits
 * and huge reservations meaningless. */
bool st_under_sanitizer(void);

/* blocked.c: a check waits for its waiters to be BLOCKED before it wakes
 * them, never a fixed time. st_thread_id() is the calling thread's id for
 * a st_blocked_fn. ST_AWAIT_BLOCKED polls until count(tids, n) == want and
 * fails the check after 10 s; where count is NULL or gives
 * ST_BLOCKED_UNKNOWN (a real QNX kernel) it sleeps a documented settle time
 * instead, so the caller must have seen every thread start first. */
int st_thread_id(void);
unsigned st_linux_futex_blocked(const int *tids, unsigned n);
unsigned st_qnx_blocked(const int *tids, unsigned n); /* the Neutrino host model's count */
void st_await_blocked(st_blocked_fn count, const int *tids, unsigned n, unsigned want,
                      const char *file, int line);
#define ST_AWAIT_BLOCKED(count, tids, n, want)                                \
  st_await_blocked((count), (tids), (n), (want), __FILE__, __LINE__)

extern const st_check st_memory_checks[];
extern const size_t st_memory_check_count;
extern const st_check st_sync_checks[];
extern const size_t st_sync_check_count;
extern const st_check st_core_checks[];
extern const size_t st_core_check_count;
extern const st_check st_pool_checks[]; /* checks_pool.c (issue 25) */
extern const size_t st_pool_check_count;
extern const st_check st_qnx_checks[];
extern const size_t st_qnx_check_count;
extern const st_check st_qnx_parker_checks[];
extern const size_t st_qnx_parker_check_count;
extern const st_check st_wait_checks[]; /* checks_wait.c */
extern const size_t st_wait_check_count;
extern const st_check st_memapi_checks[];
extern const size_t st_memapi_check_count;
/* checks_cpu_partition.c: CPU-0xx and LIM-0xx, run on each of its backends. */
extern const st_check st_cpu_partition_checks[];
extern const size_t st_cpu_partition_check_count;
extern const void *const st_cpu_backends[];
extern const size_t st_cpu_backend_count;
const char *st_cpu_backend_name(const void *backend);
extern const st_check st_placement_checks[]; /* checks_placement.c */
extern const size_t st_placement_check_count;
extern const st_check st_qnx_commit_checks[]; /* checks_qnx_commit.c */
extern const size_t st_qnx_commit_check_count;

#endif
