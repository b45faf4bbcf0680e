/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The headers as the test driver sees them: derived from the VA parameter
 * buffers (what a driver without packed headers would write), and parsed
 * back from the application's packed headers, independently of the writer
 * that made them, so the two can be compared field by field.
 */
#include <stdio.h>
#include <string.h>

#include "tests/vaapi/drv.h"

typedef struct bit_reader {
    const uint8_t *buf;
    size_t bits;
    size_t pos;
    int error;
} bit_reader;

static uint32_t get_bits(bit_reader *r, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (r->pos >= r->bits) {
            r->error = 1;
            return 0;
        }
        v = v << 1 | ((r->buf[r->pos >> 3] >> (7 - (r->pos & 7))) & 1);
        r->pos++;
    }
    return v;
}

static uint32_t get_ue(bit_reader *r)
{
    int zeros = 0;
    while (!get_bits(r, 1) && !r->error)
        if (++zeros > 31) {
            r->error = 1;
            return 0;
        }
    return (uint32_t)((1ull << zeros) - 1 + get_bits(r, zeros));
}

static int32_t get_se(bit_reader *r)
{
    uint32_t v = get_ue(r);
    return v & 1 ? (int32_t)((v + 1) / 2) : -(int32_t)(v / 2);
}

/* Position of the rbsp_stop_one_bit: the last 1 bit of the buffer. */
static size_t stop_bit(const bit_reader *r)
{
    for (size_t i = r->bits; i > 0; i--)
        if ((r->buf[(i - 1) >> 3] >> (7 - ((i - 1) & 7))) & 1)
            return i - 1;
    return (size_t)-1;
}

/* Annex B NAL unit to RBSP: the start code and header go, emulation
 * prevention bytes too. Returns the nal_unit_type or -1. */
static int nal_to_rbsp(const uint8_t *data, size_t size, uint8_t *rbsp, size_t *rbsp_size)
{
    size_t i = 0;
    while (i < size && data[i] == 0)
        i++;
    if (i < 2 || i >= size || data[i] != 1 || i + 1 >= size)
        return -1;
    i++;
    int type = data[i] & 0x1f;
    i++;
    size_t n = 0, zeros = 0;
    for (; i < size; i++) {
        if (zeros >= 2 && data[i] == 3) {
            zeros = 0;
            continue;
        }
        zeros = data[i] == 0 ? zeros + 1 : 0;
        rbsp[n++] = data[i];
    }
    *rbsp_size = n;
    return type;
}

