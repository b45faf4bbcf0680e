# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
# Y4M / raw I420 frame I/O shared by the CLI, hwbench and the tests.
# Include from tools/CMakeLists.txt: include(${CMAKE_CURRENT_LIST_DIR}/video_io.cmake)
add_library(hwenc_video_io STATIC ${CMAKE_CURRENT_LIST_DIR}/video_io.c)
target_include_directories(hwenc_video_io PUBLIC ${CMAKE_CURRENT_LIST_DIR})
