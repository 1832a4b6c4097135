/*
 * main.c - wrtp: the wrt-platform main program. Dispatches to one command
 * per file (demo.c, and the selftest and bench as they land).
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <stdio.h>
#include <string.h>

#include "wrtp.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *help;
} command_t;

static const command_t commands[] = {
    {"demo", wrtp_demo, "run the seed's usage example on every backend built in"},
    {"selftest", wrtp_selftest, "check every requirement on every backend built in"},
    {"bench", wrtp_bench, "measure mutex, futex, grow, CRC-32C and atomic writes vs peers"},
};

static void usage(FILE *out) {
  fprintf(out, "usage: wrtp COMMAND [--help]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "wrtp: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
