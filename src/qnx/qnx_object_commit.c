/*
 * qnx_object_commit.c - the QNX allocator's eager commit (lazy == false,
 * anonymous memory, not a shared placement): the reservation is backed by
 * a private, anonymous shared-memory object, and a grow is
 *   fcntl(fd, F_ALLOCSP, [old size, new size))  - the memory, held now
 *   mprotect(new range, PROT_READ | PROT_WRITE)  - the access
 * two kernel calls whatever the size, no page touched inside grow.
 * Why this holds the memory and fails cleanly (6.4 memory manager, openqnx;
 * docs/qnx-semantics.md "Grow without a fault per page", G1-G8):
 * - F_ALLOCSP on a shared memory object is one _IO_SPACE message
 *   (lib/c/1/fcntl.c:100-125) that procnto's devmem turns into
 *   memmgr.resize (pathmgr/devmem.c:376-383); growing an object that is not
 *   SHMCTL_LAZY allocates the new range at once (memmgr/vmm_resize.c:
 *   161-166, memobj_pmem_add), and an allocation failure is ENOMEM with the
 *   size unchanged (vmm_resize.c:183, fail2 before the size is set;
 *   mm_memobj.c: pq_insert returns ENOMEM before linking anything). Plain
 *   ftruncate() would do the same in two messages (lib/c/xopen/
 *   ftruncate64.c: an F_FREESP64 probe, then F_ALLOCSP64). SDP 8.0's
 *   fcntl.h keeps F_ALLOCSP (110 with a 64-bit off_t), now described as
 *   "posix_fallocate semantics" (allocate the range, growing the file),
 *   next to a new F_GROWSP for ftruncate semantics
 *   (gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aa, target/qnx/usr/include/
 *   fcntl.h); 6.6 has it too (fcntl.h:143). posix_fallocate() is the same
 *   one message on 6.4 (lib/c/1d/posix_fallocate.c) but returns -1 and
 *   errno there where POSIX says it returns the error number: fcntl is
 *   used, whose convention is the same everywhere.
 * - The object is mapped MAP_SHARED | MAP_FIXED, PROT_NONE over the whole
 *   fresh reservation once, at allocate; a mapping may reach past the
 *   object's end and allocates nothing itself (vmm_mmap.c:871-874,
 *   882-909; mm_reference.c:621-641), so no grow ever re-maps: no hole.
 * - mprotect references the grown range MR_NOINIT: no allocation, no limit
 *   check (vmm_mprotect.c:54-66, mm_reference.c:650-673). The first touch
 *   then faults in up to 16 pages (64 KiB, one Wasm page) at once and zero
 *   fills them (vmm_fault.c:159-179, mm_reference.c:177-210).
 * Object naming: SHM_ANON (7.1 and 8.0 sys/mman.h); SDPs without it (6.4,
 * 6.6: shm_open, shm_ctl, SHMCTL_ANON, no SHM_ANON) get a name unique to
 * this process and reservation, opened O_EXCL and unlinked at once, so no
 * other process can open it afterwards.
 * What the mode changes, and why it is acceptable (qnx_memory.h, lazy):
 * - fork: a MAP_SHARED mapping is shared with a forked child, not copied.
 *   A MAP_PRIVATE mapping of the object would be copied on write into
 *   anonymous pages allocated at that first write (so the memory would no
 *   longer be held by the F_ALLOCSP), which is the fault this mode exists
 *   to avoid. exec (and posix_spawn) drop the mapping and the descriptor
 *   (O_CLOEXEC); a runtime that forks and runs Wasm on both sides uses
 *   lazy = true.
 * - limits: the mapping counts against RLIMIT_AS as the reservation did,
 *   and no longer against RLIMIT_DATA (vmm_mmap.c:593-603: only anonymous
 *   private mappings are data); the MAP_FIXED at allocate needs the
 *   reservation's length of RLIMIT_AS headroom once (M5). One descriptor
 *   per allocator (RLIMIT_NOFILE).
 * - discard: POSIX_MADV_DISCARD_NP is documented for lazy private mappings
 *   only, and F_FREESP can only cut an object's tail (devmem.c:384-392).
 *   In this mode the memory is meant to stay held, so discard zeroes the
 *   range in place (memory kept; see wrt_qnx_object_discard).
 * - protect: unchanged (mprotect of the shared mapping).
 * - release: close + munmap (wrt_qnx_shm_release with the mapping), every
 *   failure path below closes and unlinks what it made.
 * - size: 6.4's devmem refuses an _IO_SPACE whose end passes UINT_MAX
 *   with ENOMEM (pathmgr/devmem.c:358-371, "stop-gap"), so there an eager
 *   region cannot grow to 4 GiB or past it (NO_MEMORY, nothing changed);
 *   whether 7.1/8.0 lift that is not confirmed.
 * Typed memory keeps its own commit (qnx_typed_memory.c).
 * May include: QNX/POSIX headers, the public headers, qnx_memory_internal.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qnx_memory_internal.h"

bool wrt_qnx_object_mode(const wrt_qnx_allocator_config_t *c) {
  return !c->lazy && c->typed_memory == NULL && !c->placement.shared;
}

#if !defined(SHM_ANON)
/* "/wrt-<pid>-<base>" in hex: unique while this reservation exists. */
static void unique_name(char out[48], const uint8_t *base) {
  static const char hex[] = "0123456789abcdef";
  const uintptr_t parts[2] = {(uintptr_t)getpid(), (uintptr_t)base};
  size_t n = 4u;
  (void)memcpy(out, "/wrt", 4u);
  for (size_t i = 0u; i < 2u; i++) {
    out[n] = '-';
    n++;
    for (size_t shift = sizeof(uintptr_t) * 8u; shift != 0u; shift -= 4u) {
      out[n] = hex[(parts[i] >> (shift - 4u)) & 0xfu];
      n++;
    }
  }
  out[n] = '\0';
}
#endif

