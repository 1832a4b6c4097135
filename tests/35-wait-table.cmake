# The wait table (wrt/wait_table.h): the shared suite over each wait backend.
wrt_add_test(NAME test_wait_table_linux SOURCES wait_table/test_wait_table_linux.c
             LIBS wrt_platform LABELS linux threads WRAP)
# QNX: the same suite on the Neutrino host model, once src/qnx has the backend.
if(TARGET wrt_platform_qnx_model AND EXISTS ${PROJECT_SOURCE_DIR}/src/qnx/qnx_wait_backend.c)
  wrt_add_test(NAME test_wait_table_qnx SOURCES wait_table/test_wait_table_qnx.c
               LIBS wrt_platform_qnx_model LABELS qnx threads TIMEOUT 120)
endif()
