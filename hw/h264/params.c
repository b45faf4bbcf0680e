/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "hw/h264/params.h"
#include "hw/h264/hrd.h"

/* Table A-1, without level 1b (never needed: level 1.1 covers it). */
typedef struct h264_level_limits {
    int level_idc;
    int64_t max_mbps;    /* macroblocks per second */
    int max_fs;          /* frame size in macroblocks */
    int max_dpb_mbs;
    int max_br;          /* kbit/s, VCL, Baseline/Main (x1.25 for High) */
} h264_level_limits;

static const h264_level_limits level_limits[] = {
    { 10, 1485, 99, 396, 64 },
    { 11, 3000, 396, 900, 192 },
    { 12, 6000, 396, 2376, 384 },
    { 13, 11880, 396, 2376, 768 },
    { 20, 11880, 396, 2376, 2000 },
    { 21, 19800, 792, 4752, 4000 },
    { 22, 20250, 1620, 8100, 4000 },
    { 30, 40500, 1620, 8100, 10000 },
    { 31, 108000, 3600, 18000, 14000 },
    { 32, 216000, 5120, 20480, 20000 },
    { 40, 245760, 8192, 32768, 20000 },
    { 41, 245760, 8192, 32768, 50000 },
    { 42, 522240, 8704, 34816, 50000 },
    { 50, 589824, 22080, 110400, 135000 },
    { 51, 983040, 36864, 184320, 240000 },
    { 52, 2073600, 36864, 184320, 240000 },
    { 60, 4177920, 139264, 696320, 240000 },
    { 61, 8355840, 139264, 696320, 480000 },
    { 62, 16711680, 139264, 696320, 800000 },
};

static int level_fits(const h264_level_limits *l, int mb_w, int mb_h, int fps_num, int fps_den,
                      int max_refs, int bitrate_kbps)
{
    int64_t fs = (int64_t)mb_w * mb_h;
    if (fs > l->max_fs)
        return 0;
    /* A.3.1 (f)/(g): neither dimension may exceed sqrt(8 * MaxFS). */
    if ((int64_t)mb_w * mb_w > 8 * (int64_t)l->max_fs || (int64_t)mb_h * mb_h > 8 * (int64_t)l->max_fs)
        return 0;
    if (fps_den > 0 && fs * fps_num > l->max_mbps * fps_den)
        return 0;
    if (max_refs * fs > l->max_dpb_mbs)
        return 0;
    if (bitrate_kbps > l->max_br)
        return 0;
    return 1;
}

int h264_level_for(int width, int height, int fps_num, int fps_den, int max_refs, int bitrate_kbps)
{
    int mb_w = (width + 15) / 16, mb_h = (height + 15) / 16;
    for (size_t i = 0; i < sizeof(level_limits) / sizeof(level_limits[0]); i++)
        if (level_fits(&level_limits[i], mb_w, mb_h, fps_num, fps_den, max_refs, bitrate_kbps))
            return level_limits[i].level_idc;
    return 0;
}

static int max_dpb_frames(int level_idc, int mb_w, int mb_h)
{
    for (size_t i = 0; i < sizeof(level_limits) / sizeof(level_limits[0]); i++) {
        if (level_limits[i].level_idc == level_idc) {
            int frames = level_limits[i].max_dpb_mbs / (mb_w * mb_h);
            return frames > 16 ? 16 : frames;
        }
    }
    return 1;
}

static void vui_init(const h264_stream_desc *d, h264_vui *vui)
{
    memset(vui, 0, sizeof(*vui));
    if (d->sar_num > 0 && d->sar_den > 0) {
        /* E.2.1: sar_width and sar_height are relatively prime. */
        int a = d->sar_num, b = d->sar_den;
        while (b) {
            int r = a % b;
            a = b;
            b = r;
        }
        vui->aspect_ratio_info_present = 1;
        vui->sar_width = d->sar_num / a;
        vui->sar_height = d->sar_den / a;
    }
    vui->video_full_range = !!d->full_range;
    vui->colour_primaries = d->colour_primaries ? d->colour_primaries : 2;
    vui->transfer_characteristics = d->transfer ? d->transfer : 2;
    vui->matrix_coefficients = d->matrix ? d->matrix : 2;
    vui->colour_description_present = vui->colour_primaries != 2 || vui->transfer_characteristics != 2 ||
                                      vui->matrix_coefficients != 2;
    vui->video_signal_type_present = vui->video_full_range || vui->colour_description_present;
    vui->chroma_loc_info_present = d->chroma_sample_loc > 0;
    vui->chroma_sample_loc_type = d->chroma_sample_loc;
    if (d->fps_num > 0 && d->fps_den > 0) {
        /* One frame is two ticks of the field clock (E.2.1). */
        vui->timing_info_present = 1;
        vui->num_units_in_tick = (uint32_t)d->fps_den;
        vui->time_scale = 2u * (uint32_t)d->fps_num;
        vui->fixed_frame_rate = 1;
    }
    vui->bitstream_restriction = 1;
    /* Each anchor is coded before the B pictures shown ahead of it, and
     * those are not references: one picture at most waits for output. */
    vui->max_num_reorder_frames = d->bframes > 0;
}

