# scripts/qnx-sdp-check.sh (issue 24 item 3): it reads each SDP's
# _NTO_VERSION where that SDP defines it (8.0: sys/nto_version.h) and picks
# the model profile to compare with. Stand-in trees, nothing compiled.
add_test(NAME sdp_check_version
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/nto_model/sdp_check_version.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(sdp_check_version PROPERTIES LABELS "nto_model" TIMEOUT 60)
