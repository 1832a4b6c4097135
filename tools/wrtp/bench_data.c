/*
 * bench_data.c - the `wrtp bench` sections about memory and data: grow
 * (+1 page, timed with the first touch of the new page), CRC-32C against
 * ISA-L and the instruction ceiling (crc32, plus VPCLMULQDQ folding where
 * wrt_crc32c uses it), and the 64-byte atomic write
 * against the sum of its parts. Method: bench_method.h.
 * May include: the public headers, crc32c_impl.h (the zeros operator's
 * name only), bench_method.h, POSIX (dlfcn, mman).
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
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_method.h"
#include "wrt/atomic_memory.h"
#include "wrt/crc32c.h"
#include "wrt/memory.h"
#include "wrt/mutex.h"
#if defined(__linux__)
#include "wrt/linux_memory.h"
#endif
#if defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#define HAVE_QNX 1
#include "wrt/qnx_memory.h"
#endif

#define MIB ((size_t)1 << 20)
#define PAGE ((size_t)WRT_WASM_PAGE_SIZE)

void bench_grow(const bm_env_t *env);
void bench_crc(const bm_env_t *env);
void bench_atomic(const bm_env_t *env);

/* --- grow ---------------------------------------------------------------------------- */

typedef wrt_page_allocator_t *(*make_alloc)(void *storage, wrt_growth_strategy g);

#if defined(__linux__)
static wrt_page_allocator_t *make_linux(void *storage, wrt_growth_strategy g) {
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.growth = g;
  c.guard_pages = true;
  if (wrt_linux_allocator_init(storage, &c) != WRT_OK)
    return NULL;
  return wrt_linux_allocator_base(storage);
}
static void destroy_linux(void *storage) { wrt_linux_allocator_destroy(storage); }
#endif
#if defined(HAVE_QNX)
static wrt_page_allocator_t *make_qnx(void *storage, wrt_growth_strategy g) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.growth = g;
  c.guard_pages = true;
  if (wrt_qnx_allocator_init(storage, &c) != WRT_OK)
    return NULL;
  return wrt_qnx_allocator_base(storage);
}
static void destroy_qnx(void *storage) { wrt_qnx_allocator_destroy(storage); }
#endif

typedef struct {
  _Alignas(64) unsigned char storage[4096];
  void (*destroy)(void *);
  wrt_page_allocator_t *a;
  uint8_t *base;
  size_t size;
  uint32_t pages, grows, max_grows;
} grow_ctx;

/* One grow of +1 page and the first touch of every OS page of it: us. */
static double grow_trial(void *p) {
  grow_ctx *g = p;
  if (g->a == NULL || g->grows >= g->max_grows)
    return 0;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  uint64_t t0 = bm_now_ns();
  wrt_status st = wrt_page_allocator_grow(g->a, g->pages + g->grows, 1, &g->base, &g->size);
  if (st == WRT_OK) {
    volatile uint8_t *np = g->base + (size_t)(g->pages + g->grows) * PAGE;
    for (size_t off = 0; off < PAGE; off += os_page)
      np[off] = 1;
  }
  double us = (double)(bm_now_ns() - t0) / 1000.0;
  if (st != WRT_OK) {
    bm_error("grow", wrt_status_str(st));
    return 0;
  }
  g->grows++;
  return us;
}

static bool grow_open(grow_ctx *g, make_alloc mk, void (*destroy)(void *),
                      wrt_growth_strategy gs, size_t committed, uint32_t grows) {
  g->destroy = destroy;
  g->pages = (uint32_t)(committed / PAGE);
  g->grows = 0;
  g->max_grows = grows;
  g->a = mk(g->storage, gs);
  if (g->a == NULL) {
    bm_error("allocator init", "failed");
    return false;
  }
  wrt_status st = wrt_page_allocator_allocate(g->a, g->pages, g->pages + grows + 1u, &g->base, &g->size);
  if (st != WRT_OK) {
    bm_error("allocate", wrt_status_str(st));
    destroy(g->storage);
    g->a = NULL;
    return false;
  }
  memset(g->base, 1, g->size); /* all committed bytes touched */
  return true;
}

