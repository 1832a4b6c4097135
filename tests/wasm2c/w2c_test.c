/*
 * w2c_test.c - wasm2c modules (mem.wat, multi.wat, limits.wat, growloop.wat,
 * exc.wat, compiled in the build by wat2wasm and wasm2c) run against a runtime: the
 * wrt-platform adapter (W2C_TEST_ADAPTER; backend from WRT_W2C_BACKEND) or
 * wabt's stock wasm-rt-impl.c, in the bounds-check mode the build chose.
 * The same checks run against both, so a behaviour asserted here is Wasm's,
 * not an accident of our adapter; the few adapter-only checks say why.
 * A plain harness, not cmocka: cmocka installs its own SIGSEGV handler for
 * every test, which would take the fault that the runtime turns into a trap.
 * Exit status 0 when every check passed.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wasm-rt-impl.h"

#include "exc.h"
#include "growloop.h"
#include "limits.h"
#include "mem.h"
#include "multi.h"

#define PAGE 65536u
#define FAILED UINT32_MAX

static int g_checks;
static int g_failures;

#define CHECK(cond)                                                              \
  do {                                                                           \
    g_checks++;                                                                  \
    if (!(cond)) {                                                               \
      g_failures++;                                                              \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
    }                                                                            \
  } while (0)
#define CHECK_TRAP(got, want)                                                    \
  do {                                                                           \
    g_checks++;                                                                  \
    if ((got) != (want)) {                                                       \
      g_failures++;                                                              \
      fprintf(stderr, "FAIL %s:%d: trap %d (%s), wanted %d (%s)\n", __FILE__, __LINE__, \
              (int)(got), wasm_rt_strerror(got), (int)(want), wasm_rt_strerror(want)); \
    }                                                                            \
  } while (0)

/* --- calling into a module under wasm_rt_impl_try ----------------------------- */

typedef u64 (*load_fn)(Z_mem_instance_t *, u32);
typedef void (*store_fn)(Z_mem_instance_t *, u32, u64);
typedef struct {
  void (*thunk)(void *ctx);
  void *ctx;
} call_t;

/* How many times run() has returned: a jump into a run() frame that has
 * returned (the bug of issue 26) returns from it once more. */
static _Thread_local volatile unsigned g_run_returns; /* per thread */
/* Set by a forked child before a fault or trap that no try may catch: a
 * jump into run() then exits 3 at once (returning through the dead frame
 * could crash in any way). */
static volatile int g_no_try_armed;

/* The trap the call ended with, WASM_RT_TRAP_NONE if it returned. */
static wasm_rt_trap_t run(void (*thunk)(void *), void *ctx) {
#if defined(wasm_rt_impl_try_call)
  /* The adapter's try: armed for the call only. */
  wasm_rt_trap_t code = WASM_RT_TRAP_NONE;
  wasm_rt_impl_try_call(code, thunk(ctx));
  if (code != WASM_RT_TRAP_NONE && g_no_try_armed) {
    _exit(3);
  }
  g_run_returns++;
  return code;
#else
  /* wabt's stock wasm-rt-impl.h (and the adapter before issue 26). */
  wasm_rt_trap_t code = (wasm_rt_trap_t)wasm_rt_impl_try();
  if (code != WASM_RT_TRAP_NONE) {
    if (g_no_try_armed) {
      _exit(3);
    }
    g_run_returns++;
    return code;
  }
  thunk(ctx);
  g_run_returns++;
  return WASM_RT_TRAP_NONE;
#endif
}

typedef struct {
  Z_mem_instance_t *inst;
  load_fn load;
  store_fn store;
  u32 addr;
  u64 value;
} access_t;
static void do_load(void *p) {
  access_t *a = p;
  a->value = a->load(a->inst, a->addr);
}
static void do_store(void *p) {
  access_t *a = p;
  a->store(a->inst, a->addr, a->value);
}

typedef struct {
  const char *name;
  load_fn load;
  store_fn store;
  u32 width;
  u32 offset;
} access_row_t;

#define LOAD(n, w, o) {#n, Z_memZ_##n, NULL, w, o},
#define STORE(n, w, o) {#n, NULL, Z_memZ_##n, w, o},
static const access_row_t k_rows[] = {
#include "w2c_rows.h"
};
#define NROWS (sizeof k_rows / sizeof k_rows[0])

