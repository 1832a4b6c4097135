/*
 * linux_cgroup.h - the cgroup file plumbing the Linux CPU-partition and
 * memory-limit backends share: finding the hierarchy of a controller and
 * the calling process's group in it, and reading / writing one control
 * file. Library-internal. Includes only status.h and the C library.
 */
#ifndef WRT_LINUX_CGROUP_H
#define WRT_LINUX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

#define WRT_CG_PATH_MAX 256u
/* The cgroup hierarchy version, kept in uint8_t fields: unsigned constants
 * (an enum tag would make each comparison with the field mix essential
 * types, MISRA 10.4; the addon's 5.7 check matches anonymous enums across
 * files). */
#define WRT_CG_V1 1u
#define WRT_CG_V2 2u

uint64_t wrt_cg_now_ns(void);
/* dst = a "/" b; false when it does not fit in cap. */
bool wrt_cg_join_path(char *dst, size_t cap, const char *a, const char *b);
/* Write text to / read up to cap-1 bytes (NUL-terminated) from dir/file:
 * 0 or the errno of the failed call. */
int wrt_cg_write(const char *dir, const char *file, const char *text);
int wrt_cg_read(const char *dir, const char *file, char *buf, size_t cap);
void wrt_cg_put_u64(char *buf, size_t cap, uint64_t v);
uint64_t wrt_cg_parse_u64(const char *s);
/* The directory new groups go in: the calling process's group in the
 * hierarchy of controller (v1 mount with that option, else a v2 mount that
 * lists it in cgroup.controllers), or mount_override itself when given
 * (v1 when it has v1_marker, v2 when it has cgroup.controllers).
 * UNSUPPORTED: not mounted; OS (with *os_error) when /proc could not be read. */
wrt_status wrt_cg_find_parent(const char *controller, const char *v1_marker,
                              const char *mount_override, char *parent, size_t cap,
                              uint8_t *kind, int *os_error);

#endif
