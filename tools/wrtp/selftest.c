/*
 * selftest.c - `wrtp selftest`: runs every conformance check of
 * docs/requirements.md against every backend built in and reports a table
 * (and, with --json, a machine-readable copy). On a Linux host: the Linux
 * backend natively and the QNX backend on the Neutrino host model; on QNX:
 * the QNX backend on the real kernel. Each check runs in a forked child so
 * that a crash or hang is reported against its requirement.
 * May include: the public headers, POSIX; Linux-only parts under __linux__.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "selftest.h"
#include "wrtp.h"

#if defined(__linux__)
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#endif
#if defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#define WRTP_HAVE_QNX_MEMORY 1
#include "wrt/qnx_memory.h"
#endif
#if (defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)) && defined(__has_include)
#if __has_include("wrt/qnx_sync.h")
#define WRTP_HAVE_QNX_SYNC 1
#include "wrt/qnx_sync.h"
#endif
#endif

/* Each platform's checks are chosen by its compiler's macros; a target that
 * has none of them would build a selftest that checks nothing, so say so.
 * QNX: qcc defines __QNX__ (the macro QNX documents) and __QNXNTO__; either
 * one is taken. */
#if !defined(__linux__) && !defined(__QNX__) && !defined(__QNXNTO__)
#error "wrtp: neither __linux__ nor __QNX__ / __QNXNTO__ is defined: every platform check would be compiled out"
#endif

#if defined(__QNX__) || defined(__QNXNTO__)
#define QNX_LABEL "qnx"
#else
#define QNX_LABEL "qnx (Neutrino host model)"
#endif

/* --- helpers for checks ------------------------------------------------------ */

/* The write end of the pipe to the parent, in a check's child. */
static int g_report_fd = -1;

_Noreturn static void report_and_exit(int code, const char *text) {
  if (g_report_fd >= 0) {
    size_t n = strlen(text);
    while (n > 0) {
      ssize_t w = write(g_report_fd, text, n);
      if (w <= 0)
        break;
      text += w;
      n -= (size_t)w;
    }
  }
  _exit(code);
}

_Noreturn void st_fail(const char *file, int line, const char *fmt, ...) {
  char msg[512];
  const char *slash = strrchr(file, '/');
  int n = snprintf(msg, sizeof msg, "%s:%d: ", slash != NULL ? slash + 1 : file, line);
  if (n < 0)
    n = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  report_and_exit(1, msg);
}

#define ST_SKIP_CODE 77
_Noreturn void st_skip(const char *reason) { report_and_exit(ST_SKIP_CODE, reason); }

uint64_t st_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void st_sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

bool st_faults(volatile uint8_t *p, bool write) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    st_fail(__FILE__, __LINE__, "fork failed (errno %d)", errno);
  if (pid == 0) {
    /* Sanitizer runtimes catch SIGSEGV themselves; this child must die of it. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    if (write)
      *p = *p; /* the same byte: the QNX eager mode's memory is MAP_SHARED,
                  so a forked child's write would reach the parent */
    else
      (void)*p;
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      st_fail(__FILE__, __LINE__, "waitpid failed (errno %d)", errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return false;
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS))
    return true;
  st_fail(__FILE__, __LINE__, "probe child ended oddly (status 0x%x)", (unsigned)status);
}

size_t st_mapped_bytes(void) {
#if defined(__linux__)
  int fd = open("/proc/self/maps", O_RDONLY);
  if (fd < 0)
    return SIZE_MAX;
  char buf[4096];
  size_t total = 0, have = 0;
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
    if (r <= 0)
      break;
    have += (size_t)r;
    buf[have] = '\0';
    char *line = buf;
    char *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
      *nl = '\0';
      unsigned long lo = 0, hi = 0;
      if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && hi > lo)
        total += (size_t)(hi - lo);
      line = nl + 1;
    }
    have = (size_t)(buf + have - line);
    memmove(buf, line, have);
  }
  close(fd);
  return total;
#else
  return SIZE_MAX;
#endif
}

