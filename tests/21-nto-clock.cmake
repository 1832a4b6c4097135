# The Neutrino host model's clock ids are QNX's and reach the host with
# QNX's meaning (issue 24 item 2, found by scripts/qnx-sdp-check.sh on the
# real SDP 7.1 headers).
if(TARGET wrt_neutrino_sim)
  wrt_add_test(NAME test_nto_clock_ids
    SOURCES nto_model/test_nto_clock_ids.c
    LIBS wrt_neutrino_sim LABELS nto_model TIMEOUT 60)
endif()
