/*
 * pool_os.h - what a backend gives the OS-free pool (src/core/pool.c):
 * its four address-space calls (internal to the library).
 *
 * src/linux/linux_pool.c and src/qnx/qnx_pool.c each fill one table and
 * call wrt_pool_init_os. Every call returns 0 or an errno value; the pool
 * maps errno to a status. OS-free: includes only public headers.
 */
#ifndef WRT_CORE_POOL_OS_H
#define WRT_CORE_POOL_OS_H

#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/pool.h"

struct wrt_pool_os {
  /* Reserve len bytes of inaccessible address space holding no memory. */
  int (*reserve)(size_t len, uint8_t **out);
  /* Give a reservation back (destroy, and init's failure paths). */
  int (*unreserve)(uint8_t *addr, size_t len);
  /* Change the access of whole OS pages of the reservation. */
  int (*protect)(uint8_t *addr, size_t len, wrt_mem_access access);
  /* Decommit whole OS pages (read-write now): their memory goes back to the
   * OS and they read as zero when next made accessible. The pool makes them
   * PROT_NONE with protect() afterwards. */
  int (*discard)(uint8_t *addr, size_t len);
  /* NULL, or a hint at init: keep [addr, addr + len) one unit of the OS's
   * address-space bookkeeping, so that changing its access as a whole
   * never splits or merges one. The pool passes each slot's keep-resident
   * bytes, or its first Wasm page if it keeps none: what the cycle of an
   * instance that fits them toggles. Its failure only costs time (the
   * pool ignores it). */
  void (*isolate)(uint8_t *addr, size_t len);
};

/* The pool's init once the backend knows its OS page size. */
wrt_status wrt_pool_init_os(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                            const wrt_pool_config_t *cfg, const struct wrt_pool_os *os,
                            size_t os_page);

#endif