static void grow_rows(const char *label, make_alloc mk, void (*destroy)(void *), bool targets) {
  static grow_ctx ctx[2];
  const size_t sizes[3] = {MIB, 64 * MIB, 1024 * MIB};
  const char *sz[3] = {"1 MiB", "64 MiB", "1 GiB"};
  double res[3] = {0, 0, 0}, exact[3] = {0, 0, 0};
  bm_load_t load[3];
  char what[128];
  int nsizes = bm_quick ? 2 : 3;
  for (int i = 0; i < nsizes; i++) {
    /* EXACT copies everything it holds: 4 s a grow at 1 GiB here, so fewer
     * trials there (stated in the row). */
    unsigned trials = i == 2 ? 3u : (i == 1 ? 7u : bm_trials());
    snprintf(what, sizeof what, "grow +1 page at %s committed (%s)", sz[i], label);
    bm_progress(what);
    bool ok0 = grow_open(&ctx[0], mk, destroy, WRT_GROW_RESERVE, sizes[i], trials);
    bool ok1 = grow_open(&ctx[1], mk, destroy, WRT_GROW_EXACT, sizes[i], trials);
    bm_contender_t c[2] = {{ok0 ? grow_trial : NULL, &ctx[0], {0}, 0, {0, 0, 0}},
                           {ok1 ? grow_trial : NULL, &ctx[1], {0}, 0, {0, 0, 0}}};
    bm_interleave(c, 2, trials, &load[i]);
    if (ok0)
      destroy(ctx[0].storage);
    if (ok1)
      destroy(ctx[1].storage);
    res[i] = c[0].s.median;
    exact[i] = c[1].s.median;
    bm_ratio_t r = bm_ratio(&c[1], &c[0]);
    snprintf(what, sizeof what, "grow+touch +1 page, %s committed, RESERVE (%s)", sz[i], label);
    bm_row(what, c[0].s, "us", NULL, NULL);
    snprintf(what, sizeof what, "grow+touch +1 page, %s committed, EXACT (%s)%s", sz[i], label,
             trials < 15u ? (trials == 3u ? " [3 trials]" : " [7 trials]") : "");
    bm_row(what, c[1].s, "us", "EXACT / RESERVE", &r);
  }
  if (targets && nsizes == 3 && res[0] > 0 && res[2] > 0) {
    bm_target("RESERVE grow+touch at 1 GiB <= 2x its time at 1 MiB", res[2] / res[0], true, 2.0,
              &load[2]);
    bm_target("RESERVE grow+touch at 1 GiB >= 100x faster than EXACT", exact[2] / res[2], false,
              100.0, &load[2]);
  }
}

void bench_grow(const bm_env_t *env) {
  (void)env;
#if defined(__linux__)
  grow_rows("linux", make_linux, destroy_linux, true);
#endif
#if defined(HAVE_QNX)
#if defined(__linux__)
  grow_rows(env->qnx_tag, make_qnx, destroy_qnx, false);
#else
  grow_rows(env->qnx_tag, make_qnx, destroy_qnx, true);
#endif
#endif
}

/* --- CRC-32C ------------------------------------------------------------------------- */

typedef unsigned int (*isal_crc_fn)(unsigned char *, int, unsigned int);

typedef struct {
  bool isal;
  isal_crc_fn icrc;
  bool inverted;
  uint8_t *buf;
  size_t len;
  unsigned reps;
  volatile uint32_t sink;
} crc_ctx;

