/* test_crc32c_arm_idregs.c - the QNX aarch64 CRC-32C decision
 * (wrt_crc32c_arm_idregs_have_crc32, src/core/crc32c_arm.c): from a QNX 8.0
 * system page's ID-register dump, CRC32 is used only when every CPU has it
 * and the dump looks laid out as assumed; anything doubtful -> portable.
 * Register values are those of real cores as qemu-aarch64 reports them
 * (cortex-a53: ID_AA64ISAR0_EL1 0x11120, AES+PMULL, SHA1, SHA2, CRC32). The
 * QNX-built path itself runs in scripts/checks/16-qnx-cross.sh (qemu). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "crc32c_impl.h"

#define PER WRT_CRC32C_ARM_IDREGS_PER_CPU
#define PFR0 ((4u - 1u) * 8u + 0u)  /* ID_AA64PFR0_EL1, S3_0_C0_C4_0 */
#define ISAR0 ((6u - 1u) * 8u + 0u) /* ID_AA64ISAR0_EL1, S3_0_C0_C6_0 */
#define A53_ISAR0 0x11120ull
#define A53_PFR0 0x11ull
#define AES 0x100000ull
#define PMULL 0x200000ull
#define SHA1 0x400000ull
#define SHA256 0x800000ull

static uint64_t regs[4 * PER];

static void cpu(unsigned i, uint64_t isar0, uint64_t pfr0) {
  regs[i * PER + ISAR0] = isar0;
  regs[i * PER + PFR0] = pfr0;
}

static void crc_present_on_every_cpu(void **state) {
  (void)state;
  cpu(0, A53_ISAR0, A53_PFR0);
  cpu(1, A53_ISAR0, A53_PFR0);
  uint64_t flags[2] = {AES | PMULL | SHA1 | SHA256, AES | PMULL | SHA1 | SHA256};
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 2, flags));
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 2, NULL));
  uint64_t none[2] = {0, 0}; /* a startup that sets no flags proves nothing */
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 2, none));
}

static void one_cpu_without_crc_means_no(void **state) {
  (void)state;
  cpu(0, A53_ISAR0, A53_PFR0);
  cpu(1, A53_ISAR0 & ~(0xfull << 16), A53_PFR0); /* a little core without CRC32 */
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 2, NULL));
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 1, NULL));
}

static void dump_too_short_or_missing_means_no(void **state) {
  (void)state;
  cpu(0, A53_ISAR0, A53_PFR0);
  cpu(1, A53_ISAR0, A53_PFR0);
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER - 1, 2, NULL));
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, 0, 1, NULL));
  assert_false(wrt_crc32c_arm_idregs_have_crc32(NULL, 2 * PER, 2, NULL));
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, 2 * PER, 0, NULL));
}

/* A dump laid out otherwise than assumed fails a plausibility check. */
static void implausible_layout_means_no(void **state) {
  (void)state;
  cpu(0, A53_ISAR0, 0); /* "EL0 not implemented": not where PFR0 is */
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, NULL));
  /* CRC32 field set but the flags claim AES / PMULL / SHA the dump lacks */
  cpu(0, 0x10000ull, A53_PFR0);
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, NULL));
  uint64_t f;
  f = AES;
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, &f));
  f = SHA1;
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, &f));
  f = SHA256;
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, &f));
  cpu(0, 0x10010ull, A53_PFR0); /* AES without PMULL */
  f = AES;
  assert_true(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, &f));
  f = AES | PMULL;
  assert_false(wrt_crc32c_arm_idregs_have_crc32(regs, PER, 1, &f));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(crc_present_on_every_cpu),
      cmocka_unit_test(one_cpu_without_crc_means_no),
      cmocka_unit_test(dump_too_short_or_missing_means_no),
      cmocka_unit_test(implausible_layout_means_no),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
