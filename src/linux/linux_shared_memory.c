/*
 * linux_shared_memory.c - the memory object behind a shared Linux region:
 * an anonymous memfd (sealed against shrinking) or a named POSIX shm
 * object created exclusively with the caller's permission bits; and the
 * descriptor query.
 * Sources: memfd_create(2), fcntl(2) "File seals", shm_open(3), fchmod(2).
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux_placement.h"
#include "wrt/linux_placement.h"

/* POSIX: a portable name is "/" followed by at most NAME_MAX (255) bytes
 * with no further "/" (glibc puts it under /dev/shm). */
wrt_status wrt_linux_shm_check_name(const char *name) {
  size_t len = strnlen(name, 257u);
  if (len < 2u || len > 256u || name[0] != '/' || strchr(name + 1, '/') != NULL) {
    return WRT_E_INVALID_ARG;
  }
  return WRT_OK;
}

wrt_status wrt_linux_shm_create(wrt_linux_allocator_t *a, int *fd) {
  const wrt_placement_t *p = &a->config.placement;
  int f;
  if (p->shm_name == NULL) {
    f = memfd_create("wrt-linear-shared", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  } else {
    /* O_EXCL: never adopt an object someone else prepared (its size,
     * owner and mode would not be ours). */
    f = shm_open(p->shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)p->shm_mode);
  }
  if (f < 0) {
    int err = errno;
    a->last_os_error = err;
    wrt_status st = WRT_E_OS;
    if (err == EEXIST) {
      st = WRT_E_STATE;
    } else if (err == EMFILE || err == ENFILE || err == ENOMEM) {
      st = WRT_E_NO_MEMORY;
    } else {
      /* any other errno: OS */
    }
    return st;
  }
  /* shm_open applies the umask: set exactly the bits the caller asked for. */
  if (p->shm_name != NULL && fchmod(f, (mode_t)p->shm_mode) != 0) {
    int err = errno;
    (void)close(f);
    (void)shm_unlink(p->shm_name);
    return wrt_linux_placement_os_fail(a, err);
  }
  *fd = f;
  return WRT_OK;
}

/* No holder of the descriptor may shrink the object under our mapping
 * (which would turn our accesses into SIGBUS), nor remove the seal. Growing
 * stays allowed: grow needs it. Named objects cannot be sealed
 * (shm_open objects do not allow seals): their protection is the mode. */
wrt_status wrt_linux_shm_seal(wrt_linux_allocator_t *a, int fd) {
  if (a->config.placement.shm_name != NULL) {
    return WRT_OK;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
    return wrt_linux_placement_os_fail(a, errno);
  }
  return WRT_OK;
}

void wrt_linux_shm_destroy(wrt_linux_allocator_t *a, int fd) {
  /* close cannot usefully fail here (the descriptor is ours); unlink of a
   * name someone else removed is not our failure either. */
  (void)close(fd);
  if (a->config.placement.shm_name != NULL) {
    (void)shm_unlink(a->config.placement.shm_name);
  }
}

wrt_status wrt_linux_allocator_shared_fd(const wrt_linux_allocator_t *a, int *fd) {
  if (a == NULL || fd == NULL ||
      wrt_linux_allocator_base((wrt_linux_allocator_t *)(uintptr_t)a) == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!a->allocated || !a->config.placement.shared || !a->has_object) {
    return WRT_E_STATE;
  }
  *fd = a->object_fd;
  return WRT_OK;
}
