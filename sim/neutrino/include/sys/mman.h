/*
 * sys/mman.h (Neutrino host model) - the host's <sys/mman.h> plus the
 * QNX-only names src/qnx uses, each mapped to the closest Linux behaviour.
 *
 * NOT a QNX header: on a Linux host, sim/neutrino/include comes before the
 * system includes, so src/qnx compiles unchanged. Everything POSIX comes from
 * the host header (include_next); only names QNX has and Linux lacks (or
 * hides in strict C mode) are added here. Test-side controls of the pieces
 * modelled in code are in <nto_sim_mman.h>.
 */
#ifndef NTO_SIM_SYS_MMAN_H
#define NTO_SIM_SYS_MMAN_H

/* include_next is a GCC/Clang extension; this is model code, not library
 * code, so treat it as a system header (no -Wpedantic diagnostic). */
#pragma GCC system_header

#include_next <sys/mman.h>

#include <nto_sim_platform.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* QNX always has MAP_ANON (0x80000 there); glibc hides it unless
 * _DEFAULT_SOURCE, which a strict -std=c11 build does not define. The value
 * is the host kernel's MAP_ANONYMOUS. */
/* Gating as SDP 6.6 sys/mman.h:90-93 (__EXT_UNIX_MISC or __EXT_QNX). */
#if !defined(MAP_ANON) && (defined(__EXT_UNIX_MISC) || defined(__EXT_QNX))
#ifdef __MAP_ANONYMOUS
#define MAP_ANON __MAP_ANONYMOUS
#else
#define MAP_ANON 0x20
#endif
#endif

/* QNX: "delay acquiring system memory until an access to the area has
 * occurred" (mmap, QNX C Library Reference). Linux anonymous memory is
 * already taken on first touch, so the closest host behaviour is no flag. */
#if defined(__EXT_QNX) /* SDP 6.6 sys/mman.h:79-82 */
#define MAP_LAZY 0
#endif

/* QNX 7.0+: "discard the backing store for lazy private mappings (similar
 * to madvise(MADV_DONTNEED) in Linux)" (posix_madvise, QNX C Library
 * Reference); 5 is the QNX value. glibc's posix_madvise ignores
 * POSIX_MADV_DONTNEED and rejects 5, so on the host the call is routed to
 * nto_sim_posix_madvise(), which really discards (madvise MADV_DONTNEED:
 * private anonymous pages read as zero afterwards). It still calls the
 * library symbol posix_madvise once per call, so the tests' --wrap fault
 * injection of posix_madvise fails and counts it as on QNX. */
#if defined(__EXT_QNX) /* 7.1/8.0 sys/mman.h (qnx-facts.md) */
#define POSIX_MADV_DISCARD_NP 5
#endif
int nto_sim_posix_madvise(void *addr, size_t len, int advice);
#define posix_madvise(addr, len, advice) nto_sim_posix_madvise((addr), (len), (advice))

/* POSIX typed memory (TYM option), which QNX implements and glibc does not.
 * Values as in QNX <sys/mman.h>. The model: a pool is a name registered with
 * nto_sim_typed_mem_add(); every open of it gives a fresh, zero-filled,
 * shareable object (a memfd) of the pool's size, so each mapping made from a
 * new descriptor is new memory, as POSIX_TYPED_MEM_ALLOCATE gives on QNX.
 * Unknown names fail with ENOENT. Pool exhaustion is not modelled: a mapping
 * longer than the pool size faults on access (SIGBUS) instead of failing. */
#if defined(__EXT_POSIX1_200112) /* SDP 6.6 sys/mman.h:209-214 */
#define POSIX_TYPED_MEM_ALLOCATE 0x01
#define POSIX_TYPED_MEM_ALLOCATE_CONTIG 0x02
#define POSIX_TYPED_MEM_MAP_ALLOCATABLE 0x04
int posix_typed_mem_open(const char *name, int oflag, int tflag);
#endif

#ifdef __cplusplus
}
#endif
#endif
