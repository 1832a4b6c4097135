/*
 * rlimit_probe.h - whether this host applies RLIMIT_AS. qemu-user accepts
 * setrlimit(RLIMIT_AS) and applies nothing (it answers 0 without the system
 * call, and getrlimit then still reads the old limit). A test of a library
 * call that sets RLIMIT_AS asks first and skips with the reason when the
 * host does not apply it. Test code only.
 */
#ifndef WRT_TEST_RLIMIT_PROBE_H
#define WRT_TEST_RLIMIT_PROBE_H

#include <stdbool.h>

/* In a forked child: sets RLIMIT_AS to the address space in use plus
 * 256 MiB, and is true when the limit reads back and a 1 GiB mapping is
 * refused. */
bool wrt_probe_rlimit_as_applied(void);
/* Skips the calling cmocka test, with the reason, when it is not. */
void wrt_need_rlimit_as(void);

#endif
