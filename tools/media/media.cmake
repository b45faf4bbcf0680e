# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Media for the command line and the tests: strict H.264 decoding with
# libavcodec and synthetic clips. Meant to grow into the one media I/O and
# metrics module the CLI, hwbench and the tests share (frame I/O is still
# tools/video_io.cmake, metrics bench/metrics.c). It links libavcodec, so
# only programs link it, never libhwenc.
# Include from tools/CMakeLists.txt: include(${CMAKE_CURRENT_LIST_DIR}/media/media.cmake)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(HWENC_MEDIA_LAV REQUIRED IMPORTED_TARGET libavcodec libavutil)
add_library(hwenc_media STATIC
    ${CMAKE_CURRENT_LIST_DIR}/clipgen.c
    ${CMAKE_CURRENT_LIST_DIR}/decode.c)
target_include_directories(hwenc_media PUBLIC ${CMAKE_CURRENT_LIST_DIR})
# decode.c uses pthread_once; clipgen.c uses libm.
target_link_libraries(hwenc_media PUBLIC PkgConfig::HWENC_MEDIA_LAV Threads::Threads m)