/* --- mem.wat ------------------------------------------------------------------- */

static bool all_zero(const u8 *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0) {
      return false;
    }
  }
  return true;
}

static void test_size_and_grow(Z_mem_instance_t *m) {
  wasm_rt_memory_t *mem = Z_memZ_mem(m);
  CHECK(Z_memZ_size(m) == 1);
  CHECK(mem->size == PAGE);
  CHECK(all_zero(mem->data, PAGE));
  memset(mem->data, 0xAB, PAGE);
  CHECK(Z_memZ_grow(m, 1) == 1);
  CHECK(Z_memZ_size(m) == 2 && mem->size == 2 * PAGE);
  CHECK(mem->data[PAGE - 1] == 0xAB);
  CHECK(all_zero(mem->data + PAGE, PAGE)); /* new page reads as zero */
  CHECK(Z_memZ_grow(m, 0) == 2);
  CHECK(Z_memZ_grow(m, 3) == FAILED); /* 2 + 3 > maximum 4 */
  CHECK(Z_memZ_size(m) == 2);
  CHECK(Z_memZ_grow(m, 2) == 2); /* to the maximum */
  CHECK(Z_memZ_size(m) == 4 && mem->size == 4 * PAGE);
  CHECK(all_zero(mem->data + 2 * PAGE, 2 * PAGE));
  CHECK(Z_memZ_grow(m, 1) == FAILED); /* past it */
  CHECK(Z_memZ_grow(m, 0xFFFFFFFFu) == FAILED);
  CHECK(Z_memZ_size(m) == 4);
  memset(mem->data, 0, mem->size);
}

/* Every width and offset at the boundary of a memory of the current size:
 * the last valid address works, the first invalid one traps OOB and leaves
 * memory as it was, and so do addresses far past the end. */
static void test_boundaries(Z_mem_instance_t *m) {
  wasm_rt_memory_t *mem = Z_memZ_mem(m);
  u32 size = mem->size;
  for (size_t i = 0; i < NROWS; i++) {
    const access_row_t *r = &k_rows[i];
    u32 last = size - r->width - r->offset;
    access_t a = {m, r->load, r->store, last, 0};
    if (r->load != NULL) {
      memset(mem->data + size - r->width, 0x11, r->width);
      wasm_rt_trap_t t = run(do_load, &a);
      CHECK_TRAP(t, WASM_RT_TRAP_NONE);
      CHECK((a.value & 0xFF) == 0x11);
      memset(mem->data + size - r->width, 0, r->width);
    } else {
      a.value = 0x0102030405060708ull;
      CHECK_TRAP(run(do_store, &a), WASM_RT_TRAP_NONE);
      CHECK(mem->data[size - r->width] == 0x08); /* little-endian low byte first */
      memset(mem->data + size - r->width, 0, r->width);
    }
    const u32 bad[] = {last + 1u, size - r->offset, size, 1000000u, 0x7FFFFFFFu,
                       0xFFFFFFFFu - r->offset, 0xFFFFFFFFu};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
      access_t b = {m, r->load, r->store, bad[k], 0x5555555555555555ull};
      wasm_rt_trap_t t = run(r->load != NULL ? do_load : do_store, &b);
      if (t != WASM_RT_TRAP_OOB) {
        fprintf(stderr, "  %s at %" PRIu32 " (size %" PRIu32 ")\n", r->name, bad[k], size);
      }
      CHECK_TRAP(t, WASM_RT_TRAP_OOB);
    }
    CHECK(all_zero(mem->data + size - 16, 16)); /* no partial store */
  }
}

typedef struct {
  Z_mem_instance_t *m;
  u32 a, b, n;
} bulk_t;
static void do_fill(void *p) {
  bulk_t *x = p;
  Z_memZ_fill(x->m, x->a, x->b, x->n);
}
static void do_copy(void *p) {
  bulk_t *x = p;
  Z_memZ_copy(x->m, x->a, x->b, x->n);
}

