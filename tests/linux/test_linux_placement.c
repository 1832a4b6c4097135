/* test_linux_placement.c - where a Linux region lives (issue 27): THP,
 * hugetlb (with and without a reserved pool), shared regions seen by a real
 * second process (fork + exec of this program), who may map them, NUMA
 * binding, and every placement call failed in turn.
 * The program is also its own child: argv[1] "child-..." runs one check in
 * the exec'd process and exits with 0 when it held. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "madvise_probe.h"
#include "placement_support.h"
#include "placement_inject.h"
#include "wrt/linux_memory.h"
#include "wrt/linux_placement.h"

#define MIB ((size_t)1024u * 1024u)
#define HUGE (2u * MIB)

static unsigned char pattern(size_t i, unsigned seed) {
  return (unsigned char)((i * 7u + seed) & 0xffu);
}

static void fill(uint8_t *p, size_t from, size_t to, unsigned seed) {
  for (size_t i = from; i < to; i++)
    p[i] = pattern(i, seed);
}

/* ---- the exec'd child ---- */
static int child_main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "child-read") == 0) {
    int fd = atoi(argv[2]);
    size_t size = (size_t)strtoull(argv[3], NULL, 10);
    unsigned seed = (unsigned)atoi(argv[4]);
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
      return 10;
    for (size_t i = 0; i < size; i += 61)
      if (p[i] != pattern(i, seed))
        return 11;
    if (p[size - 2] != pattern(size - 2, seed))
      return 12;
    p[size - 1] = 0xA5; /* the parent checks it sees this */
    return munmap(p, size) == 0 ? 0 : 13;
  }
  if (argc >= 3 && strcmp(argv[1], "child-shrink") == 0) {
    int fd = atoi(argv[2]);
    if (ftruncate(fd, 0) == 0 || errno != EPERM)
      return 20; /* F_SEAL_SHRINK must refuse */
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0 || errno != EPERM)
      return 21; /* F_SEAL_SEAL: no new seals (a peer cannot freeze us) */
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "child-open-nobody") == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0)
      return 30;
    int fd = shm_open(argv[2], O_RDWR, 0);
    if (fd >= 0 || errno != EACCES)
      return 31;
    fd = shm_open(argv[2], O_RDONLY, 0);
    if (fd >= 0 || errno != EACCES)
      return 32;
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "child-open-name") == 0) {
    int fd = shm_open(argv[2], O_RDWR, 0);
    if (fd < 0)
      return 40;
    char *args[] = {argv[0], (char *)"child-read", NULL, argv[3], argv[4], NULL};
    char num[16];
    (void)snprintf(num, sizeof num, "%d", fd);
    args[2] = num;
    return child_main(5, args);
  }
  return 99;
}


/* ---- helpers ---- */

static long meminfo(const char *key) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  long v = -1;
  size_t kl = strlen(key);
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, key, kl) == 0 && line[kl] == ':')
      v = atol(line + kl + 1);
  fclose(f);
  return v;
}

/* The VmFlags line of the VMA holding addr contains flag (e.g. "hg"). */
static int vma_has_flag(const void *addr, const char *flag) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0, found = 0;
  uintptr_t a = (uintptr_t)addr;
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned long s, e;
    if (line[0] != '\0' && strchr("0123456789abcdef", line[0]) != NULL &&
        sscanf(line, "%lx-%lx", &s, &e) == 2) {
      in = a >= s && a < e;
    } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
      char pat[8];
      (void)snprintf(pat, sizeof pat, " %s", flag);
      found = strstr(line, pat) != NULL;
    }
  }
  fclose(f);
  return found;
}


static wrt_linux_allocator_config_t cfg_with(wrt_placement_t p) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.max_pages = 256;
  c.guard_pages = true;
  c.placement = p;
  return c;
}

