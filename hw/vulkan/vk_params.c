/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "hw/vulkan/vk_params.h"

StdVideoH264LevelIdc vk_std_level(int level_idc)
{
    static const struct { int idc; StdVideoH264LevelIdc std; } map[] = {
        { 10, STD_VIDEO_H264_LEVEL_IDC_1_0 }, { 11, STD_VIDEO_H264_LEVEL_IDC_1_1 }, { 12, STD_VIDEO_H264_LEVEL_IDC_1_2 },
        { 13, STD_VIDEO_H264_LEVEL_IDC_1_3 }, { 20, STD_VIDEO_H264_LEVEL_IDC_2_0 }, { 21, STD_VIDEO_H264_LEVEL_IDC_2_1 },
        { 22, STD_VIDEO_H264_LEVEL_IDC_2_2 }, { 30, STD_VIDEO_H264_LEVEL_IDC_3_0 }, { 31, STD_VIDEO_H264_LEVEL_IDC_3_1 },
        { 32, STD_VIDEO_H264_LEVEL_IDC_3_2 }, { 40, STD_VIDEO_H264_LEVEL_IDC_4_0 }, { 41, STD_VIDEO_H264_LEVEL_IDC_4_1 },
        { 42, STD_VIDEO_H264_LEVEL_IDC_4_2 }, { 50, STD_VIDEO_H264_LEVEL_IDC_5_0 }, { 51, STD_VIDEO_H264_LEVEL_IDC_5_1 },
        { 52, STD_VIDEO_H264_LEVEL_IDC_5_2 }, { 60, STD_VIDEO_H264_LEVEL_IDC_6_0 }, { 61, STD_VIDEO_H264_LEVEL_IDC_6_1 },
        { 62, STD_VIDEO_H264_LEVEL_IDC_6_2 },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].idc == level_idc)
            return map[i].std;
    return STD_VIDEO_H264_LEVEL_IDC_INVALID;
}