static void test_bulk(Z_mem_instance_t *m) {
  wasm_rt_memory_t *mem = Z_memZ_mem(m);
  u32 size = mem->size;
  bulk_t f = {m, 10, 0x5A, 100};
  CHECK_TRAP(run(do_fill, &f), WASM_RT_TRAP_NONE);
  CHECK(mem->data[9] == 0 && mem->data[10] == 0x5A && mem->data[109] == 0x5A && mem->data[110] == 0);
  f = (bulk_t){m, size - 10, 1, 10};
  CHECK_TRAP(run(do_fill, &f), WASM_RT_TRAP_NONE);
  CHECK(mem->data[size - 1] == 1);
  memset(mem->data + size - 10, 0, 10);
  f = (bulk_t){m, size - 10, 1, 11};
  CHECK_TRAP(run(do_fill, &f), WASM_RT_TRAP_OOB);
  CHECK(all_zero(mem->data + size - 10, 10)); /* checked before writing */
  f = (bulk_t){m, size, 1, 0};
  CHECK_TRAP(run(do_fill, &f), WASM_RT_TRAP_NONE);
  f = (bulk_t){m, size + 1, 1, 0};
  CHECK_TRAP(run(do_fill, &f), WASM_RT_TRAP_OOB);
  for (u32 i = 0; i < 256; i++) {
    mem->data[1000 + i] = (u8)i;
  }
  bulk_t c = {m, 1001, 1000, 255}; /* overlapping, forward */
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_NONE);
  CHECK(mem->data[1001] == 0 && mem->data[1255] == 254 && mem->data[1000] == 0);
  c = (bulk_t){m, 1000, 1001, 255}; /* overlapping, backward */
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_NONE);
  CHECK(mem->data[1000] == 0 && mem->data[1254] == 254);
  c = (bulk_t){m, size - 4, 1000, 4};
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_NONE);
  c = (bulk_t){m, size - 4, 1000, 5};
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_OOB);
  c = (bulk_t){m, 0, size - 4, 5};
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_OOB);
  c = (bulk_t){m, 0, 0xFFFFFFFFu, 2};
  CHECK_TRAP(run(do_copy, &c), WASM_RT_TRAP_OOB);
  memset(mem->data, 0, size);
}

static void do_unreachable(void *p) { Z_memZ_trap_unreachable(p); }
static void do_div0(void *p) { (void)Z_memZ_div(p, 1, 0); }
static void do_recurse(void *p) { (void)Z_memZ_recurse(p, 0xFFFFFFFFu); }

/* A module that exits through a trap can be called again, and traps again. */
static void test_trap_and_call_again(Z_mem_instance_t *m) {
  CHECK_TRAP(run(do_unreachable, m), WASM_RT_TRAP_UNREACHABLE);
  CHECK(Z_memZ_size(m) == 4);
  CHECK_TRAP(run(do_div0, m), WASM_RT_TRAP_DIV_BY_ZERO);
  CHECK(Z_memZ_div(m, 10, 3) == 3);
  CHECK_TRAP(run(do_unreachable, m), WASM_RT_TRAP_UNREACHABLE);
  access_t a = {m, Z_memZ_i32_load_o0, NULL, 0xFFFFFFF0u, 0};
  CHECK_TRAP(run(do_load, &a), WASM_RT_TRAP_OOB);
  a.addr = 0;
  CHECK_TRAP(run(do_load, &a), WASM_RT_TRAP_NONE);
  CHECK(Z_memZ_recurse(m, 100) == 0); /* memory is zero: a real, finite recursion */
  CHECK_TRAP(run(do_recurse, m), WASM_RT_TRAP_EXHAUSTION);
  CHECK_TRAP(run(do_recurse, m), WASM_RT_TRAP_EXHAUSTION);
  CHECK(Z_memZ_div(m, 12, 4) == 3);
}

static void test_mem_module(void) {
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  test_size_and_grow(&m);
  /* boundaries at 4 pages; a fresh instance for 1 page */
  test_boundaries(&m);
  test_bulk(&m);
  test_trap_and_call_again(&m);
  Z_mem_free(&m);
  Z_mem_instance_t one;
  Z_mem_instantiate(&one);
  test_boundaries(&one);
  test_bulk(&one);
  Z_mem_free(&one);
}

/* --- multi.wat ---------------------------------------------------------------- */

