/*
 * wrt/wasm2c_partition.h - the wasm2c adapter's instantiate option: run an
 * instance's thread in a CPU partition (wrt/cpu_partition.h) on the
 * adapter's current backend (wrt_w2c_get_backend()).
 *
 * wasm2c generates the instantiate call (Z_<mod>_instantiate), so the option
 * wraps it: wrt_w2c_instantiate_with() creates the partition, joins the
 * calling thread - the one that instantiates and then runs the instance -
 * and calls the caller's instantiate function. A partition's budget covers
 * the threads joined to it, so every other thread that runs the instance
 * joins with wrt_w2c_partition_join().
 * Not heap-free (the adapter is not); this file allocates nothing.
 */
#ifndef WRT_WASM2C_PARTITION_H
#define WRT_WASM2C_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt/cpu_partition.h"
#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wrt_w2c_instance_options {
  const char *cpu_partition;       /* the partition's name (wrt/cpu_partition.h rules) */
  uint32_t cpu_budget_percent;     /* 1..100 */
  uint32_t cpu_critical_budget_ms; /* QNX only; 0: none */
  /* QNX: an APS partition of that name that already exists (APS partitions
   * outlive processes and cannot be deleted) is adopted instead of EEXIST.
   * Ignored on Linux, where an existing group is WRT_E_STATE. */
  bool adopt_existing;
} wrt_w2c_instance_options;

/* Caller-owned; fields are private. */
typedef struct wrt_w2c_partition {
  wrt_cpu_partition_t part;
  int backend; /* wrt_w2c_backend at creation */
} wrt_w2c_partition;

/* Creates the partition (or adopts it, see above), joins the calling thread
 * and calls instantiate(ctx). On a non-OK status the thread is not moved,
 * instantiate is not called and p is not live. Linux: no group is left
 * (unless its removal after a refused join failed too: then p stays live
 * and wrt_w2c_partition_release retries it). QNX: a partition
 * APS made before the join was refused stays (APS cannot delete one;
 * adopt_existing finds it again). */
wrt_status wrt_w2c_instantiate_with(const wrt_w2c_instance_options *o, wrt_w2c_partition *p,
                                    void (*instantiate)(void *ctx), void *ctx);
/* Another thread that will run the instance joins (tid 0: the caller).
 * Not concurrently with another join or release of the same p (the
 * caller serialises them; see wrt/cpu_partition.h, Threads). */
wrt_status wrt_w2c_partition_join(wrt_w2c_partition *p, int32_t tid);
/* After the instance is freed, from the thread that created it: it leaves
 * and the partition is released (Linux: the group removed; QNX: the handle,
 * the APS partition stays). Other threads must have left or exited. */
wrt_status wrt_w2c_partition_release(wrt_w2c_partition *p);

#ifdef __cplusplus
}
#endif
#endif
