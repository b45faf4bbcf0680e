# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# VA-API backend tests against hwenctest_drv_video.so, a VA driver built
# here that libva loads like any other (LIBVA_DRIVERS_PATH and
# LIBVA_DRIVER_NAME), with a preloaded shim that lets libva accept a plain
# file as the render node. Included from tests/CMakeLists.txt.
if(NOT TARGET hwenc_vaapi)
    message(STATUS "hwenc: VA-API tests left out: the vaapi backend is not built")
    return()
endif()
pkg_check_modules(VAAPI_TEST_DRM IMPORTED_TARGET libdrm)
pkg_check_modules(VAAPI_TEST_VA IMPORTED_TARGET libva libva-drm)
if(NOT VAAPI_TEST_DRM_FOUND OR NOT VAAPI_TEST_VA_FOUND)
    message(STATUS "hwenc: VA-API tests left out: libdrm or libva pkg-config files not found")
    return()
endif()

# The driver: the name libva builds from LIBVA_DRIVER_NAME=hwenctest.
add_library(hwenctest_drv_video MODULE
    ${CMAKE_CURRENT_LIST_DIR}/drv_main.c
    ${CMAKE_CURRENT_LIST_DIR}/drv_memory.c
    ${CMAKE_CURRENT_LIST_DIR}/drv_encode.c
    ${CMAKE_CURRENT_LIST_DIR}/drv_headers.c)
set_target_properties(hwenctest_drv_video PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/vaapi-drivers)
target_link_libraries(hwenctest_drv_video PRIVATE hwenc_core)
target_link_options(hwenctest_drv_video PRIVATE -Wl,--no-undefined)

add_library(hwenctest_drm_shim SHARED ${CMAKE_CURRENT_LIST_DIR}/drm_shim.c)
target_include_directories(hwenctest_drm_shim PRIVATE ${VAAPI_TEST_DRM_INCLUDE_DIRS})
target_link_libraries(hwenctest_drm_shim PRIVATE ${CMAKE_DL_LIBS})

add_executable(test_vaapi ${CMAKE_CURRENT_LIST_DIR}/test_vaapi.c)
target_link_libraries(test_vaapi PRIVATE hwenc_internal hwenc_testcommon PkgConfig::VAAPI_TEST_VA
    m Threads::Threads ${CMAKE_DL_LIBS})
add_dependencies(test_vaapi hwenctest_drv_video hwenctest_drm_shim hwenc_cli)

set(VAAPI_TEST_NODE ${CMAKE_CURRENT_BINARY_DIR}/vaapi-fake-dri/renderD128)
set(VAAPI_TEST_ENV
    LIBVA_DRIVERS_PATH=${CMAKE_CURRENT_BINARY_DIR}/vaapi-drivers
    LIBVA_DRIVER_NAME=hwenctest
    LIBVA_MESSAGING_LEVEL=1
    HWENCTEST_DRM_NODE=${VAAPI_TEST_NODE})
set(VAAPI_PRELOAD "LD_PRELOAD=$<TARGET_FILE:hwenctest_drm_shim>")
set(VAAPI_ASAN_OPTIONS "")
if(HWENC_SANITIZE)
    # The shim is preloaded ahead of the ASan runtime the test links.
    set(VAAPI_ASAN_OPTIONS "ASAN_OPTIONS=verify_asan_link_order=0")
endif()

# name; HWENCTEST_VA_CAPS; HWENCTEST_VA_FAIL; test_vaapi arguments...
function(hwenc_vaapi_test name caps fail)
    set(trace ${CMAKE_CURRENT_BINARY_DIR}/vaapi-trace-${name}.txt)
    set(asan ${VAAPI_ASAN_OPTIONS})
    if(HWENC_SANITIZE AND name MATCHES "^fallback")
        # `auto` probes every backend; the Vulkan loader and Mesa's ICDs
        # leave allocations that LeakSanitizer cannot trace once they are
        # unloaded. The driver's own audit still checks every VA object.
        set(asan "${asan}:detect_leaks=0")
    endif()
    add_test(NAME vaapi_${name} COMMAND test_vaapi ${ARGN})
    set_tests_properties(vaapi_${name} PROPERTIES ENVIRONMENT
        "${VAAPI_TEST_ENV};${VAAPI_PRELOAD};${asan};HWENCTEST_VA_CAPS=${caps};HWENCTEST_VA_FAIL=${fail};HWENCTEST_VA_TRACE=${trace}"
        TIMEOUT 60)
