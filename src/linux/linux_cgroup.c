/*
 * linux_cgroup.c - cgroup file plumbing shared by the Linux CPU-partition
 * and memory-limit backends (see linux_cgroup.h). Kernel documentation:
 * admin-guide/cgroup-v1/cgroups.rst, admin-guide/cgroup-v2.rst; the formats
 * of /proc/self/mounts (fstab(5)) and /proc/self/cgroup (cgroups(7)).
 * May include: POSIX file calls, <time.h>, <string.h>. No heap: fixed
 * buffers on the stack.
 */
#define _GNU_SOURCE

#include "linux_cgroup.h"

#include <stddef.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu_partition_rules.h"

#define LINE_MAX_LEN 512u

uint64_t wrt_cg_now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* dst = a "/" b; false when it does not fit. */
bool wrt_cg_join_path(char *dst, size_t cap, const char *a, const char *b) {
  size_t la = strlen(a);
  size_t lb = strlen(b);
  if (la + 1u + lb + 1u > cap) {
    return false;
  }
  (void)memcpy(dst, a, la);
  dst[la] = '/';
  (void)memcpy(&dst[la + 1u], b, lb);
  dst[la + 1u + lb] = '\0';
  return true;
}

int wrt_cg_write(const char *dir, const char *file, const char *text) {
  char path[WRT_CG_PATH_MAX + 32u];
  if (!wrt_cg_join_path(path, sizeof path, dir, file)) {
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
int wrt_cg_read(const char *dir, const char *file, char *buf, size_t cap) {
  char path[WRT_CG_PATH_MAX + 32u];
  if (!wrt_cg_join_path(path, sizeof path, dir, file)) {
    return ENAMETOOLONG;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  ssize_t n = read(fd, buf, cap - 1u);
  int err = n < 0 ? errno : 0;
  (void)close(fd);
  buf[n < 0 ? 0u : (size_t)n] = '\0';
  return err;
}

void wrt_cg_put_u64(char *buf, size_t cap, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n] = "0123456789"[v % 10u];
    n++;
    v /= 10u;
  } while (v != 0u && n < sizeof tmp);
  size_t i = 0;
  for (; i < n && i + 1u < cap; i++) {
    buf[i] = tmp[n - 1u - i];
  }
  buf[i] = '\0';
}

uint64_t wrt_cg_parse_u64(const char *s) {
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
    ptrdiff_t len = e - t;
    if ((size_t)len == lw && strncmp(t, word, lw) == 0) {
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
    f[n] = s;
    n++;
    while (*s != '\0' && *s != sep) {
      s++;
    }
    if (*s == '\0') {
      break;
    }
    *s = '\0';
    s++;
  }
  for (unsigned i = n; i < max; i++) {
    f[i] = s; /* an empty field: never an unset pointer */
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
    ptrdiff_t used = start - buf;
    size_t rest = have - (size_t)used;
    if (rest == sizeof buf - 1u) {
      rest = 0; /* a line longer than the buffer: skipped */
    }
    (void)memmove(buf, start, rest);
    have = rest;
  }
  (void)close(fd);
  return err;
}

typedef struct {
  const char *controller;
  char mount[WRT_CG_PATH_MAX];
  uint8_t kind;
} mount_ctx;

static bool v1_mount(char *line, void *vctx) {
  mount_ctx *c = vctx;
  char *f[4];
  if (split_fields(line, f, 4u, ' ') == 4u && strcmp(f[2], "cgroup") == 0 &&
      has_token(f[3], c->controller, ',') && wrt_copy_str(c->mount, sizeof c->mount, f[1])) {
    c->kind = WRT_CG_V1;
    return true;
  }
  return false;
}

static bool v2_mount(char *line, void *vctx) {
  mount_ctx *c = vctx;
  char *f[4];
  if (split_fields(line, f, 4u, ' ') == 4u && strcmp(f[2], "cgroup2") == 0) {
    char ctl[LINE_MAX_LEN];
    if (wrt_cg_read(f[1], "cgroup.controllers", ctl, sizeof ctl) == 0 &&
        has_token(ctl, c->controller, ' ') && wrt_copy_str(c->mount, sizeof c->mount, f[1])) {
      c->kind = WRT_CG_V2;
      return true;
    }
  }
  return false;
}

typedef struct {
  const char *controller;
  uint8_t kind;
  char rel[WRT_CG_PATH_MAX];
} self_ctx;

/* /proc/self/cgroup: "id:controllers:path"; v1 wants the line whose
 * controllers include cpu, v2 the "0::" line. */
static bool own_group(char *line, void *vctx) {
  self_ctx *c = vctx;
  char *f[3];
  if (split_fields(line, f, 3u, ':') != 3u) {
    return false;
  }
  bool match = c->kind == WRT_CG_V1 ? has_token(f[1], c->controller, ',')
                                  : (strcmp(f[0], "0") == 0 && f[1][0] == '\0');
  return match && wrt_copy_str(c->rel, sizeof c->rel, f[2]);
}

/* The directory new groups go in (the process's own group) and its kind. */
wrt_status wrt_cg_find_parent(const char *controller, const char *v1_marker,
                              const char *mount_override, char *parent, size_t cap,
                              uint8_t *kind, int *os_error) {
  mount_ctx m = {.controller = controller, .kind = 0};
  if (mount_override != NULL) {
    char probe[16];
    if (!wrt_copy_str(parent, cap, mount_override)) {
      return WRT_E_INVALID_ARG;
    }
    if (wrt_cg_read(parent, v1_marker, probe, sizeof probe) == 0) {
      *kind = WRT_CG_V1;
    } else if (wrt_cg_read(parent, "cgroup.controllers", probe, sizeof probe) == 0) {
      *kind = WRT_CG_V2;
    } else {
      return WRT_E_UNSUPPORTED;
    }
    return WRT_OK;
  }
  bool found = false;
  int err = for_each_line("/proc/self/mounts", v1_mount, &m, &found);
  if (err == 0 && !found) {
    err = for_each_line("/proc/self/mounts", v2_mount, &m, &found);
  }
  if (err != 0) {
    *os_error = err;
    return WRT_E_OS;
  }
  if (!found) {
    return WRT_E_UNSUPPORTED; /* the controller is not mounted */
  }
  self_ctx s = {.controller = controller, .kind = m.kind};
  err = for_each_line("/proc/self/cgroup", own_group, &s, &found);
  if (err != 0 || !found) {
    *os_error = err;
    return err != 0 ? WRT_E_OS : WRT_E_UNSUPPORTED;
  }
  const char *rel = strcmp(s.rel, "/") == 0 ? "" : s.rel;
  size_t lm = strlen(m.mount);
  if (lm >= cap || !wrt_copy_str(&parent[lm], cap - lm, rel)) {
    return WRT_E_UNSUPPORTED; /* too deep for our path buffer */
  }
  (void)memcpy(parent, m.mount, lm);
  *kind = m.kind;
  return WRT_OK;
}

