/*
 * mman_sim.c - the Neutrino host model's memory manager: mmap and munmap as
 * QNX's memmgr does them (resource limits, MAP_LAZY, typed memory, the hole
 * a failed MAP_FIXED leaves), posix_madvise(POSIX_MADV_DISCARD_NP) and
 * posix_typed_mem_open(); see sim/neutrino/include/sys/mman.h. Model code
 * for a Linux host: it may use Linux names (memfd_create, madvise, /proc).
 * Its tables are global state by design (they stand for the memory
 * manager's per-process accounting and the system page's asinfo), guarded
 * by one mutex.
 *
 * Facts modelled, from the QNX 6.4 memory manager (openqnx,
 * trunk/services/system/memmgr; 7.1/8.0 unconfirmed, see
 * docs/qnx-semantics.md):
 * - vmm_mmap.c:593-603: before anything else, an anonymous private mapping
 *   is checked against RLIMIT_DATA (data + len) and every mapping against
 *   RLIMIT_AS/RLIMIT_VMEM (vmem + len); a MAP_FIXED range that replaces an
 *   old one is still counted, since the old range is unmapped only later
 *   (vmm_mmap.c:877-880). PROT_NONE and MAP_LAZY mappings count too.
 *   mm_rlimit.c:22-30: the check fails when the new total >= the limit.
 *   vmm_munmap.c:140-147: unmapping gives the bytes back.
 * - vmm_mmap.c:877-880 then 882-909: a MAP_FIXED mapping first unmaps the
 *   old range, then allocates: typed memory (tymem_pmem_alloc) or, without
 *   MAP_LAZY, anonymous memory (memobj_pmem_add). A failure there returns
 *   through fail3/fail2 (vmm_mmap.c:1084-1091), which restores nothing: the
 *   old range stays unmapped (a hole).
 * - vmm_mmap.c:155: MAP_LAZY on a typed-memory mapping is EINVAL;
 *   vmm_mmap.c:168-179: an exhausted pool is ENOMEM.
 * - vmm_mprotect.c:66 with mm_reference.c:650: mprotect references pages
 *   MR_NOINIT, which allocates nothing; so mprotect is left to the host.
 * Not modelled: memory taken at first touch of a MAP_LAZY page (the host
 * cannot see touches), other processes' use of memory, and the kernel's
 * own small allocations. The checks and the host mmap are not one atomic
 * step across threads (good enough for the tests that use limits).
 */
#define _GNU_SOURCE
#define NTO_SIM_HOST_NAMES 1 /* the host's PROT_* and MAP_* below */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nto_sim_mman.h"
#include "nto_sim_mman_internal.h"

#define NTO_SIM_POOLS 8
#define NTO_SIM_POOL_NAME 64

/* Name prefix of a typed-memory object's memfd, followed by the pool index:
 * how nto_sim_mmap recognises a typed-memory descriptor. */
#define NTO_SIM_TM_PREFIX "nto_sim_tm"

typedef struct {
  char name[NTO_SIM_POOL_NAME];
  size_t bytes; /* capacity; 0: free slot */
  size_t used;  /* bytes mapped from it now */
} nto_sim_pool;

/* One mapping made through nto_sim_mmap that the model accounts for. */
typedef struct {
  uintptr_t start, end; /* end == 0: free slot */
  unsigned char data;   /* anonymous private: counts against RLIMIT_DATA */
  unsigned char sys;    /* non-lazy anonymous: took model system memory */
  signed char pool;     /* typed memory: pool index, else -1 */
} nto_sim_range;

#define NTO_SIM_RANGES 4096

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static nto_sim_pool g_pools[NTO_SIM_POOLS];
static unsigned g_opens;
static unsigned g_fail_at; /* 0: never */
static int g_fail_errno;
static nto_sim_range g_ranges[NTO_SIM_RANGES];
static size_t g_free_mem = SIZE_MAX; /* SIZE_MAX: unlimited */
static size_t g_sys_used;
static nto_sim_hole_fn g_hole_fn;
static void *g_hole_arg;

