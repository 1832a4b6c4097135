/*
 * qnx_cpu_partition.c - CPU partitions on QNX adaptive partitioning (APS):
 * SchedCtl() with the SCHED_APS_* commands; see include/wrt/cpu_partition.h
 * for the semantics and the rules the OS imposes.
 *
 * Real QNX code. Sources: <sys/sched_aps.h> of SDP 7.1 (Spitzbube/qnx-sdp
 * @ 8d745006, target/qnx7/usr/include/sys/sched_aps.h: the comment blocks of
 * SCHED_APS_CREATE_PARTITION, _LOOKUP, _QUERY_PARTITION, _JOIN_PARTITION,
 * _PARTITION_STATS, _QUERY_PARMS and the "returns" list of SchedCtl), the
 * QNX C Library Reference "SchedCtl(), SchedCtl_r()" and the 7.1 Adaptive
 * Partitioning User's Guide. SDP 8.0 ships no <sys/sched_aps.h> (see the
 * header): built for 8.0 (_NTO_VERSION >= 800), every call returns
 * WRT_E_UNSUPPORTED and nothing APS-specific is compiled.
 *
 * May include: <errno.h>, <string.h>, <sys/neutrino.h>, <sys/sched_aps.h>
 * (6.x and 7.x only) and wrt headers.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include "wrt/cpu_partition.h"

#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>

#include "cpu_partition_rules.h"

/* <sys/neutrino.h> defines _NTO_VERSION as the version * 100 (800 in the
 * SDP 8.0 header; 660 in SDP 6.6's, sys/neutrino.h:84). */
#if defined(_NTO_VERSION) && _NTO_VERSION < 800
#include <sys/sched_aps.h>
#define WRT_HAVE_APS 1
/* The 7.1 layout (critical_priority in sched_aps_create_parms,
 * dynamic_windowsize_cycles in sched_aps_partition_stats) versus QNX 6.4's
 * (neither member; the window is sched_aps_info.windowsize_cycles: vocho/
 * openqnx trunk/services/system/public/sys/sched_aps.h:128, :206-218,
 * :366-380). 6.4's header defines no macro that tells the layouts apart
 * (its commands are an enum), so the test is on _NTO_VERSION (641 in 6.4's
 * sys/neutrino.h:87, 660 in 6.6's :84, 710 in 7.1's). SDP 6.6 has 6.4's
 * window and stats members (unclassified-org/QNX-SDP, .../qnx6/usr/include/
 * sys/sched_aps.h:128, :373-385) and no critical_priority; 7.0's header
 * was not compared (it takes the 7.1 branch only if >= 710: the 6.x one). */
#if _NTO_VERSION >= 710
#define WRT_APS_71 1
#else
#define WRT_APS_71 0
#endif
/* SDP 6.6 put max_budget_percent into 6.4's reserved1 slot of
 * sched_aps_create_parms (same offset and size; unclassified-org/QNX-SDP,
 * trunk/opt/qnx660/target/qnx6/usr/include/sys/sched_aps.h:213; 7.1 keeps
 * it). It "only has effect if SCHED_APS_SCHEDPOL_LIMIT_CPU_USAGE is set",
 * and then limits the free time a partition may take beyond its budget
 * (:819-826): the 0 APS_INIT_DATA leaves there would cap a wrt partition at
 * its budget (at nothing for a 0 % one) on a system whose integrator turned
 * that policy on. wrt partitions are minima with no cap
 * (wrt/cpu_partition.h), so 100, the "no limit" the kernel reports while
 * the policy is off (:241, :822-823). Set where _NTO_VERSION >= 660 (6.6's
 * sys/neutrino.h:84 says 660; 6.4's 641 has no such member). */
#else
#define WRT_HAVE_APS 0
#endif

#if WRT_HAVE_APS

#define KIND_APS 3u

/* SchedCtl_r gives EOK or -errno without touching errno (thread-safe). */
static int aps_ctl(int cmd, void *data, size_t len) {
  int r = SchedCtl_r(cmd, data, len);
  return r < 0 ? -r : 0;
}

/* EINVAL from a call whose arguments we validated means the partition or
 * name is gone or APS refused a value (e.g. the averaging window rules):
 * report the OS's word. */
static wrt_status aps_status(int err) {
  return err == EINVAL || err == ENAMETOOLONG ? WRT_E_INVALID_ARG
                                               : wrt_cpu_partition_status_of(err);
}

