/*
 * wait_table_fault.c - see wait_table_fault.h. A guard-page runtime turns
 * an out-of-bounds memory.atomic.wait into exactly this fault: the word's
 * page is inaccessible, the load faults inside the library call, and the
 * runtime's SIGSEGV handler siglongjmps to its trap point. Before issue 26
 * the table had taken the bucket lock and raised the count by then: every
 * later wait or notify on the bucket hung, destroy said WRT_E_STATE. Forked,
 * since the child replaces the SIGSEGV handler and may hang (alarm ends it).
 * Test code only: the jump buffer is the fixture's global state.
 */
#define _GNU_SOURCE
#include "wait_table_fault.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define MS 1000000ull

static sigjmp_buf g_trap;
static volatile sig_atomic_t g_faults;

static void on_fault(int sig) {
  (void)sig;
  g_faults++;
  siglongjmp(g_trap, 1);
}

typedef struct {
  wrt_wait_table_t *table;
  _Atomic uint32_t *word;
  _Atomic int started;
  wrt_status st;
} fault_waiter;

static void *fault_waiter_main(void *arg) {
  fault_waiter *w = arg;
  atomic_store(&w->started, 1);
  w->st = wrt_wait_table_wait32(w->table, (const void *)w->word, 7u, WRT_WAIT_FOREVER);
  return NULL;
}

/* Exit codes name the step that went wrong (0: all well). */
static int child(const wrt_wait_backend_t *be, bool wide) {
  static wrt_wait_bucket_t bucket[1]; /* one bucket: every address shares it */
  static wrt_wait_table_t table;
  if (wrt_wait_table_init(&table, bucket, 1u, be) != WRT_OK) {
    return 10;
  }
  void *page = mmap(NULL, 65536u, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    return 11;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  (void)sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0) {
    return 12;
  }
  (void)alarm(20u); /* a hang (a bucket left locked) ends with SIGALRM */
  /* volatile: round changes between a sigsetjmp and its siglongjmp, so a
   * plain local is indeterminate after the jump (C11 7.13.2.1p3). gcc for
   * aarch64 at -O2 kept it on the stack and raised it right after each
   * return of sigsetjmp, so one fault ended the loop with g_faults 1 (exit
   * 14) and the bucket was never used again. */
  for (volatile int round = 0; round < 2; round++) {
    if (sigsetjmp(g_trap, 1) == 0) {
      if (wide) {
        (void)wrt_wait_table_wait64(&table, page, 0u, WRT_WAIT_FOREVER);
      } else {
        (void)wrt_wait_table_wait32(&table, page, 0u, WRT_WAIT_FOREVER);
      }
      return 13; /* the wait returned: the word was readable after all */
    }
  }
  if (g_faults != 2) {
    return 14;
  }
  /* The same bucket works: a timed wait times out, a waiter is woken. */
  static _Atomic uint32_t word = 7u;
  if (wrt_wait_table_wait32(&table, (const void *)&word, 7u, 1u * MS) != WRT_E_TIMEOUT) {
    return 15;
  }
  fault_waiter w = {&table, &word, 0, WRT_E_STATE};
  pthread_t th;
  if (pthread_create(&th, NULL, fault_waiter_main, &w) != 0) {
    return 16;
  }
  uint32_t woken = 0u;
  while (woken == 0u) { /* until the waiter is linked and woken */
    if (wrt_wait_table_notify(&table, (const void *)&word, 1u, &woken) != WRT_OK) {
      return 17;
    }
    (void)sched_yield();
  }
  if (pthread_join(th, NULL) != 0 || w.st != WRT_OK) {
    return 18;
  }
  if (wrt_wait_table_destroy(&table) != WRT_OK) {
    return 19;
  }
  (void)munmap(page, 65536u);
  return 0;
}

void wrt_wait_fault_unwinds(const wrt_wait_backend_t *be, bool wide) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    _exit(child(be, wide));
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFSIGNALED(status)) {
    print_error("child died of signal %d (SIGALRM %d: a bucket stayed locked)\n",
                WTERMSIG(status), SIGALRM);
  }
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) != 0) {
    print_error("child exited with %d: the step that failed (see child())\n",
                WEXITSTATUS(status));
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}