bool st_under_sanitizer(void) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                     \
    __has_feature(memory_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

bool st_limit_address_space(size_t headroom) {
  size_t used = st_mapped_bytes();
  if (used == SIZE_MAX || st_under_sanitizer())
    return false;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0)
    return false;
  rl.rlim_cur = (rlim_t)(used + headroom);
  if (setrlimit(RLIMIT_AS, &rl) != 0)
    return false;
  /* qemu-user accepts the call and applies nothing: read it back. */
  struct rlimit back;
  return getrlimit(RLIMIT_AS, &back) == 0 && back.rlim_cur == rl.rlim_cur;
}

/* --- backends ------------------------------------------------------------------ */

#if defined(__linux__)
static wrt_status linux_mem_create(void *storage, const st_mem_opts *o,
                                   wrt_page_allocator_t **out) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.guard_pages = o->guard_pages;
  if (o->guard_size != 0)
    c.guard_size = o->guard_size;
  if (o->max_pages != 0)
    c.max_pages = o->max_pages;
  c.growth = o->growth;
  c.reserve_pages = o->reserve_pages;
  if (o->set_guards) {
    c.guard_before = o->guard_before;
    c.guard_after = o->guard_after;
  }
  c.guard_reach = o->guard_reach;
  c.no_move = o->no_move;
  c.memory64 = o->memory64;
  wrt_status st = wrt_linux_allocator_init(storage, &c);
  *out = st == WRT_OK ? wrt_linux_allocator_base(storage) : NULL;
  return st;
}
static void linux_mem_destroy(void *storage) { wrt_linux_allocator_destroy(storage); }
static wrt_status linux_mem_init_bad(void *storage, uint32_t bad_max, size_t bad_guard) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.max_pages = bad_max;
  if (bad_guard != 0) {
    c.max_pages = 4;
    c.guard_pages = true;
    c.guard_size = bad_guard;
  }
  return wrt_linux_allocator_init(storage, &c);
}
static const st_mem_backend linux_mem = {"linux", linux_mem_create, linux_mem_destroy,
                                         linux_mem_init_bad, false};

static wrt_status linux_futex_create(void *storage, uint32_t v, wrt_futex_t **out) {
  memset(storage, 0, sizeof(wrt_linux_futex_t)); /* init wants zeroed storage */
  wrt_status st = wrt_linux_futex_init(storage, v);
  *out = st == WRT_OK ? wrt_linux_futex_base(storage) : NULL;
  return st;
}
static void linux_futex_destroy(void *storage) { wrt_linux_futex_destroy(storage); }
static wrt_futex_t *linux_futex_zeroed(void *storage) {
  memset(storage, 0, sizeof(wrt_linux_futex_t));
  wrt_linux_futex_destroy(storage);
  return wrt_linux_futex_base(storage);
}
static const st_futex_backend linux_futex = {"linux", linux_futex_create, linux_futex_destroy,
                                             linux_futex_zeroed, st_linux_futex_blocked};
#endif

#if defined(WRTP_HAVE_QNX_MEMORY)
static wrt_status qnx_mem_create(void *storage, const st_mem_opts *o, wrt_page_allocator_t **out) {
  wrt_qnx_allocator_builder_t b = wrt_qnx_allocator_builder_new();
  b = wrt_qnx_allocator_builder_with_guard_pages(b, o->guard_pages);
  if (o->guard_size != 0)
    b = wrt_qnx_allocator_builder_with_guard_size(b, o->guard_size);
  if (o->max_pages != 0)
    b = wrt_qnx_allocator_builder_with_max_pages(b, o->max_pages);
  b = wrt_qnx_allocator_builder_with_growth(b, o->growth);
  b = wrt_qnx_allocator_builder_with_reserve_pages(b, o->reserve_pages);
  if (o->set_guards) {
    b = wrt_qnx_allocator_builder_with_guard_before(b, o->guard_before);
    b = wrt_qnx_allocator_builder_with_guard_after(b, o->guard_after);
  }
  b = wrt_qnx_allocator_builder_with_guard_reach(b, o->guard_reach);
  b = wrt_qnx_allocator_builder_with_no_move(b, o->no_move);
  b = wrt_qnx_allocator_builder_with_memory64(b, o->memory64);
  wrt_status st = wrt_qnx_allocator_build(&b, storage);
  *out = st == WRT_OK ? wrt_qnx_allocator_base(storage) : NULL;
  return st;
}
static void qnx_mem_destroy(void *storage) { wrt_qnx_allocator_destroy(storage); }
static wrt_status qnx_mem_init_bad(void *storage, uint32_t bad_max, size_t bad_guard) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = bad_max;
  if (bad_guard != 0) {
    c.max_pages = 4;
    c.guard_pages = true;
    c.guard_size = bad_guard;
  }
  return wrt_qnx_allocator_init(storage, &c);
}
static const st_mem_backend qnx_mem = {QNX_LABEL, qnx_mem_create, qnx_mem_destroy,
                                       qnx_mem_init_bad, true};
