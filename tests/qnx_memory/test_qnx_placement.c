/*
 * test_qnx_placement.c - placement on the QNX allocator, on the Neutrino
 * host model (issue 27): shared regions on shm_open + shm_ctl seen by a real
 * second process (fork + exec of this program), the seal and the mode that
 * say who may change or open the object, huge pages and NUMA nodes refused
 * (UNSUPPORTED) as Neutrino cannot be asked for them, and every call of the
 * shared path failed in turn. argv[1] "child-..." runs one check in the
 * exec'd process. Test code only; linked with WRAP (fault injection).
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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "placement_support.h"
#include "nto_sim_shm.h"
#include "wrt/qnx_memory.h"

#define WP ((size_t)WRT_WASM_PAGE_SIZE)

static unsigned char pattern(size_t i, unsigned seed) {
  return (unsigned char)((i * 13u + seed) & 0xffu);
}

static void fill(uint8_t *p, size_t from, size_t to, unsigned seed) {
  for (size_t i = from; i < to; i++)
    p[i] = pattern(i, seed);
}

static int child_read(int fd, size_t size, unsigned seed) {
  uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    return 10;
  for (size_t i = 0; i + 1 < size; i += 37)
    if (p[i] != pattern(i, seed))
      return 11;
  p[size - 1] = 0xA5;
  return munmap(p, size) == 0 ? 0 : 12;
}

static int child_main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "child-read") == 0)
    return child_read(atoi(argv[2]), (size_t)strtoull(argv[3], NULL, 10), (unsigned)atoi(argv[4]));
#if defined(SHMCTL_SEAL)
  if (argc >= 3 && strcmp(argv[1], "child-resize") == 0) {
    /* SHMCTL_SEAL: nobody may change the layout (7.1 Programmer's Guide,
     * "Sealing a shared memory object"). */
    int fd = atoi(argv[2]);
    if (shm_ctl(fd, SHMCTL_ANON, 0, 0) == 0 || errno != EPERM)
      return 20;
    if ((shm_ctl(fd, SHMCTL_GET_FLAGS, 0, 0) & SHMCTL_SEAL) == 0)
      return 21;
    return 0;
  }
#endif
  if (argc >= 5 && strcmp(argv[1], "child-open-name") == 0) {
    int fd = shm_open(argv[2], O_RDWR, 0);
    if (fd < 0)
      return 40;
    return child_read(fd, (size_t)strtoull(argv[3], NULL, 10), (unsigned)atoi(argv[4]));
  }
  if (argc >= 3 && strcmp(argv[1], "child-open-nobody") == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0)
      return 30;
    if (shm_open(argv[2], O_RDWR, 0) >= 0 || errno != EACCES)
      return 31;
    if (shm_open(argv[2], O_RDONLY, 0) >= 0 || errno != EACCES)
      return 32;
    return 0;
  }
  return 99;
}




static wrt_qnx_allocator_config_t shared_cfg(const char *name) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.guard_pages = true;
  c.max_pages = 64;
  c.reserve_pages = 8;
  c.placement.shared = true;
  c.placement.shm_name = name;
  return c;
}

