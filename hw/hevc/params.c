/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Section numbers are those of ITU-T H.265 (V8, 08/2021).
 */
#include <stdio.h>

#include "hw/hevc/params.h"
#include "hw/h264/bitstream.h"

#define HEVC_PROFILE_MAIN 1
#define MIN_CB_SIZE 8           /* log2_min_luma_coding_block_size_minus3 = 0 */
#define LOG2_POC_LSB 8

/* Table A.8: MaxLumaPs, and MaxLumaSr of the Main tier. */
static const struct {
    int level_idc;
    int64_t max_luma_ps, max_luma_sr;
} levels[] = {
    { 30, 36864, 552960 },          { 60, 122880, 3686400 },        { 63, 245760, 7372800 },
    { 90, 552960, 16588800 },       { 93, 983040, 33177600 },       { 120, 2228224, 66846720 },
    { 123, 2228224, 133693440 },    { 150, 8912896, 267386880 },    { 153, 8912896, 534773760 },
    { 156, 8912896, 1069547520 },   { 180, 35651584, 1069547520 },  { 183, 35651584, 2139095040 },
    { 186, 35651584, 4278190080 },
};

int hevc_level_idc(int width, int height, int fps_num, int fps_den)
{
    int64_t ps = (int64_t)width * height;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        /* A.4.1: each side at most sqrt(MaxLumaPs * 8). */
        int64_t side2 = levels[i].max_luma_ps * 8;
        if (ps > levels[i].max_luma_ps || (int64_t)width * width > side2 || (int64_t)height * height > side2)
            continue;
        if (fps_den > 0 && ps * fps_num > levels[i].max_luma_sr * fps_den)
            continue;
        return levels[i].level_idc;
    }
    return 0;
}

static void write_u32(h264_bitstream *bs, uint32_t v)
{
    bs_write_bits(bs, 16, v >> 16);
    bs_write_bits(bs, 16, v & 0xffff);
}

/* 7.3.3 with profilePresentFlag 1 and no sub-layers. */
static void write_profile_tier_level(h264_bitstream *bs, int level_idc)
{
    bs_write_bits(bs, 2, 0);                    /* general_profile_space */
    bs_write_flag(bs, 0);                       /* general_tier_flag: Main tier */
    bs_write_bits(bs, 5, HEVC_PROFILE_MAIN);
    /* A Main stream also conforms to Main 10 (A.3.3), as encoders say. */
    for (int j = 0; j < 32; j++)
        bs_write_flag(bs, j == 1 || j == 2);
    bs_write_flag(bs, 1);                       /* general_progressive_source_flag */
    bs_write_flag(bs, 0);                       /* general_interlaced_source_flag */
    bs_write_flag(bs, 0);                       /* general_non_packed_constraint_flag */
    bs_write_flag(bs, 1);                       /* general_frame_only_constraint_flag */
    bs_write_bits(bs, 32, 0);                   /* general_reserved_zero_43bits */
    bs_write_bits(bs, 11, 0);
    bs_write_flag(bs, 0);                       /* general_reserved_zero_bit */
    bs_write_bits(bs, 8, (uint32_t)level_idc);
}

/* The DPB the core plans: its slots (references and the current picture),
 * and one picture waiting for the B pictures before it. */
static void write_ordering(h264_bitstream *bs, const hal_session *s)
{
    bs_write_ue(bs, (uint32_t)(s->dpb_slots - 1)); /* max_dec_pic_buffering_minus1 */
    bs_write_ue(bs, s->bframes > 0);               /* max_num_reorder_pics */
    bs_write_ue(bs, 0);                            /* max_latency_increase_plus1: no limit */
}

/* 7.3.2.1 */
static void write_vps(h264_bitstream *bs, const hal_session *s, int level_idc)
{
    const hwenc_config *c = s->config;
    bs_write_bits(bs, 4, 0);                    /* vps_video_parameter_set_id */
    bs_write_flag(bs, 1);                       /* vps_base_layer_internal_flag */
    bs_write_flag(bs, 1);                       /* vps_base_layer_available_flag */
    bs_write_bits(bs, 6, 0);                    /* vps_max_layers_minus1 */
    bs_write_bits(bs, 3, 0);                    /* vps_max_sub_layers_minus1 */
    bs_write_flag(bs, 1);                       /* vps_temporal_id_nesting_flag */
    bs_write_bits(bs, 16, 0xffff);              /* vps_reserved_0xffff_16bits */
    write_profile_tier_level(bs, level_idc);
    bs_write_flag(bs, 1);                       /* vps_sub_layer_ordering_info_present_flag */
    write_ordering(bs, s);
    bs_write_bits(bs, 6, 0);                    /* vps_max_layer_id */
    bs_write_ue(bs, 0);                         /* vps_num_layer_sets_minus1 */
    bs_write_flag(bs, 1);                       /* vps_timing_info_present_flag */
    write_u32(bs, (uint32_t)c->fps_den);        /* vps_num_units_in_tick */
    write_u32(bs, (uint32_t)c->fps_num);        /* vps_time_scale */
    bs_write_flag(bs, 0);                       /* vps_poc_proportional_to_timing_flag */
    bs_write_ue(bs, 0);                         /* vps_num_hrd_parameters */
    bs_write_flag(bs, 0);                       /* vps_extension_flag */
}

