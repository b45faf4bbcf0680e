# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The NVENC backend against stand-in NVIDIA libraries (see nvenc/README.md):
# libcuda.so.1 and libnvidia-encode.so.1 built here and found through
# LD_LIBRARY_PATH, so the backend's dlopen() loads them as it would the
# driver's. A second libnvidia-encode.so.1 lacks a symbol, for the loader's
# error path.
if(NOT TARGET hwenc_nvenc)
    message(STATUS "hwenc: NVENC tests left out with the NVENC backend")
    return()
endif()

set(NVENC_STANDIN_DIR ${CMAKE_CURRENT_BINARY_DIR}/nvenc_standin)
set(NVENC_NOSYM_DIR ${CMAKE_CURRENT_BINARY_DIR}/nvenc_standin_nosym)
set(NVENC_EMPTY_DIR ${CMAKE_CURRENT_BINARY_DIR}/nvenc_standin_empty)
file(MAKE_DIRECTORY ${NVENC_EMPTY_DIR})

add_library(hwenc_standin_cuda SHARED nvenc/standin_cuda.c nvenc/standin_cuda_unmodelled.c nvenc/standin_profile.c)
target_link_libraries(hwenc_standin_cuda PRIVATE Threads::Threads)

add_library(hwenc_standin_nvenc SHARED nvenc/standin_nvenc.c nvenc/standin_profile.c nvenc/standin_system_sessions.c)
add_library(hwenc_standin_nvenc_nosym SHARED nvenc/standin_nvenc.c nvenc/standin_profile.c
            nvenc/standin_system_sessions.c)
target_compile_definitions(hwenc_standin_nvenc_nosym PRIVATE STANDIN_OMIT_MAX_VERSION)
foreach(lib hwenc_standin_nvenc hwenc_standin_nvenc_nosym)
    target_link_libraries(${lib} PRIVATE hwenc_core hwenc_standin_cuda Threads::Threads m)
endforeach()

set_target_properties(hwenc_standin_cuda PROPERTIES OUTPUT_NAME cuda)
set_target_properties(hwenc_standin_nvenc hwenc_standin_nvenc_nosym PROPERTIES OUTPUT_NAME nvidia-encode)
foreach(lib hwenc_standin_cuda hwenc_standin_nvenc hwenc_standin_nvenc_nosym)
    # The real libraries' file names (soname .1); the exported API must be
    # visible, unlike the project's own symbols.
    set_target_properties(${lib} PROPERTIES VERSION 1 SOVERSION 1 C_VISIBILITY_PRESET default
                          LIBRARY_OUTPUT_DIRECTORY ${NVENC_STANDIN_DIR})
endforeach()
set_target_properties(hwenc_standin_nvenc_nosym PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${NVENC_NOSYM_DIR})

# Public API only (hwenc.h), plus the CUDA driver API declarations of
# nv-codec-headers for driving the stand-in libcuda as an application would.
add_executable(test_nvenc nvenc/test_nvenc.c nvenc/test_nvenc_zero_copy.c nvenc/test_nvenc_contract.c
               nvenc/test_nvenc_ffmpeg.c nvenc/test_nvenc_defaults.c)
target_link_libraries(test_nvenc PRIVATE hwenc_testcommon hwenc_static PkgConfig::LIBAV m ${CMAKE_DL_LIBS})
add_dependencies(test_nvenc hwenc_standin_nvenc hwenc_standin_nvenc_nosym hwenc_cli)

# The GPUs the stand-ins can be (tests/nvenc/standin_profile.c has their
# capabilities and sources): every NVENC test runs on each. "default" is the
# stand-ins' behaviour without HWENC_FAKE_NVENC_PROFILE; its tests keep the
# plain names, the others end in _<profile>.
set(HWENC_NVENC_PROFILES default kepler pascal tu117 turing ada)

# FFmpeg's ffmpeg runs the stand-ins in its own process. In a sanitizer
# build they are instrumented and ffmpeg is not, so the sanitizer runtimes
# must be loaded first (LD_PRELOAD); ffmpeg's memory accesses are then
# watched too. Leaks are not checked there (test_ffmpeg_env says why).
find_program(HWENC_FFMPEG ffmpeg)
if(NOT HWENC_FFMPEG)
    set(HWENC_FFMPEG /usr/bin/ffmpeg)   # the tests skip themselves (exit 77) while it is missing
endif()
set(NVENC_FFMPEG_PRELOAD "")
if(HWENC_SANITIZE)
    foreach(rt asan ubsan)
        execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=lib${rt}.so
                        OUTPUT_VARIABLE rt_path OUTPUT_STRIP_TRAILING_WHITESPACE)
        string(APPEND NVENC_FFMPEG_PRELOAD " ${rt_path}")
    endforeach()
    string(STRIP "${NVENC_FFMPEG_PRELOAD}" NVENC_FFMPEG_PRELOAD)
endif()