/* aspect_ratio_idc of Table E-1 for a sample aspect ratio, else Extended_SAR. */
static StdVideoH264AspectRatioIdc aspect_ratio_idc(int w, int h)
{
    static const uint8_t sar[17][2] = {
        { 0, 0 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 }, { 24, 11 }, { 20, 11 }, { 32, 11 },
        { 80, 33 }, { 18, 11 }, { 15, 11 }, { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
    };
    for (int i = 1; i < 17; i++)
        if (sar[i][0] == w && sar[i][1] == h)
            return (StdVideoH264AspectRatioIdc)i;
    return STD_VIDEO_H264_ASPECT_RATIO_IDC_EXTENDED_SAR;
}

static void vui_init(StdVideoH264SequenceParameterSetVui *v, const h264_vui *src)
{
    memset(v, 0, sizeof(*v));
    v->flags.aspect_ratio_info_present_flag = !!src->aspect_ratio_info_present;
    v->aspect_ratio_idc = aspect_ratio_idc(src->sar_width, src->sar_height);
    v->sar_width = (uint16_t)src->sar_width;
    v->sar_height = (uint16_t)src->sar_height;
    v->flags.video_signal_type_present_flag = !!src->video_signal_type_present;
    v->video_format = 5; /* unspecified, as h264_write_sps writes it */
    v->flags.video_full_range_flag = !!src->video_full_range;
    v->flags.color_description_present_flag = !!src->colour_description_present;
    v->colour_primaries = (uint8_t)src->colour_primaries;
    v->transfer_characteristics = (uint8_t)src->transfer_characteristics;
    v->matrix_coefficients = (uint8_t)src->matrix_coefficients;
    v->flags.chroma_loc_info_present_flag = !!src->chroma_loc_info_present;
    v->chroma_sample_loc_type_top_field = (uint8_t)src->chroma_sample_loc_type;
    v->chroma_sample_loc_type_bottom_field = (uint8_t)src->chroma_sample_loc_type;
    v->flags.timing_info_present_flag = !!src->timing_info_present;
    v->num_units_in_tick = src->num_units_in_tick;
    v->time_scale = src->time_scale;
    v->flags.fixed_frame_rate_flag = !!src->fixed_frame_rate;
    v->flags.bitstream_restriction_flag = !!src->bitstream_restriction;
    v->max_num_reorder_frames = (uint8_t)src->max_num_reorder_frames;
    v->max_dec_frame_buffering = (uint8_t)src->max_dec_frame_buffering;
}

void vk_std_params_init(vk_std_params *p, const h264_sps *sps, const h264_pps *pps)
{
    memset(p, 0, sizeof(*p));
    StdVideoH264SequenceParameterSet *s = &p->sps;
    s->flags.constraint_set0_flag = sps->constraint_set_flags & 1;
    s->flags.constraint_set1_flag = (sps->constraint_set_flags >> 1) & 1;
    s->flags.constraint_set2_flag = (sps->constraint_set_flags >> 2) & 1;
    s->flags.constraint_set3_flag = (sps->constraint_set_flags >> 3) & 1;
    s->flags.constraint_set4_flag = (sps->constraint_set_flags >> 4) & 1;
    s->flags.constraint_set5_flag = (sps->constraint_set_flags >> 5) & 1;
    s->flags.direct_8x8_inference_flag = !!sps->direct_8x8_inference;
    s->flags.frame_mbs_only_flag = 1;
    s->flags.frame_cropping_flag = sps->crop_left || sps->crop_right || sps->crop_top || sps->crop_bottom;
    s->flags.vui_parameters_present_flag = !!sps->vui_present;
    s->profile_idc = (StdVideoH264ProfileIdc)sps->profile_idc;
    s->level_idc = vk_std_level(sps->level_idc);
    s->chroma_format_idc = STD_VIDEO_H264_CHROMA_FORMAT_IDC_420;
    s->seq_parameter_set_id = (uint8_t)sps->sps_id;
    s->log2_max_frame_num_minus4 = (uint8_t)(sps->log2_max_frame_num - 4);
    s->pic_order_cnt_type = (StdVideoH264PocType)sps->poc_type;
    s->log2_max_pic_order_cnt_lsb_minus4 = (uint8_t)(sps->poc_type == 0 ? sps->log2_max_poc_lsb - 4 : 0);
    s->max_num_ref_frames = (uint8_t)sps->max_num_ref_frames;
    s->pic_width_in_mbs_minus1 = (uint32_t)(sps->mb_width - 1);
    s->pic_height_in_map_units_minus1 = (uint32_t)(sps->mb_height - 1);
    /* 4:2:0 frame coding: the offsets count pairs of samples. */
    s->frame_crop_left_offset = (uint32_t)sps->crop_left / 2;
    s->frame_crop_right_offset = (uint32_t)sps->crop_right / 2;
    s->frame_crop_top_offset = (uint32_t)sps->crop_top / 2;
    s->frame_crop_bottom_offset = (uint32_t)sps->crop_bottom / 2;
    if (sps->vui_present) {
        vui_init(&p->vui, &sps->vui);
        s->pSequenceParameterSetVui = &p->vui;
    }

    StdVideoH264PictureParameterSet *q = &p->pps;
    q->flags.transform_8x8_mode_flag = !!pps->transform_8x8_mode;
    q->flags.constrained_intra_pred_flag = !!pps->constrained_intra_pred;
    q->flags.deblocking_filter_control_present_flag = !!pps->deblocking_filter_control_present;
    q->flags.weighted_pred_flag = !!pps->weighted_pred;
    q->flags.entropy_coding_mode_flag = !!pps->entropy_coding_mode;
    q->seq_parameter_set_id = (uint8_t)pps->sps_id;
    q->pic_parameter_set_id = (uint8_t)pps->pps_id;
    q->num_ref_idx_l0_default_active_minus1 = (uint8_t)(pps->num_ref_idx_l0_default_active - 1);
    q->num_ref_idx_l1_default_active_minus1 = (uint8_t)(pps->num_ref_idx_l1_default_active - 1);
    q->weighted_bipred_idc = (StdVideoH264WeightedBipredIdc)pps->weighted_bipred_idc;
    q->pic_init_qp_minus26 = (int8_t)(pps->pic_init_qp - 26);
    q->chroma_qp_index_offset = (int8_t)pps->chroma_qp_index_offset;
    q->second_chroma_qp_index_offset = (int8_t)pps->chroma_qp_index_offset;
}

int vk_params_create(const vk_funcs *f, VkDevice dev, VkVideoSessionKHR session, const vk_std_params *std,
                     uint32_t quality_level, VkVideoSessionParametersKHR *out, char *err, size_t err_size)
{
    /* Parameters are tied to the quality level the session encodes with. */
    VkVideoEncodeQualityLevelInfoKHR quality = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR,
        .qualityLevel = quality_level,
    };
    VkVideoEncodeH264SessionParametersAddInfoKHR add = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = 1,
        .pStdSPSs = &std->sps,
        .stdPPSCount = 1,
        .pStdPPSs = &std->pps,
    };
    VkVideoEncodeH264SessionParametersCreateInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .pNext = &quality,
        .maxStdSPSCount = 1,
        .maxStdPPSCount = 1,
        .pParametersAddInfo = &add,
    };
    VkVideoSessionParametersCreateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .pNext = &h264,
        .videoSession = session,
    };
    VkResult r = f->vkCreateVideoSessionParametersKHR(dev, &info, NULL, out);
    if (r != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateVideoSessionParametersKHR failed (%s)%s", vk_result_name(r),
                 r == VK_ERROR_INVALID_VIDEO_STD_PARAMETERS_KHR ? ": the driver rejects the SPS or PPS" : "");
        return HWENC_EBACKEND;
    }
    return 0;
}

