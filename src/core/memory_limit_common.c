/* memory_limit_common.c - the part of wrt/memory_limit.h both backends
 * share. Includes only the public header. */
#include "wrt/memory_limit.h"

#include <stddef.h>

int wrt_memory_limit_os_error(const wrt_memory_limit_t *l) { return l == NULL ? 0 : l->os_error; }