/* GB/s (bytes per ns) over reps passes. */
static double crc_trial(void *p) {
  crc_ctx *c = p;
  uint32_t s = 0;
  uint64_t t0 = bm_now_ns();
  for (unsigned r = 0; r < c->reps; r++) {
    if (!c->isal)
      s ^= wrt_crc32c(s & 1u, c->buf, c->len);
    else if (c->inverted)
      s ^= ~c->icrc(c->buf, (int)c->len, ~(s & 1u));
    else
      s ^= c->icrc(c->buf, (int)c->len, s & 1u);
  }
  uint64_t ns = bm_now_ns() - t0;
  c->sink ^= s;
  return (double)c->len * c->reps / (double)(ns != 0u ? ns : 1u);
}

#if defined(__x86_64__)
#include <nmmintrin.h>
/* The crc32 instruction's own ceiling on this CPU, in bytes per ns: twelve
 * independent chains from registers (no memory), enough to cover a latency
 * of 3 at up to 4 per cycle. The "8 B/cycle" assumes one per cycle;
 * some cores issue more, so the bench prints both. */
__attribute__((target("sse4.2"))) static double crc32_insn_gbps(void) {
  const unsigned iters = 200000u;
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    uint64_t c0 = 1, c1 = 2, c2 = 3, c3 = 4, c4 = 5, c5 = 6, c6 = 7, c7 = 8, c8 = 9, c9 = 10,
             c10 = 11, c11 = 12;
    uint64_t t0 = bm_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
      c0 = _mm_crc32_u64(c0, i);
      c1 = _mm_crc32_u64(c1, i);
      c2 = _mm_crc32_u64(c2, i);
      c3 = _mm_crc32_u64(c3, i);
      c4 = _mm_crc32_u64(c4, i);
      c5 = _mm_crc32_u64(c5, i);
      c6 = _mm_crc32_u64(c6, i);
      c7 = _mm_crc32_u64(c7, i);
      c8 = _mm_crc32_u64(c8, i);
      c9 = _mm_crc32_u64(c9, i);
      c10 = _mm_crc32_u64(c10, i);
      c11 = _mm_crc32_u64(c11, i);
    }
    double gbps = (double)iters * 96.0 / (double)(bm_now_ns() - t0);
    volatile uint64_t sink = c0 ^ c1 ^ c2 ^ c3 ^ c4 ^ c5 ^ c6 ^ c7 ^ c8 ^ c9 ^ c10 ^ c11;
    (void)sink;
    if (gbps > best)
      best = gbps;
  }
  return best;
}

#include <immintrin.h>
/* The folding half's own ceiling, in bytes per ns: eight independent
 * 512-bit accumulators folded from registers (two VPCLMULQDQ and one
 * three-way XOR per 64 bytes, no loads), enough to cover the multiply's
 * latency. wrt_crc32c's AVX-512 path runs this beside the crc32 streams,
 * on other execution units, so its ceiling is the sum of the two. */
__attribute__((target("avx512f,vpclmulqdq"))) static double fold_insn_gbps(void) {
  const unsigned iters = 100000u;
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    const __m512i k = _mm512_set1_epi64(0x9e4addf8);
    __m512i d = _mm512_set1_epi64(rep);
    __m512i x[8];
    for (int j = 0; j < 8; j++)
      x[j] = _mm512_set1_epi64(j + 1);
    uint64_t t0 = bm_now_ns();
    for (unsigned i = 0; i < iters; i++) {
#pragma GCC unroll 8
      for (int j = 0; j < 8; j++)
        x[j] = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x[j], k, 0x00),
                                         _mm512_clmulepi64_epi128(x[j], k, 0x11), d, 0x96);
    }
    double gbps = (double)iters * 512.0 / (double)(bm_now_ns() - t0);
    __m512i acc = x[0];
    for (int j = 1; j < 8; j++)
      acc = _mm512_xor_si512(acc, x[j]);
    volatile long long sink = _mm_cvtsi128_si64(_mm512_castsi512_si128(acc));
    (void)sink;
    if (gbps > best)
      best = gbps;
  }
  return best;
}
#endif

