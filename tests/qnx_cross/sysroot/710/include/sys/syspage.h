/*
 * sys/syspage.h - STAND-IN for QNX SDP 7.1's <sys/syspage.h> in the
 * stand-in SDP of scripts/checks/16-qnx-cross.sh (test equipment; not QNX's
 * header). What matters for src/core/crc32c_arm.c is what 7.1 lacks: its
 * aarch64 system page has no ID-register dump and so no
 * AARCH64_IDDUMP_ENTRIES (Spitzbube/qnx-sdp @ 8d745006,
 * target/qnx7/usr/include/aarch64/syspage.h), and no CRC32 cpuinfo flag.
 */
#ifndef WRT_STANDIN_SYS_SYSPAGE_H
#define WRT_STANDIN_SYS_SYSPAGE_H
struct syspage_entry;
extern struct syspage_entry *_syspage_ptr;
#endif
