/*
 * cpu_partition_rules.h - what both CPU-partition backends check the same
 * way (names, budgets) and the errno -> wrt_status mapping they share.
 * Library-internal; includes only the public header.
 */
#ifndef WRT_CPU_PARTITION_RULES_H
#define WRT_CPU_PARTITION_RULES_H

#include <stddef.h>

#include "wrt/cpu_partition.h"

/* 1..WRT_CPU_PARTITION_NAME_MAX characters of [A-Za-z0-9_-], not starting
 * with a digit (the APS rule, sys/sched_aps.h SCHED_APS_CREATE_PARTITION;
 * also a safe single cgroup directory name). */
bool wrt_cpu_partition_name_ok(const char *name);
/* Validates cfg (not p's state): INVALID_ARG for a bad name or budget. */
wrt_status wrt_cpu_partition_check_config(const wrt_cpu_partition_config_t *cfg);
/* EACCES/EPERM/EROFS -> PERMISSION, ENOSYS -> UNSUPPORTED, EDQUOT/ENOSPC ->
 * LIMIT, EEXIST/EBUSY -> STATE, ESRCH -> INVALID_ARG, ENOMEM -> NO_MEMORY,
 * anything else -> OS. */
wrt_status wrt_cpu_partition_status_of(int err);
/* Copies the NUL-terminated src into dst[cap] when it fits (true); else
 * leaves dst alone (false). The bounded strcpy both backends use. */
bool wrt_copy_str(char *dst, size_t cap, const char *src);

#endif
