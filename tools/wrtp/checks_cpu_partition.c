/*
 * checks_cpu_partition.c - `wrtp selftest` checks of CPU partitions
 * (CPU-0xx) and the OS-enforced memory limit (LIM-0xx), docs/requirements.md.
 * Each runs on every backend built in: the Linux cgroup backend natively,
 * src/qnx's APS backend on the Neutrino host model (on QNX: the real
 * kernel). Where the host refuses (no privilege, no controller, no APS
 * module, SDP 8.0) the check SKIPs with the reason, never passes silently.
 * May include: POSIX, the public headers, the model's controls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include "selftest.h"
#include "wrt/cpu_partition.h"
#include "wrt/memory_limit.h"
#if defined(__linux__)
#include "wrt/linux_memory.h"
#endif
#if defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#define ST_HAVE_QNX_CPU 1
#include "wrt/qnx_memory.h"
#endif
#if defined(WRTP_HAVE_QNX_MODEL)
#include <nto_sim_aps.h>
#include <sys/neutrino.h>
#if _NTO_VERSION < 800
#include <sys/sched_aps.h>
#define ST_HAVE_APS_HEADER 1
#endif
#endif

/* --- the backends ---------------------------------------------------------- */
typedef struct st_cpu_backend {
  const char *name;
  bool model;        /* the Neutrino host model (its controls may be used) */
  bool linux_cgroup; /* the Linux backend (cgroups, no budget pool) */
  wrt_status (*create)(wrt_cpu_partition_t *, const wrt_cpu_partition_config_t *);
  wrt_status (*join)(wrt_cpu_partition_t *, int32_t);
  wrt_status (*leave)(wrt_cpu_partition_t *, int32_t);
  wrt_status (*query)(const wrt_cpu_partition_t *, wrt_cpu_partition_info_t *);
  wrt_status (*destroy)(wrt_cpu_partition_t *);
  wrt_status (*limit_apply)(wrt_memory_limit_t *, const wrt_memory_limit_config_t *);
  wrt_status (*limit_release)(wrt_memory_limit_t *);
} st_cpu_backend;

#if defined(__linux__)
static const st_cpu_backend linux_cpu = {
    "linux cgroup/rlimit", false, true, wrt_linux_cpu_partition_create, wrt_linux_cpu_partition_join,
    wrt_linux_cpu_partition_leave, wrt_linux_cpu_partition_query,
    wrt_linux_cpu_partition_destroy, wrt_linux_memory_limit_apply,
    wrt_linux_memory_limit_release};
#endif
#if defined(ST_HAVE_QNX_CPU)
static const st_cpu_backend qnx_cpu = {
#if defined(__QNXNTO__)
    "qnx APS/rlimit", false, false,
#else
    "qnx APS/rlimit (model)", true, false,
#endif
    wrt_qnx_cpu_partition_create, wrt_qnx_cpu_partition_join, wrt_qnx_cpu_partition_leave,
    wrt_qnx_cpu_partition_query, wrt_qnx_cpu_partition_destroy, wrt_qnx_memory_limit_apply,
    wrt_qnx_memory_limit_release};
#endif

const void *const st_cpu_backends[] = {
#if defined(__linux__)
    &linux_cpu,
#endif
#if defined(ST_HAVE_QNX_CPU)
    &qnx_cpu,
#endif
    NULL};
const size_t st_cpu_backend_count = sizeof st_cpu_backends / sizeof st_cpu_backends[0] - 1u;
const char *st_cpu_backend_name(const void *b) { return ((const st_cpu_backend *)b)->name; }

/* The model starts without APS (as an image without [module=aps]): load it. */
static void prepare(const st_cpu_backend *b) {
#if defined(WRTP_HAVE_QNX_MODEL)
  if (b->model) {
    nto_sim_aps_reset();
    nto_sim_aps_set_loaded(true);
  }
#else
  (void)b;
#endif
}

static void name_for(char *out, size_t cap, const char *stem) {
  snprintf(out, cap, "%s%d", stem, (int)getpid() % 100000);
}