endfunction()

# Capability profiles of the double (HWENCTEST_VA_PROFILE): drv_main.c names
# the source of every number. Other tests loop over this list.
set(HWENC_VA_PROFILES default ihd ihd-lp i965 radeonsi)
set(HWENC_VA_PROFILES ${HWENC_VA_PROFILES} PARENT_SCOPE)
# The profiles with an EncSliceLP entry point (the lp-only refinement
# models a driver that has only that one).
set(vaapi_lp_profiles default ihd ihd-lp)

# name; HWENCTEST_VA_PROFILE; test_vaapi arguments...
function(hwenc_vaapi_profile_test name profile)
    hwenc_vaapi_test(${name}_${profile} "" "" ${ARGN})
    set_property(TEST vaapi_${name}_${profile} APPEND PROPERTY ENVIRONMENT HWENCTEST_VA_PROFILE=${profile})
endfunction()

# The whole suite on every profile, each test expecting what that driver
# reports (read through libva) or, for the capability line, what its
# source says. name | HWENCTEST_VA_CAPS | HWENCTEST_VA_FAIL | arguments
set(vaapi_suite
    "probe|||probe default"
    "intra|||roundtrip intra"
    "inter|||roundtrip inter"
    "no_packed|no-packed||roundtrip no-packed"
    "no_packed_attr|no-packed-attr||roundtrip no-packed"
    "no_headers|no-packed,no-headers||roundtrip no-packed"
    "cqp_only|cqp-only||roundtrip cqp-only"
    "no_rc_attr|no-rc-attr||roundtrip cqp-only"
    "no_derive|no-derive||roundtrip no-derive"
    "split_coded|split-coded||roundtrip inter"
    "main_only|main-only||roundtrip main-only"
    "nv12|||roundtrip nv12"
    "refs|refs=2||roundtrip refs"
    "bframes|||bframes"
    "bframes_no_packed|no-packed||bframes"
    "bframes_no_b|no-b||bframes"
    "bframes_cb_only|cb-only||bframes"
    "intra_only|bi-not-empty||intra-only"
    "cbr|||rc cbr"
    "vbr|||rc vbr"
    "icq|||rc icq"
    "abr|||rc abr"
    "cbr_refused|cqp-only||rc cbr-refused"
    "reconfigure|||reconfigure"
    "fallback||create-context|fallback"
    "endfail||end-picture:5|endfail"
    "external_display|||external"
    "double_audit|||audit")
set(vaapi_lp_suite
    "probe_lp_only|lp-only,cqp-only,no-packed||probe lp-only"
    "lp_only|lp-only||roundtrip lp-only")
foreach(profile ${HWENC_VA_PROFILES})
    set(cases ${vaapi_suite})
    if(profile IN_LIST vaapi_lp_profiles)
        list(APPEND cases ${vaapi_lp_suite})
    endif()
    foreach(case ${cases})
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts 1 caps)
        list(GET parts 2 fail)
        list(GET parts 3 arguments)
        separate_arguments(arguments)
        hwenc_vaapi_test(${name}_${profile} "${caps}" "${fail}" ${arguments})
        set_property(TEST vaapi_${name}_${profile} APPEND PROPERTY ENVIRONMENT HWENCTEST_VA_PROFILE=${profile})
    endforeach()
    hwenc_vaapi_profile_test(cli ${profile} cli $<TARGET_FILE:hwenc_cli>)
    # `hwenc list-backends --device NODE` shows the driver's vendor string
    # and capabilities, checked against what libva reports. The CLI probes
    # every backend; the Vulkan loader is given no driver (a manifest that
    # does not exist), because Mesa's lavapipe leaks once unloaded, and with
    # the ASan options above LeakSanitizer cannot trace that to the
    # suppressed frame.
    hwenc_vaapi_profile_test(list_backends ${profile} list-backends $<TARGET_FILE:hwenc_cli> default)
    set(lb list_backends_${profile})
    if(profile IN_LIST vaapi_lp_profiles)
        hwenc_vaapi_test(list_backends_lp_only_${profile} "lp-only,cqp-only,no-packed" ""
            list-backends $<TARGET_FILE:hwenc_cli> lp-only)
        set_property(TEST vaapi_list_backends_lp_only_${profile} APPEND PROPERTY ENVIRONMENT
            HWENCTEST_VA_PROFILE=${profile})
        list(APPEND lb list_backends_lp_only_${profile})
    endif()
    foreach(t ${lb})
        set_property(TEST vaapi_${t} APPEND PROPERTY ENVIRONMENT
            VK_DRIVER_FILES=${CMAKE_CURRENT_BINARY_DIR}/vaapi-no-vulkan-driver.json
            VK_ICD_FILENAMES=${CMAKE_CURRENT_BINARY_DIR}/vaapi-no-vulkan-driver.json)
    endforeach()
