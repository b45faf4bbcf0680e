# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Mid-stream failover (hwenc_config.failover) on every test double: each
# double's failure injection breaks the backend at one picture (the first,
# mid-GOP, inside a B-frame mini-GOP, during the flush), the CPU backend
# takes over, and the stream must decode to every frame once, in order.
# Without failover the error comes back with the packets made before it.
# Included from tests/CMakeLists.txt after validate.cmake, whose
# HWENC_VALIDATE_DOUBLES and HWENC_VALIDATE_ENV_* point each backend at its
# double.
add_executable(test_failover ${CMAKE_CURRENT_LIST_DIR}/test_failover.c)
target_link_libraries(test_failover PRIVATE hwenc_testcommon hwenc_static)

# The injection of each double, as VAR=PREFIX followed by the picture number
# (counted from 0 in the order the backend is given pictures): VA-API's
# wait for a picture (vaSyncSurface/vaSyncBuffer), NVENC's
# nvEncEncodePicture, Vulkan's queue submission (device lost).
set(HWENC_FAILOVER_INJECT_vaapi "HWENCTEST_VA_FAIL=sync:")
set(HWENC_FAILOVER_INJECT_nvenc "HWENC_FAKE_NVENC_FAIL_AT=")
set(HWENC_FAILOVER_INJECT_vulkan "HWENC_TEST_ICD_DEVICE_LOST=submit:")
# Where the flush fails. VA-API's wait for the last picture comes in the
# flush; NVENC takes every picture at once, so its EOS fails; the Vulkan
# backend finishes each picture it is given at once, so only a picture
# first given in the flush (the last mini-GOP of 11 frames with 2 B frames
# and keyint 8: P10 B9, pictures 9 and 10) can fail there.
set(HWENC_FAILOVER_FLUSH_vaapi "HWENCTEST_VA_FAIL=sync:11")
# Without B frames NVENC has output everything before the EOS unless its
# look-ahead holds the last pictures back.
set(HWENC_FAILOVER_FLUSH_nvenc "HWENC_FAKE_NVENC_FAIL_EOS=1;HWENC_FAKE_NVENC_PRESET_LOOKAHEAD=4")
set(HWENC_FAILOVER_FLUSH_vulkan "")
set(HWENC_FAILOVER_FLUSH_B_vaapi "HWENCTEST_VA_FAIL=sync:10")
set(HWENC_FAILOVER_FLUSH_B_nvenc "HWENC_FAKE_NVENC_FAIL_EOS=1")
set(HWENC_FAILOVER_FLUSH_B_vulkan "HWENC_TEST_ICD_DEVICE_LOST=submit:9")
# Each case: name; picture that fails (or FLUSH/FLUSH_B: the lists above);
# frames; B frames; where the failure must land (test_failover.c).
set(HWENC_FAILOVER_CASES
    "first 0 12 0 first"
    "midgop 5 12 0 send"
    "bgop 3 12 2 send"
    "flush FLUSH 12 0 flush"
    "flush_bgop FLUSH_B 11 2 flush")

foreach(double ${HWENC_VALIDATE_DOUBLES})
    set(env ${HWENC_VALIDATE_ENV_${double}})
    foreach(case ${HWENC_FAILOVER_CASES})
        string(REPLACE " " ";" c "${case}")
        list(GET c 0 name)
        list(GET c 1 picture)
        list(GET c 2 frames)
        list(GET c 3 bframes)
        list(GET c 4 phase)
        set(inject "${HWENC_FAILOVER_INJECT_${double}}${picture}")
        if(picture MATCHES "^FLUSH")
            set(inject "${HWENC_FAILOVER_${picture}_${double}}")
            if(inject STREQUAL "")
                continue()
            endif()
        endif()
        add_test(NAME failover_${double}_${name} COMMAND test_failover ${double} ${frames} ${bframes} ${phase})
        set_tests_properties(failover_${double}_${name} PROPERTIES
            ENVIRONMENT "${env};${inject}" TIMEOUT 120)
    endforeach()
    # No backend left (the CPU backend cannot open): the error names both
    # failures, and what was handed out is a display-order prefix.
    add_test(NAME failover_${double}_none_left COMMAND test_failover ${double} 12 2 send 1 auto exhaust)
    set_tests_properties(failover_${double}_none_left PROPERTIES
        ENVIRONMENT "${env};${HWENC_FAILOVER_INJECT_${double}}5" TIMEOUT 120)
    # Without failover: the error, and the packets before it.
    add_test(NAME failover_${double}_off COMMAND test_failover ${double} 12 0 send 0)
    set_tests_properties(failover_${double}_off PROPERTIES
        ENVIRONMENT "${env};${HWENC_FAILOVER_INJECT_${double}}5" TIMEOUT 120)
