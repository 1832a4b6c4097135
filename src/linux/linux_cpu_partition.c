/*
 * linux_cpu_partition.c - CPU partitions on Linux cgroups (v1 cpu.shares,
 * v2 cpu.weight in a threaded group); see include/wrt/cpu_partition.h for
 * the semantics and the rules the kernel imposes.
 *
 * Kernel documentation: Documentation/admin-guide/cgroup-v1/cgroups.rst
 * ("tasks" takes thread ids), scheduler/sched-design-CFS.rst (cpu.shares is
 * a weight, 1024 by default, 2..262144), admin-guide/cgroup-v2.rst
 * (cpu.weight 1..10000, default 100; cpu.max "max <period>"; threaded
 * groups and cgroup.threads).
 *
 * May include: POSIX file calls, linux_cgroup.h and wrt headers. No heap: paths
 * and lines live in fixed buffers on the stack.
 */
#define _GNU_SOURCE /* gettid */

#include "wrt/cpu_partition.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu_partition_rules.h"
#include "linux_cgroup.h"

/* v1 shares per budget point: 100 % is 102400 (<= 262144, the kernel's
 * MAX_SHARES), so the 1024 of a plain task in the parent is ~1 point. */
#define SHARES_PER_PERCENT 1024u
/* v2: cpu.weight 1..10000; 100 % is 10000, a plain task's group weighs 100. */
#define WEIGHT_PER_PERCENT 100u

#define LINE_MAX_LEN 512u
_Static_assert(WRT_CG_PATH_MAX == WRT_CPU_PARTITION_PATH_MAX, "one path size");

/* The files that make the group a guaranteed-minimum partition. */
static int configure(const char *path, uint8_t kind, uint32_t budget) {
  char num[24];
  if (kind == WRT_CG_V1) {
    wrt_cg_put_u64(num, sizeof num, (uint64_t)budget * SHARES_PER_PERCENT);
    return wrt_cg_write(path, "cpu.shares", num);
  }
  int err = wrt_cg_write(path, "cgroup.type", "threaded");
  if (err == 0) {
    wrt_cg_put_u64(num, sizeof num, (uint64_t)budget * WEIGHT_PER_PERCENT);
    err = wrt_cg_write(path, "cpu.weight", num);
  }
  if (err == 0) {
    err = wrt_cg_write(path, "cpu.max", "max");
  }
  return err;
}

wrt_status wrt_linux_cpu_partition_create(wrt_cpu_partition_t *p,
                                          const wrt_cpu_partition_config_t *cfg) {
  if (p == NULL || p->live) {
    return p == NULL ? WRT_E_INVALID_ARG : WRT_E_STATE;
  }
  wrt_status st = wrt_cpu_partition_check_config(cfg);
  if (st != WRT_OK) {
    return st;
  }
  if (cfg->critical_budget_ms != 0u) {
    return WRT_E_UNSUPPORTED; /* cgroups have no critical budget */
  }
  char parent[WRT_CPU_PARTITION_PATH_MAX];
  uint8_t kind = 0;
  int os_error = 0;
  st = wrt_cg_find_parent("cpu", "cpu.shares", cfg->cgroup_mount, parent, sizeof parent,
                          &kind, &os_error);
  char path[WRT_CPU_PARTITION_PATH_MAX];
  if (st == WRT_OK && !wrt_cg_join_path(path, sizeof path, parent, cfg->name)) {
    st = WRT_E_UNSUPPORTED; /* our own group's path is too deep */
  }
  if (st == WRT_OK && mkdir(path, S_IRWXU | S_IRGRP | S_IXGRP | S_IROTH | S_IXOTH) != 0) {
    os_error = errno;
    st = os_error == ENOENT ? WRT_E_UNSUPPORTED : wrt_cpu_partition_status_of(os_error);
  } else if (st == WRT_OK) {
    int err = configure(path, kind, cfg->budget_percent);
    if (err != 0) {
      /* Undo: the group is empty (no thread joined yet), so rmdir works;
       * errno of the failure is what the caller gets. */
      (void)rmdir(path);
      os_error = err;
      st = err == ENOENT ? WRT_E_UNSUPPORTED : wrt_cpu_partition_status_of(err);
    }
  } else {
    /* st holds why no group was made */
  }
  if (st != WRT_OK) {
    p->os_error = os_error;
    return st;
  }
  p->live = true;
  p->kind = kind;
  p->budget_percent = cfg->budget_percent;
  p->critical_budget_ms = 0;
  p->id = -1;
  p->parent_id = -1;
  p->os_error = 0;
  p->created_ns = wrt_cg_now_ns();
  (void)wrt_copy_str(p->name, sizeof p->name, cfg->name); /* checked: fits */
  (void)wrt_copy_str(p->path, sizeof p->path, path);      /* same size */
  return WRT_OK;
}

