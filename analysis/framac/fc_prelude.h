/*
 * fc_prelude.h - included first into every file Frama-C analyses
 * (scripts/checks/40-framac.sh, -include). Works around a gap in
 * Frama-C 25 (20220511)'s own libc: its stdatomic.h expands atomic_init
 * to a call of __fc_atomic_init_marker, which only its stdatomic.c
 * defines, with no prototype in the header. Without one the first call
 * in a file fixes an implicit K&R type (e.g. `_Bool *`), and the next
 * atomic_init on another type (`size_t *`) is reported as a type error.
 * This is the prototype of that (empty) marker as stdatomic.c defines it;
 * atomic_init's effect, `*obj = value`, is in the macro itself.
 * Frama-C 25 also rejects _Alignas ("currently unsupported by Frama-C",
 * include/wrt/wait_table.h); the GCC attribute it does parse requests
 * the same alignment, so the layout EVA sees is the compiler's. It
 * rejects _Alignof too (src/core/pool_object_sizes.c); GCC's __alignof__,
 * which it parses, gives the same value.
 * Analysis code only: never compiled into the library.
 */
#ifndef WRT_FC_PRELUDE_H
#define WRT_FC_PRELUDE_H
void __fc_atomic_init_marker(void *obj, unsigned long long value);
#define _Alignas(n) __attribute__((__aligned__(n)))
#define _Alignof(t) __alignof__(t)
#endif
