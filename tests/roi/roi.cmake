# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
# Region-of-interest encoding: the macroblock QPs libavcodec decodes from
# each backend's stream. Included from tests/CMakeLists.txt after the
# doubles' files (their environments).
add_executable(test_roi ${CMAKE_CURRENT_LIST_DIR}/test_roi.c)
target_link_libraries(test_roi PRIVATE hwenc_testcommon hwenc_static m)
foreach(c exact map psnr invalid)
    add_test(NAME roi_cpu_${c} COMMAND test_roi cpu ${c})
endforeach()
add_test(NAME roi_cpu_exact_cavlc COMMAND test_roi cpu exact cavlc)
add_test(NAME roi_cpu_exact_slices COMMAND test_roi cpu exact slices)

# The VA driver double (tests/vaapi): regions within VAConfigAttribEncROI.
if(TARGET hwenctest_drv_video)
    function(hwenc_roi_vaapi_test name caps profile)
        add_test(NAME roi_vaapi_${name} COMMAND test_roi vaapi ${ARGN})
        set_tests_properties(roi_vaapi_${name} PROPERTIES ENVIRONMENT
            "${VAAPI_TEST_ENV};${VAAPI_PRELOAD};${VAAPI_ASAN_OPTIONS};HWENCTEST_VA_CAPS=${caps};HWENCTEST_VA_PROFILE=${profile}"
            TIMEOUT 120)
        add_dependencies(test_roi hwenctest_drv_video hwenctest_drm_shim)
    endfunction()
    hwenc_roi_vaapi_test(exact "" "" exact cavlc)
    hwenc_roi_vaapi_test(map "" "" map cavlc)
    hwenc_roi_vaapi_test(exact_ihd "" ihd exact cavlc)
    hwenc_roi_vaapi_test(merge "roi=2" "" merge cavlc)
    hwenc_roi_vaapi_test(psnr "" "" psnr cavlc)
    hwenc_roi_vaapi_test(none_i965 "" i965 none cavlc)
endif()

# hwenc encode --roi FILE: CSV errors with file:line, the offsets in the stream.
add_test(NAME roi_cli_cpu COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_cli_roi.sh $<TARGET_FILE:hwenc_cli>
         $<TARGET_FILE:test_roi> cpu)
if(TARGET hwenctest_drv_video)
    add_test(NAME roi_cli_vaapi COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_cli_roi.sh $<TARGET_FILE:hwenc_cli>
             $<TARGET_FILE:test_roi> vaapi)
    set_tests_properties(roi_cli_vaapi PROPERTIES ENVIRONMENT
        "${VAAPI_TEST_ENV};${VAAPI_PRELOAD};${VAAPI_ASAN_OPTIONS}" TIMEOUT 120)
endif()

# The NVENC stand-ins (tests/nvenc): the QP delta map, exact per macroblock.
if(TARGET hwenc_standin_nvenc)
    foreach(c exact map psnr)
        add_test(NAME roi_nvenc_${c} COMMAND test_roi nvenc ${c})
        set_tests_properties(roi_nvenc_${c} PROPERTIES ENVIRONMENT "${NVENC_ENV}" TIMEOUT 120)
    endforeach()
    add_dependencies(test_roi hwenc_standin_nvenc)
endif()

# The Vulkan ICD (tests/vulkan): no quantization map yet, so the frames are
# coded without the offsets and the encoder says so once.
if(TARGET hwenc_test_icd)
    add_test(NAME roi_vulkan_none COMMAND test_roi vulkan none cavlc)
    set_tests_properties(roi_vulkan_none PROPERTIES ENVIRONMENT "${icd_env}" TIMEOUT 120)
    add_dependencies(test_roi hwenc_test_icd)
endif()