void bench_crc(const bm_env_t *env) {
  (void)env;
  const size_t cold = bm_quick ? 64 * MIB : 256 * MIB;
  uint8_t *buf = mmap(NULL, cold, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) {
    bm_error("mmap", "no memory for the CRC buffer");
    return;
  }
  for (size_t i = 0; i < cold; i += 8) {
    uint64_t v = (uint64_t)i * 0x9E3779B97F4A7C15u;
    memcpy(buf + i, &v, 8);
  }
  isal_crc_fn icrc = NULL;
  void *il = dlopen("libisal.so.2", RTLD_NOW);
  if (il != NULL)
    *(void **)&icrc = dlsym(il, "crc32_iscsi");
  /* ISA-L's crc32_iscsi takes and returns the raw register (no inversion):
   * wrt_crc32c(crc, ...) == ~crc32_iscsi(..., ~crc). Checked, not assumed. */
  bool inverted = false;
  if (icrc != NULL) {
    uint32_t ref = wrt_crc32c(0, buf, 4096);
    if ((uint32_t)~icrc(buf, 4096, 0xFFFFFFFFu) == ref)
      inverted = true;
    else if (icrc(buf, 4096, 0) != ref) {
      bm_error("ISA-L crc32_iscsi", "gives neither convention's CRC; not compared");
      icrc = NULL;
    }
  }
  double nspc = bm_ns_per_cycle();
  double ceiling_bpc = 8.0; /* one crc32 a cycle, as documented for most cores */
  double insn = 0;           /* measured ceiling (crc32, + folding if used), same units */
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2") && nspc > 0) {
    insn = crc32_insn_gbps() * nspc;
    char t[128];
    snprintf(t, sizeof t, "vs the nominal 8 B/cycle: %.2fx", insn / 8.0);
    bm_row_text("crc32 instruction alone, 12 chains from registers", insn, "B/cyc", t);
    if (strcmp(wrt_crc32c_implementation(), "avx512+vpclmulqdq") == 0) {
      double fold = fold_insn_gbps() * nspc;
      snprintf(t, sizeof t, "ceiling with crc32 beside it: %.2f B/cyc", insn + fold);
      bm_row_text("VPCLMULQDQ folding alone, 8 chains from registers", fold, "B/cyc", t);
      insn += fold;
    }
  }
