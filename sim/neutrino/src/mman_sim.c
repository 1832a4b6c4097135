/*
 * mman_sim.c - the Neutrino host model's QNX-only memory calls:
 * posix_madvise(POSIX_MADV_DISCARD_NP) and posix_typed_mem_open(), see
 * sim/neutrino/include/sys/mman.h. Model code for a Linux host: it may use
 * Linux names (memfd_create, madvise). Its pool table is global state by
 * design (it stands for the system page's asinfo), guarded by a mutex.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "nto_sim_mman.h"

#define NTO_SIM_POOLS 8
#define NTO_SIM_POOL_NAME 64

typedef struct {
  char name[NTO_SIM_POOL_NAME];
  size_t bytes;
} nto_sim_pool;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static nto_sim_pool g_pools[NTO_SIM_POOLS];
static unsigned g_opens;
static unsigned g_fail_at; /* 0: never */
static int g_fail_errno;

int nto_sim_posix_madvise(void *addr, size_t len, int advice) {
  if (advice != POSIX_MADV_DISCARD_NP)
    return (posix_madvise)(addr, len, advice);
  /* The library symbol, once, so that --wrap fault injection sees the call;
   * glibc makes POSIX_MADV_DONTNEED a no-op, so it changes nothing. */
  int rc = (posix_madvise)(addr, len, POSIX_MADV_DONTNEED);
  if (rc != 0)
    return rc;
  if (len == 0u)
    return EINVAL; /* QNX 8.0: "EINVAL ... len equals zero" */
  if (madvise(addr, len, MADV_DONTNEED) != 0)
    return errno;
  return 0;
}

int nto_sim_typed_mem_add(const char *name, size_t pool_bytes) {
  if (name == NULL || name[0] == '\0' || pool_bytes == 0u ||
      strlen(name) >= NTO_SIM_POOL_NAME)
    return -1;
  int rc = -1;
  pthread_mutex_lock(&g_lock);
  nto_sim_pool *free_slot = NULL;
  for (int i = 0; i < NTO_SIM_POOLS; i++) {
    if (g_pools[i].bytes != 0u && strcmp(g_pools[i].name, name) == 0) {
      g_pools[i].bytes = pool_bytes;
      rc = 0;
      break;
    }
    if (g_pools[i].bytes == 0u && free_slot == NULL)
      free_slot = &g_pools[i];
  }
  if (rc != 0 && free_slot != NULL) {
    memcpy(free_slot->name, name, strlen(name) + 1u);
    free_slot->bytes = pool_bytes;
    rc = 0;
  }
  pthread_mutex_unlock(&g_lock);
  return rc;
}

void nto_sim_typed_mem_reset(void) {
  pthread_mutex_lock(&g_lock);
  memset(g_pools, 0, sizeof g_pools);
  g_opens = 0;
  g_fail_at = 0;
  g_fail_errno = 0;
  pthread_mutex_unlock(&g_lock);
}

void nto_sim_typed_mem_fail_nth(unsigned nth, int err) {
  pthread_mutex_lock(&g_lock);
  g_fail_at = g_opens + nth;
  g_fail_errno = err;
  pthread_mutex_unlock(&g_lock);
}

unsigned nto_sim_typed_mem_opens(void) {
  pthread_mutex_lock(&g_lock);
  unsigned n = g_opens;
  pthread_mutex_unlock(&g_lock);
  return n;
}

/* QNX: a leading '/' asks for an exact match, no '/' for a tail match
 * (posix_typed_mem_open, QNX C Library Reference); the model keeps one
 * level: "sysram" finds "/sysram". */
static size_t find_pool(const char *name) {
  for (int i = 0; i < NTO_SIM_POOLS; i++) {
    const char *pool = g_pools[i].name;
    if (g_pools[i].bytes == 0u)
      continue;
    if (strcmp(pool, name) == 0 ||
        (name[0] != '/' && pool[0] == '/' && strcmp(pool + 1, name) == 0))
      return g_pools[i].bytes;
  }
  return 0u;
}

int posix_typed_mem_open(const char *name, int oflag, int tflag) {
  pthread_mutex_lock(&g_lock);
  g_opens++;
  int injected = (g_fail_at != 0u && g_opens == g_fail_at) ? g_fail_errno : 0;
  size_t bytes = (name != NULL && injected == 0) ? find_pool(name) : 0u;
  pthread_mutex_unlock(&g_lock);
  if (injected != 0) {
    errno = injected;
    return -1;
  }
  int acc = oflag & O_ACCMODE;
  if (name == NULL || (oflag & ~O_ACCMODE) != 0 ||
      (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR) ||
      (tflag != 0 && tflag != POSIX_TYPED_MEM_ALLOCATE &&
       tflag != POSIX_TYPED_MEM_ALLOCATE_CONTIG &&
       tflag != POSIX_TYPED_MEM_MAP_ALLOCATABLE)) {
    errno = EINVAL;
    return -1;
  }
  if (bytes == 0u) {
    errno = ENOENT;
    return -1;
  }
  int fd = memfd_create("nto_sim_typed_mem", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  if (ftruncate(fd, (off_t)bytes) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}
