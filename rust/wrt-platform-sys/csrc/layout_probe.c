/*
 * layout_probe.c - what the C compiler says about the layout of every type
 * the Rust bindings (src/lib.rs) mirror, for the layout tests (tests/layout.rs).
 *
 * Test equipment of the Rust crates: built by build.rs next to the library,
 * linked only into the test programs that call it. Includes the public
 * headers and the C library only.
 */
#include <stdalign.h>
#include <stddef.h>

#include "wrt/atomic_memory.h"
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#include "wrt/memory.h"
#include "wrt/mutex.h"
#include "wrt/object_sizes.h"
#include "wrt/qnx_memory.h"
#include "wrt/qnx_sync.h"
#include "wrt/status.h"
#include "wrt/sync.h"

#define SIZE_ALIGN(T)                                                    \
  size_t wrt_rs_size_##T(void);                                          \
  size_t wrt_rs_size_##T(void) { return sizeof(T); }                     \
  size_t wrt_rs_align_##T(void);                                         \
  size_t wrt_rs_align_##T(void) { return alignof(T); }

#define OFFSET(T, F)                                                     \
  size_t wrt_rs_offset_##T##_##F(void);                                  \
  size_t wrt_rs_offset_##T##_##F(void) { return offsetof(T, F); }

SIZE_ALIGN(wrt_status)
SIZE_ALIGN(wrt_mem_access)
SIZE_ALIGN(wrt_growth_strategy)
SIZE_ALIGN(wrt_page_allocator_t)
SIZE_ALIGN(wrt_page_allocator_ops_t)
SIZE_ALIGN(wrt_region_info_t)
SIZE_ALIGN(wrt_region_latch_t)
SIZE_ALIGN(wrt_futex_t)
SIZE_ALIGN(wrt_futex_ops_t)
SIZE_ALIGN(wrt_linux_allocator_config_t)
SIZE_ALIGN(wrt_linux_allocator_t)
SIZE_ALIGN(wrt_linux_futex_t)
SIZE_ALIGN(wrt_mutex_t)
SIZE_ALIGN(wrt_provider_t)
SIZE_ALIGN(wrt_qnx_partition_t)
SIZE_ALIGN(wrt_qnx_allocator_config_t)
SIZE_ALIGN(wrt_qnx_allocator_t)
SIZE_ALIGN(wrt_qnx_futex_config_t)
SIZE_ALIGN(wrt_qnx_futex_t)

OFFSET(wrt_futex_t, value)
OFFSET(wrt_page_allocator_ops_t, deallocate)
OFFSET(wrt_page_allocator_ops_t, query)
OFFSET(wrt_region_info_t, guard_end)
OFFSET(wrt_linux_allocator_config_t, guard_size)
OFFSET(wrt_linux_allocator_config_t, guard_before)
OFFSET(wrt_linux_allocator_config_t, guard_after)
OFFSET(wrt_linux_allocator_config_t, guard_reach)
OFFSET(wrt_linux_allocator_config_t, max_pages)
OFFSET(wrt_linux_allocator_config_t, growth)
OFFSET(wrt_linux_allocator_config_t, reserve_pages)
OFFSET(wrt_linux_allocator_config_t, no_move)
OFFSET(wrt_linux_allocator_config_t, memory64)
OFFSET(wrt_linux_allocator_config_t, placement)
OFFSET(wrt_qnx_allocator_config_t, guard_size)
OFFSET(wrt_qnx_allocator_config_t, max_pages)
OFFSET(wrt_qnx_allocator_config_t, growth)
OFFSET(wrt_qnx_allocator_config_t, reserve_pages)
OFFSET(wrt_qnx_allocator_config_t, lazy)
OFFSET(wrt_qnx_allocator_config_t, typed_memory)
OFFSET(wrt_qnx_allocator_config_t, partition)
OFFSET(wrt_qnx_allocator_config_t, guard_before)
OFFSET(wrt_qnx_allocator_config_t, guard_after)
OFFSET(wrt_qnx_allocator_config_t, guard_reach)
OFFSET(wrt_qnx_allocator_config_t, no_move)
OFFSET(wrt_qnx_allocator_config_t, memory64)
OFFSET(wrt_qnx_allocator_config_t, placement)
SIZE_ALIGN(wrt_placement_t)
SIZE_ALIGN(wrt_placement_info_t)
OFFSET(wrt_qnx_futex_config_t, initial_value)
OFFSET(wrt_qnx_futex_config_t, wake_order)

#define CONST(N)                                                         \
  unsigned long long wrt_rs_const_##N(void);                             \
  unsigned long long wrt_rs_const_##N(void) { return (unsigned long long)(N); }

CONST(WRT_WASM_PAGE_SIZE)
CONST(WRT_WASM_MAX_PAGES)
CONST(WRT_MAX_PAGES_NONE)
CONST(WRT_WASM64_MAX_PAGES)
CONST(WRT_GUARD_FROM_SIZE)
CONST(WRT_WASM32_GUARD_REACH)
CONST(WRT_WAIT_FOREVER)
CONST(WRT_STATUS_COUNT)
CONST(WRT_E_OS)
CONST(WRT_E_AGAIN)
CONST(WRT_GROW_EXACT)
CONST(WRT_MEM_READ_WRITE)
CONST(WRT_QNX_SYNC_PRIORITY_INHERIT)
CONST(WRT_QNX_WAKE_FIFO)
CONST(WRT_PROVIDER_NO_BAD_BLOCK)

/* wrt/object_sizes.h: what the library publishes for foreign storage. */
CONST(WRT_LINUX_ALLOCATOR_SIZE)
CONST(WRT_LINUX_ALLOCATOR_ALIGN)
CONST(WRT_LINUX_FUTEX_SIZE)
CONST(WRT_LINUX_FUTEX_ALIGN)
CONST(WRT_MUTEX_SIZE)
CONST(WRT_MUTEX_ALIGN)
CONST(WRT_PROVIDER_SIZE)
CONST(WRT_PROVIDER_ALIGN)
CONST(WRT_QNX_ALLOCATOR_SIZE)
CONST(WRT_QNX_ALLOCATOR_ALIGN)
CONST(WRT_QNX_FUTEX_SIZE)
CONST(WRT_QNX_FUTEX_ALIGN)
CONST(WRT_QNX_PARTITION_SIZE)
CONST(WRT_QNX_PARTITION_ALIGN)
