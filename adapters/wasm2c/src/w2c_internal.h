/*
 * w2c_internal.h - what the adapter's files share: the registry of live
 * memories (w2c_memory.c) that the fault handler (w2c_signal.c) walks, and
 * the fatal-error exit. Not installed.
 */
#ifndef WRT_W2C_INTERNAL_H
#define WRT_W2C_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt/status.h"
#include "wrt/wasm2c.h"

/* Async-signal-safe: does addr lie in a live memory's reservation or guards?
 * Lock-free; safe while other threads allocate, grow or free memories. */
bool w2c_registry_covers(const void *addr);

/* wasm_rt_init / wasm_rt_free: backend default from the environment. */
void w2c_memory_init(void);

/* Guard-page builds: install / remove the SIGSEGV and SIGBUS handler and the
 * calling thread's signal stack. */
void w2c_signal_install(void);
void w2c_signal_remove(void);
/* The calling thread is about to run Wasm (wasm_rt_set_unwind_target):
 * give it a signal stack and note its stack bounds, once per thread. */
void w2c_signal_thread_enter(void);

/* w2c_placement.c: the placement for new memories. w2c_memory.c: the
 * allocator behind a live memory (NULL if none) and its backend. */
#include "wasm-rt.h"
#include "wrt/placement.h"
wrt_placement_t w2c_placement_current(void);
const void *w2c_allocator_of(const wasm_rt_memory_t *memory, wrt_w2c_backend *backend);

/* Prints "wrt_wasm2c: what: status" on stderr and aborts. */
_Noreturn void w2c_die(const char *what, wrt_status st);

#endif
