/*
 * crc32c_arm.c - the ARMv8 CRC32 path of wrt_crc32c on aarch64, and the
 * check of a QNX system page's CPU description that decides whether it may
 * run (that check is plain C and built everywhere, so the host tests it).
 *
 * Two ways in:
 *  - built with the CRC extension (__ARM_FEATURE_CRC32, e.g. the Linux
 *    aarch64 toolchain's -march=armv8-a+crc): always on, chosen at compile
 *    time. CRC32 is mandatory from ARMv8.1, so targets that have it can be
 *    built with it;
 *  - QNX aarch64 without it (GCC's aarch64 default is ARMv8.0, where CRC32
 *    is optional; Rust's QNX aarch64 targets likewise assume "+v8a" only:
 *    rust-lang/rust, rustc_target/src/spec/base/nto_qnx.rs): the functions
 *    that use the instructions carry __attribute__((target("+crc"))) and
 *    run only when the CPU says it has them. QNX has no getauxval(AT_HWCAP) (8.0's
 *    <sys/auxv.h> has no AT_HWCAP) and no CRC32 bit among the cpuinfo flags
 *    (7.1 and 8.0 <aarch64/syspage.h>, AARCH64_CPU_FLAG_*); 8.0's system
 *    page carries a dump of the ID registers instead (aarch64.idreg_dump,
 *    AARCH64_IDDUMP_ENTRIES = 7 * 8 per CPU, S3_0_C0_C1_0 to S3_0_C0_C7_7;
 *    gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aa,
 *    target/qnx/usr/include/aarch64/syspage.h), whose ID_AA64ISAR0_EL1
 *    says CRC32 (wrt_crc32c_arm_idregs_have_crc32 below). 7.1's system page
 *    has no such dump (Spitzbube/qnx-sdp @ 8d745006, same file): there the
 *    portable path runs unless the build enables +crc.
 * Elsewhere (aarch64 Linux without +crc, other CPUs) the portable path.
 *
 * src/core is OS-free; the one exception is here: on QNX aarch64 only, the
 * read of the system page (<sys/syspage.h>, _syspage_ptr: memory mapped
 * into every process, no kernel call), which is the OS's answer to "does
 * this CPU have CRC32" as cpuid is the CPU's on x86 (crc32c_x86.c).
 * May include: the compiler's <arm_acle.h>, QNX's <sys/syspage.h>,
 * crc32c_impl.h and the C library. The three-stream structure is the same
 * as the x86 path's (crc32c_impl.h).
 */
#if (defined(__QNX__) || defined(__QNXNTO__)) && defined(__aarch64__)
/* <sys/syspage.h> is a QNX header: in strict -std=c11 QNX shows its own
 * names only when asked (QNX 7.1 Programmer's Guide, "Conforming to
 * standards"); MISRA deviation DEV-21.1-01. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include "crc32c_impl.h"

/* Where the instructions are built in: with +crc, or on QNX with GCC (whose
 * target attribute and <arm_acle.h> this relies on). */
#if defined(__aarch64__) && \
    (defined(__ARM_FEATURE_CRC32) || ((defined(__QNX__) || defined(__QNXNTO__)) && \
                                      defined(__GNUC__) && !defined(__clang__)))
#define WRT_CRC32C_ARM_BUILT 1
#include <arm_acle.h>
#include <string.h>
#if !defined(__ARM_FEATURE_CRC32)
#include <stdatomic.h>
#include <sys/syspage.h>
#endif
#endif

/* --- the QNX 8.0 ID-register dump (any platform: pure, host-tested) ------
 * Where each register is: the dump runs through the ID register space in
 * encoding order, op2 fastest (the header's range S3_0_C0_C1_0 ..
 * S3_0_C0_C7_7 and its 7 * 8 count), so S3_0_C0_C<m>_<o> is entry
 * (m - 1) * 8 + o. That ordering is read from the header, not from a
 * document, and no board has confirmed it: hence the plausibility checks,
 * which a wrong ordering fails (then the portable path runs). Register
 * encodings and fields: Arm Architecture Reference Manual (DDI 0487),
 * ID_AA64ISAR0_EL1 (S3_0_C0_C6_0): AES [7:4] (1 AES, 2 AES+PMULL), SHA1
 * [11:8], SHA2 [15:12], CRC32 [19:16] (1 = CRC32/CRC32C instructions);
 * ID_AA64PFR0_EL1 (S3_0_C0_C4_0): EL0 [3:0] (1 or 2 = EL0 runs AArch64,
 * which any process reading this does). The cpuinfo flag values are 8.0's
 * AARCH64_CPU_FLAG_AES 0x100000, _PMULL 0x200000, _SHA1 0x400000, _SHA256
 * 0x800000 (same header). */