/* Creates, or SKIPs with the host's reason. */
static void create_or_skip(const st_cpu_backend *b, wrt_cpu_partition_t *p, const char *name,
                           uint32_t budget) {
  wrt_cpu_partition_config_t c = {.name = name, .budget_percent = budget};
  wrt_status st = b->create(p, &c);
  if (st == WRT_E_PERMISSION || st == WRT_E_UNSUPPORTED) {
    static char why[200];
    snprintf(why, sizeof why, "host refuses a CPU partition: %s (errno %d)%s",
             wrt_status_str(st), wrt_cpu_partition_os_error(p),
             !b->linux_cgroup && st == WRT_E_UNSUPPORTED
                 ? ": APS not in the image ([module=aps]), or SDP 8.0 (no <sys/sched_aps.h>)"
                 : "");
    st_skip(why);
  }
  ST_REQUIRE_ST(st, WRT_OK);
}

static void cpu_lifecycle(const void *backend) {
  const st_cpu_backend *b = backend;
  prepare(b);
  char name[16];
  name_for(name, sizeof name, "wrtst");
  wrt_cpu_partition_t p;
  memset(&p, 0, sizeof p);
  create_or_skip(b, &p, name, 30);
  wrt_cpu_partition_info_t info;
  ST_REQUIRE_ST(b->query(&p, &info), WRT_OK);
  ST_REQUIRE(info.budget_percent == 30u);
  ST_REQUIRE_ST(b->join(&p, 0), WRT_OK);
  if (b->linux_cgroup) {
    /* A group with a thread in it cannot go (EBUSY): nothing changes. */
    ST_REQUIRE_ST(b->destroy(&p), WRT_E_STATE);
    ST_REQUIRE(p.live);
  }
  ST_REQUIRE_ST(b->leave(&p, 0), WRT_OK);
  wrt_cpu_partition_t dup;
  memset(&dup, 0, sizeof dup);
  wrt_cpu_partition_config_t c = {.name = name, .budget_percent = 10};
  ST_REQUIRE_ST(b->create(&dup, &c), WRT_E_STATE);
  char path[WRT_CPU_PARTITION_PATH_MAX];
  strcpy(path, p.path);
  ST_REQUIRE_ST(b->destroy(&p), WRT_OK);
  ST_REQUIRE(!p.live);
  struct stat sb;
  /* Linux: the group is gone; QNX keeps the partition (no delete command). */
  ST_REQUIRE(path[0] == '\0' || stat(path, &sb) != 0);
}

static void cpu_permission(const void *backend) {
  const st_cpu_backend *b = backend;
  prepare(b);
  char name[16];
  name_for(name, sizeof name, "wrtsp");
  wrt_cpu_partition_t p;
  memset(&p, 0, sizeof p);
  wrt_cpu_partition_config_t c = {.name = name, .budget_percent = 20};
#if defined(ST_HAVE_APS_HEADER)
  if (b->model) {
    /* A privileged caller demands PROCMGR_AID_APS_ROOT for creating
     * (SCHED_APS_SEC_ROOT_MAKES_PARTITIONS); then a caller without it. */
    create_or_skip(b, &p, name, 20);
    unsigned n = nto_sim_aps_partitions();
    sched_aps_security_parms sec;
    APS_INIT_DATA(&sec);
    sec.sec_flags = SCHED_APS_SEC_ROOT_MAKES_PARTITIONS;
    ST_REQUIRE(SchedCtl(SCHED_APS_ADD_SECURITY, &sec, sizeof sec) == 0);
    nto_sim_aps_set_privileged(false);
    memset(&p, 0, sizeof p);
    name_for(name, sizeof name, "wrtsq");
    ST_REQUIRE_ST(wrt_qnx_cpu_partition_create(&p, &c), WRT_E_PERMISSION);
    ST_REQUIRE(wrt_cpu_partition_os_error(&p) == EACCES);
    ST_REQUIRE(nto_sim_aps_partitions() == n);
    return;
  }
#endif
  if (!b->linux_cgroup) {
    create_or_skip(b, &p, name, 20); /* no APS: skips with the reason */
    (void)b->destroy(&p);
    /* Real QNX: security flags only a restart clears; not set by a test. */
    st_skip("refusal not provoked on a real kernel: SCHED_APS_ADD_SECURITY flags last until "
            "restart");
  }
  if (geteuid() != 0) {
    /* Already unprivileged: the plain create must say so. */
    wrt_status st = b->create(&p, &c);
    if (st == WRT_E_UNSUPPORTED)
      st_skip("no cpu controller mounted");
    ST_REQUIRE_ST(st, WRT_E_PERMISSION);
    return;
  }
  /* Root: give it up (this check runs in its own child) and try. */
  if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
    st_skip("cannot drop privilege to test the refusal");
  wrt_status st = b->create(&p, &c);
  if (st == WRT_E_UNSUPPORTED)
    st_skip("no cpu controller mounted");
  ST_REQUIRE_ST(st, WRT_E_PERMISSION);
  ST_REQUIRE(!p.live);
}