/* ---- tests ---- */
static void defaults_and_validation(void **state) {
  (void)state;
  wrt_placement_t d = wrt_placement_default();
  assert_int_equal(d.huge, WRT_HUGE_NONE);
  assert_false(d.huge_fallback);
  assert_false(d.shared);
  assert_null(d.shm_name);
  assert_int_equal(d.shm_mode, 0600);
  assert_int_equal(d.numa_node, WRT_NUMA_ANY);
  assert_int_equal(d.numa_policy, WRT_NUMA_STRICT);
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  assert_memory_equal(&c.placement, &d, sizeof d);

  wrt_linux_allocator_t a, snap;
  memset(&a, 0x5a, sizeof a);
  memcpy(&snap, &a, sizeof a);
  wrt_linux_allocator_config_t bad[16];
  wrt_status want[16];
  int n = 0;
  bad[n] = cfg_with(d), bad[n].placement.huge = (wrt_huge_pages)7, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.numa_node = -2, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.numa_node = WRT_NUMA_MAX_NODE + 1,
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.numa_policy = (wrt_numa_policy)9,
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shm_name = "/x", want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].placement.shm_mode = 01000,
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].placement.shm_name = "noslash",
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].placement.shm_name = "/a/b",
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].placement.shm_name = "/",
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].growth = WRT_GROW_EXACT,
  want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.huge = WRT_HUGE_EXPLICIT,
  bad[n].growth = WRT_GROW_EXACT, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.huge_fallback = true, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = cfg_with(d), bad[n].placement.shared = true, bad[n].placement.shm_name = "/wrt-x",
  bad[n].placement.huge = WRT_HUGE_EXPLICIT, want[n++] = WRT_E_UNSUPPORTED;
  for (int i = 0; i < n; i++) {
    assert_int_equal(wrt_linux_allocator_init(&a, &bad[i]), want[i]);
    assert_memory_equal(&a, &snap, sizeof a); /* nothing changed */
  }
}

static void queries_validate(void **state) {
  (void)state;
  wrt_linux_allocator_t a;
  wrt_placement_info_t info;
  int fd;
  memset(&a, 0, sizeof a);
  assert_int_equal(wrt_linux_allocator_placement_info(NULL, &info), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_allocator_shared_fd(&a, &fd), WRT_E_INVALID_ARG);
  wrt_linux_allocator_config_t c = cfg_with(wrt_placement_default());
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_linux_allocator_placement_info(&a, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_E_STATE);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, 4, &base, &size),
                   WRT_OK);
  assert_int_equal(wrt_linux_allocator_shared_fd(&a, &fd), WRT_E_STATE); /* private */
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
  assert_int_equal(info.huge, WRT_HUGE_NONE);
  assert_false(info.shared);
  assert_int_equal(info.numa_node, WRT_NUMA_ANY);
  wrt_linux_allocator_destroy(&a);
}