int vk_params_read_back(const vk_funcs *f, VkDevice dev, VkVideoSessionParametersKHR params, const vk_std_params *std,
                        uint8_t *out, size_t capacity, size_t *size, int *overridden, char *err, size_t err_size)
{
    VkVideoEncodeH264SessionParametersGetInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_GET_INFO_KHR,
        .writeStdSPS = VK_TRUE,
        .writeStdPPS = VK_TRUE,
        .stdSPSId = std->sps.seq_parameter_set_id,
        .stdPPSId = std->pps.pic_parameter_set_id,
    };
    VkVideoEncodeSessionParametersGetInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_SESSION_PARAMETERS_GET_INFO_KHR,
        .pNext = &h264,
        .videoSessionParameters = params,
    };
    VkVideoEncodeH264SessionParametersFeedbackInfoKHR h264_feedback = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_FEEDBACK_INFO_KHR,
    };
    VkVideoEncodeSessionParametersFeedbackInfoKHR feedback = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_SESSION_PARAMETERS_FEEDBACK_INFO_KHR,
        .pNext = &h264_feedback,
    };
    size_t need = 0;
    VkResult r = f->vkGetEncodedVideoSessionParametersKHR(dev, &info, NULL, &need, NULL);
    if (r == VK_SUCCESS && (need == 0 || need > capacity)) {
        snprintf(err, err_size, "the driver encodes the SPS and PPS in %zu bytes (room for %zu)", need, capacity);
        return HWENC_EBACKEND;
    }
    if (r == VK_SUCCESS) {
        *size = need;
        r = f->vkGetEncodedVideoSessionParametersKHR(dev, &info, &feedback, size, out);
    }
    if (r != VK_SUCCESS) {
        snprintf(err, err_size, "vkGetEncodedVideoSessionParametersKHR failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    *overridden = feedback.hasOverrides || h264_feedback.hasStdSPSOverrides || h264_feedback.hasStdPPSOverrides;
    return 0;
}

/* An RBSP bit reader; reading past the end gives zeros and sets over. */
typedef struct rbsp {
    const uint8_t *data;
    size_t size, bit;
    int over;
} rbsp;

static unsigned read_bit(rbsp *r)
{
    if (r->bit >= r->size * 8) {
        r->over = 1;
        return 0;
    }
    unsigned b = (r->data[r->bit >> 3] >> (7 - (r->bit & 7))) & 1;
    r->bit++;
    return b;
}

static unsigned read_bits(rbsp *r, int n)
{
    unsigned v = 0;
    while (n--)
        v = v << 1 | read_bit(r);
    return v;
}

static unsigned read_ue(rbsp *r)
{
    int zeros = 0;
    while (!read_bit(r) && !r->over && zeros < 32)
        zeros++;
    return zeros >= 32 ? 0 : (1u << zeros) - 1 + read_bits(r, zeros);
}

static int read_se(rbsp *r)
{
    unsigned v = read_ue(r);
    return v & 1 ? (int)((v + 1) / 2) : -(int)(v / 2);
}

/* The payload of the first NAL unit of type 8 without its emulation
 * prevention bytes, in out (capacity bytes); returns its size or 0. */
static size_t find_pps(const uint8_t *p, size_t size, uint8_t *out, size_t capacity)
{
    for (size_t i = 0; i + 3 < size; i++) {
        if (p[i] || p[i + 1] || p[i + 2] != 1 || (p[i + 3] & 0x1f) != 8)
            continue;
        size_t n = 0, zeros = 0;
        for (size_t k = i + 4; k < size && n < capacity; k++) {
            if (zeros >= 2 && p[k] == 1)
                break; /* the next start code */
            if (zeros >= 2 && p[k] == 3) {
                zeros = 0;
                continue;
            }
            zeros = p[k] ? 0 : zeros + 1;
            out[n++] = p[k];
        }
        return n;
    }
    return 0;
}

int vk_params_parse_pps(const uint8_t *annexb, size_t size, vk_pps_fields *out)
{
    uint8_t buf[256];
    rbsp r = { .data = buf, .size = find_pps(annexb, size, buf, sizeof(buf)) };
    if (!r.size)
        return -1;
    read_ue(&r);                                 /* pic_parameter_set_id */
    read_ue(&r);                                 /* seq_parameter_set_id */
    out->entropy_coding_mode = (int)read_bit(&r);
    read_bit(&r);                                /* bottom_field_pic_order_in_frame_present_flag */
    if (read_ue(&r))                             /* num_slice_groups_minus1 */
        return -1;
    out->num_ref_idx_l0_default_active = (int)read_ue(&r) + 1;
    out->num_ref_idx_l1_default_active = (int)read_ue(&r) + 1;
    read_bits(&r, 3);                            /* weighted_pred_flag, weighted_bipred_idc */
    out->pic_init_qp = 26 + read_se(&r);
    read_se(&r);                                 /* pic_init_qs_minus26 */
    read_se(&r);                                 /* chroma_qp_index_offset */
    out->deblocking_filter_control_present = (int)read_bit(&r);
    return r.over ? -1 : 0;
}
