/*
 * bench_method.h - the measuring method of `wrtp bench`, shared by every
 * bench file (bench.c and the rows other parts add in bench_*.c).
 *
 * The method, in short: a contender and its peer run in interleaved trials
 * (>= 15 each, order alternating), each trial a fixed duration (1 s by default)
 * or a fixed amount of work; a row reports the median and the interquartile
 * range (IQR) of the trials, and a ratio is the ratio of the two medians
 * with a spread taken from the per-trial (paired) ratios' quartiles.
 * Threads start together on a barrier and count their own operations, so an
 * unfair lock cannot finish one thread's work before the next starts.
 * While a row is measured the CPU time the rest of the machine took is read
 * from /proc/stat (Linux); a target whose window saw others take more than
 * BM_BUSY_LIMIT of one CPU is printed "not judged: machine busy", never
 * met or MISSED.
 * May include: POSIX (pthread, time), the C library.
 */
#ifndef WRTP_BENCH_METHOD_H
#define WRTP_BENCH_METHOD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BM_MAX_TRIALS 64u
#define BM_MAX_THREADS 8u
/* Others' CPU time during a measurement, in CPUs (1.0 = one CPU busy all the
 * time), above which no verdict is printed: BM_BUSY_LIMIT unless changed
 * with `wrtp bench --busy-limit X` (bm_busy_limit). */
#define BM_BUSY_LIMIT 0.10
extern double bm_busy_limit;

/* Set by `wrtp bench --quick` (fewer, shorter trials: a smoke run whose
 * figures are never judged). */
extern bool bm_quick;
/* --trial-ms: the duration of each timed trial in ns; 0: the default. */
extern uint64_t bm_trial_ns_set;
/* Errors seen while measuring (the command exits 2 if any). */
extern int bm_errors;

uint64_t bm_now_ns(void);
/* Trials per contender (15; --quick 5) and the fixed duration of a timed
 * trial (1 s; --quick 50 ms; --trial-ms sets it). */
unsigned bm_trials(void);
uint64_t bm_trial_ns(void);

/* --- statistics --------------------------------------------------------- */
typedef struct {
  double median, q1, q3; /* quartiles by linear interpolation */
} bm_stats_t;
bm_stats_t bm_stats(const double *v, unsigned n);
/* Percentile (0..100) of n values, interpolated; sorts v in place. */
double bm_percentile(double *v, size_t n, double pct);

/* --- the machine's load ----------------------------------------------------- */
/* A measuring window: CPU time the whole machine used (from /proc/stat)
 * minus what this process used (CLOCK_PROCESS_CPUTIME_ID). */
typedef struct {
  uint64_t t0_ns, busy0_ns, self0_ns;
  double others_cpus; /* after bm_load_end: average CPUs taken by others; <0: unknown */
} bm_load_t;
void bm_load_begin(bm_load_t *l);
void bm_load_end(bm_load_t *l);

/* --- interleaved trials --------------------------------------------------------- */
/* One trial of a contender: returns its figure (a rate or a time). */
typedef double (*bm_trial_fn)(void *ctx);
typedef struct {
  bm_trial_fn fn; /* NULL: skipped (e.g. a peer library not installed) */
  void *ctx;
  double v[BM_MAX_TRIALS];
  unsigned n;
  bm_stats_t s;
} bm_contender_t;
/* Runs `trials` rounds; each round runs every contender once, in an order
 * that alternates between rounds (forwards, then backwards), so drift in the
 * machine falls on all alike. Fills each contender's v, n and s; the window's
 * load (when load != NULL) covers all rounds. */
void bm_interleave(bm_contender_t *c, size_t n, unsigned trials, bm_load_t *load);

typedef struct {
  double ratio;  /* median(a) / median(b) */
  double lo, hi; /* first and third quartile of the paired a[i] / b[i] */
} bm_ratio_t;
bm_ratio_t bm_ratio(const bm_contender_t *a, const bm_contender_t *b);

/* --- threads on a barrier ----------------------------------------------------------- */
/* Body of a timed threaded trial: loops until *stop, counting its operations
 * in *ops (a plain counter owned by the thread, read after it returns). */
typedef void (*bm_body_fn)(void *ctx, unsigned idx, const atomic_bool *stop,
                           uint64_t *ops);
typedef struct {
  uint64_t ops[BM_MAX_THREADS];
  uint64_t elapsed_ns;   /* barrier release to stop */
  uint64_t total_ops;
  double worst_share;    /* min ops[i] / (total / n): 1.0 is perfectly fair */
  long vcsw[BM_MAX_THREADS]; /* voluntary context switches (sleeps) per thread */
  uint64_t cpu_ns[BM_MAX_THREADS]; /* CPU time each thread's body took */
  /* min cpu_ns[i] / mean: how evenly the threads got CPU time (spinning
   * included), beside worst_share's split of the operations. */
  double worst_cpu_share;
} bm_run_t;
/* Starts n threads (pinned to CPU cpu[i] when cpu != NULL and cpu[i] >= 0),
 * releases them together from a barrier, stops them after duration_ns.
 * Returns 0, or -1 if a thread could not be created (counted in bm_errors). */
int bm_run_threads(unsigned n, const int *cpu, bm_body_fn body, void *ctx,
                   uint64_t duration_ns, bm_run_t *out);
/* Pins the calling thread to one CPU (Linux); false where not possible. */
bool bm_pin_self(int cpu);
unsigned bm_cpus(void);

/* --- cycles ----------------------------------------------------------------------- */
/* Nanoseconds per core clock cycle, measured now with a dependent chain of
 * 1-cycle adds (x86-64, aarch64); 0 where not known. */
double bm_ns_per_cycle(void);

/* --- rows and targets ---------------------------------------------------------------- */
void bm_progress(const char *what);
/* The table: a row of a figure (median with IQR) and optionally a ratio with
 * its paired spread. */
void bm_header(void);
void bm_row(const char *what, bm_stats_t s, const char *unit, const char *vs,
            const bm_ratio_t *r);
/* A row with a plain figure and free text. */
void bm_row_text(const char *what, double value, const char *unit, const char *text);
/* A target, judged at the end from value vs limit, or "not judged" when the
 * load window says the machine was busy (load may be NULL: judged). */
void bm_target(const char *text, double value, bool at_most, double limit,
               const bm_load_t *load);
/* Prints the targets; returns the number printed. */
unsigned bm_print_targets(void);
void bm_error(const char *what, const char *why);

/* --- sections ------------------------------------------------------------------------ */
/* What every section gets: the futexes built in (NULL where not), each free
 * for the section to use and left at any value. */
struct wrt_futex;
typedef struct {
  struct wrt_futex *linux_futex;
  struct wrt_futex *qnx_futex; /* the QNX backend (on the Neutrino host model off QNX) */
  const char *qnx_tag;         /* "qnx" on QNX, "qnx model" elsewhere */
} bm_env_t;
/* A section of `wrtp bench` (e.g. bench_wait.c defines one): prints its rows
 * with bm_row and its targets with bm_target. Registered by one line in
 * bench.c's section table. */
typedef void (*bm_section_fn)(const bm_env_t *env);

#endif
