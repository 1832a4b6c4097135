/*
 * w2c_signal.c - guard-page builds (WASM_RT_MEMCHECK_SIGNAL_HANDLER): the
 * SIGSEGV/SIGBUS handler that turns a fault inside a live Wasm memory into
 * WASM_RT_TRAP_OOB and a fault next to the stack of a thread running Wasm
 * into WASM_RT_TRAP_EXHAUSTION, and the per-thread signal stacks it runs on.
 *
 * The handler takes no lock and allocates nothing. Only a real fault
 * (si_code > 0) on a thread with a wasm_rt_impl_try_call() armed can be a
 * trap: it asks the registry (w2c_registry_covers, lock-free, through the
 * allocators' async-signal-safe region query) and the stack bounds, and
 * wasm_rt_trap() disarms the try and siglongjmps to it. Any other fault is
 * not ours: it goes to the handler installed before ours, or to the default
 * action (the process dies with the signal, as it would have), unlike
 * wabt's runtime, which turns every fault into a trap. A sent SIGSEGV or
 * SIGBUS (si_code <= 0) goes to the previous disposition at once, and the
 * handler stays installed (issue 26).
 * May include: <wasm-rt.h>, our wasm-rt-impl.h, the C library, POSIX.
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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm-rt-impl.h"
#include "w2c_internal.h"

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER

/* Signal stack per thread: enough for the handler and siglongjmp, with
 * room for sanitizer runtimes that chain to their own handler. */
#define ALT_STACK_SIZE ((size_t)256 * 1024)
/* How far below the lowest stack address an overflowing frame may fault
 * (Linux keeps a 1 MiB gap below a growing stack). */
#define STACK_SLOP ((uintptr_t)2 * 1024 * 1024)

static struct sigaction g_old_segv;
static struct sigaction g_old_bus;
static pthread_key_t g_thread_key;
/* QNX 6.4's PTHREAD_ONCE_INIT puts 0x80000000 into an int (6.4
 * lib/c/public/pthread.h:129, :424): -Wsign-conversion in the header's own
 * initialiser, silenced for this definition only (see src/qnx/qnx_parker.c). */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
#endif
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Whether this thread's signal stack and stack bounds are set up (once). */
static _Thread_local bool t_entered;
static _Thread_local void *t_alt_stack; /* ours to free, NULL if none */
static _Thread_local uintptr_t t_stack_lo;
static _Thread_local uintptr_t t_stack_hi;

static bool near_stack(uintptr_t addr) {
  if (t_stack_hi == 0u) {
    return false;
  }
  uintptr_t lo = t_stack_lo > STACK_SLOP ? t_stack_lo - STACK_SLOP : 0u;
  return addr >= lo && addr < t_stack_lo + 65536u;
}

static const struct sigaction *previous(int sig) {
  return sig == SIGBUS ? &g_old_bus : &g_old_segv;
}

/* A fault (si_code > 0) that is not a Wasm trap: to the previous handler;
 * with none, the default action: reinstated, and returning re-runs the
 * faulting access, which now ends the process with this signal (and a
 * core, if enabled), as it would have without the adapter. An ignored
 * SIGSEGV/SIGBUS cannot ignore a fault (POSIX: undefined; Linux kills). */
static void fault_to_previous(int sig, siginfo_t *si, void *ctx) {
  const struct sigaction *old = previous(sig);
  if ((old->sa_flags & SA_SIGINFO) != 0) {
    old->sa_sigaction(sig, si, ctx);
    return;
  }
  if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
    old->sa_handler(sig);
    return;
  }
  struct sigaction dfl;
  (void)memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  (void)sigemptyset(&dfl.sa_mask);
  (void)sigaction(sig, &dfl, NULL);
}

/* A sent signal (raise, kill, pthread_kill, sigqueue: si_code <= 0) has no
 * access to run again: it goes to the previous disposition now, and the
 * adapter stays installed. Ignored: nothing. Default (terminate + core):
 * the default action is put back for as long as it takes the same signal,
 * sent again to this thread, to be delivered once unblocked - it ends the
 * process; should it not (a debugger), our handler is reinstated. */
static void sent_to_previous(int sig, siginfo_t *si, void *ctx) {
  const struct sigaction *old = previous(sig);
  if ((old->sa_flags & SA_SIGINFO) != 0) {
    old->sa_sigaction(sig, si, ctx);
    return;
  }
  if (old->sa_handler == SIG_IGN) {
    return;
  }
  if (old->sa_handler != SIG_DFL) {
    old->sa_handler(sig);
    return;
  }
  struct sigaction dfl;
  struct sigaction ours;
  (void)memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  (void)sigemptyset(&dfl.sa_mask);
  if (sigaction(sig, &dfl, &ours) != 0) {
    return;
  }
  sigset_t just;
  (void)sigemptyset(&just);
  (void)sigaddset(&just, sig);
  (void)raise(sig); /* pending: sig is blocked while its handler runs */
  (void)pthread_sigmask(SIG_UNBLOCK, &just, NULL);
  (void)sigaction(sig, &ours, NULL);
}

