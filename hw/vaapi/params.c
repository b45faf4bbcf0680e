/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The VA-API H.264 table (vaapi_codec_h264): the parameter buffers, filled
 * from the HAL's SPS, PPS and planned picture, and the packed headers,
 * written with the HAL's own header writer. Every value here is the HAL's:
 * the driver only codes. The rate-control buffers after it are the same
 * for every codec.
 */
#include <string.h>

#include "hw/vaapi/internal.h"

static void invalidate(VAPictureH264 *p)
{
    memset(p, 0, sizeof(*p));
    p->picture_id = VA_INVALID_SURFACE;
    p->flags = VA_PICTURE_H264_INVALID;
}

static void fill_sequence(const vaapi_encoder *e, vaapi_codec_buffer *buffer)
{
    VAEncSequenceParameterBufferH264 *seq = &buffer->sequence_h264;
    const h264_sps *sps = &e->sps;
    const h264_vui *vui = &sps->vui;
    memset(seq, 0, sizeof(*seq));
    seq->seq_parameter_set_id = (uint8_t)sps->sps_id;
    seq->level_idc = (uint8_t)sps->level_idc;
    /* The GOP as a hint for the driver's rate control, never 0 (Mesa 22.x
     * divides by it) and at most 1024 as GStreamer's vah264enc caps it
     * (iHD keeps it in 16 bits): an infinite GOP (keyint -1) is sent as
     * 1024. hwenc itself decides where IDRs go. */
    seq->intra_period = e->cfg.keyint > 0 && e->cfg.keyint < VAAPI_MAX_GOP_HINT ? (uint32_t)e->cfg.keyint
                                                                                 : VAAPI_MAX_GOP_HINT;
    seq->intra_idr_period = seq->intra_period;
    seq->ip_period = (uint32_t)e->bframes + 1; /* anchor distance */
    if (e->rc.mode != VA_RC_CQP && e->rc.mode != VA_RC_ICQ && e->rc.mode != 0)
        seq->bits_per_second = vaapi_rc_bits_per_second(&e->rc);
    seq->max_num_ref_frames = (uint32_t)sps->max_num_ref_frames;
    seq->picture_width_in_mbs = (uint16_t)sps->mb_width;
    seq->picture_height_in_mbs = (uint16_t)sps->mb_height;
    seq->seq_fields.bits.chroma_format_idc = 1;
    seq->seq_fields.bits.frame_mbs_only_flag = 1;
    seq->seq_fields.bits.direct_8x8_inference_flag = (uint32_t)sps->direct_8x8_inference;
    seq->seq_fields.bits.log2_max_frame_num_minus4 = (uint32_t)(sps->log2_max_frame_num - 4);
    seq->seq_fields.bits.pic_order_cnt_type = (uint32_t)sps->poc_type;
    if (sps->poc_type == 0)
        seq->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 = (uint32_t)(sps->log2_max_poc_lsb - 4);
    /* VA's crop offsets are in crop units: two samples for 4:2:0 frames. */
    seq->frame_cropping_flag = sps->crop_left || sps->crop_right || sps->crop_top || sps->crop_bottom;
    seq->frame_crop_left_offset = (uint32_t)sps->crop_left / 2;
    seq->frame_crop_right_offset = (uint32_t)sps->crop_right / 2;
    seq->frame_crop_top_offset = (uint32_t)sps->crop_top / 2;
    seq->frame_crop_bottom_offset = (uint32_t)sps->crop_bottom / 2;
    seq->vui_parameters_present_flag = (uint8_t)sps->vui_present;
    if (sps->vui_present) {
        seq->vui_fields.bits.aspect_ratio_info_present_flag = (uint32_t)vui->aspect_ratio_info_present;
        seq->vui_fields.bits.timing_info_present_flag = (uint32_t)vui->timing_info_present;
        seq->vui_fields.bits.bitstream_restriction_flag = (uint32_t)vui->bitstream_restriction;
        seq->vui_fields.bits.log2_max_mv_length_horizontal = 15;
        seq->vui_fields.bits.log2_max_mv_length_vertical = 15;
        seq->vui_fields.bits.fixed_frame_rate_flag = (uint32_t)vui->fixed_frame_rate;
        seq->vui_fields.bits.motion_vectors_over_pic_boundaries_flag = 1;
        seq->aspect_ratio_idc = 255; /* Extended_SAR: the values below say it all */
        seq->sar_width = (uint32_t)vui->sar_width;
        seq->sar_height = (uint32_t)vui->sar_height;
        seq->num_units_in_tick = vui->num_units_in_tick;
        seq->time_scale = vui->time_scale;
    }
}

