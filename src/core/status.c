/* status.c - text for each wrt_status code. Includes only the public header. */
#include "wrt/status.h"

const char *wrt_status_str(wrt_status s) {
  switch (s) {
  case WRT_OK: return "WRT_OK: success";
  case WRT_E_INVALID_ARG: return "WRT_E_INVALID_ARG: invalid argument";
  case WRT_E_OVERFLOW: return "WRT_E_OVERFLOW: size arithmetic would overflow";
  case WRT_E_LIMIT: return "WRT_E_LIMIT: beyond maximum pages, reservation or budget";
  case WRT_E_NO_MEMORY: return "WRT_E_NO_MEMORY: the OS refused memory";
  case WRT_E_STATE: return "WRT_E_STATE: wrong state for this call";
  case WRT_E_TIMEOUT: return "WRT_E_TIMEOUT: timed wait expired";
  case WRT_E_AGAIN: return "WRT_E_AGAIN: futex word did not match";
  case WRT_E_UNSUPPORTED: return "WRT_E_UNSUPPORTED: not available on this platform";
  case WRT_E_CORRUPT: return "WRT_E_CORRUPT: checksum mismatch";
  case WRT_E_OS: return "WRT_E_OS: system call failed";
  case WRT_E_PERMISSION: return "WRT_E_PERMISSION: the OS refused: no privilege";
  default: return "unknown wrt_status";
  }
}
