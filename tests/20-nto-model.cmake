# The Neutrino host model's own fidelity tests (sim/neutrino): each checks a
# documented QNX behaviour the model reproduces. The model is only built when
# src/qnx exists (top-level CMakeLists), hence the guard.
if(TARGET wrt_neutrino_sim)
  wrt_add_test(NAME test_nto_model
    SOURCES nto_model/test_nto_model.c
    LIBS wrt_neutrino_sim LABELS nto_model TIMEOUT 60)
  wrt_add_test(NAME test_nto_model_threads
    SOURCES nto_model/test_nto_model_threads.c
    LIBS wrt_neutrino_sim LABELS nto_model threads TIMEOUT 60)
endif()