static wrt_status move_thread(wrt_cpu_partition_t *p, const char *dir, int32_t tid) {
  if (tid < 0) {
    return WRT_E_INVALID_ARG;
  }
  char num[24];
  wrt_cg_put_u64(num, sizeof num, (uint64_t)(tid == 0 ? (int32_t)gettid() : tid));
  int err = wrt_cg_write(dir, p->kind == WRT_CG_V1 ? "tasks" : "cgroup.threads", num);
  if (err != 0) {
    p->os_error = err;
    return wrt_cpu_partition_status_of(err);
  }
  return WRT_OK;
}

wrt_status wrt_linux_cpu_partition_join(wrt_cpu_partition_t *p, int32_t tid) {
  if (p == NULL || !p->live) {
    return p == NULL ? WRT_E_INVALID_ARG : WRT_E_STATE;
  }
  return move_thread(p, p->path, tid);
}

wrt_status wrt_linux_cpu_partition_leave(wrt_cpu_partition_t *p, int32_t tid) {
  if (p == NULL || !p->live) {
    return p == NULL ? WRT_E_INVALID_ARG : WRT_E_STATE;
  }
  char parent[WRT_CPU_PARTITION_PATH_MAX];
  (void)wrt_copy_str(parent, sizeof parent, p->path); /* same size */
  char *slash = strrchr(parent, '/');
  if (slash == NULL) {
    return WRT_E_STATE;
  }
  *slash = '\0';
  return move_thread(p, parent, tid);
}

wrt_status wrt_linux_cpu_partition_query(const wrt_cpu_partition_t *p,
                                         wrt_cpu_partition_info_t *out) {
  if (p == NULL || out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!p->live) {
    return WRT_E_STATE;
  }
  char buf[LINE_MAX_LEN];
  wrt_cpu_partition_info_t info = {.budget_percent = p->budget_percent};
  info.usage_window_ns = wrt_cg_now_ns() - p->created_ns;
  if (p->kind == WRT_CG_V1) {
    /* cpuacct co-mounted with cpu ("cpu,cpuacct") accounts the group. */
    if (wrt_cg_read(p->path, "cpuacct.usage", buf, sizeof buf) == 0) {
      info.usage_known = true;
      info.usage_ns = wrt_cg_parse_u64(buf);
    }
  } else if (wrt_cg_read(p->path, "cpu.stat", buf, sizeof buf) == 0) {
    const char *u = strstr(buf, "usage_usec ");
    if (u != NULL) {
      info.usage_known = true;
      info.usage_ns = wrt_cg_parse_u64(&u[11]) * 1000u;
    }
  } else {
    /* usage not readable: usage_known stays false */
  }
  *out = info;
  return WRT_OK;
}

wrt_status wrt_linux_cpu_partition_destroy(wrt_cpu_partition_t *p) {
  if (p == NULL || !p->live) {
    return p == NULL ? WRT_E_INVALID_ARG : WRT_E_STATE;
  }
  if (rmdir(p->path) != 0) {
    p->os_error = errno;
    return wrt_cpu_partition_status_of(p->os_error); /* EBUSY: threads left */
  }
  p->live = false;
  p->os_error = 0;
  return WRT_OK;
}
