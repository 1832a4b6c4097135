/*
 * linux_numa.c - NUMA node binding for Linux regions: mbind(2) through
 * syscall(SYS_mbind) (no libnuma in the library), node existence from
 * sysfs (Documentation/ABI/stable/sysfs-devices-node).
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux_placement.h"

/* linux/mempolicy.h values (stable ABI). */
#define WRT_MPOL_PREFERRED 1L
#define WRT_MPOL_BIND 2L

#define NODE_DIR "/sys/devices/system/node"
/* Bits of the node mask handed to mbind: every node we accept. */
#define MASK_BITS 1024u
_Static_assert(MASK_BITS == (unsigned)WRT_NUMA_MAX_NODE + 1u, "the mask covers every node accepted");

wrt_status wrt_linux_numa_check(int node) {
  /* NODE_DIR "/node" and at most four digits (node <= 1023) and the NUL. */
  char path[sizeof NODE_DIR + 10u];
  char digits[4];
  size_t n = 0;
  if (node < 0 || node > WRT_NUMA_MAX_NODE) {
    return WRT_E_INVALID_ARG;
  }
  if (access(NODE_DIR, F_OK) != 0) {
    /* A kernel without NUMA: node 0 is all the memory there is. */
    return (node == 0) ? WRT_OK : WRT_E_INVALID_ARG;
  }
  unsigned v = (unsigned)node;
  do {
    digits[n] = "0123456789"[v % 10u];
    n++;
    v /= 10u;
  } while (v != 0u);
  (void)memcpy(path, NODE_DIR "/node", sizeof NODE_DIR + 4u);
  size_t at = sizeof NODE_DIR + 4u;
  while (n > 0u) {
    n--;
    path[at] = digits[n];
    at++;
  }
  path[at] = '\0';
  return (access(path, F_OK) == 0) ? WRT_OK : WRT_E_INVALID_ARG;
}

wrt_status wrt_linux_numa_bind(wrt_linux_allocator_t *a, void *addr, size_t len) {
  uint64_t mask[MASK_BITS / 64u];
  unsigned node = (unsigned)a->config.placement.numa_node; /* checked >= 0 at init */
  uint64_t bit = 1u;
  unsigned shift = node % 64u;
  bit <<= shift;
  (void)memset(mask, 0, sizeof mask);
  mask[node / 64u] = bit;
  long mode = WRT_MPOL_BIND;
  if (a->config.placement.numa_policy == WRT_NUMA_PREFERRED) {
    mode = WRT_MPOL_PREFERRED;
  }
  /* maxnode counts one past the last bit the kernel reads. */
  const long maxnode = (long)MASK_BITS + 1L;
  if (syscall(SYS_mbind, (long)(uintptr_t)addr, (long)len, mode, (long)(uintptr_t)mask, maxnode,
              0L) != 0) {
    int err = errno;
    if (err == ENOSYS && node == 0u) {
      return WRT_OK; /* no NUMA in this kernel: node 0 holds everything */
    }
    a->last_os_error = err;
    /* EINVAL: a node this process may not use (cpuset) or none there. */
    return err == EINVAL ? WRT_E_INVALID_ARG : wrt_linux_placement_os_fail(a, err);
  }
  return WRT_OK;
}
