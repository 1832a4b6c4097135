/*
 * wrt/wasm2c.h - the wrt-platform runtime for wasm2c (wabt 1.0.32): what it
 * adds to <wasm-rt.h>.
 *
 * libwrt_wasm2c replaces wabt's wasm-rt-impl.c: link it instead of that file
 * and include this directory's wasm-rt-impl.h instead of wabt's. Every Wasm
 * linear memory then lives in a wrt-platform page allocator (the Linux
 * backend, or the QNX backend - on QNX, or over the Neutrino host model in
 * this project's own build), one allocator object per memory.
 *
 * NOT heap-free: this adapter is outside the heap-free library. It uses the
 * C library's allocator for tables, registered function types, the per-thread
 * exception buffer and the signal stack. Linear memories never come from
 * malloc. The allocator objects live in a fixed registry of
 * WRT_W2C_MAX_MEMORIES slots (static storage), so the signal handler can
 * walk them without locks.
 *
 * Bounds checks. Build the adapter and the generated code with the same
 * WASM_RT_MEMCHECK_SIGNAL_HANDLER (the CMake targets wrt_wasm2c and
 * wrt_wasm2c_bounds set it for their users); a mismatch does not link, and
 * code compiled without this directory's wasm-rt.h ahead of wabt's stops at
 * its first instantiate (see wasm-rt.h here):
 *  1 (wabt's default on 64-bit hosts): no checks in the generated code; each
 *    memory is a no-move reservation of its maximum followed by an
 *    inaccessible guard, 8 GiB from the base in all (the farthest a 32-bit
 *    address plus a 32-bit offset reaches), and a SIGSEGV/SIGBUS handler
 *    turns a fault into a trap only while a wasm_rt_impl_try_call() is
 *    armed on the faulting thread (see "Traps and the try"): a fault inside
 *    a live memory's span is then WASM_RT_TRAP_OOB, and one next to the
 *    thread's stack WASM_RT_TRAP_EXHAUSTION. Every other fault - anywhere
 *    when no try is armed, including inside a memory's span or next to the
 *    stack - is not a Wasm trap: it goes to the handler that was installed
 *    before (or kills the process as it would have). (While a try is armed,
 *    a fault of host code called from Wasm at such an address is taken for
 *    a trap too: the handler cannot tell whose instruction faulted.)
 *    A SIGSEGV or SIGBUS that was sent (raise, kill, pthread_kill,
 *    sigqueue: si_code <= 0) is never a trap and its si_addr is not read:
 *    it goes to the previous disposition at once - its handler, ignored, or
 *    the default action (the process ends with the signal) - and the
 *    adapter's handler stays installed.
 *  0: wasm2c's own checks; the memory still grows in place in a reservation
 *    of its maximum, with one Wasm page of guard on each side.
 *
 * Traps and the try (issue 26). wabt's wasm_rt_impl_try() arms a jump
 * buffer and returns, and nothing says when the call it guards is over; a
 * trap or a fault after that would jump into a frame that has returned.
 * This adapter's wasm-rt-impl.h has wasm_rt_impl_try_call(code, call)
 * instead: the try is armed from the moment its setjmp is in place until
 * the call returns or traps, on the calling thread only; tries nest, and a
 * trap goes to the innermost armed one. A trap (wasm_rt_trap, an uncaught
 * exception) with no try armed ends the process with a message (abort),
 * never a jump. wasm_rt_impl_try() itself is refused at compile time.
 *
 * Failures wasm2c cannot report: wasm_rt_allocate_memory() and the table
 * allocators return nothing, so when the backend refuses (address space,
 * registry full) the adapter prints why on stderr and calls abort(), as
 * wabt's own runtime does. wasm_rt_grow_memory() returns UINT32_MAX.
 *
 * Limits of wabt 1.0.32's interface: wasm_rt_memory_t.size is a uint32_t, so
 * a memory holds at most 65535 pages (a grow to 65536 fails); there is no
 * memory64 and no shared memory in that header, so none here.
 *
 * Threads: the armed try, the unwind target and the active exception are
 * per thread; wasm_rt_call_stack_depth (bounds-check builds) is a plain
 * global because <wasm-rt.h> declares it so: one thread at a time runs Wasm
 * in such builds. A memory must not be freed while another thread uses it.
 * wasm_rt_init()/wasm_rt_free() and wrt_w2c_set_backend(): from one thread,
 * while no Wasm runs.
 */