#endif

#if defined(WRTP_HAVE_QNX_SYNC)
static wrt_status qnx_futex_create(void *storage, uint32_t v, wrt_futex_t **out) {
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  c.initial_value = v;
  wrt_status st = wrt_qnx_futex_init(storage, &c);
  *out = st == WRT_OK ? wrt_qnx_futex_base(storage) : NULL;
  return st;
}
static void qnx_futex_destroy(void *storage) { wrt_qnx_futex_destroy(storage); }
static wrt_futex_t *qnx_futex_zeroed(void *storage) {
  memset(storage, 0, sizeof(wrt_qnx_futex_t));
  wrt_qnx_futex_destroy(storage);
  return wrt_qnx_futex_base(storage);
}
static const st_futex_backend qnx_futex = {QNX_LABEL, qnx_futex_create, qnx_futex_destroy,
                                           qnx_futex_zeroed, st_qnx_blocked};
#endif

static const st_mem_backend *const k_mem_backends[] = {
#if defined(__linux__)
    &linux_mem,
#endif
#if defined(WRTP_HAVE_QNX_MEMORY)
    &qnx_mem,
#endif
};
static const st_futex_backend *const k_futex_backends[] = {
#if defined(__linux__)
    &linux_futex,
#endif
#if defined(WRTP_HAVE_QNX_SYNC)
    &qnx_futex,
#endif
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- the runner ------------------------------------------------------------------ */

typedef enum { R_PASS, R_FAIL, R_SKIP } result_t;
static const char *const k_result_text[] = {"PASS", "FAIL", "SKIP"};

typedef struct {
  unsigned pass, fail, skip;
  FILE *json;
  bool first_json;
  const char *only; /* run only IDs starting with this, or NULL */
  unsigned timeout_s;
} run_state;

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      fprintf(f, "\\%c", ch);
    else if (ch < 0x20)
      fprintf(f, "\\u%04x", ch);
    else
      fputc(ch, f);
  }
  fputc('"', f);
}

/* Runs one check in a child; returns its result and the reason. */
static result_t run_child(const st_check *c, const void *backend, unsigned timeout_s,
                          char *why, size_t why_len) {
  int fds[2];
  why[0] = '\0';
  if (pipe(fds) != 0) {
    snprintf(why, why_len, "pipe failed (errno %d)", errno);
    return R_FAIL;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(why, why_len, "fork failed (errno %d)", errno);
    close(fds[0]);
    close(fds[1]);
    return R_FAIL;
  }
  if (pid == 0) {
    close(fds[0]);
    g_report_fd = fds[1];
    alarm(timeout_s); /* a hang (a lost wake-up, a deadlock) ends as SIGALRM */
    c->run(backend);
    report_and_exit(0, "");
  }
  close(fds[1]);
  size_t have = 0;
  for (;;) {
    ssize_t r = read(fds[0], why + have, why_len - 1 - have);
    if (r > 0) {
      have += (size_t)r;
      if (have == why_len - 1)
        break;
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  why[have] = '\0';
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0)
      return R_PASS;
    if (WEXITSTATUS(status) == ST_SKIP_CODE)
      return R_SKIP;
    if (why[0] == '\0')
      snprintf(why, why_len, "check exited with status %d", WEXITSTATUS(status));
    return R_FAIL;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    snprintf(why + have, why_len - have, "%scheck killed by signal %d%s", have != 0 ? "; " : "",
             sig, sig == SIGALRM ? " (timed out: hang, lost wake-up or deadlock)" : "");
  }
  return R_FAIL;
}

