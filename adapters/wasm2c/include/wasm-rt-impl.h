/*
 * wasm-rt-impl.h - what an embedder of wasm2c code includes to call into a
 * module (wasm_rt_impl_try), for the wrt-platform runtime. Use it in place
 * of wabt's /usr/share/wabt/wasm2c/wasm-rt-impl.h: same macros, but the
 * trap buffer is per thread, so each thread catches its own traps.
 * Written for wabt 1.0.32's <wasm-rt.h>. See wrt/wasm2c.h.
 */
#ifndef WASM_RT_IMPL_H_
#define WASM_RT_IMPL_H_

#include "wasm-rt.h"
#include "wrt/wasm2c.h"

#ifdef __cplusplus
extern "C" {
#define WRT_W2C_THREAD_LOCAL thread_local
#else
#define WRT_W2C_THREAD_LOCAL _Thread_local
#endif

/* Where wasm_rt_trap() jumps: the calling thread's last wasm_rt_impl_try(). */
extern WRT_W2C_THREAD_LOCAL jmp_buf wasm_rt_jmp_buf;

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER && !defined(_WIN32)
#define WASM_RT_LONGJMP(buf, val) siglongjmp(buf, val)
#else
#define WASM_RT_LONGJMP(buf, val) longjmp(buf, val)
#endif

#if WASM_RT_USE_STACK_DEPTH_COUNT
/* The depth restored when a trap unwinds (a global, like the depth itself). */
extern uint32_t wasm_rt_saved_call_stack_depth;
#define WASM_RT_SAVE_STACK_DEPTH() \
  wasm_rt_saved_call_stack_depth = wasm_rt_call_stack_depth
#else
#define WASM_RT_SAVE_STACK_DEPTH() (void)0
#endif

/* 0 (WASM_RT_TRAP_NONE) when called; the trap code when a call made after
 * it traps. Exactly as wabt's macro. */
#define wasm_rt_impl_try()                                                  \
  (WASM_RT_SAVE_STACK_DEPTH(), wasm_rt_set_unwind_target(&wasm_rt_jmp_buf), \
   WASM_RT_SETJMP(wasm_rt_jmp_buf))

#ifdef __cplusplus
}
#endif
#endif
