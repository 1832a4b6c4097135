/*
 * qnx_object_sizes.c - checks include/wrt/object_sizes.h against the QNX
 * backend's objects in every build of src/qnx: with qcc against the SDP
 * (where it confirms the values computed without qcc) and against the
 * Neutrino host model. A stale value is a build error: re-run
 * scripts/object-sizes.sh. Nothing else here.
 * May include: the public headers (qnx_sync.h brings <pthread.h>).
 */
#include "wrt/object_sizes.h"
#include "wrt/qnx_memory.h"
#include "wrt/qnx_sync.h"

#ifdef WRT_QNX_ALLOCATOR_SIZE
_Static_assert(sizeof(wrt_qnx_allocator_t) == WRT_QNX_ALLOCATOR_SIZE, "WRT_QNX_ALLOCATOR_SIZE");
_Static_assert(_Alignof(wrt_qnx_allocator_t) == WRT_QNX_ALLOCATOR_ALIGN,
               "WRT_QNX_ALLOCATOR_ALIGN");
_Static_assert(sizeof(wrt_qnx_partition_t) == WRT_QNX_PARTITION_SIZE, "WRT_QNX_PARTITION_SIZE");
_Static_assert(_Alignof(wrt_qnx_partition_t) == WRT_QNX_PARTITION_ALIGN,
               "WRT_QNX_PARTITION_ALIGN");
_Static_assert(sizeof(wrt_qnx_futex_t) == WRT_QNX_FUTEX_SIZE, "WRT_QNX_FUTEX_SIZE");
_Static_assert(_Alignof(wrt_qnx_futex_t) == WRT_QNX_FUTEX_ALIGN, "WRT_QNX_FUTEX_ALIGN");
#endif

/* ISO C wants at least one declaration in a translation unit. */
typedef int wrt_qnx_object_sizes_checked;
