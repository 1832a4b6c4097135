/*
 * qnx_shared_memory.c - placement on the QNX backend (wrt/placement.h):
 * a shared region's memory object, and the checks that refuse what
 * Neutrino cannot do (huge pages, NUMA nodes).
 *
 * A shared region: shm_open(SHM_ANON or the caller's name, O_RDWR |
 * O_CREAT | O_EXCL, shm_mode) (shm_open, QNX C Library Reference;
 * SHM_ANON: 7.1 sys/mman.h), then shm_ctl(fd, SHMCTL_ANON | SHMCTL_LAZY
 * [| SHMCTL_SEAL], 0, reservation) sizes the object to the whole
 * reservation at once. Why the whole reservation: once sealed, no process,
 * the creator included, may change the object's layout with shm_ctl (7.1
 * Programmer's Guide, "Sealing a shared memory object"), so a sealed object
 * cannot be grown later; sizing it up front with SHMCTL_LAZY takes no
 * memory until pages are touched (objects populated by shm_ctl are
 * otherwise locked: 7.1 System Architecture, "Creating a shared memory
 * object"). The object is mapped MAP_SHARED | MAP_FIXED, PROT_NONE over the
 * fresh reservation; grow is the allocator's usual commit (mprotect, and
 * touching every page unless lazy), so the base never moves and the guards
 * stay. The seal is applied to anonymous objects (only descriptor holders
 * see them, and none may resize them under us); a named object is
 * protected by its mode instead (umask applies, as POSIX says) and left
 * unsealed so that its creator's intent is plain from the mode alone.
 * A peer sees the whole reservation's span of the object, of which only
 * the region's size is meaningful.
 * Large pages: a Neutrino process cannot ask for them. procnto backs a
 * mapping with larger pages where the physical memory behind it is
 * contiguous and aligned (7.1 sys/mman.h declares getpagesizes() to list
 * them); no mmap or shm_ctl flag requests them (SHMCTL_* in 7.1 has none;
 * _SHMCTL_HIGHUSAGE is a deprecated hint). So huge is UNSUPPORTED here.
 * NUMA: Neutrino has no memory-policy call; locality is typed memory.
 * May include: QNX/POSIX headers, the public headers, src/core internals.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "placement_rules.h"
#include "qnx_memory_internal.h"

wrt_status wrt_qnx_placement_check(const wrt_qnx_allocator_config_t *cfg) {
  const wrt_placement_t *p = &cfg->placement;
  if (wrt_placement_check(p) != WRT_OK ||
      (p->shared && (cfg->growth != WRT_GROW_RESERVE || cfg->typed_memory != NULL))) {
    return WRT_E_INVALID_ARG;
  }
#if !defined(SHM_ANON) || !defined(SHMCTL_SEAL)
  /* SDP 6.4/6.6: no SHM_ANON and no SHMCTL_SEAL (6.4 lib/c/public/sys/
   * mman.h; docs/qnx-semantics.md G8), so an anonymous region could be
   * neither made nor sealed: only named shared regions. */
  if (p->shared && p->shm_name == NULL) {
    return WRT_E_UNSUPPORTED;
  }
#endif
  /* See the top of this file: not requestable on Neutrino. */
  if (p->huge != WRT_HUGE_NONE || p->numa_node != WRT_NUMA_ANY) {
    return WRT_E_UNSUPPORTED;
  }
  return WRT_OK;
}

wrt_status wrt_qnx_shm_attach(wrt_qnx_allocator_t *a, uint8_t *base, size_t reserved) {
  const wrt_placement_t *p = &a->config.placement;
#if defined(SHM_ANON)
  int fd = shm_open(p->shm_name != NULL ? p->shm_name : SHM_ANON,
                    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)p->shm_mode);
#else
  int fd = shm_open(p->shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)p->shm_mode);
#endif
  if (fd < 0) {
    int err = errno;
    a->last_os_error = err;
    return err == EEXIST ? WRT_E_STATE : wrt_qnx_os_fail(a, err);
  }
#if defined(SHMCTL_SEAL)
  int flags = SHMCTL_ANON | SHMCTL_LAZY | (p->shm_name == NULL ? SHMCTL_SEAL : 0);
#else
  int flags = SHMCTL_ANON | SHMCTL_LAZY;
#endif
  wrt_status st = WRT_OK;
  /* A failed MAP_FIXED may leave a hole: the caller unmaps the whole
   * reservation anyway. */
  if (shm_ctl(fd, flags, 0, (uint64_t)reserved) != 0 ||
      (reserved != 0u &&
       mmap(base, reserved, PROT_NONE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)) {
    st = wrt_qnx_os_fail(a, errno);
  }
  if (st != WRT_OK) {
    (void)close(fd);
    if (p->shm_name != NULL) {
      (void)shm_unlink(p->shm_name);
    }
    return st;
  }
  a->shm_fd = fd;
  a->has_shm = true;
  return WRT_OK;
}

void wrt_qnx_shm_release(wrt_qnx_allocator_t *a) {
  if (!a->has_shm) {
    return;
  }
  /* Processes that mapped the object keep it; the name goes with us. */
  (void)close(a->shm_fd);
  if (a->config.placement.shm_name != NULL) {
    (void)shm_unlink(a->config.placement.shm_name);
  }
  a->has_shm = false;
  a->shm_fd = 0;
}

wrt_status wrt_qnx_allocator_shared_fd(const wrt_qnx_allocator_t *a, int *fd) {
  if (a == NULL || fd == NULL ||
      wrt_qnx_allocator_base((wrt_qnx_allocator_t *)(uintptr_t)a) == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!a->allocated || !a->has_shm || !a->config.placement.shared) {
    return WRT_E_STATE;
  }
  *fd = a->shm_fd;
  return WRT_OK;
}

wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_placement(wrt_qnx_allocator_builder_t b,
                                         wrt_placement_t placement) {
  b.config.placement = placement;
  return b;
}
