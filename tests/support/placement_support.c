/*
 * placement_support.c - see placement_support.h. Test code only.
 */
#define _GNU_SOURCE
#include "placement_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int wrt_pt_spawn(const char *cmd, int fd, const char *a1, const char *a2, const char *a3) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
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
    _exit(98);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
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
