/*
 * nto_sim_shm_api.h (Neutrino host model) - QNX's shared memory object
 * extensions: SHM_ANON, shm_ctl() and its SHMCTL_* flags, with the values
 * of SDP 7.1 sys/mman.h (Spitzbube/qnx-sdp @ 8d745006,
 * target/qnx7/usr/include/sys/mman.h; 8.0 keeps ANON/PHYS/SEAL/REVOCABLE/
 * LAZY, docs/placement.md). Included by the model's <sys/mman.h> under
 * __EXT_QNX, as QNX's header declares them. shm_open is routed through the
 * model so that SHM_ANON works; what is modelled: sim/neutrino/src/shm_sim.c.
 */
#ifndef NTO_SIM_SHM_API_H
#define NTO_SIM_SHM_API_H

#include <nto_sim_platform.h>
#include <fcntl.h> /* before the fcntl / ftruncate macros below */
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SHM_ANON and SHMCTL_SEAL: 7.1 sys/mman.h (Spitzbube/qnx-sdp @ 8d745006,
 * target/qnx7/usr/include/sys/mman.h, the __EXT_QNX block after
 * TYPEMEM_DEVICE_ISA) and 8.0. QNX 6.4 has neither (vocho/openqnx
 * trunk/lib/c/public/sys/mman.h:318-330: 0x4 is SHMCTL_ISADMA there), nor
 * has SDP 6.6: not declared in profile 640. The model itself implements
 * them under its own names in every profile (sim/neutrino/src/shm_sim.c). */
#define NTO_SIM_SHM_ANON ((char *)-1)
#define NTO_SIM_SHMCTL_SEAL 0x00000004
#if NTO_SIM_PROFILE >= 710
#define SHM_ANON NTO_SIM_SHM_ANON
#define SHMCTL_SEAL NTO_SIM_SHMCTL_SEAL
#endif
#define SHMCTL_ANON 0x00000001
#define SHMCTL_PHYS 0x00000002
#define SHMCTL_REVOCABLE 0x00000008
#define SHMCTL_LAZY 0x00000400
#define SHMCTL_TYMEM 0x00002000
#define SHMCTL_GET_FLAGS 0x00004000

int nto_sim_shm_open(const char *name, int oflag, mode_t mode);
int nto_sim_shm_ctl(int fd, int flags, uint64_t paddr, uint64_t size);
#define shm_open(name, oflag, mode) nto_sim_shm_open((name), (oflag), (mode))
#define shm_ctl(fd, flags, paddr, size) nto_sim_shm_ctl((fd), (flags), (paddr), (size))

/* fcntl(F_ALLOCSP) (QNX <fcntl.h>, ungated; 110 where off_t is 64 bits, as
 * on every 64-bit target: 6.4 lib/c/public/fcntl.h:149-166): allocate
 * [l_start, l_start + l_len) of a file; on a shared memory object one
 * _IO_SPACE message that grows the object (6.4 lib/c/1/fcntl.c:100-125,
 * pathmgr/devmem.c:335-395). Linux has no such command, so fcntl is routed
 * through the model, which does F_ALLOCSP/F_FREESP itself and passes every
 * other command to the host. ftruncate goes through the model too, so that
 * an object's allocation is given back when it shrinks. What is modelled:
 * sim/neutrino/src/shm_sim.c. */
#define F_ALLOCSP 110
#define F_FREESP 111
int nto_sim_fcntl(int fd, int cmd, ...);
int nto_sim_ftruncate(int fd, off_t length);
#define fcntl(...) nto_sim_fcntl(__VA_ARGS__)
#define ftruncate(fd, length) nto_sim_ftruncate((fd), (length))

#ifdef __cplusplus
}
#endif
#endif