static void cpu_budget_exhausted(const void *backend) {
  const st_cpu_backend *b = backend;
  if (b->linux_cgroup)
    st_skip("cgroup weights are relative (cpu.shares / cpu.weight): there is no budget "
            "pool to exhaust on Linux");
  prepare(b);
  wrt_cpu_partition_t p, q;
  memset(&p, 0, sizeof p);
  memset(&q, 0, sizeof q);
  create_or_skip(b, &p, "wrtbig", 90);
  wrt_cpu_partition_config_t c = {.name = "wrtmore", .budget_percent = 20};
  ST_REQUIRE_ST(b->create(&q, &c), WRT_E_LIMIT);
  ST_REQUIRE(wrt_cpu_partition_os_error(&q) == EDQUOT);
  ST_REQUIRE(!q.live);
}

/* --- budgets under contention ------------------------------------------------ */
#if defined(__linux__)
typedef struct {
  wrt_cpu_partition_t *p;
  int cpu;
  int n;
  uint64_t start_ns, until_ns;
  uint64_t cpu_ns;
  atomic_int *ready;
  int join_status;
} spin_arg;

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *spin(void *varg) {
  spin_arg *a = varg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET((size_t)a->cpu, &set);
  (void)sched_setaffinity(0, sizeof set, &set);
  a->join_status = (int)wrt_linux_cpu_partition_join(a->p, 0);
  atomic_fetch_add(a->ready, 1);
  /* Both joined before the window opens; both spin in it. */
  while (atomic_load(a->ready) < a->n || st_now_ns() < a->start_ns) {
  }
  uint64_t c0 = thread_cpu_ns();
  while (st_now_ns() < a->until_ns) {
  }
  a->cpu_ns = thread_cpu_ns() - c0;
  (void)wrt_linux_cpu_partition_leave(a->p, 0);
  return NULL;
}

/* Runs n spinning threads (partition parts[i]) on one CPU for ms. */
static void run_spinners(wrt_cpu_partition_t *parts, unsigned n, uint64_t ms, double *share) {
  spin_arg a[2];
  pthread_t t[2];
  atomic_int ready = 0;
  uint64_t t0 = st_now_ns() + 50000000u;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  for (unsigned i = 0; i < n; i++) {
    a[i] = (spin_arg){.p = &parts[i], .cpu = (int)(ncpu > 0 ? ncpu - 1 : 0), .n = (int)n,
                      .start_ns = t0, .until_ns = t0 + ms * 1000000u, .ready = &ready};
    ST_REQUIRE(pthread_create(&t[i], NULL, spin, &a[i]) == 0);
  }
  for (unsigned i = 0; i < n; i++)
    pthread_join(t[i], NULL);
  for (unsigned i = 0; i < n; i++) {
    ST_REQUIRE(a[i].join_status == (int)WRT_OK);
    share[i] = 100.0 * (double)a[i].cpu_ns / (double)(ms * 1000000u);
  }
}
#endif

