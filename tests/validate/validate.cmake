# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The HAL's checks of what backends return (the packet check and the test
# encode `auto` runs), and `hwenc validate` on every test double and each
# of its profiles, sound and broken on purpose. Included from
# tests/CMakeLists.txt after the doubles' own .cmake files.

# The packet check and its parser, on streams broken one rule at a time.
add_executable(test_packet_check ${CMAKE_CURRENT_LIST_DIR}/test_packet_check.c)
target_link_libraries(test_packet_check PRIVATE hwenc_testcommon hwenc_internal)
add_test(NAME packet_check COMMAND test_packet_check)

# The environment that points each backend at its double, as the double's
# own tests set it (tests/vaapi, tests/nvenc, tests/vulkan). `auto` probes
# every backend: the Vulkan loader gets no driver where Vulkan is not under
# test, as Mesa's lavapipe leaks once unloaded. "nvenc_standin" etc. name
# what the test doubles build.
set(HWENC_NO_VULKAN_DRIVER
    VK_DRIVER_FILES=${CMAKE_CURRENT_BINARY_DIR}/validate-no-vulkan-driver.json
    VK_ICD_FILENAMES=${CMAKE_CURRENT_BINARY_DIR}/validate-no-vulkan-driver.json)
set(HWENC_VALIDATE_DOUBLES)
if(TARGET hwenctest_drv_video)
    list(APPEND HWENC_VALIDATE_DOUBLES vaapi)
    set(HWENC_VALIDATE_ENV_vaapi ${VAAPI_TEST_ENV} ${VAAPI_PRELOAD} ${VAAPI_ASAN_OPTIONS} ${HWENC_NO_VULKAN_DRIVER}
        HWENC_BACKEND=)
    set(HWENC_VALIDATE_BREAK_vaapi HWENCTEST_VA_BREAK)
    set(HWENC_VALIDATE_PROFILE_vaapi HWENCTEST_VA_PROFILE)
    set(HWENC_VALIDATE_PROFILES_vaapi HWENC_VA_PROFILES)
    set(HWENC_VALIDATE_DROP_vaapi "empty coded picture")
endif()
if(TARGET hwenc_standin_nvenc)
    list(APPEND HWENC_VALIDATE_DOUBLES nvenc)
    set(HWENC_VALIDATE_ENV_nvenc ${NVENC_ENV} ${HWENC_NO_VULKAN_DRIVER})
    set(HWENC_VALIDATE_BREAK_nvenc HWENC_FAKE_NVENC_BREAK)
    set(HWENC_VALIDATE_PROFILE_nvenc HWENC_FAKE_NVENC_PROFILE)
    set(HWENC_VALIDATE_PROFILES_nvenc HWENC_NVENC_PROFILES)
    set(HWENC_VALIDATE_DROP_nvenc "the packet is empty")
endif()
if(TARGET hwenc_test_icd)
    list(APPEND HWENC_VALIDATE_DOUBLES vulkan)
    set(HWENC_VALIDATE_ENV_vulkan ${icd_env})
    set(HWENC_VALIDATE_BREAK_vulkan HWENC_TEST_ICD_BREAK)
    set(HWENC_VALIDATE_PROFILE_vulkan HWENC_TEST_ICD_PROFILE)
    set(HWENC_VALIDATE_PROFILES_vulkan HWENC_VULKAN_PROFILES)
    set(HWENC_VALIDATE_DROP_vulkan "reported 0 bytes")
endif()