static void config_checks(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  wrt_placement_t d = wrt_placement_default();
  assert_memory_equal(&c.placement, &d, sizeof d);
  wrt_qnx_allocator_builder_t b = wrt_qnx_allocator_builder_with_placement(
      wrt_qnx_allocator_builder_new(), d);
  assert_memory_equal(&b.config.placement, &d, sizeof d);
  wrt_qnx_allocator_t a, snap;
  memset(&a, 0x3c, sizeof a);
  memcpy(&snap, &a, sizeof a);
  wrt_qnx_allocator_config_t bad[8];
  wrt_status want[8];
  int n = 0;
  /* Neutrino cannot be asked for large pages or a NUMA node */
  bad[n] = c, bad[n].placement.huge = WRT_HUGE_TRANSPARENT, want[n++] = WRT_E_UNSUPPORTED;
  bad[n] = c, bad[n].placement.huge = WRT_HUGE_EXPLICIT, want[n++] = WRT_E_UNSUPPORTED;
  bad[n] = c, bad[n].placement.numa_node = 0, want[n++] = WRT_E_UNSUPPORTED;
  bad[n] = c, bad[n].placement.numa_node = -5, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = shared_cfg(NULL), bad[n].growth = WRT_GROW_EXACT, want[n++] = WRT_E_INVALID_ARG;
  bad[n] = shared_cfg(NULL), bad[n].typed_memory = "/sysram", want[n++] = WRT_E_INVALID_ARG;
  bad[n] = shared_cfg("bad/name"), want[n++] = WRT_E_INVALID_ARG;
  bad[n] = c, bad[n].placement.shm_name = "/x", want[n++] = WRT_E_INVALID_ARG;
  for (int i = 0; i < n; i++) {
    assert_int_equal(wrt_qnx_allocator_init(&a, &bad[i]), want[i]);
    assert_memory_equal(&a, &snap, sizeof a);
  }
  int fd;
  assert_int_equal(wrt_qnx_allocator_shared_fd(NULL, &fd), WRT_E_INVALID_ARG);
}

/* Profile 640 (SDP 6.4/6.6): no SHM_ANON and no SHMCTL_SEAL (6.4
 * lib/c/public/sys/mman.h:318-330), so an anonymous shared region cannot
 * be made: init says UNSUPPORTED and changes nothing; a named one works
 * (shared_named_permissions). In 7.1/8.0 the anonymous region is made,
 * shared with a second process and sealed. */
#if !defined(SHM_ANON) || !defined(SHMCTL_SEAL)
static void shared_anon_second_process(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = shared_cfg(NULL);
  wrt_qnx_allocator_t a, snap;
  memset(&a, 0x5c, sizeof a);
  memcpy(&snap, &a, sizeof a);
  int fds = wrt_pt_open_fds();
  size_t mapped = wrt_fi_mapped_bytes();
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_E_UNSUPPORTED);
  assert_memory_equal(&a, &snap, sizeof a);
  assert_int_equal(wrt_pt_open_fds(), fds);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  c.placement.shm_name = "/wrt-qnx-640-probe"; /* the same, named: accepted */
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}
#else
static void shared_anon_second_process(void **state) {
  (void)state;
  wrt_pt_need_exec(); /* a second process of this program, or a skip */
  wrt_qnx_allocator_config_t c = shared_cfg(NULL);
  wrt_qnx_allocator_t a;
  uint8_t *base, *b2;
  size_t size, s2;
  int fd;
  char num[32];
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_E_STATE);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, 64, &base, &size), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_OK);
  fill(base, 0, size, 1);
  (void)snprintf(num, sizeof num, "%zu", size);
  assert_int_equal(wrt_pt_spawn("child-read", fd, num, "1", NULL), 0);
  assert_int_equal(base[size - 1], 0xA5);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 4, &b2, &s2), WRT_OK);
  assert_ptr_equal(b2, base); /* grow keeps the base */
  fill(base, 0, s2, 7);
  (void)snprintf(num, sizeof num, "%zu", s2);
  assert_int_equal(wrt_pt_spawn("child-read", fd, num, "7", NULL), 0);
  assert_int_equal(base[s2 - 1], 0xA5);
  assert_int_equal(wrt_pt_spawn("child-resize", fd, NULL, NULL, NULL), 0); /* sealed */
  /* past the reservation: LIMIT, nothing moved */
  assert_int_equal(wrt_page_allocator_grow(pa, 6, 3, &b2, &s2), WRT_E_LIMIT);
  assert_int_equal(a.mem_size, 6 * WP);
  wrt_region_info_t info;
  assert_int_equal(wrt_page_allocator_query(pa, &info), WRT_OK);
  assert_ptr_equal(info.base, base);
  assert_int_equal(info.accessible, 6 * WP);
  int fds = wrt_pt_open_fds();
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, 6 * WP), WRT_OK);
  assert_int_equal(wrt_pt_open_fds(), fds - 1);
  assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_E_STATE);
  wrt_qnx_allocator_destroy(&a);
}
#endif