int nto_sim_posix_madvise(void *addr, size_t len, int advice) {
  if (advice != NTO_SIM_MADV_DISCARD_NP)
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
    free_slot->used = 0u;
    rc = 0;
  }
  pthread_mutex_unlock(&g_lock);
  return rc;
}

void nto_sim_typed_mem_reset(void) {
  pthread_mutex_lock(&g_lock);
  memset(g_pools, 0, sizeof g_pools);
  for (int i = 0; i < NTO_SIM_RANGES; i++)
    g_ranges[i].pool = -1; /* mappings stay, but no pool is charged any more */
  g_opens = 0;
  g_fail_at = 0;
  g_fail_errno = 0;
  g_free_mem = SIZE_MAX;
  g_hole_fn = NULL;
  g_hole_arg = NULL;
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
static int find_pool(const char *name) {
  for (int i = 0; i < NTO_SIM_POOLS; i++) {
    const char *pool = g_pools[i].name;
    if (g_pools[i].bytes == 0u)
      continue;
    if (strcmp(pool, name) == 0 ||
        (name[0] != '/' && pool[0] == '/' && strcmp(pool + 1, name) == 0))
      return i;
  }
  return -1;
}

int posix_typed_mem_open(const char *name, int oflag, int tflag) {
  pthread_mutex_lock(&g_lock);
  g_opens++;
  int injected = (g_fail_at != 0u && g_opens == g_fail_at) ? g_fail_errno : 0;
  int pool = (name != NULL && injected == 0) ? find_pool(name) : -1;
  size_t bytes = pool >= 0 ? g_pools[pool].bytes : 0u;
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
  /* Each open is a fresh object as big as the pool; what a mapping of it
   * takes from the pool is accounted by nto_sim_mmap. */
  char memfd_name[32];
  snprintf(memfd_name, sizeof memfd_name, NTO_SIM_TM_PREFIX "%d", pool);
  int fd = memfd_create(memfd_name, MFD_CLOEXEC);
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

/* ---- mmap / munmap ------------------------------------------------------- */

void nto_sim_mman_set_free_memory(size_t bytes) {
  pthread_mutex_lock(&g_lock);
  g_free_mem = bytes;
  g_sys_used = 0;
  pthread_mutex_unlock(&g_lock);
}

int nto_sim_mman_take(size_t bytes) {
  int err = 0;
  pthread_mutex_lock(&g_lock);
  if (g_free_mem != SIZE_MAX && g_free_mem - g_sys_used < bytes)
    err = ENOMEM; /* memobj_pmem_add -> pa_alloc failing (mm_memobj.c:199-271) */
  else
    g_sys_used += bytes;
  pthread_mutex_unlock(&g_lock);
  return err;
}

void nto_sim_mman_give(size_t bytes) {
  pthread_mutex_lock(&g_lock);
  g_sys_used = g_sys_used >= bytes ? g_sys_used - bytes : 0u;
  pthread_mutex_unlock(&g_lock);
}

void nto_sim_mman_on_hole(nto_sim_hole_fn fn, void *arg) {
  pthread_mutex_lock(&g_lock);
  g_hole_fn = fn;
  g_hole_arg = arg;
  pthread_mutex_unlock(&g_lock);
}

static size_t data_bytes_locked(void) {
  size_t n = 0;
  for (int i = 0; i < NTO_SIM_RANGES; i++)
    if (g_ranges[i].end != 0u && g_ranges[i].data)
      n += g_ranges[i].end - g_ranges[i].start;
  return n;
}

size_t nto_sim_mman_data_bytes(void) {
  pthread_mutex_lock(&g_lock);
  size_t n = data_bytes_locked();
  pthread_mutex_unlock(&g_lock);
  return n;
}

/* The process's address space in bytes (QNX's vmem: every mapping counts):
 * the host's own count, which includes the old range of a MAP_FIXED. */
size_t nto_sim_mman_vmem_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (f == NULL)
    return 0u;
  if (fscanf(f, "%lu", &pages) != 1)
    pages = 0;
  fclose(f);
  return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* mm_rlimit.c:22-30: blown when the new total reaches the soft limit. */
static int limit_blown(int data, size_t total) {
  struct rlimit rl;
  int rc = data ? getrlimit(RLIMIT_DATA, &rl) : getrlimit(RLIMIT_AS, &rl);
  if (rc != 0 || rl.rlim_cur == RLIM_INFINITY)
    return 0;
  return (rlim_t)total >= rl.rlim_cur;
}

static void refund(const nto_sim_range *r, size_t cut) {
  if (r->sys)
    g_sys_used = g_sys_used >= cut ? g_sys_used - cut : 0u;
  if (r->pool >= 0 && g_pools[r->pool].bytes != 0u)
    g_pools[r->pool].used = g_pools[r->pool].used >= cut ? g_pools[r->pool].used - cut : 0u;
}

static nto_sim_range *free_range(void) {
  for (int i = 0; i < NTO_SIM_RANGES; i++)
    if (g_ranges[i].end == 0u)
      return &g_ranges[i];
  /* A model limit, not a QNX behaviour: say so loudly. */
  fprintf(stderr, "nto_sim: more than %d mappings to account for\n", NTO_SIM_RANGES);
  abort();
}

/* Forget [s, e): what vmm_munmap.c:140-147 gives back. */
static void ranges_remove(uintptr_t s, uintptr_t e) {
  for (int i = 0; i < NTO_SIM_RANGES; i++) {
    nto_sim_range *r = &g_ranges[i];
    if (r->end == 0u || r->end <= s || r->start >= e)
      continue;
    uintptr_t lo = r->start > s ? r->start : s;
    uintptr_t hi = r->end < e ? r->end : e;
    refund(r, hi - lo);
    if (r->start < s && r->end > e) {
      nto_sim_range *tail = free_range();
      *tail = *r;
      tail->start = e;
      r->end = s;
    } else if (r->start < s) {
      r->end = s;
    } else if (r->end > e) {
      r->start = e;
    } else {
      r->end = 0u;
    }
  }
}

/* The pool index of a typed-memory descriptor, or -1. */
static int typed_pool_of(int fd) {
  char link[64], target[128];
  if (fd < 0)
    return -1;
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1u);
  if (n <= 0)
    return -1;
  target[n] = '\0';
  const char *tag = strstr(target, "memfd:" NTO_SIM_TM_PREFIX);
  if (tag == NULL)
    return -1;
  int pool = atoi(tag + strlen("memfd:" NTO_SIM_TM_PREFIX));
  return pool >= 0 && pool < NTO_SIM_POOLS ? pool : -1;
}

/* QNX protection bits to the host's; -1 for a bit the model does not know.
 * PROT_NOCACHE has no host meaning and is dropped. */
static int host_prot(int qnx) {
  int known = NTO_SIM_PROT_READ | NTO_SIM_PROT_WRITE | NTO_SIM_PROT_EXEC | NTO_SIM_PROT_NOCACHE;
  if ((qnx & ~known) != 0)
    return -1;
  return ((qnx & NTO_SIM_PROT_READ) ? PROT_READ : 0) | ((qnx & NTO_SIM_PROT_WRITE) ? PROT_WRITE : 0) |
         ((qnx & NTO_SIM_PROT_EXEC) ? PROT_EXEC : 0);
}

/* QNX mapping flags to the host's (MAP_LAZY, MAP_NOINIT dropped: the model
 * accounts for laziness itself; MAP_ANON translated); -1 for a flag the
 * model does not model (MAP_PHYS and the rest). */
static int host_map_flags(int qnx) {
  int same = MAP_SHARED | MAP_PRIVATE | MAP_FIXED;
  int known = same | NTO_SIM_MAP_ANON | NTO_SIM_MAP_LAZY | NTO_SIM_MAP_NOINIT;
  if ((qnx & ~known) != 0)
    return -1;
  return (qnx & same) | ((qnx & NTO_SIM_MAP_ANON) ? MAP_ANONYMOUS : 0);
}

int nto_sim_mprotect(void *addr, size_t len, int prot) {
  int hp = host_prot(prot);
  if (hp < 0) {
    errno = EINVAL;
    return -1;
  }
  return (mprotect)(addr, len, hp); /* the library symbol: --wrap sees it */
}

void *nto_sim_mmap(void *addr, size_t len, int qnx_prot, int flags, int fd, off_t off) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t plen = (len + page - 1u) & ~(page - 1u);
  int lazy = (flags & NTO_SIM_MAP_LAZY) != 0;
  int host_flags = host_map_flags(flags);
  int prot = host_prot(qnx_prot);
  if (host_flags < 0 || prot < 0) {
    errno = EINVAL;
    return MAP_FAILED;
  }
  int anon = (flags & NTO_SIM_MAP_ANON) != 0;
  int priv = (flags & (MAP_SHARED | MAP_PRIVATE)) == MAP_PRIVATE;
  int fixed = (flags & MAP_FIXED) != 0;
  int pool = anon ? -1 : typed_pool_of(fd);
  if (len == 0u || plen < len) /* let the host report its EINVAL */
    return (mmap)(addr, len, prot, host_flags, fd, off);

  pthread_mutex_lock(&g_lock);
  /* vmm_mmap.c:593-603: the limits, before the old range is unmapped. */
  int err = 0;
  if (anon && priv && limit_blown(1, data_bytes_locked() + plen))
    err = ENOMEM;
  else if (limit_blown(0, nto_sim_mman_vmem_bytes() + plen))
    err = ENOMEM;
  if (err != 0) {
    pthread_mutex_unlock(&g_lock);
    errno = err;
    return MAP_FAILED;
  }
  /* vmm_mmap.c:882-909: the allocation, after the old range is gone. */
  if (pool >= 0 && g_pools[pool].bytes != 0u) {
    if (lazy)
      err = EINVAL; /* vmm_mmap.c:155 */
    else if (g_pools[pool].bytes - g_pools[pool].used < plen)
      err = ENOMEM; /* vmm_mmap.c:168-179 */
  } else if (anon && !lazy && g_free_mem != SIZE_MAX && g_free_mem - g_sys_used < plen) {
    err = ENOMEM; /* vmm_mmap.c:905-907, memobj_pmem_add */
  }
  if (err != 0) {
    nto_sim_hole_fn fn = NULL;
    void *arg = NULL;
    if (fixed) {
      /* vmm_mmap.c:877-880: the old range was unmapped first and
       * fail3/fail2 (vmm_mmap.c:1084-1091) do not put it back. The raw
       * system call: this is the kernel's unmap, not the program's. */
      (void)syscall(SYS_munmap, addr, plen);
      ranges_remove((uintptr_t)addr, (uintptr_t)addr + plen);
      fn = g_hole_fn;
      arg = g_hole_arg;
    }
    pthread_mutex_unlock(&g_lock);
    if (fn != NULL)
      fn(addr, plen, arg); /* another thread running in the window */
    errno = err;
    return MAP_FAILED;
  }
  pthread_mutex_unlock(&g_lock);

  void *p = (mmap)(addr, len, prot, host_flags, fd, off);
  if (p == MAP_FAILED)
    return p;
  pthread_mutex_lock(&g_lock);
  uintptr_t s = (uintptr_t)p;
  if (fixed)
    ranges_remove(s, s + plen);
  if (anon || pool >= 0) {
    nto_sim_range *r = free_range();
    r->start = s;
    r->end = s + plen;
    r->data = (unsigned char)(anon && priv);
    r->sys = (unsigned char)(anon && !lazy);
    r->pool = (signed char)(pool >= 0 && g_pools[pool].bytes != 0u ? pool : -1);
    if (r->sys)
      g_sys_used += plen;
    if (r->pool >= 0)
      g_pools[pool].used += plen;
  }
  pthread_mutex_unlock(&g_lock);
  return p;
}

int nto_sim_munmap(void *addr, size_t len) {
  int rc = (munmap)(addr, len);
  if (rc == 0 && len != 0u) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t plen = (len + page - 1u) & ~(page - 1u);
    pthread_mutex_lock(&g_lock);
    ranges_remove((uintptr_t)addr, (uintptr_t)addr + plen);
    pthread_mutex_unlock(&g_lock);
  }
  return rc;
}
