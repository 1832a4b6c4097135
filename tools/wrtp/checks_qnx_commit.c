/*
 * checks_qnx_commit.c - the selftest's check of the QNX allocator's eager
 * commit (QNX-010, requirement QNX-MEM-006; src/qnx/qnx_object_commit.c):
 * a grow of 16 Wasm pages takes no page fault inside grow (getrusage minor
 * faults; the touching commit it replaced took one per 4 KiB page), the new
 * memory reads as zero and the base does not move; on the Neutrino host
 * model also exactly one F_ALLOCSP (the model's counter). Compiled empty
 * where no QNX backend is built. May include: the public headers, POSIX
 * (getrusage), nto_sim_shm.h on the host model only.
 */
#include <string.h>
#include <sys/resource.h>

#include "selftest.h"

#if defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
#include "wrt/qnx_memory.h"
#if !defined(__QNXNTO__)
#include "nto_sim_shm.h"
#endif

#define CK_PAGE ((size_t)WRT_WASM_PAGE_SIZE)

static _Alignas(64) wrt_qnx_allocator_t g_eager;

static long minor_faults(void) {
  struct rusage r;
  ST_REQUIRE(getrusage(RUSAGE_SELF, &r) == 0);
  return r.ru_minflt;
}

/* QNX-010: eager grow holds memory without touching pages. */
static void eager_grow_touches_nothing(const void *bk) {
  (void)bk;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = 64;
  ST_REQUIRE(!c.lazy); /* eager is the default */
  ST_REQUIRE_ST(wrt_qnx_allocator_init(&g_eager, &c), WRT_OK);
  wrt_page_allocator_t *a = wrt_qnx_allocator_base(&g_eager);
  uint8_t *base, *b;
  size_t size, s;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  memset(base, 0x3c, size);
#if !defined(__QNXNTO__)
  nto_sim_shm_reset();
#endif
  long f0 = minor_faults();
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 16, &b, &s), WRT_OK);
  long faults = minor_faults() - f0;
#if !defined(__QNXNTO__)
  ST_REQUIRE(nto_sim_shm_calls(NTO_SIM_SHM_ALLOCSP) == 1u);
#endif
  ST_REQUIRE(faults < 16); /* 16 x 64 KiB: a touching commit takes 256 */
  ST_REQUIRE(b == base);
  for (size_t i = CK_PAGE; i < s; i++)
    ST_REQUIRE(b[i] == 0);
  ST_REQUIRE(b[0] == 0x3c);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b, s), WRT_OK);
  wrt_qnx_allocator_destroy(&g_eager);
}

const st_check st_qnx_commit_checks[] = {
    {"QNX-010", "eager grow: memory held, no page fault inside grow, zeroed, base fixed",
     ST_ON_QNX_MEMORY, eager_grow_touches_nothing},
};
const size_t st_qnx_commit_check_count =
    sizeof st_qnx_commit_checks / sizeof st_qnx_commit_checks[0];
#else
const st_check st_qnx_commit_checks[] = {{"QNX-000", "", ST_ON_QNX_MEMORY, NULL}};
const size_t st_qnx_commit_check_count = 0;
#endif
