/*
 * pool_object_sizes.c - the sizes of the pool's caller-owned objects that
 * code in another language reserves storage for (issue 25): Rust's
 * wrt-platform-sys/src/pool.rs holds the same numbers. A change of
 * include/wrt/pool.h that alters them fails here until both are updated.
 * 64-bit targets only (the Rust crates support no other). OS-free:
 * includes only the public header. The static asserts are the file's
 * declarations (ISO C wants at least one).
 */
#include "wrt/pool.h"

/* On a target whose pointers are not 8 bytes each assert holds trivially. */
_Static_assert((sizeof(void *) != 8u) ||
                   ((sizeof(wrt_pool_t) == 136u) && (_Alignof(wrt_pool_t) == 8u)),
               "wrt_pool_t changed: update rust/wrt-platform-sys/src/pool.rs");
_Static_assert((sizeof(void *) != 8u) ||
                   ((sizeof(wrt_pool_slot_t) == 152u) && (_Alignof(wrt_pool_slot_t) == 8u)),
               "wrt_pool_slot_t changed: update rust/wrt-platform-sys/src/pool.rs");
_Static_assert((sizeof(void *) != 8u) || (sizeof(wrt_pool_config_t) == 48u),
               "wrt_pool_config_t changed: update rust/wrt-platform-sys/src/pool.rs");
