/*
 * w2c_runtime.c - the parts of wabt 1.0.32's <wasm-rt.h> that are not
 * linear memory: init/free, traps, function types, exception tags and the
 * active exception, and funcref/externref tables (C library heap, which is
 * why this adapter is not part of the heap-free library).
 * May include: <wasm-rt.h>, our wasm-rt-impl.h, the C library, POSIX.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm-rt-impl.h"
#include "w2c_internal.h"

/* The most bytes an exception may carry (as wabt: one Wasm page). */
#define EXCEPTION_MAX 65536u

#if WASM_RT_USE_STACK_DEPTH_COUNT
/* Declared by <wasm-rt.h> (a plain global there, so a plain global here). */
uint32_t wasm_rt_call_stack_depth;
#endif

/* The thread's innermost armed try (wasm-rt-impl.h), NULL when none: set
 * once its setjmp is in place, put back to the outer one when its call
 * returns or traps. The fault handler reads it (w2c_try_active). */
static _Thread_local wrt_w2c_try_t *volatile t_try;
/* The trap the innermost try's call ended with, read by try_caught. */
static _Thread_local wasm_rt_trap_t t_trap_code;
static _Thread_local WASM_RT_UNWIND_TARGET *t_unwind_target;
static _Thread_local uint32_t t_exception_tag;
static _Thread_local uint32_t t_exception_size;
static _Thread_local uint8_t *t_exception; /* EXCEPTION_MAX bytes, malloc'ed */

/* Registered function types: an array of signatures, each a run of
 * wasm_rt_type_t (params then results), deduplicated; index + 1 is the id. */
typedef struct {
  uint32_t params;
  uint32_t results;
  wasm_rt_type_t *types;
} func_type_t;

static pthread_mutex_t g_types_lock = PTHREAD_MUTEX_INITIALIZER;
static func_type_t *g_types;
static uint32_t g_ntypes;
static _Atomic uint32_t g_ntags;
static _Atomic bool g_initialized;

void wasm_rt_init(void) {
  if (atomic_load(&g_initialized)) {
    return;
  }
  w2c_memory_init();
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  w2c_signal_install();
#endif
  atomic_store(&g_initialized, true);
}

bool wasm_rt_is_initialized(void) {
  return atomic_load(&g_initialized);
}

void wasm_rt_free(void) {
  (void)pthread_mutex_lock(&g_types_lock);
  for (uint32_t i = 0; i < g_ntypes; i++) {
    free(g_types[i].types);
  }
  free(g_types);
  g_types = NULL;
  g_ntypes = 0;
  (void)pthread_mutex_unlock(&g_types_lock);
  free(t_exception);
  t_exception = NULL;
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  if (atomic_load(&g_initialized)) {
    w2c_signal_remove();
  }
#endif
  atomic_store(&g_initialized, false);
}

/* --- the try (wasm-rt-impl.h) ---------------------------------------------- */

void wrt_w2c_try_prepare(wrt_w2c_try_t *t) {
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  w2c_signal_thread_enter(); /* the signal stack, before anything can fault */
#endif
  t->outer = t_try;
  t->outer_unwind = t_unwind_target;
#if WASM_RT_USE_STACK_DEPTH_COUNT
  t->saved_depth = wasm_rt_call_stack_depth;
#else
  t->saved_depth = 0u;
#endif
}

void wrt_w2c_try_arm(wrt_w2c_try_t *t) {
  t_unwind_target = &t->buf; /* an exception no Wasm catch takes ends here */
  atomic_signal_fence(memory_order_seq_cst);
  t_try = t; /* from here a trap or a Wasm fault on this thread jumps to t */
  atomic_signal_fence(memory_order_seq_cst);
}

/* Disarms t, the innermost try: the outer one (or none) is armed again. */
static void try_pop(wrt_w2c_try_t *t) {
  atomic_signal_fence(memory_order_seq_cst);
  t_try = t->outer;
  atomic_signal_fence(memory_order_seq_cst);
  t_unwind_target = t->outer_unwind;
}

