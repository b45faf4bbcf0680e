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
