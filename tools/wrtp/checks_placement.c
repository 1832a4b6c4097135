/*
 * checks_placement.c - the selftest's checks of where a linear memory lives
 * (HUGE-*, SHM-*, NUMA-*; the "Placement" section of docs/requirements.md):
 * huge pages, shared regions seen by a second process, who may map or
 * resize them, NUMA binding. Run on every memory backend built in; each
 * backend is given its own placement config here (st_mem_opts has none),
 * chosen by the backend's name. Where the host cannot (no reserved hugetlb
 * pages, one NUMA node, not root) a check SKIPs with the reason; where the
 * OS cannot be asked (QNX: huge pages, NUMA) the check is that the backend
 * says UNSUPPORTED. May include: the public headers, POSIX, Linux/QNX
 * headers for the peer process's side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "placement_probe.h"
#include "selftest.h"
#if defined(__linux__)
#include <sys/syscall.h>

#include "wrt/linux_memory.h"
#include "wrt/linux_placement.h"
#endif
#if defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#define PL_HAVE_QNX 1
#include "wrt/qnx_memory.h"
#endif

#define PAGE ((size_t)WRT_WASM_PAGE_SIZE)
#define HUGE2M ((size_t)2u << 20)

static _Alignas(64) unsigned char g_store[ST_STORAGE];

static bool is_linux(const st_mem_backend *b) { return strcmp(b->name, "linux") == 0; }

/* Initialises the backend's allocator with placement p, reserve_pages and
 * max 64 pages; returns init's status. */
static wrt_status make(const st_mem_backend *b, wrt_placement_t p, wrt_page_allocator_t **out) {
  (void)b; /* only the Linux branch asks which backend (a QNX build has one) */
  *out = NULL;
#if defined(__linux__)
  if (is_linux(b)) {
    wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
    c.max_pages = 64;
    c.reserve_pages = 8;
    c.guard_pages = true;
    c.placement = p;
    wrt_status st = wrt_linux_allocator_init((wrt_linux_allocator_t *)(void *)g_store, &c);
    if (st == WRT_OK)
      *out = wrt_linux_allocator_base((wrt_linux_allocator_t *)(void *)g_store);
    return st;
  }
#endif
#if defined(PL_HAVE_QNX)
  wrt_qnx_allocator_builder_t q = wrt_qnx_allocator_builder_new();
  q = wrt_qnx_allocator_builder_with_max_pages(q, 64);
  q = wrt_qnx_allocator_builder_with_reserve_pages(q, 8);
  q = wrt_qnx_allocator_builder_with_guard_pages(q, true);
  q = wrt_qnx_allocator_builder_with_placement(q, p);
  wrt_status st = wrt_qnx_allocator_build(&q, (wrt_qnx_allocator_t *)(void *)g_store);
  if (st == WRT_OK)
    *out = wrt_qnx_allocator_base((wrt_qnx_allocator_t *)(void *)g_store);
  return st;
#else
  (void)p;
  return WRT_E_UNSUPPORTED;
#endif
}

static wrt_status shared_fd(const st_mem_backend *b, int *fd) {
  (void)b; /* as in make() */
#if defined(__linux__)
  if (is_linux(b))
    return wrt_linux_allocator_shared_fd((const wrt_linux_allocator_t *)(void *)g_store, fd);
#endif
#if defined(PL_HAVE_QNX)
  return wrt_qnx_allocator_shared_fd((const wrt_qnx_allocator_t *)(void *)g_store, fd);
#else
  (void)fd;
  return WRT_E_UNSUPPORTED;
#endif
}

long wrtp_hugetlb_free(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[128];
  long v = 0;
  if (f == NULL)
    return 0;
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "HugePages_Free:", 15) == 0)
      v = atol(line + 15);
  fclose(f);
  return v;
}

/* HUGE-001: THP on the reservation, base on a 2 MiB boundary, the query
 * says what it got. QNX: UNSUPPORTED (cannot be requested). */
