/*
 * core_object_sizes.c - checks include/wrt/object_sizes.h against the real
 * core objects (wrt_mutex_t, wrt_provider_t) in every build; the Linux and
 * QNX objects are checked in src/linux and src/qnx. A stale value is a
 * build error (re-run scripts/object-sizes.sh). Nothing else here.
 * OS-free (src/core): includes only public headers.
 */
#include "wrt/atomic_memory.h"
#include "wrt/mutex.h"
#include "wrt/object_sizes.h"

#ifdef WRT_MUTEX_SIZE
_Static_assert(sizeof(wrt_mutex_t) == WRT_MUTEX_SIZE, "WRT_MUTEX_SIZE");
_Static_assert(_Alignof(wrt_mutex_t) == WRT_MUTEX_ALIGN, "WRT_MUTEX_ALIGN");
_Static_assert(sizeof(wrt_provider_t) == WRT_PROVIDER_SIZE, "WRT_PROVIDER_SIZE");
_Static_assert(_Alignof(wrt_provider_t) == WRT_PROVIDER_ALIGN, "WRT_PROVIDER_ALIGN");
#endif

/* Generated only once include/wrt/wait_table.h is in the tree. */
#ifdef WRT_WAIT_TABLE_SIZE
#include "wrt/wait_table.h"
_Static_assert(sizeof(wrt_wait_table_t) == WRT_WAIT_TABLE_SIZE, "WRT_WAIT_TABLE_SIZE");
_Static_assert(_Alignof(wrt_wait_table_t) == WRT_WAIT_TABLE_ALIGN, "WRT_WAIT_TABLE_ALIGN");
#endif

/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_core_object_sizes_checked;
