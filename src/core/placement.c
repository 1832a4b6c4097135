/*
 * placement.c - the default of wrt_placement_t (wrt/placement.h) and the
 * checks both backends share (placement_rules.h).
 * May include: the public headers, src/core internals, the C library.
 */
#include "wrt/placement.h"

#include <string.h>

#include "placement_rules.h"

/* POSIX: a portable name is "/" followed by at most NAME_MAX (255) bytes
 * with no further "/" (shm_open). */
static wrt_status check_shm_name(const char *name) {
  wrt_status st = (name[0] == '/') ? WRT_OK : WRT_E_INVALID_ARG;
  size_t len = 1u;
  /* Bounded: never reads past the 257th byte of a name without a NUL. */
  while ((st == WRT_OK) && (len <= 256u) && (name[len] != '\0')) {
    if (name[len] == '/') {
      st = WRT_E_INVALID_ARG;
    } else {
      len++;
    }
  }
  if ((st == WRT_OK) && ((len < 2u) || (len > 256u))) {
    st = WRT_E_INVALID_ARG;
  }
  return st;
}

wrt_status wrt_placement_check(const wrt_placement_t *p) {
  wrt_status st = WRT_OK;
  if (((p->huge != WRT_HUGE_NONE) && (p->huge != WRT_HUGE_TRANSPARENT) &&
       (p->huge != WRT_HUGE_EXPLICIT)) ||
      ((p->numa_policy != WRT_NUMA_STRICT) && (p->numa_policy != WRT_NUMA_PREFERRED)) ||
      (p->numa_node < WRT_NUMA_ANY) || (p->numa_node > WRT_NUMA_MAX_NODE) ||
      (p->huge_fallback && (p->huge != WRT_HUGE_EXPLICIT)) ||
      ((p->shm_name != NULL) && !p->shared) || (p->shm_mode > 0777u)) {
    st = WRT_E_INVALID_ARG;
  } else if (p->shm_name != NULL) {
    st = check_shm_name(p->shm_name);
  } else {
    /* no name: nothing more to check */
  }
  return st;
}

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
