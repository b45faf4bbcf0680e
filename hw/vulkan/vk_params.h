/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The project's SPS and PPS (h264/params.h) as std-video structures, the
 * video session parameters made from them, and the parameter sets the
 * driver encodes from them (vkGetEncodedVideoSessionParametersKHR), which
 * are what goes in front of IDR pictures: a driver may override fields.
 */
#ifndef HWENC_VK_PARAMS_H
#define HWENC_VK_PARAMS_H

#include <stddef.h>

#include "hw/h264/params.h"
#include "hw/vulkan/vk_funcs.h"

/* Self-referential (sps points at vui): build in place, never copy. */
typedef struct vk_std_params {
    StdVideoH264SequenceParameterSet sps;
    StdVideoH264SequenceParameterSetVui vui;
    StdVideoH264PictureParameterSet pps;
} vk_std_params;

void vk_std_params_init(vk_std_params *p, const h264_sps *sps, const h264_pps *pps);
/* STD_VIDEO_H264_LEVEL_IDC_* for a level_idc of Table A-1 (10 * level). */
StdVideoH264LevelIdc vk_std_level(int level_idc);

int vk_params_create(const vk_funcs *f, VkDevice dev, VkVideoSessionKHR session, const vk_std_params *std,
                     uint32_t quality_level, VkVideoSessionParametersKHR *out, char *err, size_t err_size);

/* SPS + PPS in Annex B as the driver encodes them; *overridden tells
 * whether it changed anything. Returns 0 or a negative hwenc_error. */
int vk_params_read_back(const vk_funcs *f, VkDevice dev, VkVideoSessionParametersKHR params, const vk_std_params *std,
                        uint8_t *out, size_t capacity, size_t *size, int *overridden, char *err, size_t err_size);

/* The fields of a PPS that the slices the backend describes depend on. */
typedef struct vk_pps_fields {
    int pic_init_qp;
    int num_ref_idx_l0_default_active, num_ref_idx_l1_default_active;
    int deblocking_filter_control_present;
    int entropy_coding_mode;
} vk_pps_fields;

/* Reads those fields from the PPS among Annex B parameter sets (what the
 * driver encoded). Returns 0, or -1 when there is no PPS or it uses slice
 * groups (which no H.264 encoder here writes). */
int vk_params_parse_pps(const uint8_t *annexb, size_t size, vk_pps_fields *out);

#endif