/* 7.3.2.2.1. The coded size is whole minimum coding blocks; the
 * conformance window crops it back, in chroma samples (SubWidthC and
 * SubHeightC are 2 in 4:2:0). */
static void write_sps(h264_bitstream *bs, const hal_session *s, int level_idc)
{
    const hwenc_config *c = s->config;
    int coded_w = (c->width + MIN_CB_SIZE - 1) / MIN_CB_SIZE * MIN_CB_SIZE;
    int coded_h = (c->height + MIN_CB_SIZE - 1) / MIN_CB_SIZE * MIN_CB_SIZE;
    int crop_right = (coded_w - c->width) / 2, crop_bottom = (coded_h - c->height) / 2;

    bs_write_bits(bs, 4, 0);                    /* sps_video_parameter_set_id */
    bs_write_bits(bs, 3, 0);                    /* sps_max_sub_layers_minus1 */
    bs_write_flag(bs, 1);                       /* sps_temporal_id_nesting_flag */
    write_profile_tier_level(bs, level_idc);
    bs_write_ue(bs, 0);                         /* sps_seq_parameter_set_id */
    bs_write_ue(bs, 1);                         /* chroma_format_idc: 4:2:0 */
    bs_write_ue(bs, (uint32_t)coded_w);         /* pic_width_in_luma_samples */
    bs_write_ue(bs, (uint32_t)coded_h);
    bs_write_flag(bs, crop_right || crop_bottom); /* conformance_window_flag */
    if (crop_right || crop_bottom) {
        bs_write_ue(bs, 0);
        bs_write_ue(bs, (uint32_t)crop_right);
        bs_write_ue(bs, 0);
        bs_write_ue(bs, (uint32_t)crop_bottom);
    }
    bs_write_ue(bs, 0);                         /* bit_depth_luma_minus8 */
    bs_write_ue(bs, 0);                         /* bit_depth_chroma_minus8 */
    bs_write_ue(bs, LOG2_POC_LSB - 4);          /* log2_max_pic_order_cnt_lsb_minus4 */
    bs_write_flag(bs, 1);                       /* sps_sub_layer_ordering_info_present_flag */
    write_ordering(bs, s);
    bs_write_ue(bs, 0);                         /* log2_min_luma_coding_block_size_minus3: 8x8 */
    bs_write_ue(bs, 2);                         /* log2_diff_max_min_luma_coding_block_size: 32x32 CTBs */
    bs_write_ue(bs, 0);                         /* log2_min_luma_transform_block_size_minus2: 4x4 */
    bs_write_ue(bs, 3);                         /* log2_diff_max_min_luma_transform_block_size: 32x32 */
    bs_write_ue(bs, 1);                         /* max_transform_hierarchy_depth_inter */
    bs_write_ue(bs, 1);                         /* max_transform_hierarchy_depth_intra */
    bs_write_flag(bs, 0);                       /* scaling_list_enabled_flag */
    bs_write_flag(bs, 0);                       /* amp_enabled_flag */
    bs_write_flag(bs, 0);                       /* sample_adaptive_offset_enabled_flag */
    bs_write_flag(bs, 0);                       /* pcm_enabled_flag */
    bs_write_ue(bs, 0);                         /* num_short_term_ref_pic_sets: each slice has its own */
    bs_write_flag(bs, 0);                       /* long_term_ref_pics_present_flag */
    bs_write_flag(bs, 1);                       /* sps_temporal_mvp_enabled_flag */
    bs_write_flag(bs, 1);                       /* strong_intra_smoothing_enabled_flag */
    bs_write_flag(bs, 0);                       /* vui_parameters_present_flag */
    bs_write_flag(bs, 0);                       /* sps_extension_present_flag */
}

/* 7.3.2.3.1. The deblocking controls follow the configuration as the
 * H.264 PPS's do; a QP per coding unit only under rate control. */