static void fill_reference(const vaapi_encoder *e, const hal_picture *pic, const hal_reference *r, VAPictureH264 *p)
{
    memset(p, 0, sizeof(*p));
    p->picture_id = e->recon[r->slot];
    p->frame_idx = (uint32_t)pic->h264.slot_frame_num[r->slot];
    p->flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
    p->TopFieldOrderCnt = r->poc;
    p->BottomFieldOrderCnt = r->poc;
}

static void fill_picture(const vaapi_encoder *e, const hal_picture *pic, VASurfaceID recon, VABufferID coded,
                         vaapi_codec_buffer *buffer)
{
    VAEncPictureParameterBufferH264 *pp = &buffer->picture_h264;
    const h264_pps *pps = &e->pps;
    const h264_slice_header *sh = &pic->h264.slice;
    memset(pp, 0, sizeof(*pp));
    pp->CurrPic.picture_id = recon;
    pp->CurrPic.frame_idx = (uint32_t)sh->frame_num;
    pp->CurrPic.TopFieldOrderCnt = pic->poc;
    pp->CurrPic.BottomFieldOrderCnt = pic->poc;
    /* Every picture the DPB holds, not just the ones this picture uses. */
    for (int i = 0; i < 16; i++) {
        if (i < pic->num_dpb)
            fill_reference(e, pic, &pic->dpb[i], &pp->ReferenceFrames[i]);
        else
            invalidate(&pp->ReferenceFrames[i]);
    }
    pp->coded_buf = coded;
    pp->pic_parameter_set_id = (uint8_t)pps->pps_id;
    pp->seq_parameter_set_id = (uint8_t)pps->sps_id;
    pp->frame_num = (uint16_t)sh->frame_num;
    pp->pic_init_qp = (uint8_t)pps->pic_init_qp;
    pp->num_ref_idx_l0_active_minus1 = (uint8_t)(pps->num_ref_idx_l0_default_active - 1);
    pp->num_ref_idx_l1_active_minus1 = (uint8_t)(pps->num_ref_idx_l1_default_active - 1);
    pp->chroma_qp_index_offset = (int8_t)pps->chroma_qp_index_offset;
    pp->second_chroma_qp_index_offset = (int8_t)pps->chroma_qp_index_offset;
    pp->pic_fields.bits.idr_pic_flag = sh->nal_unit_type == H264_NAL_IDR_SLICE;
    pp->pic_fields.bits.reference_pic_flag = sh->nal_ref_idc != 0;
    pp->pic_fields.bits.entropy_coding_mode_flag = (uint32_t)pps->entropy_coding_mode;
    pp->pic_fields.bits.weighted_pred_flag = (uint32_t)pps->weighted_pred;
    pp->pic_fields.bits.weighted_bipred_idc = (uint32_t)pps->weighted_bipred_idc;
    pp->pic_fields.bits.constrained_intra_pred_flag = (uint32_t)pps->constrained_intra_pred;
    pp->pic_fields.bits.transform_8x8_mode_flag = (uint32_t)pps->transform_8x8_mode;
    pp->pic_fields.bits.deblocking_filter_control_present_flag = (uint32_t)pps->deblocking_filter_control_present;
}

