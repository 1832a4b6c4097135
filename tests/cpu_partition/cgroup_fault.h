/*
 * cgroup_fault.h - fail the n-th open / read / write / mkdir / rmdir that
 * the library makes, with a chosen errno (linker --wrap, as
 * tests/support/fault_inject.c does for mmap & co.; tests opt in through
 * tests/55-cpu-partition.cmake). Single-threaded use only. Test code only.
 */
#ifndef WRT_TEST_CGROUP_FAULT_H
#define WRT_TEST_CGROUP_FAULT_H

typedef enum { CGF_OPEN, CGF_READ, CGF_WRITE, CGF_MKDIR, CGF_RMDIR, CGF_COUNT } cgf_call;

void cgf_reset(void);
void cgf_fail_nth(cgf_call call, unsigned nth, int err);
unsigned cgf_calls(cgf_call call);
int cgf_fired(void);

#endif