static void write_pps(h264_bitstream *bs, const hal_session *s)
{
    const hwenc_config *c = s->config;
    int cqp = c->rc_mode == HWENC_RC_CQP;
    int refs = c->ref_frames > 0 ? c->ref_frames : 1;
    int deblock_control = !c->deblock || c->deblock_alpha || c->deblock_beta;

    bs_write_ue(bs, 0);                         /* pps_pic_parameter_set_id */
    bs_write_ue(bs, 0);                         /* pps_seq_parameter_set_id */
    bs_write_flag(bs, 0);                       /* dependent_slice_segments_enabled_flag */
    bs_write_flag(bs, 0);                       /* output_flag_present_flag */
    bs_write_bits(bs, 3, 0);                    /* num_extra_slice_header_bits */
    bs_write_flag(bs, 0);                       /* sign_data_hiding_enabled_flag */
    bs_write_flag(bs, 0);                       /* cabac_init_present_flag */
    bs_write_ue(bs, (uint32_t)(refs - 1));      /* num_ref_idx_l0_default_active_minus1 */
    bs_write_ue(bs, 0);                         /* num_ref_idx_l1_default_active_minus1 */
    bs_write_se(bs, (cqp ? c->qp : 26) - 26);   /* init_qp_minus26 */
    bs_write_flag(bs, 0);                       /* constrained_intra_pred_flag */
    bs_write_flag(bs, 0);                       /* transform_skip_enabled_flag */
    bs_write_flag(bs, !cqp);                    /* cu_qp_delta_enabled_flag */
    if (!cqp)
        bs_write_ue(bs, 0);                     /* diff_cu_qp_delta_depth: one QP per CTB */
    bs_write_se(bs, 0);                         /* pps_cb_qp_offset */
    bs_write_se(bs, 0);                         /* pps_cr_qp_offset */
    bs_write_flag(bs, 0);                       /* pps_slice_chroma_qp_offsets_present_flag */
    bs_write_flag(bs, 0);                       /* weighted_pred_flag */
    bs_write_flag(bs, 0);                       /* weighted_bipred_flag */
    bs_write_flag(bs, 0);                       /* transquant_bypass_enabled_flag */
    bs_write_flag(bs, 0);                       /* tiles_enabled_flag */
    bs_write_flag(bs, 0);                       /* entropy_coding_sync_enabled_flag */
    bs_write_flag(bs, 0);                       /* pps_loop_filter_across_slices_enabled_flag */
    bs_write_flag(bs, deblock_control);         /* deblocking_filter_control_present_flag */
    if (deblock_control) {
        bs_write_flag(bs, 0);                   /* deblocking_filter_override_enabled_flag */
        bs_write_flag(bs, !c->deblock);         /* pps_deblocking_filter_disabled_flag */
        if (c->deblock) {
            bs_write_se(bs, c->deblock_beta);   /* pps_beta_offset_div2 */
            bs_write_se(bs, c->deblock_alpha);  /* pps_tc_offset_div2 */
        }
    }
    bs_write_flag(bs, 0);                       /* pps_scaling_list_data_present_flag */
    bs_write_flag(bs, 0);                       /* lists_modification_present_flag */
    bs_write_ue(bs, 0);                         /* log2_parallel_merge_level_minus2 */
    bs_write_flag(bs, 0);                       /* slice_segment_header_extension_present_flag */
    bs_write_flag(bs, 0);                       /* pps_extension_present_flag */
}

/* One NAL unit: the two-byte header of 7.3.1.2 (nuh_layer_id 0,
 * nuh_temporal_id_plus1 1), then the escaped RBSP. */
static size_t write_nal(uint8_t *dst, size_t capacity, enum hevc_nal_unit_type type, const hal_session *s,
                        int level_idc)
{
    uint8_t rbsp[256];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    if (type == HEVC_NAL_VPS)
        write_vps(&bs, s, level_idc);
    else if (type == HEVC_NAL_SPS)
        write_sps(&bs, s, level_idc);
    else
        write_pps(&bs, s);
    bs_write_rbsp_trailing(&bs);
    size_t size = bs_flush(&bs);
    const uint8_t header[2] = { (uint8_t)(type << 1), 1 };
    return size && !bs.overflow ? annexb_write_nal(dst, capacity, header, sizeof(header), rbsp, size) : 0;
}

size_t hevc_write_parameter_sets(uint8_t *dst, size_t capacity, const hal_session *s, char *err, size_t err_size)
{
    const hwenc_config *c = s->config;
    if (c->width < MIN_CB_SIZE || c->height < MIN_CB_SIZE || (c->width | c->height) & 1) {
        snprintf(err, err_size, "HEVC 4:2:0 needs an even size of at least %dx%d, not %dx%d", MIN_CB_SIZE,
                 MIN_CB_SIZE, c->width, c->height);
        return 0;
    }
    int level_idc = hevc_level_idc(c->width, c->height, c->fps_num, c->fps_den);
    if (!level_idc) {
        snprintf(err, err_size, "%dx%d at %d/%d fps is beyond every HEVC level", c->width, c->height, c->fps_num,
                 c->fps_den);
        return 0;
    }
    size_t pos = 0;
    for (int type = HEVC_NAL_VPS; type <= HEVC_NAL_PPS; type++) {
        size_t n = write_nal(dst + pos, capacity - pos, (enum hevc_nal_unit_type)type, s, level_idc);
        if (!n) {
            snprintf(err, err_size, "the HEVC parameter sets do not fit %zu bytes", capacity);
            return 0;
        }
        pos += n;
    }
    return pos;
}
