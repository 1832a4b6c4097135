/*
 * placement.c - the default of wrt_placement_t (wrt/placement.h), shared by
 * both backends. May include: the public headers and the C library.
 */
#include "wrt/placement.h"

#include <string.h>

wrt_placement_t wrt_placement_default(void) {
  wrt_placement_t p;
  (void)memset(&p, 0, sizeof p);
  p.huge = WRT_HUGE_NONE;
  p.huge_fallback = false;
  p.shared = false;
  p.shm_name = NULL;
  p.shm_mode = 0600u;
  p.numa_node = WRT_NUMA_ANY;
  p.numa_policy = WRT_NUMA_STRICT;
  return p;
}