typedef struct {
  Z_multi_instance_t *m;
  u32 addr;
  u32 value;
  bool b;
} multi_t;
static void do_multi_load(void *p) {
  multi_t *x = p;
  x->value = x->b ? Z_multiZ_load_b(x->m, x->addr) : Z_multiZ_load_a(x->m, x->addr);
}

static void test_multi_memory(void) {
  Z_multi_instance_t m;
  Z_multi_instantiate(&m);
  CHECK(Z_multiZ_size_a(&m) == 1 && Z_multiZ_size_b(&m) == 0);
  multi_t x = {&m, 0, 0, true};
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_OOB); /* $b has no page yet */
  CHECK(Z_multiZ_grow_b(&m, 1) == 0);
  Z_multiZ_store_b(&m, PAGE - 4, 7);
  CHECK(Z_multiZ_load_b(&m, PAGE - 4) == 7);
  CHECK(Z_multiZ_load_a(&m, PAGE - 4) == 0); /* separate memories */
  x.addr = PAGE - 3;
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_OOB);
  CHECK(Z_multiZ_grow_b(&m, 3) == FAILED);
  CHECK(Z_multiZ_grow_b(&m, 2) == 1);
  CHECK(Z_multiZ_load_b(&m, PAGE - 3) == 0);
  x.addr = 3 * PAGE - 4;
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_NONE);
  x.addr = 3 * PAGE - 3;
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_OOB);
  CHECK(Z_multiZ_grow_a(&m, 2) == FAILED);
  CHECK(Z_multiZ_grow_a(&m, 1) == 1);
  x = (multi_t){&m, 2 * PAGE - 4, 0, false};
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_NONE);
  x.addr = 2 * PAGE - 3;
  CHECK_TRAP(run(do_multi_load, &x), WASM_RT_TRAP_OOB);
  Z_multi_free(&m);
}

/* --- limits.wat ---------------------------------------------------------------- */

typedef struct {
  Z_limits_instance_t *m;
  u32 arg;
  u32 result;
} limits_t;
static void do_load_z(void *p) {
  limits_t *x = p;
  x->result = Z_limitsZ_load_z(x->m, x->arg);
}
static void do_call(void *p) {
  limits_t *x = p;
  x->result = Z_limitsZ_call(x->m, x->arg);
}

static void test_limits_and_tables(void) {
  Z_limits_instance_t m;
  Z_limits_instantiate(&m);
  /* (memory 0 0): a real maximum of 0 */
  CHECK(Z_limitsZ_size_z(&m) == 0);
  CHECK(Z_limitsZ_grow_z(&m, 1) == FAILED);
  CHECK(Z_limitsZ_grow_z(&m, 0) == 0);
  limits_t x = {&m, 0, 0};
  CHECK_TRAP(run(do_load_z, &x), WASM_RT_TRAP_OOB);
  /* (memory 1): no maximum */
  CHECK(Z_limitsZ_size_n(&m) == 1);
  CHECK(Z_limitsZ_grow_n(&m, 100) == 1);
  CHECK(Z_limitsZ_size_n(&m) == 101);
  Z_limitsZ_store_n(&m, 101 * PAGE - 1, 9);
  CHECK(Z_limitsZ_load_n(&m, 101 * PAGE - 1) == 9);
#if defined(W2C_TEST_ADAPTER)
  /* Adapter only: the stock runtime's u32 size wraps to 0 at 65536 pages
   * (and its bounds-check mode would realloc 4 GiB). wasm_rt_memory_t.size
   * is a u32, so 65535 pages is the most it can describe. The full grow
   * runs on the Linux backend only: the QNX backend commits (touches) every
   * page at grow unless lazy, i.e. 4 GiB of real memory on the host model. */
  if (wrt_w2c_get_backend() == WRT_W2C_BACKEND_LINUX) {
    CHECK(Z_limitsZ_grow_n(&m, 65535u - 101u) == 101);
    CHECK(Z_limitsZ_size_n(&m) == 65535u);
    CHECK(Z_limitsZ_load_n(&m, 65535u * PAGE - 1u) == 0);
    CHECK(Z_limitsZ_grow_n(&m, 1) == FAILED);
  } else {
    CHECK(Z_limitsZ_grow_n(&m, 65536u - 101u) == FAILED);
    CHECK(Z_limitsZ_size_n(&m) == 101);
  }
#endif
  /* funcref table: call_indirect, size, grow */
  x.arg = 0;
  CHECK_TRAP(run(do_call, &x), WASM_RT_TRAP_NONE);
  CHECK(x.result == 7);
  CHECK(Z_limitsZ_call(&m, 1) == 8);
  x.arg = 2;
  CHECK_TRAP(run(do_call, &x), WASM_RT_TRAP_CALL_INDIRECT);
  CHECK(Z_limitsZ_table_size(&m) == 2);
  CHECK(Z_limitsZ_table_grow(&m, 3) == 2);
  CHECK(Z_limitsZ_table_size(&m) == 5);
  x.arg = 4; /* a null element */
  CHECK_TRAP(run(do_call, &x), WASM_RT_TRAP_CALL_INDIRECT);
  CHECK(Z_limitsZ_call(&m, 0) == 7);
  CHECK(Z_limitsZ_table_grow(&m, 6) == FAILED);
  CHECK(Z_limitsZ_table_grow(&m, 5) == 5);
  Z_limits_free(&m);
}

