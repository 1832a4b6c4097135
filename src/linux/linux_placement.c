/*
 * linux_placement.c - where a Linux region's memory lives (wrt/placement.h):
 * checks the config, puts the region's memory object (shared or hugetlb)
 * over its reservation, applies THP and NUMA advice, commits. The pieces
 * are in linux_huge_pages.c, linux_shared_memory.c and linux_numa.c; the
 * allocator (linux_memory.c) calls only the functions of linux_placement.h
 * listed first there.
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include "linux_placement.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checked_math.h"
#include "placement_rules.h"

wrt_status wrt_linux_placement_os_fail(wrt_linux_allocator_t *a, int err) {
  a->last_os_error = err;
  return (err == ENOMEM || err == EAGAIN || err == ENOSPC) ? WRT_E_NO_MEMORY : WRT_E_OS;
}

bool wrt_linux_placement_pinned(const wrt_linux_allocator_config_t *cfg) {
  return cfg->placement.shared || cfg->placement.huge == WRT_HUGE_EXPLICIT;
}

wrt_status wrt_linux_placement_check(const wrt_linux_allocator_config_t *cfg) {
  const wrt_placement_t *p = &cfg->placement;
  wrt_status st = wrt_placement_check(p);
  if (st != WRT_OK) {
    return st;
  }
  /* An object-backed region cannot be copied to a new place cheaply, and a
   * Wasm shared memory must never move: RESERVE only, grows in place. */
  if (wrt_linux_placement_pinned(cfg) && cfg->growth != WRT_GROW_RESERVE) {
    return WRT_E_INVALID_ARG;
  }
  /* Named objects live in /dev/shm (tmpfs), which has no hugetlb pages. */
  if (p->shm_name != NULL && p->huge == WRT_HUGE_EXPLICIT) {
    return WRT_E_UNSUPPORTED;
  }
  if (p->numa_node != WRT_NUMA_ANY) {
    st = wrt_linux_numa_check(p->numa_node);
  }
  if (st == WRT_OK && p->huge == WRT_HUGE_TRANSPARENT) {
    st = wrt_linux_thp_available();
  }
  return st;
}

size_t wrt_linux_placement_extra(const wrt_linux_allocator_config_t *cfg) {
  /* Up to one huge page of slack to align the base, one more so that the
   * reservation rounded up to huge pages still lies inside the mapping. */
  return cfg->placement.huge == WRT_HUGE_NONE ? 0u : 2u * WRT_LINUX_HUGE_PAGE;
}

size_t wrt_linux_placement_align(const wrt_linux_allocator_config_t *cfg) {
  return cfg->placement.huge == WRT_HUGE_NONE ? (size_t)WRT_WASM_PAGE_SIZE
                                              : WRT_LINUX_HUGE_PAGE;
}

static size_t round_up(size_t v, size_t unit) {
  /* v is at most a reservation inside a mapping that already has a unit of
   * slack after it (placement_extra), so this cannot wrap. */
  return (v + unit - 1u) & ~(unit - 1u);
}

/* The object's size and the read-write span for a region of size bytes. */
static size_t object_span(const wrt_linux_allocator_t *a, size_t size) {
  /* hugetlb mappings are protected in whole huge pages; THP needs no
   * rounding (the kernel splits a huge page under a partial mprotect). */
  return a->huge_applied == WRT_HUGE_EXPLICIT ? round_up(size, WRT_LINUX_HUGE_PAGE) : size;
}

static wrt_status commit_span(wrt_linux_allocator_t *a, uint8_t *base, size_t old_size,
                              size_t new_size) {
  size_t from = object_span(a, old_size);
  size_t to = object_span(a, new_size);
  if (a->has_object && to > a->object_size) {
    /* fallocate takes the memory now, so a small hugetlb pool or a full
     * tmpfs is a status here rather than a SIGBUS at first touch. */
    if (fallocate(a->object_fd, 0, (off_t)a->object_size, (off_t)(to - a->object_size)) != 0) {
      return wrt_linux_placement_os_fail(a, errno);
    }
    a->object_size = to;
  }
  if (to > from && mprotect(base + from, to - from, PROT_READ | PROT_WRITE) != 0) {
    /* The object keeps its new size (a sealed object cannot shrink): the
     * region is unchanged, the next grow reuses the pages. */
    return wrt_linux_placement_os_fail(a, errno);
  }
  return WRT_OK;
}

wrt_status wrt_linux_placement_commit(wrt_linux_allocator_t *a, uint8_t *base, size_t old_size,
                                      size_t new_size) {
  return commit_span(a, base, old_size, new_size);
}

/* Maps fd over [base, base+len) of our own PROT_NONE mapping. */
static wrt_status map_object(wrt_linux_allocator_t *a, int fd, uint8_t *base, size_t len) {
  if (len == 0u) {
    return WRT_OK;
  }
  void *q = mmap(base, len, PROT_NONE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0);
  if (q == MAP_FAILED) {
    return wrt_linux_placement_os_fail(a, errno);
  }
  return WRT_OK;
}

