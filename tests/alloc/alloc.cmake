# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Allocation-failure tests (test_alloc_fail.c): every allocation of a short
# encode fails in turn. On the CPU backend every allocation made inside a
# call of the library counts (its own and glibc's); on the test doubles,
# where libva, the Vulkan loader and the doubles allocate too, "all" counts
# theirs as well and "library" only the backend's own. Included from
# tests/CMakeLists.txt after the doubles' files, whose environments the
# double scenarios reuse.
add_executable(test_alloc_fail ${CMAKE_CURRENT_LIST_DIR}/test_alloc_fail.c)
target_link_libraries(test_alloc_fail PRIVATE hwenc_testcommon hwenc_static ${CMAKE_DL_LIBS} Threads::Threads)

function(hwenc_alloc_test scenario scope)
    set(name alloc_fail_${scenario})
    if(scope STREQUAL "library")
        set(name ${name}_library)
    endif()
    add_test(NAME ${name} COMMAND test_alloc_fail ${scenario} ${scope})
    set_tests_properties(${name} PROPERTIES TIMEOUT 600 ENVIRONMENT "${ARGN}")
endfunction()

foreach(s cpu cpu_bframes_nv12 cpu_threads_vbr cpu_low_latency_crf cpu_failover_bframes)
    hwenc_alloc_test(${s} all "HWENC_BACKEND=")
endforeach()

if(TARGET hwenctest_drv_video)
    foreach(s vaapi vaapi_bframes)
        hwenc_alloc_test(${s} library ${VAAPI_TEST_ENV} ${VAAPI_PRELOAD} ${VAAPI_ASAN_OPTIONS})
        hwenc_alloc_test(${s} all ${VAAPI_TEST_ENV} ${VAAPI_PRELOAD} ${VAAPI_ASAN_OPTIONS})
    endforeach()
endif()
if(TARGET hwenc_standin_nvenc)
    foreach(s nvenc nvenc_bframes)
        hwenc_alloc_test(${s} all ${NVENC_ENV})
    endforeach()
endif()
if(TARGET hwenc_test_icd)
    # Mesa's device-select layer crashes when the loader's allocations fail;
    # test_alloc_fail.c says which of the loader's own it leaves alone.
    foreach(s vulkan vulkan_bframes)
        hwenc_alloc_test(${s} library ${icd_env} NODEVICE_SELECT=1)
        hwenc_alloc_test(${s} all ${icd_env} NODEVICE_SELECT=1)
    endforeach()
endif()