/* --- instantiate / grow / free cycles ------------------------------------------- */

/* VmSize: the process's address space in KiB (/proc/self/status). */
static long vm_size_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  if (f == NULL) {
    return -1;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmSize: %ld kB", &kib) == 1) {
      break;
    }
  }
  fclose(f);
  return kib;
}

static void cycles(unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    Z_growloop_instance_t g;
    Z_growloop_instantiate(&g);
    if (Z_growloopZ_grow_loop(&g, 1) != 1) {
      g_failures++;
      fprintf(stderr, "FAIL: grow in cycle %u\n", i);
      Z_growloop_free(&g);
      return;
    }
    Z_growloop_free(&g);
  }
}

static void test_cycles(void) {
  cycles(10); /* first-use allocations of the C library and the runtime */
  long before = vm_size_kib();
#if defined(W2C_TEST_ADAPTER)
  const unsigned n = 10000;
#else
  /* The stock runtime unmaps only memory->size bytes of its 8 GiB
   * reservation (wasm-rt-impl.c, wasm_rt_free_memory): 10,000 cycles would
   * leave ~80 TiB mapped. Measure its leak over fewer cycles instead. */
  const unsigned n = WASM_RT_MEMCHECK_SIGNAL_HANDLER ? 100 : 10000;
#endif
  cycles(n);
  long after = vm_size_kib();
  printf("  %u instantiate/grow/free cycles: VmSize %ld KiB -> %ld KiB (%+ld KiB)\n", n, before,
         after, after - before);
  CHECK(before > 0 && after > 0);
#if defined(W2C_TEST_ADAPTER)
  CHECK(after == before);
  CHECK(wrt_w2c_live_memories() == 0);
#else
  if (after != before) {
    printf("  stock runtime: %.1f MiB of address space not returned per cycle\n",
           (double)(after - before) / 1024.0 / n);
  }
#endif
}

#if defined(W2C_TEST_ADAPTER) && WASM_RT_MEMCHECK_SIGNAL_HANDLER
/* Traps are per thread: two threads trapping at once each land in their own
 * wasm_rt_impl_try (wabt's stock runtime has one global jmp_buf). */
static void *trap_thread(void *arg) {
  (void)arg;
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  int wrong = 0;
  for (int i = 0; i < 2000; i++) {
    access_t a = {&m, Z_memZ_i64_load_o1000, NULL, (u32)(PAGE - 1000 - 8 + (u32)(i % 7)), 0};
    wasm_rt_trap_t want = (i % 7) == 0 ? WASM_RT_TRAP_NONE : WASM_RT_TRAP_OOB;
    wrong += run(do_load, &a) != want;
    wrong += run(do_unreachable, &m) != WASM_RT_TRAP_UNREACHABLE;
  }
  Z_mem_free(&m);
  return (void *)(intptr_t)wrong;
}

static void do_read_byte(void *p) { (void)*(volatile u8 *)p; }

/* A fault outside every Wasm memory is not a trap, even inside
 * wasm_rt_impl_try_call(): the process dies of it (or the sanitizer's handler,
 * installed before ours, reports it), as it would without the runtime. */