static void cpu_budgets_enforced(const void *backend) {
  const st_cpu_backend *b = backend;
  prepare(b);
  wrt_cpu_partition_t parts[2];
  memset(parts, 0, sizeof parts);
  char n20[16], n80[16];
  name_for(n20, sizeof n20, "wrts20_");
  name_for(n80, sizeof n80, "wrts80_");
  create_or_skip(b, &parts[0], n20, 20);
  wrt_cpu_partition_config_t c = {.name = n80, .budget_percent = 80};
  ST_REQUIRE_ST(b->create(&parts[1], &c), WRT_OK);
#if defined(WRTP_HAVE_QNX_MODEL)
  if (b->model) {
    /* The small one at the higher priority: its budget must bound it. */
    ST_REQUIRE(nto_sim_aps_set_load(parts[0].id, true, 20) == 0);
    ST_REQUIRE(nto_sim_aps_set_load(parts[1].id, true, 10) == 0);
    nto_sim_aps_advance(1000);
    ST_REQUIRE(nto_sim_aps_window_ticks(parts[0].id) == 20u);
    ST_REQUIRE(nto_sim_aps_window_ticks(parts[1].id) == 80u);
    ST_REQUIRE(nto_sim_aps_set_load(parts[1].id, false, 10) == 0);
    nto_sim_aps_advance(1000);
    ST_REQUIRE(nto_sim_aps_window_ticks(parts[0].id) == 100u);
    return;
  }
#endif
#if defined(__linux__)
  double share[2];
  run_spinners(parts, 2, 1000, share);
  double pair = share[0] + share[1];
  double rel20 = 100.0 * share[0] / pair;
  if (rel20 < 17.0 || rel20 > 23.0)
    st_fail(__FILE__, __LINE__, "20%% partition got %.1f%% of the pair's CPU (want 20 +- 3; "
            "shares of the CPU %.1f / %.1f)", rel20, share[0], share[1]);
  run_spinners(parts, 1, 500, share);
  if (share[0] < 90.0)
    st_fail(__FILE__, __LINE__, "20%% partition alone got %.1f%% of its CPU (want >= 90: "
            "guaranteed minimum, idle time borrowed)", share[0]);
  ST_REQUIRE_ST(b->destroy(&parts[0]), WRT_OK);
  ST_REQUIRE_ST(b->destroy(&parts[1]), WRT_OK);
#else
  st_skip("the budget check needs the model's scheduler or Linux threads");
#endif
}

/* --- memory limit ----------------------------------------------------------- */
static void lim_address_space(const void *backend) {
  const st_cpu_backend *b = backend;
  if (st_under_sanitizer())
    st_skip("a sanitizer's runtime makes address-space limits meaningless");
  size_t used = st_mapped_bytes();
  if (used == SIZE_MAX)
    st_skip("cannot read this process's mappings");
  wrt_memory_limit_t l;
  memset(&l, 0, sizeof l);
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE,
                                 .bytes = (uint64_t)used + (256u << 20)};
  struct rlimit before;
  ST_REQUIRE(getrlimit(RLIMIT_AS, &before) == 0);
  ST_REQUIRE_ST(b->limit_apply(&l, &c), WRT_OK);
  /* The probe: qemu-user accepts setrlimit(RLIMIT_AS) and applies nothing
   * (getrlimit still reads the old limit); a real kernel reads back ours. */
  struct rlimit applied;
  ST_REQUIRE(getrlimit(RLIMIT_AS, &applied) == 0);
  if (applied.rlim_cur != (rlim_t)c.bytes) {
    (void)b->limit_release(&l);
    st_skip("cannot lower RLIMIT_AS here (accepted but not applied, as under qemu-user)");
  }
  uint8_t *base = NULL;
  size_t size = 0;
  wrt_page_allocator_t *pa = NULL;
  int *last_os_error = NULL;
