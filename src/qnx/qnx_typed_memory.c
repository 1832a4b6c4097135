/*
 * qnx_typed_memory.c - committing a QNX allocator's pages from a POSIX
 * typed-memory pool (config.typed_memory); see include/wrt/qnx_memory.h.
 *
 * Real QNX code, like qnx_memory.c: only POSIX and QNX names. Typed memory can
 * only be mapped from its descriptor, so unlike anonymous memory (committed
 * with mprotect in qnx_memory.c) it is committed by a MAP_FIXED re-map of the
 * reservation. May include: the C library, <errno.h>, <fcntl.h>,
 * <sys/mman.h>, <unistd.h> and wrt headers. Doc references are to the QNX C
 * Library Reference (7.1 / 8.0) unless said otherwise.
 */
/* POSIX names, plus the QNX extensions (MAP_LAZY, MAP_ANON, typed memory):
 * _QNX_SOURCE ("Conforming to standards", QNX Programmer's Guide). */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include "wrt/qnx_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qnx_memory_internal.h"

/* typed memory: a missing pool or no typed-memory support is UNSUPPORTED. */
wrt_status wrt_qnx_typed_open(wrt_qnx_allocator_t *a, int *fd) {
  /* posix_typed_mem_open(name, O_RDWR, POSIX_TYPED_MEM_ALLOCATE): "allocate
   * on mmap()": each mmap of the descriptor takes new memory from the pool
   * (posix_typed_mem_open; System Architecture, "Typed memory"). */
  int f = posix_typed_mem_open(a->config.typed_memory, O_RDWR,
                               POSIX_TYPED_MEM_ALLOCATE);
  if (f < 0) {
    int err = errno;
    a->last_os_error = err;
    if (err == ENOENT || err == ENOSYS || err == ENOTSUP) {
      return WRT_E_UNSUPPORTED;
    }
    return wrt_qnx_os_fail(a, err);
  }
  *fd = f;
  return WRT_OK;
}

/* Closing does not unmap (POSIX / QNX mmap: the mapping holds its own
 * reference); a failed close is recorded but not retried, since after an
 * error the descriptor's state is unspecified and a retry could close a
 * descriptor another thread just opened. */
void wrt_qnx_typed_close(wrt_qnx_allocator_t *a, int fd) {
  if (close(fd) != 0) {
    a->last_os_error = errno;
  }
}

/* After a failed MAP_FIXED mmap, POSIX allows "some of the mappings in the
 * address range ... may have been unmapped" (mmap), and QNX does unmap them
 * (vmm_mmap.c:877-880, not restored at 1084-1091). Put the inaccessible
 * reservation back at once. It needs no memory (PROT_NONE | MAP_LAZY), so
 * this is expected to succeed; if it does not, the errno is kept. Only the
 * typed-memory commit can need this (see wrt_qnx_commit_typed). */
static void restore_reservation(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  void *p = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_FIXED | MAP_LAZY,
                 WRT_QNX_NOFD, 0);
  if (p == MAP_FAILED) {
    a->last_os_error = errno;
  }
}

/* Typed memory: mapped MAP_SHARED from a new descriptor of the pool
 * (posix_typed_mem_open; System Architecture, "Typed memory"), in place over
 * the reservation with MAP_FIXED, never MAP_LAZY (EINVAL on typed memory,
 * vmm_mmap.c:155; typed mappings are locked, 7.1 "Locking memory"). The
 * one window left: when the pool is exhausted, QNX fails after it unmapped
 * the range (vmm_mmap.c:168-179 via 883), and until restore_reservation
 * runs another thread's mmap can be placed there and would be replaced.
 * A partition whose limit fits the pool closes it: the budget refuses
 * (LIMIT) before the OS is asked (see qnx_memory.h, typed_memory). */
wrt_status wrt_qnx_commit_typed(wrt_qnx_allocator_t *a, uint8_t *addr, size_t len) {
  int fd = WRT_QNX_NOFD; /* set by typed_open on success */
  wrt_status st = wrt_qnx_typed_open(a, &fd);
  if (st != WRT_OK) {
    return st;
  }
  void *p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
  int err = errno;
  wrt_qnx_typed_close(a, fd);
  if (p == MAP_FAILED) {
    wrt_status failed = wrt_qnx_os_fail(a, err);
    restore_reservation(a, addr, len);
    return failed;
  }
  /* POSIX leaves the contents of allocated typed memory unspecified;
   * Wasm needs zero. */
  (void)memset(addr, 0, len);
  return WRT_OK;
}