void wrt_w2c_try_done(wrt_w2c_try_t *t) {
  if (t_try != t) {
    w2c_die("wasm_rt_impl_try_call: a nested try was left without returning", WRT_E_STATE);
  }
  try_pop(t);
}

wasm_rt_trap_t wrt_w2c_try_caught(wrt_w2c_try_t *t) {
  if (t_try == t) { /* an uncaught exception (wasm_rt_throw) jumped here */
    try_pop(t);
  }
  return t_trap_code;
}

bool w2c_try_active(void) { return t_try != NULL; }

/* Ends the call of the innermost try with code: disarms it first, so that
 * nothing can jump to it again, then jumps. No try: the process ends. */
static _Noreturn void trap_to_innermost(wasm_rt_trap_t code) {
  wrt_w2c_try_t *t = t_try;
  if (t == NULL) {
    w2c_die("Wasm trap with no wasm_rt_impl_try_call() armed on this thread", WRT_E_STATE);
  }
#if WASM_RT_USE_STACK_DEPTH_COUNT
  wasm_rt_call_stack_depth = t->saved_depth;
#endif
  t_trap_code = code;
  try_pop(t);
  WASM_RT_LONGJMP(t->buf, (int)code == 0 ? 1 : (int)code);
}

_Noreturn void wasm_rt_trap(wasm_rt_trap_t code) {
#ifdef WASM_RT_TRAP_HANDLER
  WASM_RT_TRAP_HANDLER(code);
  abort();
#else
  trap_to_innermost(code);
#endif
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
  case WASM_RT_TRAP_NONE:
    return "No error";
  case WASM_RT_TRAP_OOB:
#if WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    return "Out-of-bounds access in linear memory or a table, or call stack exhausted";
#else
    return "Out-of-bounds access in linear memory or a table";
  case WASM_RT_TRAP_EXHAUSTION:
    return "Call stack exhausted";
#endif
  case WASM_RT_TRAP_INT_OVERFLOW:
    return "Integer overflow on divide or truncation";
  case WASM_RT_TRAP_DIV_BY_ZERO:
    return "Integer divide by zero";
  case WASM_RT_TRAP_INVALID_CONVERSION:
    return "Conversion from NaN to integer";
  case WASM_RT_TRAP_UNREACHABLE:
    return "Unreachable instruction executed";
  case WASM_RT_TRAP_CALL_INDIRECT:
    return "Invalid call_indirect";
  case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
    return "Uncaught exception";
  default:
    return "invalid trap code";
  }
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  uint64_t n64 = (uint64_t)params + results;
  if (n64 > 100000u) { /* far above any validator's limit */
    w2c_die("wasm_rt_register_func_type: too many params/results", WRT_E_LIMIT);
  }
  size_t n = (size_t)n64;
  wasm_rt_type_t *types = malloc(n == 0u ? 1u : n * sizeof *types);
  if (types == NULL) {
    w2c_die("wasm_rt_register_func_type", WRT_E_NO_MEMORY);
  }
  va_list ap;
  va_start(ap, results);
  for (size_t i = 0; i < n; i++) {
    types[i] = (wasm_rt_type_t)va_arg(ap, int);
  }
  va_end(ap);
  (void)pthread_mutex_lock(&g_types_lock);
  for (uint32_t i = 0; i < g_ntypes; i++) {
    if (g_types[i].params == params && g_types[i].results == results &&
        (n == 0u || memcmp(g_types[i].types, types, n * sizeof *types) == 0)) {
      (void)pthread_mutex_unlock(&g_types_lock);
      free(types);
      return i + 1u;
    }
  }
  func_type_t *grown = realloc(g_types, ((size_t)g_ntypes + 1u) * sizeof *grown);
  if (grown == NULL) {
    w2c_die("wasm_rt_register_func_type", WRT_E_NO_MEMORY);
  }
  g_types = grown;
  g_types[g_ntypes] = (func_type_t){params, results, types};
  uint32_t id = ++g_ntypes;
  (void)pthread_mutex_unlock(&g_types_lock);
  return id;
}

