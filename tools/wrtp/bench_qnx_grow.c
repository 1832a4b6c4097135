/*
 * bench_qnx_grow.c - `wrtp bench qnxgrow` (issue 24 item 4): the QNX
 * allocator's eager grow (an object grown with F_ALLOCSP, then mprotect;
 * qnx_object_commit.c) against the Linux allocator's grow, like for like:
 * each trial is 256 grows of one Wasm page from 1 MiB committed, each new
 * page's every OS page written once, so both end holding the same memory.
 * Also: the QNX lazy mode doing the same (what the eager mode used to do:
 * mprotect, then a write per 4 KiB page), and, outside the timed trials,
 * the faults taken inside grow itself (getrusage minor faults) and the
 * model's F_ALLOCSP calls per grow. Off QNX the QNX rows run on the
 * Neutrino host model, whose F_ALLOCSP sizes and fallocate()s a host memfd.
 * May include: the public headers, bench_method.h, the model's test
 * controls (nto_sim_shm.h, off QNX only), POSIX (getrusage).
 */
#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_method.h"
#include "wrt/memory.h"

void bench_qnx_grow(const bm_env_t *env);

#if defined(__linux__) && (defined(WRTP_HAVE_QNX_MODEL) || defined(__QNXNTO__))
#include "nto_sim_shm.h"
#include "wrt/linux_memory.h"
#include "wrt/qnx_memory.h"

#define QG_PAGE ((size_t)WRT_WASM_PAGE_SIZE)
#define QG_START 16u /* 1 MiB */
#define QG_GROWS 256u

typedef enum { QG_LINUX, QG_QNX_EAGER, QG_QNX_LAZY } qg_kind;

typedef struct {
  qg_kind kind;
  _Alignas(64) unsigned char storage[4096];
} qg_ctx;

static wrt_page_allocator_t *qg_make(qg_ctx *c) {
  if (c->kind == QG_LINUX) {
    wrt_linux_allocator_config_t lc = wrt_linux_allocator_config_default();
    lc.guard_pages = true;
    return wrt_linux_allocator_init((void *)c->storage, &lc) == WRT_OK
               ? wrt_linux_allocator_base((void *)c->storage)
               : NULL;
  }
  wrt_qnx_allocator_config_t qc = wrt_qnx_allocator_config_default();
  qc.guard_pages = true;
  qc.lazy = c->kind == QG_QNX_LAZY;
  return wrt_qnx_allocator_init((void *)c->storage, &qc) == WRT_OK
             ? wrt_qnx_allocator_base((void *)c->storage)
             : NULL;
}

static void qg_destroy(qg_ctx *c) {
  if (c->kind == QG_LINUX)
    wrt_linux_allocator_destroy((void *)c->storage);
  else
    wrt_qnx_allocator_destroy((void *)c->storage);
}

/* 256 grows of one page, every OS page of each written once: ms. With
 * faults != NULL, untimed: minor faults taken inside the grows only. */
static double qg_run(qg_ctx *c, long *faults) {
  wrt_page_allocator_t *a = qg_make(c);
  uint8_t *base;
  size_t size;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  double ms = 0;
  if (a == NULL ||
      wrt_page_allocator_allocate(a, QG_START, QG_START + QG_GROWS, &base, &size) != WRT_OK) {
    bm_error("qnxgrow", "allocate failed");
    if (a != NULL)
      qg_destroy(c);
    return 0;
  }
  long in_grow = 0;
  uint64_t t0 = bm_now_ns();
  for (uint32_t i = 0; i < QG_GROWS; i++) {
    struct rusage r0, r1;
    if (faults != NULL)
      (void)getrusage(RUSAGE_SELF, &r0);
    if (wrt_page_allocator_grow(a, QG_START + i, 1, &base, &size) != WRT_OK) {
      bm_error("qnxgrow", "grow failed");
      break;
    }
    if (faults != NULL) {
      (void)getrusage(RUSAGE_SELF, &r1);
      in_grow += r1.ru_minflt - r0.ru_minflt;
    }
    volatile uint8_t *np = base + (size_t)(QG_START + i) * QG_PAGE;
    for (size_t off = 0; off < QG_PAGE; off += os_page)
      np[off] = 1;
  }
  ms = (double)(bm_now_ns() - t0) / 1e6;
  qg_destroy(c);
  if (faults != NULL)
    *faults = in_grow;
  return ms;
}

static double qg_trial(void *p) { return qg_run(p, NULL); }

void bench_qnx_grow(const bm_env_t *env) {
  static qg_ctx ctx[3] = {{QG_LINUX, {0}}, {QG_QNX_EAGER, {0}}, {QG_QNX_LAZY, {0}}};
  char what[128];
  bm_progress("qnxgrow: 256 x (grow 1 page + write each OS page), linux vs qnx eager / lazy");
  bm_contender_t c[3] = {{qg_trial, &ctx[0], {0}, 0, {0, 0, 0}},
                         {qg_trial, &ctx[1], {0}, 0, {0, 0, 0}},
                         {qg_trial, &ctx[2], {0}, 0, {0, 0, 0}}};
  bm_load_t load;
  bm_interleave(c, 3, bm_trials(), &load);
  bm_row("256 x (grow 1 page + write each OS page) (linux)", c[0].s, "ms", NULL, NULL);
  bm_ratio_t re = bm_ratio(&c[1], &c[0]);
  (void)snprintf(what, sizeof what, "256 x (grow + write each OS page) (%s, eager)", env->qnx_tag);
  bm_row(what, c[1].s, "ms", "eager / linux", &re);
  bm_ratio_t rl = bm_ratio(&c[2], &c[0]);
  (void)snprintf(what, sizeof what, "256 x (grow + write each OS page) (%s, lazy)", env->qnx_tag);
  bm_row(what, c[2].s, "ms", "lazy / linux", &rl);
  /* Counts, untimed: faults inside grow, F_ALLOCSP calls per grow. */
  long f_eager = 0, f_lazy = 0;
  nto_sim_shm_reset();
  (void)qg_run(&ctx[1], &f_eager);
  double alloc_per_grow = (double)nto_sim_shm_calls(NTO_SIM_SHM_ALLOCSP) / (double)(QG_GROWS + 1u);
  (void)qg_run(&ctx[2], &f_lazy);
  bm_row_text("qnxgrow: page faults inside grow per grow (eager)", (double)f_eager / QG_GROWS,
              "faults", "getrusage minor faults around each grow call");
  bm_row_text("qnxgrow: F_ALLOCSP calls per grow (eager; + 1 mprotect)", alloc_per_grow, "calls",
              "model counter; the allocate's own call included");
  bm_target("qnxgrow: QNX eager grow+write (host model) <= 1.2x the linux path", re.ratio, true,
            1.2, &load);
}
#else
void bench_qnx_grow(const bm_env_t *env) {
  (void)env;
  bm_row_text("qnxgrow: needs the Linux backend and the QNX backend (Neutrino host model)", 0, "",
              "");
}
#endif