static void fill_slice(const vaapi_encoder *e, const hal_picture *pic, int slice_qp, vaapi_codec_buffer *buffer)
{
    VAEncSliceParameterBufferH264 *sp = &buffer->slice_h264;
    const h264_slice_header *sh = &pic->h264.slice;
    memset(sp, 0, sizeof(*sp));
    sp->macroblock_address = 0;
    sp->num_macroblocks = (uint32_t)(e->sps.mb_width * e->sps.mb_height);
    sp->macroblock_info = VA_INVALID_ID;
    sp->slice_type = (uint8_t)sh->slice_type;
    sp->pic_parameter_set_id = (uint8_t)e->pps.pps_id;
    sp->idr_pic_id = (uint16_t)sh->idr_pic_id;
    sp->pic_order_cnt_lsb = (uint16_t)sh->poc_lsb;
    sp->num_ref_idx_active_override_flag = (uint8_t)sh->num_ref_idx_active_override;
    int active0 = sh->num_ref_idx_active_override ? sh->num_ref_idx_l0_active : e->pps.num_ref_idx_l0_default_active;
    int active1 = sh->num_ref_idx_active_override ? sh->num_ref_idx_l1_active : e->pps.num_ref_idx_l1_default_active;
    sp->num_ref_idx_l0_active_minus1 = (uint8_t)(active0 > 0 ? active0 - 1 : 0);
    sp->num_ref_idx_l1_active_minus1 = (uint8_t)(active1 > 0 ? active1 - 1 : 0);
    sp->direct_spatial_mv_pred_flag = (uint8_t)sh->direct_spatial_mv_pred;
    /* The lists in their final order: a driver that writes its own slice
     * header derives the reordering commands from them. */
    int inter = sh->slice_type == H264_SLICE_P || sh->slice_type == H264_SLICE_B;
    for (int i = 0; i < 32; i++) {
        if (inter && i < pic->num_refs)
            fill_reference(e, pic, &pic->refs[i], &sp->RefPicList0[i]);
        else
            invalidate(&sp->RefPicList0[i]);
        if (sh->slice_type == H264_SLICE_B && i < pic->num_refs_l1)
            fill_reference(e, pic, &pic->refs_l1[i], &sp->RefPicList1[i]);
        else
            invalidate(&sp->RefPicList1[i]);
    }
    sp->slice_qp_delta = (int8_t)(slice_qp - e->pps.pic_init_qp);
    sp->cabac_init_idc = (uint8_t)sh->cabac_init_idc;
    sp->disable_deblocking_filter_idc = (uint8_t)sh->disable_deblocking_filter_idc;
    sp->slice_alpha_c0_offset_div2 = (int8_t)sh->slice_alpha_c0_offset_div2;
    sp->slice_beta_offset_div2 = (int8_t)sh->slice_beta_offset_div2;
}

static int picture_qp(const vaapi_encoder *e, const hal_picture *pic)
{
    if (e->rc.mode != VA_RC_CQP && e->rc.mode != 0)
        return e->pps.pic_init_qp; /* the driver's rate control sets the real one */
    /* As the CPU backend: intra pictures a qscale ratio of 1.4 finer,
     * 6 * log2(1.4) = 2.9 QP. */
    int qp = e->rc.qp;
    if (pic->type == HWENC_FRAME_IDR || pic->type == HWENC_FRAME_I)
        qp -= 3;
    /* and B pictures 1.3 coarser, 2.3 QP. */
    if (pic->type == HWENC_FRAME_B)
        qp += 2;
    return qp < 0 ? 0 : qp > 51 ? 51 : qp;
}

/* A parameter set NAL (H264_NAL_SPS or H264_NAL_PPS) in Annex B. */
static size_t write_parameter_set(const vaapi_encoder *e, int nal_type, uint8_t *dst, size_t capacity)
{
    uint8_t rbsp[512];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    if (nal_type == H264_NAL_SPS)
        h264_write_sps(&bs, &e->sps);
    else
        h264_write_pps(&bs, &e->pps);
    size_t size = bs_flush(&bs);
    if (bs.overflow)
        return 0;
    return h264_write_nal(dst, capacity, 3, nal_type, rbsp, size);
}

static size_t write_sequence_header(const vaapi_encoder *e, uint8_t *dst, size_t capacity)
{
    return write_parameter_set(e, H264_NAL_SPS, dst, capacity);
}

static size_t write_picture_header(const vaapi_encoder *e, uint8_t *dst, size_t capacity)
{
    return write_parameter_set(e, H264_NAL_PPS, dst, capacity);
}