static void thp_region(void **state) {
  (void)state;
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  char mode[128] = "";
  if (f != NULL) {
    if (fgets(mode, sizeof mode, f) == NULL)
      mode[0] = '\0';
    fclose(f);
  }
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_TRANSPARENT;
  wrt_linux_allocator_config_t c = cfg_with(p);
  c.max_pages = 1024;
  wrt_linux_allocator_t a;
  memset(&a, 0, sizeof a);
  if (f == NULL || strstr(mode, "[never]") != NULL) {
    assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_E_UNSUPPORTED);
    skip(); /* THP off on this host: UNSUPPORTED is the whole contract */
  }
  if (!wrt_probe_hugepage_applied()) {
    print_message("skipped: madvise(MADV_HUGEPAGE) accepted but not applied here (no \"hg\" "
                  "in smaps VmFlags; qemu-user does not pass MADV_HUGEPAGE on)\n");
    skip();
  }
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  uint8_t *base, *b2;
  size_t size, s2;
  wrt_page_allocator_t *pa = wrt_linux_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 64, 1024, &base, &size), WRT_OK);
  assert_int_equal((uintptr_t)base % HUGE, 0); /* huge pages can form from the base */
  assert_int_equal(vma_has_flag(base, "hg"), 1); /* MADV_HUGEPAGE applied */
  fill(base, 0, size, 3);
  assert_int_equal(wrt_page_allocator_grow(pa, 64, 32, &b2, &s2), WRT_OK);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, 96u * WRT_WASM_PAGE_SIZE);
  fill(base, size, s2, 3);
  assert_int_equal(vma_has_flag(base + size, "hg"), 1); /* the grown part too */
  wrt_placement_info_t info;
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
  assert_int_equal(info.huge, WRT_HUGE_TRANSPARENT);
  assert_int_equal(info.huge_page_size, HUGE);
  assert_true(info.huge_known);
  assert_true(info.resident_bytes >= s2 / 2); /* we touched all of it */
  assert_true(info.huge_bytes <= info.resident_bytes);
  assert_int_equal(info.huge_bytes % HUGE, 0);
  print_message("THP: %zu of %zu resident bytes on huge pages\n", info.huge_bytes,
                info.resident_bytes);
  /* the trap past the end still holds (no rounding for THP) */
  assert_int_equal(vma_has_flag(base + s2, "rd"), 0);
  wrt_linux_allocator_destroy(&a);
}

static void explicit_hugetlb(void **state) {
  (void)state;
  long free_pages = meminfo("HugePages_Free");
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_EXPLICIT;
  wrt_linux_allocator_config_t c = cfg_with(p);
  c.max_pages = 1024;
  wrt_linux_allocator_t a;
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_linux_allocator_base(&a);
  if (free_pages < 2) {
    /* No pool: a clean NO_MEMORY that leaves nothing behind. */
    size_t mapped = wrt_fi_mapped_bytes();
    int fds = wrt_pt_open_fds();
    assert_int_equal(wrt_page_allocator_allocate(pa, 1, 64, &base, &size), WRT_E_NO_MEMORY);
    assert_int_equal(wrt_fi_mapped_bytes(), mapped);
    assert_int_equal(wrt_pt_open_fds(), fds);
    assert_false(a.allocated);
    /* ...or the fallback, which says what it gave instead. */
    c.placement.huge_fallback = true;
    assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
    assert_int_equal(wrt_page_allocator_allocate(pa, 1, 64, &base, &size), WRT_OK);
    wrt_placement_info_t info;
    assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
    assert_true(info.huge == WRT_HUGE_TRANSPARENT || info.huge == WRT_HUGE_NONE);
    fill(base, 0, size, 1);
    wrt_linux_allocator_destroy(&a);
    print_message("no reserved hugetlb pages (HugePages_Free %ld): pool checks skipped\n",
                  free_pages);
    skip();
  }
  assert_int_equal(wrt_page_allocator_allocate(pa, 1, 1024, &base, &size), WRT_OK);
  assert_int_equal((uintptr_t)base % HUGE, 0);
  fill(base, 0, size, 5);
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 40, &b2, &s2), WRT_OK); /* 2.6 MiB: 2 pages */
  assert_ptr_equal(b2, base);
  fill(base, size, s2, 5);
  wrt_placement_info_t info;
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
  assert_int_equal(info.huge, WRT_HUGE_EXPLICIT);
  assert_true(info.huge_known);
  assert_int_equal(info.huge_bytes, 2 * HUGE);
  /* a grow past what the pool has is NO_MEMORY, the region unchanged */
  long left = meminfo("HugePages_Free");
  uint32_t too_many = (uint32_t)((size_t)(left + 2) * HUGE / WRT_WASM_PAGE_SIZE);
  if (41u + too_many <= 1024u) {
    assert_int_equal(wrt_page_allocator_grow(pa, 41, too_many, &b2, &s2), WRT_E_NO_MEMORY);
    assert_int_equal(a.mem_size, 41u * WRT_WASM_PAGE_SIZE);
  }
  for (size_t i = 0; i < 41u * WRT_WASM_PAGE_SIZE; i += 4093)
    assert_int_equal(base[i], pattern(i, 5));
  wrt_linux_allocator_destroy(&a);
  assert_int_equal(meminfo("HugePages_Free"), free_pages); /* all given back */
}

