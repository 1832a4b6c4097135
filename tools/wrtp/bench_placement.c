/*
 * bench_placement.c - `wrtp bench huge`: what huge pages buy a Wasm linear
 * memory (issue 27), by the method of bench_method.h.
 * Rows (Linux; the QNX backend cannot request large pages, placement.h):
 * - a dependent random walk over a 1 GiB region, each load's address the
 *   previous load's value, one cache line apart at random (the TLB-bound
 *   case of pointer-heavy Wasm data): THP region vs 4 KiB-page region,
 *   interleaved trials, Mloads/s; target: huge >= 1.25x;
 * - independent random reads over the same regions (misses overlap, so
 *   huge pages gain far less), beside it;
 * - the share of each region on huge pages, from /proc/self/smaps
 *   (wrt_linux_allocator_placement_info);
 * - commit cost: grow 0 -> 1 GiB and first touch of every page, ms per GiB,
 *   4 KiB pages vs THP (and hugetlb when the system has reserved pages).
 * Tool code: may use the heap. May include: the public headers,
 * bench_method.h, POSIX.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_method.h"
#include "wrt/status.h"

void bench_placement(const bm_env_t *env);

#if defined(__linux__)
#include "wrt/linux_memory.h"
#include "wrt/linux_placement.h"

#define GIB ((size_t)1u << 30)
#define LINE 64u
#define WALK_PAGES 16384u /* 1 GiB of 64 KiB Wasm pages */

typedef struct {
  wrt_linux_allocator_t a;
  uint8_t *base;
  size_t size;
  uint64_t pos;      /* where the walk stands (carried across trials) */
  uint64_t rng;      /* independent reads' generator state */
  volatile uint64_t sink;
} region_ctx;

static bool region_open(region_ctx *r, wrt_huge_pages huge, size_t bytes) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.placement.huge = huge;
  memset(r, 0, sizeof *r);
  if (wrt_linux_allocator_init(&r->a, &c) != WRT_OK)
    return false;
  uint32_t pages = (uint32_t)(bytes / WRT_WASM_PAGE_SIZE);
  if (wrt_page_allocator_allocate(wrt_linux_allocator_base(&r->a), pages, pages, &r->base,
                                  &r->size) != WRT_OK) {
    wrt_linux_allocator_destroy(&r->a);
    return false;
  }
  return true;
}

/* One random cycle through every line (Sattolo), written as byte offsets
 * into each region: line i holds the offset of the line that follows. */
static bool build_cycle(region_ctx *r[2], size_t bytes) {
  size_t lines = bytes / LINE;
  uint32_t *perm = malloc(lines * sizeof *perm);
  if (perm == NULL)
    return false;
  for (size_t i = 0; i < lines; i++)
    perm[i] = (uint32_t)i;
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = lines - 1; i > 0; i--) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t j = (size_t)(x % i); /* j < i: one single cycle */
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < lines; i++)
      *(uint64_t *)(void *)(r[k]->base + i * LINE) = (uint64_t)perm[i] * LINE;
  free(perm);
  return true;
}

/* Mloads/s of the dependent walk for one trial's duration. */
static double walk_trial(void *p) {
  region_ctx *r = p;
  uint64_t pos = r->pos, loads = 0, t0 = bm_now_ns(), t;
  const uint8_t *base = r->base;
  do {
    for (unsigned i = 0; i < 4096u; i++)
      pos = *(const volatile uint64_t *)(const void *)(base + pos);
    loads += 4096u;
    t = bm_now_ns();
  } while (t - t0 < bm_trial_ns());
  r->pos = pos;
  return (double)loads / ((double)(t - t0) / 1e3);
}

/* Mloads/s of independent random line reads (addresses from a generator,
 * not from memory, so the misses overlap). */
static double reads_trial(void *p) {
  region_ctx *r = p;
  uint64_t x = r->rng | 1u, sum = 0, loads = 0, t0 = bm_now_ns(), t;
  const size_t mask = r->size - 1u; /* the size is a power of two */
  do {
    for (unsigned i = 0; i < 4096u; i++) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      sum += *(const uint64_t *)(const void *)(r->base + ((x >> 20) & mask & ~(uint64_t)(LINE - 1u)));
    }
    loads += 4096u;
    t = bm_now_ns();
  } while (t - t0 < bm_trial_ns());
  r->rng = x;
  r->sink += sum;
  return (double)loads / ((double)(t - t0) / 1e3);
}

typedef struct {
  wrt_huge_pages huge;
  size_t bytes;
} commit_ctx;

/* ms per GiB: allocate 0 pages, grow to `bytes`, touch every 4 KiB page,
 * release. */
static double commit_trial(void *p) {
  commit_ctx *c = p;
  static wrt_linux_allocator_t a;
  wrt_linux_allocator_config_t cfg = wrt_linux_allocator_config_default();
  cfg.placement.huge = c->huge;
  uint8_t *base;
  size_t size;
  uint32_t pages = (uint32_t)(c->bytes / WRT_WASM_PAGE_SIZE);
  if (wrt_linux_allocator_init(&a, &cfg) != WRT_OK ||
      wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 0, pages, &base, &size) != WRT_OK) {
    bm_error("commit", "allocate failed");
    return 0;
  }
  uint64_t t0 = bm_now_ns();
  wrt_status st = wrt_page_allocator_grow(wrt_linux_allocator_base(&a), 0, pages, &base, &size);
  if (st == WRT_OK)
    for (size_t off = 0; off < size; off += 4096u)
      ((volatile uint8_t *)base)[off] = 1;
  double ms = (double)(bm_now_ns() - t0) / 1e6;
  wrt_linux_allocator_destroy(&a);
  if (st != WRT_OK) {
    bm_error("commit", wrt_status_str(st));
    return 0;
  }
  return ms * (double)GIB / (double)c->bytes;
}

