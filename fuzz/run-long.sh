#!/usr/bin/env bash
# fuzz/run-long.sh SECONDS - run every harness for SECONDS in total (the same
# build and checks as scripts/checks/30-fuzz.sh, just longer), e.g. overnight.
set -euo pipefail
exec "$(dirname "$0")/../scripts/checks/30-fuzz.sh" "${1:-3600}"
