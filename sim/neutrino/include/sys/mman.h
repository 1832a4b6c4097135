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
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* QNX's values (the same in 6.4 lib/c/public/sys/mman.h, SDP 6.6, 7.1 and
 * 8.0 sys/mman.h: scripts/qnx-sdp-check.sh, qnx-facts.md), which differ from
 * Linux's for PROT_READ/WRITE/EXEC (0x100/0x200/0x400, Linux 1/2/4) and
 * MAP_ANON (0x80000, Linux 0x20); MAP_PRIVATE 2, MAP_SHARED 1, MAP_FIXED
 * 0x10 are the same. The model's mmap and mprotect (nto_sim_mmap,
 * nto_sim_mprotect) translate them for the host. MAP_ANON/MAP_ANONYMOUS:
 * gated as SDP 6.6 sys/mman.h:90-93 (__EXT_UNIX_MISC or __EXT_QNX);
 * MAP_PHYS and MAP_NOINIT under __EXT_QNX (no effect on the model; 7.1/8.0:
 * MAP_NOINIT has no effect either). The model's own sources define
 * NTO_SIM_HOST_NAMES and see the host's names. */
#define NTO_SIM_PROT_READ 0x100
#define NTO_SIM_PROT_WRITE 0x200
#define NTO_SIM_PROT_EXEC 0x400
#define NTO_SIM_PROT_NOCACHE 0x800
#define NTO_SIM_MAP_ANON 0x80000
#define NTO_SIM_MAP_PHYS 0x10000
#define NTO_SIM_MAP_NOINIT 0x4000
#if !defined(NTO_SIM_HOST_NAMES)
#undef PROT_READ
#undef PROT_WRITE
#undef PROT_EXEC
#define PROT_READ NTO_SIM_PROT_READ
#define PROT_WRITE NTO_SIM_PROT_WRITE
#define PROT_EXEC NTO_SIM_PROT_EXEC
#undef MAP_ANON
#undef MAP_ANONYMOUS
#if defined(__EXT_UNIX_MISC) || defined(__EXT_QNX)
#define MAP_ANON NTO_SIM_MAP_ANON
#define MAP_ANONYMOUS NTO_SIM_MAP_ANON
#endif
#if defined(__EXT_QNX)
#define PROT_NOCACHE NTO_SIM_PROT_NOCACHE
#define MAP_PHYS NTO_SIM_MAP_PHYS
#define MAP_NOINIT NTO_SIM_MAP_NOINIT
#endif
#endif

/* QNX: "delay acquiring system memory until an access to the area has
 * occurred" (mmap, QNX C Library Reference); 0x80 is the QNX value, unused
 * by Linux. mmap and munmap are routed to the model's memory manager
 * (nto_sim_mmap, sim/neutrino/src/mman_sim.c), which takes MAP_LAZY off
 * before the host sees it and applies what QNX's memmgr does that Linux
 * does not: resource limits counted as QNX counts them, EINVAL for MAP_LAZY
 * on typed memory, ENOMEM for an exhausted pool or (without MAP_LAZY)
 * exhausted system memory, and the hole a failed MAP_FIXED leaves. The
 * model calls the library symbols mmap and munmap, so the tests' --wrap
 * fault injection still sees and counts every call. */
#if defined(__EXT_QNX) /* SDP 6.6 sys/mman.h:79-82 */
#define MAP_LAZY 0x80
#endif
#define NTO_SIM_MAP_LAZY 0x80
#define NTO_SIM_MADV_DISCARD_NP 5 /* POSIX_MADV_DISCARD_NP of 7.1/8.0, in every profile */
void *nto_sim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int nto_sim_munmap(void *addr, size_t len);
#define mmap(addr, len, prot, flags, fd, off) nto_sim_mmap((addr), (len), (prot), (flags), (fd), (off))
#define munmap(addr, len) nto_sim_munmap((addr), (len))
int nto_sim_mprotect(void *addr, size_t len, int prot);
#define mprotect(addr, len, prot) nto_sim_mprotect((addr), (len), (prot))

/* QNX 7.0+: "discard the backing store for lazy private mappings (similar
 * to madvise(MADV_DONTNEED) in Linux)" (posix_madvise, QNX C Library
 * Reference); 5 is the QNX value. glibc's posix_madvise ignores
 * POSIX_MADV_DONTNEED and rejects 5, so on the host the call is routed to
 * nto_sim_posix_madvise(), which really discards (madvise MADV_DONTNEED:
 * private anonymous pages read as zero afterwards). It still calls the
 * library symbol posix_madvise once per call, so the tests' --wrap fault
 * injection of posix_madvise fails and counts it as on QNX. */
/* Absent from 6.4 (vocho/openqnx trunk/lib/c/public/sys/mman.h) and SDP
 * 6.6 (unclassified-org/QNX-SDP .../qnx6/usr/include/sys/mman.h): not in
 * profile 640. */
#if defined(__EXT_QNX) && NTO_SIM_PROFILE >= 710 /* 7.1/8.0 sys/mman.h (qnx-facts.md) */
#define POSIX_MADV_DISCARD_NP 5
#endif
int nto_sim_posix_madvise(void *addr, size_t len, int advice);
#define posix_madvise(addr, len, advice) nto_sim_posix_madvise((addr), (len), (advice))

/* POSIX typed memory (TYM option), which QNX implements and glibc does not.
 * Values as in QNX <sys/mman.h>. The model: a pool is a name registered with
 * nto_sim_typed_mem_add(); every open of it gives a fresh, zero-filled,
 * shareable object (a memfd) of the pool's size, so each mapping made from a
 * new descriptor is new memory, as POSIX_TYPED_MEM_ALLOCATE gives on QNX.
 * Unknown names fail with ENOENT. A pool has a capacity: what the mappings
 * made from its descriptors hold is taken from it and given back at munmap;
 * a mapping that does not fit fails with ENOMEM, one with MAP_LAZY with
 * EINVAL (see nto_sim_mmap). */
#if defined(__EXT_POSIX1_200112) /* SDP 6.6 sys/mman.h:209-214 */
#define POSIX_TYPED_MEM_ALLOCATE 0x01
#define POSIX_TYPED_MEM_ALLOCATE_CONTIG 0x02
#define POSIX_TYPED_MEM_MAP_ALLOCATABLE 0x04
int posix_typed_mem_open(const char *name, int oflag, int tflag);
#endif

/* shm_ctl, SHM_ANON, SHMCTL_* (QNX extensions; issue 27). */
#if defined(__EXT_QNX)
#include "nto_sim_shm_api.h"
#endif

#ifdef __cplusplus
}
#endif
#endif