static void test_foreign_fault_is_not_a_trap(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);
    volatile u8 *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      _exit(5);
    }
    if (run(do_read_byte, (void *)p) != WASM_RT_TRAP_NONE) {
      _exit(3); /* turned into a trap: wrong */
    }
    _exit(4); /* the access went through: wrong */
  }
  int st = 0;
  CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
  if (WIFSIGNALED(st)) {
    CHECK(WTERMSIG(st) == SIGSEGV);
  } else {
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3 &&
          WEXITSTATUS(st) != 4 && WEXITSTATUS(st) != 5);
  }
}

static void test_threads(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    CHECK(pthread_create(&t[i], NULL, trap_thread, NULL) == 0);
  }
  for (int i = 0; i < 4; i++) {
    void *wrong = NULL;
    CHECK(pthread_join(t[i], &wrong) == 0);
    CHECK(wrong == NULL);
  }
}
#endif

/* --- exc.wat: exceptions and the try ---------------------------------------- */

typedef struct {
  Z_exc_instance_t *m;
  u32 result;
} exc_t;
static void do_catch_it(void *p) {
  exc_t *e = p;
  e->result = Z_excZ_catch_it(e->m, 41);
}
static void do_throw_uncaught(void *p) { Z_excZ_throw_uncaught(((exc_t *)p)->m, 1); }
static void do_trap_in_try(void *p) {
  exc_t *e = p;
  e->result = Z_excZ_trap_in_try(e->m);
}

/* A throw caught in Wasm returns normally; one that no Wasm catch takes
 * ends the call as WASM_RT_TRAP_UNCAUGHT_EXCEPTION at the caller's try; a
 * trap inside a Wasm try is not caught by it; and after each the next
 * calls behave (the unwind target was put back). */
static void test_exceptions(void) {
  Z_exc_instance_t m;
  Z_exc_instantiate(&m);
  exc_t e = {&m, 0};
  for (int round = 0; round < 2; round++) {
    CHECK_TRAP(run(do_catch_it, &e), WASM_RT_TRAP_NONE);
    CHECK(e.result == 42);
    CHECK_TRAP(run(do_throw_uncaught, &e), WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
    e.result = 0;
    CHECK_TRAP(run(do_trap_in_try, &e), WASM_RT_TRAP_UNREACHABLE);
    CHECK(e.result == 0);
  }
  Z_exc_free(&m);
}

#if defined(W2C_TEST_ADAPTER)
/* --- issue 26: the try is armed exactly while its call runs ------------------ */

/* Runs fn in a forked child (no core files); returns its wait status. */
static int in_child(int (*fn)(void)) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);
    _exit(fn());
  }
  int st = 0;
  CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
  return st;
}

/* The child ended by signal sig (or, under a sanitizer whose handler was
 * installed before ours, by its report: a non-zero exit that is none of the
 * children's own codes 3..9). */
static bool died_of(int st, int sig) {
  if (WIFSIGNALED(st)) {
    return WTERMSIG(st) == sig;
  }
  return WIFEXITED(st) && WEXITSTATUS(st) != 0 && (WEXITSTATUS(st) < 3 || WEXITSTATUS(st) > 9);
}

static void do_nothing(void *p) { (void)p; }

/* A child's last step: an out-of-bounds load still traps (0, m freed), or
 * the child's exit code fail. */
static int oob_still_traps(Z_mem_instance_t *m, int fail) {
  access_t a = {m, Z_memZ_i32_load_o0, NULL, 0xFFFFFFF0u, 0};
  if (run(do_load, &a) != WASM_RT_TRAP_OOB) {
    return fail;
  }
  Z_mem_free(m);
  return 0;
}

/* A trap after the try's call returned: no try is armed, so the process
 * ends (a message and abort), where wabt's try would jump into run()'s
 * returned frame (run() "returning" a second time: exit 3). */
static int child_trap_without_try(void) {
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  unsigned before = g_run_returns;
  if (run(do_nothing, &m) != WASM_RT_TRAP_NONE) {
    return 5;
  }
  if (g_run_returns != before + 1u) {
    return 3; /* a jump into the returned run() */
  }
  g_no_try_armed = 1;
  Z_memZ_trap_unreachable(&m);
  return 4; /* the trap returned */
}

