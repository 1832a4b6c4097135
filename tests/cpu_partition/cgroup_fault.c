/*
 * cgroup_fault.c - --wrap targets for the file calls of the cgroup
 * backends (see cgroup_fault.h). Test code only: global state is the point.
 */
#define _GNU_SOURCE
#include "cgroup_fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

int __real_open(const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_mkdir(const char *path, mode_t mode);
int __real_rmdir(const char *path);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_mkdir(const char *path, mode_t mode);
int __wrap_rmdir(const char *path);

static unsigned g_calls[CGF_COUNT];
static unsigned g_fail_at[CGF_COUNT];
static int g_err[CGF_COUNT];
static int g_fired;

void cgf_reset(void) {
  for (int i = 0; i < CGF_COUNT; i++) {
    g_calls[i] = 0;
    g_fail_at[i] = 0;
    g_err[i] = 0;
  }
  g_fired = 0;
}
void cgf_fail_nth(cgf_call call, unsigned nth, int err) {
  g_fail_at[call] = g_calls[call] + nth;
  g_err[call] = err;
  g_fired = 0;
}
unsigned cgf_calls(cgf_call call) { return g_calls[call]; }
int cgf_fired(void) { return g_fired; }

static int take(cgf_call call) {
  g_calls[call]++;
  if (g_fail_at[call] != 0 && g_fail_at[call] == g_calls[call]) {
    g_fired = 1;
    return g_err[call];
  }
  return 0;
}

int __wrap_open(const char *path, int flags, ...) {
  mode_t mode = 0;
  if ((flags & O_CREAT) != 0) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  int err = take(CGF_OPEN);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_open(path, flags, mode);
}
ssize_t __wrap_read(int fd, void *buf, size_t n) {
  int err = take(CGF_READ);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_read(fd, buf, n);
}
ssize_t __wrap_write(int fd, const void *buf, size_t n) {
  int err = take(CGF_WRITE);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_write(fd, buf, n);
}
int __wrap_mkdir(const char *path, mode_t mode) {
  int err = take(CGF_MKDIR);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_mkdir(path, mode);
}
int __wrap_rmdir(const char *path) {
  int err = take(CGF_RMDIR);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_rmdir(path);
}