endforeach()

# Tests of one driver behaviour each, on every profile.
foreach(profile ${HWENC_VA_PROFILES})
    foreach(defect keyint-infinite keyint-huge)
        hwenc_vaapi_profile_test(defect_${defect} ${profile} defect ${defect})
    endforeach()
    # Pictures in flight: FFmpeg's depth and wait, and the rules that keep
    # a picture's surface and coded buffer its own until that wait.
    hwenc_vaapi_profile_test(pipeline ${profile} pipeline default)
    hwenc_vaapi_profile_test(pipeline_low_latency ${profile} pipeline low-latency)
    hwenc_vaapi_profile_test(sync_fail ${profile} sync-fail)
    set_property(TEST vaapi_sync_fail_${profile} APPEND PROPERTY ENVIRONMENT HWENCTEST_VA_FAIL=sync:5)
    foreach(rule map-before-sync reuse-before-sync upload-before-sync coded-before-sync end-without-begin)
        string(REPLACE "-" "_" rule_name ${rule})
        hwenc_vaapi_profile_test(rule_${rule_name} ${profile} rule ${rule})
    endforeach()
endforeach()

# Issue 16's defects, each where the real driver breaks on it, and the
# rules those drivers keep, broken on purpose.
hwenc_vaapi_profile_test(defect_abr ihd defect abr)
foreach(profile ihd-lp i965 radeonsi) # no ICQ: CRF must fall back to CQP
    hwenc_vaapi_profile_test(defect_crf ${profile} defect crf)
endforeach()
hwenc_vaapi_profile_test(defect_fps_den ihd defect fps-den)
hwenc_vaapi_profile_test(defect_fps_reduce ihd defect fps-reduce)
hwenc_vaapi_profile_test(rule_idr_period_0 radeonsi rule idr-period-0)
hwenc_vaapi_profile_test(rule_gop_16bit ihd rule gop-16bit)
hwenc_vaapi_profile_test(rule_fps_den_12bit ihd rule fps-den-12bit)
hwenc_vaapi_profile_test(rule_icq_lp ihd-lp rule icq)
hwenc_vaapi_profile_test(rule_icq_mesa radeonsi rule icq)
hwenc_vaapi_profile_test(rule_max_size radeonsi rule max-size)
# The coding tools (drv_encode.c check_coding_tools): CABAC under
# Constrained Baseline and the 8x8 transform under Main, on every profile;
# the 8x8 transform under High on radeonsi, whose VCN codes none.
foreach(profile ${HWENC_VA_PROFILES})
    hwenc_vaapi_profile_test(rule_cabac_cb ${profile} rule cabac-cb)
    hwenc_vaapi_profile_test(rule_8x8_main ${profile} rule 8x8-main)
endforeach()
hwenc_vaapi_profile_test(rule_8x8_high radeonsi rule 8x8-high)
foreach(profile ${HWENC_VA_PROFILES})
    foreach(variant default no-cabac no-8x8 main baseline)
        string(REPLACE "-" "_" variant_name ${variant})
        hwenc_vaapi_profile_test(tools_${variant_name} ${profile} tools ${variant})
    endforeach()
