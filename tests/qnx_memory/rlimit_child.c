/*
 * rlimit_child.c - see rlimit_child.h. Test code (may use the C library
 * and POSIX freely).
 */
#include "rlimit_child.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

bool wrt_rlimit_applied(int data, rlim_t want) {
  struct rlimit rl;
  int rc = data ? getrlimit(RLIMIT_DATA, &rl) : getrlimit(RLIMIT_AS, &rl);
  if (rc != 0 || rl.rlim_cur != want)
    return false;
  size_t big = (size_t)want;
  void *p = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY, -1, 0);
  if (p == MAP_FAILED)
    return true;
  munmap(p, big);
  return false;
}

/* Under source-based coverage (scripts/checks/72-mcdc.sh) the profile is
 * written by an atexit handler, which _exit skips, to a file named after
 * the parent's pid (%p is expanded once, and setting the same pattern again
 * is ignored): name it after the child and write it before _exit. */
extern void __llvm_profile_set_filename(const char *name) __attribute__((weak));
extern int __llvm_profile_dump(void) __attribute__((weak));
static void child_exit(int code) {
  const char *pat = getenv("LLVM_PROFILE_FILE");
  const char *at = pat != NULL ? strstr(pat, "%p") : NULL;
  if (__llvm_profile_dump != NULL && __llvm_profile_set_filename != NULL && at != NULL) {
    char name[1024];
    snprintf(name, sizeof name, "%.*s%ld%s", (int)(at - pat), pat, (long)getpid(), at + 2);
    __llvm_profile_set_filename(name);
    (void)__llvm_profile_dump();
  }
  _exit(code);
}

void wrt_rlimit_in_child(int (*fn)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    child_exit(fn());
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == WRT_RLIMIT_CHILD_SKIPPED) {
    print_message("skipped: setrlimit(RLIMIT_AS/RLIMIT_DATA) is accepted but not applied "
                  "here (qemu-user applies neither)\n");
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}
