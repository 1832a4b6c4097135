# Core (OS-free) logic: status texts and checked size arithmetic.
wrt_add_test(NAME test_checked_math SOURCES core/test_checked_math.c LIBS wrt_platform LABELS core)
wrt_add_test(NAME test_page_rules SOURCES core/test_page_rules.c LIBS wrt_platform LABELS core)
