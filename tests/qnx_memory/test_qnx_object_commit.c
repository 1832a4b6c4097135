/*
 * test_qnx_object_commit.c - the QNX allocator's eager commit on the
 * Neutrino host model (issue 24 item 4, src/qnx/qnx_object_commit.c): a
 * grow is one F_ALLOCSP on the region's private shared-memory object and
 * one mprotect, with no page touched inside grow; an out-of-memory is
 * NO_MEMORY with nothing changed; the new memory reads as zero and the base
 * never moves; every call of the path failed in turn releases everything;
 * a moving grow keeps one object; fork shares the memory (documented).
 * Test code only; linked with WRAP (fault injection of mmap / mprotect /
 * munmap) and the model's shm controls (shm_open, F_ALLOCSP, ftruncate).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "nto_sim_mman.h"
#include "nto_sim_shm.h"
#include "wrt/qnx_memory.h"

#define WP ((size_t)WRT_WASM_PAGE_SIZE)

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  assert_non_null(d);
  while (readdir(d) != NULL)
    n++;
  closedir(d);
  return n;
}

static long minor_faults(void) {
  struct rusage r;
  assert_int_equal(getrusage(RUSAGE_THREAD, &r), 0);
  return r.ru_minflt;
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

static void make(wrt_qnx_allocator_t *a, wrt_growth_strategy g, bool lazy) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.growth = g;
  c.lazy = lazy;
  c.max_pages = 64;
  c.guard_pages = true;
  assert_int_equal(wrt_qnx_allocator_init(a, &c), WRT_OK);
}

/* make(), then allocate `pages` filled with `fill`: the region's base. */
static uint8_t *start(wrt_qnx_allocator_t *a, wrt_growth_strategy g, bool lazy, uint32_t pages,
                      int fill) {
  make(a, g, lazy);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(a), pages,
                                               WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_OK);
  memset(base, fill, size);
  return base;
}

static unsigned shm_total(void) {
  unsigned n = 0;
  for (int i = 0; i < NTO_SIM_SHM_CALLS; i++)
    n += nto_sim_shm_calls((nto_sim_shm_call)i);
  return n;
}

/* An empty object for the model tests below: SHM_ANON where the profile
 * has it (7.1, 8.0); in profile 640 (6.4/6.6 have no SHM_ANON) a name
 * created O_EXCL and unlinked at once, as the library's 6.x fallback does. */
static int model_object(void) {
#if defined(SHM_ANON)
  return shm_open(SHM_ANON, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
#else
  char name[64];
  (void)snprintf(name, sizeof name, "/wrt-test-%ld", (long)getpid());
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    (void)shm_unlink(name);
  return fd;
#endif
}

/* How many shared memory names this process has left on the host: the
 * library names its 6.x objects "/wrt-<pid in 16 hex digits>-<base>"
 * (qnx_object_commit.c), which the model keeps as /dev/shm entries. */
static int names_left(void) {
  char prefix[40];
  (void)snprintf(prefix, sizeof prefix, "wrt-%016lx-", (unsigned long)getpid());
  DIR *d = opendir("/dev/shm");
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
      n++;
  closedir(d);
  return n;
}

static int setup(void **state) {
  (void)state;
  wrt_fi_reset();
  nto_sim_shm_reset();
  nto_sim_mman_set_free_memory(SIZE_MAX);
  return 0;
}

/* A grow of 16 Wasm pages (256 OS pages of 4 KiB): 2 kernel calls, no page
 * fault inside grow. Before this commit the eager grow wrote one byte per
 * OS page (256 faults here); with wrt_qnx_object_mode() forced false this
 * test fails on the fault count. */
static void test_grow_is_two_calls_and_no_touch(void **state) {
  (void)state;
  wrt_qnx_allocator_t a;
  uint8_t *base = start(&a, WRT_GROW_RESERVE, false, 1, 0x5A), *b;
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t s;
  wrt_fi_reset();
  nto_sim_shm_reset();
  long f0 = minor_faults();
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 16, &b, &s), WRT_OK);
  long faults = minor_faults() - f0;
  unsigned calls = shm_total() + wrt_fi_calls(WRT_FI_MMAP) + wrt_fi_calls(WRT_FI_MPROTECT) +
                   wrt_fi_calls(WRT_FI_MUNMAP) + wrt_fi_calls(WRT_FI_MADVISE);
  assert_true(faults < 16); /* the old eager grow: 16 * 16 */
  assert_int_equal(nto_sim_shm_calls(NTO_SIM_SHM_ALLOCSP), 1u);
  assert_int_equal(wrt_fi_calls(WRT_FI_MPROTECT), 1u);
  assert_true(calls <= 2u);
  assert_ptr_equal(b, base); /* the base never moves */
  assert_int_equal(s, 17u * WP);
  assert_true(all_zero(b + WP, 16u * WP)); /* new memory reads as zero */
  assert_int_equal(b[0], 0x5A);
  b[s - 1u] = 7;
  assert_int_equal(b[s - 1u], 7);
  /* a private object: not handed out as a shared region's descriptor */
  int fd = -1;
  assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_E_STATE);
  wrt_qnx_allocator_destroy(&a);
}