set(NVENC_ENV "LD_LIBRARY_PATH=${NVENC_STANDIN_DIR}" "HWENC_BACKEND=" "NVENC_FFMPEG_PRELOAD=${NVENC_FFMPEG_PRELOAD}")
function(nvenc_test name)
    cmake_parse_arguments(T "" "LIBRARY_PATH" "ENV;ARGS" ${ARGN})
    foreach(profile ${HWENC_NVENC_PROFILES})
        set(test nvenc_${name})
        set(env ${NVENC_ENV} ${T_ENV})
        if(NOT profile STREQUAL "default")
            set(test nvenc_${name}_${profile})
            list(APPEND env HWENC_FAKE_NVENC_PROFILE=${profile})
        endif()
        if(T_LIBRARY_PATH)
            list(APPEND env "LD_LIBRARY_PATH=${T_LIBRARY_PATH}")
        endif()
        add_test(NAME ${test} COMMAND test_nvenc ${T_ARGS})
        set_tests_properties(${test} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 120 SKIP_RETURN_CODE 77)
    endforeach()
endfunction()

# Encoding through the public API, decoded with libavcodec, PSNR checked.
nvenc_test(intra ARGS intra)
nvenc_test(p_frames ARGS p-frames)
# A preset with look-ahead (NEED_MORE_INPUT from it; the flush returns all).
nvenc_test(flush_lookahead ARGS flush ENV HWENC_FAKE_NVENC_PRESET_LOOKAHEAD=8)
nvenc_test(force_idr ARGS force-idr)
# B frames (NVENC reorders them, enablePTD = 1), and a GPU without them
# (NV_ENC_CAPS_NUM_MAX_BFRAMES 0), which gets a P-only stream.
nvenc_test(bframes ARGS bframes)
nvenc_test(bframes_none ARGS bframes-none ENV HWENC_FAKE_NVENC_NO_BFRAMES=1)
nvenc_test(reconfigure ARGS reconfigure)
nvenc_test(reconfigure_unsupported ARGS reconfigure-unsupported ENV HWENC_FAKE_NVENC_NO_DYN_BITRATE=1)
nvenc_test(probe ARGS probe)
nvenc_test(session_limit_one ARGS second-session)
nvenc_test(external_context ARGS external-context)
# Frames in the application's CUDA memory (hwenc_frame.cuda_ptr), and the
# refusals: cuda_ptr on the CPU backend or without the application's
# context, pitches the layout cannot have.
nvenc_test(zero_copy ARGS zero-copy)
nvenc_test(zero_copy_refusals ARGS zero-copy-refusals)
# The stand-in's own contract checks fire on misuse (driven directly).
nvenc_test(contract_checks ARGS contract)
# A capability query that fails reads as 0, as in FFmpeg.
nvenc_test(caps_query_fails ARGS caps-query-fails)

# Every injected failure: its message with --backend nvenc, and the fall
# back under auto (VA-API and Vulkan are unavailable here, so auto ends on
# the CPU backend).
nvenc_test(fail_session_limit ARGS fail "NVENC session limit reached" ENV HWENC_FAKE_NVENC_MAX_SESSIONS=0)
nvenc_test(fail_old_driver ARGS fail "driver too old" ENV HWENC_FAKE_NVENC_API=11.0)
nvenc_test(fail_no_device ARGS fail "no encode-capable GPU" ENV HWENC_FAKE_CUDA_DEVICES=0)
nvenc_test(fail_no_encoder ARGS fail "no encode-capable NVIDIA GPU" ENV HWENC_FAKE_NVENC_NO_ENCODER=1)
nvenc_test(fail_old_gpu ARGS fail "unsupported device" ENV HWENC_FAKE_CUDA_CC=2.1)
nvenc_test(fail_bad_index ARGS fail-device 3 "GPU 3 does not exist")
nvenc_test(fail_no_library ARGS fail "cannot load libcuda.so.1" LIBRARY_PATH ${NVENC_EMPTY_DIR})
nvenc_test(fail_missing_symbol ARGS fail "NvEncodeAPIGetMaxSupportedVersion"
           LIBRARY_PATH ${NVENC_NOSYM_DIR}:${NVENC_STANDIN_DIR})
nvenc_test(fail_midstream ARGS midstream 5 ENV HWENC_FAKE_NVENC_FAIL_AT=5)
nvenc_test(fail_midstream_oom ARGS midstream-oom 5 ENV HWENC_FAKE_NVENC_FAIL_AT=5)

# The command line: encode --backend nvenc and a failure; list-backends with
# and without --device, on two GPUs and an API version other than the
# stand-in's default.
nvenc_test(cli ARGS cli $<TARGET_FILE:hwenc_cli>)
nvenc_test(list_backends ARGS list-backends $<TARGET_FILE:hwenc_cli>
           ENV HWENC_FAKE_CUDA_DEVICES=2 HWENC_FAKE_NVENC_API=12.1)

# FFmpeg's h264_nvenc through the stand-ins (tests/nvenc/test_nvenc_ffmpeg.c
# lists the cases), its bitrate change through libavcodec, and hwenc's
# configuration against FFmpeg's for the same settings.
foreach(case p1 p2 p3 p4 p5 p6 p7 tune_hq tune_ll tune_ull rc_constqp rc_cbr rc_vbr bf0 bf3 gop10 intra_only forced_idr
        forced_intra zerolatency zerolatency_hq b_ref_disabled b_ref_middle lookahead nv12 hwupload_nv12 hwupload_yuv420p)
    nvenc_test(ffmpeg_${case} ARGS ffmpeg ${HWENC_FFMPEG} ${case})
endforeach()
nvenc_test(ffmpeg_bitrate_change ARGS ffmpeg-bitrate-change)
nvenc_test(defaults_vs_ffmpeg ARGS defaults $<TARGET_FILE:hwenc_cli> ${HWENC_FFMPEG})