static void huge_transparent(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_TRANSPARENT;
  wrt_page_allocator_t *a;
  wrt_status st = make(b, p, &a);
  if (!is_linux(b)) {
    ST_REQUIRE_ST(st, WRT_E_UNSUPPORTED);
    p.huge = WRT_HUGE_EXPLICIT;
    ST_REQUIRE_ST(make(b, p, &a), WRT_E_UNSUPPORTED);
    return;
  }
#if defined(__linux__)
  if (st == WRT_E_UNSUPPORTED)
    st_skip("THP is off on this host (transparent_hugepage/enabled: never)");
  ST_REQUIRE_ST(st, WRT_OK);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 64, 64, &base, &size), WRT_OK);
  ST_REQUIRE((uintptr_t)base % HUGE2M == 0);
  memset(base, 1, size);
  wrt_placement_info_t info;
  ST_REQUIRE_ST(wrt_linux_allocator_placement_info((const wrt_linux_allocator_t *)(void *)g_store,
                                                   &info),
                WRT_OK);
  ST_REQUIRE(info.huge == WRT_HUGE_TRANSPARENT && info.huge_page_size == HUGE2M);
  ST_REQUIRE(info.huge_known && info.huge_bytes <= info.resident_bytes);
  b->destroy(g_store);
#endif
}

/* HUGE-002: hugetlb without a reserved pool is a clean NO_MEMORY (nothing
 * mapped), or the fallback, which says what it gave. */
static void huge_explicit_no_pool(const void *bk) {
  const st_mem_backend *b = bk;
  if (!is_linux(b))
    st_skip("Neutrino: large pages cannot be requested (HUGE-001 checks UNSUPPORTED)");
#if defined(__linux__)
  if (wrtp_hugetlb_free() > 0)
    st_skip("this host has reserved hugetlb pages: HUGE-003 runs instead");
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_EXPLICIT;
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  size_t before = st_mapped_bytes();
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_E_NO_MEMORY);
  ST_REQUIRE(st_mapped_bytes() == before);
  p.huge_fallback = true;
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  base[size - 1] = 1;
  wrt_placement_info_t info;
  ST_REQUIRE_ST(wrt_linux_allocator_placement_info((const wrt_linux_allocator_t *)(void *)g_store,
                                                   &info),
                WRT_OK);
  ST_REQUIRE(info.huge != WRT_HUGE_EXPLICIT);
  b->destroy(g_store);
#endif
}

/* HUGE-003: with reserved pages, the region is on hugetlb pages. */
static void huge_explicit_pool(const void *bk) {
  const st_mem_backend *b = bk;
  if (!is_linux(b))
    st_skip("Neutrino: large pages cannot be requested (HUGE-001 checks UNSUPPORTED)");
#if defined(__linux__)
  if (wrtp_hugetlb_free() < 2)
    st_skip("no reserved hugetlb pages (/proc/sys/vm/nr_hugepages; HugePages_Free < 2)");
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_EXPLICIT;
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 64, &base, &size), WRT_OK);
  ST_REQUIRE((uintptr_t)base % HUGE2M == 0);
  /* within make()'s 8-page reservation: EXPLICIT regions never move */
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 7, &base, &size), WRT_OK);
  memset(base, 2, size);
  wrt_placement_info_t info;
  ST_REQUIRE_ST(wrt_linux_allocator_placement_info((const wrt_linux_allocator_t *)(void *)g_store,
                                                   &info),
                WRT_OK);
  ST_REQUIRE(info.huge == WRT_HUGE_EXPLICIT && info.huge_known);
  ST_REQUIRE(info.huge_bytes >= HUGE2M); /* 512 KiB committed: one huge page */
  b->destroy(g_store);
#endif
}

/* A forked peer: maps fd, checks the pattern, writes 0xA5 at the end.
 * Returns its exit status (0: saw the same bytes). */
