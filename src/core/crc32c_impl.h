/*
 * crc32c_impl.h - internals of wrt_crc32c shared by its per-CPU paths and by
 * the tests that compare the paths (internal to the library, OS-free).
 *
 * The hardware paths run three independent CRC streams over consecutive
 * chunks and join them with the "zeros operator": the CRC register advanced
 * over n zero bytes is linear in the register, so it is four table lookups
 * (one per register byte) from a table built for that n. Includes only the
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

/* true when this build and CPU have a hardware path (sse4.2 or armv8-crc). */
bool wrt_crc32c_hw_available(void);

/* The hardware path; only valid when wrt_crc32c_hw_available(). Same
 * convention as wrt_crc32c. */
uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len);

/* Name of the hardware path compiled in ("sse4.2", "armv8-crc") or NULL. */
const char *wrt_crc32c_hw_name(void);

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
