# No-heap proof: the library archives reference no allocating libc function.
set(WRT_NO_HEAP_ARCHIVES $<TARGET_FILE:wrt_platform>)
if(TARGET wrt_platform_qnx_model)
  list(APPEND WRT_NO_HEAP_ARCHIVES $<TARGET_FILE:wrt_platform_qnx_model>)
endif()
add_test(NAME no_heap_in_library
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_no_heap.sh ${CMAKE_NM} ${WRT_NO_HEAP_ARCHIVES})
add_test(NAME no_heap_check_catches_malloc
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_no_heap.sh --self-test ${CMAKE_NM} ${CMAKE_C_COMPILER})
set_tests_properties(no_heap_in_library no_heap_check_catches_malloc PROPERTIES LABELS "no_heap")
