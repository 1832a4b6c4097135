# wasm2c: our .wat modules, compiled by wat2wasm and wasm2c in the build, run
# against the wrt-platform adapter (both backends, both bounds-check modes)
# and against wabt's stock runtime in the same ctest run (issue 12).
if(TARGET wrt_wasm2c_model AND WRT_WAT2WASM AND WRT_WASM2C)
  add_subdirectory(wasm2c)
else()
  message(STATUS "wasm2c tests: wabt (wat2wasm, wasm2c, wasm-rt.h) not found: not built")
endif()