#endif
  struct {
    const char *name;
    size_t len;
    size_t offset; /* where in buf: the cold pass is the whole buffer */
  } sizes[4] = {{"64 B", 64, 0}, {"4 KiB", 4096, 0}, {"1 MiB warm", MIB, 0},
                {"cold (from DRAM)", cold, 0}};
  char what[128], text[128];
  for (int i = 0; i < 4; i++) {
    snprintf(what, sizeof what, "CRC-32C %s vs ISA-L", sizes[i].name);
    bm_progress(what);
    static crc_ctx cc[2];
    size_t len = sizes[i].len;
    /* ~32 MiB of work per trial; the cold row is one pass over a buffer
     * larger than the caches, so every line comes from DRAM. */
    unsigned reps = len >= cold ? 1u : (unsigned)((32 * MIB) / len);
    for (int k = 0; k < 2; k++) {
      cc[k] = (crc_ctx){k == 1, icrc, inverted, buf + sizes[i].offset, len, reps, 0};
    }
    bm_contender_t c[2] = {{crc_trial, &cc[0], {0}, 0, {0, 0, 0}},
                           {icrc != NULL ? crc_trial : NULL, &cc[1], {0}, 0, {0, 0, 0}}};
    bm_load_t load;
    bm_interleave(c, 2, bm_trials(), &load);
    for (int k = 0; k < 2; k++) {
      if (c[k].fn == NULL)
        continue;
      bm_ratio_t r = bm_ratio(&c[0], &c[1]);
      bm_stats_t bpc = c[k].s;
      if (nspc > 0) {
        bpc.median *= nspc;
        bpc.q1 *= nspc;
        bpc.q3 *= nspc;
      }
      snprintf(what, sizeof what, "%s, %s %s", k == 0 ? "wrt_crc32c" : "ISA-L crc32_iscsi",
               sizes[i].name, k == 0 ? wrt_crc32c_implementation() : "(same CRC)");
      if (nspc > 0) {
        bm_row(what, bpc, "B/cyc", k == 0 && icrc != NULL ? "wrt vs ISA-L" : NULL, &r);
        snprintf(text, sizeof text, "%.0f%% of 8 B/cyc, %.0f%% of measured ceiling; %.2f GB/s",
                 100.0 * bpc.median / ceiling_bpc, insn > 0 ? 100.0 * bpc.median / insn : 0.0,
                 c[k].s.median);
        bm_row_text("  share of the one-crc32-a-cycle ceiling", bpc.median / ceiling_bpc, "", text);
      } else {
        bm_row(what, c[k].s, "GB/s", k == 0 && icrc != NULL ? "wrt vs ISA-L" : NULL, &r);
      }
      if (k == 0 && icrc != NULL) {
        snprintf(text, sizeof text, "CRC-32C %s >= 0.9x ISA-L crc32_iscsi", sizes[i].name);
        bm_target(text, r.ratio, false, 0.9, &load);
        /* issue 25: at least ISA-L's speed at every size, on the CPU the
         * header names */
        snprintf(text, sizeof text, "CRC-32C %s >= 1.0x ISA-L crc32_iscsi (this CPU)",
                 sizes[i].name);
        bm_target(text, r.ratio, false, 1.0, &load);
      }
    }
  }
  if (icrc == NULL)
    bm_row_text("ISA-L crc32_iscsi: libisal.so.2 not found", 0, "", "install libisal2");
  munmap(buf, cold);
}

/* --- atomic writes -------------------------------------------------------------------- */

typedef enum { AW_WRITE, AW_LOCK, AW_CRC, AW_COPY } aw_kind;
typedef struct {
  aw_kind kind;
  wrt_provider_t *p;
  wrt_mutex_t *m;
  uint8_t *mem;
  size_t span;
  volatile uint32_t sink;
} aw_ctx;

/* ns per operation, at the same pseudo-random 64-byte-aligned offsets in
 * every trial and contender (within the first `span` bytes). */
static double aw_trial(void *p) {
  aw_ctx *c = p;
  unsigned ops = bm_quick ? 50000u : 200000u;
  uint8_t src[64];
  uint32_t x = 1, s = 0;
  memset(src, 7, sizeof src);
  uint64_t t0 = bm_now_ns();
  for (unsigned k = 0; k < ops; k++) {
    x = x * 1664525u + 1013904223u;
    size_t off = ((size_t)x % (c->span - 64)) & ~(size_t)63;
    src[0] = (uint8_t)k;
    switch (c->kind) {
    case AW_WRITE:
      if (wrt_atomic_write(c->p, off, src, 64) != WRT_OK)
        bm_errors++;
      break;
    case AW_LOCK:
      (void)wrt_mutex_lock(c->m);
      (void)wrt_mutex_unlock(c->m);
      break;
    case AW_CRC:
      s ^= wrt_crc32c(0, c->mem + off, 64);
      break;
    default:
      memcpy(c->mem + off, src, 64);
      atomic_signal_fence(memory_order_seq_cst); /* keep every store */
      break;
    }
  }
  uint64_t ns = bm_now_ns() - t0;
  c->sink ^= s;
  return (double)ns / ops;
}

