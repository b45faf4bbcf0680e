/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The private interface between the stand-in libcuda.so.1 and the stand-in
 * libnvidia-encode.so.1 (see README.md in this folder): the NVENC stand-in
 * asks the CUDA stand-in which context is current and whether a device
 * pointer range is allocated. "Device" memory is host memory here.
 *
 * The GPU they pretend to be: HWENC_FAKE_NVENC_PROFILE=default | kepler |
 * pascal | tu117 | turing | ada (standin_profile.c lists each profile's
 * capabilities and their sources). These refine the profile:
 *   HWENC_FAKE_CUDA_DEVICES=N        GPUs the CUDA driver reports (default 1)
 *   HWENC_FAKE_CUDA_CC=M.m           compute capability
 *   HWENC_FAKE_NVENC_API=M.m         NvEncodeAPIGetMaxSupportedVersion
 *   HWENC_FAKE_NVENC_MAX_SESSIONS=N  concurrent sessions before OUT_OF_MEMORY
 *   HWENC_FAKE_NVENC_SESSION_DIR=DIR  count those sessions over every process
 *                                    (standin_system_sessions.c)
 *   HWENC_FAKE_NVENC_NO_ENCODER=1    the GPU has no NVENC (NO_ENCODE_DEVICE on open)
 *   HWENC_FAKE_NVENC_FAIL_AT=N       nvEncEncodePicture fails on picture N (from 0)
 *   HWENC_FAKE_NVENC_FAIL_STATUS=N   the NVENCSTATUS of that failure (default GENERIC)
 *   HWENC_FAKE_NVENC_FAIL_EOS=1      the first nvEncEncodePicture(EOS) fails (with FAIL_STATUS)
 *   HWENC_FAKE_NVENC_FAIL_CAP=N      nvEncGetEncodeCaps fails for the NV_ENC_CAPS N
 *   HWENC_FAKE_NVENC_NO_DYN_BITRATE=1  NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE is 0
 *   HWENC_FAKE_NVENC_NO_BFRAMES=1    NV_ENC_CAPS_NUM_MAX_BFRAMES is 0
 *   HWENC_FAKE_NVENC_NO_LOOKAHEAD=1  NV_ENC_CAPS_SUPPORT_LOOKAHEAD is 0
 *   HWENC_FAKE_NVENC_NO_CABAC=1      NV_ENC_CAPS_SUPPORT_CABAC is 0
 *   HWENC_FAKE_NVENC_NO_8X8=1        NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM is 0
 *   HWENC_FAKE_NVENC_PRESET_LOOKAHEAD=N  the presets enable a look-ahead of depth N
 *   HWENC_FAKE_NVENC_LOG=1           trace every call on stderr
 *   HWENC_FAKE_NVENC_DUMP=FILE       append the calls, the initialisation parameters
 *                                    and the pool size ("key value" lines)
 *   HWENCTEST_ENCODE_CPU_LOG=FILE    append "encode_cpu_ns N pictures M" per
 *                                    destroyed session (thread CPU time of the
 *                                    stand-in's CPU picture encoder)
 */
#ifndef HWENC_TESTS_NVENC_STANDIN_H
#define HWENC_TESTS_NVENC_STANDIN_H

#include <stddef.h>
#include <stdint.h>

#include <ffnvcodec/dynlink_cuda.h>

typedef struct standin_profile {
    const char *name;
    const char *gpu;             /* cuDeviceGetName, before the device index */
    int cc_major, cc_minor;
    uint32_t api;                /* NvEncodeAPIGetMaxSupportedVersion: major << 4 | minor */
    int cuda_version;            /* cuDriverGetVersion */
    int max_sessions;
    int max_bframes;             /* NV_ENC_CAPS_NUM_MAX_BFRAMES */
    int lookahead, lossless, multiple_refs, dyn_bitrate, cabac;
    int adaptive_transform;      /* NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM (the 8x8 transform) */
    int bframe_ref_mode;         /* NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE: 1 each, 2 middle, 3 both */
    int size_max;                /* NV_ENC_CAPS_WIDTH_MAX and HEIGHT_MAX */
} standin_profile;

/* standin_profile.c: the profile with the refining variables applied
 * (aborts on an unknown profile name). */
const standin_profile *standin_profile_get(void);

/* 1 if ctx is a live context of the stand-in. */
int hwenc_standin_cuda_context_valid(CUcontext ctx);
/* 1 if [ptr, ptr + size) lies in one live allocation. */
int hwenc_standin_cuda_range_valid(CUdeviceptr ptr, size_t size);

/* standin_system_sessions.c: a slot of the system's session count for a
 * new session (release it when the session is destroyed), or one of: */
#define STANDIN_SESSIONS_UNCOUNTED (-1) /* HWENC_FAKE_NVENC_SESSION_DIR is not set */
#define STANDIN_SESSIONS_FULL (-2)      /* the system has max_sessions already */
int standin_system_session_take(int max_sessions);
void standin_system_session_release(int slot);

#endif