endforeach()
hwenc_vaapi_test(tools_no_high "no-high" "" tools default)
hwenc_vaapi_test(tools_cb_only "cb-only" "" tools default)
# ROI (VAEncMiscParameterBufferROI): drv_encode.c render_roi names each source.
hwenc_vaapi_profile_test(rule_roi_priority ihd rule roi-priority)
hwenc_vaapi_test(rule_roi_too_many "roi=1" "" rule roi-too-many)
hwenc_vaapi_profile_test(rule_roi_null ihd rule roi-null)
hwenc_vaapi_profile_test(rule_roi_unsupported i965 rule roi-unsupported)
# The control: the same single region is taken where EncROI has regions.
hwenc_vaapi_profile_test(rule_roi_valid ihd rule roi-valid)

# HRD parameters and timing SEI in hwenc's own streams, read back with
# FFmpeg's trace_headers (skipped without /usr/bin/ffmpeg).
foreach(profile ${HWENC_VA_PROFILES})
    foreach(mode cbr vbr cqp)
        hwenc_vaapi_profile_test(hrd_${mode} ${profile} hrd /usr/bin/ffmpeg ${mode})
        set_tests_properties(vaapi_hrd_${mode}_${profile} PROPERTIES SKIP_RETURN_CODE 77)
    endforeach()
endforeach()

# FFmpeg's h264_vaapi (Debian's ffmpeg 5.1) through the double on every
# profile, skipped where /usr/bin/ffmpeg is missing. The double codes CAVLC
# with 4x4 transforms only, so Main is asked for with -coder cavlc; High
# (FFmpeg always sets transform_8x8_mode_flag there) is refused by the
# double as unimplemented, see hw/vaapi/README.md. In the sanitizer build
# the instrumented driver runs inside the uninstrumented ffmpeg: the ASan
# runtime is preloaded first, and LeakSanitizer is off for ffmpeg's own
# allocations (the driver's audit still checks every VA object).
set(VAAPI_FFMPEG /usr/bin/ffmpeg)
set(vaapi_ffmpeg_cases
    "cqp|-qp 26 -g 8 -profile:v main -coder cavlc"
    "cqp_b|-qp 26 -bf 2 -profile:v main -coder cavlc"
    "cbr|-b:v 400k -maxrate 400k -profile:v main -coder cavlc"
    "vbr|-b:v 300k -maxrate 600k -bf 2 -profile:v main -coder cavlc"
    "quality|-qp 28 -quality 1 -profile:v constrained_baseline"
    "gq|-global_quality 25 -profile:v main -coder cavlc")
set(vaapi_ffmpeg_preload "")
if(HWENC_SANITIZE)
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so OUTPUT_VARIABLE vaapi_libasan
        OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(vaapi_ffmpeg_preload "${vaapi_libasan}:")
endif()
# GStreamer 1.22's vah264enc through the double on every profile (vah264lpenc
# where only EncSliceLP exists), in a private mount namespace: skipped when
# not root or without gst-launch-1.0 and the va plugin.
foreach(profile ${HWENC_VA_PROFILES})
    set(element vah264enc)
    if(profile STREQUAL "ihd-lp")
        set(element vah264lpenc)
    endif()
    hwenc_vaapi_profile_test(gstreamer ${profile} gstreamer ${CMAKE_CURRENT_LIST_DIR}/gst_namespace.sh ${element})
    set_property(TEST vaapi_gstreamer_${profile} APPEND PROPERTY ENVIRONMENT
        "LD_PRELOAD=${vaapi_ffmpeg_preload}$<TARGET_FILE:hwenctest_drm_shim>"
        "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
    set_tests_properties(vaapi_gstreamer_${profile} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)
endforeach()

foreach(profile ${HWENC_VA_PROFILES})
    foreach(case ${vaapi_ffmpeg_cases})
        string(REPLACE "|" ";" parts "${case}")
        list(GET parts 0 name)
        list(GET parts 1 options)
        hwenc_vaapi_profile_test(ffmpeg_${name} ${profile} ffmpeg ${VAAPI_FFMPEG} "${options}")
        set_property(TEST vaapi_ffmpeg_${name}_${profile} APPEND PROPERTY ENVIRONMENT
            "LD_PRELOAD=${vaapi_ffmpeg_preload}$<TARGET_FILE:hwenctest_drm_shim>"
            "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
        set_tests_properties(vaapi_ffmpeg_${name}_${profile} PROPERTIES SKIP_RETURN_CODE 77)
    endforeach()
endforeach()