static int peer_reads(int fd, size_t size, unsigned seed) {
  pid_t pid = fork();
  if (pid == 0) {
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
      _exit(10);
    for (size_t i = 0; i + 1 < size; i += 97)
      if (p[i] != (uint8_t)(i * 3u + seed))
        _exit(11);
    p[size - 1] = 0xA5;
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/* Neutrino API profile 640 (SDP 6.4/6.6) has no SHM_ANON and no
 * SHMCTL_SEAL (6.4 lib/c/public/sys/mman.h:318-330): an anonymous shared
 * region is UNSUPPORTED there, a named one works. */
static bool anon_shared_unsupported(const st_mem_backend *b) {
#if defined(SHM_ANON) && defined(SHMCTL_SEAL)
  (void)b;
  return false;
#else
  return !is_linux(b);
#endif
}

/* SHM-001: a second process maps the object and sees (and writes) the same
 * bytes; grow keeps the base and the peer sees the grown bytes; a grow past
 * the reservation is LIMIT. */
static void shm_second_process(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  wrt_page_allocator_t *a;
  uint8_t *base, *b2;
  size_t size, s2;
  int fd;
  char name[64];
  if (anon_shared_unsupported(b)) {
    ST_REQUIRE_ST(make(b, p, &a), WRT_E_UNSUPPORTED);
    (void)snprintf(name, sizeof name, "/wrtp-selftest-shm1-%d", (int)getpid());
    (void)shm_unlink(name);
    p.shm_name = name; /* the peer check over the named region instead */
  }
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 64, &base, &size), WRT_OK);
  ST_REQUIRE_ST(shared_fd(b, &fd), WRT_OK);
  for (size_t i = 0; i < size; i++)
    base[i] = (uint8_t)(i * 3u + 5u);
  ST_REQUIRE(peer_reads(fd, size, 5) == 0);
  ST_REQUIRE(base[size - 1] == 0xA5);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 6, &b2, &s2), WRT_OK);
  ST_REQUIRE(b2 == base);
  for (size_t i = 0; i < s2; i++)
    base[i] = (uint8_t)(i * 3u + 9u);
  ST_REQUIRE(peer_reads(fd, s2, 9) == 0);
  ST_REQUIRE(base[s2 - 1] == 0xA5);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 8, 1, &b2, &s2), WRT_E_LIMIT);
  b->destroy(g_store);
}

/* SHM-002: who may map or resize it: a named object's mode refuses another
 * user (EACCES), and an anonymous object is sealed against a peer's resize
 * (Linux F_SEAL_SHRINK; QNX SHMCTL_SEAL). */
static void shm_permissions(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  int fd;
  /* the seal (profile 640: no anonymous region, nothing to seal) */
  if (anon_shared_unsupported(b)) {
    ST_REQUIRE_ST(make(b, p, &a), WRT_E_UNSUPPORTED);
    goto mode;
  }
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  ST_REQUIRE_ST(shared_fd(b, &fd), WRT_OK);
  pid_t pid = fork();
  if (pid == 0) {
#if defined(__linux__)
    if (is_linux(b))
      _exit(ftruncate(fd, 0) != 0 && errno == EPERM ? 0 : 20);
#endif
#if defined(SHMCTL_SEAL)
    _exit(shm_ctl(fd, SHMCTL_ANON, 0, 0) != 0 && errno == EPERM ? 0 : 21);
#else
    _exit(22);
#endif
  }
  int status = 0;
  ST_REQUIRE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  ST_REQUIRE(WEXITSTATUS(status) == 0);
  b->destroy(g_store);
mode:
  /* the mode */
  if (geteuid() != 0)
    st_skip("not root: the other-user check needs setuid (the seal was checked)");
  char name[64];
  (void)snprintf(name, sizeof name, "/wrtp-selftest-shm-%d", (int)getpid());
  (void)shm_unlink(name);
  p.shm_name = name;
  p.shm_mode = 0600;
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  pid = fork();
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0)
      _exit(30);
    if (shm_open(name, O_RDWR, 0) >= 0 || errno != EACCES)
      _exit(31);
    if (shm_open(name, O_RDONLY, 0) >= 0 || errno != EACCES)
      _exit(32);
    _exit(0);
  }
  ST_REQUIRE(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  b->destroy(g_store); /* unlinks the name */
  ST_REQUIRE(WEXITSTATUS(status) == 0);
}

