/*
 * linux_numa.c - NUMA node binding for Linux regions: mbind(2) through
 * syscall(SYS_mbind) (no libnuma in the library), node existence from
 * sysfs (Documentation/ABI/stable/sysfs-devices-node).
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux_placement.h"

/* linux/mempolicy.h values (stable ABI). */
#define WRT_MPOL_PREFERRED 1
#define WRT_MPOL_BIND 2

wrt_status wrt_linux_numa_check(int node) {
  char path[64];
  if (node < 0 || node > WRT_NUMA_MAX_NODE) {
    return WRT_E_INVALID_ARG;
  }
  if (access("/sys/devices/system/node", F_OK) != 0) {
    /* A kernel without NUMA: node 0 is all the memory there is. */
    return node == 0 ? WRT_OK : WRT_E_INVALID_ARG;
  }
  (void)snprintf(path, sizeof path, "/sys/devices/system/node/node%d", node);
  return access(path, F_OK) == 0 ? WRT_OK : WRT_E_INVALID_ARG;
}

wrt_status wrt_linux_numa_bind(wrt_linux_allocator_t *a, uint8_t *addr, size_t len) {
  enum { BITS = (WRT_NUMA_MAX_NODE + 1), WORD = (int)(sizeof(unsigned long) * 8u) };
  unsigned long mask[BITS / WORD];
  int node = a->config.placement.numa_node;
  for (size_t i = 0; i < sizeof mask / sizeof mask[0]; i++) {
    mask[i] = 0;
  }
  mask[node / WORD] = 1ul << (unsigned)(node % WORD);
  long mode = a->config.placement.numa_policy == WRT_NUMA_PREFERRED ? WRT_MPOL_PREFERRED
                                                                    : WRT_MPOL_BIND;
  /* maxnode counts one past the last bit the kernel reads. */
  if (syscall(SYS_mbind, (long)(uintptr_t)addr, (long)len, mode, (long)(uintptr_t)mask,
              (long)BITS + 1L, 0L) != 0) {
    int err = errno;
    if (err == ENOSYS && node == 0) {
      return WRT_OK; /* no NUMA in this kernel: node 0 holds everything */
    }
    a->last_os_error = err;
    /* EINVAL: a node this process may not use (cpuset) or none there. */
    return err == EINVAL ? WRT_E_INVALID_ARG : wrt_linux_placement_os_fail(a, err);
  }
  return WRT_OK;
}