static size_t write_slice_header(const vaapi_encoder *e, const hal_picture *pic, int slice_qp, uint8_t *dst,
                                 size_t capacity)
{
    h264_slice_header sh = pic->h264.slice;
    sh.slice_qp = slice_qp;
    h264_bitstream bs;
    bs_init(&bs, dst, capacity);
    bs_write_bits(&bs, 32, 1); /* start code */
    bs_write_bits(&bs, 1, 0);  /* forbidden_zero_bit */
    bs_write_bits(&bs, 2, (uint32_t)sh.nal_ref_idc);
    bs_write_bits(&bs, 5, (uint32_t)sh.nal_unit_type);
    h264_write_slice_header(&bs, &e->sps, &e->pps, &sh);
    size_t bits = bs_bit_count(&bs);
    bs_align_zero(&bs);
    bs_flush(&bs);
    return bs.overflow ? 0 : bits;
}

const vaapi_codec vaapi_codec_h264 = {
    .sequence_size = sizeof(VAEncSequenceParameterBufferH264),
    .picture_size = sizeof(VAEncPictureParameterBufferH264),
    .slice_size = sizeof(VAEncSliceParameterBufferH264),
    .fill_sequence = fill_sequence,
    .fill_picture = fill_picture,
    .fill_slice = fill_slice,
    .picture_qp = picture_qp,
    .write_sequence_header = write_sequence_header,
    .write_picture_header = write_picture_header,
    .write_slice_header = write_slice_header,
};

void vaapi_fill_rate_control(const vaapi_encoder *e, int reset, VAEncMiscParameterRateControl *rc)
{
    const vaapi_rc *r = &e->rc;
    memset(rc, 0, sizeof(*rc));
    if (r->mode == VA_RC_ICQ) {
        rc->ICQ_quality_factor = (uint32_t)r->quality;
    } else if (r->mode == VA_RC_AVBR) {
        /* iHD: bits_per_second is the target, target_percentage the
         * accuracy and window_size the convergence in frames; FFmpeg's
         * values: 100 % and the GOP (60 when infinite). */
        rc->bits_per_second = vaapi_rc_bits_per_second(r);
        rc->target_percentage = 100;
        rc->window_size = e->cfg.keyint > 0 ? (uint32_t)e->cfg.keyint : 60;
    } else {
        /* VBR: the peak, and the average as a percentage of it. */
        int peak = r->maxrate_kbps > r->bitrate_kbps ? r->maxrate_kbps : r->bitrate_kbps;
        rc->bits_per_second = (uint32_t)peak * 1000u;
        rc->target_percentage = r->mode == VA_RC_CBR ? 100u : (uint32_t)((int64_t)r->bitrate_kbps * 100 / peak);
        rc->window_size = (uint32_t)((int64_t)r->bufsize_kbits * 1000 / peak); /* ms */
    }
    rc->rc_flags.bits.reset = (uint32_t)reset;
}

int vaapi_quality_level(const vaapi_encoder *e)
{
    /* Level 1 is the driver's best quality and the range its fastest
     * (iHD's target usages 1..7): medium takes 1, ultrafast the range. */
    int range = (int)e->caps.quality_range, slowest = HWENC_PRESET_MEDIUM;
    int preset = (int)e->cfg.preset < 0 ? 0 : (int)e->cfg.preset > slowest ? slowest : (int)e->cfg.preset;
    return 1 + (range - 1) * (slowest - preset) / slowest;
}

uint32_t vaapi_rc_bits_per_second(const vaapi_rc *rc)
{
    int rate = rc->mode == VA_RC_VBR && rc->maxrate_kbps > rc->bitrate_kbps ? rc->maxrate_kbps : rc->bitrate_kbps;
    return (uint32_t)rate * 1000u;
}

void vaapi_fill_hrd(const vaapi_encoder *e, VAEncMiscParameterHRD *hrd)
{
    memset(hrd, 0, sizeof(*hrd));
    hrd->buffer_size = (uint32_t)e->rc.bufsize_kbits * 1000u;
    hrd->initial_buffer_fullness = hrd->buffer_size / 4 * 3;
}

void vaapi_fill_frame_rate(const vaapi_encoder *e, VAEncMiscParameterFrameRate *fr)
{
    memset(fr, 0, sizeof(*fr));
    /* Numerator in the low half, denominator in the high half (va.h). */
    fr->framerate = (uint32_t)(e->rc.fps_num & 0xffff) | (uint32_t)(e->rc.fps_den & 0xffff) << 16;
}