#ifndef WRT_WASM2C_H
#define WRT_WASM2C_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WRT_W2C_MAX_MEMORIES
/* Live linear memories at once (all instances, all threads). */
#define WRT_W2C_MAX_MEMORIES 1024
#endif

typedef enum {
  WRT_W2C_BACKEND_LINUX = 1, /* wrt_linux_allocator_t (Linux hosts) */
  WRT_W2C_BACKEND_QNX = 2    /* wrt_qnx_allocator_t (QNX; the host model here) */
} wrt_w2c_backend;

/* Whether this build of the adapter has the backend. */
bool wrt_w2c_backend_available(wrt_w2c_backend backend);

/* The backend for memories allocated from now on (existing ones keep
 * theirs). -1 if not available, else 0. The default is the environment's
 * WRT_W2C_BACKEND ("linux" or "qnx"), read by wasm_rt_init(), else Linux
 * where available, else QNX. */
int wrt_w2c_set_backend(wrt_w2c_backend backend);
wrt_w2c_backend wrt_w2c_get_backend(void);
/* "linux", "qnx" (on QNX) or "qnx model" (over the Neutrino host model). */
const char *wrt_w2c_backend_name(wrt_w2c_backend backend);

/* true when built with WASM_RT_MEMCHECK_SIGNAL_HANDLER (guard pages). */
bool wrt_w2c_guard_pages(void);

/* Linear memories allocated and not yet freed. */
size_t wrt_w2c_live_memories(void);

/* Bytes of address space one memory with this maximum (UINT32_MAX: none)
 * reserves, guards included, not counting the allocator's alignment slack
 * (less than one Wasm page). */
size_t wrt_w2c_memory_span(unsigned max_pages);

/* Pooled memories (issue 25): from now on every memory allocated takes a
 * slot of pool (wrt/pool.h, made by the caller with wrt_linux_pool_init or
 * wrt_qnx_pool_init and alive until every such memory is freed) instead of
 * its own allocator: no mmap/munmap per instance. The pool's slots must
 * hold each memory's maximum (slot_pages >= the memory's maximum, 65535
 * for memories without one) and, for guard-page builds, have the 32-bit
 * guard layout (guard_reach = WRT_WASM32_GUARD_REACH); otherwise
 * wasm_rt_allocate_memory aborts, as it does when the pool is full. NULL:
 * back to one allocator per memory of wrt_w2c_set_backend's backend
 * (memories already allocated keep theirs). -1 for a pool that is not
 * initialised, else 0. From one thread, while no other thread allocates
 * or frees a memory. */
struct wrt_pool;
int wrt_w2c_set_pool(struct wrt_pool *pool);
struct wrt_pool *wrt_w2c_get_pool(void);
/* A pool for this build's memories, on the heap: slots slots of 65535
 * pages with this build's guards (the 32-bit guard layout in guard-page
 * builds; software_bounds in bounds-check builds, so that their cycles
 * change no page access), keep_resident bytes of each zeroed in place at release, on
 * backend's calls (Linux, or QNX). NULL if the backend is not built in or
 * init failed. The environment's WRT_W2C_POOL=<slots> makes one (keep
 * resident: one Wasm page) at wasm_rt_init and sets it. */
struct wrt_pool *wrt_w2c_pool_new(wrt_w2c_backend backend, unsigned slots,
                                  size_t keep_resident);
/* Destroys and frees a pool from wrt_w2c_pool_new; -1 while a memory
 * still holds one of its slots (nothing changed), else 0. */
int wrt_w2c_pool_delete(struct wrt_pool *pool);

#ifdef __cplusplus
}
#endif
#endif
