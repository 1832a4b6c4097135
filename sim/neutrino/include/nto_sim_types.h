/*
 * nto_sim_types.h - Neutrino host model: the QNX fixed-width type names the
 * SDP prototypes are written in (_Uint32t, _Uint64t, _Int64t, _Sizet). NOT
 * a QNX header (on QNX they come from <sys/platform.h> through every
 * header); the model's QNX headers include it. Includes <stddef.h> and
 * <stdint.h>.
 *
 * On QNX the <stdint.h> names are these types (SDP 7.1, Spitzbube/qnx-sdp
 * @ 8d745006d9fe7b6b27dcf9ad8bae7d93b9590adb, target/qnx7/usr/include/
 * stdint.h: uint32_t is _Uint32t, uint64_t is _Uint64t), so a prototype
 * written with _Uint64t * accepts a uint64_t * there. The model keeps that
 * identity by defining each QNX name as the host's <stdint.h> type; the
 * prototype test (tests/nto_model/nto_prototypes.c) relies on it.
 */
#ifndef NTO_SIM_TYPES_H
#define NTO_SIM_TYPES_H
#include <stddef.h>
#include <stdint.h>
typedef int32_t _Int32t;
typedef uint32_t _Uint32t;
typedef int64_t _Int64t;
typedef uint64_t _Uint64t;
typedef size_t _Sizet;
#endif