#define ARM_IDREG(crm, op2) ((((crm) - 1u) * 8u) + (op2))
#define ARM_ID_AA64PFR0 ARM_IDREG(4u, 0u)
#define ARM_ID_AA64ISAR0 ARM_IDREG(6u, 0u)
#define ARM_FIELD(v, lsb) ((unsigned)(((v) >> (lsb)) & 0xfu))
#define QNX_FLAG_AES 0x100000u
#define QNX_FLAG_PMULL 0x200000u
#define QNX_FLAG_SHA1 0x400000u
#define QNX_FLAG_SHA256 0x800000u

/* Does one CPU's dump agree with what its cpuinfo flags already say? A flag
 * set for a feature the dump lacks means the dump is not laid out as
 * assumed. (Flags a startup program leaves clear prove nothing.) */
static bool arm_dump_matches_flags(uint64_t isar0, uint64_t flags) {
  unsigned aes = ARM_FIELD(isar0, 4u);
  bool ok = true;
  if (((flags & QNX_FLAG_AES) != 0u) && (aes == 0u)) {
    ok = false;
  }
  if (((flags & QNX_FLAG_PMULL) != 0u) && (aes < 2u)) {
    ok = false;
  }
  if (((flags & QNX_FLAG_SHA1) != 0u) && (ARM_FIELD(isar0, 8u) == 0u)) {
    ok = false;
  }
  if (((flags & QNX_FLAG_SHA256) != 0u) && (ARM_FIELD(isar0, 12u) == 0u)) {
    ok = false;
  }
  return ok;
}

bool wrt_crc32c_arm_idregs_have_crc32(const uint64_t *regs, size_t n_regs,
                                      unsigned num_cpu, const uint64_t *cpu_flags) {
  bool ok = (regs != NULL) && (num_cpu != 0u) &&
            ((n_regs / WRT_CRC32C_ARM_IDREGS_PER_CPU) >= num_cpu);
  for (unsigned cpu = 0u; ok && (cpu < num_cpu); cpu++) {
    size_t base = (size_t)cpu * WRT_CRC32C_ARM_IDREGS_PER_CPU;
    uint64_t isar0 = regs[base + ARM_ID_AA64ISAR0];
    unsigned el0 = ARM_FIELD(regs[base + ARM_ID_AA64PFR0], 0u);
    bool flags_agree = (cpu_flags == NULL) || arm_dump_matches_flags(isar0, cpu_flags[cpu]);
    ok = ((el0 == 1u) || (el0 == 2u)) && flags_agree && (ARM_FIELD(isar0, 16u) != 0u);
  }
  return ok;
}

#if defined(WRT_CRC32C_ARM_BUILT)

#if defined(__ARM_FEATURE_CRC32)
/* The whole build has CRC32: no attribute, no question asked. */
#define WRT_CRC32C_ARM_CRC
bool wrt_crc32c_hw_available(void) { return true; }
#else
/* Only these functions may use CRC32 (GCC's <arm_acle.h> declares the
 * intrinsics under "+crc" itself, so a function with the same target may
 * call them); nothing reaches them unless wrt_crc32c_hw_available(). */
#define WRT_CRC32C_ARM_CRC __attribute__((target("+crc")))

/* 0 unknown, 1 no, 2 yes. A mutable global because the system page is
 * asked on every wrt_crc32c call otherwise; the answer cannot change while
 * the process runs, and racing first callers all store the same value. */
static _Atomic int arm_state;

/* The system page's answer, through the accessors of 8.0's <sys/syspage.h>
 * (SYSPAGE_ENTRY, SYSPAGE_ELEMENT_SIZE, SYSPAGE_CPU_ENTRY(_SIZE): byte
 * offsets and sizes from the page's start). */