/* A shared region of 2 pages at base: a real second process sees its bytes
 * (and we its write), grow to 5 pages keeps the base and the peer sees the
 * grown bytes, and the peer can neither shrink nor re-seal the object. */
static void peer_sees_region(wrt_linux_allocator_t *a, uint8_t *base, size_t size) {
  wrt_page_allocator_t *pa = wrt_linux_allocator_base(a);
  uint8_t *b2;
  size_t s2;
  int fd = -1;
  char num[32];
  assert_int_equal(wrt_linux_allocator_shared_fd(a, &fd), WRT_OK);
  assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  fill(base, 0, size, 9);
  (void)snprintf(num, sizeof num, "%zu", size);
  assert_int_equal(wrt_pt_spawn("child-read", fd, num, "9", NULL), 0);
  assert_int_equal(base[size - 1], 0xA5); /* the child's write, seen here */
  /* grow keeps the base; the child sees the grown bytes */
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 3, &b2, &s2), WRT_OK);
  assert_ptr_equal(b2, base);
  fill(base, 0, s2, 4);
  (void)snprintf(num, sizeof num, "%zu", s2);
  assert_int_equal(wrt_pt_spawn("child-read", fd, num, "4", NULL), 0);
  assert_int_equal(base[s2 - 1], 0xA5);
  /* no peer can shrink the object or freeze it */
  assert_int_equal(wrt_pt_spawn("child-shrink", fd, NULL, NULL, NULL), 0);
}

/* EXPLICIT + huge_fallback + shared with no pool: the fallback must keep the
 * region shared (a memory object a peer maps), not quietly hand back private
 * anonymous memory while the query still says "shared". */
static void explicit_fallback_stays_shared(void **state) {
  (void)state;
  wrt_pt_need_exec(); /* a second process of this program, or a skip */
  if (meminfo("HugePages_Free") >= 2) {
    skip(); /* a pool exists: no fallback to check */
  }
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_EXPLICIT;
  p.huge_fallback = true;
  p.shared = true;
  wrt_linux_allocator_config_t c = cfg_with(p);
  c.reserve_pages = 8;
  wrt_linux_allocator_t a;
  uint8_t *base;
  size_t size;
  wrt_placement_info_t info;
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 2, 64, &base, &size),
                   WRT_OK);
  assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
  assert_true(info.shared);
  assert_true(info.huge != WRT_HUGE_EXPLICIT);
  assert_int_equal(vma_has_flag(base, "sh"), 1);
  peer_sees_region(&a, base, size);
  int fds = wrt_pt_open_fds();
  wrt_linux_allocator_destroy(&a);
  assert_int_equal(wrt_pt_open_fds(), fds - 1); /* the object's descriptor closed */
}

static void shared_memfd_second_process(void **state) {
  (void)state;
  wrt_pt_need_exec(); /* a second process of this program, or a skip */
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  wrt_linux_allocator_config_t c = cfg_with(p);
  c.reserve_pages = 8;
  wrt_linux_allocator_t a;
  uint8_t *base, *b2;
  size_t size, s2;
  int fd;
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_linux_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, 64, &base, &size), WRT_OK);
  peer_sees_region(&a, base, size);
  /* past the reservation: LIMIT, nothing moved */
  assert_int_equal(wrt_page_allocator_grow(pa, 5, 4, &b2, &s2), WRT_E_LIMIT);
  assert_int_equal(a.mem_size, 5u * WRT_WASM_PAGE_SIZE);
  /* the trap past the end holds: the next page is not accessible */
  assert_int_equal(vma_has_flag(base + 5u * WRT_WASM_PAGE_SIZE, "rd"), 0);
  int fds = wrt_pt_open_fds();
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, 5u * WRT_WASM_PAGE_SIZE), WRT_OK);
  assert_int_equal(wrt_pt_open_fds(), fds - 1); /* the object's descriptor closed */
  assert_int_equal(wrt_linux_allocator_shared_fd(&a, &fd), WRT_E_STATE);
  wrt_linux_allocator_destroy(&a);
}

