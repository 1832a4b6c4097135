/*
 * wasm-rt-impl.h - what an embedder of wasm2c code includes to call into a
 * module, for the wrt-platform runtime. Use it in place of wabt's
 * /usr/share/wabt/wasm2c/wasm-rt-impl.h. Written for wabt 1.0.32's
 * <wasm-rt.h>. See wrt/wasm2c.h ("Traps and the try").
 *
 * The one difference from wabt's file (issue 26): the try brackets the
 * call. wabt's wasm_rt_impl_try() arms a jump buffer and returns; nothing
 * tells the runtime when the call it guards is over, so a trap or a fault
 * after that jumps into a frame that has returned. Here
 *
 *     wasm_rt_trap_t code;
 *     wasm_rt_impl_try_call(code, Z_modZ_run(&inst, 42));
 *     if (code != WASM_RT_TRAP_NONE) { ... wasm_rt_strerror(code) ... }
 *
 * runs the call (any statement) with a trap point armed on the caller's
 * stack, and disarms it when the call returns or traps. A trap, a Wasm
 * out-of-bounds fault or a stack overflow is caught only while a try is
 * armed on the thread; a trap with none armed ends the process with a
 * message (abort), never a jump. Tries nest (a host function called from
 * Wasm may call into Wasm again): each trap goes to the innermost one.
 * The call must end by returning or by a trap: leaving it by longjmp, a C++
 * exception or thread exit leaves the try armed on a dead frame (undefined
 * behaviour, as leaving any C call that way). Locals of the calling function
 * that the call changes are indeterminate after a trap unless volatile (the
 * rule of setjmp).
 *
 * wasm_rt_impl_try() is not provided: code written for wabt's header fails
 * to compile with a message naming wasm_rt_impl_try_call().
 */
#ifndef WASM_RT_IMPL_H_
#define WASM_RT_IMPL_H_

#include <stdint.h>

#include <wasm-rt.h>
#include "wrt/wasm2c.h"

#ifdef __cplusplus
extern "C" {
#endif

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER && !defined(_WIN32)
#define WASM_RT_LONGJMP(buf, val) siglongjmp(buf, val)
#else
#define WASM_RT_LONGJMP(buf, val) longjmp(buf, val)
#endif

/* One armed try, on the stack of the function that expands the macro. The
 * fields are the runtime's. */
typedef struct wrt_w2c_try {
  WASM_RT_UNWIND_TARGET buf;           /* where a trap jumps */
  struct wrt_w2c_try *outer;           /* the try armed when this one began */
  WASM_RT_UNWIND_TARGET *outer_unwind; /* the unwind target then */
  uint32_t saved_depth;                /* bounds builds: the call depth then */
} wrt_w2c_try_t;

/* The steps of wasm_rt_impl_try_call(); not for direct use. prepare fills
 * t before its setjmp (so nothing changes it between setjmp and longjmp);
 * arm makes t the thread's trap point once the setjmp is in place; done
 * disarms it when the call returned; caught returns the trap a call ended
 * with (the trap disarmed t before it jumped). */
void wrt_w2c_try_prepare(wrt_w2c_try_t *t);
void wrt_w2c_try_arm(wrt_w2c_try_t *t);
void wrt_w2c_try_done(wrt_w2c_try_t *t);
wasm_rt_trap_t wrt_w2c_try_caught(wrt_w2c_try_t *t);

/* Runs the statement(s) after code with a trap point armed; code (an
 * lvalue of type wasm_rt_trap_t or int) receives WASM_RT_TRAP_NONE when the
 * call returned, else the trap. */
#define wasm_rt_impl_try_call(code, ...)                \
  do {                                                  \
    wrt_w2c_try_t wrt_w2c_try_;                         \
    wrt_w2c_try_prepare(&wrt_w2c_try_);                 \
    if (WASM_RT_SETJMP(wrt_w2c_try_.buf) == 0) {        \
      wrt_w2c_try_arm(&wrt_w2c_try_);                   \
      __VA_ARGS__;                                      \
      wrt_w2c_try_done(&wrt_w2c_try_);                  \
      (code) = WASM_RT_TRAP_NONE;                       \
    } else {                                            \
      (code) = wrt_w2c_try_caught(&wrt_w2c_try_);       \
    }                                                   \
  } while (0)

/* wabt's form cannot know when its call is over (see above): refused, with
 * a compiler error that names the replacement. */
#define wasm_rt_impl_try()                                                              \
  _Pragma("GCC error \"wasm_rt_impl_try() is refused: use wasm_rt_impl_try_call(code, call), wasm-rt-impl.h\"") \
  wasm_rt_impl_try_is_replaced_by_wasm_rt_impl_try_call

#ifdef __cplusplus
}
#endif
#endif
