#!/bin/sh
# header_gating.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's headers
# gate names as the QNX SDP headers do (SDP 6.6 sys/platform.h:176-257,
# compiler_gnu.h:215, time.h:104-116, sys/neutrino.h:208-211/690;
# qnx-facts.md "Build (headers)"): a strict -std=c11 file sees neither POSIX
# nor QNX names; _POSIX_C_SOURCE shows POSIX but not <sys/neutrino.h>;
# _QNX_SOURCE shows both; -std=gnu11 (no __STRICT_ANSI__) shows both.
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
probe fail c11 '' "$MONO"
probe fail c11 '' "$SLEEP"
probe fail c11 '' "$NTO"
probe fail c11 '' "$LAZY"
probe ok   c11 '#define _POSIX_C_SOURCE 200809L' "$MONO"
probe ok   c11 '#define _POSIX_C_SOURCE 200809L' "$SLEEP"
probe fail c11 '#define _POSIX_C_SOURCE 200809L' "$NTO"
probe fail c11 '#define _POSIX_C_SOURCE 200809L' "$LAZY"
probe ok   c11 '#define _QNX_SOURCE 1' "$MONO"
probe ok   c11 '#define _QNX_SOURCE 1' "$SLEEP"
probe ok   c11 '#define _QNX_SOURCE 1' "$NTO"
probe ok   c11 '#define _QNX_SOURCE 1' "$LAZY"
probe ok   gnu11 '' "$MONO"
probe ok   gnu11 '' "$NTO"
exit $bad