static bool provider_open(wrt_provider_t *p, wrt_mutex_t *m, size_t size, uint8_t **mem,
                          uint32_t **sums) {
  size_t blocks = wrt_provider_blocks_for(size, WRT_PROVIDER_DEFAULT_BLOCK_SIZE);
  *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *sums = mmap(NULL, blocks * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (*mem == MAP_FAILED || *sums == MAP_FAILED) {
    bm_error("mmap", "no memory for the provider");
    return false;
  }
  memset(*mem, 0x5a, size);
  wrt_status st = wrt_provider_init(p, *mem, size, *sums, blocks, WRT_PROVIDER_DEFAULT_BLOCK_SIZE, m);
  if (st != WRT_OK) {
    bm_error("provider init", wrt_status_str(st));
    return false;
  }
  return true;
}

void bench_atomic(const bm_env_t *env) {
  wrt_futex_t *f = env->linux_futex != NULL ? env->linux_futex : env->qnx_futex;
  static wrt_mutex_t m;
  static wrt_provider_t p1, p64;
  uint8_t *mem1, *mem64;
  uint32_t *s1, *s64;
  bm_progress("64-byte atomic write vs the sum of its parts");
  if (wrt_mutex_init(&m, f) != WRT_OK) {
    bm_error("mutex init", "failed");
    return;
  }
  if (!provider_open(&p1, &m, MIB, &mem1, &s1) || !provider_open(&p64, &m, 64 * MIB, &mem64, &s64))
    return;
  static aw_ctx ac[5];
  ac[0] = (aw_ctx){AW_WRITE, &p1, &m, mem1, MIB, 0};
  ac[1] = (aw_ctx){AW_LOCK, &p1, &m, mem1, MIB, 0};
  ac[2] = (aw_ctx){AW_CRC, &p1, &m, mem1, MIB, 0};
  ac[3] = (aw_ctx){AW_COPY, &p1, &m, mem1, MIB, 0};
  ac[4] = (aw_ctx){AW_WRITE, &p64, &m, mem64, MIB, 0}; /* same offsets, 64 MiB region */
  bm_contender_t c[5];
  for (int k = 0; k < 5; k++)
    c[k] = (bm_contender_t){aw_trial, &ac[k], {0}, 0, {0, 0, 0}};
  bm_load_t load;
  bm_interleave(c, 5, bm_trials(), &load);
  /* The sum of the parts, per trial (paired), and its median. */
  bm_contender_t sum = {NULL, NULL, {0}, c[1].n, {0, 0, 0}};
  for (unsigned t = 0; t < sum.n; t++)
    sum.v[t] = c[1].v[t] + c[2].v[t] + c[3].v[t];
  sum.s = bm_stats(sum.v, sum.n);
  bm_ratio_t r = bm_ratio(&c[0], &sum);
  bm_row("part: wrt_mutex lock+unlock, uncontended", c[1].s, "ns", NULL, NULL);
  bm_row("part: wrt_crc32c of 64 bytes (region offsets < 1 MiB)", c[2].s, "ns", NULL, NULL);
  bm_row("part: 64-byte memcpy (same offsets)", c[3].s, "ns", NULL, NULL);
  bm_row("sum of the parts (per trial)", sum.s, "ns", NULL, NULL);
  bm_row("64-byte wrt_atomic_write, 1 MiB provider", c[0].s, "ns", "vs sum of parts", &r);
  bm_target("64-byte atomic write <= 2x the sum of its parts", r.ratio, true, 2.0, &load);
  bm_ratio_t r64 = bm_ratio(&c[4], &c[0]);
  bm_row("64-byte wrt_atomic_write, 64 MiB provider, same offsets", c[4].s, "ns", "vs 1 MiB", &r64);
  bm_target("64-byte atomic write at 64 MiB <= 1.5x 1 MiB (same offsets)", r64.ratio, true, 1.5,
            &load);
  munmap(mem1, MIB);
  munmap(mem64, 64 * MIB);
  munmap(s1, wrt_provider_blocks_for(MIB, WRT_PROVIDER_DEFAULT_BLOCK_SIZE) * 4);
  munmap(s64, wrt_provider_blocks_for(64 * MIB, WRT_PROVIDER_DEFAULT_BLOCK_SIZE) * 4);
}