endforeach()

# The command line: --failover, its report on stderr, and the stream.
foreach(double ${HWENC_VALIDATE_DOUBLES})
    set(extra)
    if(double STREQUAL "vaapi")
        set(extra --device ${VAAPI_TEST_NODE})
    endif()
    add_test(NAME failover_${double}_cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_failover_cli.sh
             $<TARGET_FILE:hwenc_cli> ${double} ${extra})
    set_tests_properties(failover_${double}_cli PROPERTIES
        ENVIRONMENT "${HWENC_VALIDATE_ENV_${double}};${HWENC_FAILOVER_INJECT_${double}}5" TIMEOUT 120)
endforeach()

# The named replacement (failover_backend) is tried first; one that cannot
# open, or fails its test encode, is passed over with its reason, and one
# that fails in turn hands over again, down the `auto` order.
if(TARGET hwenctest_drv_video AND TARGET hwenc_standin_nvenc)
    set(both ${HWENC_VALIDATE_ENV_vaapi} ${NVENC_ENV} HWENCTEST_VA_FAIL=sync:5 HWENC_FAKE_NVENC_FAIL_AT=2)
    # VA-API fails at frame 5, NVENC takes over and fails at its third
    # picture, the CPU backend finishes.
    add_test(NAME failover_chain_vaapi_nvenc_cpu COMMAND test_failover vaapi 12 0 send 1 nvenc 2 skip)
    set_tests_properties(failover_chain_vaapi_nvenc_cpu PROPERTIES ENVIRONMENT "${both}" TIMEOUT 120)
    add_test(NAME failover_chain_vaapi_nvenc_cpu_bgop COMMAND test_failover vaapi 12 2 send 1 nvenc 2 skip)
    set_tests_properties(failover_chain_vaapi_nvenc_cpu_bgop PROPERTIES ENVIRONMENT "${both}" TIMEOUT 120)
    # The same NVENC fails its test encode, so it never gets the stream.
    add_test(NAME failover_named_test_encode COMMAND test_failover vaapi 12 0 send 1 nvenc 1)
    set_tests_properties(failover_named_test_encode PROPERTIES ENVIRONMENT "${both}" TIMEOUT 120)
endif()
if(TARGET hwenc_standin_nvenc)
    # Named but not there: no VA-API device beside the NVENC stand-in.
    add_test(NAME failover_named_missing COMMAND test_failover nvenc 12 0 send 1 vaapi 1)
    set_tests_properties(failover_named_missing PROPERTIES
        ENVIRONMENT "${HWENC_VALIDATE_ENV_nvenc};HWENC_FAKE_NVENC_FAIL_AT=5" TIMEOUT 120)
endif()

# Nothing fails: with failover on, the copies and the packets held back
# change nothing else (every double, and the CPU backend, with B frames).
foreach(double cpu ${HWENC_VALIDATE_DOUBLES})
    foreach(bframes 0 2)
        add_test(NAME failover_${double}_none_b${bframes} COMMAND test_failover ${double} 12 ${bframes} send 1 auto 0)
        set_tests_properties(failover_${double}_none_b${bframes} PROPERTIES
            ENVIRONMENT "${HWENC_VALIDATE_ENV_${double}}" TIMEOUT 120)
    endforeach()
endforeach()
