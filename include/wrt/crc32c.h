/*
 * wrt/crc32c.h - CRC-32C (Castagnoli, the iSCSI / RFC 3720 checksum).
 *
 * One concept: the checksum the atomic-memory provider keeps per block.
 * Includes only the C library.
 */
#ifndef WRT_CRC32C_H
#define WRT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Returns the CRC-32C of data[0..len) continued from crc, in zlib's crc32
 * convention: start from 0 and pass the previous result to continue, so
 * wrt_crc32c(wrt_crc32c(0, a, n), b, m) is the CRC of a followed by b, and
 * wrt_crc32c(0, "123456789", 9) == 0xE3069283.
 *
 * data may be NULL only when len is 0 (the result is then crc). Uses the
 * SSE4.2 crc32 instruction on x86-64 when the CPU reports it (cpuid): with
 * AVX-512 + VPCLMULQDQ (and the OS saving ZMM state, per XCR0), from 256
 * bytes on, carry-less folding and eight crc32 streams side by side (folding
 * alone, in two streams, from 8 MiB on); otherwise eight interleaved streams
 * (16 KiB each on big buffers, prefetched when the buffer exceeds 8 MiB)
 * joined with PCLMULQDQ when the CPU has that, three streams joined by
 * table without it; the
 * ARMv8 CRC32 instructions on aarch64 when the build targets them
 * (__ARM_FEATURE_CRC32, e.g. -march=armv8-a+crc), and a portable
 * slice-by-8 table otherwise; all give the same result. Thread-safe, no
 * allocation, no OS call.
 */
uint32_t wrt_crc32c(uint32_t crc, const void *data, size_t len);

/* "avx512+vpclmulqdq", "sse4.2+pclmul", "sse4.2", "armv8-crc" or
 * "portable": the path wrt_crc32c takes (on x86-64, for buffers of 256
 * bytes or more) on this CPU and build. */
const char *wrt_crc32c_implementation(void);

#ifdef __cplusplus
}
#endif
#endif
