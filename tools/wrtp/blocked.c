/*
 * blocked.c - how the selftest's checks learn that a thread is BLOCKED in a
 * futex wait before they wake it (internal to wrtp). A check that instead
 * slept a fixed time "for the thread to settle" failed at random on a loaded
 * machine or under TSan: the wake came before the waiter was in the wait and
 * was (rightly) lost. Here a check polls the condition itself, with a 10 s
 * deadline that only a hang reaches, and fails naming what it waited for.
 *
 * Per backend: Linux reads /proc/self/task/<tid>/syscall (the thread is
 * stopped in the futex system call); the Neutrino host model counts its
 * receive-blocked threads (a QNX futex waiter blocks only in MsgReceivePulse
 * on its own parker channel, and in a check's child the check's threads are
 * the only receivers). On a real QNX kernel there is no count here: the
 * check falls back to a long settle time after the thread has started
 * (documented at ST_SETTLE_FALLBACK_NS). May include: selftest.h, POSIX, and
 * on Linux <sys/syscall.h>; nto_sim.h on the host model only.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <stdio.h>
#include <unistd.h>

#include "selftest.h"

#if defined(__linux__)
#include <sys/syscall.h>
#endif
#if !(defined(__QNX__) || defined(__QNXNTO__)) && defined(WRTP_HAVE_QNX_MODEL)
#include "nto_sim.h"
#endif

/* The real QNX fallback: after the waiter has published that it started, it
 * has a few system calls left before it is receive-blocked. A precise
 * alternative exists (devctl DCMD_PROC_TIDSTATUS on /proc/self/as, state
 * STATE_RECEIVE) but cannot be compiled or run on this host, so it is not
 * written; a late waiter makes SYNC-005/006/009 and QNX-005 fail there, it
 * never makes them pass wrongly. */
#define ST_SETTLE_FALLBACK_NS 500000000ull
#define ST_BLOCKED_DEADLINE_NS 10000000000ull

int st_thread_id(void) {
#if defined(__linux__)
  return (int)syscall(SYS_gettid);
#else
  return 1; /* only "has started": no backend here counts by thread id */
#endif
}

unsigned st_linux_futex_blocked(const int *tids, unsigned n) {
#if defined(__linux__)
  unsigned blocked = 0;
  for (unsigned i = 0; i < n; i++) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tids[i]);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
      return ST_BLOCKED_UNKNOWN; /* no /proc or no access: cannot see it */
    }
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    long nr = -1;
    /* "NR args..." while stopped in a system call, "running" otherwise.
     * Under qemu-user the file shows the emulator's host thread, which is
     * in the HOST's futex call: accept x86-64's (202) and aarch64's (98)
     * numbers besides our own; a waiter is in no other call with them. */
    if (sscanf(buf, "%ld", &nr) == 1 && (nr == SYS_futex || nr == 202 || nr == 98)) {
      blocked++;
    }
  }
  return blocked;
#else
  (void)tids;
  (void)n;
  return ST_BLOCKED_UNKNOWN;
#endif
}

unsigned st_qnx_blocked(const int *tids, unsigned n) {
  (void)tids;
#if !(defined(__QNX__) || defined(__QNXNTO__)) && defined(WRTP_HAVE_QNX_MODEL)
  unsigned total = nto_sim_blocked_receivers_total();
  return total < n ? total : n;
#else
  (void)n;
  return ST_BLOCKED_UNKNOWN;
#endif
}

void st_await_blocked(st_blocked_fn count, const int *tids, unsigned n, unsigned want,
                      const char *file, int line) {
  unsigned got = count != NULL ? count(tids, n) : ST_BLOCKED_UNKNOWN;
  if (got == ST_BLOCKED_UNKNOWN) {
    st_sleep_ns(ST_SETTLE_FALLBACK_NS);
    return;
  }
  uint64_t t0 = st_now_ns();
  while (got != want) {
    if (st_now_ns() - t0 > ST_BLOCKED_DEADLINE_NS) {
      st_fail(file, line, "after 10 s, %u of %u waiter threads blocked in the wait, want %u",
              got, n, want);
    }
    st_sleep_ns(100000);
    got = count(tids, n);
    if (got == ST_BLOCKED_UNKNOWN) {
      st_fail(file, line, "a waiter thread ended (or became unreadable) before it was woken");
    }
  }
}
