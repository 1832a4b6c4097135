/*
 * bench_syscount.c - counts of the mmap and munmap calls the program makes
 * (its own code and the static libraries linked into it; not the C
 * library's internal ones, e.g. malloc's), for `wrtp bench pool`. wrtp is
 * linked with --wrap=mmap,--wrap=munmap on Linux (tools/wrtp/CMakeLists.txt):
 * a counter, no seccomp or ptrace. May include: POSIX, the C library.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

#include "bench_method.h"

/* What bm_syscalls reports; 0 and false where not counted. */
bool bm_syscount_available(void);
void bm_syscount(uint64_t *mmaps, uint64_t *munmaps);

#if defined(WRTP_HAVE_SYSCOUNT)
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_munmap(void *addr, size_t len);

/* Global on purpose: a process-wide count of calls from any thread. */
static _Atomic uint64_t g_mmaps, g_munmaps;

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  atomic_fetch_add_explicit(&g_mmaps, 1u, memory_order_relaxed);
  return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len) {
  atomic_fetch_add_explicit(&g_munmaps, 1u, memory_order_relaxed);
  return __real_munmap(addr, len);
}

bool bm_syscount_available(void) { return true; }

void bm_syscount(uint64_t *mmaps, uint64_t *munmaps) {
  *mmaps = atomic_load(&g_mmaps);
  *munmaps = atomic_load(&g_munmaps);
}
#else
bool bm_syscount_available(void) { return false; }

void bm_syscount(uint64_t *mmaps, uint64_t *munmaps) {
  *mmaps = 0;
  *munmaps = 0;
}
#endif