static wrt_status fill_from(wrt_cpu_partition_t *p, int id, int *err) {
  sched_aps_partition_info q;
  APS_INIT_DATA(&q);
  q.id = (int16_t)id;
  *err = aps_ctl(SCHED_APS_QUERY_PARTITION, &q, sizeof q);
  if (*err != 0) {
    return aps_status(*err);
  }
  sched_aps_info parms;
  APS_INIT_DATA(&parms);
  *err = aps_ctl(SCHED_APS_QUERY_PARMS, &parms, sizeof parms);
  if (*err != 0) {
    return aps_status(*err);
  }
  p->id = id;
  p->parent_id = q.parent_id;
  p->budget_percent = q.budget_percent;
  p->critical_budget_ms = parms.cycles_per_ms == 0u
                              ? 0u
                              : (uint32_t)(q.critical_budget_cycles / parms.cycles_per_ms);
  /* Bounded: strnlen is POSIX 2008, undeclared by 6.4's <string.h> in
   * strict mode. */
  size_t n = 0;
  while (n < sizeof q.name - 1u && q.name[n] != '\0') {
    n++;
  }
  (void)memcpy(p->name, q.name, n);
  p->name[n] = '\0';
  return WRT_OK;
}

wrt_status wrt_qnx_cpu_partition_create(wrt_cpu_partition_t *p,
                                        const wrt_cpu_partition_config_t *cfg) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (p->live) {
    return WRT_E_STATE;
  }
  wrt_status st = wrt_cpu_partition_check_config(cfg);
  if (st != WRT_OK) {
    return st;
  }
  char name[WRT_CPU_PARTITION_NAME_MAX + 1u];
  (void)wrt_copy_str(name, sizeof name, cfg->name); /* checked: fits; SchedCtl takes a char * */
  sched_aps_create_parms c;
  APS_INIT_DATA(&c);
  c.name = name;
  c.budget_percent = (uint16_t)cfg->budget_percent;
  c.critical_budget_ms = (int16_t)cfg->critical_budget_ms;
  c.parent_id = -1;       /* from the calling thread's partition */
#if WRT_APS_71
  c.critical_priority = -1; /* no critical priority: keep the default */
#endif
#if _NTO_VERSION >= 660
  c.max_budget_percent = 100u; /* no cap under LIMIT_CPU_USAGE: see above */
#endif
  int err = aps_ctl(SCHED_APS_CREATE_PARTITION, &c, sizeof c);
  if (err != 0) {
    p->os_error = err;
    return aps_status(err);
  }
  /* The partition exists from here on and cannot be deleted: even if the
   * query below fails, p adopts it, so the caller keeps a handle (a failed
   * query is only reported by a later query). */
  wrt_cpu_partition_t tmp = *p;
  tmp.budget_percent = cfg->budget_percent;
  tmp.critical_budget_ms = cfg->critical_budget_ms;
  tmp.id = c.id;
  tmp.parent_id = -1;
  (void)wrt_copy_str(tmp.name, sizeof tmp.name, cfg->name);
  (void)fill_from(&tmp, c.id, &err);
  tmp.live = true;
  tmp.kind = (uint8_t)KIND_APS;
  tmp.os_error = 0;
  tmp.path[0] = '\0';
  *p = tmp;
  return WRT_OK;
}

wrt_status wrt_qnx_cpu_partition_open(wrt_cpu_partition_t *p, const char *name) {
  if (p == NULL || !wrt_cpu_partition_name_ok(name)) {
    return WRT_E_INVALID_ARG;
  }
  if (p->live) {
    return WRT_E_STATE;
  }
  char copy[WRT_CPU_PARTITION_NAME_MAX + 1u];
  (void)wrt_copy_str(copy, sizeof copy, name); /* checked: fits */
  sched_aps_lookup_parms l;
  APS_INIT_DATA(&l);
  l.name = copy;
  int err = aps_ctl(SCHED_APS_LOOKUP, &l, sizeof l);
  if (err == EINVAL) {
    return WRT_E_STATE; /* "Returns EINVAL if name not found" */
  }
  wrt_cpu_partition_t tmp = *p;
  wrt_status st = err != 0 ? aps_status(err) : fill_from(&tmp, l.id, &err);
  if (st != WRT_OK) {
    p->os_error = err;
    return st;
  }
  tmp.live = true;
  tmp.kind = (uint8_t)KIND_APS;
  tmp.os_error = 0;
  tmp.path[0] = '\0';
  *p = tmp;
  return WRT_OK;
}