/* Out of memory: F_ALLOCSP fails with ENOMEM and changes nothing, so grow
 * is NO_MEMORY with the region as it was; what fits still grows. */
static void test_enomem_is_no_memory_nothing_changed(void **state) {
  (void)state;
  wrt_qnx_allocator_t a;
  nto_sim_mman_set_free_memory(4u * WP);
  uint8_t *base = start(&a, WRT_GROW_RESERVE, false, 2, 0x33), *b;
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t size = 2u * WP, s;
  wrt_region_info_t before, after;
  assert_int_equal(wrt_page_allocator_query(pa, &before), WRT_OK);
  b = NULL;
  s = 0;
  wrt_fi_reset();
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 3, &b, &s), WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, ENOMEM);
  assert_int_equal(wrt_fi_calls(WRT_FI_MPROTECT), 0u); /* stopped before access */
  assert_int_equal(wrt_fi_calls(WRT_FI_MMAP), 0u);     /* nothing re-mapped */
  assert_int_equal(a.pages, 2u);
  assert_int_equal(a.mem_size, 2u * WP);
  assert_int_equal(wrt_page_allocator_query(pa, &after), WRT_OK);
  assert_memory_equal(&before, &after, sizeof before);
  struct stat st;
  assert_int_equal(fstat(a.shm_fd, &st), 0);
  assert_int_equal((size_t)st.st_size, 2u * WP); /* the object did not grow */
  for (size_t i = 0; i < size; i++)
    assert_int_equal(base[i], 0x33);
  /* exactly what is left fits */
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 2, &b, &s), WRT_OK);
  assert_ptr_equal(b, base);
  assert_true(all_zero(b + 2u * WP, 2u * WP));
  wrt_qnx_allocator_destroy(&a);
  nto_sim_mman_set_free_memory(SIZE_MAX);
}

typedef enum { K_SHM, K_MMAP, K_MPROTECT, K_ALLOCSP, K_MPROTECT_AND_TRUNC } fail_kind;

static void arm(fail_kind k, unsigned nth) {
  switch (k) {
  case K_SHM:
    nto_sim_shm_fail_nth(NTO_SIM_SHM_OPEN, nth, EMFILE);
    break;
  case K_MMAP:
    wrt_fi_fail_nth(WRT_FI_MMAP, nth, ENOMEM);
    break;
  case K_MPROTECT:
    wrt_fi_fail_nth(WRT_FI_MPROTECT, nth, ENOMEM);
    break;
  case K_ALLOCSP:
    nto_sim_shm_fail_nth(NTO_SIM_SHM_ALLOCSP, nth, ENOMEM);
    break;
  case K_MPROTECT_AND_TRUNC: /* the commit's mprotect, and its undo */
    wrt_fi_fail_nth(WRT_FI_MPROTECT, nth, ENOMEM);
    nto_sim_shm_fail_nth(NTO_SIM_SHM_TRUNC, 1, EIO);
    break;
  }
}

