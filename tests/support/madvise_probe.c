/*
 * madvise_probe.c - see madvise_probe.h. Test code only.
 */
#define _GNU_SOURCE
#include "madvise_probe.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

bool wrt_probe_dontneed_applied(void) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return false;
  memset(p, 0x5a, pg);
  unsigned char vec[1] = {0};
  bool applied = madvise(p, pg, MADV_DONTNEED) == 0 && mincore(p, pg, vec) == 0 &&
                 (vec[0] & 1u) == 0u;
  applied = applied && p[0] == 0u; /* the read faults in a zero page */
  (void)munmap(p, pg);
  return applied;
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
