# Exported entry points, object-size constants and position-independent
# code (what a foreign-language caller, e.g. the Rust crates, relies on):
# a shared object made of the whole static library (links only with
# WRT_PIC), and a program that finds every inline-defined operation in it by
# name without including the headers that define them.
if(WRT_PIC AND NOT WRT_ON_QNX)
  add_library(wrt_test_pic SHARED exports/pic_library.c)
  target_link_libraries(wrt_test_pic PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,wrt_platform>"
                        wrt_warnings)
  add_executable(test_exported_symbols exports/test_exported_symbols.c)
  target_include_directories(test_exported_symbols PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(test_exported_symbols PRIVATE ${CMAKE_DL_LIBS} wrt_warnings)
  add_dependencies(test_exported_symbols wrt_test_pic)
  add_test(NAME test_exported_symbols
           COMMAND test_exported_symbols $<TARGET_FILE:wrt_test_pic>)
  set_tests_properties(test_exported_symbols PROPERTIES TIMEOUT 60 LABELS "core;exports")
  # The object-size constants must match what the compilers compute.
  add_test(NAME object_sizes_header
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/object-sizes.sh --check)
  set_tests_properties(object_sizes_header PROPERTIES TIMEOUT 120 LABELS "core;exports")
endif()

# The headers from C++ (when a C++ compiler is there).
include(CheckLanguage)
check_language(CXX)
if(CMAKE_CXX_COMPILER AND NOT WRT_ON_QNX)
  enable_language(CXX)
  add_executable(test_cxx_consumer exports/cxx_consumer.cpp)
  target_link_libraries(test_cxx_consumer PRIVATE wrt_platform wrt_warnings)
  add_test(NAME test_cxx_consumer COMMAND test_cxx_consumer)
  set_tests_properties(test_cxx_consumer PROPERTIES TIMEOUT 60 LABELS "core;exports")
endif()
