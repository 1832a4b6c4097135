/*
 * probe.c - the sizes and alignments of every caller-allocated object, for
 * scripts/object-sizes.sh (which compiles this file, never runs it: each
 * array's symbol size, read with nm -S, is a size or an alignment, so it
 * works with any cross compiler). Not part of the library.
 * WRT_PROBE_QNX_ONLY: only the objects a QNX build has (the Linux headers
 * are not compiled).
 */
#include "wrt/atomic_memory.h"
#include "wrt/mutex.h"
#include "wrt/qnx_memory.h"
#include "wrt/qnx_sync.h"
#ifndef WRT_PROBE_QNX_ONLY
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#endif
/* The wait table (branch wait-table) is published once it is in the tree. */
#if defined(__has_include)
#if __has_include("wrt/wait_table.h")
#include "wrt/wait_table.h"
#define WRT_PROBE_WAIT_TABLE 1
#endif
#endif

#define PROBE(name, type)                                                                          \
  const char wrt_probe_size_##name[sizeof(type)] = {0};                                            \
  const char wrt_probe_align_##name[_Alignof(type)] = {0};

PROBE(QNX_ALLOCATOR, wrt_qnx_allocator_t)
PROBE(QNX_PARTITION, wrt_qnx_partition_t)
PROBE(QNX_FUTEX, wrt_qnx_futex_t)
PROBE(MUTEX, wrt_mutex_t)
PROBE(PROVIDER, wrt_provider_t)
#ifdef WRT_PROBE_WAIT_TABLE
PROBE(WAIT_TABLE, wrt_wait_table_t)
#endif
#ifndef WRT_PROBE_QNX_ONLY
PROBE(LINUX_ALLOCATOR, wrt_linux_allocator_t)
PROBE(LINUX_FUTEX, wrt_linux_futex_t)
#endif
