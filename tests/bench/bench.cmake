# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# hwbench's tests; included from tests/CMakeLists.txt. They need the bench
# targets, so they are left out when hwbench is not built.
if(TARGET hwbench)
    # BD-rate and BD-PSNR against worked examples computed with SciPy.
    add_executable(test_bench_bdrate ${CMAKE_CURRENT_LIST_DIR}/test_bdrate.c)
    target_link_libraries(test_bench_bdrate PRIVATE hwbench_core)
    add_test(NAME bench_bdrate COMMAND test_bench_bdrate)

    # PSNR and SSIM against FFmpeg's psnr and ssim filters (skipped without ffmpeg).
    add_executable(test_bench_metrics ${CMAKE_CURRENT_LIST_DIR}/test_metrics.c)
    target_link_libraries(test_bench_metrics PRIVATE hwbench_core)
    add_test(NAME bench_metrics COMMAND test_bench_metrics)
    set_tests_properties(bench_metrics PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

    # hwbench end to end: two encoders, two rate points, a tiny clip.
    add_executable(test_bench_hwbench
        ${CMAKE_CURRENT_LIST_DIR}/test_hwbench.c
        ${CMAKE_CURRENT_LIST_DIR}/mini_json.c)
    target_link_libraries(test_bench_hwbench PRIVATE m)
    add_test(NAME bench_hwbench COMMAND test_bench_hwbench $<TARGET_FILE:hwbench> ${HWBENCH_TEST_ENCODERS})
    set_tests_properties(bench_hwbench PROPERTIES TIMEOUT 120)
endif()