/* allocate 1, grow +1, grow +2 (RESERVE: in place; EXACT: moves), protect,
 * deallocate, with the nth call of kind k failed. Returns true when nothing
 * failed. After every failure the region is as it was; at the end no
 * descriptor and no mapping is left. */
static bool scenario(wrt_growth_strategy g, fail_kind k, unsigned nth) {
  int fds = open_fds();
  size_t mapped = wrt_fi_mapped_bytes();
  wrt_qnx_allocator_t a;
  make(&a, g, false);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  wrt_fi_reset();
  nto_sim_shm_reset();
  arm(k, nth);
  uint8_t *base = NULL, *b;
  size_t size = 0, s;
  bool failed = false;
  wrt_status st = wrt_page_allocator_allocate(pa, 1, WRT_MAX_PAGES_NONE, &base, &size);
  if (st != WRT_OK) {
    failed = true;
    assert_false(a.allocated);
    assert_int_equal(open_fds(), fds);
    assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  } else {
    memset(base, 0x44, size);
    const uint32_t add[2] = {1, 2};
    for (int i = 0; i < 2; i++) {
      uint32_t pages = a.pages;
      st = wrt_page_allocator_grow(pa, pages, add[i], &b, &s);
      if (st != WRT_OK) {
        failed = true;
        assert_true(st == WRT_E_NO_MEMORY || st == WRT_E_OS);
        assert_int_equal(a.pages, pages);
        assert_int_equal(a.mem_size, (size_t)pages * WP);
        struct stat fs;
        assert_int_equal(fstat(a.shm_fd, &fs), 0);
        if (k != K_MPROTECT_AND_TRUNC) /* else the undo itself failed */
          assert_int_equal((size_t)fs.st_size, (size_t)pages * WP);
        for (size_t j = 0; j < a.mem_size; j++)
          assert_int_equal(a.mem_base[j], 0x44);
        break;
      }
      memset(b, 0x44, s);
    }
    wrt_fi_reset();
    nto_sim_shm_reset();
    assert_int_equal(wrt_page_allocator_deallocate(pa, a.mem_base, a.mem_size), WRT_OK);
  }
  wrt_fi_reset();
  nto_sim_shm_reset();
  wrt_qnx_allocator_destroy(&a);
  assert_int_equal(open_fds(), fds);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  return !failed;
}

static void test_each_call_fails_in_turn(void **state) {
  (void)state;
  const wrt_growth_strategy gs[2] = {WRT_GROW_RESERVE, WRT_GROW_EXACT};
  const fail_kind ks[5] = {K_SHM, K_MMAP, K_MPROTECT, K_ALLOCSP, K_MPROTECT_AND_TRUNC};
  for (int g = 0; g < 2; g++) {
    for (int k = 0; k < 5; k++) {
      unsigned nth = 1, failures = 0;
      while (!scenario(gs[g], ks[k], nth)) {
        failures++;
        nth++;
        assert_true(nth < 40u);
      }
      assert_true(failures >= 1u); /* every kind is on the path */
    }
  }
}

/* A grow that moves (EXACT) gives the new region its own object and closes
 * the old one: one descriptor before and after, contents copied. */
static void test_moving_grow_keeps_one_object(void **state) {
  (void)state;
  wrt_qnx_allocator_t a;
  (void)start(&a, WRT_GROW_EXACT, false, 1, 0x21);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  uint8_t *b;
  size_t s;
  int fds = open_fds();
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 2, &b, &s), WRT_OK);
  assert_int_equal(open_fds(), fds);
  for (size_t i = 0; i < WP; i++)
    assert_int_equal(b[i], 0x21);
  assert_true(all_zero(b + WP, 2u * WP));
  wrt_qnx_allocator_destroy(&a);
}

/* Documented: eager memory is MAP_SHARED, so a forked child's write is seen
 * by the parent; lazy memory is private (copied). */