static const uint8_t sar_table[17][2] = {
    { 0, 0 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 }, { 24, 11 }, { 20, 11 },
    { 32, 11 }, { 80, 33 }, { 18, 11 }, { 15, 11 }, { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
};

/* hrd_parameters() (E.1.2) with one CPB, as h264_hrd holds it. */
static int parse_hrd(bit_reader *r, h264_hrd *h)
{
    if (get_ue(r) != 0) /* cpb_cnt_minus1 */
        return -1;
    h->bit_rate_scale = (int)get_bits(r, 4);
    h->cpb_size_scale = (int)get_bits(r, 4);
    h->bit_rate_value_minus1 = get_ue(r);
    h->cpb_size_value_minus1 = get_ue(r);
    h->cbr_flag = (int)get_bits(r, 1);
    h->initial_cpb_removal_delay_length = (int)get_bits(r, 5) + 1;
    h->cpb_removal_delay_length = (int)get_bits(r, 5) + 1;
    h->dpb_output_delay_length = (int)get_bits(r, 5) + 1;
    h->time_offset_length = (int)get_bits(r, 5);
    return r->error ? -1 : 0;
}

static int parse_vui(bit_reader *r, h264_vui *v)
{
    v->aspect_ratio_info_present = (int)get_bits(r, 1);
    if (v->aspect_ratio_info_present) {
        uint32_t idc = get_bits(r, 8);
        v->extended_sar = idc == 255;
        if (idc == 255) {
            v->sar_width = (int)get_bits(r, 16);
            v->sar_height = (int)get_bits(r, 16);
        } else if (idc > 0 && idc < 17) {
            v->sar_width = sar_table[idc][0];
            v->sar_height = sar_table[idc][1];
        } else {
            return -1;
        }
    }
    if (get_bits(r, 1)) /* overscan_info_present_flag */
        get_bits(r, 1);
    v->video_signal_type_present = (int)get_bits(r, 1);
    if (v->video_signal_type_present) {
        get_bits(r, 3);
        v->video_full_range = (int)get_bits(r, 1);
        v->colour_description_present = (int)get_bits(r, 1);
        if (v->colour_description_present) {
            v->colour_primaries = (int)get_bits(r, 8);
            v->transfer_characteristics = (int)get_bits(r, 8);
            v->matrix_coefficients = (int)get_bits(r, 8);
        }
    }
    if (!v->colour_description_present)
        v->colour_primaries = v->transfer_characteristics = v->matrix_coefficients = 2;
    v->chroma_loc_info_present = (int)get_bits(r, 1);
    if (v->chroma_loc_info_present) {
        v->chroma_sample_loc_type = (int)get_ue(r);
        get_ue(r);
    }
    v->timing_info_present = (int)get_bits(r, 1);
    if (v->timing_info_present) {
        v->num_units_in_tick = get_bits(r, 32);
        v->time_scale = get_bits(r, 32);
        v->fixed_frame_rate = (int)get_bits(r, 1);
    }
    v->nal_hrd_present = (int)get_bits(r, 1);
    if (v->nal_hrd_present && parse_hrd(r, &v->nal_hrd) < 0)
        return -1;
    if (get_bits(r, 1)) /* vcl_hrd_parameters_present_flag: not modelled */
        return -1;
    if (v->nal_hrd_present)
        v->low_delay_hrd = (int)get_bits(r, 1);
    v->pic_struct_present = (int)get_bits(r, 1); /* GStreamer's vah264enc sets it */
    v->bitstream_restriction = (int)get_bits(r, 1);
    if (v->bitstream_restriction) {
        if (!get_bits(r, 1)) /* motion_vectors_over_pic_boundaries_flag: 0 not modelled */
            return -1;
        v->max_bytes_per_pic_denom = (int)get_ue(r);
        v->max_bits_per_mb_denom = (int)get_ue(r);
        if (get_ue(r) != 15 || get_ue(r) != 15) /* log2_max_mv_length: others not modelled */
            return -1;
        v->max_num_reorder_frames = (int)get_ue(r);
        v->max_dec_frame_buffering = (int)get_ue(r);
    }
    return 0;
}

static int check_trailing(const bit_reader *r, const char *what, char *msg, size_t msg_size)
{
    if (r->error || stop_bit(r) != r->pos) {
        snprintf(msg, msg_size, "%s: syntax error or bits after the rbsp_trailing_bits (read %zu of %zu bits)", what,
                 r->pos, r->bits);
        return -1;
    }
    return 0;
}

int drv_parse_sps(const uint8_t *data, size_t size, h264_sps *sps, char *msg, size_t msg_size)
{
    uint8_t rbsp[512];
    size_t n;
    if (size > sizeof(rbsp) || nal_to_rbsp(data, size, rbsp, &n) != H264_NAL_SPS) {
        snprintf(msg, msg_size, "packed SPS: not an SPS NAL unit in Annex B form");
        return -1;
    }
    bit_reader r = { .buf = rbsp, .bits = n * 8 };
    memset(sps, 0, sizeof(*sps));
    sps->profile_idc = (int)get_bits(&r, 8);
    for (int i = 0; i < 6; i++)
        sps->constraint_set_flags |= (int)get_bits(&r, 1) << i;
    get_bits(&r, 2);
    sps->level_idc = (int)get_bits(&r, 8);
    sps->sps_id = (int)get_ue(&r);
    if (sps->profile_idc >= H264_PROFILE_HIGH &&
        (get_ue(&r) != 1 || get_ue(&r) || get_ue(&r) || get_bits(&r, 1) || get_bits(&r, 1))) {
        snprintf(msg, msg_size, "packed SPS: only 8-bit 4:2:0 without scaling matrices is modelled");
        return -1;
    }
    sps->log2_max_frame_num = (int)get_ue(&r) + 4;
    sps->poc_type = (int)get_ue(&r);
    if (sps->poc_type == 0)
        sps->log2_max_poc_lsb = (int)get_ue(&r) + 4;
    else if (sps->poc_type != 2) {
        snprintf(msg, msg_size, "packed SPS: pic_order_cnt_type %d is not modelled", sps->poc_type);
        return -1;
    }
    sps->max_num_ref_frames = (int)get_ue(&r);
    int gaps = (int)get_bits(&r, 1);
    sps->mb_width = (int)get_ue(&r) + 1;
    sps->mb_height = (int)get_ue(&r) + 1;
    int frame_mbs_only = (int)get_bits(&r, 1);
    if (gaps || !frame_mbs_only) {
        snprintf(msg, msg_size, "packed SPS: gaps in frame_num or field coding are not modelled");
        return -1;
    }
    sps->direct_8x8_inference = (int)get_bits(&r, 1);
    if (get_bits(&r, 1)) {
        sps->crop_left = (int)get_ue(&r) * 2;
        sps->crop_right = (int)get_ue(&r) * 2;
        sps->crop_top = (int)get_ue(&r) * 2;
        sps->crop_bottom = (int)get_ue(&r) * 2;
    }
    sps->vui_present = (int)get_bits(&r, 1);
    if (sps->vui_present && parse_vui(&r, &sps->vui) < 0) {
        snprintf(msg, msg_size, "packed SPS: VUI with VCL HRD, several CPBs, a reserved aspect_ratio_idc or motion vector limits (not modelled)");
        return -1;
    }
    return check_trailing(&r, "packed SPS", msg, msg_size);
}

int drv_parse_pps(const uint8_t *data, size_t size, h264_pps *pps, char *msg, size_t msg_size)
{
    uint8_t rbsp[512];
    size_t n;
    if (size > sizeof(rbsp) || nal_to_rbsp(data, size, rbsp, &n) != H264_NAL_PPS) {
        snprintf(msg, msg_size, "packed PPS: not a PPS NAL unit in Annex B form");
        return -1;
    }
    bit_reader r = { .buf = rbsp, .bits = n * 8 };
    memset(pps, 0, sizeof(*pps));
    pps->pps_id = (int)get_ue(&r);
    pps->sps_id = (int)get_ue(&r);
    pps->entropy_coding_mode = (int)get_bits(&r, 1);
    int bottom_field_pic_order = (int)get_bits(&r, 1);
    int slice_groups = (int)get_ue(&r);
    if (bottom_field_pic_order || slice_groups) {
        snprintf(msg, msg_size, "packed PPS: field POC or slice groups are not modelled");
        return -1;
    }
    pps->num_ref_idx_l0_default_active = (int)get_ue(&r) + 1;
    pps->num_ref_idx_l1_default_active = (int)get_ue(&r) + 1;
    pps->weighted_pred = (int)get_bits(&r, 1);
    pps->weighted_bipred_idc = (int)get_bits(&r, 2);
    pps->pic_init_qp = get_se(&r) + 26;
    get_se(&r);
    pps->chroma_qp_index_offset = get_se(&r);
    pps->deblocking_filter_control_present = (int)get_bits(&r, 1);
    pps->constrained_intra_pred = (int)get_bits(&r, 1);
    if (get_bits(&r, 1)) {
        snprintf(msg, msg_size, "packed PPS: redundant_pic_cnt is not modelled");
        return -1;
    }
    if (!r.error && r.pos < stop_bit(&r)) { /* more_rbsp_data() */
        pps->transform_8x8_mode = (int)get_bits(&r, 1);
        if (get_bits(&r, 1) || get_se(&r) != pps->chroma_qp_index_offset) {
            snprintf(msg, msg_size, "packed PPS: scaling matrices or a second chroma QP offset are not modelled");
            return -1;
        }
    }
    return check_trailing(&r, "packed PPS", msg, msg_size);
}

/* ref_pic_list_modification() of one list (7.3.3.1), short-term only. */
static int parse_list_ops(bit_reader *r, h264_ref_list_op *ops, int *count, char *msg, size_t msg_size)
{
    *count = 0;
    if (!get_bits(r, 1))
        return 0;
    for (;;) {
        uint32_t idc = get_ue(r);
        if (idc == 3 || r->error)
            return 0;
        if (idc > 1 || *count == H264_MAX_REORDER_OPS) {
            snprintf(msg, msg_size, "packed slice header: reordering with long-term pictures or too many ops");
            return -1;
        }
        ops[*count].modification_of_pic_nums_idc = (int)idc;
        ops[(*count)++].value = (int)get_ue(r);
    }
}

int64_t drv_parse_slice_header(const uint8_t *data, size_t size, const h264_sps *sps, const h264_pps *pps,
                               h264_slice_header *sh, char *msg, size_t msg_size)
{
    bit_reader r = { .buf = data, .bits = size * 8 };
    memset(sh, 0, sizeof(*sh));
    if (get_bits(&r, 24) != 0 || get_bits(&r, 8) != 1) {
        snprintf(msg, msg_size, "packed slice header: no 4-byte start code");
        return -1;
    }
    if (get_bits(&r, 1)) {
        snprintf(msg, msg_size, "packed slice header: forbidden_zero_bit set");
        return -1;
    }
    sh->nal_ref_idc = (int)get_bits(&r, 2);
    sh->nal_unit_type = (int)get_bits(&r, 5);
    if (sh->nal_unit_type != H264_NAL_SLICE && sh->nal_unit_type != H264_NAL_IDR_SLICE) {
        snprintf(msg, msg_size, "packed slice header: nal_unit_type %d", sh->nal_unit_type);
        return -1;
    }
    int idr = sh->nal_unit_type == H264_NAL_IDR_SLICE;
    sh->first_mb = (int)get_ue(&r);
    uint32_t slice_type = get_ue(&r);
    if (slice_type > 9) {
        snprintf(msg, msg_size, "packed slice header: slice_type %u", slice_type);
        return -1;
    }
    sh->slice_type = (int)(slice_type % 5);
    sh->slice_type_fixed = slice_type >= 5;
    if (sh->slice_type > H264_SLICE_I) {
        snprintf(msg, msg_size, "packed slice header: SP/SI slice_type %u", slice_type);
        return -1;
    }
    if ((int)get_ue(&r) != pps->pps_id) {
        snprintf(msg, msg_size, "packed slice header: pic_parameter_set_id differs from the picture's");
        return -1;
    }
    sh->frame_num = (int)get_bits(&r, sps->log2_max_frame_num);
    if (idr)
        sh->idr_pic_id = (int)get_ue(&r);
    if (sps->poc_type == 0)
        sh->poc_lsb = (int)get_bits(&r, sps->log2_max_poc_lsb);
    if (sh->slice_type == H264_SLICE_B)
        sh->direct_spatial_mv_pred = (int)get_bits(&r, 1);
    if (sh->slice_type == H264_SLICE_P || sh->slice_type == H264_SLICE_B) {
        sh->num_ref_idx_active_override = (int)get_bits(&r, 1);
        sh->num_ref_idx_l0_active = pps->num_ref_idx_l0_default_active;
        sh->num_ref_idx_l1_active = sh->slice_type == H264_SLICE_B ? pps->num_ref_idx_l1_default_active : 0;
        if (sh->num_ref_idx_active_override) {
            sh->num_ref_idx_l0_active = (int)get_ue(&r) + 1;
            if (sh->slice_type == H264_SLICE_B)
                sh->num_ref_idx_l1_active = (int)get_ue(&r) + 1;
        }
        if (parse_list_ops(&r, sh->ref_list_ops, &sh->num_ref_list_ops, msg, msg_size) < 0)
            return -1;
        if (sh->slice_type == H264_SLICE_B &&
            parse_list_ops(&r, sh->ref_list_ops_l1, &sh->num_ref_list_ops_l1, msg, msg_size) < 0)
            return -1;
    }
    if ((pps->weighted_pred && sh->slice_type == H264_SLICE_P) ||
        (pps->weighted_bipred_idc == 1 && sh->slice_type == H264_SLICE_B)) {
        snprintf(msg, msg_size, "packed slice header: explicit weighted prediction is not modelled");
        return -1;
    }
    if (sh->nal_ref_idc) {
        if (idr) {
            sh->no_output_of_prior_pics = (int)get_bits(&r, 1);
            sh->long_term_reference = (int)get_bits(&r, 1);
        } else if (get_bits(&r, 1)) { /* adaptive_ref_pic_marking_mode_flag */
            for (uint32_t op; (op = get_ue(&r)) != 0 && !r.error;) {
                if (op != 1 || sh->num_unmark == H264_MAX_REFS) {
                    snprintf(msg, msg_size, "packed slice header: MMCO %u (only 1, unmarking short-term "
                                            "pictures, is modelled)", op);
                    return -1;
                }
                sh->unmark_diff_minus1[sh->num_unmark++] = (int)get_ue(&r);
            }
        }
    }
    /* 7.3.3: cabac_init_idc in CABAC P and B slices. */
    if (pps->entropy_coding_mode && sh->slice_type != H264_SLICE_I)
        sh->cabac_init_idc = (int)get_ue(&r);
    sh->slice_qp = pps->pic_init_qp + get_se(&r);
    if (pps->deblocking_filter_control_present) {
        sh->disable_deblocking_filter_idc = (int)get_ue(&r);
        if (sh->disable_deblocking_filter_idc != 1) {
            sh->slice_alpha_c0_offset_div2 = get_se(&r);
            sh->slice_beta_offset_div2 = get_se(&r);
        }
    }
    if (r.error) {
        snprintf(msg, msg_size, "packed slice header: shorter than its syntax");
        return -1;
    }
    return (int64_t)r.pos;
}

int drv_sps_from_va(const VAEncSequenceParameterBufferH264 *seq, VAProfile profile, h264_sps *sps)
{
    memset(sps, 0, sizeof(*sps));
    switch (profile) {
    case VAProfileH264ConstrainedBaseline:
        sps->profile_idc = H264_PROFILE_BASELINE;
        sps->constraint_set_flags = 3;
        break;
    case VAProfileH264Main:
        sps->profile_idc = H264_PROFILE_MAIN;
        sps->constraint_set_flags = 2;
        break;
    default:
        sps->profile_idc = H264_PROFILE_HIGH;
        break;
    }
    sps->level_idc = seq->level_idc;
    sps->sps_id = seq->seq_parameter_set_id;
    sps->log2_max_frame_num = (int)seq->seq_fields.bits.log2_max_frame_num_minus4 + 4;
    sps->poc_type = (int)seq->seq_fields.bits.pic_order_cnt_type;
    sps->log2_max_poc_lsb = (int)seq->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 + 4;
    sps->max_num_ref_frames = (int)seq->max_num_ref_frames;
    sps->mb_width = seq->picture_width_in_mbs;
    sps->mb_height = seq->picture_height_in_mbs;
    sps->direct_8x8_inference = (int)seq->seq_fields.bits.direct_8x8_inference_flag;
    if (seq->frame_cropping_flag) {
        sps->crop_left = (int)seq->frame_crop_left_offset * 2;
        sps->crop_right = (int)seq->frame_crop_right_offset * 2;
        sps->crop_top = (int)seq->frame_crop_top_offset * 2;
        sps->crop_bottom = (int)seq->frame_crop_bottom_offset * 2;
    }
    sps->vui_present = seq->vui_parameters_present_flag;
    h264_vui *v = &sps->vui;
    v->colour_primaries = v->transfer_characteristics = v->matrix_coefficients = 2;
    if (sps->vui_present) {
        v->aspect_ratio_info_present = (int)seq->vui_fields.bits.aspect_ratio_info_present_flag;
        if (v->aspect_ratio_info_present && seq->aspect_ratio_idc == 255) {
            v->sar_width = (int)seq->sar_width;
            v->sar_height = (int)seq->sar_height;
        } else if (v->aspect_ratio_info_present && seq->aspect_ratio_idc > 0 && seq->aspect_ratio_idc < 17) {
            v->sar_width = sar_table[seq->aspect_ratio_idc][0];
            v->sar_height = sar_table[seq->aspect_ratio_idc][1];
        }
        v->timing_info_present = (int)seq->vui_fields.bits.timing_info_present_flag;
        v->num_units_in_tick = seq->num_units_in_tick;
        v->time_scale = seq->time_scale;
        v->fixed_frame_rate = (int)seq->vui_fields.bits.fixed_frame_rate_flag;
        v->bitstream_restriction = (int)seq->vui_fields.bits.bitstream_restriction_flag;
        v->max_dec_frame_buffering = sps->max_num_ref_frames;
        /* B pictures that are not references: one picture of delay. */
        v->max_num_reorder_frames = seq->ip_period > 1 ? 1 : 0;
    }
    /* What VA cannot express (frame_mbs_only 0, 4:2:2, high bit depth) the
     * double does not accept. */
    return seq->seq_fields.bits.chroma_format_idc == 1 && seq->seq_fields.bits.frame_mbs_only_flag &&
                   !seq->bit_depth_luma_minus8 && !seq->bit_depth_chroma_minus8 &&
                   (sps->poc_type == 0 || sps->poc_type == 2)
               ? 0
               : -1;
}

void drv_pps_from_va(const VAEncPictureParameterBufferH264 *pic, h264_pps *pps)
{
    memset(pps, 0, sizeof(*pps));
    pps->pps_id = pic->pic_parameter_set_id;
    pps->sps_id = pic->seq_parameter_set_id;
    pps->entropy_coding_mode = (int)pic->pic_fields.bits.entropy_coding_mode_flag;
    pps->num_ref_idx_l0_default_active = pic->num_ref_idx_l0_active_minus1 + 1;
    pps->num_ref_idx_l1_default_active = pic->num_ref_idx_l1_active_minus1 + 1;
    pps->weighted_pred = (int)pic->pic_fields.bits.weighted_pred_flag;
    pps->weighted_bipred_idc = (int)pic->pic_fields.bits.weighted_bipred_idc;
    pps->pic_init_qp = pic->pic_init_qp;
    pps->chroma_qp_index_offset = pic->chroma_qp_index_offset;
    pps->deblocking_filter_control_present = (int)pic->pic_fields.bits.deblocking_filter_control_present_flag;
    pps->constrained_intra_pred = (int)pic->pic_fields.bits.constrained_intra_pred_flag;
    pps->transform_8x8_mode = (int)pic->pic_fields.bits.transform_8x8_mode_flag;
}

size_t drv_write_nal(uint8_t *dst, size_t capacity, int type, const h264_sps *sps, const h264_pps *pps)
{
    uint8_t rbsp[512];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    if (type == H264_NAL_SPS)
        h264_write_sps(&bs, sps);
    else
        h264_write_pps(&bs, pps);
    size_t size = bs_flush(&bs);
    return bs.overflow ? 0 : h264_write_nal(dst, capacity, 3, type, rbsp, size);
}
