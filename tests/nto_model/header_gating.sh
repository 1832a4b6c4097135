#!/bin/sh
# header_gating.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's headers
# gate names as the QNX SDP headers do (SDP 6.6 sys/platform.h:176-257,
# compiler_gnu.h:215, time.h:104-116; qnx-facts.md "Build (headers)" and
# "Findings from the real SDP 7.1 and 8.0 headers"; the 6.4 and 6.6 rows
# checked with scripts/qnx-sdp-check.sh's flags on the 6.4 tree of
# vocho/openqnx and the SDP 6.6 tree of unclassified-org/QNX-SDP): a strict
# -std=c11 file sees no POSIX names (clock_gettime, nanosleep) and no QNX
# <sys/mman.h> extensions (MAP_LAZY); <sys/neutrino.h> compiles there on
# 6.6, 7.1 and 8.0 but not on 6.4 (profile 640); TIMER_ABSTIME is defined in
# every mode; _POSIX_C_SOURCE shows POSIX names; _QNX_SOURCE and -std=gnu11
# show everything. Profile 640 also reproduces 6.4's pthread_atfork (only in
# <process.h>), PTHREAD_ONCE_INIT (0x80000000 into an int: -Wsign-conversion)
# and the absence of POSIX_MADV_DISCARD_NP.
# Each probe is compiled with the project's flags; "ok"/"fail" is expected.
set -u
CC=$1 INC=$2 PROFILE=$3
FLAGS="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -DNTO_SIM_PROFILE=$PROFILE -I$INC"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
probe() { # expect std defines body
  expect=$1 std=$2 defs=$3 body=$4
  printf '%s\n' "$defs" "$body" > "$tmp/p.c"
  if $CC -std=$std $FLAGS -fsyntax-only "$tmp/p.c" 2>"$tmp/err"; then got=ok; else got=fail; fi
  what=$(printf '%s' "$body" | head -1)
  if [ "$got" = "$expect" ]; then
    echo "PASS ($got) -std=$std [$defs] $what"
  else
    echo "FAIL (expected $expect, got $got) -std=$std [$defs] $what"; sed 's/^/    /' "$tmp/err" | head -5
    bad=1
  fi
}
MONO='#include <time.h>
int f(void); int f(void) { struct timespec t; return clock_gettime(CLOCK_MONOTONIC, &t); }'
SLEEP='#include <time.h>
int f(const struct timespec *t); int f(const struct timespec *t) { return nanosleep(t, 0); }'
NTO='#include <sys/neutrino.h>
int f(void); int f(void) { return ChannelCreate(0); }'
LAZY='#include <sys/mman.h>
int f(void); int f(void) { return MAP_LAZY | MAP_ANON; }'
ABS='#include <time.h>
unsigned long long f(void); unsigned long long f(void) { return TIMER_ABSTIME; }'
ATFORK='#include <pthread.h>
int f(void); int f(void) { return pthread_atfork(0, 0, 0); }'
ATFORK_PROCESS='#include <process.h>
#include <pthread.h>
int f(void); int f(void) { return pthread_atfork(0, 0, 0); }'
ONCE='#include <pthread.h>
static pthread_once_t o = PTHREAD_ONCE_INIT;
pthread_once_t *f(void); pthread_once_t *f(void) { return &o; }'
DISCARD='#include <sys/mman.h>
int f(void); int f(void) { return POSIX_MADV_DISCARD_NP; }'
if [ "$PROFILE" = 640 ]; then NTO_STRICT=fail; OLD=fail; else NTO_STRICT=ok; OLD=ok; fi
probe fail c11 '' "$MONO"
probe fail c11 '' "$SLEEP"
probe $NTO_STRICT c11 '' "$NTO"
probe fail c11 '' "$LAZY"
probe ok   c11 '' "$ABS"
probe ok   c11 '#define _POSIX_C_SOURCE 200809L' "$MONO"
probe ok   c11 '#define _POSIX_C_SOURCE 200809L' "$SLEEP"
probe $NTO_STRICT c11 '#define _POSIX_C_SOURCE 200809L' "$NTO"
probe fail c11 '#define _POSIX_C_SOURCE 200809L' "$LAZY"
probe ok   c11 '#define _POSIX_C_SOURCE 200809L' "$ABS"
probe ok   c11 '#define _QNX_SOURCE 1' "$MONO"
probe ok   c11 '#define _QNX_SOURCE 1' "$SLEEP"
probe ok   c11 '#define _QNX_SOURCE 1' "$NTO"
probe ok   c11 '#define _QNX_SOURCE 1' "$LAZY"
probe ok   c11 '#define _QNX_SOURCE 1' "$ABS"
probe ok   gnu11 '' "$MONO"
probe ok   gnu11 '' "$NTO"
# 6.4 (profile 640) against 7.1/8.0
probe $OLD c11 '#define _QNX_SOURCE 1' "$ATFORK"
probe ok   c11 '#define _QNX_SOURCE 1' "$ATFORK_PROCESS"
# clang does not report the conversion inside the braces of a header's
# macro (nor with the real 6.4 headers given as system headers); gcc does.
case "$CC" in *clang*) ONCE_640=ok ;; *) ONCE_640=$OLD ;; esac
probe $ONCE_640 c11 '#define _QNX_SOURCE 1' "$ONCE"
probe $OLD c11 '#define _QNX_SOURCE 1' "$DISCARD"
exit $bad
