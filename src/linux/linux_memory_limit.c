/*
 * linux_memory_limit.c - the OS-enforced memory budget on Linux: RLIMIT_AS
 * (setrlimit(2)) or a memory cgroup (v1 memory.limit_in_bytes, v2
 * memory.max: admin-guide/cgroup-v1/memory.rst, admin-guide/cgroup-v2.rst);
 * see include/wrt/memory_limit.h for the trade-offs.
 *
 * May include: POSIX, <sys/resource.h>, wrt headers and linux_cgroup.h.
 */
#define _GNU_SOURCE

#include "wrt/memory_limit.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu_partition_rules.h"
#include "linux_cgroup.h"

_Static_assert(WRT_CG_PATH_MAX == WRT_MEMORY_LIMIT_PATH_MAX, "one path size");

static wrt_status rlimit_apply(wrt_memory_limit_t *l, uint64_t bytes) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    l->os_error = errno;
    return WRT_E_OS;
  }
  if ((uint64_t)(rlim_t)bytes != bytes || (rlim_t)bytes == RLIM_INFINITY) {
    return WRT_E_INVALID_ARG;
  }
  if (rl.rlim_max != RLIM_INFINITY && (rlim_t)bytes > rl.rlim_max) {
    return WRT_E_LIMIT; /* raising the hard limit is not ours to do */
  }
  struct rlimit want = {.rlim_cur = (rlim_t)bytes, .rlim_max = rl.rlim_max};
  if (setrlimit(RLIMIT_AS, &want) != 0) {
    l->os_error = errno;
    return l->os_error == EPERM ? WRT_E_PERMISSION : WRT_E_OS;
  }
  l->saved_infinite = rl.rlim_cur == RLIM_INFINITY;
  l->saved = (uint64_t)rl.rlim_cur;
  return WRT_OK;
}

static wrt_status rlimit_release(wrt_memory_limit_t *l) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    l->os_error = errno;
    return WRT_E_OS;
  }
  rl.rlim_cur = l->saved_infinite ? RLIM_INFINITY : (rlim_t)l->saved;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max; /* the hard limit came down meanwhile */
  }
  if (setrlimit(RLIMIT_AS, &rl) != 0) {
    l->os_error = errno;
    return WRT_E_OS;
  }
  return WRT_OK;
}

static int move_process(const char *dir) {
  char num[24];
  wrt_cg_put_u64(num, sizeof num, (uint64_t)getpid());
  return wrt_cg_write(dir, "cgroup.procs", num);
}

static wrt_status cgroup_apply(wrt_memory_limit_t *l, const wrt_memory_limit_config_t *cfg) {
  if (!wrt_cpu_partition_name_ok(cfg->name)) {
    return WRT_E_INVALID_ARG;
  }
  uint8_t kind = 0;
  int os_error = 0;
  wrt_status st = wrt_cg_find_parent("memory", "memory.limit_in_bytes", cfg->cgroup_mount,
                                     l->parent, sizeof l->parent, &kind, &os_error);
  if (st == WRT_OK && !wrt_cg_join_path(l->path, sizeof l->path, l->parent, cfg->name)) {
    st = WRT_E_UNSUPPORTED;
  }
  if (st != WRT_OK) {
    l->os_error = os_error;
    return st;
  }
  if (mkdir(l->path, S_IRWXU | S_IRGRP | S_IXGRP | S_IROTH | S_IXOTH) != 0) {
    l->os_error = errno;
    return l->os_error == ENOENT ? WRT_E_UNSUPPORTED : wrt_cpu_partition_status_of(l->os_error);
  }
  char num[24];
  wrt_cg_put_u64(num, sizeof num, cfg->bytes);
  int err = wrt_cg_write(l->path, kind == WRT_CG_V1 ? "memory.limit_in_bytes" : "memory.max", num);
  if (err == 0) {
    err = move_process(l->path);
  }
  if (err != 0) {
    /* Nothing joined it (the move is the last step and failed whole), so
     * the empty group goes. */
    (void)rmdir(l->path);
    l->os_error = err;
    return err == ENOENT ? WRT_E_UNSUPPORTED : wrt_cpu_partition_status_of(err);
  }
  l->cg_version = kind;
  return WRT_OK;
}

wrt_status wrt_linux_memory_limit_apply(wrt_memory_limit_t *l,
                                        const wrt_memory_limit_config_t *cfg) {
  if (l == NULL || cfg == NULL || cfg->bytes == 0u) {
    return WRT_E_INVALID_ARG;
  }
  if (l->live) {
    return WRT_E_STATE;
  }
  wrt_memory_limit_t tmp = *l;
  wrt_status st;
  if (cfg->kind == WRT_MEMORY_LIMIT_ADDRESS_SPACE) {
    st = rlimit_apply(&tmp, cfg->bytes);
  } else if (cfg->kind == WRT_MEMORY_LIMIT_CGROUP) {
    st = cgroup_apply(&tmp, cfg);
  } else {
    return WRT_E_INVALID_ARG;
  }
  if (st != WRT_OK) {
    l->os_error = tmp.os_error;
    return st;
  }
  tmp.live = true;
  tmp.kind = (uint8_t)cfg->kind;
  tmp.bytes = cfg->bytes;
  tmp.os_error = 0;
  *l = tmp;
  return WRT_OK;
}

wrt_status wrt_linux_memory_limit_release(wrt_memory_limit_t *l) {
  if (l == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!l->live) {
    return WRT_E_STATE;
  }
  if (l->kind == (uint8_t)WRT_MEMORY_LIMIT_ADDRESS_SPACE) {
    wrt_status st = rlimit_release(l);
    if (st != WRT_OK) {
      return st;
    }
  } else {
    int err = move_process(l->parent);
    if (err == 0 && rmdir(l->path) != 0) {
      err = errno;
    }
    if (err != 0) {
      l->os_error = err;
      return wrt_cpu_partition_status_of(err);
    }
  }
  l->live = false;
  l->os_error = 0;
  return WRT_OK;
}
