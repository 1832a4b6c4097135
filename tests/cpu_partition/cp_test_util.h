/*
 * cp_test_util.h - helpers the CPU-partition and memory-limit tests share:
 * this process's address-space size and a count of our cgroups in a
 * directory. Test code only; includes the C library and POSIX.
 */
#ifndef WRT_TEST_CP_UTIL_H
#define WRT_TEST_CP_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* VmSize from /proc/self/status in bytes, 0 if it cannot be read. */
static inline uint64_t cp_vm_size(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) {
    return 0;
  }
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmSize: %llu kB", &kb) == 1) {
      break;
    }
  }
  fclose(f);
  return (uint64_t)kb * 1024u;
}

/* Entries of dir whose names start with prefix (our groups). */
static inline unsigned cp_our_groups(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    return 0;
  }
  unsigned n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 ? 1u : 0u;
  }
  closedir(d);
  return n;
}

#endif
