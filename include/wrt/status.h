/*
 * wrt/status.h - the status codes every wrt_platform call returns.
 *
 * One concept: wrt_status and its text. Includes nothing but the C library's
 * freestanding headers, so every other public header can depend on it.
 */
#ifndef WRT_STATUS_H
#define WRT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WRT_OK = 0,
  WRT_E_INVALID_ARG, /* NULL, zero where not allowed, bad flags, misaligned */
  WRT_E_OVERFLOW,    /* size arithmetic would overflow */
  WRT_E_LIMIT,       /* beyond maximum pages, reservation or partition budget */
  WRT_E_NO_MEMORY,   /* the OS refused memory */
  WRT_E_STATE,       /* wrong state: double allocate/free, unknown region */
  WRT_E_TIMEOUT,     /* a timed wait expired */
  WRT_E_AGAIN,       /* futex word != expected: wait did not block */
  WRT_E_UNSUPPORTED, /* feature not available on this platform/build */
  WRT_E_CORRUPT,     /* checksum mismatch */
  WRT_E_OS,          /* any other system-call failure */
  /* Added after the first version (appended so the values above stay): */
  WRT_E_PERMISSION   /* the OS refused for want of privilege (EPERM/EACCES) */
} wrt_status;

/* Number of distinct codes; every valid code is < WRT_STATUS_COUNT. */
#define WRT_STATUS_COUNT 12

/* A static, never-NULL text for s ("WRT_E_LIMIT: ..."); unknown codes give
 * "unknown wrt_status". */
const char *wrt_status_str(wrt_status s);

#ifdef __cplusplus
}
#endif
#endif