/* discard promises bytes that read as zero, through POSIX_MADV_DISCARD_NP,
 * which QNX documents for lazy PRIVATE mappings only; a shared region's
 * pages belong to an object a peer may be using. It is UNSUPPORTED there
 * and the bytes (the peer's too) are untouched. */
static void shared_discard_refused(void **state) {
  (void)state;
#if defined(SHM_ANON) && defined(SHMCTL_SEAL)
  wrt_qnx_allocator_config_t c = shared_cfg(NULL);
#else /* profile 640: only named shared regions (above) */
  char name[64];
  (void)snprintf(name, sizeof name, "/wrt-qnx-discard-%d", (int)getpid());
  (void)shm_unlink(name);
  wrt_qnx_allocator_config_t c = shared_cfg(name);
#endif
  wrt_qnx_allocator_t a;
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, 64, &base, &size), WRT_OK);
  fill(base, 0, size, 3);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, WP), WRT_E_UNSUPPORTED);
  for (size_t i = 0; i < size; i += 4093)
    assert_int_equal(base[i], pattern(i, 3));
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}

static void shared_named_permissions(void **state) {
  (void)state;
  wrt_pt_need_exec(); /* a second process of this program, or a skip */
  char name[64], num[32];
  (void)snprintf(name, sizeof name, "/wrt-qnx-placement-%d", (int)getpid());
  (void)shm_unlink(name);
  wrt_qnx_allocator_config_t c = shared_cfg(name);
  c.placement.shm_mode = 0600;
  wrt_qnx_allocator_t a, b;
  uint8_t *base, *bb;
  size_t size, bs;
  mode_t old = umask(022);
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 2, 8, &base, &size),
                   WRT_OK);
  umask(old);
  fill(base, 0, size, 3);
  (void)snprintf(num, sizeof num, "%zu", size);
  assert_int_equal(wrt_pt_spawn("child-open-name", -1, name, num, "3"), 0);
  assert_int_equal(base[size - 1], 0xA5);
  assert_int_equal(wrt_qnx_allocator_init(&b, &c), WRT_OK);
  size_t mapped = wrt_fi_mapped_bytes();
  int fds = wrt_pt_open_fds();
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&b), 1, 8, &bb, &bs),
                   WRT_E_STATE); /* the name exists: O_EXCL */
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_pt_open_fds(), fds);
  assert_true(wrt_pt_shm_exists(name));
  if (geteuid() == 0)
    assert_int_equal(wrt_pt_spawn("child-open-nobody", -1, name, NULL, NULL), 0);
  assert_int_equal(wrt_page_allocator_deallocate(wrt_qnx_allocator_base(&a), base, size), WRT_OK);
  assert_false(wrt_pt_shm_exists(name));
  wrt_qnx_allocator_destroy(&a);
  wrt_qnx_allocator_destroy(&b);
}

static void one_failure(const wrt_qnx_allocator_config_t *c0, int kind, int call, unsigned nth) {
  wrt_qnx_partition_t part;
  assert_int_equal(wrt_qnx_partition_init(&part, 64 * WP), WRT_OK);
  wrt_qnx_allocator_config_t c = *c0;
  c.partition = &part;
  wrt_qnx_allocator_t a;
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  size_t mapped = wrt_fi_mapped_bytes();
  int fds = wrt_pt_open_fds();
  wrt_fi_reset();
  nto_sim_shm_reset();
  if (kind == 0)
    wrt_fi_fail_nth((wrt_fi_call)call, nth, ENOMEM);
  else
    nto_sim_shm_fail_nth((nto_sim_shm_call)call, nth, ENOMEM);
  wrt_status st = wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 2, 8, &base, &size);
  wrt_fi_reset();
  nto_sim_shm_reset();
  assert_int_not_equal(st, WRT_OK);
  if (wrt_fi_mapped_bytes() != mapped || wrt_pt_open_fds() != fds || a.allocated ||
      wrt_qnx_partition_used(&part) != 0)
    fail_msg("kind %d call %d #%u left something behind", kind, call, nth);
  if (c.placement.shm_name != NULL)
    assert_false(wrt_pt_shm_exists(c.placement.shm_name));
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 2, 8, &base, &size),
                   WRT_OK);
  wrt_qnx_allocator_destroy(&a);
  assert_int_equal(wrt_pt_open_fds(), fds);
  assert_int_equal(wrt_qnx_partition_used(&part), 0);
}

