/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The private interface between the stand-in libcuda.so.1 and the stand-in
 * libnvidia-encode.so.1 (see README.md in this folder): the NVENC stand-in
 * asks the CUDA stand-in which context is current and whether a device
 * pointer range is allocated. "Device" memory is host memory here.
 *
 * Failure injection, by environment variable:
 *   HWENC_FAKE_CUDA_DEVICES=N        GPUs the CUDA driver reports (default 1)
 *   HWENC_FAKE_CUDA_CC=M.m           compute capability (default 8.6)
 *   HWENC_FAKE_NVENC_API=M.m         NvEncodeAPIGetMaxSupportedVersion (default 12.2)
 *   HWENC_FAKE_NVENC_MAX_SESSIONS=N  concurrent sessions before OUT_OF_MEMORY (default 8)
 *   HWENC_FAKE_NVENC_NO_ENCODER=1    the GPU has no NVENC (NO_ENCODE_DEVICE on open)
 *   HWENC_FAKE_NVENC_FAIL_AT=N       nvEncEncodePicture fails on picture N (from 0)
 *   HWENC_FAKE_NVENC_NO_DYN_BITRATE=1  NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE is 0
 *   HWENC_FAKE_NVENC_NO_BFRAMES=1    NV_ENC_CAPS_NUM_MAX_BFRAMES is 0 (default 4)
 *   HWENC_FAKE_NVENC_LOG=1           trace every call on stderr
 */
#ifndef HWENC_TESTS_NVENC_STANDIN_H
#define HWENC_TESTS_NVENC_STANDIN_H

#include <stddef.h>

#include <ffnvcodec/dynlink_cuda.h>

/* 1 if ctx is a live context of the stand-in. */
int hwenc_standin_cuda_context_valid(CUcontext ctx);
/* 1 if [ptr, ptr + size) lies in one live allocation. */
int hwenc_standin_cuda_range_valid(CUdeviceptr ptr, size_t size);

#endif
