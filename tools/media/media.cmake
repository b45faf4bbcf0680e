# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Media I/O and quality metrics, the one module the CLI, hwbench and the
# tests share, so that no program reaches into the CPU encoder or into
# another program's files:
#   hwenc_video_io  Y4M and raw I420 reading and writing, output files under
#                   a temporary name until complete (no FFmpeg, so the
#                   fuzzers and small tests stay light);
#   hwenc_media     strict H.264 decoding, synthetic clips, container input
#                   and output through libavformat, and PSNR/SSIM.
# The PSNR/SSIM kernels are in the DSP home (cpu_fallback/dsp/metrics_dsp.h
# and dsp/x86/metrics_*.c), where the SIMD build flags, cpu_detect() and
# their checkasm test are; metrics.c is the only file outside cpu_fallback/
# that includes them. Only programs link this module, never libhwenc.
# Include from tools/CMakeLists.txt: include(${CMAKE_CURRENT_LIST_DIR}/media/media.cmake)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

add_library(hwenc_video_io STATIC ${CMAKE_CURRENT_LIST_DIR}/video_io.c ${CMAKE_CURRENT_LIST_DIR}/temp_output.c)

# What needs no FFmpeg: the metrics. The kernels
# come from the static core archive: the shared library keeps them hidden.
add_library(hwenc_media_base STATIC ${CMAKE_CURRENT_LIST_DIR}/metrics.c)
target_link_libraries(hwenc_media_base PUBLIC hwenc_video_io m)
target_link_libraries(hwenc_media_base PRIVATE hwenc_core)

pkg_check_modules(HWENC_MEDIA_LAV REQUIRED IMPORTED_TARGET libavformat libavcodec libswscale libavutil)
# input.c (the choice of reader) calls the container layer, so it sits in
# each of the two archives that provide one: a static library cannot call
# back into an archive named before it on the link line.
add_library(hwenc_media STATIC
    ${CMAKE_CURRENT_LIST_DIR}/input.c
    ${CMAKE_CURRENT_LIST_DIR}/clipgen.c
    ${CMAKE_CURRENT_LIST_DIR}/decode.c
    ${CMAKE_CURRENT_LIST_DIR}/demux.c
    ${CMAKE_CURRENT_LIST_DIR}/mux.c
    ${CMAKE_CURRENT_LIST_DIR}/timeline.c
    ${CMAKE_CURRENT_LIST_DIR}/join.c)
# decode.c uses pthread_once; clipgen.c uses libm.
target_link_libraries(hwenc_media PUBLIC hwenc_media_base PkgConfig::HWENC_MEDIA_LAV Threads::Threads m)

# `hwenc` links no FFmpeg (tools/helper_exec.h): its container layer hands
# the encodes that need one to hwenc-media.
add_library(hwenc_media_none STATIC ${CMAKE_CURRENT_LIST_DIR}/input.c ${CMAKE_CURRENT_LIST_DIR}/container_none.c)
target_link_libraries(hwenc_media_none PUBLIC hwenc_media_base)
