/*
 * wasm-rt.h - wabt 1.0.32's <wasm-rt.h> (included from the next include
 * directory), plus the check that generated code and the runtime use the
 * same bounds-check mode (issue 26). Found ahead of wabt's header wherever
 * the adapter's include directory comes first on the path (the CMake
 * targets and the README's recipe put it there), so the generated code
 * (`#include "wasm-rt.h"`) includes this file.
 *
 * Code built with WASM_RT_MEMCHECK_SIGNAL_HANDLER=1 (guard pages: no checks
 * in the code) calls wasm_rt_allocate_memory under a name only
 * libwrt_wasm2c defines; code built with =0 (explicit checks) under a name
 * only libwrt_wasm2c_bounds defines. A mismatch, either way, is then an
 * undefined symbol at link time whose name says what to link:
 *   wrt_w2c_allocate_memory__code_built_for_guard_pages__link_wrt_wasm2c
 *   wrt_w2c_allocate_memory__code_built_for_bounds_checks__link_wrt_wasm2c_bounds
 * Code compiled against wabt's header alone (this directory not ahead of
 * it) calls the plain name: both libraries then end the process at its
 * first instantiate with a message, since its mode cannot be known.
 * May include: wabt's wasm-rt.h only.
 */
#pragma GCC system_header /* for #include_next (a GCC extension) under -Wpedantic */
#include_next <wasm-rt.h>

#ifndef WRT_W2C_WASM_RT_MODE_H
#define WRT_W2C_WASM_RT_MODE_H

#ifdef __cplusplus
extern "C" {
#endif

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#define wasm_rt_allocate_memory wrt_w2c_allocate_memory__code_built_for_guard_pages__link_wrt_wasm2c
#else
#define wasm_rt_allocate_memory \
  wrt_w2c_allocate_memory__code_built_for_bounds_checks__link_wrt_wasm2c_bounds
#endif
void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages,
                             uint32_t max_pages);

#ifdef __cplusplus
}
#endif
#endif