/* NUMA-001: binding to node 0 works (strict and preferred); QNX:
 * UNSUPPORTED (no NUMA policy call; locality is typed memory). */
static void numa_node0(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_placement_t p = wrt_placement_default();
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  p.numa_node = 0;
  if (!is_linux(b)) {
    ST_REQUIRE_ST(make(b, p, &a), WRT_E_UNSUPPORTED);
    return;
  }
  for (int k = 0; k < 2; k++) {
    p.numa_policy = k == 0 ? WRT_NUMA_STRICT : WRT_NUMA_PREFERRED;
    ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 4, 8, &base, &size), WRT_OK);
    memset(base, 3, size);
    b->destroy(g_store);
  }
}

/* NUMA-002: a node that does not exist is INVALID_ARG at init. */
static void numa_missing_node(const void *bk) {
  const st_mem_backend *b = bk;
  if (!is_linux(b))
    st_skip("Neutrino has no NUMA nodes to name (NUMA-001 checks UNSUPPORTED)");
  char path[64];
  int missing = 1;
  for (; missing <= WRT_NUMA_MAX_NODE; missing++) {
    (void)snprintf(path, sizeof path, "/sys/devices/system/node/node%d", missing);
    if (access(path, F_OK) != 0)
      break;
  }
  wrt_placement_t p = wrt_placement_default();
  wrt_page_allocator_t *a;
  p.numa_node = missing <= WRT_NUMA_MAX_NODE ? missing : WRT_NUMA_MAX_NODE + 1;
  ST_REQUIRE_ST(make(b, p, &a), WRT_E_INVALID_ARG);
}

/* NUMA-003: strict binding to another node puts the pages there. */
static void numa_cross_node(const void *bk) {
  const st_mem_backend *b = bk;
  if (!is_linux(b))
    st_skip("Neutrino has no NUMA nodes to name (NUMA-001 checks UNSUPPORTED)");
#if defined(__linux__)
  if (access("/sys/devices/system/node/node1", F_OK) != 0)
    st_skip("one NUMA node on this host: the cross-node placement check needs two");
  wrt_placement_t p = wrt_placement_default();
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  p.numa_node = 1;
  ST_REQUIRE_ST(make(b, p, &a), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 4, 8, &base, &size), WRT_OK);
  memset(base, 4, size);
  int node = -1;
  /* get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR): the node of the page. */
  ST_REQUIRE(syscall(SYS_get_mempolicy, &node, NULL, 0ul, base, 3ul) == 0);
  ST_REQUIRE(node == 1);
  b->destroy(g_store);
#endif
}

const st_check st_placement_checks[] = {
    {"HUGE-001", "THP on the reservation (2 MiB base); QNX: UNSUPPORTED", ST_ON_MEMORY,
     huge_transparent},
    {"HUGE-002", "hugetlb without a pool: clean NO_MEMORY, or the stated fallback", ST_ON_MEMORY,
     huge_explicit_no_pool},
    {"HUGE-003", "hugetlb with reserved pages: region on huge pages", ST_ON_MEMORY,
     huge_explicit_pool},
    {"SHM-001", "shared region: a second process sees the same bytes; grow keeps base",
     ST_ON_MEMORY, shm_second_process},
    {"SHM-002", "shared region: seal refuses a peer's resize; mode refuses another user",
     ST_ON_MEMORY, shm_permissions},
    {"NUMA-001", "NUMA node 0 (strict, preferred) works; QNX: UNSUPPORTED", ST_ON_MEMORY,
     numa_node0},
    {"NUMA-002", "a NUMA node that does not exist is INVALID_ARG", ST_ON_MEMORY,
     numa_missing_node},
    {"NUMA-003", "strict binding to another node puts the pages there", ST_ON_MEMORY,
     numa_cross_node},
};
const size_t st_placement_check_count = sizeof st_placement_checks / sizeof st_placement_checks[0];