/* Tries nest: a trap goes to the innermost armed one; once the inner call
 * returned, a trap goes to the outer one (not to the inner, returned frame). */
typedef struct {
  Z_mem_instance_t *m;
  wasm_rt_trap_t inner;
} nest_t;
static void do_inner_then_trap(void *p) {
  nest_t *n = p;
  n->inner = run(do_nothing, n->m);
  Z_memZ_trap_unreachable(n->m);
}
static void do_inner_trap_then_return(void *p) {
  nest_t *n = p;
  n->inner = run(do_unreachable, n->m);
}
static int child_nested_tries(void) {
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  unsigned before = g_run_returns;
  nest_t n = {&m, WASM_RT_TRAP_OOB};
  wasm_rt_trap_t outer = run(do_inner_then_trap, &n);
  if (g_run_returns != before + 2u) {
    return 3; /* the outer trap went to the inner, returned try */
  }
  if (n.inner != WASM_RT_TRAP_NONE || outer != WASM_RT_TRAP_UNREACHABLE) {
    return 6;
  }
  n.inner = WASM_RT_TRAP_NONE;
  outer = run(do_inner_trap_then_return, &n);
  if (n.inner != WASM_RT_TRAP_UNREACHABLE || outer != WASM_RT_TRAP_NONE) {
    return 7;
  }
  return oob_still_traps(&m, 8);
}

static void test_try_is_exact(void) {
  int st = in_child(child_trap_without_try);
  CHECK(died_of(st, SIGABRT));
  st = in_child(child_nested_tries);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
/* A host access beyond a live memory's size (in its reservation: a fault in
 * its span) after the try's call returned is not a Wasm trap: the process
 * dies of it, as it would without the runtime. wabt's sticky try turned it
 * into WASM_RT_TRAP_OOB and jumped into run()'s returned frame. */
static int child_host_fault_in_span(void) {
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  if (run(do_nothing, &m) != WASM_RT_TRAP_NONE) {
    return 5;
  }
  unsigned before = g_run_returns;
  wasm_rt_memory_t *mem = Z_memZ_mem(&m);
  volatile u8 *past = mem->data + mem->size + 4096u;
  g_no_try_armed = 1;
  (void)*past;
  if (g_run_returns != before) {
    return 3;
  }
  return 4;
}

/* A fault next to the stack (a host stack overflow) after the try's call
 * returned is not WASM_RT_TRAP_EXHAUSTION: the process dies of it. Run on a
 * thread whose stack we made, with an inaccessible page just below it. */
#define STACK_BYTES ((size_t)1 << 20)
static void *stack_fault_main(void *arg) {
  volatile u8 *guard = arg;
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  if (run(do_nothing, &m) != WASM_RT_TRAP_NONE) {
    _exit(5);
  }
  unsigned before = g_run_returns;
  g_no_try_armed = 1;
  (void)guard[100];
  if (g_run_returns != before) {
    _exit(3);
  }
  _exit(4);
}
static int child_stack_fault(void) {
  u8 *map = mmap(NULL, STACK_BYTES + 4096u, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED || mprotect(map, 4096u, PROT_NONE) != 0) {
    return 9;
  }
  pthread_attr_t attr;
  pthread_t t;
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstack(&attr, map + 4096u, STACK_BYTES) != 0 ||
      pthread_create(&t, &attr, stack_fault_main, map) != 0) {
    return 9;
  }
  (void)pthread_join(t, NULL);
  return 9;
}

/* A sent SIGSEGV (si_code <= 0) is not a fault. With the default action
 * before the adapter, it ends the process (it was swallowed). */
static int child_raise_default(void) {
  (void)raise(SIGSEGV);
  return 3; /* swallowed */
}

/* With SIGSEGV/SIGBUS ignored before the adapter, sent ones are ignored,
 * and the adapter stays installed: an OOB access still traps (it was
 * uninstalled by the first signal, and the OOB access killed the process). */
