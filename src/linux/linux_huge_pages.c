/*
 * linux_huge_pages.c - huge pages for Linux regions: transparent huge pages
 * (madvise MADV_HUGEPAGE), hugetlb objects (memfd_create MFD_HUGETLB) and
 * the huge-page share of a span read from /proc/self/smaps.
 * Sources: madvise(2), memfd_create(2), proc(5) "/proc/pid/smaps", kernel
 * Documentation/admin-guide/mm/transhuge.rst and hugetlbpage.rst.
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checked_math.h"
#include "linux_placement.h"
#include "wrt/linux_placement.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004u
#endif

/* THP is usable when the kernel has it and the administrator's mode is
 * "always" or "madvise" (the bracketed word of the enabled file). */
wrt_status wrt_linux_thp_available(void) {
  char buf[96];
  int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return WRT_E_UNSUPPORTED;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1u);
  (void)close(fd);
  if (n <= 0) {
    return WRT_E_UNSUPPORTED;
  }
  buf[n] = '\0';
  return strstr(buf, "[never]") != NULL ? WRT_E_UNSUPPORTED : WRT_OK;
}

wrt_status wrt_linux_thp_advise(wrt_linux_allocator_t *a, uint8_t *addr, size_t len) {
  if (madvise(addr, len, MADV_HUGEPAGE) != 0) {
    return wrt_linux_placement_os_fail(a, errno);
  }
  return WRT_OK;
}

wrt_status wrt_linux_hugetlb_create(wrt_linux_allocator_t *a, int *fd) {
  unsigned flags = MFD_CLOEXEC | MFD_HUGETLB;
  if (a->config.placement.shared) {
    flags |= MFD_ALLOW_SEALING;
  }
  int f = memfd_create("wrt-linear-huge", flags);
  if (f < 0) {
    int err = errno;
    /* No hugetlbfs (or no huge page size) is an empty pool to the caller. */
    return wrt_linux_placement_os_fail(a, (err == EINVAL || err == ENOENT) ? ENOMEM : err);
  }
  *fd = f;
  return WRT_OK;
}

/* The value of a "Key:   123 kB" line in bytes, or 0. */
static size_t kb_value(const char *line) {
  const char *c = strchr(line, ':');
  size_t v = 0;
  if (c == NULL) {
    return 0;
  }
  for (c++; *c == ' ' || *c == '\t'; c++) {
  }
  for (; *c >= '0' && *c <= '9'; c++) {
    size_t d = (size_t)(unsigned char)*c - (size_t)'0';
    if (wrt_size_mul(v, 10u, &v) != WRT_OK || wrt_size_add(v, d, &v) != WRT_OK) {
      return 0;
    }
  }
  size_t bytes;
  return wrt_size_mul(v, 1024u, &bytes) == WRT_OK ? bytes : 0u;
}

static bool hex_digit(char c, unsigned *v) {
  if (c >= '0' && c <= '9') {
    *v = (unsigned)c - (unsigned)'0';
  } else if (c >= 'a' && c <= 'f') {
    *v = ((unsigned)c - (unsigned)'a') + 10u;
  } else {
    return false;
  }
  return true;
}

/* A VMA header "start-end perms ...": its range. */
static bool vma_header(const char *line, uintptr_t *start, uintptr_t *end) {
  uintptr_t v[2] = {0, 0};
  unsigned d;
  int i = 0;
  const char *c = line;
  if (!hex_digit(*c, &d)) {
    return false;
  }
  for (; i < 2; i++) {
    while (hex_digit(*c, &d)) {
      v[i] = (v[i] << 4) | d;
      c++;
    }
    if (i == 0 && *c++ != '-') {
      return false;
    }
  }
  *start = v[0];
  *end = v[1];
  return true;
}

typedef struct {
  uintptr_t start; /* the span asked about */
  uintptr_t end;
  bool inside; /* the current VMA lies in it */
  size_t huge;
  size_t rss;
} smaps_sum_t;

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static void smaps_line(smaps_sum_t *s, const char *line) {
  uintptr_t vs;
  uintptr_t ve;
  if (vma_header(line, &vs, &ve)) {
    s->inside = vs >= s->start && ve <= s->end;
    return;
  }
  if (!s->inside) {
    return;
  }
  size_t v = 0;
  bool huge = false;
  bool res = false;
  if (has_prefix(line, "AnonHugePages:") || has_prefix(line, "ShmemPmdMapped:")) {
    v = kb_value(line);
    huge = true;
  } else if (has_prefix(line, "Shared_Hugetlb:") || has_prefix(line, "Private_Hugetlb:")) {
    /* hugetlb pages are not counted in Rss: count them in both. */
    v = kb_value(line);
    huge = true;
    res = true;
  } else if (has_prefix(line, "Rss:")) {
    v = kb_value(line);
    res = true;
  } else {
    return;
  }
  if (huge) {
    (void)wrt_size_add(s->huge, v, &s->huge);
  }
  if (res) {
    (void)wrt_size_add(s->rss, v, &s->rss);
  }
}

/* Sums the huge-page and resident bytes of the VMAs inside [start, end). */
static wrt_status smaps_huge(uintptr_t start, uintptr_t end, size_t *huge, size_t *rss) {
  char buf[4096];
  char line[192]; /* long lines (paths) are cut: only their start matters */
  size_t used = 0;
  smaps_sum_t s = {start, end, false, 0, 0};
  int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return WRT_E_UNSUPPORTED;
  }
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      (void)close(fd);
      return WRT_E_OS;
    }
    if (n == 0) {
      break;
    }
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        line[used] = '\0';
        smaps_line(&s, line);
        used = 0;
      } else if (used < sizeof line - 1u) {
        line[used] = buf[i];
        used++;
      } else {
        /* the rest of a long line is not needed */
      }
    }
  }
  (void)close(fd);
  *huge = s.huge;
  *rss = s.rss;
  return WRT_OK;
}

wrt_status wrt_linux_allocator_placement_info(const wrt_linux_allocator_t *a,
                                              wrt_placement_info_t *out) {
  if (a == NULL || out == NULL || wrt_linux_allocator_base((wrt_linux_allocator_t *)(uintptr_t)a) == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!a->allocated) {
    return WRT_E_STATE;
  }
  wrt_placement_info_t r;
  (void)memset(&r, 0, sizeof r);
  r.huge = a->huge_applied;
  r.shared = a->config.placement.shared;
  r.numa_node = a->config.placement.numa_node;
  r.huge_page_size = a->huge_page;
  uintptr_t start = (uintptr_t)a->map_addr;
  r.huge_known = smaps_huge(start, start + a->map_len, &r.huge_bytes,
                                      &r.resident_bytes) == WRT_OK;
  *out = r;
  return WRT_OK;
}
