/*
 * features.h (Neutrino host model) - glibc's feature-test header, reached
 * first because sim/neutrino/include precedes the system directories. It
 * maps QNX's _QNX_SOURCE ("everything": 7.1 Programmer's Guide,
 * "Conforming to standards") onto glibc's _DEFAULT_SOURCE, so that code
 * built against the model sees the names it would see on QNX; any other
 * feature macro (or none) is left to glibc, whose POSIX gating matches
 * QNX's (see nto_sim_platform.h). NOT a QNX header; includes glibc's.
 */
#pragma GCC system_header
#if defined(_QNX_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif
#include_next <features.h>