static void shared_named_permissions(void **state) {
  (void)state;
  wrt_pt_need_exec(); /* a second process of this program, or a skip */
  char name[64], num[32];
  (void)snprintf(name, sizeof name, "/wrt-test-placement-%d", (int)getpid());
  (void)shm_unlink(name);
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  p.shm_name = name;
  p.shm_mode = 0600;
  wrt_linux_allocator_config_t c = cfg_with(p);
  c.reserve_pages = 8;
  wrt_linux_allocator_t a, b;
  uint8_t *base, *bb;
  size_t size, bs;
  mode_t old = umask(0277); /* the mode must not depend on the umask */
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 2, 8, &base, &size),
                   WRT_OK);
  umask(old);
  struct stat st;
  int fd;
  assert_int_equal(wrt_linux_allocator_shared_fd(&a, &fd), WRT_OK);
  assert_int_equal(fstat(fd, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  fill(base, 0, size, 2);
  (void)snprintf(num, sizeof num, "%zu", size);
  /* the owner opens it by name in another process and sees the bytes */
  assert_int_equal(wrt_pt_spawn("child-open-name", -1, name, num, "2"), 0);
  assert_int_equal(base[size - 1], 0xA5);
  /* a second creator of the same name: STATE, nothing changed */
  assert_int_equal(wrt_linux_allocator_init(&b, &c), WRT_OK);
  size_t mapped = wrt_fi_mapped_bytes();
  int fds = wrt_pt_open_fds();
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&b), 1, 8, &bb, &bs),
                   WRT_E_STATE);
  assert_int_equal(b.last_os_error, EEXIST);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_pt_open_fds(), fds);
  assert_true(wrt_pt_shm_exists(name)); /* the loser did not unlink the winner's object */
  if (geteuid() == 0)
    assert_int_equal(wrt_pt_spawn("child-open-nobody", -1, name, NULL, NULL), 0);
  else
    print_message("not root: the other-user check needs setuid, skipped\n");
  assert_int_equal(wrt_page_allocator_deallocate(wrt_linux_allocator_base(&a), base, size),
                   WRT_OK);
  assert_false(wrt_pt_shm_exists(name)); /* unlinked with the region */
  wrt_linux_allocator_destroy(&a);
  wrt_linux_allocator_destroy(&b);
}

static long policy_of(void *addr, unsigned long *mask) {
  int mode = -1;
  *mask = 0;
  if (syscall(SYS_get_mempolicy, (long)(uintptr_t)&mode, (long)(uintptr_t)mask,
              (long)(sizeof *mask * 8u), (long)(uintptr_t)addr, 2L /* MPOL_F_ADDR */, 0L) != 0)
    return -1;
  return mode;
}

