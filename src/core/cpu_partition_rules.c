/*
 * cpu_partition_rules.c - the checks and errno mapping both CPU-partition
 * backends share (see cpu_partition_rules.h). Includes <errno.h> only.
 */
#include "cpu_partition_rules.h"

#include <errno.h>
#include <stddef.h>

bool wrt_cpu_partition_name_ok(const char *name) {
  if (name == NULL || name[0] == '\0' || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (size_t i = 0; name[i] != '\0'; i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok || i >= WRT_CPU_PARTITION_NAME_MAX) {
      return false;
    }
  }
  return true;
}

wrt_status wrt_cpu_partition_check_config(const wrt_cpu_partition_config_t *cfg) {
  if (cfg == NULL || !wrt_cpu_partition_name_ok(cfg->name) || cfg->budget_percent == 0u ||
      cfg->budget_percent > 100u) {
    return WRT_E_INVALID_ARG;
  }
  /* APS limits critical budgets to the averaging window (at most 400 ms,
   * SCHED_APS_SET_PARMS); anything beyond cannot be meant. */
  if (cfg->critical_budget_ms > 400u) {
    return WRT_E_INVALID_ARG;
  }
  return WRT_OK;
}

wrt_status wrt_cpu_partition_status_of(int err) {
  switch (err) {
  case EACCES:
  case EPERM:
  case EROFS: return WRT_E_PERMISSION;
  case ENOSYS: return WRT_E_UNSUPPORTED;
  case EDQUOT:
  case ENOSPC: return WRT_E_LIMIT;
  case EEXIST:
  case EBUSY: return WRT_E_STATE;
  case ESRCH: return WRT_E_INVALID_ARG;
  case ENOMEM: return WRT_E_NO_MEMORY;
  default: return WRT_E_OS;
  }
}

bool wrt_copy_str(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  while (n < cap && src[n] != '\0') {
    n++;
  }
  if (n >= cap) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    dst[i] = src[i];
  }
  dst[n] = '\0';
  return true;
}

int wrt_cpu_partition_os_error(const wrt_cpu_partition_t *p) {
  return p == NULL ? 0 : p->os_error;
}