static void run_one(run_state *s, const st_check *c, const char *backend_name,
                    const void *backend) {
  if (s->only != NULL && strncmp(c->id, s->only, strlen(s->only)) != 0)
    return;
  char why[600];
  uint64_t t0 = st_now_ns();
  result_t r = run_child(c, backend, s->timeout_s, why, sizeof why);
  double ms = (double)(st_now_ns() - t0) / 1e6;
  printf("%-8s %-27s %-4s %8.1f ms  %s\n", c->id, backend_name, k_result_text[r], ms, c->title);
  if (r != R_PASS && why[0] != '\0')
    printf("         %s: %s\n", r == R_FAIL ? "why" : "skipped", why);
  fflush(stdout);
  if (r == R_PASS)
    s->pass++;
  else if (r == R_FAIL)
    s->fail++;
  else
    s->skip++;
  if (s->json != NULL) {
    fprintf(s->json, "%s\n    {\"id\": ", s->first_json ? "" : ",");
    s->first_json = false;
    json_string(s->json, c->id);
    fprintf(s->json, ", \"backend\": ");
    json_string(s->json, backend_name);
    fprintf(s->json, ", \"result\": \"%s\", \"ms\": %.3f, \"title\": ", k_result_text[r], ms);
    json_string(s->json, c->title);
    fprintf(s->json, ", \"detail\": ");
    json_string(s->json, r == R_PASS ? "" : why);
    fputc('}', s->json);
  }
}

static void run_list(run_state *s, const st_check *checks, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const st_check *c = &checks[i];
    switch (c->target) {
    case ST_ON_CORE:
      run_one(s, c, "core (any platform)", NULL);
      break;
    case ST_ON_MEMORY:
      for (size_t b = 0; b < COUNT(k_mem_backends); b++)
        run_one(s, c, k_mem_backends[b]->name, k_mem_backends[b]);
      break;
    case ST_ON_FUTEX:
      for (size_t b = 0; b < COUNT(k_futex_backends); b++)
        run_one(s, c, k_futex_backends[b]->name, k_futex_backends[b]);
      break;
    case ST_ON_QNX_MEMORY:
#if defined(WRTP_HAVE_QNX_MEMORY)
      run_one(s, c, qnx_mem.name, &qnx_mem);
#endif
      break;
    case ST_ON_CPU_PARTITION:
      for (size_t b = 0; b < st_cpu_backend_count; b++)
        run_one(s, c, st_cpu_backend_name(st_cpu_backends[b]), st_cpu_backends[b]);
      break;
    }
  }
}

static void list_requirements(const st_check *checks, size_t n) {
  for (size_t i = 0; i < n; i++)
    printf("%-8s %s\n", checks[i].id, checks[i].title);
}

static int usage(FILE *out, int code) {
  fprintf(out,
          "usage: wrtp selftest [--json FILE] [--only PREFIX] [--timeout SECONDS] [--list]\n"
          "\n"
          "Runs one conformance check per requirement of docs/requirements.md against\n"
          "every backend built in (here: the Linux backend natively and the QNX backend\n"
          "on the Neutrino host model; on QNX, the QNX backend on the real kernel).\n"
          "Each check runs in its own child process. Prints one line per check (ID,\n"
          "backend, PASS/FAIL/SKIP, time, requirement), the reason of every failure,\n"
          "and a summary; exits 1 if any check failed, 0 otherwise.\n"
          "\n"
          "  --json FILE       also write the results as JSON to FILE\n"
          "  --only PREFIX     run only requirement IDs starting with PREFIX (e.g. MEM-00)\n"
          "  --timeout SECONDS a check taking longer fails as hung (default 20)\n"
          "  --list            list the requirements and exit\n");
  return code;
}