static void numa_binding(void **state) {
  (void)state;
  wrt_placement_t p = wrt_placement_default();
  wrt_linux_allocator_t a;
  uint8_t *base;
  size_t size;
  unsigned long mask;
  for (int pref = 0; pref < 2; pref++) {
    p.numa_node = 0;
    p.numa_policy = pref ? WRT_NUMA_PREFERRED : WRT_NUMA_STRICT;
    wrt_linux_allocator_config_t c = cfg_with(p);
    assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
    assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 4, 16, &base, &size),
                     WRT_OK);
    fill(base, 0, size, 1);
    long mode = policy_of(base, &mask);
    if (mode >= 0) { /* a kernel with NUMA: the policy is on the region */
      assert_int_equal(mode, pref ? 1 /* MPOL_PREFERRED */ : 2 /* MPOL_BIND */);
      assert_int_equal(mask & 1ul, 1ul);
    }
    wrt_placement_info_t info;
    assert_int_equal(wrt_linux_allocator_placement_info(&a, &info), WRT_OK);
    assert_int_equal(info.numa_node, 0);
    wrt_linux_allocator_destroy(&a);
  }
  /* the first node number this host does not have: INVALID_ARG */
  int missing = 1;
  char path[64];
  for (;; missing++) {
    (void)snprintf(path, sizeof path, "/sys/devices/system/node/node%d", missing);
    if (access(path, F_OK) != 0)
      break;
  }
  if (missing <= WRT_NUMA_MAX_NODE) {
    p.numa_node = missing;
    wrt_linux_allocator_config_t c = cfg_with(p);
    assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_E_INVALID_ARG);
  }
}

/* ---- every call failed in turn ---- */
typedef struct {
  const char *what;
  wrt_placement_t p;
} fcase_t;

static void one_failure_leaves_nothing(const wrt_linux_allocator_config_t *c, int is_fi, int call,
                                       unsigned nth, const char *label) {
  wrt_linux_allocator_t a;
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_linux_allocator_init(&a, c), WRT_OK);
  size_t mapped = wrt_fi_mapped_bytes();
  int fds = wrt_pt_open_fds();
  wrt_fi_reset();
  wrt_pi_reset();
  if (is_fi)
    wrt_fi_fail_nth((wrt_fi_call)call, nth, ENOMEM);
  else
    wrt_pi_fail_nth((wrt_pi_call)call, nth, ENOMEM);
  wrt_status st = wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 2, 16, &base, &size);
  wrt_fi_reset();
  wrt_pi_reset();
  if (st == WRT_OK) {
    /* a call the path tolerates (e.g. the fallback's probe): still clean */
    assert_int_equal(wrt_page_allocator_deallocate(wrt_linux_allocator_base(&a), base, size),
                     WRT_OK);
  } else {
    if (wrt_fi_mapped_bytes() != mapped || wrt_pt_open_fds() != fds || a.allocated)
      fail_msg("%s: call %d #%u left something behind", label, call, nth);
    if (c->placement.shm_name != NULL)
      assert_false(wrt_pt_shm_exists(c->placement.shm_name));
    /* the allocator is still usable */
    assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 2, 16, &base, &size),
                     WRT_OK);
    fill(base, 0, size, 6);
  }
  wrt_linux_allocator_destroy(&a);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_pt_open_fds(), fds);
}

