/*
 * bench_pool.c - `wrtp bench pool` (issue 25): the slot pool (wrt/pool.h).
 *   cycles   wasm2c instantiate/grow/free through the adapter with a pool,
 *            vs stock wabt (Linux) and vs the adapter's non-pooled cycle
 *            (QNX backend on the host model); mmap + munmap per cycle;
 *            the kernel floor of a guard-page cycle as a peer
 *            (bench_pool_floor.c); the bounds-check cycles with a
 *            software_bounds pool (bench_pool_bounds.c); all in
 *            bench_wasm2c.c, bench_wasm2c_pool.
 *   latency  acquire + release of a slot, 1, 2 and 8 threads, each thread
 *            100,000 timed pairs per trial: p99.9 over the median of all
 *            threads' pairs, per trial; the row is the median of the trials.
 *            Target <= 3. The pairs do not commit memory (that is the
 *            cycle rows): this is the free list alone.
 * May include: bench_method.h, the public headers, POSIX, the C library,
 * <x86intrin.h> on x86.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_method.h"
#include "wrt/pool.h"

void bench_pool(const bm_env_t *env);
void bench_wasm2c_pool(const bm_env_t *env); /* bench_wasm2c.c */

/* The pairs take ~30 ns: clock_gettime (itself ~20 ns, in ~10 ns steps
 * on the machines measured) would be most of what is timed. On x86 the
 * time-stamp counter, fenced so that the pair cannot move across it, is
 * read instead; the row is a ratio, so its unit cancels out. */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static uint64_t stamp(void) {
  _mm_lfence();
  uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}
#else
static uint64_t stamp(void) {
  return bm_now_ns();
}
#endif

#define PAIRS 100000u
#define POOL_SLOTS 16u

typedef struct {
  wrt_pool_t *pool;
  unsigned threads;
  double *ns[BM_MAX_THREADS]; /* PAIRS per thread */
  _Atomic unsigned errors;
} lat_ctx_t;

/* One thread's PAIRS timed acquire + release (stop is not looked at: a
 * fixed amount of work). */
static void lat_body(void *p, unsigned idx, const atomic_bool *stop, uint64_t *ops) {
  lat_ctx_t *c = p;
  (void)stop;
  double *out = c->ns[idx];
  for (unsigned i = 0; i < PAIRS; i++) {
    wrt_page_allocator_t *a = NULL;
    uint64_t t0 = stamp();
    wrt_status st = wrt_pool_acquire(c->pool, &a);
    if (st == WRT_OK) {
      st = wrt_pool_release(c->pool, a);
    }
    uint64_t t1 = stamp();
    if (st != WRT_OK) {
      atomic_fetch_add(&c->errors, 1u);
    }
    out[i] = (double)(t1 - t0);
  }
  *ops = PAIRS;
}

static double lat_trial(void *p) {
  lat_ctx_t *c = p;
  bm_run_t run;
  if (bm_run_threads(c->threads, NULL, lat_body, c, 0, &run) != 0) {
    return 0;
  }
  size_t n = (size_t)c->threads * PAIRS;
  double *all = malloc(n * sizeof *all);
  if (all == NULL) {
    atomic_fetch_add(&c->errors, 1u);
    return 0;
  }
  for (unsigned t = 0; t < c->threads; t++) {
    memcpy(all + (size_t)t * PAIRS, c->ns[t], PAIRS * sizeof *all);
  }
  double p999 = bm_percentile(all, n, 99.9);
  double med = bm_percentile(all, n, 50);
  free(all);
  return med > 0 ? p999 / med : 0;
}

void bench_pool(const bm_env_t *env) {
  bench_wasm2c_pool(env);

  static wrt_pool_t pool;
  static wrt_pool_slot_t slots[POOL_SLOTS];
  wrt_pool_config_t cfg = wrt_pool_config_default();
  cfg.slot_pages = 1;
  /* The free list is OS-free; the native backend's pool is measured (a
   * QNX build has only wrt_qnx_pool_init). */
#if defined(__linux__)
  wrt_status init = wrt_linux_pool_init(&pool, slots, POOL_SLOTS, &cfg);
#else
  wrt_status init = wrt_qnx_pool_init(&pool, slots, POOL_SLOTS, &cfg);
#endif
  if (init != WRT_OK) {
    bm_error("pool", "wrt_pool init failed");
    return;
  }
  static const unsigned counts[3] = {1, 2, 8};
  for (int k = 0; k < 3; k++) {
    lat_ctx_t c;
    memset(&c, 0, sizeof c);
    c.pool = &pool;
    c.threads = counts[k];
    bool ok = true;
    for (unsigned t = 0; t < c.threads; t++) {
      c.ns[t] = malloc(PAIRS * sizeof(double));
      ok = ok && c.ns[t] != NULL;
      if (c.ns[t] != NULL) {
        /* faulted in now, not between the first trial's pairs */
        memset(c.ns[t], 0, PAIRS * sizeof(double));
      }
    }
    char what[128];
    (void)snprintf(what, sizeof what, "pool: acquire+release, %u thread%s, %u pairs each",
                   c.threads, c.threads == 1 ? "" : "s", PAIRS);
    if (ok) {
      bm_progress(what);
      bm_contender_t lc[1] = {{lat_trial, &c, {0}, 0, {0, 0, 0}}};
      bm_load_t load;
      unsigned trials = bm_trials() > 9u ? 9u : bm_trials();
      bm_interleave(lc, 1, trials, &load);
      (void)snprintf(what, sizeof what, "pool: acquire+release p99.9 / median, %u thread%s",
                     c.threads, c.threads == 1 ? "" : "s");
      bm_row(what, lc[0].s, "x", NULL, NULL);
      (void)snprintf(what, sizeof what,
                     "pool: acquire+release p99.9 <= 3x median, %u thread%s, 100,000 pairs",
                     c.threads, c.threads == 1 ? "" : "s");
      bm_target(what, lc[0].s.median, true, 3.0, &load);
    } else {
      bm_error("pool", "out of memory");
    }
    if (atomic_load(&c.errors) != 0u) {
      bm_error("pool", "an acquire or release failed");
    }
    for (unsigned t = 0; t < c.threads; t++) {
      free(c.ns[t]);
    }
  }
  if (wrt_pool_destroy(&pool) != WRT_OK) {
    bm_error("pool", "wrt_pool_destroy failed");
  }
}
