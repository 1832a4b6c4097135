/*
 * sys/syspage.h - STAND-IN for QNX SDP 8.0's <sys/syspage.h> in the
 * stand-in SDP of scripts/checks/16-qnx-cross.sh (test equipment; not QNX's
 * header, no text of it). Only the names src/core/crc32c_arm.c uses, with
 * the shapes and values of the 8.0 header (gaurav-kumar-ltts/QNX8_Bazel_App
 * @ dc03d2aa, target/qnx/usr/include/sys/syspage.h and
 * aarch64/syspage.h): entries are found by byte offsets from the page's
 * start (entry_off), sized by entry_size (and element_size for arrays);
 * aarch64's idreg_dump holds AARCH64_IDDUMP_ENTRIES 64-bit ID registers per
 * CPU. The page's contents come from sysroot/src/syspage_standin.c.
 */
#ifndef WRT_STANDIN_SYS_SYSPAGE_H
#define WRT_STANDIN_SYS_SYSPAGE_H
#include <stdint.h>

typedef struct {
  uint16_t entry_off;
  uint16_t entry_size;
} syspage_entry_info;
typedef struct {
  uint16_t entry_off;
  uint16_t entry_size;
  uint16_t element_size;
} syspage_array_info;

#define AARCH64_CPU_FLAG_AES 0x100000UL
#define AARCH64_CPU_FLAG_PMULL 0x200000UL
#define AARCH64_CPU_FLAG_SHA1 0x400000UL
#define AARCH64_CPU_FLAG_SHA256 0x800000UL
#define AARCH64_IDDUMP_ENTRIES (7 * 8)

struct aarch64_idreg_dump_entry {
  uint64_t idreg[1]; /* AARCH64_IDDUMP_ENTRIES per CPU follow */
};
struct aarch64_syspage_entry {
  uint64_t L0_vaddr;
  syspage_entry_info gic_map;
  syspage_entry_info gicr_map;
  syspage_entry_info idreg_dump;
  uint64_t rsvd[6];
};
struct cpuinfo_entry {
  uint32_t cpu;
  uint32_t speed;
  uint64_t flags;
  uint64_t smp_hwcoreid;
  uint32_t spare;
  uint16_t name;
  uint8_t ins_cache;
  uint8_t data_cache;
};
struct syspage_entry {
  uint16_t size;
  uint16_t total_size;
  uint16_t type;
  uint16_t num_cpu;
  union {
    struct aarch64_syspage_entry aarch64;
    uint64_t filler[20];
  } un;
  syspage_array_info cpuinfo;
};

extern struct syspage_entry *_syspage_ptr;

#define SYSPAGE_ENTRY(f) \
  ((struct f##_entry *)(void *)((char *)_syspage_ptr + _syspage_ptr->f.entry_off))
#define SYSPAGE_ELEMENT_SIZE(f) (_syspage_ptr->f.element_size)
#define SYSPAGE_CPU_ENTRY(c, f) \
  ((struct c##_##f##_entry *)(void *)((char *)_syspage_ptr + _syspage_ptr->un.c.f.entry_off))
#define SYSPAGE_CPU_ENTRY_SIZE(c, f) (_syspage_ptr->un.c.f.entry_size)
#endif
