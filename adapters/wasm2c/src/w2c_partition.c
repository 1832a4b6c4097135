/*
 * w2c_partition.c - the wasm2c adapter's instantiate option: an instance's
 * threads in a CPU partition (see include/wrt/wasm2c_partition.h). Calls
 * the CPU-partition backend of the adapter's current memory backend.
 * May include: the adapter's and the library's public headers.
 */
#include "wrt/wasm2c_partition.h"

#include <stddef.h>

#include "wrt/wasm2c.h"

typedef struct {
  wrt_status (*create)(wrt_cpu_partition_t *, const wrt_cpu_partition_config_t *);
  wrt_status (*join)(wrt_cpu_partition_t *, int32_t);
  wrt_status (*leave)(wrt_cpu_partition_t *, int32_t);
  wrt_status (*destroy)(wrt_cpu_partition_t *);
  wrt_status (*open)(wrt_cpu_partition_t *, const char *); /* NULL: none */
} cpu_ops;

static const cpu_ops *ops_for(int backend) {
#if defined(WRT_W2C_HAVE_LINUX)
  static const cpu_ops linux_ops = {wrt_linux_cpu_partition_create, wrt_linux_cpu_partition_join,
                                    wrt_linux_cpu_partition_leave,
                                    wrt_linux_cpu_partition_destroy, NULL};
  if (backend == (int)WRT_W2C_BACKEND_LINUX) {
    return &linux_ops;
  }
#endif
#if defined(WRT_W2C_HAVE_QNX)
  static const cpu_ops qnx_ops = {wrt_qnx_cpu_partition_create, wrt_qnx_cpu_partition_join,
                                  wrt_qnx_cpu_partition_leave, wrt_qnx_cpu_partition_destroy,
                                  wrt_qnx_cpu_partition_open};
  if (backend == (int)WRT_W2C_BACKEND_QNX) {
    return &qnx_ops;
  }
#endif
  (void)backend;
  return NULL;
}

wrt_status wrt_w2c_instantiate_with(const wrt_w2c_instance_options *o, wrt_w2c_partition *p,
                                    void (*instantiate)(void *ctx), void *ctx) {
  if (o == NULL || p == NULL || instantiate == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (p->part.live) {
    return WRT_E_STATE;
  }
  int backend = (int)wrt_w2c_get_backend();
  const cpu_ops *ops = ops_for(backend);
  if (ops == NULL) {
    return WRT_E_UNSUPPORTED;
  }
  wrt_cpu_partition_config_t cfg = {.name = o->cpu_partition,
                                    .budget_percent = o->cpu_budget_percent,
                                    .critical_budget_ms = o->cpu_critical_budget_ms};
  wrt_status st = ops->create(&p->part, &cfg);
  if (st == WRT_E_STATE && o->adopt_existing && ops->open != NULL) {
    st = ops->open(&p->part, o->cpu_partition);
  }
  if (st != WRT_OK) {
    return st;
  }
  /* Recorded before the join: should the removal below fail too, p stays
   * live and wrt_w2c_partition_release must find the backend to retry. */
  p->backend = backend;
  st = ops->join(&p->part, 0);
  if (st != WRT_OK) {
    (void)ops->destroy(&p->part); /* nothing joined: removable */
    return st;
  }
  instantiate(ctx);
  return WRT_OK;
}

wrt_status wrt_w2c_partition_join(wrt_w2c_partition *p, int32_t tid) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  const cpu_ops *ops = ops_for(p->backend);
  if (!p->part.live || ops == NULL) {
    return WRT_E_STATE;
  }
  return ops->join(&p->part, tid);
}

wrt_status wrt_w2c_partition_release(wrt_w2c_partition *p) {
  if (p == NULL) {
    return WRT_E_INVALID_ARG;
  }
  const cpu_ops *ops = ops_for(p->backend);
  if (!p->part.live || ops == NULL) {
    return WRT_E_STATE;
  }
  wrt_status st = ops->leave(&p->part, 0);
  if (st != WRT_OK) {
    return st;
  }
  return ops->destroy(&p->part);
}
