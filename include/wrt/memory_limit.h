/*
 * wrt/memory_limit.h - a memory budget the OS enforces on the process that
 * runs Wasm instances, beyond the library's own page budget.
 *
 * One concept: wrt_memory_limit_t, caller-owned storage for one applied
 * limit, which release() takes back (restoring what was there before).
 * Each backend has its own prefix, with the same signatures.
 * Includes only status.h and the C library.
 *
 * Why per process: neither OS limits memory per thread. A per-instance
 * budget is the allocators' own (max_pages, wrt_qnx_partition_t); this is
 * the backstop that holds even if the library's accounting were wrong.
 *
 * Kinds and trade-offs:
 *  - WRT_MEMORY_LIMIT_ADDRESS_SPACE: RLIMIT_AS (setrlimit). A mapping that
 *    would pass it fails at once with ENOMEM, so the allocator returns
 *    WRT_E_NO_MEMORY with last_os_error ENOMEM and changes nothing. It
 *    counts reserved address space, not memory in use: a RESERVE allocator
 *    that reserves 4 GiB per 32-bit memory needs the limit above its
 *    reservations (use EXACT growth or reserve_pages under tight limits).
 *    Linux and QNX (QNX: RLIMIT_AS is RLIMIT_VMEM, value 6; RLIMIT_DATA 2
 *    also counts anonymous private mappings - SDP 7.1/8.0 sys/resource.h;
 *    src/qnx/qnx_process_cap.c, whose wrt_qnx_set_process_memory_cap this
 *    builds on). Lowering needs nothing; raising the hard limit needs root
 *    on Linux (CAP_SYS_RESOURCE) and PROCMGR_AID_RLIMIT on QNX
 *    (procmgr_ability); only the soft limit is set here.
 *  - WRT_MEMORY_LIMIT_CGROUP (Linux only): a memory cgroup (v1
 *    memory.limit_in_bytes, v2 memory.max) holding the whole process. It
 *    counts memory really used (pages touched, page cache), not address
 *    space, but it does NOT fail mmap: past the limit the kernel reclaims
 *    and then OOM-kills the process at a page fault, so a guest's touch,
 *    not an allocation, is where it bites. It counts only memory the
 *    process touches after apply: pages it already had stay charged to
 *    its old group (cgroup-v2.rst, "Memory Ownership": migrating a process
 *    does not move the usage it made before; v1 the same unless
 *    memory.move_charge_at_immigrate is set, which is not done here), so
 *    apply it before the instances' memory is touched. Needs write access to the
 *    memory hierarchy (WRT_E_PERMISSION otherwise). QNX has no memory
 *    cgroup: WRT_E_UNSUPPORTED there. QNX's nearest things are
 *    RLIMIT_FREEMEM (10: a floor of free system memory, in 0.1 % of RAM,
 *    "crude partitioning") and procmgr_value_notify_add
 *    (PROCMGR_VALUE_PRIVATE_MEM) notifications; neither refuses one
 *    process's allocation with an error the allocator could return, so
 *    neither is offered here (qnx-facts.md).
 *
 * A limit is process-wide state: apply and release from one owner thread,
 * with at most one live limit of each kind at a time (the library cannot
 * check this across objects: the caller keeps to it), released in the
 * reverse order of applying.
 */
#ifndef WRT_MEMORY_LIMIT_H
#define WRT_MEMORY_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WRT_MEMORY_LIMIT_PATH_MAX 256u

typedef enum {
  WRT_MEMORY_LIMIT_ADDRESS_SPACE = 1,
  WRT_MEMORY_LIMIT_CGROUP = 2
} wrt_memory_limit_kind;

/* A plain value, copied by apply. */
typedef struct wrt_memory_limit_config {
  wrt_memory_limit_kind kind;
  /* The limit in bytes, > 0 (and, for ADDRESS_SPACE, below RLIM_INFINITY). */
  uint64_t bytes;
  /* CGROUP only: the group's name (1..15 of [A-Za-z0-9_-], not starting
   * with a digit), and the hierarchy to use (NULL: the memory controller's
   * mount from /proc/self/mounts; tests give a prepared tree). */
  const char *name;
  const char *cgroup_mount;
} wrt_memory_limit_config_t;

/* Caller-allocated; fields are private. */
typedef struct wrt_memory_limit {
  bool live;
  uint8_t kind;
  uint8_t cg_version;
  uint64_t bytes;
  uint64_t saved; /* ADDRESS_SPACE: the soft limit before apply */
  bool saved_infinite;
  int os_error; /* errno of the last failed OS call, 0 if none */
  char path[WRT_MEMORY_LIMIT_PATH_MAX];   /* CGROUP: the group */
  char parent[WRT_MEMORY_LIMIT_PATH_MAX]; /* CGROUP: where the process was */
} wrt_memory_limit_t;

int wrt_memory_limit_os_error(const wrt_memory_limit_t *l);

/* Apply: l must not be live; on error l stays not live and the process's
 * limits, groups and membership are as before. WRT_E_LIMIT: the value is
 * above the hard limit. Release: restores the soft limit (at most the hard
 * limit, should that have come down meanwhile) / moves the process back to
 * its group and removes the one made; on error l stays live. */
wrt_status wrt_linux_memory_limit_apply(wrt_memory_limit_t *l,
                                        const wrt_memory_limit_config_t *cfg);
wrt_status wrt_linux_memory_limit_release(wrt_memory_limit_t *l);
wrt_status wrt_qnx_memory_limit_apply(wrt_memory_limit_t *l,
                                      const wrt_memory_limit_config_t *cfg);
wrt_status wrt_qnx_memory_limit_release(wrt_memory_limit_t *l);

#ifdef __cplusplus
}
#endif
#endif
