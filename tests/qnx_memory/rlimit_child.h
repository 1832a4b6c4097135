/*
 * rlimit_child.h - running a resource-limit test in a forked child, for the
 * QNX memory tests (test_qnx_memory.c, test_qnx_memory_fidelity.c).
 *
 * One concept: a process-wide limit (RLIMIT_AS / RLIMIT_DATA) is set in a
 * child so that it never reaches the test runner; the child reports
 * WRT_RLIMIT_CHILD_SKIPPED where the limit is accepted but not applied
 * (qemu-user), and the parent turns that into a cmocka skip with the reason.
 * Test code: includes POSIX and cmocka only through rlimit_child.c.
 */
#ifndef WRT_TESTS_RLIMIT_CHILD_H
#define WRT_TESTS_RLIMIT_CHILD_H

#include <stdbool.h>
#include <sys/resource.h>

#define WRT_RLIMIT_CHILD_SKIPPED 77

/* Called in the child right after it set a limit of want bytes (data:
 * RLIMIT_DATA, else RLIMIT_AS): true when the limit reads back and a mapping
 * of want bytes (which, with what is already mapped, passes it) is refused.
 * qemu-user accepts setrlimit and applies nothing. */
bool wrt_rlimit_applied(int data, rlim_t want);

/* Runs fn in a child and asserts it returned 0; WRT_RLIMIT_CHILD_SKIPPED
 * skips the calling cmocka test with the reason printed. */
void wrt_rlimit_in_child(int (*fn)(void));

#endif
