/*
 * src/qnx/qnx_memory_internal.h - what the files of the QNX page allocator
 * share (internal to src/qnx): the allocator (qnx_memory.c), its partition
 * budget (qnx_partition.c) and its typed-memory commit (qnx_typed_memory.c).
 * Includes only wrt/qnx_memory.h and the C library.
 */
#ifndef WRT_QNX_MEMORY_INTERNAL_H
#define WRT_QNX_MEMORY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/qnx_memory.h"

/* mmap's fd for anonymous memory: NOFD (-1) on QNX (mmap). */
#define WRT_QNX_NOFD (-1)

/* Keeps err in a->last_os_error and maps it to a status: ENOMEM / EAGAIN
 * are NO_MEMORY, anything else OS (qnx_memory.c). */
wrt_status wrt_qnx_os_fail(wrt_qnx_allocator_t *a, int err);

/* Charges bytes to p (NULL or 0: nothing) or returns LIMIT, never passing the
 * limit even when allocators on several threads charge at once; refund gives
 * bytes back (qnx_partition.c). */
wrt_status wrt_qnx_partition_charge(wrt_qnx_partition_t *p, size_t bytes);
void wrt_qnx_partition_refund(wrt_qnx_partition_t *p, size_t bytes);

/* A new descriptor of a->config.typed_memory, or UNSUPPORTED / NO_MEMORY / OS;
 * close records a failed close in last_os_error (qnx_typed_memory.c). */
wrt_status wrt_qnx_typed_open(wrt_qnx_allocator_t *a, int *fd);
void wrt_qnx_typed_close(wrt_qnx_allocator_t *a, int fd);

/* Maps [addr, addr+len) of a's reservation from the typed-memory pool, zeroed
 * (qnx_typed_memory.c). */
wrt_status wrt_qnx_commit_typed(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len);

/* Placement (qnx_shared_memory.c): checks config.placement at init; puts
 * the shared object over [base, base+reserved) of a fresh reservation
 * (closes it on failure; the caller unmaps); closes / unlinks it after the
 * mapping is gone. */
wrt_status wrt_qnx_placement_check(const wrt_qnx_allocator_config_t *cfg);
wrt_status wrt_qnx_shm_attach(wrt_qnx_allocator_t *a, uint8_t *base, size_t reserved);
void wrt_qnx_shm_release(wrt_qnx_allocator_t *a);

/* The eager commit on an anonymous shared-memory object
 * (qnx_object_commit.c): whether cfg uses it (not lazy, not typed, not a
 * shared placement); attach puts a new private object over [base,
 * base+reserved) of a fresh reservation (closes it on failure; the caller
 * unmaps); commit allocates [obj_off, obj_off+len) of it and makes
 * [addr, addr+len) accessible (nothing changed on failure); discard zeroes
 * in place. A grow that moves stashes the old region's object, then drops
 * it (success) or restores it (failure, closing the new one). */
typedef struct {
  int fd;
  bool has;
} wrt_qnx_object_saved_t;
bool wrt_qnx_object_mode(const wrt_qnx_allocator_config_t *c);
wrt_status wrt_qnx_object_attach(wrt_qnx_allocator_t *a, uint8_t *base, size_t reserved);
wrt_status wrt_qnx_object_commit(wrt_qnx_allocator_t *a, uint8_t *addr, size_t obj_off,
                                 size_t len);
wrt_status wrt_qnx_object_discard(wrt_qnx_allocator_t *a, size_t offset, size_t len);
wrt_qnx_object_saved_t wrt_qnx_object_stash(wrt_qnx_allocator_t *a);
void wrt_qnx_object_restore(wrt_qnx_allocator_t *a, wrt_qnx_object_saved_t saved);
void wrt_qnx_object_drop(wrt_qnx_allocator_t *a, wrt_qnx_object_saved_t saved);

#endif