int wrtp_selftest(int argc, char **argv) {
  run_state s;
  memset(&s, 0, sizeof s);
  s.first_json = true;
  s.timeout_s = 20;
  const char *json_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return usage(stdout, 0);
    if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
      json_path = argv[++i];
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      s.only = argv[++i];
    } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      long t = strtol(argv[++i], NULL, 10);
      if (t <= 0 || t > 3600)
        return usage(stderr, 2);
      s.timeout_s = (unsigned)t;
    } else if (strcmp(argv[i], "--list") == 0) {
      list_requirements(st_memory_checks, st_memory_check_count);
      list_requirements(st_memapi_checks, st_memapi_check_count);
      list_requirements(st_placement_checks, st_placement_check_count);
      list_requirements(st_qnx_checks, st_qnx_check_count);
      list_requirements(st_qnx_commit_checks, st_qnx_commit_check_count);
      list_requirements(st_qnx_parker_checks, st_qnx_parker_check_count);
      list_requirements(st_sync_checks, st_sync_check_count);
      list_requirements(st_wait_checks, st_wait_check_count);
      list_requirements(st_core_checks, st_core_check_count);
      list_requirements(st_cpu_partition_checks, st_cpu_partition_check_count);
      list_requirements(st_pool_checks, st_pool_check_count);
      return 0;
    } else {
      return usage(stderr, 2);
    }
  }
  if (json_path != NULL) {
    s.json = fopen(json_path, "w");
    if (s.json == NULL) {
      fprintf(stderr, "wrtp selftest: cannot write %s: %s\n", json_path, strerror(errno));
      return 2;
    }
    fprintf(s.json, "{\n  \"results\": [");
  }
  printf("wrtp selftest: backends:");
  for (size_t b = 0; b < COUNT(k_mem_backends); b++)
    printf(" memory=%s;", k_mem_backends[b]->name);
  for (size_t b = 0; b < COUNT(k_futex_backends); b++)
    printf(" futex=%s;", k_futex_backends[b]->name);
  printf("\n%-8s %-27s %-4s %11s  %s\n", "ID", "backend", "", "time", "requirement");
  uint64_t t0 = st_now_ns();
  run_list(&s, st_memory_checks, st_memory_check_count);
  run_list(&s, st_memapi_checks, st_memapi_check_count);
  run_list(&s, st_placement_checks, st_placement_check_count);
  run_list(&s, st_qnx_checks, st_qnx_check_count);
  run_list(&s, st_qnx_commit_checks, st_qnx_commit_check_count);
  run_list(&s, st_qnx_parker_checks, st_qnx_parker_check_count);
  run_list(&s, st_sync_checks, st_sync_check_count);
  run_list(&s, st_wait_checks, st_wait_check_count);
  run_list(&s, st_core_checks, st_core_check_count);
  run_list(&s, st_cpu_partition_checks, st_cpu_partition_check_count);
  run_list(&s, st_pool_checks, st_pool_check_count);
  double secs = (double)(st_now_ns() - t0) / 1e9;
  unsigned total = s.pass + s.fail + s.skip;
  printf("selftest: %u checks, %u passed, %u failed, %u skipped in %.1f s: %s\n", total, s.pass,
         s.fail, s.skip, secs, s.fail == 0 && total > 0 ? "PASS" : "FAIL");
  if (s.json != NULL) {
    fprintf(s.json,
            "\n  ],\n  \"summary\": {\"checks\": %u, \"passed\": %u, \"failed\": %u, "
            "\"skipped\": %u, \"seconds\": %.3f, \"result\": \"%s\"}\n}\n",
            total, s.pass, s.fail, s.skip, secs, s.fail == 0 && total > 0 ? "PASS" : "FAIL");
    if (fclose(s.json) != 0) {
      fprintf(stderr, "wrtp selftest: writing %s failed\n", json_path);
      return 2;
    }
  }
  return s.fail == 0 && total > 0 ? 0 : 1;
}
