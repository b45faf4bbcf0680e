/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef HWENC_TESTS_NVENC_TEST_H
#define HWENC_TESTS_NVENC_TEST_H

#include <stddef.h>

/* The stand-in encodes with the CPU encoder core at these QPs; anything
 * below this is a broken picture, not a quality trade-off. */
#define TEST_MIN_PSNR 32.0

/* test_nvenc_zero_copy.c: frames in CUDA memory through the public API
 * (hwenc_frame.cuda_ptr); and the sends that must be refused. */
int test_zero_copy(char *msg, size_t n);
int test_zero_copy_refusals(char *msg, size_t n);
/* test_nvenc_contract.c: the stand-in's contract checks fire (misuses in
 * child processes, each refused and failing the process). */
int test_contract(char *msg, size_t n);
/* An application's CUDA context in the stand-in (and the library handle
 * that keeps the stand-in loaded meanwhile). */
int test_cuda_context_create(void **ctx, void **handle, char *msg, size_t n);
void test_cuda_context_destroy(void *ctx, void *handle);

/* test_nvenc.c: a YUV4MPEG2 clip of CLIPGEN_OBJECT (seed 9) frames. */
int test_write_y4m(const char *path, int w, int h, int frames);
/* test_nvenc_ffmpeg.c: the environment to put before an ffmpeg command
 * line (empty outside a sanitizer build): the sanitizer runtimes the
 * instrumented stand-ins need, preloaded into the uninstrumented ffmpeg. */
void test_ffmpeg_env(char *buf, size_t n);
/* test_nvenc_ffmpeg.c: FFmpeg's h264_nvenc through the stand-ins; 77 when
 * the ffmpeg binary is missing. */
int test_ffmpeg(const char *ffmpeg, const char *name, char *msg, size_t n);
/* test_nvenc_ffmpeg.c: libavcodec's h264_nvenc changing its bitrate
 * mid-stream (the reconfiguration FFmpeg's CLI cannot ask for). */
int test_ffmpeg_bitrate_change(char *msg, size_t n);
/* test_nvenc_defaults.c: hwenc's NVENC configuration equals FFmpeg's for
 * the same settings but for the deviations the README explains. */
int test_defaults(const char *hwenc, const char *ffmpeg, char *msg, size_t n);
/* test_nvenc_contract.c: the capabilities of the stand-in's profile. */
int test_query_caps(int *max_bframes, int *lookahead, int *bframe_ref_mode, int *dyn_bitrate, int *multiple_refs);

#endif
