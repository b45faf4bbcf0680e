/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The GPUs the stand-ins can pretend to be (HWENC_FAKE_NVENC_PROFILE), one
 * per NVENC generation that behaves differently for H.264, with where each
 * value comes from:
 *
 * [AN]  NVIDIA, "NVENC Application Note", Video Codec SDK 11.1, Table 1
 *       (hardware capabilities by generation: Kepler, 1st/2nd-gen Maxwell,
 *       Pascal, Volta and TU117, Turing and Ampere).
 * [HDR] nvEncodeAPI.h of API 11.1: NV_ENC_BFRAME_REF_MODE_EACH "currently
 *       not supported for H.264".
 * [SM]  NVIDIA, "Video Encode and Decode GPU Support Matrix": concurrent
 *       sessions of GeForce cards (3 up to the R520 drivers, 5 from R530,
 *       8 from R550; unrestricted on professional cards).
 * [CC]  CUDA compute capability of the chip (CUDA C Programming Guide,
 *       "Compute Capabilities"): GK104 3.0, GP104 6.1, TU104 7.5,
 *       TU117 7.5, GA104 8.6, AD104 8.9.
 * [DRV] The NVENC API the newest driver branch for the chip implements:
 *       R470 (API 11.1, CUDA 11.4) is the last branch for Kepler GeForce;
 *       R550 gives API 12.2 and CUDA 12.4.
 * [BREF] FFmpeg users' reports of NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE 0:
 *       Pascal GTX 1050 (BtbN/FFmpeg-Builds#245), TU117 GTX 1650
 *       (alvr-org/ALVR#2074).
 * [MREF] NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES 0 on TU117 (GTX 1650 Max-Q,
 *       hgaiser/moonshine#10); the capability came with SDK 9.1 for Turing,
 *       and older generations are taken not to have it.
 * [BF]  H.264 B frames on every NVENC generation ([AN]; Wikipedia "Nvidia
 *       NVENC": "In H.264, NVENC always has B Frame support, max 4096x4096").
 *       NUM_MAX_BFRAMES 4 is what FFmpeg users report for H.264 (an
 *       assumption for the older chips).
 * [LA]  Look-ahead: [AN] lists it from 2nd-gen Maxwell on; Kepler is taken
 *       not to have it (assumption: no report of Kepler with look-ahead).
 * [LL]  Lossless H.264 from 1st-gen Maxwell on ([AN]; Wikipedia: the second
 *       NVENC generation "adds support for ... predictive lossless").
 * [CT]  CABAC and the 8x8 transform (NV_ENC_CAPS_SUPPORT_CABAC,
 *       NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM) on every profile: every
 *       NVENC generation encodes High profile with both ([AN] lists High
 *       for H.264 from Kepler on); no GPU without them was seen, so
 *       HWENC_FAKE_NVENC_NO_CABAC / _NO_8X8 model one.
 *
 * "default" is the stand-ins' behaviour before profiles existed (an
 * Ampere-class card with every capability); the per-feature variables of
 * standin.h refine any profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/nvenc/standin.h"

static const standin_profile profiles[] = {
    { .name = "default", .gpu = "hwenc stand-in GPU", .cc_major = 8, .cc_minor = 6, .api = 0xc2,
      .cuda_version = 12020, .max_sessions = 8, .max_bframes = 4, .lookahead = 1, .lossless = 1,
      .multiple_refs = 1, .bframe_ref_mode = 2, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
    /* GTX 680: NVENC gen 1, last supported by R470. */
    { .name = "kepler", .gpu = "NVIDIA GeForce GTX 680 (stand-in)", .cc_major = 3, .cc_minor = 0, .api = 0xb1,
      .cuda_version = 11040, .max_sessions = 3, .max_bframes = 4, .lookahead = 0, .lossless = 0,
      .multiple_refs = 0, .bframe_ref_mode = 0, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
    /* GTX 1080 on R470. */
    { .name = "pascal", .gpu = "NVIDIA GeForce GTX 1080 (stand-in)", .cc_major = 6, .cc_minor = 1, .api = 0xb1,
      .cuda_version = 11040, .max_sessions = 3, .max_bframes = 4, .lookahead = 1, .lossless = 1,
      .multiple_refs = 0, .bframe_ref_mode = 0, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
    /* GTX 1650 (TU117, Volta-class NVENC) on R530. */
    { .name = "tu117", .gpu = "NVIDIA GeForce GTX 1650 (stand-in)", .cc_major = 7, .cc_minor = 5, .api = 0xc1,
      .cuda_version = 12010, .max_sessions = 5, .max_bframes = 4, .lookahead = 1, .lossless = 1,
      .multiple_refs = 0, .bframe_ref_mode = 0, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
    /* RTX 2080 (TU104) on R530. */
    { .name = "turing", .gpu = "NVIDIA GeForce RTX 2080 (stand-in)", .cc_major = 7, .cc_minor = 5, .api = 0xc1,
      .cuda_version = 12010, .max_sessions = 5, .max_bframes = 4, .lookahead = 1, .lossless = 1,
      .multiple_refs = 1, .bframe_ref_mode = 2, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
    /* RTX 4070 (AD104) on R550. */
    { .name = "ada", .gpu = "NVIDIA GeForce RTX 4070 (stand-in)", .cc_major = 8, .cc_minor = 9, .api = 0xc2,
      .cuda_version = 12040, .max_sessions = 8, .max_bframes = 4, .lookahead = 1, .lossless = 1,
      .multiple_refs = 1, .bframe_ref_mode = 2, .dyn_bitrate = 1, .cabac = 1, .adaptive_transform = 1, .size_max = 4096 },
};

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

const standin_profile *standin_profile_get(void)
{
    /* Read on every call: tests change the variables between sessions. */
    static _Thread_local standin_profile p;
    const char *name = getenv("HWENC_FAKE_NVENC_PROFILE");
    size_t i = 0;
    if (name && *name) {
        while (i < sizeof(profiles) / sizeof(profiles[0]) && strcmp(profiles[i].name, name))
            i++;
        if (i == sizeof(profiles) / sizeof(profiles[0])) {
            fprintf(stderr, "NVIDIA stand-ins: HWENC_FAKE_NVENC_PROFILE=%s is not a profile "
                            "(default, kepler, pascal, tu117, turing, ada)\n", name);
            abort();
        }
    }
    p = profiles[i];
    const char *cc = getenv("HWENC_FAKE_CUDA_CC");
    if (cc && *cc && sscanf(cc, "%d.%d", &p.cc_major, &p.cc_minor) < 1)
        p.cc_major = 8;
    const char *api = getenv("HWENC_FAKE_NVENC_API");
    int major, minor;
    if (api && *api && sscanf(api, "%d.%d", &major, &minor) == 2)
        p.api = (uint32_t)(major << 4 | minor);
    p.max_sessions = env_int("HWENC_FAKE_NVENC_MAX_SESSIONS", p.max_sessions);
    if (env_int("HWENC_FAKE_NVENC_NO_BFRAMES", 0))
        p.max_bframes = 0;
    if (env_int("HWENC_FAKE_NVENC_NO_DYN_BITRATE", 0))
        p.dyn_bitrate = 0;
    if (env_int("HWENC_FAKE_NVENC_NO_LOOKAHEAD", 0))
        p.lookahead = 0;
    if (env_int("HWENC_FAKE_NVENC_NO_CABAC", 0))
        p.cabac = 0;
    if (env_int("HWENC_FAKE_NVENC_NO_8X8", 0))
        p.adaptive_transform = 0;
    return &p;
}