uint32_t wasm_rt_register_tag(uint32_t size) {
  if (size > EXCEPTION_MAX) {
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  }
  return atomic_fetch_add(&g_ntags, 1u);
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values) {
  if (size > EXCEPTION_MAX) {
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  }
  if (t_exception == NULL) {
    t_exception = malloc(EXCEPTION_MAX);
    if (t_exception == NULL) {
      w2c_die("wasm_rt_load_exception", WRT_E_NO_MEMORY);
    }
  }
  t_exception_tag = tag;
  t_exception_size = size;
  if (size != 0u) {
    (void)memcpy(t_exception, values, size);
  }
}

_Noreturn void wasm_rt_throw(void) {
  wrt_w2c_try_t *t = t_try;
  if (t_unwind_target == NULL || (t != NULL && t_unwind_target == &t->buf)) {
    /* No Wasm catch between here and the try: the call ends with a trap. */
    trap_to_innermost(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
  }
  /* A catch of the generated code: its jmp_buf is in a live frame of it. */
  WASM_RT_LONGJMP(*t_unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void) {
  return t_unwind_target;
}

void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target) {
  t_unwind_target = target;
}

uint32_t wasm_rt_exception_tag(void) {
  return t_exception_tag;
}

uint32_t wasm_rt_exception_size(void) {
  return t_exception_size;
}

void *wasm_rt_exception(void) {
  if (t_exception == NULL) {
    t_exception = malloc(EXCEPTION_MAX);
    if (t_exception == NULL) {
      w2c_die("wasm_rt_exception", WRT_E_NO_MEMORY);
    }
  }
  return t_exception;
}

/* Tables: element arrays on the C heap. A failed allocation aborts (wasm2c
 * cannot report it); a failed grow returns UINT32_MAX and keeps the table. */
#define W2C_TABLE_OPS(kind, elem_t)                                                     \
  void wasm_rt_allocate_##kind##_table(wasm_rt_##kind##_table_t *table, uint32_t elements, \
                                       uint32_t max_elements) {                        \
    table->data = calloc(elements == 0u ? 1u : elements, sizeof(elem_t));              \
    if (table->data == NULL) {                                                         \
      w2c_die("wasm_rt_allocate_" #kind "_table", WRT_E_NO_MEMORY);                   \
    }                                                                                  \
    table->size = elements;                                                            \
    table->max_size = max_elements;                                                    \
  }                                                                                    \
  void wasm_rt_free_##kind##_table(wasm_rt_##kind##_table_t *table) {                  \
    free(table->data);                                                                 \
    table->data = NULL;                                                                \
    table->size = 0;                                                                   \
  }                                                                                    \
  uint32_t wasm_rt_grow_##kind##_table(wasm_rt_##kind##_table_t *table, uint32_t delta, \
                                       elem_t init) {                                  \
    uint32_t old = table->size;                                                        \
    uint64_t want = (uint64_t)old + delta;                                             \
    if (delta == 0u) {                                                                 \
      return old;                                                                      \
    }                                                                                  \
    if (want > table->max_size || want > SIZE_MAX / sizeof(elem_t)) {                  \
      return UINT32_MAX;                                                               \
    }                                                                                  \
    elem_t *grown = realloc(table->data, (size_t)want * sizeof(elem_t));               \
    if (grown == NULL) {                                                               \
      return UINT32_MAX;                                                               \
    }                                                                                  \
    for (uint64_t i = old; i < want; i++) {                                            \
      grown[i] = init;                                                                 \
    }                                                                                  \
    table->data = grown;                                                               \
    table->size = (uint32_t)want;                                                      \
    return old;                                                                        \
  }

W2C_TABLE_OPS(funcref, wasm_rt_funcref_t)
W2C_TABLE_OPS(externref, wasm_rt_externref_t)
