#!/bin/sh
# nto_prototypes.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's
# prototypes are those of the SDP its profile stands for: compiles
# nto_prototypes.c (each function's address into a pointer of the SDP's
# exact type) in the project's strict mode with incompatible pointer types
# made errors. Compiles only; nothing runs.
set -u
CC=$1 INC=$2 PROFILE=$3
here=$(cd "$(dirname "$0")" && pwd)
# CC unquoted on purpose: it may carry arguments.
# shellcheck disable=SC2086
if $CC -std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -pedantic-errors \
     -Werror=incompatible-pointer-types -DNTO_SIM_PROFILE="$PROFILE" -I"$INC" \
     -c "$here/nto_prototypes.c" -o /dev/null; then
  echo "PASS prototypes of profile $PROFILE"
  exit 0
fi
echo "FAIL prototypes of profile $PROFILE"
exit 1