static void test_fork_shares_eager_memory(void **state) {
  (void)state;
  for (int lazy = 0; lazy < 2; lazy++) {
    wrt_qnx_allocator_t a;
    uint8_t *base = start(&a, WRT_GROW_RESERVE, lazy != 0, 1, 1);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      base[0] = 2;
      _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(base[0], lazy ? 1 : 2);
    wrt_qnx_allocator_destroy(&a);
  }
}

/* The eager commit's object is private to the region: in profile 640 (no
 * SHM_ANON) the named fallback is used and its name is gone as soon as the
 * object is open, while the memory keeps working; in 7.1/8.0 SHM_ANON never
 * makes a name. Without the shm_unlink in open_private_object, profile 640
 * leaves one name per region here. */
static void test_private_object_leaves_no_name(void **state) {
  (void)state;
  int before = names_left();
  wrt_qnx_allocator_t a[2];
  uint8_t *b0 = start(&a[0], WRT_GROW_RESERVE, false, 1, 0x11);
  uint8_t *b1 = start(&a[1], WRT_GROW_RESERVE, false, 1, 0x22);
  assert_true(a[0].has_shm && a[1].has_shm); /* object mode, not the fallback */
  assert_int_equal(names_left(), before);
  uint8_t *g;
  size_t s;
  assert_int_equal(wrt_page_allocator_grow(wrt_qnx_allocator_base(&a[0]), 1, 2, &g, &s), WRT_OK);
  assert_ptr_equal(g, b0);
  assert_true(all_zero(g + WP, 2u * WP));
  assert_int_equal(b0[0], 0x11);
  assert_int_equal(b1[0], 0x22); /* two regions, two objects */
  assert_int_equal(names_left(), before);
  wrt_qnx_allocator_destroy(&a[1]);
  wrt_qnx_allocator_destroy(&a[0]);
  assert_int_equal(names_left(), before);
}

/* The model's F_ALLOCSP: all or nothing against its system memory; an
 * object made SHMCTL_LAZY grows without taking any. */
static void test_model_allocsp(void **state) {
  (void)state;
  int fd = model_object();
  assert_true(fd >= 0);
  nto_sim_mman_set_free_memory(2u * WP);
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_whence = SEEK_SET;
  fl.l_len = (off_t)(3u * WP);
  assert_int_equal(fcntl(fd, F_ALLOCSP, &fl), -1);
  assert_int_equal(errno, ENOMEM);
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  assert_int_equal(st.st_size, 0);
  fl.l_len = (off_t)(2u * WP);
  assert_int_equal(fcntl(fd, F_ALLOCSP, &fl), 0);
  assert_int_equal(fstat(fd, &st), 0);
  assert_int_equal((size_t)st.st_size, 2u * WP);
  /* shrinking gives the memory back */
  assert_int_equal(ftruncate(fd, (off_t)WP), 0);
  fl.l_start = (off_t)WP;
  fl.l_len = (off_t)WP;
  assert_int_equal(fcntl(fd, F_ALLOCSP, &fl), 0);
  close(fd);
  fd = model_object();
  assert_true(fd >= 0);
  assert_int_equal(shm_ctl(fd, SHMCTL_ANON | SHMCTL_LAZY, 0, 0), 0);
  fl.l_start = 0;
  fl.l_len = (off_t)(64u * WP);
  assert_int_equal(fcntl(fd, F_ALLOCSP, &fl), 0); /* lazy: no memory taken */
  close(fd);
  nto_sim_mman_set_free_memory(SIZE_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_grow_is_two_calls_and_no_touch, setup),
      cmocka_unit_test_setup(test_enomem_is_no_memory_nothing_changed, setup),
      cmocka_unit_test_setup(test_each_call_fails_in_turn, setup),
      cmocka_unit_test_setup(test_moving_grow_keeps_one_object, setup),
      cmocka_unit_test_setup(test_fork_shares_eager_memory, setup),
      cmocka_unit_test_setup(test_model_allocsp, setup),
      cmocka_unit_test_setup(test_private_object_leaves_no_name, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
