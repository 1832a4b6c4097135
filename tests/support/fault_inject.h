/*
 * fault_inject.h - fail the n-th mmap / mprotect / munmap / posix_madvise /
 * futex syscall with a chosen errno, and account for every mapping.
 *
 * Works through the linker's --wrap on the library's references (a test opts
 * in with WRAP in wrt_add_test), so production code carries no test hooks.
 * Not thread-safe by design: fault-injection tests run single-threaded.
 * Test code only.
 */
#ifndef WRT_TEST_FAULT_INJECT_H
#define WRT_TEST_FAULT_INJECT_H

#include <stddef.h>

typedef enum {
  WRT_FI_MMAP,
  WRT_FI_MPROTECT,
  WRT_FI_MUNMAP,
  WRT_FI_MADVISE, /* posix_madvise */
  WRT_FI_FUTEX,   /* syscall(SYS_futex, ...) */
  WRT_FI_MBIND,   /* syscall(SYS_mbind, ...) (placement, issue 27) */
  WRT_FI_COUNT
} wrt_fi_call;

/* Forget all counters and armed failures (mapping accounting is kept). */
void wrt_fi_reset(void);
/* Make the nth (1-based, counted from now) call of kind fail with err.
 * For WRT_FI_FUTEX, err EINTR makes the call return -1/EINTR without
 * blocking. */
void wrt_fi_fail_nth(wrt_fi_call call, unsigned nth, int err);
/* Calls of this kind made since the last reset. */
unsigned wrt_fi_calls(wrt_fi_call call);
/* true once the armed failure has been delivered. */
int wrt_fi_fired(void);
/* Bytes currently mapped by wrapped mmap calls and not yet unmapped
 * (MAP_FIXED over an existing mapping adds nothing). */
size_t wrt_fi_mapped_bytes(void);

#endif
