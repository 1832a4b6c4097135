/*
 * fault_inject.c - --wrap targets for the system calls the library makes;
 * see fault_inject.h. Test code only: global state is the point here.
 */
#define _GNU_SOURCE
#include "fault_inject.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_mprotect(void *addr, size_t len, int prot);
int __real_munmap(void *addr, size_t len);
int __real_posix_madvise(void *addr, size_t len, int advice);
long __real_syscall(long number, ...);

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_mprotect(void *addr, size_t len, int prot);
int __wrap_munmap(void *addr, size_t len);
int __wrap_posix_madvise(void *addr, size_t len, int advice);
long __wrap_syscall(long number, ...);

/* Atomic because threaded tests make futex calls through the wrapper while
 * other threads count theirs; arming a failure is still single-threaded. */
static _Atomic unsigned g_calls[WRT_FI_COUNT];
static _Atomic unsigned g_fail_at[WRT_FI_COUNT]; /* 0: never */
static _Atomic int g_fail_errno[WRT_FI_COUNT];
static _Atomic int g_fired;
static _Atomic size_t g_mapped;

void wrt_fi_reset(void) {
  for (int i = 0; i < WRT_FI_COUNT; i++) {
    g_calls[i] = 0;
    g_fail_at[i] = 0;
    g_fail_errno[i] = 0;
  }
  g_fired = 0;
}

void wrt_fi_fail_nth(wrt_fi_call call, unsigned nth, int err) {
  g_fail_at[call] = g_calls[call] + nth;
  g_fail_errno[call] = err;
  g_fired = 0;
}

unsigned wrt_fi_calls(wrt_fi_call call) { return g_calls[call]; }
int wrt_fi_fired(void) { return g_fired; }
size_t wrt_fi_mapped_bytes(void) { return g_mapped; }

/* Counts the call; returns the errno to fail it with, or 0. */
static int take_failure(wrt_fi_call call) {
  unsigned n = atomic_fetch_add(&g_calls[call], 1u) + 1u;
  if (atomic_load(&g_fail_at[call]) == n) {
    g_fired = 1;
    return g_fail_errno[call];
  }
  return 0;
}

static size_t page_round(size_t len) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  return (len + page - 1u) & ~(page - 1u);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  int err = take_failure(WRT_FI_MMAP);
  if (err != 0) {
    errno = err;
    return MAP_FAILED;
  }
  void *p = __real_mmap(addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED && (flags & MAP_FIXED) == 0)
    g_mapped += page_round(len);
  return p;
}

int __wrap_mprotect(void *addr, size_t len, int prot) {
  int err = take_failure(WRT_FI_MPROTECT);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return __real_mprotect(addr, len, prot);
}

int __wrap_munmap(void *addr, size_t len) {
  int err = take_failure(WRT_FI_MUNMAP);
  if (err != 0) {
    errno = err;
    return -1;
  }
  int rc = __real_munmap(addr, len);
  if (rc == 0)
    g_mapped -= page_round(len);
  return rc;
}

int __wrap_posix_madvise(void *addr, size_t len, int advice) {
  int err = take_failure(WRT_FI_MADVISE);
  if (err != 0)
    return err; /* posix_madvise returns the error number */
  return __real_posix_madvise(addr, len, advice);
}

/* The library calls syscall(SYS_futex / SYS_mbind, ...) always with all six arguments,
 * so reading six here is well defined. */
long __wrap_syscall(long number, ...) {
  va_list ap;
  long a[6];
  va_start(ap, number);
  for (int i = 0; i < 6; i++)
    a[i] = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_futex) {
    int err = take_failure(WRT_FI_FUTEX);
    if (err != 0) {
      errno = err;
      return -1;
    }
  }
  if (number == SYS_mbind) {
    int err = take_failure(WRT_FI_MBIND);
    if (err != 0) {
      errno = err;
      return -1;
    }
  }
  return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
