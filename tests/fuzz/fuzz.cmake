# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The fuzzing harnesses (tests/fuzz/README.md). Every build replays each
# harness's seed corpus (corpus/NAME/) through a plain main() as the test
# fuzz_NAME_corpus. A clang build with HWENC_FUZZ=ON (tests/run.sh makes one
# in build-fuzz/) also links them with libFuzzer, and the test fuzz_NAME
# fuzzes for HWENC_FUZZ_SECONDS from the seeds and what earlier runs of
# this build found (build-fuzz/tests/fuzz-corpus/NAME/).
# bench/fuzz_campaign.sh runs long campaigns with the same binaries.
# Included from tests/CMakeLists.txt.
set(HWENC_FUZZERS video_io api h264_params)
set(HWENC_FUZZ_SECONDS 8 CACHE STRING "Seconds each fuzzer runs in the test suite")

function(hwenc_fuzz_target target name)
    target_link_libraries(${target} PRIVATE hwenc_testcommon hwenc_video_io hwenc_internal PkgConfig::LIBAV)
endfunction()

foreach(name ${HWENC_FUZZERS})
    add_executable(fuzz_${name}_replay ${CMAKE_CURRENT_LIST_DIR}/fuzz_${name}.c ${CMAKE_CURRENT_LIST_DIR}/replay_main.c)
    hwenc_fuzz_target(fuzz_${name}_replay ${name})
    add_test(NAME fuzz_${name}_corpus COMMAND fuzz_${name}_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/${name})
    set_tests_properties(fuzz_${name}_corpus PROPERTIES TIMEOUT 120)
endforeach()

if(HWENC_FUZZ)
    add_custom_target(fuzzers)
    foreach(name ${HWENC_FUZZERS})
        add_executable(fuzz_${name} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${name}.c)
        hwenc_fuzz_target(fuzz_${name} ${name})
        target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
        add_dependencies(fuzzers fuzz_${name} fuzz_${name}_replay)
        set(work ${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpus/${name})
        set(artifacts ${CMAKE_CURRENT_BINARY_DIR}/fuzz-artifacts/${name})
        file(MAKE_DIRECTORY ${work} ${artifacts})
        # -timeout: no input may take 20 s (the slowest seeds take well
        # under one); -rss_limit_mb: the readers may allocate a 16384x16384
        # frame (384 MiB) that the input never fills.
        add_test(NAME fuzz_${name} COMMAND fuzz_${name} -max_total_time=${HWENC_FUZZ_SECONDS} -timeout=20
                 -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix=${artifacts}/
                 ${work} ${CMAKE_CURRENT_LIST_DIR}/corpus/${name})
        set_tests_properties(fuzz_${name} PROPERTIES LABELS libfuzzer TIMEOUT 300)
    endforeach()
endif()
