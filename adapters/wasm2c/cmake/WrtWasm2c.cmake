# WrtWasm2c.cmake - build a WebAssembly module with wabt's wat2wasm / wasm2c
# and link it against the wrt-platform runtime for wasm2c. Installed with the
# package (find_package(wrt_platform) includes it) and used by this project's
# own tests.
#
#   wrt_wasm2c_generate(OUT_C <var> OUT_DIR <var> SOURCE <file.wat|file.wasm>
#                       [MODULE_NAME <name>] [FLAGS <wat2wasm/wasm2c flags>...])
#     Adds the custom commands; <var>s receive the generated .c and the
#     directory holding the generated .h. MODULE_NAME (default: the file's
#     stem) names the C symbols: Z_<name>_instantiate, Z_<name>Z_<export>.
#
#   wrt_wasm2c_add_module(<target> SOURCE <file> [RUNTIME <runtime target>]
#                         [MODULE_NAME <name>] [FLAGS ...])
#     A static library with the generated code, linked PUBLIC to RUNTIME
#     (default wrt_platform::wrt_wasm2c: guard pages; wrt_platform::
#     wrt_wasm2c_bounds for wasm2c's explicit bounds checks), which also sets
#     WASM_RT_MEMCHECK_SIGNAL_HANDLER to match.
include_guard(GLOBAL)
find_program(WRT_WAT2WASM wat2wasm)
find_program(WRT_WASM2C wasm2c)

function(wrt_wasm2c_generate)
  cmake_parse_arguments(G "" "OUT_C;OUT_DIR;SOURCE;MODULE_NAME" "FLAGS" ${ARGN})
  if(NOT WRT_WASM2C)
    message(FATAL_ERROR "wrt_wasm2c_generate: wasm2c not found (Debian package wabt)")
  endif()
  get_filename_component(src "${G_SOURCE}" ABSOLUTE)
  get_filename_component(stem "${G_SOURCE}" NAME_WE)
  get_filename_component(ext "${G_SOURCE}" LAST_EXT)
  if(NOT G_MODULE_NAME)
    set(G_MODULE_NAME ${stem})
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/wasm2c/${G_MODULE_NAME})
  set(wasm ${src})
  if(ext STREQUAL ".wat")
    if(NOT WRT_WAT2WASM)
      message(FATAL_ERROR "wrt_wasm2c_generate: wat2wasm not found (Debian package wabt)")
    endif()
    set(wasm ${dir}/${G_MODULE_NAME}.wasm)
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${WRT_WAT2WASM} ${G_FLAGS} ${src} -o ${wasm}
      DEPENDS ${src} VERBATIM)
  endif()
  add_custom_command(OUTPUT ${dir}/${G_MODULE_NAME}.c ${dir}/${G_MODULE_NAME}.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${WRT_WASM2C} ${G_FLAGS} -n ${G_MODULE_NAME} ${wasm} -o ${dir}/${G_MODULE_NAME}.c
    DEPENDS ${wasm} VERBATIM)
  set(${G_OUT_C} ${dir}/${G_MODULE_NAME}.c PARENT_SCOPE)
  set(${G_OUT_DIR} ${dir} PARENT_SCOPE)
endfunction()

function(wrt_wasm2c_add_module target)
  cmake_parse_arguments(M "" "SOURCE;RUNTIME;MODULE_NAME" "FLAGS" ${ARGN})
  if(NOT M_RUNTIME)
    set(M_RUNTIME wrt_platform::wrt_wasm2c)
  endif()
  set(extra "")
  if(M_MODULE_NAME)
    set(extra MODULE_NAME ${M_MODULE_NAME})
  endif()
  wrt_wasm2c_generate(OUT_C c OUT_DIR d SOURCE ${M_SOURCE} FLAGS ${M_FLAGS} ${extra})
  add_library(${target} STATIC ${c})
  target_include_directories(${target} PUBLIC ${d})
  target_link_libraries(${target} PUBLIC ${M_RUNTIME})
  # Generated code: not ours to make warning-free.
  set_source_files_properties(${c} PROPERTIES COMPILE_OPTIONS "-w")
endfunction()
