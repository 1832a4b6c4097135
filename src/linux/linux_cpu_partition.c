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
 * May include: POSIX file calls, <time.h> and wrt headers. No heap: paths
 * and lines live in fixed buffers on the stack.
 */
#define _GNU_SOURCE /* gettid */

#include "wrt/cpu_partition.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpu_partition_rules.h"

enum { KIND_V1 = 1, KIND_V2 = 2 };

/* v1 shares per budget point: 100 % is 102400 (<= 262144, the kernel's
 * MAX_SHARES), so the 1024 of a plain task in the parent is ~1 point. */
#define SHARES_PER_PERCENT 1024u
/* v2: cpu.weight 1..10000; 100 % is 10000, a plain task's group weighs 100. */
#define WEIGHT_PER_PERCENT 100u

#define LINE_MAX_LEN 512u

static uint64_t now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* dst = a "/" b; false when it does not fit. */
static bool join_path(char *dst, size_t cap, const char *a, const char *b) {
  size_t la = strlen(a);
  size_t lb = strlen(b);
  if (la + 1u + lb + 1u > cap) {
    return false;
  }
  memcpy(dst, a, la);
  dst[la] = '/';
  memcpy(dst + la + 1u, b, lb + 1u);
  return true;
}

static int write_file(const char *dir, const char *file, const char *text) {
  char path[WRT_CPU_PARTITION_PATH_MAX + 32u];
  if (!join_path(path, sizeof path, dir, file)) {
    return ENAMETOOLONG;
  }
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  int err = n < 0 ? errno : ((size_t)n == len ? 0 : EIO);
  (void)close(fd);
  return err;
}

/* Reads up to cap-1 bytes of dir/file into buf (NUL-terminated). */
static int read_file(const char *dir, const char *file, char *buf, size_t cap) {
  char path[WRT_CPU_PARTITION_PATH_MAX + 32u];
  if (!join_path(path, sizeof path, dir, file)) {
    return ENAMETOOLONG;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  ssize_t n = read(fd, buf, cap - 1u);
  int err = n < 0 ? errno : 0;
  (void)close(fd);
  buf[n < 0 ? 0 : (size_t)n] = '\0';
  return err;
}

static void put_u64(char *buf, size_t cap, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u && n < sizeof tmp);
  size_t i = 0;
  for (; i < n && i + 1u < cap; i++) {
    buf[i] = tmp[n - 1u - i];
  }
  buf[i] = '\0';
}

static uint64_t parse_u64(const char *s) {
  uint64_t v = 0;
  while (*s >= '0' && *s <= '9' && v < UINT64_MAX / 10u - 10u) {
    v = v * 10u + (uint64_t)(*s - '0');
    s++;
  }
  return v;
}

/* Is word one of the comma-separated (or space-separated) tokens of list? */
static bool has_token(const char *list, const char *word, char sep) {
  size_t lw = strlen(word);
  const char *t = list;
  while (*t != '\0') {
    const char *e = t;
    while (*e != '\0' && *e != sep && *e != ' ' && *e != '\n') {
      e++;
    }
    if ((size_t)(e - t) == lw && strncmp(t, word, lw) == 0) {
      return true;
    }
    if (*e == '\0' || (*e != sep && sep != ' ')) {
      return false;
    }
    t = e + 1;
  }
  return false;
}

/* Splits line (NUL-terminated) at spaces into at most max fields. */
static unsigned split_fields(char *line, char **f, unsigned max, char sep) {
  unsigned n = 0;
  char *s = line;
  while (n < max && *s != '\0') {
    f[n++] = s;
    while (*s != '\0' && *s != sep) {
      s++;
    }
    if (*s == '\0') {
      break;
    }
    *s++ = '\0';
  }
  return n;
}

/* Calls fn(line, ctx) for each line of path until it returns true. */
typedef bool (*line_fn)(char *line, void *ctx);
static int for_each_line(const char *path, line_fn fn, void *ctx, bool *found) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  char buf[LINE_MAX_LEN * 2u];
  size_t have = 0;
  int err = 0;
  *found = false;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof buf - 1u - have);
    if (n < 0) {
      err = errno;
      break;
    }
    have += (size_t)n;
    buf[have] = '\0';
    char *start = buf;
    char *nl;
    while ((nl = strchr(start, '\n')) != NULL) {
      *nl = '\0';
      if (fn(start, ctx)) {
        *found = true;
        break;
      }
      start = nl + 1;
    }
    if (*found || n == 0) {
      break;
    }
    size_t rest = have - (size_t)(start - buf);
    if (rest == sizeof buf - 1u) {
      rest = 0; /* a line longer than the buffer: skipped */
    }
    memmove(buf, start, rest);
    have = rest;
  }
  (void)close(fd);
  return err;
}

typedef struct {
  char mount[WRT_CPU_PARTITION_PATH_MAX];
  uint8_t kind;
} mount_ctx;

static bool v1_cpu_mount(char *line, void *vctx) {
  mount_ctx *c = vctx;
  char *f[4];
  if (split_fields(line, f, 4u, ' ') == 4u && strcmp(f[2], "cgroup") == 0 &&
      has_token(f[3], "cpu", ',') && strlen(f[1]) < sizeof c->mount) {
    strcpy(c->mount, f[1]);
    c->kind = KIND_V1;
    return true;
  }
  return false;
}

