# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The HAL's checks of what backends return (the packet check and the test
# encode `auto` runs), and `hwenc validate` on every test double and each
# of its profiles, sound and broken on purpose. Included from
# tests/CMakeLists.txt after the doubles' own .cmake files.

# The packet check and its parser, on streams broken one rule at a time.
add_executable(test_packet_check ${CMAKE_CURRENT_LIST_DIR}/test_packet_check.c)
target_include_directories(test_packet_check PRIVATE ${PROJECT_SOURCE_DIR}/hw ${PROJECT_SOURCE_DIR}/hw/core)
target_link_libraries(test_packet_check PRIVATE hwenc_testcommon hwenc_static)
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
foreach(double ${HWENC_VALIDATE_DOUBLES})
    set(env ${HWENC_VALIDATE_ENV_${double}})
    set(break_var ${HWENC_VALIDATE_BREAK_${double}})
    add_test(NAME selection_${double} COMMAND test_selection ${double} none)
    set_tests_properties(selection_${double} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 120)
    foreach(mode poc drop garbage)
        if(mode STREQUAL "poc")
            set(expect "picture order count")
        elseif(mode STREQUAL "drop")
            set(expect "${HWENC_VALIDATE_DROP_${double}}")
        else()
            set(expect "no start code")
        endif()
        add_test(NAME selection_${double}_break_${mode} COMMAND test_selection ${double} ${mode} ${expect})
        set_tests_properties(selection_${double}_break_${mode} PROPERTIES
            ENVIRONMENT "${env};${break_var}=${mode}" TIMEOUT 120)
    endforeach()
endforeach()
