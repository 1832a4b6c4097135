# The QNX allocator's eager commit on a private shared-memory object
# (src/qnx/qnx_object_commit.c, issue 24 item 4) on the Neutrino host model:
# 2 kernel calls and no page fault per grow, ENOMEM with nothing changed,
# every call of the path failed in turn.
if(TARGET wrt_platform_qnx_model)
  wrt_add_test(NAME test_qnx_object_commit SOURCES qnx_memory/test_qnx_object_commit.c
    LIBS wrt_platform_qnx_model LABELS qnx memory WRAP TIMEOUT 60)
endif()