static long hugetlb_free(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[128];
  long v = 0;
  if (f == NULL)
    return 0;
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "HugePages_Free:", 15) == 0)
      v = atol(line + 15);
  fclose(f);
  return v;
}

void bench_placement(const bm_env_t *env) {
  (void)env;
  static region_ctx huge, small;
  size_t bytes = bm_quick ? GIB / 8u : GIB;
  bm_progress("huge: building two regions and a random cycle");
  if (!region_open(&huge, WRT_HUGE_TRANSPARENT, bytes)) {
    bm_row_text("huge-page rows", 0, "", "skipped: THP unavailable here (placement.h)");
    return;
  }
  if (!region_open(&small, WRT_HUGE_NONE, bytes)) {
    wrt_linux_allocator_destroy(&huge.a);
    bm_error("huge", "4 KiB region");
    return;
  }
  region_ctx *both[2] = {&huge, &small};
  if (!build_cycle(both, bytes)) {
    bm_error("huge", "no memory for the permutation");
    wrt_linux_allocator_destroy(&huge.a);
    wrt_linux_allocator_destroy(&small.a);
    return;
  }
  char what[128], text[160];
  for (int k = 0; k < 2; k++) {
    wrt_placement_info_t info;
    if (wrt_linux_allocator_placement_info(&both[k]->a, &info) == WRT_OK && info.huge_known) {
      (void)snprintf(text, sizeof text, "%zu of %zu MiB resident on huge pages (smaps)",
                     info.huge_bytes >> 20, info.resident_bytes >> 20);
      (void)snprintf(what, sizeof what, "  share on huge pages, %s region",
                     k == 0 ? "THP" : "4 KiB");
      bm_row_text(what, info.resident_bytes != 0u
                            ? 100.0 * (double)info.huge_bytes / (double)info.resident_bytes
                            : 0.0,
                  "%", text);
    }
  }
  bm_load_t load;
  bm_contender_t c[2] = {{walk_trial, &huge, {0}, 0, {0, 0, 0}},
                         {walk_trial, &small, {0}, 0, {0, 0, 0}}};
  bm_progress("huge: dependent random walk");
  bm_interleave(c, 2, bm_trials(), &load);
  bm_ratio_t r = bm_ratio(&c[0], &c[1]);
  (void)snprintf(what, sizeof what, "dependent walk %zu MiB, 4 KiB pages", bytes >> 20);
  bm_row(what, c[1].s, "Ml/s", NULL, NULL);
  (void)snprintf(what, sizeof what, "dependent walk %zu MiB, THP", bytes >> 20);
  bm_row(what, c[0].s, "Ml/s", "THP / 4 KiB", &r);
  bm_target("dependent random walk over 1 GiB: THP >= 1.25x 4 KiB pages", r.ratio, false, 1.25,
            bm_quick ? NULL : &load);

  bm_contender_t d[2] = {{reads_trial, &huge, {0}, 0, {0, 0, 0}},
                         {reads_trial, &small, {0}, 0, {0, 0, 0}}};
  bm_progress("huge: independent random reads");
  bm_load_t load2;
  bm_interleave(d, 2, bm_trials(), &load2);
  bm_ratio_t r2 = bm_ratio(&d[0], &d[1]);
  (void)snprintf(what, sizeof what, "independent reads %zu MiB, 4 KiB pages", bytes >> 20);
  bm_row(what, d[1].s, "Ml/s", NULL, NULL);
  (void)snprintf(what, sizeof what, "independent reads %zu MiB, THP", bytes >> 20);
  bm_row(what, d[0].s, "Ml/s", "THP / 4 KiB", &r2);
  wrt_linux_allocator_destroy(&huge.a);
  wrt_linux_allocator_destroy(&small.a);

  /* Commit cost. */
  size_t cbytes = bm_quick ? GIB / 16u : GIB;
  commit_ctx cc[3] = {{WRT_HUGE_NONE, cbytes}, {WRT_HUGE_TRANSPARENT, cbytes},
                      {WRT_HUGE_EXPLICIT, cbytes}};
  bool pool = (size_t)hugetlb_free() * (2u << 20) >= cbytes;
  bm_contender_t e[3] = {{commit_trial, &cc[0], {0}, 0, {0, 0, 0}},
                         {commit_trial, &cc[1], {0}, 0, {0, 0, 0}},
                         {pool ? commit_trial : NULL, &cc[2], {0}, 0, {0, 0, 0}}};
  bm_progress("huge: commit cost");
  bm_load_t load3;
  bm_interleave(e, pool ? 3 : 2, bm_trials(), &load3);
  bm_row("commit+touch per GiB, 4 KiB pages", e[0].s, "ms", NULL, NULL);
  bm_ratio_t r3 = bm_ratio(&e[1], &e[0]);
  bm_row("commit+touch per GiB, THP", e[1].s, "ms", "THP / 4 KiB", &r3);
  if (pool) {
    bm_ratio_t r4 = bm_ratio(&e[2], &e[0]);
    bm_row("commit+touch per GiB, hugetlb", e[2].s, "ms", "hugetlb / 4 KiB", &r4);
  } else {
    bm_row_text("commit+touch per GiB, hugetlb", 0, "",
                "skipped: not enough reserved hugetlb pages (/proc/sys/vm/nr_hugepages)");
  }
}
#else
void bench_placement(const bm_env_t *env) {
  (void)env;
  bm_row_text("huge-page rows", 0, "",
              "skipped: Neutrino cannot be asked for large pages (placement.h)");
}
#endif
