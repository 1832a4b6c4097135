#!/bin/sh
# layout_expr.sh KEY - prints the C expression of a row key of
# nto_profile_layouts.txt: KIND:TAG.size -> sizeof(KIND TAG), .align ->
# _Alignof(KIND TAG), .MEMBER -> its offset. Used by nto_layout_table.sh
# (the model) and scripts/qnx-sdp-check.sh (an SDP and the model).
kind=${1%%:*} rest=${1#*:}
tag=${rest%%.*} what=${rest#*.}
case $what in
  size) echo "sizeof($kind $tag)" ;;
  align) echo "_Alignof($kind $tag)" ;;
  *) echo "__builtin_offsetof($kind $tag, $what)" ;;
esac
