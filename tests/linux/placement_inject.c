/*
 * placement_inject.c - --wrap targets for the calls only the placement
 * files make (memfd_create, shm_open, fchmod, fallocate, fcntl, madvise):
 * fail the n-th one with a chosen errno. mmap / mprotect / munmap / mbind
 * are failed by tests/support/fault_inject.c. Test code only: global state
 * is the point; single-threaded tests only.
 */
#define _GNU_SOURCE
#include "placement_inject.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

int __real_memfd_create(const char *name, unsigned flags);
int __real_shm_open(const char *name, int oflag, mode_t mode);
int __real_fchmod(int fd, mode_t mode);
int __real_fallocate(int fd, int mode, off_t off, off_t len);
int __real_fcntl(int fd, int cmd, ...);
int __real_madvise(void *addr, size_t len, int advice);

int __wrap_memfd_create(const char *name, unsigned flags);
int __wrap_shm_open(const char *name, int oflag, mode_t mode);
int __wrap_fchmod(int fd, mode_t mode);
int __wrap_fallocate(int fd, int mode, off_t off, off_t len);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_madvise(void *addr, size_t len, int advice);

static unsigned g_calls[WRT_PI_COUNT];
static unsigned g_fail_at[WRT_PI_COUNT];
static int g_errno[WRT_PI_COUNT];

void wrt_pi_reset(void) {
  for (int i = 0; i < WRT_PI_COUNT; i++) {
    g_calls[i] = 0;
    g_fail_at[i] = 0;
    g_errno[i] = 0;
  }
}

void wrt_pi_fail_nth(wrt_pi_call call, unsigned nth, int err) {
  g_fail_at[call] = g_calls[call] + nth;
  g_errno[call] = err;
}

unsigned wrt_pi_calls(wrt_pi_call call) { return g_calls[call]; }

static int take(wrt_pi_call call) {
  g_calls[call]++;
  if (g_fail_at[call] != 0 && g_fail_at[call] == g_calls[call]) {
    errno = g_errno[call];
    return -1;
  }
  return 0;
}

int __wrap_memfd_create(const char *name, unsigned flags) {
  return take(WRT_PI_MEMFD) != 0 ? -1 : __real_memfd_create(name, flags);
}
int __wrap_shm_open(const char *name, int oflag, mode_t mode) {
  return take(WRT_PI_SHM_OPEN) != 0 ? -1 : __real_shm_open(name, oflag, mode);
}
int __wrap_fchmod(int fd, mode_t mode) {
  return take(WRT_PI_FCHMOD) != 0 ? -1 : __real_fchmod(fd, mode);
}
int __wrap_fallocate(int fd, int mode, off_t off, off_t len) {
  return take(WRT_PI_FALLOCATE) != 0 ? -1 : __real_fallocate(fd, mode, off, len);
}
/* Every fcntl the wrapped objects make passes an int (F_ADD_SEALS /
 * F_GET_SEALS / F_GETFD / F_SETFD). */
int __wrap_fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = va_arg(ap, int);
  va_end(ap);
  return take(WRT_PI_FCNTL) != 0 ? -1 : __real_fcntl(fd, cmd, arg);
}
int __wrap_madvise(void *addr, size_t len, int advice) {
  return take(WRT_PI_MADVISE) != 0 ? -1 : __real_madvise(addr, len, advice);
}
