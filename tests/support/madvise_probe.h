/*
 * madvise_probe.h - whether this host shows the effects of memory advice
 * that the tests check. Under qemu-user (7.2, as in Debian 12) two are
 * missing: MADV_HUGEPAGE is answered with success and not passed to the
 * kernel (no "hg" in smaps VmFlags), and mincore refuses a range holding a
 * PROT_NONE page with ENOMEM (it checks the guest can read the range), so a
 * discarded and re-protected page cannot be seen to have left memory. A
 * test that checks such an effect first asks the probe (try it on a scratch
 * mapping and look) and skips with the reason when the host does not show
 * it; on a real kernel the probe passes and the test checks everything.
 * Test code only.
 */
#ifndef WRT_TEST_MADVISE_PROBE_H
#define WRT_TEST_MADVISE_PROBE_H

#include <stdbool.h>

/* A touched private anonymous page, after madvise(MADV_DONTNEED) and
 * mprotect(PROT_NONE) (what a pool's decommit does), is reported not
 * resident by mincore. 0 when it is; else mincore's errno, or -1 when the
 * page still reads as resident. */
int wrt_probe_discard_seen(void);
/* madvise(MADV_HUGEPAGE) on a private anonymous mapping shows as "hg" in
 * its VmFlags (/proc/self/smaps). */
bool wrt_probe_hugepage_applied(void);

#endif
