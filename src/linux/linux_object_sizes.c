/*
 * linux_object_sizes.c - checks include/wrt/object_sizes.h against the
 * Linux backend's objects in every Linux build (a stale value is a build
 * error: re-run scripts/object-sizes.sh). Nothing else here.
 * May include: the public headers.
 */
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#include "wrt/object_sizes.h"

#ifdef WRT_LINUX_ALLOCATOR_SIZE
_Static_assert(sizeof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_SIZE,
               "WRT_LINUX_ALLOCATOR_SIZE");
_Static_assert(_Alignof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_ALIGN,
               "WRT_LINUX_ALLOCATOR_ALIGN");
_Static_assert(sizeof(wrt_linux_futex_t) == WRT_LINUX_FUTEX_SIZE, "WRT_LINUX_FUTEX_SIZE");
_Static_assert(_Alignof(wrt_linux_futex_t) == WRT_LINUX_FUTEX_ALIGN, "WRT_LINUX_FUTEX_ALIGN");
#endif

/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_linux_object_sizes_checked;
