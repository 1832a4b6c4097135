/*
 * bench_wasm2c.c - `wrtp bench wasm2c`: wasm2c-compiled code (growloop.wat)
 * on the wrt-platform adapter vs wabt's stock wasm-rt-impl.c, both with
 * guard-page bounds checks, in one program (the stock runtime's symbols are
 * renamed at build time; adapters/wasm2c/bench).
 *   grow loop  one instance, 16,384 single-page memory.grow with a store into
 *              each new page, free: adapter (Linux; QNX on the host model,
 *              informational) vs stock. Target <= 1.1x.
 *   cycles     10,000 x (instantiate, grow one page and store, free), each
 *              trial in a child process, because the stock runtime leaves
 *              ~8 GiB of address space mapped per cycle (its free unmaps only
 *              the accessible bytes of its 8 GiB reservation): the parent's
 *              would run out. Target <= 1.5x; the adapter's VmSize must be
 *              back at its starting value after the 10,000 cycles.
 * May include: bench_method.h, w2c_bench.h, POSIX (fork, pipe, wait).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_method.h"
#if defined(__linux__)
#include "bench_pool_bounds.h"
#include "bench_pool_floor.h"
#endif

void bench_wasm2c(const bm_env_t *env);
void bench_wasm2c_pool(const bm_env_t *env); /* `wrtp bench pool` (bench_pool.c) */
bool bm_syscount_available(void);              /* bench_syscount.c */
void bm_syscount(uint64_t *mmaps, uint64_t *munmaps);

#if defined(WRTP_HAVE_WASM2C)
#include "w2c_bench.h"
#include "wrt/pool.h"
#include "wrt/wasm2c.h"

#define GROWS 16384u
#define CYCLES 10000u

/* The _POOL kinds: the adapter with every memory in a slot of a pool
 * (wrt_w2c_set_pool), made in the child before its warm-up cycles. */
typedef enum { RT_STOCK, RT_WRT_LINUX, RT_WRT_QNX, RT_WRT_LINUX_POOL, RT_WRT_QNX_POOL } runtime_t;

typedef struct {
  runtime_t rt;
  long vm_delta_kib; /* the adapter's worst VmSize change over a trial's cycles */
  int failed;
  size_t keep_resident; /* _POOL kinds: the pool's keep_resident */
  double calls_per_cycle; /* the worst trial's mmap + munmap per timed cycle */
} w2c_ctx_t;

static int rt_backend(runtime_t rt) {
  return rt == RT_WRT_LINUX || rt == RT_WRT_LINUX_POOL ? 1 : 2;
}

static long vm_size_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  if (f == NULL) {
    return -1;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmSize: %ld kB", &kib) == 1) {
      break;
    }
  }
  fclose(f);
  return kib;
}

static double grow_trial(void *p) {
  w2c_ctx_t *c = p;
  uint64_t t0 = bm_now_ns();
  long pages;
  if (c->rt == RT_STOCK) {
    pages = w2c_bench_stock_grow(GROWS);
  } else {
    (void)w2c_bench_wrt_init(c->rt == RT_WRT_LINUX ? 1 : 2);
    pages = w2c_bench_wrt_grow(GROWS);
  }
  double ms = (double)(bm_now_ns() - t0) / 1e6;
  if (pages != (long)GROWS) {
    c->failed++;
  }
  return ms;
}

/* In a child: the cycles' time in ms and the VmSize change in KiB. */
typedef struct {
  double ms;
  long delta_kib;
  int ok;
  uint64_t calls; /* mmap + munmap during the timed cycles */
} cycle_result_t;