static wrt_status join_to(wrt_cpu_partition_t *p, int id, int32_t tid) {
  if (tid < 0) {
    return WRT_E_INVALID_ARG; /* -1/-2 mean whole processes to APS */
  }
  sched_aps_join_parms j;
  APS_INIT_DATA(&j);
  j.id = (int16_t)id;
  j.pid = 0; /* our process */
  j.tid = tid;
  int err = aps_ctl(SCHED_APS_JOIN_PARTITION, &j, sizeof j);
  if (err != 0) {
    p->os_error = err;
    return aps_status(err);
  }
  return WRT_OK;
}

wrt_status wrt_qnx_cpu_partition_join(wrt_cpu_partition_t *p, int32_t tid) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!p->live) {
    return WRT_E_STATE;
  }
  return join_to(p, p->id, tid);
}

wrt_status wrt_qnx_cpu_partition_leave(wrt_cpu_partition_t *p, int32_t tid) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!p->live) {
    return WRT_E_STATE;
  }
  return join_to(p, p->parent_id < 0 ? APS_SYSTEM_PARTITION_ID : p->parent_id, tid);
}

wrt_status wrt_qnx_cpu_partition_query(const wrt_cpu_partition_t *p,
                                       wrt_cpu_partition_info_t *out) {
  if (p == NULL || out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!p->live) {
    return WRT_E_STATE;
  }
  wrt_cpu_partition_t fresh = *p;
  int err = 0;
  wrt_status st = fill_from(&fresh, p->id, &err);
  if (st != WRT_OK) {
    return st;
  }
  sched_aps_info parms;
  APS_INIT_DATA(&parms);
  err = aps_ctl(SCHED_APS_QUERY_PARMS, &parms, sizeof parms);
  sched_aps_partition_stats s;
  APS_INIT_DATA(&s);
  s.id = (int16_t)p->id;
  if (err == 0) {
    err = aps_ctl(SCHED_APS_PARTITION_STATS, &s, sizeof s);
  }
  if (err != 0) {
    return aps_status(err);
  }
  wrt_cpu_partition_info_t info = {.budget_percent = fresh.budget_percent,
                                   .critical_budget_ms = fresh.critical_budget_ms};
  if (parms.cycles_per_ms != 0u && s.id == (int16_t)p->id) {
    /* cycles -> ns: cycles * 1e6 / cycles_per_ms, split so it cannot
     * overflow for any window APS allows (<= 400 ms). */
    uint64_t cpm = parms.cycles_per_ms;
    info.usage_known = true;
    info.usage_ns = (s.run_time_cycles / cpm) * 1000000u +
                    (s.run_time_cycles % cpm) * 1000000u / cpm;
#if WRT_APS_71
    uint64_t window = s.dynamic_windowsize_cycles; /* the last window's length */
#else
    uint64_t window = parms.windowsize_cycles; /* 6.4: the nominal window */
#endif
    info.usage_window_ns = (window / cpm) * 1000000u + (window % cpm) * 1000000u / cpm;
  }
  *out = info;
  return WRT_OK;
}

wrt_status wrt_qnx_cpu_partition_destroy(wrt_cpu_partition_t *p) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!p->live) {
    return WRT_E_STATE;
  }
  /* No SCHED_APS_* command deletes a partition: it and its budget stay
   * until reboot; the handle is released. */
  p->live = false;
  return WRT_OK;
}

#else /* SDP 8.0: no APS interface in the SDP headers */

wrt_status wrt_qnx_cpu_partition_create(wrt_cpu_partition_t *p,
                                        const wrt_cpu_partition_config_t *cfg) {
  return p == NULL || cfg == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}
wrt_status wrt_qnx_cpu_partition_open(wrt_cpu_partition_t *p, const char *name) {
  return p == NULL || name == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}
wrt_status wrt_qnx_cpu_partition_join(wrt_cpu_partition_t *p, int32_t tid) {
  (void)tid;
  return p == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}
wrt_status wrt_qnx_cpu_partition_leave(wrt_cpu_partition_t *p, int32_t tid) {
  (void)tid;
  return p == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}
wrt_status wrt_qnx_cpu_partition_query(const wrt_cpu_partition_t *p,
                                       wrt_cpu_partition_info_t *out) {
  return p == NULL || out == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}
wrt_status wrt_qnx_cpu_partition_destroy(wrt_cpu_partition_t *p) {
  return p == NULL ? WRT_E_INVALID_ARG : WRT_E_UNSUPPORTED;
}

#endif
