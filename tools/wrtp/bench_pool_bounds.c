/*
 * bench_pool_bounds.c - `wrtp bench pool`'s bounds-check rows: wasm2c
 * instantiate/grow/free cycles with explicit bounds checks, where a pool can
 * leave committed pages accessible (software_bounds, wrt/pool.h), against
 * wabt's stock runtime built the same way and the adapter without a pool.
 * Each trial runs a program built beside wrtp (adapters/wasm2c/bench/
 * w2c_cycles_main.c; the two runtimes cannot share one program) and reads
 * its time and system-call counts from a pipe; like the guard-page rows, a
 * fresh process per trial. Linux only. Test-side code: may include POSIX
 * headers and bench_method.h.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_method.h"
#include "bench_pool_bounds.h"

/* dir of /proc/self/exe + "/" + name; false if it does not fit. */
static bool beside_me(const char *name, char *out, size_t cap) {
  ssize_t n = readlink("/proc/self/exe", out, cap - 1u);
  if (n <= 0) {
    return false;
  }
  out[n] = '\0';
  char *slash = strrchr(out, '/');
  if (slash == NULL) {
    return false;
  }
  slash[1] = '\0';
  return strlen(out) + strlen(name) < cap && strcat(out, name) != NULL;
}

bool bench_pool_bounds_available(void) {
  char path[PATH_MAX];
  return beside_me("w2c_cycles_bounds_wrt", path, sizeof path) && access(path, X_OK) == 0 &&
         beside_me("w2c_cycles_bounds_stock", path, sizeof path) && access(path, X_OK) == 0;
}

double bench_pool_bounds_trial(void *p) {
  bench_pool_bounds_t *c = p;
  char path[PATH_MAX], cycles[24], slots[24], keep[24];
  if (!beside_me(c->program, path, sizeof path)) {
    c->failed++;
    return 0;
  }
  (void)snprintf(cycles, sizeof cycles, "%u", c->cycles);
  (void)snprintf(slots, sizeof slots, "%u", c->pool_slots);
  (void)snprintf(keep, sizeof keep, "%zu", c->keep_resident);
  int fd[2];
  if (pipe(fd) != 0) {
    c->failed++;
    return 0;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    (void)dup2(fd[1], STDOUT_FILENO);
    close(fd[0]);
    close(fd[1]);
    if (c->pool_slots != 0u) {
      execl(path, path, cycles, slots, keep, (char *)NULL);
    } else {
      execl(path, path, cycles, (char *)NULL);
    }
    _exit(127);
  }
  close(fd[1]);
  char line[128] = {0};
  ssize_t got = pid > 0 ? read(fd[0], line, sizeof line - 1u) : -1;
  close(fd[0]);
  int status = 0;
  if (pid > 0) {
    (void)waitpid(pid, &status, 0);
  }
  double ms = 0;
  unsigned long maps = 0, protects = 0, live = 0;
  if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      sscanf(line, "%lf %lu %lu %lu", &ms, &maps, &protects, &live) != 4 || live != 0u) {
    c->failed++;
    return 0;
  }
  double per = (double)(maps + protects) / (double)c->cycles;
  if (per > c->calls_per_cycle) {
    c->calls_per_cycle = per; /* the worst trial */
  }
  return ms;
}
#else
/* Not Linux: nothing to measure here (ISO C wants a declaration). */
typedef int wrtp_bench_pool_bounds_not_built;
#endif