static double cycles_trial(void *p) {
  w2c_ctx_t *c = p;
  int fd[2];
  cycle_result_t r = {0, 0, 0, 0};
  if (pipe(fd) != 0) {
    c->failed++;
    return 0;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    int st;
    if (c->rt == RT_STOCK) {
      st = w2c_bench_stock_cycles(10); /* first-use allocations */
    } else {
      (void)w2c_bench_wrt_init(rt_backend(c->rt));
      if (c->rt == RT_WRT_LINUX_POOL || c->rt == RT_WRT_QNX_POOL) {
        struct wrt_pool *pool =
            wrt_w2c_pool_new((wrt_w2c_backend)rt_backend(c->rt), 4u, c->keep_resident);
        st = pool != NULL ? wrt_w2c_set_pool(pool) : -1;
      } else {
        st = wrt_w2c_set_pool(NULL);
      }
      if (st == 0) {
        st = w2c_bench_wrt_cycles(10);
      }
    }
    long before = vm_size_kib();
    uint64_t m0, u0, m1, u1;
    bm_syscount(&m0, &u0);
    uint64_t t0 = bm_now_ns();
    if (st == 0) {
      st = c->rt == RT_STOCK ? w2c_bench_stock_cycles(CYCLES) : w2c_bench_wrt_cycles(CYCLES);
    }
    r.ms = (double)(bm_now_ns() - t0) / 1e6;
    bm_syscount(&m1, &u1);
    r.calls = (m1 - m0) + (u1 - u0);
    r.delta_kib = vm_size_kib() - before;
    r.ok = st == 0 && (c->rt == RT_STOCK || w2c_bench_wrt_live() == 0);
    ssize_t w = write(fd[1], &r, sizeof r);
    _exit(w == (ssize_t)sizeof r ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = pid > 0 ? read(fd[0], &r, sizeof r) : -1;
  close(fd[0]);
  int status = 0;
  if (pid > 0) {
    (void)waitpid(pid, &status, 0);
  }
  if (got != (ssize_t)sizeof r || !r.ok) {
    c->failed++;
    return 0;
  }
  if (labs(r.delta_kib) > labs(c->vm_delta_kib)) {
    c->vm_delta_kib = r.delta_kib; /* the worst trial */
  }
  if ((double)r.calls / CYCLES > c->calls_per_cycle) {
    c->calls_per_cycle = (double)r.calls / CYCLES;
  }
  return r.ms;
}

void bench_wasm2c(const bm_env_t *env) {
  if (w2c_bench_stock_init() != 0 || w2c_bench_wrt_init(1) != 0) {
    bm_error("wasm2c", "runtime init failed");
    return;
  }
  w2c_ctx_t ctx[3] = {{RT_STOCK, 0, 0, 0, 0}, {RT_WRT_LINUX, 0, 0, 0, 0}, {RT_WRT_QNX, 0, 0, 0, 0}};
  bool have_qnx = w2c_bench_wrt_init(2) == 0;
  (void)w2c_bench_wrt_init(1);
  char what[96];

  bm_progress("wasm2c: 16,384 single-page grows, each new page touched");
  bm_contender_t g[2] = {{grow_trial, &ctx[0], {0}, 0, {0, 0, 0}},
                         {grow_trial, &ctx[1], {0}, 0, {0, 0, 0}}};
  bm_load_t load;
  bm_interleave(g, 2, bm_trials(), &load);
  bm_row("wasm2c grow loop 16,384 x 1 page + touch (stock wabt)", g[0].s, "ms", NULL, NULL);
  bm_ratio_t r = bm_ratio(&g[1], &g[0]);
  bm_row("wasm2c grow loop 16,384 x 1 page + touch (adapter, linux)", g[1].s, "ms",
         "adapter / stock", &r);
  bm_target("wasm2c grow loop: adapter on linux <= 1.1x stock runtime", r.ratio, true, 1.1, &load);
  if (have_qnx) {
    /* Informational, 3 trials: the QNX allocator (not lazy) holds every
     * page it commits (an object grown with F_ALLOCSP, qnx_object_commit.c),
     * 1 GiB per trial on the host model. */
    bm_progress("wasm2c: the same grow loop on the QNX backend (host model), 3 trials");
    bm_contender_t q[2] = {{grow_trial, &ctx[0], {0}, 0, {0, 0, 0}},
                           {grow_trial, &ctx[2], {0}, 0, {0, 0, 0}}};
    bm_interleave(q, 2, 3, NULL);
    bm_ratio_t rq = bm_ratio(&q[1], &q[0]);
    (void)snprintf(what, sizeof what, "wasm2c grow loop (adapter, %s, pages committed at grow)",
                   env->qnx_tag);
    bm_row(what, q[1].s, "ms", "adapter / stock", &rq);
    /* Issue 24 item 4: the QNX eager grow against the Linux path, same
     * loop, interleaved (the Linux adapter commits lazily: its store takes
     * one 4 KiB page; the QNX one holds the whole 64 KiB at grow). */
    bm_progress("wasm2c: the grow loop, QNX backend (host model) vs the Linux backend");
    bm_contender_t ql[2] = {{grow_trial, &ctx[1], {0}, 0, {0, 0, 0}},
                            {grow_trial, &ctx[2], {0}, 0, {0, 0, 0}}};
    unsigned qt = bm_trials() > 9u ? 9u : bm_trials();
    bm_load_t lq;
    bm_interleave(ql, 2, qt, &lq);
    bm_ratio_t rl = bm_ratio(&ql[1], &ql[0]);
    (void)snprintf(what, sizeof what, "wasm2c grow loop (adapter, %s) vs linux", env->qnx_tag);
    bm_row(what, ql[1].s, "ms", "qnx / linux", &rl);
    /* No target here: the loop stores one byte per Wasm page, so the two
     * do not hold the same memory (16x more for QNX eager); the like-for-
     * like target is in `wrtp bench qnxgrow` (docs/evidence.md). */
    (void)lq;
  }

  bm_progress("wasm2c: 10,000 instantiate/grow/free cycles (a child process per trial)");
  bm_contender_t cy[2] = {{cycles_trial, &ctx[0], {0}, 0, {0, 0, 0}},
                          {cycles_trial, &ctx[1], {0}, 0, {0, 0, 0}}};
  unsigned trials = bm_trials() > 9u ? 9u : bm_trials();
  bm_load_t load2;
  bm_interleave(cy, 2, trials, &load2);
  bm_row("wasm2c 10,000 instantiate/grow/free cycles (stock wabt)", cy[0].s, "ms", NULL, NULL);
  bm_ratio_t rc = bm_ratio(&cy[1], &cy[0]);
  bm_row("wasm2c 10,000 instantiate/grow/free cycles (adapter, linux)", cy[1].s, "ms",
         "adapter / stock", &rc);
  bm_target("wasm2c 10,000 cycles: adapter on linux <= 1.5x stock runtime", rc.ratio, true, 1.5,
            &load2);
  (void)snprintf(what, sizeof what, "adapter's VmSize change (stock: %+.0f GiB)",
                 (double)ctx[0].vm_delta_kib / 1048576.0);
  bm_row_text("wasm2c 10,000 cycles: address space returned", (double)ctx[1].vm_delta_kib,
              "KiB", what);
  bm_target("wasm2c 10,000 cycles: adapter's address space back to start (KiB change)",
            (double)ctx[1].vm_delta_kib, true, 0.0, NULL);
  for (int i = 0; i < 3; i++) {
    if (ctx[i].failed != 0) {
      bm_error("wasm2c", i == 0 ? "a stock trial failed" : "an adapter trial failed");
    }
  }
}
/*
 * `wrtp bench pool`'s cycle rows (issue 25): the same 10,000-cycle child as
 * above, the adapter with a pool of 4 slots (the 32-bit guard layout, 65535
 * pages each) against wabt's stock runtime on Linux, and against the
 * adapter's own non-pooled cycle on the QNX backend over the host model.
 * Two pools: keep_resident 0 (every committed page decommitted at release)
 * and one Wasm page (the cycle's page zeroed in place). The mmap + munmap
 * calls of the timed cycles are counted (bench_syscount.c) and printed per
 * cycle, the stock runtime's too.
 */
void bench_wasm2c_pool(const bm_env_t *env) {
  if (w2c_bench_stock_init() != 0 || w2c_bench_wrt_init(1) != 0) {
    bm_error("pool", "runtime init failed");
    return;
  }
  bool have_qnx = w2c_bench_wrt_init(2) == 0;
  (void)w2c_bench_wrt_init(1);
  char what[128];
  w2c_ctx_t st = {RT_STOCK, 0, 0, 0, 0};
  w2c_ctx_t lp0 = {RT_WRT_LINUX_POOL, 0, 0, 0, 0};
  w2c_ctx_t lp1 = {RT_WRT_LINUX_POOL, 0, 0, WRT_WASM_PAGE_SIZE, 0};
  unsigned trials = bm_trials() > 9u ? 9u : bm_trials();
  bm_progress("pool: 10,000 wasm2c cycles, adapter with a pool vs stock (a child per trial)");
  /* Peers in the same trials: the kernel work alone that such a cycle
   * needs (bench_pool_floor.c), so that the target can be judged against
   * what this machine can do at all. */
#if defined(__linux__)
  bench_pool_floor_t fk = {true, CYCLES, 0}, f0 = {false, CYCLES, 0};
  enum { NCY = 5 };
#else
  enum { NCY = 3 };
#endif
  bm_contender_t cy[NCY] = {{cycles_trial, &st, {0}, 0, {0, 0, 0}},
                            {cycles_trial, &lp0, {0}, 0, {0, 0, 0}},
                            {cycles_trial, &lp1, {0}, 0, {0, 0, 0}},
#if defined(__linux__)
                            {bench_pool_floor_trial, &fk, {0}, 0, {0, 0, 0}},
                            {bench_pool_floor_trial, &f0, {0}, 0, {0, 0, 0}},
#endif
  };
  bm_load_t load;
  bm_interleave(cy, NCY, trials, &load);
  bm_row("pool: wasm2c 10,000 instantiate/grow/free cycles (stock wabt)", cy[0].s, "ms", NULL,
         NULL);
  bm_ratio_t r0 = bm_ratio(&cy[1], &cy[0]);
  bm_ratio_t r1 = bm_ratio(&cy[2], &cy[0]);
  bm_row("pool: the same, adapter + pool, linux, keep_resident 0", cy[1].s, "ms",
         "pooled / stock", &r0);
  bm_row("pool: the same, adapter + pool, linux, keep_resident 64 KiB", cy[2].s, "ms",
         "pooled / stock", &r1);
  bm_target("pool: wasm2c cycle, adapter + pool (keep 64 KiB) on linux <= 0.25x stock", r1.ratio,
            true, 0.25, &load);
#if defined(__linux__)
  bm_ratio_t rfk = bm_ratio(&cy[3], &cy[0]);
  bm_ratio_t rf0 = bm_ratio(&cy[4], &cy[0]);
  bm_row("pool: floor, the kernel work alone: 2 mprotect + store + memset 64 KiB", cy[3].s, "ms",
         "floor / stock", &rfk);
  bm_row("pool: floor, the kernel work alone: 2 mprotect + store + madvise", cy[4].s, "ms",
         "floor / stock", &rf0);
  bm_ratio_t rpf = bm_ratio(&cy[2], &cy[3]);
  bm_row("pool: the pooled cycle (keep 64 KiB) against its kernel floor", cy[2].s, "ms",
         "pooled / floor", &rpf);
  if (fk.failed != 0 || f0.failed != 0) {
    bm_error("pool", "a floor trial's system call failed");
  }
#endif
  if (bm_syscount_available()) {
    (void)snprintf(what, sizeof what, "stock: %.2f, keep 0: %.2f, keep 64 KiB: %.2f",
                   st.calls_per_cycle, lp0.calls_per_cycle, lp1.calls_per_cycle);
    bm_row_text("pool: mmap + munmap calls per cycle after init (worst trial)",
                lp0.calls_per_cycle > lp1.calls_per_cycle ? lp0.calls_per_cycle
                                                          : lp1.calls_per_cycle,
                "calls", what);
    bm_target("pool: mmap + munmap calls per pooled cycle after init (linux)",
              lp0.calls_per_cycle > lp1.calls_per_cycle ? lp0.calls_per_cycle
                                                        : lp1.calls_per_cycle,
              true, 0.0, NULL);
  } else {
    bm_row_text("pool: mmap + munmap calls per cycle: not counted on this OS", 0, "", "");
  }
#if defined(__linux__) && defined(WRTP_HAVE_W2C_CYCLES)
  /* Explicit bounds checks: the adapter's pool leaves committed pages
   * accessible (software_bounds), so its cycle may change no access at
   * all; wabt's stock runtime in that mode keeps memories on the C heap. */
  if (bench_pool_bounds_available()) {
    bench_pool_bounds_t bs = {"w2c_cycles_bounds_stock", CYCLES, 0, 0, 0, 0};
    bench_pool_bounds_t bp = {"w2c_cycles_bounds_wrt", CYCLES, 4, WRT_WASM_PAGE_SIZE, 0, 0};
    bench_pool_bounds_t bn = {"w2c_cycles_bounds_wrt", CYCLES, 0, 0, 0, 0};
    bm_progress("pool: 10,000 wasm2c cycles with explicit bounds checks (a program per trial)");
    bm_contender_t bc[3] = {{bench_pool_bounds_trial, &bs, {0}, 0, {0, 0, 0}},
                            {bench_pool_bounds_trial, &bp, {0}, 0, {0, 0, 0}},
                            {bench_pool_bounds_trial, &bn, {0}, 0, {0, 0, 0}}};
    bm_load_t loadb;
    bm_interleave(bc, 3, trials, &loadb);
    bm_row("pool: wasm2c 10,000 cycles, bounds checks (stock wabt: memory on the C heap)", bc[0].s,
           "ms", NULL, NULL);
    bm_ratio_t rbp = bm_ratio(&bc[1], &bc[0]);
    bm_ratio_t rbn = bm_ratio(&bc[2], &bc[0]);
    bm_row("pool: the same, adapter + pool (software_bounds, keep 64 KiB)", bc[1].s, "ms",
           "pooled / stock", &rbp);
    bm_row("pool: the same, adapter, no pool", bc[2].s, "ms", "adapter / stock", &rbn);
    (void)snprintf(what, sizeof what, "stock: %.2f, adapter no pool: %.2f", bs.calls_per_cycle,
                   bn.calls_per_cycle);
    bm_row_text("pool: mmap + munmap + mprotect per pooled bounds-check cycle", bp.calls_per_cycle,
                "calls", what);
    bm_target("pool: bounds-check wasm2c cycle, adapter + pool: no system call per cycle",
              bp.calls_per_cycle, true, 0.0, NULL);
    if (bs.failed != 0 || bp.failed != 0 || bn.failed != 0) {
      bm_error("pool", "a bounds-check cycle trial failed");
    }
  } else {
    bm_row_text("pool: bounds-check cycle programs not found beside wrtp", 0, "", "");
  }
#endif
  if (have_qnx) {
    w2c_ctx_t qn = {RT_WRT_QNX, 0, 0, 0, 0};
    w2c_ctx_t qp = {RT_WRT_QNX_POOL, 0, 0, WRT_WASM_PAGE_SIZE, 0};
    bm_progress("pool: 10,000 cycles on the QNX backend (host model), pooled vs not");
    bm_contender_t q[2] = {{cycles_trial, &qn, {0}, 0, {0, 0, 0}},
                           {cycles_trial, &qp, {0}, 0, {0, 0, 0}}};
    bm_load_t load2;
    bm_interleave(q, 2, trials, &load2);
    (void)snprintf(what, sizeof what, "pool: wasm2c 10,000 cycles (adapter, %s, no pool)",
                   env->qnx_tag);
    bm_row(what, q[0].s, "ms", NULL, NULL);
    bm_ratio_t rq = bm_ratio(&q[1], &q[0]);
    (void)snprintf(what, sizeof what, "pool: the same, adapter + pool (%s, keep 64 KiB)",
                   env->qnx_tag);
    bm_row(what, q[1].s, "ms", "pooled / not", &rq);
    (void)snprintf(what, sizeof what,
                   "pool: wasm2c cycle on the QNX backend (%s): pooled <= 0.5x not pooled",
                   env->qnx_tag);
    bm_target(what, rq.ratio, true, 0.5, &load2);
    if (bm_syscount_available()) {
      (void)snprintf(what, sizeof what, "%s; not pooled: %.2f", env->qnx_tag,
                     qn.calls_per_cycle);
      bm_row_text("pool: mmap + munmap calls per pooled cycle (QNX backend)", qp.calls_per_cycle,
                  "calls", what);
      bm_target("pool: mmap + munmap calls per pooled cycle after init (QNX backend, model)",
                qp.calls_per_cycle, true, 0.0, NULL);
    }
    if (qn.failed != 0 || qp.failed != 0) {
      bm_error("pool", "a QNX-backend trial failed");
    }
  }
  (void)wrt_w2c_set_pool(NULL);
  if (st.failed != 0 || lp0.failed != 0 || lp1.failed != 0) {
    bm_error("pool", "a cycle trial failed");
  }
}
#else
void bench_wasm2c_pool(const bm_env_t *env) {
  (void)env;
  bm_row_text("pool: wasm2c cycles not built (needs wabt)", 0, "", "");
}

void bench_wasm2c(const bm_env_t *env) {
  (void)env;
  bm_row_text("wasm2c: not built (needs wabt: wat2wasm, wasm2c, wasm-rt.h)", 0, "", "");
}
#endif