/* A new, empty, anonymous object only this process holds, or -1. */
static int open_private_object(const uint8_t *base) {
#if defined(SHM_ANON)
  (void)base;
  return shm_open(SHM_ANON, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
#else
  char name[48];
  unique_name(name, base);
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0 && shm_unlink(name) != 0) {
    int err = errno;
    (void)close(fd);
    errno = err;
    return -1;
  }
  return fd;
#endif
}

wrt_status wrt_qnx_object_attach(wrt_qnx_allocator_t *a, uint8_t *base, size_t reserved) {
  int fd = open_private_object(base);
  if (fd < 0) {
    return wrt_qnx_os_fail(a, errno);
  }
  /* Over a fresh reservation: if this MAP_FIXED fails the caller unmaps the
   * whole reservation (as for the shared placement). */
  if (reserved != 0u &&
      mmap(base, reserved, PROT_NONE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
    wrt_status st = wrt_qnx_os_fail(a, errno);
    (void)close(fd);
    return st;
  }
  a->shm_fd = fd;
  a->has_shm = true;
  return WRT_OK;
}

wrt_status wrt_qnx_object_commit(wrt_qnx_allocator_t *a, uint8_t *addr, size_t obj_off,
                                 size_t len) {
  if (obj_off > (size_t)INT64_MAX || len > (size_t)INT64_MAX - obj_off) {
    return WRT_E_OVERFLOW;
  }
  struct flock fl;
  (void)memset(&fl, 0, sizeof fl);
  fl.l_whence = SEEK_SET;
  fl.l_start = (off_t)obj_off;
  fl.l_len = (off_t)len;
  if (fcntl(a->shm_fd, F_ALLOCSP, &fl) == -1) {
    return wrt_qnx_os_fail(a, errno); /* ENOMEM: NO_MEMORY, nothing changed */
  }
  if (mprotect(addr, len, PROT_READ | PROT_WRITE) != 0) {
    wrt_status failed = wrt_qnx_os_fail(a, errno);
    /* vmm_mprotect.c:54-89 may stop part way: narrow it all back, then give
     * the pages back (vmm_resize.c:167-171); a failure of either is kept in
     * last_os_error, the first error is the one reported. */
    if (mprotect(addr, len, PROT_NONE) != 0) {
      a->last_os_error = errno;
    }
    if (ftruncate(a->shm_fd, (off_t)obj_off) != 0) {
      a->last_os_error = errno;
    }
    return failed;
  }
  return WRT_OK;
}

wrt_status wrt_qnx_object_discard(wrt_qnx_allocator_t *a, size_t offset, size_t len) {
  /* Only bytes known accessible are written: a range protect() narrowed
   * could fault. */
  if (a->protect_changed) {
    return WRT_E_STATE;
  }
  (void)memset(a->mem_base + offset, 0, len);
  return WRT_OK;
}

wrt_qnx_object_saved_t wrt_qnx_object_stash(wrt_qnx_allocator_t *a) {
  wrt_qnx_object_saved_t saved = {a->shm_fd, a->has_shm};
  a->shm_fd = 0;
  a->has_shm = false;
  return saved;
}

void wrt_qnx_object_restore(wrt_qnx_allocator_t *a, wrt_qnx_object_saved_t saved) {
  wrt_qnx_shm_release(a); /* the new region's object, if it got one */
  a->shm_fd = saved.fd;
  a->has_shm = saved.has;
}

void wrt_qnx_object_drop(wrt_qnx_allocator_t *a, wrt_qnx_object_saved_t saved) {
  if (saved.has && close(saved.fd) != 0) {
    a->last_os_error = errno;
  }
}
