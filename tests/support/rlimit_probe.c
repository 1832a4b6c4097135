/*
 * rlimit_probe.c - see rlimit_probe.h. Test code only.
 */
#define _GNU_SOURCE
#include "rlimit_probe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static unsigned long long vm_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long long kb = 0;
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "VmSize:", 7) == 0)
      kb = strtoull(line + 7, NULL, 10);
  if (f != NULL)
    fclose(f);
  return kb * 1024u;
}

static int probe_child(void) {
  unsigned long long vm = vm_bytes();
  if (vm == 0u)
    return 2;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0)
    return 2;
  rlim_t want = (rlim_t)(vm + (256ull << 20));
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
    return 2;
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_AS, &rl) != 0 || getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur != want)
    return 1;
  size_t big = (size_t)1 << 30;
  void *p = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  (void)munmap(p, big);
  return 1;
}

bool wrt_probe_rlimit_as_applied(void) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0)
    _exit(probe_child());
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return true; /* no answer: let the test itself decide */
  return WEXITSTATUS(status) != 1;
}

void wrt_need_rlimit_as(void) {
  if (!wrt_probe_rlimit_as_applied()) {
    print_message("skipped: setrlimit(RLIMIT_AS/RLIMIT_DATA) is accepted but not applied "
                  "here (qemu-user applies neither)\n");
    skip();
  }
}
