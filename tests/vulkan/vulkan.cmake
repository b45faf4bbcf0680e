# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
# The Vulkan Video backend's tests: a test ICD (a Vulkan driver that encodes
# with the CPU encoder core) loaded by the real loader through VK_DRIVER_FILES
# (VK_ICD_FILENAMES for loaders older than 1.3.207), and the tests that drive
# the backend against it, plus one against the system's own drivers.
# The test ICD's capability profiles (HWENC_TEST_ICD_PROFILE, icd_profile.c).
set(HWENC_VULKAN_PROFILES default radv-vcn2 radv-vcn3 radv-vcn4 radv-mesa25-vcn3 anv nvidia)
if(TARGET hwenc_vulkan)
    add_library(hwenc_test_icd MODULE
        ${CMAKE_CURRENT_LIST_DIR}/icd_cmd.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_device.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_encode.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_main.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_profile.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_state.c
        ${CMAKE_CURRENT_LIST_DIR}/icd_video.c)
    target_link_libraries(hwenc_test_icd PRIVATE hwenc_core Threads::Threads m)
    set(icd_json ${CMAKE_CURRENT_BINARY_DIR}/hwenc_test_icd.json)
    file(GENERATE OUTPUT ${icd_json} INPUT ${CMAKE_CURRENT_LIST_DIR}/hwenc_test_icd.json.in)

    add_executable(test_vulkan ${CMAKE_CURRENT_LIST_DIR}/test_vulkan.c ${CMAKE_CURRENT_LIST_DIR}/icd_breaks.c)
    target_link_libraries(test_vulkan PRIVATE hwenc_internal hwenc_testcommon ${CMAKE_DL_LIBS} m Threads::Threads)
    add_dependencies(test_vulkan hwenc_test_icd hwenc_cli)

    set(icd_env "VK_DRIVER_FILES=${icd_json}" "VK_ICD_FILENAMES=${icd_json}"
                "HWENC_TEST_ICD_LIBRARY=$<TARGET_FILE:hwenc_test_icd>" "HWENC_BACKEND=")
    # Every test runs on each profile, as vulkan_<test>.<profile>.
    set(vulkan_variant_env
        "encode_transfer_queue=HWENC_TEST_ICD_ENCODE_TRANSFER=1"
        "rc_disabled_only=HWENC_TEST_ICD_RC=disabled"
        "single_dpb_slot=HWENC_TEST_ICD_DPB_SLOTS=1"
        "three_dpb_slots=HWENC_TEST_ICD_DPB_SLOTS=3"
        "bframes_no_b=HWENC_TEST_ICD_B=none"
        "bframes_no_main=HWENC_TEST_ICD_B=no-main"
        "bframes_short_l0=HWENC_TEST_ICD_B=short-l0"
        "no_deblock_pps_override=HWENC_TEST_ICD_PPS=drop-deblock-control"
        "gop_remaining_required=HWENC_TEST_ICD_GOP_REMAINING=required"
        "source_not_transfer_dst=HWENC_TEST_ICD_FORMAT=no-transfer-dst"
        "device_lost_submit=HWENC_TEST_ICD_DEVICE_LOST=submit:5"
        "device_lost_wait=HWENC_TEST_ICD_DEVICE_LOST=wait:5")
    foreach(profile ${HWENC_VULKAN_PROFILES})
        foreach(t encode encode_transfer_queue cbr vbr bitrate_change force_idr bframes bframes_cbr bframes_no_b
                  bframes_no_main bframes_infinite_gop three_dpb_slots gop_remaining_required source_not_transfer_dst
                  no_deblock no_deblock_pps_override bframes_short_l0 external_device external_device_without_sync2 icd_self_check rc_disabled_only
                  single_dpb_slot device_lost_submit device_lost_wait cli list_backends)
            set(name vulkan_${t}.${profile})
            add_test(NAME ${name} COMMAND test_vulkan ${t} $<TARGET_FILE:hwenc_cli>)
            set_tests_properties(${name} PROPERTIES ENVIRONMENT "${icd_env};HWENC_TEST_ICD_PROFILE=${profile}")
            foreach(v ${vulkan_variant_env})
                string(FIND "${v}" "=" eq)
                string(SUBSTRING "${v}" 0 ${eq} vt)
                math(EXPR eq "${eq} + 1")
                string(SUBSTRING "${v}" ${eq} -1 venv)
                if(vt STREQUAL t)
                    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "${venv}")
                endif()
            endforeach()
        endforeach()
    endforeach()

    # The system's drivers: lavapipe has no video encode queue, so the probe
    # must say so and `auto` must move on.
    file(GLOB lavapipe_json /usr/share/vulkan/icd.d/lvp_icd*.json)
    add_test(NAME vulkan_system_drivers COMMAND test_vulkan system_drivers)
    if(lavapipe_json)
        list(GET lavapipe_json 0 lavapipe_json)
        set_tests_properties(vulkan_system_drivers PROPERTIES ENVIRONMENT
            "VK_DRIVER_FILES=${lavapipe_json};VK_ICD_FILENAMES=${lavapipe_json};HWENC_TEST_EXPECT_LAVAPIPE=1;HWENC_BACKEND=")
        # Under -fsanitize=address, lavapipe (Mesa 22.3, its LLVM) leaks 256
        # bytes that LeakSanitizer reports after the loader has unloaded it,
        # so they cannot be suppressed by module: leak checks are off for
        # this one test.
        set_property(TEST vulkan_system_drivers APPEND PROPERTY ENVIRONMENT ASAN_OPTIONS=detect_leaks=0)
    endif()
endif()
