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
 * - fcntl(F_ALLOCSP) grows an object to l_start + l_len (one _IO_SPACE
 *   message, 6.4 lib/c/1/fcntl.c:100-125, pathmgr/devmem.c:335-395);
 *   unless the object is SHMCTL_LAZY the new range is allocated at once
 *   (memmgr/vmm_resize.c:161-166, memobj_pmem_add), all or nothing: out of
 *   the model's system memory (nto_sim_mman_set_free_memory) it is ENOMEM
 *   with the size unchanged (vmm_resize.c:183, fail2 before the size is
 *   set). The host object is sized and fallocate()d, so the host really
 *   holds the pages (and pays for them) when the call returns.
 * - ftruncate() below an object's allocation gives the memory back
 *   (vmm_resize.c:167-171, memobj_pmem_del_end).
 * Not modelled: an object's memory is not given back when its last
 *   descriptor and mapping go (tests set the free memory afresh);
 *   SHMCTL_PHYS, SHMCTL_TYMEM, SHMCTL_REVOCABLE / shm_revoke,
 * shm handles (ENOSYS), large-page placement (the host decides).
 * The table is global state by design (it stands for procnto's object
 * attributes), guarded by one mutex.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nto_sim_mman_internal.h"
#include "nto_sim_shm.h"

#undef shm_open
#undef shm_ctl
#undef fcntl
#undef ftruncate

#define NTO_SIM_SHM_OBJECTS 64

typedef struct {
  dev_t dev;
  ino_t ino;
  int flags;
  int used;
  size_t alloc; /* bytes of model system memory the object holds */
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

static shm_attr_t *attr_of(const struct stat *st, int create);

/* A new memfd may reuse the inode of a dead one: drop that one's slot. */
static void forget_stale(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return;
  pthread_mutex_lock(&g_lock);
  shm_attr_t *at = attr_of(&st, 0);
  if (at != NULL)
    at->used = 0;
  pthread_mutex_unlock(&g_lock);
}

int nto_sim_shm_open(const char *name, int oflag, mode_t mode) {
  if (injected(NTO_SIM_SHM_OPEN))
    return -1;
  if (name == NTO_SIM_SHM_ANON) {
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
    forget_stale(fd);
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
    free_slot->alloc = 0u;
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
  int sealed = host_sealed(fd) || (at != NULL && (at->flags & NTO_SIM_SHMCTL_SEAL) != 0);
  int known = at != NULL ? at->flags : 0;
  pthread_mutex_unlock(&g_lock);
  if ((flags & SHMCTL_GET_FLAGS) != 0)
    return known | (sealed ? NTO_SIM_SHMCTL_SEAL : 0);
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
  if ((flags & NTO_SIM_SHMCTL_SEAL) != 0 && fcntl(fd, F_GET_SEALS) >= 0 &&
      fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
    return -1;
  pthread_mutex_lock(&g_lock);
  at = attr_of(&st, 1);
  if (at != NULL)
    at->flags = flags & ~SHMCTL_GET_FLAGS;
  pthread_mutex_unlock(&g_lock);
  return 0;
}

/* F_ALLOCSP: grow the object behind fd to start + len (see the top). */
static int allocsp(int fd, const struct flock *fl) {
  if (injected(NTO_SIM_SHM_ALLOCSP))
    return -1;
  struct stat st;
  if (fl == NULL) {
    errno = EFAULT;
    return -1;
  }
  if (fstat(fd, &st) != 0)
    return -1;
  if (fl->l_whence != SEEK_SET || fl->l_start < 0 || fl->l_len < 0 ||
      fl->l_start > INT64_MAX - fl->l_len) {
    errno = EINVAL; /* the model knows SEEK_SET only */
    return -1;
  }
  off_t end = fl->l_start + fl->l_len;
  if (end <= st.st_size)
    return 0; /* devmem.c:376: nothing to grow */
  size_t grow = (size_t)(end - st.st_size);
  pthread_mutex_lock(&g_lock);
  shm_attr_t *at = attr_of(&st, 1);
  int lazy = at != NULL && (at->flags & SHMCTL_LAZY) != 0;
  int sealed = host_sealed(fd) || (at != NULL && (at->flags & NTO_SIM_SHMCTL_SEAL) != 0);
  pthread_mutex_unlock(&g_lock);
  if (sealed) {
    errno = EPERM;
    return -1;
  }
  if (!lazy && nto_sim_mman_take(grow) != 0) {
    errno = ENOMEM; /* nothing changed */
    return -1;
  }
  if (ftruncate(fd, end) != 0 ||
      (!lazy && fallocate(fd, 0, st.st_size, (off_t)grow) != 0)) {
    int err = errno;
    (void)ftruncate(fd, st.st_size);
    if (!lazy)
      nto_sim_mman_give(grow);
    errno = err == ENOSPC ? ENOMEM : err;
    return -1;
  }
  if (!lazy) {
    pthread_mutex_lock(&g_lock);
    if (at != NULL)
      at->alloc += grow;
    pthread_mutex_unlock(&g_lock);
  }
  return 0;
}

int nto_sim_ftruncate(int fd, off_t length) {
  if (injected(NTO_SIM_SHM_TRUNC))
    return -1;
  if (ftruncate(fd, length) != 0) /* the library symbol */
    return -1;
  struct stat st;
  if (length >= 0 && fstat(fd, &st) == 0) {
    pthread_mutex_lock(&g_lock);
    shm_attr_t *at = attr_of(&st, 0);
    if (at != NULL && at->alloc > (size_t)length) {
      nto_sim_mman_give(at->alloc - (size_t)length); /* memobj_pmem_del_end */
      at->alloc = (size_t)length;
    }
    pthread_mutex_unlock(&g_lock);
  }
  return 0;
}

int nto_sim_fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int rc;
  switch (cmd) {
  case F_ALLOCSP:
    rc = allocsp(fd, va_arg(ap, const struct flock *));
    break;
  case F_FREESP:
    errno = ENOSYS; /* not modelled */
    rc = -1;
    break;
  case F_GETLK:
  case F_SETLK:
  case F_SETLKW:
  case F_OFD_GETLK:
  case F_OFD_SETLK:
  case F_OFD_SETLKW:
    rc = fcntl(fd, cmd, va_arg(ap, void *));
    break;
  case F_GETFD:
  case F_GETFL:
  case F_GET_SEALS:
  case F_GETOWN:
  case F_GETSIG:
  case F_GETLEASE:
  case F_GETPIPE_SZ:
    rc = fcntl(fd, cmd);
    break;
  default: /* the commands that take an int */
    rc = fcntl(fd, cmd, va_arg(ap, int));
    break;
  }
  va_end(ap);
  return rc;
}
