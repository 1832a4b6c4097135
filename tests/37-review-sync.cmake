# Regression tests from the review of the synchronisation code (QNX parker,
# QNX futex, wait table) on the Neutrino host model.
if(TARGET wrt_platform_qnx_model AND EXISTS ${PROJECT_SOURCE_DIR}/src/qnx/qnx_wait_backend.c)
  wrt_add_test(NAME test_review_wait_table_qnx_forged
    SOURCES review/test_wait_table_qnx_forged_claim.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 60)
  target_include_directories(test_review_wait_table_qnx_forged PRIVATE
    ${PROJECT_SOURCE_DIR}/src/qnx ${PROJECT_SOURCE_DIR}/src/core)
endif()
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_review_qnx_futex_flood
    SOURCES review/test_qnx_futex_flood.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 60)
  target_include_directories(test_review_qnx_futex_flood PRIVATE ${PROJECT_SOURCE_DIR}/src/qnx)
endif()
wrt_add_test(NAME test_review_wait_table_no_false_timeout
  SOURCES review/test_wait_table_no_false_timeout.c
  LIBS wrt_platform LABELS linux threads TIMEOUT 60)
if(TARGET wrt_platform_qnx_model AND EXISTS ${PROJECT_SOURCE_DIR}/src/qnx/qnx_wait_backend.c)
  wrt_add_test(NAME test_review_wait_table_qnx_cancel
    SOURCES review/test_wait_table_qnx_cancel.c
    LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 30)
endif()