/* Creates the hugetlb object, or falls back (huge_fallback) by setting
 * *applied. */
static wrt_status make_hugetlb(wrt_linux_allocator_t *a, uint8_t *base, size_t reserve,
                               size_t commit, int *fd, wrt_huge_pages *applied) {
  const wrt_placement_t *p = &a->config.placement;
  wrt_status st = wrt_linux_hugetlb_create(a, fd);
  if (st == WRT_OK) {
    st = map_object(a, *fd, base, round_up(reserve, WRT_LINUX_HUGE_PAGE));
    if (st == WRT_OK) {
      /* Probe the pool with the first commit (at least one page), so that
       * the fallback decision is made on what the pool really has. */
      size_t probe = round_up(commit == 0u ? 1u : commit, WRT_LINUX_HUGE_PAGE);
      if (fallocate(*fd, 0, 0, (off_t)probe) != 0) {
        st = wrt_linux_placement_os_fail(a, errno);
      } else {
        a->object_size = probe;
      }
    }
    if (st != WRT_OK) {
      wrt_linux_shm_destroy(a, *fd);
    }
  }
  if (st == WRT_OK) {
    *applied = WRT_HUGE_EXPLICIT;
    return WRT_OK;
  }
  if (!p->huge_fallback || st != WRT_E_NO_MEMORY) {
    return st;
  }
  /* The object is gone; the span it covered is still ours but now holds a
   * shared mapping of nothing: put anonymous PROT_NONE back over it. */
  void *q = mmap(base, round_up(reserve, WRT_LINUX_HUGE_PAGE), PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  if (q == MAP_FAILED) {
    return wrt_linux_placement_os_fail(a, errno);
  }
  *fd = -1;
  if (p->shared) {
    /* The fallback changes the page size, never the sharing: a shared
     * region stays an object a peer can map (an anonymous memfd; EXPLICIT
     * with a name is refused at init), sealed by the caller as any. */
    int f = -1;
    st = wrt_linux_shm_create(a, &f);
    if (st != WRT_OK) {
      return st;
    }
    st = map_object(a, f, base, reserve);
    if (st != WRT_OK) {
      wrt_linux_shm_destroy(a, f);
      return st;
    }
    *fd = f;
  }
  *applied = wrt_linux_thp_available() == WRT_OK ? WRT_HUGE_TRANSPARENT : WRT_HUGE_NONE;
  return WRT_OK;
}

wrt_status wrt_linux_placement_setup(wrt_linux_allocator_t *a, void *map, size_t map_len,
                                     uint8_t *base, size_t reserve, size_t commit) {
  const wrt_placement_t *p = &a->config.placement;
  /* Relocation of a private region calls this while the old region is
   * live: only object-backed (pinned) regions touch the object state, and
   * they never relocate. */
  int fd = -1;
  wrt_huge_pages applied = p->huge;
  wrt_status st = WRT_OK;
  size_t saved_object = a->object_size;
  if (p->huge == WRT_HUGE_EXPLICIT) {
    a->object_size = 0;
    st = make_hugetlb(a, base, reserve, commit, &fd, &applied);
  } else if (p->shared) {
    a->object_size = 0;
    st = wrt_linux_shm_create(a, &fd);
    if (st == WRT_OK) {
      st = map_object(a, fd, base, reserve);
      if (st != WRT_OK) {
        wrt_linux_shm_destroy(a, fd);
      }
    }
  } else {
    /* private anonymous memory: no object */
  }
  if (st != WRT_OK) {
    a->object_size = saved_object;
    return st;
  }
  if (fd >= 0 && p->shared) {
    st = wrt_linux_shm_seal(a, fd);
  }
  if (st == WRT_OK && applied == WRT_HUGE_TRANSPARENT && reserve != 0u) {
    st = wrt_linux_thp_advise(a, base, round_up(reserve, WRT_LINUX_HUGE_PAGE));
  }
  if (st == WRT_OK && p->numa_node != WRT_NUMA_ANY) {
    st = wrt_linux_numa_bind(a, map, map_len);
  }
  bool saved_has = a->has_object;
  int saved_fd = a->object_fd;
  size_t saved_huge = a->huge_page;
  wrt_huge_pages saved_applied = a->huge_applied;
  if (st == WRT_OK) {
    a->has_object = fd >= 0;
    a->object_fd = fd;
    a->huge_page = applied == WRT_HUGE_NONE ? 0u : WRT_LINUX_HUGE_PAGE;
    a->huge_applied = applied;
    st = commit_span(a, base, 0u, commit);
  }
  if (st != WRT_OK) {
    if (fd >= 0) {
      wrt_linux_shm_destroy(a, fd);
    }
    a->has_object = saved_has;
    a->object_fd = saved_fd;
    a->object_size = saved_object;
    a->huge_page = saved_huge;
    a->huge_applied = saved_applied;
  }
  return st;
}

void wrt_linux_placement_release(wrt_linux_allocator_t *a) {
  if (a->has_object) {
    wrt_linux_shm_destroy(a, a->object_fd);
  }
  a->has_object = false;
  a->object_fd = 0;
  a->object_size = 0;
}