void h264_tools_describe(const h264_tools *t, char *out, size_t size)
{
    const char *profile = t->profile_idc == H264_PROFILE_HIGH   ? "High"
                          : t->profile_idc == H264_PROFILE_MAIN ? "Main"
                                                                : "Constrained Baseline";
    snprintf(out, size, "%s, %s%s", profile, t->cabac ? "CABAC" : "CAVLC", t->transform_8x8 ? ", 8x8 transform" : "");
}

int h264_tools_limit(h264_tools *t, const h264_tools *max)
{
    const h264_tools was = *t;
    if (!max->profile_idc)
        return 0;
    if (t->profile_idc > max->profile_idc)
        t->profile_idc = max->profile_idc;
    t->cabac = t->cabac && max->cabac && t->profile_idc != H264_PROFILE_BASELINE;
    t->transform_8x8 = t->transform_8x8 && max->transform_8x8 && t->profile_idc == H264_PROFILE_HIGH;
    return memcmp(&was, t, sizeof(was)) != 0;
}

void h264_tools_note(const h264_tools *coded, const h264_tools *asked, const char *why, char *out, size_t size)
{
    char have[64], want[64];
    size_t n = strlen(out);
    h264_tools_describe(coded, have, sizeof(have));
    if (n >= size)
        return;
    if (!memcmp(coded, asked, sizeof(*coded))) {
        snprintf(out + n, size - n, "; coding %s", have);
        return;
    }
    h264_tools_describe(asked, want, sizeof(want));
    snprintf(out + n, size - n, "; coding %s, not %s: %s", have, want, why ? why : "the device cannot");
}

int h264_stream_init(const h264_stream_desc *d, h264_sps *sps, h264_pps *pps, char *err, size_t err_size)
{
    memset(sps, 0, sizeof(*sps));
    memset(pps, 0, sizeof(*pps));
    if (d->width <= 0 || d->height <= 0 || (d->width & 1) || (d->height & 1)) {
        snprintf(err, err_size, "invalid size %dx%d: width and height must be positive and even for 4:2:0",
                 d->width, d->height);
        return -1;
    }
    int mb_w = (d->width + 15) / 16, mb_h = (d->height + 15) / 16;
    int level = h264_level_for(d->width, d->height, d->fps_num, d->fps_den, d->max_refs, d->bitrate_kbps);
    if (!level && d->bitrate_kbps > 0 && h264_level_for(d->width, d->height, d->fps_num, d->fps_den, d->max_refs, 0)) {
        snprintf(err, err_size, "a peak bitrate of %d kb/s exceeds every H.264 level (level 6.2 allows at most %d kb/s)",
                 d->bitrate_kbps, level_limits[sizeof(level_limits) / sizeof(level_limits[0]) - 1].max_br);
        return -1;
    }
    if (!level) {
        snprintf(err, err_size,
                 "%dx%d at %d/%d fps with %d reference frames exceeds every H.264 level "
                 "(level 6.2 allows at most 139264 macroblocks per frame, 8192 per side, "
                 "16711680 macroblocks per second)",
                 d->width, d->height, d->fps_num, d->fps_den, d->max_refs);
        return -1;
    }
    sps->profile_idc = d->profile_idc;
    /* Constrained Baseline is Baseline with constraint_set1 (Main-compatible). */
    if (d->profile_idc == H264_PROFILE_BASELINE)
        sps->constraint_set_flags = (1 << 0) | (1 << 1);
    else if (d->profile_idc == H264_PROFILE_MAIN)
        sps->constraint_set_flags = 1 << 1;
    sps->level_idc = level;
    sps->log2_max_frame_num = 8;
    sps->poc_type = 0;
    sps->log2_max_poc_lsb = 8;
    sps->max_num_ref_frames = d->max_refs;
    sps->mb_width = mb_w;
    sps->mb_height = mb_h;
    sps->direct_8x8_inference = 1;
    sps->crop_right = mb_w * 16 - d->width;
    sps->crop_bottom = mb_h * 16 - d->height;
    sps->vui_present = 1;
    vui_init(d, &sps->vui);
    sps->vui.max_dec_frame_buffering = d->max_refs;
    if (sps->vui.max_dec_frame_buffering > max_dpb_frames(level, mb_w, mb_h))
        sps->vui.max_dec_frame_buffering = max_dpb_frames(level, mb_w, mb_h);

    if ((d->cabac && d->profile_idc == H264_PROFILE_BASELINE) ||
        (d->transform_8x8 && d->profile_idc < H264_PROFILE_HIGH)) {
        snprintf(err, err_size, "profile_idc %d allows neither %s", d->profile_idc,
                 d->cabac && d->profile_idc == H264_PROFILE_BASELINE ? "CABAC" : "the 8x8 transform");
        return -1;
    }
    pps->entropy_coding_mode = !!d->cabac;
    /* Flat scaling lists: no seq_ or pic_scaling_matrix. */
    pps->transform_8x8_mode = !!d->transform_8x8;
    pps->num_ref_idx_l0_default_active = d->max_refs > 0 ? d->max_refs : 1;
    pps->num_ref_idx_l1_default_active = 1;
    pps->pic_init_qp = d->qp;
    pps->deblocking_filter_control_present = 1;
    return 0;
}

