/* test_w2c_placement.c - the wasm2c adapter's placement option (issue 27):
 * THP memories start on a 2 MiB boundary, a shared memory's object is seen
 * by a forked second process, what a backend refuses is refused when set
 * (-1, nothing changed), on the Linux backend and the QNX backend over the
 * Neutrino host model. No module needed: wasm-rt's memory calls directly. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "wasm-rt.h"
#include "wrt/wasm2c.h"
#include "wrt/wasm2c_placement.h"

static int peer_sees(int fd, size_t size) {
  pid_t pid = fork();
  if (pid == 0) {
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
      _exit(10);
    for (size_t i = 0; i + 1 < size; i += 101)
      if (p[i] != (uint8_t)(i * 5u + 1u))
        _exit(11);
    p[size - 1] = 0xA5;
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

static void shared_on(wrt_w2c_backend backend) {
  wrt_placement_t p = wrt_placement_default();
  p.shared = true;
  assert_int_equal(wrt_w2c_set_backend(backend), 0);
  assert_int_equal(wrt_w2c_set_placement(&p), 0);
  assert_true(wrt_w2c_get_placement().shared);
  wasm_rt_memory_t m;
  wasm_rt_allocate_memory(&m, 2, 16);
  int fd = wrt_w2c_memory_shared_fd(&m);
  assert_true(fd >= 0);
  for (size_t i = 0; i < m.size; i++)
    m.data[i] = (uint8_t)(i * 5u + 1u);
  assert_int_equal(peer_sees(fd, m.size), 0);
  assert_int_equal(m.data[m.size - 1], 0xA5);
  uint8_t *before = m.data;
  assert_int_equal(wasm_rt_grow_memory(&m, 3), 2u);
  assert_ptr_equal(m.data, before); /* shared memories never move */
  wasm_rt_free_memory(&m);
  assert_int_equal(wrt_w2c_memory_shared_fd(&m), -1);
  assert_int_equal(wrt_w2c_set_placement(NULL), 0);
  assert_false(wrt_w2c_get_placement().shared);
}

static void linux_backend(void **state) {
  (void)state;
  if (!wrt_w2c_backend_available(WRT_W2C_BACKEND_LINUX))
    skip();
  assert_int_equal(wrt_w2c_set_backend(WRT_W2C_BACKEND_LINUX), 0);
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_TRANSPARENT;
  if (wrt_w2c_set_placement(&p) == 0) {
    wasm_rt_memory_t m;
    wasm_rt_allocate_memory(&m, 40, 100);
    assert_int_equal((uintptr_t)m.data % (2u << 20), 0);
    memset(m.data, 1, m.size);
    wasm_rt_free_memory(&m);
  }
  /* refused when set, nothing changed */
  wrt_placement_t before = wrt_w2c_get_placement();
  p = wrt_placement_default();
  p.numa_node = WRT_NUMA_MAX_NODE; /* no host has node 1023 */
  assert_int_equal(wrt_w2c_set_placement(&p), -1);
  if (wrt_w2c_guard_pages()) {
    p = wrt_placement_default();
    p.huge = WRT_HUGE_EXPLICIT;
    p.huge_fallback = true;
    assert_int_equal(wrt_w2c_set_placement(&p), -1); /* 2 MiB commits defeat the trap */
  }
  wrt_placement_t after = wrt_w2c_get_placement();
  assert_memory_equal(&before, &after, sizeof before);
  shared_on(WRT_W2C_BACKEND_LINUX);
}

static void qnx_backend(void **state) {
  (void)state;
  if (!wrt_w2c_backend_available(WRT_W2C_BACKEND_QNX))
    skip();
  assert_int_equal(wrt_w2c_set_backend(WRT_W2C_BACKEND_QNX), 0);
  wrt_placement_t p = wrt_placement_default();
  p.huge = WRT_HUGE_TRANSPARENT;
  assert_int_equal(wrt_w2c_set_placement(&p), -1); /* Neutrino: cannot be requested */
  p = wrt_placement_default();
  p.numa_node = 0;
  assert_int_equal(wrt_w2c_set_placement(&p), -1);
  shared_on(WRT_W2C_BACKEND_QNX);
}

int main(void) {
  wasm_rt_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linux_backend),
      cmocka_unit_test(qnx_backend),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  wasm_rt_free();
  return rc;
}
