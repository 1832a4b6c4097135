/*
 * wrtp.h - the commands of the wrtp program, one per file. wrtp depends on
 * the library alone (no cmocka), so it builds with nothing but a QNX SDP.
 */
#ifndef WRTP_H
#define WRTP_H

/* Each returns the process exit status. */
int wrtp_demo(int argc, char **argv);
int wrtp_selftest(int argc, char **argv);
int wrtp_bench(int argc, char **argv);

#endif
