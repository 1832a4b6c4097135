/*
 * crc32c_impl.h - internals of wrt_crc32c shared by its per-CPU paths and by
 * the tests that compare the paths (internal to the library, OS-free).
 *
 * The hardware paths run independent CRC streams over consecutive chunks
 * and join them with the "zeros operator": the CRC register advanced over n
 * zero bytes is linear in the register, so it is four table lookups (one
 * per register byte) from a table built for that n, or, with PCLMULQDQ on
 * x86-64, one carry-less multiply by x^(8n-33) mod P (crc32c_x86.c). Includes only the
 * C library.
 */
#ifndef WRT_CORE_CRC32C_IMPL_H
#define WRT_CORE_CRC32C_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Chunk lengths of the three-stream loops: LONG for big buffers, SHORT for
 * what is left; the zeros tables below are built for exactly these. */
#define WRT_CRC32C_LONG 8192u
#define WRT_CRC32C_SHORT 256u

/* The portable slice-by-8 path; same convention as wrt_crc32c. */
uint32_t wrt_crc32c_portable(uint32_t crc, const void *data, size_t len);

/* The raw (not inverted) CRC register reg advanced over n zero bytes, for
 * any n, in O(log n) carry-less multiplications (no data touched). This is
 * what lets a write update a block's checksum from the changed bytes alone:
 * for equal-length messages, crc(A) ^ crc(B) is the raw CRC of A ^ B. */
uint32_t wrt_crc32c_zeros(uint32_t reg, size_t n);
/* The same without any CPU extension (O(log n) bit-at-a-time multiplies);
 * wrt_crc32c_zeros uses it where no carry-less multiply is available. */
uint32_t wrt_crc32c_zeros_portable(uint32_t reg, size_t n);

/* true when this build and CPU have a hardware path (sse4.2 or armv8-crc). */
bool wrt_crc32c_hw_available(void);

/* The hardware path; only valid when wrt_crc32c_hw_available(). Same
 * convention as wrt_crc32c. */
uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len);

/* Name of the hardware path taken ("avx512+vpclmulqdq", "sse4.2+pclmul",
 * "sse4.2", "armv8-crc")
 * or NULL. */
const char *wrt_crc32c_hw_name(void);

#if defined(__x86_64__)
/* Two of the x86-64 paths that wrt_crc32c_hw chooses between, callable
 * directly so the tests can check each on any CPU that has it:
 * wrt_crc32c_x86_sse42 needs SSE4.2 (wrt_crc32c_hw_available());
 * wrt_crc32c_x86_pclmul needs SSE4.2 and PCLMULQDQ
 * (wrt_crc32c_x86_has_pclmul()). Same convention as wrt_crc32c. */
uint32_t wrt_crc32c_x86_sse42(uint32_t crc, const void *data, size_t len);
uint32_t wrt_crc32c_x86_pclmul(uint32_t crc, const void *data, size_t len);
bool wrt_crc32c_x86_has_pclmul(void);

/* The AVX-512 path (VPCLMULQDQ folding alongside crc32 streams); needs
 * wrt_crc32c_x86_has_avx512(): the CPU has SSE4.2, PCLMULQDQ, AVX2,
 * AVX-512F and VPCLMULQDQ and the OS saves the ZMM state (XCR0). Same
 * convention as wrt_crc32c. Its constants: wrt_crc32c_x86_fold_k[r] =
 * {k(n + 8), k(n)} for n = 256, 64, 48, 32, 16 bytes, and
 * wrt_crc32c_x86_hybrid_shift[t][j] advances over (j + 1) *
 * wrt_crc32c_x86_hybrid_chunk[t] bytes, where k(n) = x^(8n - 33) mod P as
 * in wrt_crc32c_x86_shift. */
uint32_t wrt_crc32c_x86_avx512(uint32_t crc, const void *data, size_t len);
bool wrt_crc32c_x86_has_avx512(void);
/* The same with the hybrid blocks whatever the CPU (wrt_crc32c_x86_avx512
 * takes them only on cores that issue two crc32 a cycle), so that tests
 * check both on any AVX-512 host (issue 25). */
uint32_t wrt_crc32c_x86_avx512_hybrid(uint32_t crc, const void *data, size_t len);
#define WRT_CRC32C_X86_FOLDS 5
#define WRT_CRC32C_X86_HYBRID_TIERS 2
extern const uint32_t wrt_crc32c_x86_fold_k[WRT_CRC32C_X86_FOLDS][2];
extern const size_t wrt_crc32c_x86_hybrid_chunk[WRT_CRC32C_X86_HYBRID_TIERS];
extern const uint32_t wrt_crc32c_x86_hybrid_shift[WRT_CRC32C_X86_HYBRID_TIERS][8];

/* The eight-stream path's chunk lengths (one per tier, block = 8 chunks)
 * and its joining constants: [t][j] advances the raw register over
 * (j + 1) * wrt_crc32c_x86_chunk[t] zero bytes (derivation in
 * crc32c_x86.c). */
#define WRT_CRC32C_X86_TIERS 4
extern const size_t wrt_crc32c_x86_chunk[WRT_CRC32C_X86_TIERS];
extern const uint32_t wrt_crc32c_x86_shift[WRT_CRC32C_X86_TIERS][7];

/* wrt_crc32c_zeros with PCLMULQDQ (needs wrt_crc32c_x86_has_pclmul()):
 * one carry-less multiply per non-zero base-64 digit of n, using
 * wrt_crc32c_x86_zeros_k[i][d - 1] = x^(8 * d * 64^i - 33) mod P. */
#define WRT_CRC32C_X86_ZDIGITS 11
extern const uint32_t wrt_crc32c_x86_zeros_k[WRT_CRC32C_X86_ZDIGITS][63];
uint32_t wrt_crc32c_x86_zeros(uint32_t reg, size_t n);
#endif

/* The aarch64 path's run-time check on QNX (crc32c_arm.c; plain C, built
 * on every platform so the host tests it): true when a QNX 8.0 system
 * page's dump of the AArch64 ID registers (regs: n_regs entries,
 * WRT_CRC32C_ARM_IDREGS_PER_CPU per CPU, CPU 0 first) covers num_cpu CPUs,
 * passes the layout checks (EL0 runs AArch64; every feature cpu_flags[cpu]
 * claims - QNX AARCH64_CPU_FLAG_AES/PMULL/SHA1/SHA256 - is in the dump;
 * cpu_flags may be NULL) and says every CPU has the CRC32 instructions. */
#define WRT_CRC32C_ARM_IDREGS_PER_CPU 56u
bool wrt_crc32c_arm_idregs_have_crc32(const uint64_t *regs, size_t n_regs,
                                      unsigned num_cpu, const uint64_t *cpu_flags);

/* Zeros operators for WRT_CRC32C_LONG and WRT_CRC32C_SHORT bytes, applied to
 * the raw (not inverted) register; generated tables, see crc32c_shift.c. */
extern const uint32_t wrt_crc32c_long_zeros[4][256];
extern const uint32_t wrt_crc32c_short_zeros[4][256];

static inline uint32_t wrt_crc32c_shift(const uint32_t zeros[4][256],
                                        uint32_t reg) {
  return zeros[0][reg & 0xffu] ^ zeros[1][(reg >> 8) & 0xffu] ^
         zeros[2][(reg >> 16) & 0xffu] ^ zeros[3][reg >> 24];
}

#endif
