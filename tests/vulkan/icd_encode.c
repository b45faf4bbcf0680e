/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The encode itself: the std-video parameters back to the project's SPS and
 * PPS, the slice header rebuilt from the std-video picture and slice
 * information the driver received, DPB slots as the CPU encoder's
 * reconstruction slots, the driver's rate control for CBR and VBR, and the
 * slice written into the bitstream buffer with the feedback query filled.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "tests/vulkan/icd.h"
#include "tests/common/double_break.h"

static int level_from_std(StdVideoH264LevelIdc l)
{
    static const int idc[] = { 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62 };
    return (unsigned)l < sizeof(idc) / sizeof(idc[0]) ? idc[l] : 0;
}

/* Table E-1, for aspect_ratio_idc 1..16. */
static const uint8_t sar_table[17][2] = {
    { 0, 0 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 }, { 24, 11 }, { 20, 11 }, { 32, 11 },
    { 80, 33 }, { 18, 11 }, { 15, 11 }, { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
};

static void vui_from_std(h264_vui *v, const StdVideoH264SequenceParameterSetVui *s)
{
    memset(v, 0, sizeof(*v));
    v->aspect_ratio_info_present = s->flags.aspect_ratio_info_present_flag;
    if (s->aspect_ratio_idc == STD_VIDEO_H264_ASPECT_RATIO_IDC_EXTENDED_SAR) {
        v->sar_width = s->sar_width;
        v->sar_height = s->sar_height;
    } else if ((unsigned)s->aspect_ratio_idc < 17) {
        v->sar_width = sar_table[s->aspect_ratio_idc][0];
        v->sar_height = sar_table[s->aspect_ratio_idc][1];
    }
    v->video_signal_type_present = s->flags.video_signal_type_present_flag;
    v->video_full_range = s->flags.video_full_range_flag;
    v->colour_description_present = s->flags.color_description_present_flag;
    v->colour_primaries = s->colour_primaries;
    v->transfer_characteristics = s->transfer_characteristics;
    v->matrix_coefficients = s->matrix_coefficients;
    v->chroma_loc_info_present = s->flags.chroma_loc_info_present_flag;
    v->chroma_sample_loc_type = s->chroma_sample_loc_type_top_field;
    v->timing_info_present = s->flags.timing_info_present_flag;
    v->num_units_in_tick = s->num_units_in_tick;
    v->time_scale = s->time_scale;
    v->fixed_frame_rate = s->flags.fixed_frame_rate_flag;
    v->bitstream_restriction = s->flags.bitstream_restriction_flag;
    v->max_num_reorder_frames = s->max_num_reorder_frames;
    v->max_dec_frame_buffering = s->max_dec_frame_buffering;
}

void icd_params_from_std(icd_parameters *p)
{
    const StdVideoH264SequenceParameterSet *s = &p->std_sps;
    h264_sps *sps = &p->sps;
    memset(sps, 0, sizeof(*sps));
    sps->profile_idc = s->profile_idc;
    sps->constraint_set_flags = s->flags.constraint_set0_flag | s->flags.constraint_set1_flag << 1 |
                                s->flags.constraint_set2_flag << 2 | s->flags.constraint_set3_flag << 3 |
                                s->flags.constraint_set4_flag << 4 | s->flags.constraint_set5_flag << 5;
    sps->level_idc = level_from_std(s->level_idc);
    sps->sps_id = s->seq_parameter_set_id;
    sps->log2_max_frame_num = s->log2_max_frame_num_minus4 + 4;
    sps->poc_type = s->pic_order_cnt_type;
    sps->log2_max_poc_lsb = s->log2_max_pic_order_cnt_lsb_minus4 + 4;
    sps->max_num_ref_frames = s->max_num_ref_frames;
    sps->mb_width = (int)s->pic_width_in_mbs_minus1 + 1;
    sps->mb_height = (int)s->pic_height_in_map_units_minus1 + 1;
    sps->direct_8x8_inference = s->flags.direct_8x8_inference_flag;
    if (s->flags.frame_cropping_flag) {
        sps->crop_left = (int)s->frame_crop_left_offset * 2;
        sps->crop_right = (int)s->frame_crop_right_offset * 2;
        sps->crop_top = (int)s->frame_crop_top_offset * 2;
        sps->crop_bottom = (int)s->frame_crop_bottom_offset * 2;
    }
    sps->vui_present = s->flags.vui_parameters_present_flag && s->pSequenceParameterSetVui;
    if (sps->vui_present)
        vui_from_std(&sps->vui, s->pSequenceParameterSetVui);

    const StdVideoH264PictureParameterSet *q = &p->std_pps;
    h264_pps *pps = &p->pps;
    memset(pps, 0, sizeof(*pps));
    pps->pps_id = q->pic_parameter_set_id;
    pps->sps_id = q->seq_parameter_set_id;
    pps->entropy_coding_mode = q->flags.entropy_coding_mode_flag;
    pps->num_ref_idx_l0_default_active = q->num_ref_idx_l0_default_active_minus1 + 1;
    pps->num_ref_idx_l1_default_active = q->num_ref_idx_l1_default_active_minus1 + 1;
    pps->weighted_pred = q->flags.weighted_pred_flag;
    pps->weighted_bipred_idc = q->weighted_bipred_idc;
    pps->pic_init_qp = q->pic_init_qp_minus26 + 26;
    pps->chroma_qp_index_offset = q->chroma_qp_index_offset;
    pps->deblocking_filter_control_present = q->flags.deblocking_filter_control_present_flag;
    pps->constrained_intra_pred = q->flags.constrained_intra_pred_flag;
    pps->transform_8x8_mode = q->flags.transform_8x8_mode_flag;
}

static VkResult open_encoder(icd_session *s, const icd_parameters *params)
{
    if (s->enc && s->enc_params == params)
        return VK_SUCCESS;
    if (s->enc) {
        icd_error("test-icd-parameters", "the test ICD encodes a session with one parameters object only");
        return VK_ERROR_UNKNOWN;
    }
    cpu_encoder_params cp = {
        .sps = &params->sps,
        .pps = &params->pps,
        .dpb_slots = s->max_dpb_slots ? (int)s->max_dpb_slots : 1,
        .preset = 0,
        .cpu_flags = 0,
    };
    int ret = cpu_encoder_open(&s->enc, &cp);
    if (ret == HWENC_ENOMEM) /* a driver out of host memory fails the submit */
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    if (ret < 0) {
        icd_error("test-icd-encoder", "the CPU encoder core refused the parameters");
        return VK_ERROR_UNKNOWN;
    }
    s->enc_params = params;
    s->rc_qp = params->pps.pic_init_qp;
    return VK_SUCCESS;
}

/* The driver's rate control: a QP that moves with the log ratio of the
 * bits spent to the per-frame budget and with the virtual buffer's
 * fullness. Simple, but it follows the target like a real one. */
static int rc_qp(const icd_session *s)
{
    int qp = (int)lrint(s->rc_qp);
    return qp < 0 ? 0 : qp > 51 ? 51 : qp;
}

static void rc_update(icd_session *s, int64_t bits)
{
    const icd_rc *rc = &s->rc;
    double budget = (double)rc->average * rc->fps_den / rc->fps_num;
    double buffer = (double)rc->average * rc->buffer_ms / 1000.0;
    s->rc_fullness += (double)bits - budget;
    if (rc->mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR && s->rc_fullness < 0)
        s->rc_fullness = 0; /* VBR banks no savings */
    double step = 1.5 * log2(((double)bits + 1) / budget) + 4.0 * s->rc_fullness / buffer;
    step = step > 4 ? 4 : step < -4 ? -4 : step;
    s->rc_qp += step;
    s->rc_qp = s->rc_qp < 1 ? 1 : s->rc_qp > 51 ? 51 : s->rc_qp;
}

static int list_ops(const StdVideoEncodeH264RefListModEntry *mods, int n, h264_ref_list_op *ops)
{
    for (int i = 0; i < n; i++) {
        int idc = mods[i].modification_of_pic_nums_idc;
        ops[i].modification_of_pic_nums_idc = idc;
        ops[i].value = idc == 2 ? mods[i].long_term_pic_num : mods[i].abs_diff_pic_num_minus1;
    }
    return n;
}

static void build_slice(const icd_parameters *p, const icd_encode *e, h264_slice_header *sh)
{
    memset(sh, 0, sizeof(*sh));
    int idr = e->pic.flags.IdrPicFlag;
    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    sh->nal_ref_idc = e->pic.flags.is_reference ? (idr ? 3 : 2) : 0;
    sh->first_mb = (int)e->slice.first_mb_in_slice;
    sh->slice_type = e->slice.slice_type;
    sh->frame_num = (int)e->pic.frame_num;
    sh->idr_pic_id = e->pic.idr_pic_id;
    sh->poc_lsb = e->pic.PicOrderCnt & ((1 << p->sps.log2_max_poc_lsb) - 1);
    sh->num_ref_idx_active_override = e->slice.flags.num_ref_idx_active_override_flag;
    sh->num_ref_idx_l0_active = e->lists.num_ref_idx_l0_active_minus1 + 1;
    sh->num_ref_idx_l1_active = e->lists.num_ref_idx_l1_active_minus1 + 1;
    sh->direct_spatial_mv_pred = e->slice.flags.direct_spatial_mv_pred_flag;
    sh->num_ref_list_ops = list_ops(e->mods, e->lists.refList0ModOpCount, sh->ref_list_ops);
    sh->num_ref_list_ops_l1 = list_ops(e->mods_l1, e->lists.refList1ModOpCount, sh->ref_list_ops_l1);
    sh->no_output_of_prior_pics = e->pic.flags.no_output_of_prior_pics_flag;
    sh->long_term_reference = e->pic.flags.long_term_reference_flag;
    sh->disable_deblocking_filter_idc = e->slice.disable_deblocking_filter_idc;
    sh->slice_alpha_c0_offset_div2 = e->slice.slice_alpha_c0_offset_div2;
    sh->slice_beta_offset_div2 = e->slice.slice_beta_offset_div2;
    sh->cabac_init_idc = (int)e->slice.cabac_init_idc;
}

VkResult icd_encode_picture(icd_session *s, const icd_parameters *params, const icd_encode *e,
                            icd_query_pool *query, uint32_t query_index)
{
    if (!e->src.image || !e->dst || !e->src.image->memory || !e->dst->memory)
        return VK_ERROR_UNKNOWN;
    VkResult r = open_encoder(s, params);
    if (r != VK_SUCCESS)
        return r;
    const icd_image *img = e->src.image;
    uint8_t *y = img->memory->data + img->offset + img->layer_size * e->src.layer;
    cpu_picture pic = {
        .plane = { y, y + (size_t)img->width * img->height },
        .stride = { img->width, img->width },
        .nv12 = 1,
        .recon_slot = e->setup_slot >= 0 && e->pic.flags.is_reference ? e->setup_slot : -1,
    };
    build_slice(params, e, &pic.slice);
    enum double_break brk = double_break_from_env("HWENC_TEST_ICD_BREAK");
    pic.slice.poc_lsb = double_break_poc_lsb(brk, s->encodes, pic.slice.poc_lsb, params->sps.log2_max_poc_lsb);
    int disabled = s->rc.mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR ||
                   s->rc.mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DEFAULT_KHR;
    pic.slice.slice_qp = disabled ? e->constant_qp : rc_qp(s);
    /* The lists name DPB slots, which are the CPU encoder's reconstruction
     * slots; a driver that reads the references by position takes them
     * from pReferenceSlots in order, list 0 first. */
    int b = e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_B;
    int by_position = icd_get_config()->caps.refs_by_position;
    if (b || e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_P) {
        pic.num_refs = e->lists.num_ref_idx_l0_active_minus1 + 1;
        for (int i = 0; i < pic.num_refs; i++)
            pic.ref_slots[i] = by_position && i < e->num_refs ? e->ref_slot[i] : e->lists.RefPicList0[i];
    }
    if (b) {
        pic.num_refs_l1 = e->lists.num_ref_idx_l1_active_minus1 + 1;
        for (int i = 0; i < pic.num_refs_l1; i++) {
            int k = pic.num_refs + i;
            pic.ref_slots_l1[i] = by_position && k < e->num_refs ? e->ref_slot[k] : e->lists.RefPicList1[i];
        }
    }
    size_t capacity = cpu_encoder_max_picture_size(s->enc);
    uint8_t *out = malloc(capacity);
    if (!out)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    cpu_picture_stats stats;
    int64_t size = cpu_encode_picture(s->enc, &pic, out, capacity, &stats);
    if (size < 0) {
        free(out);
        if (size == HWENC_ENOMEM)
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        icd_error("test-icd-encoder", "the CPU encoder core failed (%d) on the parameters received", (int)size);
        return VK_ERROR_UNKNOWN;
    }
    size = (int64_t)double_break_coded(brk, s->encodes++, out, (size_t)size);
    int32_t status = VK_QUERY_RESULT_STATUS_COMPLETE_KHR;
    if ((VkDeviceSize)size > e->range) {
        status = VK_QUERY_RESULT_STATUS_INSUFFICIENT_BITSTREAM_BUFFER_RANGE_KHR;
        size = 0;
    } else {
        memcpy(e->dst->memory->data + e->dst->offset + e->offset, out, (size_t)size);
    }
    free(out);
    if (!disabled && status > 0)
        rc_update(s, size * 8);
    if (query) {
        query->result[query_index].available = 1;
        query->result[query_index].offset = 0;
        query->result[query_index].bytes = (uint32_t)size;
        query->result[query_index].status = status;
    }
    hwenc_test_icd_stats *st = icd_stats();
    st->encodes++;
    st->p_pictures += e->slice.slice_type == STD_VIDEO_H264_SLICE_TYPE_P;
    st->b_pictures += b;
    /* The std enum names idc 1, the filter off, ..._IDC_ENABLED. */
    st->deblock_disabled += e->slice.disable_deblocking_filter_idc == STD_VIDEO_H264_DISABLE_DEBLOCKING_FILTER_IDC_ENABLED;
    return VK_SUCCESS;
}