static bool qnx_cpu_has_crc32(void) {
#if defined(AARCH64_IDDUMP_ENTRIES)
  if (_syspage_ptr == NULL || SYSPAGE_CPU_ENTRY_SIZE(aarch64, idreg_dump) == 0u) {
    return false;
  }
  _Static_assert(AARCH64_IDDUMP_ENTRIES == WRT_CRC32C_ARM_IDREGS_PER_CPU, "idreg_dump per CPU");
  enum { MAX_CPUS = 64 };
  uint64_t flags[MAX_CPUS];
  unsigned ncpu = _syspage_ptr->num_cpu;
  if (ncpu == 0u || ncpu > MAX_CPUS) {
    return false;
  }
  const struct cpuinfo_entry *ci = SYSPAGE_ENTRY(cpuinfo);
  size_t stride = SYSPAGE_ELEMENT_SIZE(cpuinfo);
  if (stride < sizeof *ci) {
    stride = sizeof *ci;
  }
  for (unsigned i = 0u; i < ncpu; i++) {
    const struct cpuinfo_entry *e =
        (const struct cpuinfo_entry *)(const void *)((const char *)ci + (size_t)i * stride);
    flags[i] = e->flags;
  }
  return wrt_crc32c_arm_idregs_have_crc32(SYSPAGE_CPU_ENTRY(aarch64, idreg_dump)->idreg,
                                          SYSPAGE_CPU_ENTRY_SIZE(aarch64, idreg_dump) /
                                              sizeof(uint64_t),
                                          ncpu, flags);
#else
  /* This SDP's system page has no ID-register dump (7.1): unknown, so no. */
  return false;
#endif
}

bool wrt_crc32c_hw_available(void) {
  int state = atomic_load_explicit(&arm_state, memory_order_relaxed);
  if (state == 0) {
    state = qnx_cpu_has_crc32() ? 2 : 1;
    atomic_store_explicit(&arm_state, state, memory_order_relaxed);
  }
  return state == 2;
}
#endif

const char *wrt_crc32c_hw_name(void) { return "armv8-crc"; }

WRT_CRC32C_ARM_CRC static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

WRT_CRC32C_ARM_CRC static uint32_t three_way(uint32_t crc0, const unsigned char *p, size_t chunk,
                          const uint32_t zeros[4][256]) {
  uint32_t crc1 = 0, crc2 = 0;
  const unsigned char *end = p + chunk;
  do {
    crc0 = __crc32cd(crc0, load64(p));
    crc1 = __crc32cd(crc1, load64(p + chunk));
    crc2 = __crc32cd(crc2, load64(p + 2u * chunk));
    p += 8;
  } while (p < end);
  crc0 = wrt_crc32c_shift(zeros, crc0) ^ crc1;
  crc0 = wrt_crc32c_shift(zeros, crc0) ^ crc2;
  return crc0;
}

WRT_CRC32C_ARM_CRC uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  const unsigned char *p = data;
  uint32_t reg = ~crc;
  if (len == 0u || p == NULL) {
    return crc;
  }
  while (len > 0u && ((uintptr_t)p & 7u) != 0u) {
    reg = __crc32cb(reg, *p++);
    len--;
  }
  while (len >= 3u * WRT_CRC32C_LONG) {
    reg = three_way(reg, p, WRT_CRC32C_LONG, wrt_crc32c_long_zeros);
    p += 3u * WRT_CRC32C_LONG;
    len -= 3u * WRT_CRC32C_LONG;
  }
  while (len >= 3u * WRT_CRC32C_SHORT) {
    reg = three_way(reg, p, WRT_CRC32C_SHORT, wrt_crc32c_short_zeros);
    p += 3u * WRT_CRC32C_SHORT;
    len -= 3u * WRT_CRC32C_SHORT;
  }
  while (len >= 8u) {
    reg = __crc32cd(reg, load64(p));
    p += 8;
    len -= 8u;
  }
  while (len > 0u) {
    reg = __crc32cb(reg, *p++);
    len--;
  }
  return ~reg;
}

#elif !defined(__x86_64__)
/* No hardware path in this build: wrt_crc32c uses the portable one. */

bool wrt_crc32c_hw_available(void) { return false; }

const char *wrt_crc32c_hw_name(void) { return NULL; }

uint32_t wrt_crc32c_hw(uint32_t crc, const void *data, size_t len) {
  return wrt_crc32c_portable(crc, data, len);
}

#endif
