/*
 * placement_support.c - see placement_support.h. Test code only.
 */
#define _GNU_SOURCE
#include "placement_support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

int wrt_pt_spawn(const char *cmd, int fd, const char *a1, const char *a2, const char *a3) {
  /* The child reports a failed exec's errno through a close-on-exec pipe:
   * a successful exec closes it unwritten. */
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) != 0)
    return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(pfd[0]);
    /* dup2 clears close-on-exec, but not when fd is already 3 */
    if (fd >= 0 && (fd == 3 ? fcntl(3, F_SETFD, 0) != 0 : dup2(fd, 3) != 3))
      _exit(97);
    char *args[] = {(char *)"placement-child", (char *)cmd, (char *)"3", (char *)a1, (char *)a2,
                    NULL};
    if (fd < 0) {
      args[2] = (char *)a1;
      args[3] = (char *)a2;
      args[4] = (char *)a3;
    }
    execv("/proc/self/exe", args);
    int e = errno;
    (void)!write(pfd[1], &e, sizeof e);
    _exit(98);
  }
  close(pfd[1]);
  int exec_errno = 0;
  ssize_t got = pid < 0 ? 0 : read(pfd[0], &exec_errno, sizeof exec_errno);
  close(pfd[0]);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  if (got == (ssize_t)sizeof exec_errno && exec_errno == ENOEXEC)
    return WRT_PT_NO_EXEC;
  return WEXITSTATUS(status);
}

void wrt_pt_need_exec(void) {
  /* Any exit status but WRT_PT_NO_EXEC means the exec itself worked (the
   * program answers an unknown command with its own code). */
  if (wrt_pt_spawn("child-probe-exec", -1, NULL, NULL, NULL) == WRT_PT_NO_EXEC) {
    print_message("skipped: this host cannot exec the test program in a second process "
                  "(execve: ENOEXEC; a foreign-architecture binary under qemu-user without "
                  "binfmt_misc)\n");
    skip();
  }
}

int wrt_pt_open_fds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return -1;
  while (readdir(d) != NULL)
    n++;
  closedir(d);
  return n;
}

int wrt_pt_shm_exists(const char *name) {
  int fd = shm_open(name, O_RDONLY, 0);
  if (fd >= 0) {
    close(fd);
    return 1;
  }
  return 0;
}