static bool v2_mount(char *line, void *vctx) {
  mount_ctx *c = vctx;
  char *f[4];
  if (split_fields(line, f, 4u, ' ') == 4u && strcmp(f[2], "cgroup2") == 0 &&
      strlen(f[1]) < sizeof c->mount) {
    char ctl[LINE_MAX_LEN];
    if (read_file(f[1], "cgroup.controllers", ctl, sizeof ctl) == 0 && has_token(ctl, "cpu", ' ')) {
      strcpy(c->mount, f[1]);
      c->kind = KIND_V2;
      return true;
    }
  }
  return false;
}

typedef struct {
  uint8_t kind;
  char rel[WRT_CPU_PARTITION_PATH_MAX];
} self_ctx;

/* /proc/self/cgroup: "id:controllers:path"; v1 wants the line whose
 * controllers include cpu, v2 the "0::" line. */
static bool own_group(char *line, void *vctx) {
  self_ctx *c = vctx;
  char *f[3];
  if (split_fields(line, f, 3u, ':') != 3u || strlen(f[2]) >= sizeof c->rel) {
    return false;
  }
  bool match = c->kind == KIND_V1 ? has_token(f[1], "cpu", ',')
                                  : (strcmp(f[0], "0") == 0 && f[1][0] == '\0');
  if (match) {
    strcpy(c->rel, f[2]);
  }
  return match;
}

/* The directory new groups go in (the process's own group) and its kind. */
static wrt_status find_parent(const wrt_cpu_partition_config_t *cfg, char *parent, size_t cap,
                              uint8_t *kind, int *os_error) {
  mount_ctx m = {.kind = 0};
  if (cfg->cgroup_mount != NULL) {
    char probe[16];
    if (strlen(cfg->cgroup_mount) >= cap) {
      return WRT_E_INVALID_ARG;
    }
    strcpy(parent, cfg->cgroup_mount);
    if (read_file(parent, "cpu.shares", probe, sizeof probe) == 0) {
      *kind = KIND_V1;
    } else if (read_file(parent, "cgroup.controllers", probe, sizeof probe) == 0) {
      *kind = KIND_V2;
    } else {
      return WRT_E_UNSUPPORTED;
    }
    return WRT_OK;
  }
  bool found = false;
  int err = for_each_line("/proc/self/mounts", v1_cpu_mount, &m, &found);
  if (err == 0 && !found) {
    err = for_each_line("/proc/self/mounts", v2_mount, &m, &found);
  }
  if (err != 0) {
    *os_error = err;
    return WRT_E_OS;
  }
  if (!found) {
    return WRT_E_UNSUPPORTED; /* no cpu controller mounted */
  }
  self_ctx s = {.kind = m.kind};
  err = for_each_line("/proc/self/cgroup", own_group, &s, &found);
  if (err != 0 || !found) {
    *os_error = err;
    return err != 0 ? WRT_E_OS : WRT_E_UNSUPPORTED;
  }
  const char *rel = strcmp(s.rel, "/") == 0 ? "" : s.rel;
  if (strlen(m.mount) + strlen(rel) + 1u > cap) {
    return WRT_E_UNSUPPORTED;
  }
  strcpy(parent, m.mount);
  strcat(parent, rel);
  *kind = m.kind;
  return WRT_OK;
}

/* The files that make the group a guaranteed-minimum partition. */
static int configure(const char *path, uint8_t kind, uint32_t budget) {
  char num[24];
  if (kind == KIND_V1) {
    put_u64(num, sizeof num, (uint64_t)budget * SHARES_PER_PERCENT);
    return write_file(path, "cpu.shares", num);
  }
  int err = write_file(path, "cgroup.type", "threaded");
  if (err == 0) {
    put_u64(num, sizeof num, (uint64_t)budget * WEIGHT_PER_PERCENT);
    err = write_file(path, "cpu.weight", num);
  }
  if (err == 0) {
    err = write_file(path, "cpu.max", "max");
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
  st = find_parent(cfg, parent, sizeof parent, &kind, &os_error);
  char path[WRT_CPU_PARTITION_PATH_MAX];
  if (st == WRT_OK && !join_path(path, sizeof path, parent, cfg->name)) {
    st = WRT_E_UNSUPPORTED; /* our own group's path is too deep */
  }
  if (st == WRT_OK && mkdir(path, 0755) != 0) {
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
  p->created_ns = now_ns();
  strcpy(p->name, cfg->name);
  strcpy(p->path, path);
  return WRT_OK;
}

static wrt_status move_thread(wrt_cpu_partition_t *p, const char *dir, int32_t tid) {
  if (tid < 0) {
    return WRT_E_INVALID_ARG;
  }
  char num[24];
  put_u64(num, sizeof num, (uint64_t)(tid == 0 ? (int32_t)gettid() : tid));
  int err = write_file(dir, p->kind == KIND_V1 ? "tasks" : "cgroup.threads", num);
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
  strcpy(parent, p->path);
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
  info.usage_window_ns = now_ns() - p->created_ns;
  if (p->kind == KIND_V1) {
    /* cpuacct co-mounted with cpu ("cpu,cpuacct") accounts the group. */
    if (read_file(p->path, "cpuacct.usage", buf, sizeof buf) == 0) {
      info.usage_known = true;
      info.usage_ns = parse_u64(buf);
    }
  } else if (read_file(p->path, "cpu.stat", buf, sizeof buf) == 0) {
    const char *u = strstr(buf, "usage_usec ");
    if (u != NULL) {
      info.usage_known = true;
      info.usage_ns = parse_u64(u + 11) * 1000u;
    }
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
