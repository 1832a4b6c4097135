/*
 * nto_sim_platform.h - Neutrino host model: the QNX headers' feature-test
 * gating and the model's API profile. NOT a QNX header (on QNX the gating
 * lives in <sys/platform.h> and <sys/compiler_*.h>); the model's QNX
 * headers include it first. Includes nothing.
 *
 * Gating, as the SDP 6.6 headers compute it (facts from
 * usr/include/sys/compiler_gnu.h:215 and sys/platform.h:176-257; 7.1 and
 * 8.0 the same per qnx-facts.md "Build (headers)"):
 *   __EXT            the compiler's extensions are on: __STDC__ and not
 *                    __STRICT_ANSI__ (-std=gnu11 yes, -std=c11 no)
 *   __EXT_QNX        _QNX_SOURCE, or __EXT without _POSIX_SOURCE,
 *                    _XOPEN_SOURCE or a positive _POSIX_C_SOURCE
 *   __EXT_UNIX_MISC  _QNX_SOURCE, _XOPEN_SOURCE 500, or __EXT with no
 *                    POSIX macro (platform.h:248)
 *   __EXT_POSIX1_199309 / _200112 / _200809
 *                    _QNX_SOURCE, or _POSIX_C_SOURCE >= that value (or the
 *                    matching _XOPEN_SOURCE), or __EXT with no POSIX macro
 * So -std=c11 alone shows neither QNX's nor POSIX's names, and
 * -std=c11 -D_POSIX_C_SOURCE=200809L shows POSIX but still not QNX's.
 *
 * The host side: the names themselves come from glibc, whose own gating
 * is the same for POSIX (a strict build hides clock_gettime, nanosleep,
 * CLOCK_MONOTONIC, TIMER_ABSTIME, pid_t users ...). glibc does not know
 * _QNX_SOURCE: the model's <features.h> (first in the include path of
 * everything built against the model) turns _QNX_SOURCE into glibc's
 * _DEFAULT_SOURCE, so that a file that defines _QNX_SOURCE sees on the
 * host what it would see on QNX.
 */
#ifndef NTO_SIM_PLATFORM_H
#define NTO_SIM_PLATFORM_H

/* --- API profile: 640 (the public 6.4 kernel source and its headers), 710
 * (QNX SDP 7.1), 800 (QNX SDP 8.0). Chosen with -DNTO_SIM_PROFILE=...
 * (CMake: WRT_NTO_PROFILE); the model library and everything built against
 * it must use the same one. */
#ifndef NTO_SIM_PROFILE
#define NTO_SIM_PROFILE 710
#endif
#if NTO_SIM_PROFILE != 640 && NTO_SIM_PROFILE != 710 && NTO_SIM_PROFILE != 800
#error "NTO_SIM_PROFILE must be 640, 710 or 800"
#endif

#if defined(__STDC__) && !defined(__STRICT_ANSI__)
#define NTO_SIM_EXT 1
#else
#define NTO_SIM_EXT 0
#endif

#if defined(_POSIX_C_SOURCE)
#define NTO_SIM_POSIX_C (_POSIX_C_SOURCE + 0)
#else
#define NTO_SIM_POSIX_C 0
#endif
#if defined(_XOPEN_SOURCE)
#define NTO_SIM_XOPEN (_XOPEN_SOURCE + 0)
#else
#define NTO_SIM_XOPEN 0
#endif
#if NTO_SIM_EXT && !defined(_POSIX_SOURCE) && NTO_SIM_POSIX_C <= 0
#define NTO_SIM_EXT_DEFAULT 1
#else
#define NTO_SIM_EXT_DEFAULT 0
#endif

#if !defined(__EXT_QNX) && (defined(_QNX_SOURCE) || \
    (NTO_SIM_EXT_DEFAULT && !defined(_XOPEN_SOURCE) && !defined(__NO_EXT_QNX)))
#define __EXT_QNX
#endif
#if !defined(__EXT_UNIX_MISC) && (defined(_QNX_SOURCE) || NTO_SIM_XOPEN == 500 || \
    NTO_SIM_EXT_DEFAULT)
#define __EXT_UNIX_MISC
#endif
#if !defined(__EXT_POSIX1_199309) && (defined(_QNX_SOURCE) || defined(_XOPEN_SOURCE) || \
    NTO_SIM_POSIX_C >= 199309L || NTO_SIM_EXT_DEFAULT)
#define __EXT_POSIX1_199309
#endif
#if !defined(__EXT_POSIX1_200112) && (defined(_QNX_SOURCE) || NTO_SIM_XOPEN >= 600 || \
    NTO_SIM_POSIX_C >= 200112L || (NTO_SIM_EXT_DEFAULT && !defined(_XOPEN_SOURCE)))
#define __EXT_POSIX1_200112
#endif
#if !defined(__EXT_POSIX1_200809) && (defined(_QNX_SOURCE) || NTO_SIM_XOPEN >= 700 || \
    NTO_SIM_POSIX_C >= 200809L || (NTO_SIM_EXT_DEFAULT && !defined(_XOPEN_SOURCE)))
#define __EXT_POSIX1_200809
#endif

#endif