# Selection: `auto` trusts a sound double after its test encode and passes
# over one broken each way, with the reason; chosen explicitly, a broken
# double fails at the broken picture.
add_executable(test_selection ${CMAKE_CURRENT_LIST_DIR}/test_selection.c)
target_link_libraries(test_selection PRIVATE hwenc_testcommon hwenc_static)
add_dependencies(test_selection hwenc_cli)
foreach(double ${HWENC_VALIDATE_DOUBLES})
    set(env ${HWENC_VALIDATE_ENV_${double}})
    set(break_var ${HWENC_VALIDATE_BREAK_${double}})
    add_test(NAME selection_${double} COMMAND test_selection $<TARGET_FILE:hwenc_cli> ${double} none)
    set_tests_properties(selection_${double} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 120)
    foreach(mode poc drop garbage)
        if(mode STREQUAL "poc")
            set(expect "picture order count")
        elseif(mode STREQUAL "drop")
            set(expect "${HWENC_VALIDATE_DROP_${double}}")
        else()
            set(expect "no start code")
        endif()
        add_test(NAME selection_${double}_break_${mode} COMMAND test_selection $<TARGET_FILE:hwenc_cli> ${double} ${mode}
                 ${expect})
        set_tests_properties(selection_${double}_break_${mode} PROPERTIES
            ENVIRONMENT "${env};${break_var}=${mode}" TIMEOUT 120)
    endforeach()
endforeach()

# `hwenc validate` on each double: every profile the double lists (its
# .cmake's HWENC_*_PROFILES; the default behaviour where it lists none)
# must pass, and broken each way (default profile) must fail with the
# reason. Small pictures and few frames: the full matrix is for real GPUs.
add_executable(test_validate_cli ${CMAKE_CURRENT_LIST_DIR}/test_validate_cli.c
    ${PROJECT_SOURCE_DIR}/tests/bench/mini_json.c)
target_link_libraries(test_validate_cli PRIVATE hwenc_media hwenc_video_io)
add_dependencies(test_validate_cli hwenc_cli)
set(HWENC_VALIDATE_ARGS --sizes 160x128 --frames 50)
# name env backend mode expect [more hwenc validate arguments]
function(hwenc_validate_test name env backend mode expect)
    add_test(NAME ${name} COMMAND test_validate_cli $<TARGET_FILE:hwenc_cli> ${backend} ${mode}
             ${CMAKE_CURRENT_BINARY_DIR}/${name} ${expect} ${HWENC_VALIDATE_ARGS} ${ARGN})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 300)
endfunction()
foreach(double ${HWENC_VALIDATE_DOUBLES})
    set(env ${HWENC_VALIDATE_ENV_${double}})
    set(list_var ${HWENC_VALIDATE_PROFILES_${double}})
    if(DEFINED ${list_var})
        foreach(profile ${${list_var}})
            string(MAKE_C_IDENTIFIER "${profile}" id)
            hwenc_validate_test(validate_${double}_${id} "${env};${HWENC_VALIDATE_PROFILE_${double}}=${profile}"
                                ${double} pass -)
        endforeach()
    else()
        hwenc_validate_test(validate_${double} "${env}" ${double} pass -)
    endif()
    foreach(mode poc drop garbage)
        if(mode STREQUAL "poc")
            set(expect "picture order count")
        elseif(mode STREQUAL "drop")
            set(expect "${HWENC_VALIDATE_DROP_${double}}")
        else()
            set(expect "no start code")
        endif()
        hwenc_validate_test(validate_${double}_break_${mode} "${env};${HWENC_VALIDATE_BREAK_${double}}=${mode}"
                            ${double} ${mode} "${expect}")
    endforeach()
endforeach()

# The generated input's frame marks, read back from pictures coded at QP 51.
add_executable(test_validate_source ${CMAKE_CURRENT_LIST_DIR}/test_validate_source.c)
target_link_libraries(test_validate_source PRIVATE hwenc_validate)
add_test(NAME validate_source COMMAND test_validate_source)

# The CPU backend (the reference itself), a Y4M clip as input, no backend
# to validate, and a usage error.
hwenc_validate_test(validate_cpu "HWENC_BACKEND=" cpu pass -)
hwenc_validate_test(validate_cpu_y4m "HWENC_BACKEND=" cpu y4m -)
hwenc_validate_test(validate_nothing "HWENC_BACKEND=" vaapi nothing "vaapi: " --device /nonexistent/renderD128)
add_test(NAME validate_usage COMMAND test_validate_cli $<TARGET_FILE:hwenc_cli> cpu usage
         ${CMAKE_CURRENT_BINARY_DIR}/validate_usage "--sizes '17x9' must be" --sizes 17x9)
