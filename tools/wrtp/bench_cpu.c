/*
 * bench_cpu.c - the CPU line of `wrtp bench`'s header: vendor, family and
 * model (as cpuid reports them, extended fields added as the vendors
 * document), the features the CRC-32C tiers depend on, and the tier
 * wrt_crc32c picked. Figures of the CRC rows hold for that
 * microarchitecture only (issue 25: a Zen 4 and a Zen 5 rank the tiers
 * differently). May include: <cpuid.h>, the public headers, the C library.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wrt/crc32c.h"

void bm_print_cpu(void);

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

void bm_print_cpu(void) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  char vendor[13];
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) {
    printf("cpu: x86, cpuid not available\n");
    return;
  }
  memcpy(vendor, &b, 4);
  memcpy(vendor + 4, &d, 4);
  memcpy(vendor + 8, &c, 4);
  vendor[12] = '\0';
  unsigned max = a;
  (void)__get_cpuid(1, &a, &b, &c, &d);
  unsigned fam = (a >> 8) & 0xFu;
  unsigned model = (a >> 4) & 0xFu;
  unsigned step = a & 0xFu;
  /* extended family counts when family is 0xF; extended model when the
   * family is 6 or 0xF (Intel SDM and AMD APM, CPUID Fn0000_0001) */
  if (fam == 0xFu) {
    fam += (a >> 20) & 0xFFu;
  }
  if (fam == 6u || fam >= 0xFu) {
    model |= ((a >> 16) & 0xFu) << 4;
  }
  bool sse42 = (c >> 20) & 1u, pclmul = (c >> 1) & 1u;
  bool avx512f = false, vpclmul = false;
  if (max >= 7u) {
    unsigned a7 = 0, b7 = 0, c7 = 0, d7 = 0;
    __cpuid_count(7, 0, a7, b7, c7, d7);
    avx512f = (b7 >> 16) & 1u;
    vpclmul = (c7 >> 10) & 1u;
    (void)a7;
    (void)d7;
  }
  printf("cpu: %s family %u (0x%x) model %u (0x%x) stepping %u; sse4.2 %s, pclmulqdq %s, "
         "avx512f %s, vpclmulqdq %s; wrt_crc32c tier: %s\n\n",
         vendor, fam, fam, model, model, step, sse42 ? "yes" : "no", pclmul ? "yes" : "no",
         avx512f ? "yes" : "no", vpclmul ? "yes" : "no", wrt_crc32c_implementation());
}
#else
void bm_print_cpu(void) {
  printf("cpu: not x86 (no cpuid); wrt_crc32c tier: %s\n\n", wrt_crc32c_implementation());
}
#endif
