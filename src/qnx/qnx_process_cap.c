/*
 * qnx_process_cap.c - the whole-process memory cap (RLIMIT_AS) that QNX's
 * memory manager enforces on every mapping; see include/wrt/qnx_memory.h.
 *
 * Real QNX code: only POSIX names. May include: <errno.h>,
 * <sys/resource.h> and wrt headers. Doc references are to the QNX C Library
 * Reference (7.1 / 8.0) unless said otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#define _QNX_SOURCE 1

#include "wrt/qnx_memory.h"

#include <errno.h>
#include <sys/resource.h>

/* setrlimit / getrlimit (QNX C Library Reference): RLIMIT_AS, "the maximum
 * size of the process's total available memory (address space), in bytes"
 * (RLIMIT_VMEM in QNX's sys/resource.h); mmap fails with ENOMEM once the new
 * total reaches it (>=, mm_rlimit.c:22-30). Only the soft limit is set. */
wrt_status wrt_qnx_set_process_memory_cap(uint64_t bytes) {
  if (bytes == 0u) {
    return WRT_E_INVALID_ARG;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    return WRT_E_OS;
  }
  rlim_t want;
  if (bytes == WRT_QNX_MEMORY_CAP_NONE) {
    want = rl.rlim_max;
  } else {
    /* RLIM_INFINITY and the values above it are special on QNX
     * (RLIM_INFINITY is (uint64_t)-3 there). */
    if ((uint64_t)(rlim_t)bytes != bytes || bytes >= (uint64_t)RLIM_INFINITY) {
      return WRT_E_INVALID_ARG;
    }
    want = (rlim_t)bytes;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) {
      return WRT_E_LIMIT;
    }
  }
  rl.rlim_cur = want;
  if (setrlimit(RLIMIT_AS, &rl) != 0) {
    return errno == EPERM ? WRT_E_LIMIT : WRT_E_OS;
  }
  return WRT_OK;
}

/* Anonymous private mappings, PROT_NONE reservations included, are also
 * counted against RLIMIT_DATA (vmm_mmap.c:593-597), so the cap that bounds
 * this allocator's anonymous regions is the smaller soft limit. */
wrt_status wrt_qnx_get_process_memory_cap(uint64_t *bytes) {
  if (bytes == NULL) {
    return WRT_E_INVALID_ARG;
  }
  struct rlimit as, data;
  if (getrlimit(RLIMIT_AS, &as) != 0 || getrlimit(RLIMIT_DATA, &data) != 0) {
    return WRT_E_OS;
  }
  rlim_t cur = as.rlim_cur;
  if (data.rlim_cur != RLIM_INFINITY && (cur == RLIM_INFINITY || data.rlim_cur < cur)) {
    cur = data.rlim_cur;
  }
  *bytes = cur == RLIM_INFINITY ? WRT_QNX_MEMORY_CAP_NONE : (uint64_t)cur;
  return WRT_OK;
}
