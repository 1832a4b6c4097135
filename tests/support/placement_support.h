/*
 * placement_support.h - what the placement tests of both backends share
 * (issue 27): run this test program again as a second process, count open
 * descriptors, see whether a POSIX shm name exists. Test code only.
 */
#ifndef WRT_TEST_PLACEMENT_SUPPORT_H
#define WRT_TEST_PLACEMENT_SUPPORT_H

/* wrt_pt_spawn's answer when the kernel refused to exec the program
 * (ENOEXEC: e.g. an aarch64 test under qemu-user on an x86 host without
 * binfmt_misc, where only the first process is emulated). */
#define WRT_PT_NO_EXEC (-2)

/* Runs /proc/self/exe as "cmd 3 a1 a2" in a child that inherits fd as
 * descriptor 3, or (fd < 0) as "cmd a1 a2 a3"; returns its exit status,
 * WRT_PT_NO_EXEC, or -1 if it did not exit normally. */
int wrt_pt_spawn(const char *cmd, int fd, const char *a1, const char *a2, const char *a3);
/* The probe a second-process test starts with: execs this program once and
 * skips the calling cmocka test, with the reason, when the host cannot. */
void wrt_pt_need_exec(void);
/* Entries of /proc/self/fd now (-1 if unreadable). */
int wrt_pt_open_fds(void);
/* 1 if a shm object of that name exists (opened read-only), else 0. */
int wrt_pt_shm_exists(const char *name);

#endif
