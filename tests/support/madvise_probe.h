/*
 * madvise_probe.h - whether this host really applies madvise advice the
 * tests check the effect of. qemu-user 7.2 (linux-user/syscall.c,
 * TARGET_NR_madvise) answers every madvise with success and applies none:
 * MADV_DONTNEED leaves the pages resident with their bytes, MADV_HUGEPAGE
 * sets no "hg" flag. A test that checks such an effect first asks the probe
 * (try it on a scratch mapping and look) and skips with the reason when the
 * host does not do it; on a real kernel the probe passes and the test checks
 * everything. Test code only.
 */
#ifndef WRT_TEST_MADVISE_PROBE_H
#define WRT_TEST_MADVISE_PROBE_H

#include <stdbool.h>

/* A touched private anonymous page, after madvise(MADV_DONTNEED), is no
 * longer resident (mincore) and reads zero. */
bool wrt_probe_dontneed_applied(void);
/* madvise(MADV_HUGEPAGE) on a private anonymous mapping shows as "hg" in
 * its VmFlags (/proc/self/smaps). */
bool wrt_probe_hugepage_applied(void);

#endif