/* Table E-1 entries, index = aspect_ratio_idc. */
static const uint8_t sar_table[17][2] = {
    { 0, 0 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 }, { 24, 11 }, { 20, 11 },
    { 32, 11 }, { 80, 33 }, { 18, 11 }, { 15, 11 }, { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
};

static void write_vui(h264_bitstream *bs, const h264_vui *v)
{
    bs_write_flag(bs, v->aspect_ratio_info_present);
    if (v->aspect_ratio_info_present) {
        int idc = 255;
        for (int i = 1; i < 17 && !v->extended_sar; i++)
            if (sar_table[i][0] == v->sar_width && sar_table[i][1] == v->sar_height)
                idc = i;
        bs_write_bits(bs, 8, (uint32_t)idc);
        if (idc == 255) {
            bs_write_bits(bs, 16, (uint32_t)v->sar_width);
            bs_write_bits(bs, 16, (uint32_t)v->sar_height);
        }
    }
    bs_write_flag(bs, 0); /* overscan_info_present_flag */
    bs_write_flag(bs, v->video_signal_type_present);
    if (v->video_signal_type_present) {
        bs_write_bits(bs, 3, 5); /* video_format: unspecified */
        bs_write_flag(bs, v->video_full_range);
        bs_write_flag(bs, v->colour_description_present);
        if (v->colour_description_present) {
            bs_write_bits(bs, 8, (uint32_t)v->colour_primaries);
            bs_write_bits(bs, 8, (uint32_t)v->transfer_characteristics);
            bs_write_bits(bs, 8, (uint32_t)v->matrix_coefficients);
        }
    }
    bs_write_flag(bs, v->chroma_loc_info_present);
    if (v->chroma_loc_info_present) {
        bs_write_ue(bs, (uint32_t)v->chroma_sample_loc_type);
        bs_write_ue(bs, (uint32_t)v->chroma_sample_loc_type);
    }
    bs_write_flag(bs, v->timing_info_present);
    if (v->timing_info_present) {
        bs_write_bits(bs, 32, v->num_units_in_tick);
        bs_write_bits(bs, 32, v->time_scale);
        bs_write_flag(bs, v->fixed_frame_rate);
    }
    bs_write_flag(bs, v->nal_hrd_present);
    if (v->nal_hrd_present)
        h264_write_hrd(bs, &v->nal_hrd);
    bs_write_flag(bs, 0); /* vcl_hrd_parameters_present_flag */
    if (v->nal_hrd_present)
        bs_write_flag(bs, v->low_delay_hrd);
    bs_write_flag(bs, v->pic_struct_present);
    bs_write_flag(bs, v->bitstream_restriction);
    if (v->bitstream_restriction) {
        bs_write_flag(bs, 1);  /* motion_vectors_over_pic_boundaries_flag */
        bs_write_ue(bs, (uint32_t)v->max_bytes_per_pic_denom);
        bs_write_ue(bs, (uint32_t)v->max_bits_per_mb_denom);
        bs_write_ue(bs, 15);   /* log2_max_mv_length_horizontal */
        bs_write_ue(bs, 15);   /* log2_max_mv_length_vertical */
        bs_write_ue(bs, (uint32_t)v->max_num_reorder_frames);
        bs_write_ue(bs, (uint32_t)v->max_dec_frame_buffering);
    }
}

void h264_write_sps(h264_bitstream *bs, const h264_sps *sps)
{
    bs_write_bits(bs, 8, (uint32_t)sps->profile_idc);
    for (int i = 0; i < 6; i++)
        bs_write_flag(bs, (sps->constraint_set_flags >> i) & 1);
    bs_write_bits(bs, 2, 0); /* reserved_zero_2bits */
    bs_write_bits(bs, 8, (uint32_t)sps->level_idc);
    bs_write_ue(bs, (uint32_t)sps->sps_id);
    if (sps->profile_idc >= H264_PROFILE_HIGH) {
        bs_write_ue(bs, 1);    /* chroma_format_idc: 4:2:0 */
        bs_write_ue(bs, 0);    /* bit_depth_luma_minus8 */
        bs_write_ue(bs, 0);    /* bit_depth_chroma_minus8 */
        bs_write_flag(bs, 0);  /* qpprime_y_zero_transform_bypass_flag */
        bs_write_flag(bs, 0);  /* seq_scaling_matrix_present_flag */
    }
    bs_write_ue(bs, (uint32_t)(sps->log2_max_frame_num - 4));
    bs_write_ue(bs, (uint32_t)sps->poc_type);
    if (sps->poc_type == 0)
        bs_write_ue(bs, (uint32_t)(sps->log2_max_poc_lsb - 4));
    bs_write_ue(bs, (uint32_t)sps->max_num_ref_frames);
    bs_write_flag(bs, 0); /* gaps_in_frame_num_value_allowed_flag */
    bs_write_ue(bs, (uint32_t)(sps->mb_width - 1));
    bs_write_ue(bs, (uint32_t)(sps->mb_height - 1));
    bs_write_flag(bs, 1); /* frame_mbs_only_flag */
    bs_write_flag(bs, sps->direct_8x8_inference);
    int cropping = sps->crop_left || sps->crop_right || sps->crop_top || sps->crop_bottom;
    bs_write_flag(bs, cropping);
    if (cropping) {
        /* 4:2:0 frame coding: crop units are two samples in each direction. */
        bs_write_ue(bs, (uint32_t)sps->crop_left / 2);
        bs_write_ue(bs, (uint32_t)sps->crop_right / 2);
        bs_write_ue(bs, (uint32_t)sps->crop_top / 2);
        bs_write_ue(bs, (uint32_t)sps->crop_bottom / 2);
    }
    bs_write_flag(bs, sps->vui_present);
    if (sps->vui_present)
        write_vui(bs, &sps->vui);
    bs_write_rbsp_trailing(bs);
}

void h264_write_pps(h264_bitstream *bs, const h264_pps *pps)
{
    bs_write_ue(bs, (uint32_t)pps->pps_id);
    bs_write_ue(bs, (uint32_t)pps->sps_id);
    bs_write_flag(bs, pps->entropy_coding_mode);
    bs_write_flag(bs, 0); /* bottom_field_pic_order_in_frame_present_flag */
    bs_write_ue(bs, 0);   /* num_slice_groups_minus1 */
    bs_write_ue(bs, (uint32_t)(pps->num_ref_idx_l0_default_active - 1));
    bs_write_ue(bs, (uint32_t)(pps->num_ref_idx_l1_default_active - 1));
    bs_write_flag(bs, pps->weighted_pred);
    bs_write_bits(bs, 2, (uint32_t)pps->weighted_bipred_idc);
    bs_write_se(bs, pps->pic_init_qp - 26);
    bs_write_se(bs, 0);   /* pic_init_qs_minus26 */
    bs_write_se(bs, pps->chroma_qp_index_offset);
    bs_write_flag(bs, pps->deblocking_filter_control_present);
    bs_write_flag(bs, pps->constrained_intra_pred);
    bs_write_flag(bs, 0); /* redundant_pic_cnt_present_flag */
    if (pps->transform_8x8_mode) {
        bs_write_flag(bs, 1);
        bs_write_flag(bs, 0); /* pic_scaling_matrix_present_flag */
        bs_write_se(bs, pps->chroma_qp_index_offset);
    }
    bs_write_rbsp_trailing(bs);
}

/* ref_pic_list_modification() of one list (7.3.3.1). */
static void write_ref_list_modification(h264_bitstream *bs, const h264_ref_list_op *ops, int count)
{
    bs_write_flag(bs, count > 0);
    if (count <= 0)
        return;
    for (int i = 0; i < count; i++) {
        bs_write_ue(bs, (uint32_t)ops[i].modification_of_pic_nums_idc);
        bs_write_ue(bs, (uint32_t)ops[i].value);
    }
    bs_write_ue(bs, 3); /* end of the list's modifications */
}

void h264_write_slice_header(h264_bitstream *bs, const h264_sps *sps, const h264_pps *pps,
                             const h264_slice_header *sh)
{
    int idr = sh->nal_unit_type == H264_NAL_IDR_SLICE;
    bs_write_ue(bs, (uint32_t)sh->first_mb);
    bs_write_ue(bs, (uint32_t)(sh->slice_type + (sh->slice_type_fixed ? 5 : 0)));
    bs_write_ue(bs, (uint32_t)pps->pps_id);
    bs_write_bits(bs, sps->log2_max_frame_num, (uint32_t)sh->frame_num);
    if (idr)
        bs_write_ue(bs, (uint32_t)sh->idr_pic_id);
    if (sps->poc_type == 0)
        bs_write_bits(bs, sps->log2_max_poc_lsb, (uint32_t)sh->poc_lsb);
    if (sh->slice_type == H264_SLICE_B)
        bs_write_flag(bs, sh->direct_spatial_mv_pred);
    if (sh->slice_type != H264_SLICE_I) {
        bs_write_flag(bs, sh->num_ref_idx_active_override);
        if (sh->num_ref_idx_active_override) {
            bs_write_ue(bs, (uint32_t)(sh->num_ref_idx_l0_active - 1));
            if (sh->slice_type == H264_SLICE_B)
                bs_write_ue(bs, (uint32_t)(sh->num_ref_idx_l1_active - 1));
        }
        write_ref_list_modification(bs, sh->ref_list_ops, sh->num_ref_list_ops);
        if (sh->slice_type == H264_SLICE_B)
            write_ref_list_modification(bs, sh->ref_list_ops_l1, sh->num_ref_list_ops_l1);
    }
    if (sh->nal_ref_idc) {
        if (idr) {
            bs_write_flag(bs, sh->no_output_of_prior_pics);
            bs_write_flag(bs, sh->long_term_reference);
        } else {
            /* adaptive_ref_pic_marking_mode_flag; only MMCO 1 (unmark a
             * short-term picture) is used, then the end (0). */
            bs_write_flag(bs, sh->num_unmark > 0);
            for (int i = 0; i < sh->num_unmark; i++) {
                bs_write_ue(bs, 1);
                bs_write_ue(bs, (uint32_t)sh->unmark_diff_minus1[i]);
            }
            if (sh->num_unmark)
                bs_write_ue(bs, 0);
        }
    }
    if (pps->entropy_coding_mode && sh->slice_type != H264_SLICE_I)
        bs_write_ue(bs, (uint32_t)sh->cabac_init_idc);
    bs_write_se(bs, sh->slice_qp - pps->pic_init_qp);
    if (pps->deblocking_filter_control_present) {
        bs_write_ue(bs, (uint32_t)sh->disable_deblocking_filter_idc);
        if (sh->disable_deblocking_filter_idc != 1) {
            bs_write_se(bs, sh->slice_alpha_c0_offset_div2);
            bs_write_se(bs, sh->slice_beta_offset_div2);
        }
    }
}

static size_t write_one(uint8_t *dst, size_t capacity, int type, const h264_sps *sps, const h264_pps *pps)
{
    uint8_t rbsp[512];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    if (type == H264_NAL_SPS)
        h264_write_sps(&bs, sps);
    else
        h264_write_pps(&bs, pps);
    size_t size = bs_flush(&bs);
    if (bs.overflow)
        return 0;
    return h264_write_nal(dst, capacity, 3, type, rbsp, size);
}

size_t h264_write_parameter_sets(uint8_t *dst, size_t capacity, const h264_sps *sps, const h264_pps *pps)
{
    size_t a = write_one(dst, capacity, H264_NAL_SPS, sps, pps);
    if (!a)
        return 0;
    size_t b = write_one(dst + a, capacity - a, H264_NAL_PPS, sps, pps);
    return b ? a + b : 0;
}