static void every_call_failed(void **state) {
  (void)state;
  char name[64];
  (void)snprintf(name, sizeof name, "/wrt-qnx-fail-%d", (int)getpid());
  const char *names[2] = {NULL, name};
  unsigned total = 0;
#if defined(SHM_ANON) && defined(SHMCTL_SEAL)
  int first = 0;
#else
  int first = 1; /* profile 640: anonymous shared regions are UNSUPPORTED */
#endif
  for (int k = first; k < 2; k++) {
    wrt_qnx_allocator_config_t c = shared_cfg(names[k]);
    wrt_qnx_allocator_t a;
    uint8_t *base;
    size_t size;
    assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
    wrt_fi_reset();
    nto_sim_shm_reset();
    assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 2, 8, &base, &size),
                     WRT_OK);
    unsigned fi[WRT_FI_COUNT], si[NTO_SIM_SHM_CALLS];
    for (int i = 0; i < WRT_FI_COUNT; i++)
      fi[i] = wrt_fi_calls((wrt_fi_call)i);
    for (int i = 0; i < NTO_SIM_SHM_CALLS; i++)
      si[i] = nto_sim_shm_calls((nto_sim_shm_call)i);
    wrt_qnx_allocator_destroy(&a);
    assert_int_equal(si[NTO_SIM_SHM_OPEN], 1);
    assert_int_equal(si[NTO_SIM_SHM_CTL], 1);
    assert_int_equal(fi[WRT_FI_MMAP], 2); /* reservation, object over it */
    const wrt_fi_call fail_calls[] = {WRT_FI_MMAP, WRT_FI_MPROTECT};
    for (size_t i = 0; i < 2; i++)
      for (unsigned n = 1; n <= fi[fail_calls[i]]; n++, total++)
        one_failure(&c, 0, (int)fail_calls[i], n);
    for (int i = 0; i < NTO_SIM_SHM_CALLS; i++)
      for (unsigned n = 1; n <= si[i]; n++, total++)
        one_failure(&c, 1, i, n);
  }
  print_message("%u injected failures, each left nothing behind\n", total);
}

/* The shared descriptor only of a live shared region: a NULL out-pointer or
 * a zeroed object is INVALID_ARG, a region of private memory (lazy, or
 * eager on its own private object) is STATE, and *fd is left alone. */
static void shared_fd_only_of_a_shared_region(void **state) {
  (void)state;
  wrt_qnx_allocator_t a;
  int fd = -7;
  memset(&a, 0, sizeof a);
  assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_E_INVALID_ARG);
  for (int lazy = 0; lazy < 2; lazy++) {
    wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
    c.lazy = lazy != 0;
    assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
    uint8_t *base = NULL;
    size_t size = 0;
    assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, 4, &base, &size),
                     WRT_OK);
    assert_int_equal(wrt_qnx_allocator_shared_fd(&a, NULL), WRT_E_INVALID_ARG);
    assert_int_equal(wrt_qnx_allocator_shared_fd(&a, &fd), WRT_E_STATE);
    assert_int_equal(fd, -7);
    wrt_qnx_allocator_destroy(&a);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strncmp(argv[1], "child-", 6) == 0)
    return child_main(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(config_checks),
      cmocka_unit_test(shared_fd_only_of_a_shared_region),
      cmocka_unit_test(shared_anon_second_process),
      cmocka_unit_test(shared_named_permissions),
      cmocka_unit_test(shared_discard_refused),
      cmocka_unit_test(every_call_failed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
