/*
 * nto_sim_resource.c - the Neutrino host model's getrlimit/setrlimit: QNX's
 * resource numbers and RLIM_INFINITY (sim/neutrino/include/sys/resource.h)
 * translated to the host's. Host code: uses glibc's names. Includes
 * <errno.h>, <sys/resource.h>.
 */
#define NTO_SIM_HOST_NAMES 1
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stddef.h>
#include <sys/resource.h>

/* QNX number -> host number; -1: no host equivalent (NTHR 9, FREEMEM 10). */
static int host_resource(int qnx) {
  static const int map[] = {RLIMIT_CPU,  RLIMIT_FSIZE, RLIMIT_DATA,   RLIMIT_STACK,
                            RLIMIT_CORE, RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_MEMLOCK,
                            RLIMIT_NPROC};
  if (qnx < 0 || (unsigned)qnx >= sizeof map / sizeof map[0]) {
    return -1;
  }
  return map[qnx];
}

static rlim_t to_qnx(rlim_t v) { return v == RLIM_INFINITY ? NTO_SIM_RLIM_INFINITY : v; }
static rlim_t to_host(rlim_t v) { return v == NTO_SIM_RLIM_INFINITY ? RLIM_INFINITY : v; }

int nto_sim_getrlimit(int resource, struct rlimit *rl) {
  int r = host_resource(resource);
  if (r < 0) {
    errno = EINVAL;
    return -1;
  }
  struct rlimit h;
  if (getrlimit((__rlimit_resource_t)r, &h) != 0) {
    return -1;
  }
  if (rl == NULL) {
    errno = EFAULT;
    return -1;
  }
  rl->rlim_cur = to_qnx(h.rlim_cur);
  rl->rlim_max = to_qnx(h.rlim_max);
  return 0;
}

int nto_sim_setrlimit(int resource, const struct rlimit *rl) {
  int r = host_resource(resource);
  if (r < 0 || rl == NULL) {
    errno = r < 0 ? EINVAL : EFAULT;
    return -1;
  }
  /* QNX: "EINVAL ... rlim_cur exceeds rlim_max" (setrlimit); the host
   * agrees once both are translated. */
  struct rlimit h = {to_host(rl->rlim_cur), to_host(rl->rlim_max)};
  return setrlimit((__rlimit_resource_t)r, &h);
}
