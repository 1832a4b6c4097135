/*
 * syspage_standin.c - STAND-IN for the system page that QNX's startup
 * program fills and procnto maps into every process (test equipment of
 * scripts/checks/16-qnx-cross.sh, linked into the stand-in SDP's
 * libnto_model.a). Built per SDP against that SDP's stand-in
 * <sys/syspage.h>. On aarch64 with the 8.0 layout, it fills cpuinfo and the
 * ID-register dump from the CPU itself, as a startup program would: EL0
 * reads of ID_AA64ISAR0_EL1 / ID_AA64PFR0_EL1 (Linux, and qemu-user, emulate
 * them for user space). WRT_STANDIN_SYSPAGE_NO_CRC=1 in the environment
 * clears the CRC32 field, so the check can see the library follow the page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syspage.h>

#if defined(AARCH64_IDDUMP_ENTRIES) && defined(__aarch64__)
#define NCPU 2u
static union {
  uint64_t align;
  unsigned char bytes[4096];
} page;
struct syspage_entry *_syspage_ptr;

__attribute__((constructor)) static void standin_syspage_init(void) {
  struct syspage_entry *sp = (struct syspage_entry *)(void *)page.bytes;
  uint64_t isar0, pfr0;
  __asm__ volatile("mrs %0, ID_AA64ISAR0_EL1" : "=r"(isar0));
  __asm__ volatile("mrs %0, ID_AA64PFR0_EL1" : "=r"(pfr0));
  const char *no = getenv("WRT_STANDIN_SYSPAGE_NO_CRC");
  if (no != NULL && strcmp(no, "1") == 0) {
    isar0 &= ~((uint64_t)0xf << 16);
  }
  uint64_t flags = 0u;
  unsigned aes = (unsigned)((isar0 >> 4) & 0xfu);
  flags |= aes >= 1u ? AARCH64_CPU_FLAG_AES : 0u;
  flags |= aes >= 2u ? AARCH64_CPU_FLAG_PMULL : 0u;
  flags |= ((isar0 >> 8) & 0xfu) != 0u ? AARCH64_CPU_FLAG_SHA1 : 0u;
  flags |= ((isar0 >> 12) & 0xfu) != 0u ? AARCH64_CPU_FLAG_SHA256 : 0u;
  size_t off = (sizeof *sp + 63u) & ~(size_t)63u;
  sp->size = (uint16_t)sizeof *sp;
  sp->num_cpu = NCPU;
  sp->cpuinfo.entry_off = (uint16_t)off;
  sp->cpuinfo.element_size = (uint16_t)sizeof(struct cpuinfo_entry);
  sp->cpuinfo.entry_size = (uint16_t)(NCPU * sizeof(struct cpuinfo_entry));
  struct cpuinfo_entry *ci = (struct cpuinfo_entry *)(void *)(page.bytes + off);
  for (unsigned i = 0u; i < NCPU; i++) {
    ci[i].cpu = i;
    ci[i].flags = flags;
  }
  off += NCPU * sizeof(struct cpuinfo_entry);
  uint64_t *dump = (uint64_t *)(void *)(page.bytes + off);
  for (unsigned i = 0u; i < NCPU; i++) {
    uint64_t *r = dump + i * AARCH64_IDDUMP_ENTRIES;
    r[(4 - 1) * 8 + 0] = pfr0;  /* S3_0_C0_C4_0 */
    r[(6 - 1) * 8 + 0] = isar0; /* S3_0_C0_C6_0 */
  }
  sp->un.aarch64.idreg_dump.entry_off = (uint16_t)off;
  sp->un.aarch64.idreg_dump.entry_size = (uint16_t)(NCPU * AARCH64_IDDUMP_ENTRIES * sizeof(uint64_t));
  sp->total_size = (uint16_t)(off + NCPU * AARCH64_IDDUMP_ENTRIES * sizeof(uint64_t));
  _syspage_ptr = sp;
}
#else
/* No system page contents this library reads on this target. */
struct syspage_entry *_syspage_ptr;
#endif
