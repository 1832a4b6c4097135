/*
 * crc_probe.c - the QNX aarch64 CRC-32C path, run: built by
 * scripts/checks/16-qnx-cross.sh through the stand-in qcc against the
 * library of a QNX configuration, run under qemu-aarch64. Prints the path
 * wrt_crc32c took (argv[1], when given, is the one expected) and checks it
 * against the portable path at every length 0..4200 and offsets 0..7, and
 * over 1 MiB (the three-stream loops). Exit 0 only when both hold.
 */
#include <stdio.h>
#include <string.h>

#include "crc32c_impl.h"
#include "wrt/crc32c.h"

static unsigned char buf[(1u << 20) + 64u];

int main(int argc, char **argv) {
  const char *impl = wrt_crc32c_implementation();
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < sizeof buf; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (unsigned char)x;
  }
  unsigned bad = 0u, runs = 0u;
  for (size_t off = 0; off < 8u; off++) {
    for (size_t len = 0; len <= 4200u; len++) {
      runs++;
      if (wrt_crc32c(0x12345678u, buf + off, len) != wrt_crc32c_portable(0x12345678u, buf + off, len)) {
        bad++;
      }
    }
  }
  runs++;
  if (wrt_crc32c(0u, buf + 3, 1u << 20) != wrt_crc32c_portable(0u, buf + 3, 1u << 20)) {
    bad++;
  }
  printf("crc_probe: path %s, %u of %u runs differ from the portable path\n", impl, bad, runs);
  if (argc > 1 && strcmp(argv[1], impl) != 0) {
    printf("crc_probe: expected path %s\n", argv[1]);
    return 1;
  }
  return bad == 0u ? 0 : 1;
}
