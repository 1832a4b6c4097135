/*
 * qnx_memory_limit.c - the OS-enforced memory budget on QNX: the process's
 * RLIMIT_AS soft limit, through wrt_qnx_set_process_memory_cap
 * (qnx_process_cap.c), remembered so release can put the old one back; see
 * include/wrt/memory_limit.h (why there is no cgroup-like kind on QNX).
 *
 * Real QNX code: only POSIX names. getrlimit / setrlimit (QNX C Library
 * Reference): RLIMIT_AS (RLIMIT_VMEM, 6 in the SDP 7.1 and 8.0
 * sys/resource.h); RLIM_INFINITY is (uint64_t)-3 there (qnx-facts.md).
 * May include: <errno.h>, <sys/resource.h> and wrt headers.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include "wrt/memory_limit.h"

#include <errno.h>
#include <sys/resource.h>

#include "wrt/qnx_memory.h"

wrt_status wrt_qnx_memory_limit_apply(wrt_memory_limit_t *l,
                                      const wrt_memory_limit_config_t *cfg) {
  if (l == NULL || cfg == NULL || cfg->bytes == 0u ||
      cfg->bytes == WRT_QNX_MEMORY_CAP_NONE) {
    return WRT_E_INVALID_ARG;
  }
  if (l->live) {
    return WRT_E_STATE;
  }
  if (cfg->kind == WRT_MEMORY_LIMIT_CGROUP) {
    return WRT_E_UNSUPPORTED; /* QNX has no memory cgroups */
  }
  if (cfg->kind != WRT_MEMORY_LIMIT_ADDRESS_SPACE) {
    return WRT_E_INVALID_ARG;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    l->os_error = errno;
    return WRT_E_OS;
  }
  /* errno is cleared first: the cap also returns LIMIT (a value above the
   * hard limit) and INVALID_ARG without any OS call failing, and then the
   * caller must see 0, not an older call's errno. */
  errno = 0;
  wrt_status st = wrt_qnx_set_process_memory_cap(cfg->bytes);
  if (st != WRT_OK) {
    l->os_error = st == WRT_E_OS || st == WRT_E_LIMIT ? errno : 0;
    return st;
  }
  l->saved_infinite = rl.rlim_cur == RLIM_INFINITY;
  l->saved = (uint64_t)rl.rlim_cur;
  l->live = true;
  l->kind = (uint8_t)WRT_MEMORY_LIMIT_ADDRESS_SPACE;
  l->cg_version = 0;
  l->bytes = cfg->bytes;
  l->os_error = 0;
  l->path[0] = '\0';
  l->parent[0] = '\0';
  return WRT_OK;
}

wrt_status wrt_qnx_memory_limit_release(wrt_memory_limit_t *l) {
  if (l == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!l->live) {
    return WRT_E_STATE;
  }
  /* CAP_NONE puts the soft limit at the hard one: what "infinite" was,
   * and the most there is when the hard limit came down below the saved
   * soft one meanwhile (as the Linux backend clamps; without this, release
   * would fail with LIMIT for good and the limit could never be let go). */
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    l->os_error = errno;
    return WRT_E_OS;
  }
  uint64_t want = l->saved_infinite ? WRT_QNX_MEMORY_CAP_NONE : l->saved;
  if (rl.rlim_max != RLIM_INFINITY && want > (uint64_t)rl.rlim_max) {
    want = WRT_QNX_MEMORY_CAP_NONE;
  }
  errno = 0; /* see apply */
  wrt_status st = wrt_qnx_set_process_memory_cap(want);
  if (st != WRT_OK) {
    l->os_error = st == WRT_E_OS || st == WRT_E_LIMIT ? errno : 0;
    return st;
  }
  l->live = false;
  l->os_error = 0;
  return WRT_OK;
}