/* Whether si reports a fault of the thread's own access, with si_addr the
 * address. POSIX: si_code <= 0 is a signal someone sent (SI_USER, SI_QUEUE,
 * SI_TKILL, ...), and si_addr then overlays the sender's pid and uid. QNX
 * says the same (SI_FROMUSER(sip) is si_code <= 0, SI_FROMKERNEL is > 0:
 * vocho/openqnx trunk/lib/c/public/sys/siginfo.h:222-223) and adds
 * SI_NOINFO (127, ibid. :247), with only si_signo valid. */
static bool is_fault(const siginfo_t *si) {
  if (si == NULL || si->si_code <= 0) {
    return false;
  }
#ifdef SI_NOINFO
  if (si->si_code == SI_NOINFO) {
    return false;
  }
#endif
  return true;
}

static void on_fault(int sig, siginfo_t *si, void *ctx) {
  if (!is_fault(si)) {
    sent_to_previous(sig, si, ctx);
    return;
  }
  /* A trap only while a try is armed on this thread: its frame is live. */
  if (w2c_try_active()) {
    if (w2c_registry_covers(si->si_addr)) {
      wasm_rt_trap(WASM_RT_TRAP_OOB);
    }
    if (near_stack((uintptr_t)si->si_addr)) {
      wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
    }
  }
  fault_to_previous(sig, si, ctx);
}

static void drop_alt_stack(void) {
  if (t_alt_stack == NULL) {
    return;
  }
  stack_t off;
  (void)memset(&off, 0, sizeof off);
  off.ss_flags = SS_DISABLE;
  (void)sigaltstack(&off, NULL);
  free(t_alt_stack);
  t_alt_stack = NULL;
}

static void thread_exit(void *unused) {
  (void)unused;
  drop_alt_stack();
}

static void make_key(void) {
  if (pthread_key_create(&g_thread_key, thread_exit) != 0) {
    w2c_die("pthread_key_create", WRT_E_OS);
  }
}

/* The thread's own signal stack, unless it already has one. */
static void ensure_alt_stack(void) {
  stack_t cur;
  if (sigaltstack(NULL, &cur) != 0) {
    w2c_die("sigaltstack", WRT_E_OS);
  }
  if ((cur.ss_flags & SS_DISABLE) == 0) {
    return;
  }
  void *mem = malloc(ALT_STACK_SIZE);
  if (mem == NULL) {
    w2c_die("signal stack", WRT_E_NO_MEMORY);
  }
  stack_t ss;
  (void)memset(&ss, 0, sizeof ss);
  ss.ss_sp = mem;
  ss.ss_size = ALT_STACK_SIZE;
  if (sigaltstack(&ss, NULL) != 0) {
    free(mem);
    w2c_die("sigaltstack", WRT_E_OS);
  }
  t_alt_stack = mem;
  (void)pthread_once(&g_key_once, make_key);
  /* Any non-NULL value makes the destructor run at thread exit. */
  (void)pthread_setspecific(g_thread_key, mem);
}

static void note_stack_bounds(void) {
  /* pthread_getattr_np is glibc's (GNU): not on QNX, nor visible to QNX
   * code built against the Neutrino host model's glibc (no _GNU_SOURCE). */
#if defined(__GLIBC__) && defined(__linux__)
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void *addr = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      t_stack_lo = (uintptr_t)addr;
      t_stack_hi = (uintptr_t)addr + size;
    }
    (void)pthread_attr_destroy(&attr);
  }
#else
  /* No portable way to learn the bounds: stack overflow is then reported
   * by the previous handler / default action, not as a trap. */
  t_stack_lo = 0u;
  t_stack_hi = 0u;
#endif
}

void w2c_signal_thread_enter(void) {
  if (t_entered) {
    return;
  }
  ensure_alt_stack();
  note_stack_bounds();
  t_entered = true;
}

void w2c_signal_install(void) {
  struct sigaction sa;
  (void)memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  (void)sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, &g_old_segv) != 0 || sigaction(SIGBUS, &sa, &g_old_bus) != 0) {
    w2c_die("sigaction", WRT_E_OS);
  }
  ensure_alt_stack();
}

void w2c_signal_remove(void) {
  (void)sigaction(SIGSEGV, &g_old_segv, NULL);
  (void)sigaction(SIGBUS, &g_old_bus, NULL);
  drop_alt_stack();
  t_entered = false;
}

#else
/* Bounds-check builds install nothing. */
void w2c_signal_install(void) {}
void w2c_signal_remove(void) {}
void w2c_signal_thread_enter(void) {}
#endif