#if defined(__linux__)
  static wrt_linux_allocator_t la;
  wrt_linux_allocator_config_t lc = wrt_linux_allocator_config_default();
  if (b->linux_cgroup) {
    ST_REQUIRE_ST(wrt_linux_allocator_init(&la, &lc), WRT_OK);
    pa = wrt_linux_allocator_base(&la);
    last_os_error = &la.last_os_error;
  }
#endif
#if defined(ST_HAVE_QNX_CPU)
  static wrt_qnx_allocator_t qa;
  wrt_qnx_allocator_config_t qc = wrt_qnx_allocator_config_default();
  if (!b->linux_cgroup) {
    ST_REQUIRE_ST(wrt_qnx_allocator_init(&qa, &qc), WRT_OK);
    pa = wrt_qnx_allocator_base(&qa);
    last_os_error = &qa.last_os_error;
  }
#endif
  ST_REQUIRE(pa != NULL);
  /* RESERVE of a 4 GiB maximum: over the limit. */
  ST_REQUIRE_ST(wrt_page_allocator_allocate(pa, 1, 65536, &base, &size), WRT_E_NO_MEMORY);
  ST_REQUIRE(*last_os_error == ENOMEM);
  ST_REQUIRE(base == NULL);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(pa, 1, 16, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
  ST_REQUIRE_ST(b->limit_release(&l), WRT_OK);
  struct rlimit after;
  ST_REQUIRE(getrlimit(RLIMIT_AS, &after) == 0);
  ST_REQUIRE(after.rlim_cur == before.rlim_cur);
}

static void lim_cgroup(const void *backend) {
  const st_cpu_backend *b = backend;
  char name[16];
  name_for(name, sizeof name, "wrtsm");
  wrt_memory_limit_t l;
  memset(&l, 0, sizeof l);
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_CGROUP, .bytes = 1024u << 20,
                                 .name = name};
  wrt_status st = b->limit_apply(&l, &c);
  if (!b->linux_cgroup) {
    ST_REQUIRE_ST(st, WRT_E_UNSUPPORTED);
    st_skip("QNX has no memory cgroup; RLIMIT_FREEMEM and procmgr_value_notify do not refuse "
            "one process's allocation (include/wrt/memory_limit.h)");
  }
  if (st == WRT_E_PERMISSION || st == WRT_E_UNSUPPORTED) {
    static char why[160];
    snprintf(why, sizeof why, "host refuses a memory cgroup: %s (errno %d)", wrt_status_str(st),
             wrt_memory_limit_os_error(&l));
    st_skip(why);
  }
  ST_REQUIRE_ST(st, WRT_OK);
  struct stat sb;
  ST_REQUIRE(stat(l.path, &sb) == 0);
  char path[WRT_MEMORY_LIMIT_PATH_MAX];
  strcpy(path, l.path);
  ST_REQUIRE_ST(b->limit_release(&l), WRT_OK);
  ST_REQUIRE(stat(path, &sb) != 0);
}

const st_check st_cpu_partition_checks[] = {
    {"CPU-001", "partition: create, join, query budget, leave, release; no group left",
     ST_ON_CPU_PARTITION, cpu_lifecycle},
    {"CPU-002", "create without privilege -> PERMISSION, nothing made", ST_ON_CPU_PARTITION,
     cpu_permission},
    {"CPU-003", "budget beyond what is left -> LIMIT (APS EDQUOT)", ST_ON_CPU_PARTITION,
     cpu_budget_exhausted},
    {"CPU-004", "20/80 on one CPU: 20 +- 3 under contention, >= 90 alone",
     ST_ON_CPU_PARTITION, cpu_budgets_enforced},
    {"LIM-001", "address-space limit: NO_MEMORY, ENOMEM kept, old limit restored",
     ST_ON_CPU_PARTITION, lim_address_space},
    {"LIM-002", "memory cgroup: made with the limit, holds us, removed at release",
     ST_ON_CPU_PARTITION, lim_cgroup},
};
const size_t st_cpu_partition_check_count =
    sizeof st_cpu_partition_checks / sizeof st_cpu_partition_checks[0];
