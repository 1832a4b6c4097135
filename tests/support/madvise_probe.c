/*
 * madvise_probe.c - see madvise_probe.h. Test code only.
 */
#define _GNU_SOURCE
#include "madvise_probe.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int wrt_probe_discard_seen(void) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return errno;
  memset(p, 0x5a, pg);
  unsigned char vec[1] = {1};
  int rc = 0;
  if (madvise(p, pg, MADV_DONTNEED) != 0 || mprotect(p, pg, PROT_NONE) != 0)
    rc = errno;
  else if (mincore(p, pg, vec) != 0)
    rc = errno;
  else if ((vec[0] & 1u) != 0u)
    rc = -1;
  (void)munmap(p, pg);
  return rc;
}

bool wrt_probe_hugepage_applied(void) {
  size_t len = (size_t)4u * 1024u * 1024u;
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return false;
  bool found = false;
  if (madvise(p, len, MADV_HUGEPAGE) == 0) {
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    bool in = false;
    uintptr_t a = (uintptr_t)p;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
      unsigned long s, e;
      if (strchr("0123456789abcdef", line[0]) != NULL && line[0] != '\0' &&
          sscanf(line, "%lx-%lx", &s, &e) == 2)
        in = a >= s && a < e;
      else if (in && strncmp(line, "VmFlags:", 8) == 0 && strstr(line, " hg") != NULL)
        found = true;
    }
    if (f != NULL)
      fclose(f);
  }
  (void)munmap(p, len);
  return found;
}