static int child_sent_ignored(void) {
  wasm_rt_free();
  (void)signal(SIGSEGV, SIG_IGN);
  (void)signal(SIGBUS, SIG_IGN);
  wasm_rt_init();
  Z_mem_init_module();
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  (void)raise(SIGSEGV);
  (void)kill(getpid(), SIGSEGV);
  (void)pthread_kill(pthread_self(), SIGBUS);
  (void)raise(SIGSEGV);
  return oob_still_traps(&m, 6);
}

/* A sent signal whose siginfo names an address inside a live memory (its
 * si_addr overlays the sender's pid and uid; sigqueueinfo to oneself can
 * set any) is still not a fault: it reaches the previous handler, and the
 * call it interrupted goes on (it was taken for an OOB trap). */
static volatile sig_atomic_t g_prev_calls;
static void prev_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  (void)ctx;
  g_prev_calls++;
}
typedef struct {
  void *addr;
} forge_t;
static void do_forged_sigsegv(void *p) {
  forge_t *f = p;
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = SIGSEGV;
  si.si_code = SI_QUEUE;
  si.si_addr = f->addr;
  (void)syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)syscall(SYS_gettid), SIGSEGV, &si);
}
static int child_forged_address(void) {
  wasm_rt_free();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = prev_handler;
  sa.sa_flags = SA_SIGINFO;
  (void)sigemptyset(&sa.sa_mask);
  (void)sigaction(SIGSEGV, &sa, NULL);
  wasm_rt_init();
  Z_mem_init_module();
  Z_mem_instance_t m;
  Z_mem_instantiate(&m);
  wasm_rt_memory_t *mem = Z_memZ_mem(&m);
  forge_t f = {mem->data + mem->size + 4096u};
  if (run(do_forged_sigsegv, &f) != WASM_RT_TRAP_NONE) {
    return 6; /* taken for a trap */
  }
  if (g_prev_calls != 1) {
    return 7;
  }
  return oob_still_traps(&m, 8);
}

static void test_faults_outside_a_try(void) {
  CHECK(died_of(in_child(child_host_fault_in_span), SIGSEGV));
  CHECK(died_of(in_child(child_stack_fault), SIGSEGV));
}

static void test_sent_signals(void) {
  CHECK(died_of(in_child(child_raise_default), SIGSEGV));
  int st = in_child(child_sent_ignored);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  st = in_child(child_forged_address);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
#endif
#endif

int main(void) {
  wasm_rt_init();
  Z_mem_init_module();
  Z_multi_init_module();
  Z_limits_init_module();
  Z_growloop_init_module();
  Z_exc_init_module();
#if defined(W2C_TEST_ADAPTER)
  printf("runtime: wrt-platform adapter, %s backend, %s\n",
         wrt_w2c_backend_name(wrt_w2c_get_backend()),
         wrt_w2c_guard_pages() ? "guard pages" : "bounds checks");
#else
  printf("runtime: wabt stock wasm-rt-impl.c, %s\n",
         WASM_RT_MEMCHECK_SIGNAL_HANDLER ? "guard pages" : "bounds checks");
#endif
  test_mem_module();
  test_multi_memory();
  test_limits_and_tables();
  test_cycles();
  test_exceptions();
#if defined(W2C_TEST_ADAPTER) && WASM_RT_MEMCHECK_SIGNAL_HANDLER
  test_threads();
  test_foreign_fault_is_not_a_trap();
  test_faults_outside_a_try();
  test_sent_signals();
#endif
#if defined(W2C_TEST_ADAPTER)
  test_try_is_exact();
#endif
#if defined(W2C_TEST_ADAPTER)
  CHECK(wrt_w2c_live_memories() == 0);
  /* The address space one memory costs: guard pages, 64 KiB leading guard
   * plus 8 GiB + 64 KiB from the base whatever the maximum; bounds checks,
   * the maximum plus a Wasm page on each side. */
  if (wrt_w2c_guard_pages()) {
    CHECK(wrt_w2c_memory_span(4) == PAGE + ((size_t)8 << 30) + PAGE);
    CHECK(wrt_w2c_memory_span(UINT32_MAX) == PAGE + ((size_t)8 << 30) + PAGE);
  } else {
    CHECK(wrt_w2c_memory_span(4) == 6u * PAGE);
    CHECK(wrt_w2c_memory_span(0) == 2u * PAGE);
  }
#endif
  wasm_rt_free();
  printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
