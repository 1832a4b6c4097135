/*
 * linux_prot.h - the one translation of wrt_mem_access into mmap/mprotect
 * protection bits for the Linux backend (linux_memory.c, linux_pool.c).
 * Internal. Includes only <sys/mman.h> and the public memory header.
 */
#ifndef WRT_LINUX_PROT_H
#define WRT_LINUX_PROT_H

#include <sys/mman.h>

#include "wrt/memory.h"

/* Callers validate access first (wrt_page_check_protect); anything else is
 * read-write. */
static inline int wrt_linux_prot(wrt_mem_access access) {
  int prot = PROT_READ | PROT_WRITE;
  if (access == WRT_MEM_NONE) {
    prot = PROT_NONE;
  } else if (access == WRT_MEM_READ) {
    prot = PROT_READ;
  } else {
    /* read-write */
  }
  return prot;
}

#endif
