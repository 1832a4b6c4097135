/*
 * src/core/placement_rules.h - the placement checks both backends share
 * (internal): values that are wrong on every OS, and the POSIX shm name
 * rule. What an OS cannot do is each backend's own check.
 * Includes only wrt/placement.h.
 */
#ifndef WRT_PLACEMENT_RULES_H
#define WRT_PLACEMENT_RULES_H

#include "wrt/placement.h"

/* INVALID_ARG for an unknown huge or numa_policy value, numa_node outside
 * WRT_NUMA_ANY..WRT_NUMA_MAX_NODE, huge_fallback without EXPLICIT, shm_name
 * without shared, shm_mode above 0777, or a bad shm_name; else OK. */
wrt_status wrt_placement_check(const wrt_placement_t *p);

#endif
