/*
 * shm_sim.c - the Neutrino host model's shared memory objects: shm_open
 * (named, or SHM_ANON) and shm_ctl(SHMCTL_ANON [| SHMCTL_LAZY]
 * [| SHMCTL_SEAL] | SHMCTL_GET_FLAGS). Model code for a Linux host: objects
 * are real host objects (a memfd for SHM_ANON, a POSIX shm object for a
 * name), so a second host process that inherits the descriptor, or opens
 * the name, maps the same bytes, as a second QNX process would.
 *
 * Facts modelled (QNX docs; the 7.1 header for the flag values):
 * - A new object has size 0; ftruncate() or shm_ctl() sets it (7.1 System
 *   Architecture, "Creating a shared memory object").
 * - Objects populated by shm_ctl() are implicitly locked (memory taken at
 *   once) unless SHMCTL_LAZY (same page): without LAZY the model allocates
 *   the whole size (fallocate), so a lack of memory is ENOMEM from shm_ctl.
 * - SHMCTL_SEAL: once sealed, no process, the creator included, can change
 *   the layout with shm_ctl(); it fails with EPERM; the content stays
 *   writable (7.1 Programmer's Guide, "Sealing a shared memory object").
 *   SHM_ANON objects are sealed with host memfd seals, which every process
 *   sees; for named objects the seal is kept in this process's table only
 *   (another process's shm_ctl is not refused: not modelled).
 * - SHMCTL_GET_FLAGS returns the object's flags (7.1 sys/mman.h comment
 *   "Query existing flags").
 * Not modelled: SHMCTL_PHYS, SHMCTL_TYMEM, SHMCTL_REVOCABLE / shm_revoke,
 * shm handles (ENOSYS), large-page placement (the host decides).
 * The table is global state by design (it stands for procnto's object
 * attributes), guarded by one mutex.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nto_sim_shm.h"

#undef shm_open
#undef shm_ctl

#define NTO_SIM_SHM_OBJECTS 64

typedef struct {
  dev_t dev;
  ino_t ino;
  int flags;
  int used;
} shm_attr_t;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static shm_attr_t g_attr[NTO_SIM_SHM_OBJECTS];
static unsigned g_calls[NTO_SIM_SHM_CALLS];
static unsigned g_fail_at[NTO_SIM_SHM_CALLS];
static int g_fail_err[NTO_SIM_SHM_CALLS];

void nto_sim_shm_fail_nth(nto_sim_shm_call call, unsigned nth, int err) {
  pthread_mutex_lock(&g_lock);
  g_fail_at[call] = g_calls[call] + nth;
  g_fail_err[call] = err;
  pthread_mutex_unlock(&g_lock);
}

unsigned nto_sim_shm_calls(nto_sim_shm_call call) { return g_calls[call]; }

void nto_sim_shm_reset(void) {
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < NTO_SIM_SHM_CALLS; i++) {
    g_calls[i] = 0;
    g_fail_at[i] = 0;
  }
  pthread_mutex_unlock(&g_lock);
}

static int injected(nto_sim_shm_call call) {
  pthread_mutex_lock(&g_lock);
  unsigned n = ++g_calls[call];
  int err = g_fail_at[call] == n ? g_fail_err[call] : 0;
  pthread_mutex_unlock(&g_lock);
  if (err != 0)
    errno = err;
  return err != 0;
}

int nto_sim_shm_open(const char *name, int oflag, mode_t mode) {
  if (injected(NTO_SIM_SHM_OPEN))
    return -1;
  if (name == SHM_ANON) {
    if ((oflag & O_ACCMODE) != O_RDWR) {
      errno = EINVAL; /* an anonymous object is only useful read-write */
      return -1;
    }
    unsigned f = MFD_ALLOW_SEALING | ((oflag & O_CLOEXEC) != 0 ? MFD_CLOEXEC : 0u);
    int fd = memfd_create("nto_sim_shm", f);
    if (fd >= 0 && fchmod(fd, mode & 0777u) != 0) {
      int err = errno;
      (void)close(fd);
      errno = err;
      return -1;
    }
    return fd;
  }
  return shm_open(name, oflag, mode);
}

/* The attribute slot of the object behind fd (creating one), or NULL. */
static shm_attr_t *attr_of(const struct stat *st, int create) {
  shm_attr_t *free_slot = NULL;
  for (int i = 0; i < NTO_SIM_SHM_OBJECTS; i++) {
    if (g_attr[i].used && g_attr[i].dev == st->st_dev && g_attr[i].ino == st->st_ino)
      return &g_attr[i];
    if (!g_attr[i].used && free_slot == NULL)
      free_slot = &g_attr[i];
  }
  if (create && free_slot != NULL) {
    free_slot->used = 1;
    free_slot->dev = st->st_dev;
    free_slot->ino = st->st_ino;
    free_slot->flags = 0;
  }
  return create ? free_slot : NULL;
}

static int host_sealed(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals > 0 && (seals & F_SEAL_GROW) != 0;
}

int nto_sim_shm_ctl(int fd, int flags, uint64_t paddr, uint64_t size) {
  (void)paddr;
  if (injected(NTO_SIM_SHM_CTL))
    return -1;
  struct stat st;
  if (fstat(fd, &st) != 0)
    return -1; /* EBADF */
  pthread_mutex_lock(&g_lock);
  shm_attr_t *at = attr_of(&st, 0);
  int sealed = host_sealed(fd) || (at != NULL && (at->flags & SHMCTL_SEAL) != 0);
  int known = at != NULL ? at->flags : 0;
  pthread_mutex_unlock(&g_lock);
  if ((flags & SHMCTL_GET_FLAGS) != 0)
    return known | (sealed ? SHMCTL_SEAL : 0);
  if (sealed) {
    errno = EPERM;
    return -1;
  }
  if ((flags & (SHMCTL_PHYS | SHMCTL_TYMEM | SHMCTL_REVOCABLE)) != 0) {
    errno = ENOSYS; /* real on QNX, not modelled */
    return -1;
  }
  if ((flags & SHMCTL_ANON) == 0 || size > (uint64_t)INT64_MAX) {
    errno = EINVAL;
    return -1;
  }
  if (ftruncate(fd, (off_t)size) != 0)
    return -1;
  if ((flags & SHMCTL_LAZY) == 0 && size != 0u && fallocate(fd, 0, 0, (off_t)size) != 0) {
    int err = errno;
    (void)ftruncate(fd, 0);
    errno = err == ENOSPC ? ENOMEM : err;
    return -1;
  }
  if ((flags & SHMCTL_SEAL) != 0 && fcntl(fd, F_GET_SEALS) >= 0 &&
      fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
    return -1;
  pthread_mutex_lock(&g_lock);
  at = attr_of(&st, 1);
  if (at != NULL)
    at->flags = flags & ~SHMCTL_GET_FLAGS;
  pthread_mutex_unlock(&g_lock);
  return 0;
}
