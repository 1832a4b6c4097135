/*
 * wait_table_fault.h - the wait table's fault test (issue 26): a fault
 * inside wait32/wait64, unwound by siglongjmp, must leave nothing held.
 * Part of the shared wait table suite (wait_table_suite.c runs it over each
 * backend). Test code only.
 */
#ifndef WRT_TEST_WAIT_TABLE_FAULT_H
#define WRT_TEST_WAIT_TABLE_FAULT_H

#include <stdbool.h>

#include "wrt/wait_table.h"

/* Forks a child that waits (wide: wait64) on an inaccessible word over be,
 * leaves the fault by siglongjmp, then waits, notifies and destroys on the
 * same (only) bucket; cmocka-asserts that the child exited 0. */
void wrt_wait_fault_unwinds(const wrt_wait_backend_t *be, bool wide);

#endif
