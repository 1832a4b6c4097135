/*
 * pool_object_sizes.c - the sizes of the pool's caller-owned objects that
 * code in another language reserves storage for (issue 25): Rust's
 * wrt-platform-sys/src/pool.rs holds the same numbers. A change of
 * include/wrt/pool.h that alters them fails here until both are updated.
 * 64-bit targets only (the Rust crates support no other). OS-free:
 * includes only the public header.
 */
#include <stdint.h>

#include "wrt/pool.h"

#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(wrt_pool_t) == 128u && _Alignof(wrt_pool_t) == 8u,
               "wrt_pool_t changed: update rust/wrt-platform-sys/src/pool.rs");
_Static_assert(sizeof(wrt_pool_slot_t) == 152u && _Alignof(wrt_pool_slot_t) == 8u,
               "wrt_pool_slot_t changed: update rust/wrt-platform-sys/src/pool.rs");
_Static_assert(sizeof(wrt_pool_config_t) == 40u,
               "wrt_pool_config_t changed: update rust/wrt-platform-sys/src/pool.rs");
#endif
/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_pool_object_sizes_checked;
