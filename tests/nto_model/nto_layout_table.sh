#!/bin/sh
# nto_layout_table.sh CC INCLUDE_DIR PROFILE - the Neutrino host model's
# QNX types have the layout of the SDP its profile stands for: every row of
# nto_profile_layouts.txt (size, alignment or member offset, as CC
# evaluates it with _QNX_SOURCE) must match the column of PROFILE (640,
# 710, 800), "-" meaning the member does not exist. The constants table's
# checker (nto_profile_table.sh) does the work, on this table.
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/nto_profile_table.sh" "$1" "$2" "$3" "$here/nto_profile_layouts.txt"