static void every_call_failed(void **state) {
  (void)state;
  char name[64];
  (void)snprintf(name, sizeof name, "/wrt-test-fail-%d", (int)getpid());
  fcase_t cases[6];
  bool pool = meminfo("HugePages_Free") >= 2;
  int ncases = 6;
  for (int i = 0; i < 6; i++)
    cases[i].p = wrt_placement_default();
  cases[0].what = "memfd", cases[0].p.shared = true;
  cases[1].what = "named", cases[1].p.shared = true, cases[1].p.shm_name = name;
  cases[2].what = "numa0", cases[2].p.numa_node = 0;
  cases[3].what = "thp", cases[3].p.huge = WRT_HUGE_TRANSPARENT;
  cases[4].what = "hugetlb", cases[4].p.huge = WRT_HUGE_EXPLICIT, cases[4].p.shared = true;
  /* without a pool: the fallback of a shared hugetlb region (a memfd) */
  cases[5].what = "hugetlb-fallback", cases[5].p.huge = WRT_HUGE_EXPLICIT,
  cases[5].p.shared = true, cases[5].p.huge_fallback = true;
  unsigned total = 0;
  for (int k = 0; k < ncases; k++) {
    if ((k == 4 && !pool) || (k == 5 && pool))
      continue; /* hugetlb only with a pool, its fallback only without */
    wrt_linux_allocator_config_t c = cfg_with(cases[k].p);
    wrt_linux_allocator_t a;
    if (wrt_linux_allocator_init(&a, &c) != WRT_OK)
      continue; /* THP off on this host */
    uint8_t *base;
    size_t size;
    wrt_fi_reset();
    wrt_pi_reset();
    assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 2, 16, &base, &size),
                     WRT_OK);
    unsigned fi[WRT_FI_COUNT], pi[WRT_PI_COUNT];
    for (int i = 0; i < WRT_FI_COUNT; i++)
      fi[i] = wrt_fi_calls((wrt_fi_call)i);
    for (int i = 0; i < WRT_PI_COUNT; i++)
      pi[i] = wrt_pi_calls((wrt_pi_call)i);
    wrt_linux_allocator_destroy(&a);
    for (int i = 0; i < WRT_FI_COUNT; i++)
      for (unsigned n = 1; n <= fi[i]; n++, total++)
        one_failure_leaves_nothing(&c, 1, i, n, cases[k].what);
    for (int i = 0; i < WRT_PI_COUNT; i++)
      for (unsigned n = 1; n <= pi[i]; n++, total++)
        one_failure_leaves_nothing(&c, 0, i, n, cases[k].what);
    if (k == 0) /* memfd path: memfd_create, fallocate, fcntl, mmap x2, mprotect */
      assert_true(pi[WRT_PI_MEMFD] == 1 && pi[WRT_PI_FALLOCATE] == 1 && pi[WRT_PI_FCNTL] == 1);
    if (k == 1)
      assert_true(pi[WRT_PI_SHM_OPEN] == 1 && pi[WRT_PI_FCHMOD] == 1);
    if (k == 2)
      assert_int_equal(fi[WRT_FI_MBIND], 1);
  }
  print_message("%u injected failures, each left nothing behind\n", total);
}

/* A failed grow of a shared region: size, base and bytes unchanged. */
static void shared_grow_failures(void **state) {
  (void)state;
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  wrt_linux_allocator_config_t c = cfg_with(p);
  wrt_linux_allocator_t a;
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_linux_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_linux_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 1, 16, &base, &size), WRT_OK);
  fill(base, 0, size, 8);
  wrt_pi_reset();
  wrt_pi_fail_nth(WRT_PI_FALLOCATE, 1, ENOSPC);
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 2, &b2, &s2), WRT_E_NO_MEMORY);
  assert_int_equal(a.mem_size, size);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_MPROTECT, 1, ENOMEM);
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 2, &b2, &s2), WRT_E_NO_MEMORY);
  assert_int_equal(a.mem_size, size);
  assert_int_equal(vma_has_flag(base + size, "rd"), 0);
  wrt_fi_reset();
  wrt_pi_reset();
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 2, &b2, &s2), WRT_OK);
  assert_ptr_equal(b2, base);
  for (size_t i = 0; i < size; i++)
    if (base[i] != pattern(i, 8))
      fail_msg("byte %zu changed by failed grows", i);
  fill(base, size, s2, 8);
  wrt_linux_allocator_destroy(&a);
}

int main(int argc, char **argv) {
  if (argc > 1 && strncmp(argv[1], "child-", 6) == 0)
    return child_main(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_and_validation),
      cmocka_unit_test(queries_validate),
      cmocka_unit_test(thp_region),
      cmocka_unit_test(explicit_hugetlb),
      cmocka_unit_test(explicit_fallback_stays_shared),
      cmocka_unit_test(shared_memfd_second_process),
      cmocka_unit_test(shared_named_permissions),
      cmocka_unit_test(numa_binding),
      cmocka_unit_test(every_call_failed),
      cmocka_unit_test(shared_grow_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
