/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * HEVC (H.265) parameter sets from the codec-neutral session: the first
 * piece of the HEVC codec part (doc/architecture.md). Main profile, 8-bit
 * 4:2:0, 32x32 coding tree blocks, the DPB and reordering the core plans.
 * No backend codes HEVC pictures yet.
 */
#ifndef HWENC_HEVC_PARAMS_H
#define HWENC_HEVC_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "hw/core/hal.h"

enum hevc_nal_unit_type {
    HEVC_NAL_VPS = 32,
    HEVC_NAL_SPS = 33,
    HEVC_NAL_PPS = 34,
};

/* The lowest level (general_level_idc, 30 times the level number) whose
 * MaxLumaPs and MaxLumaSr (Table A.8) and dimension limit (A.4.1) the
 * picture size and rate fit; 0 if none does. */
int hevc_level_idc(int width, int height, int fps_num, int fps_den);

/* Writes VPS, SPS and PPS in Annex B into dst; returns the bytes written,
 * or 0 when they do not fit or the session cannot be described (err says
 * why). */
size_t hevc_write_parameter_sets(uint8_t *dst, size_t capacity, const hal_session *s, char *err, size_t err_size);

#endif
