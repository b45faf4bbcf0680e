/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "hw/h264/picture.h"
#include "hw/core/hal.h"

void h264_syntax_init(h264_syntax *s, const hwenc_config *cfg, const h264_sps *sps, const h264_pps *pps)
{
    memset(s, 0, sizeof(*s));
    s->max_frame_num = 1 << sps->log2_max_frame_num;
    s->max_poc_lsb = 1 << sps->log2_max_poc_lsb;
    s->default_refs_l0 = pps->num_ref_idx_l0_default_active;
    s->default_refs_l1 = pps->num_ref_idx_l1_default_active;
    s->deblock = cfg->deblock;
    s->deblock_alpha = cfg->deblock_alpha;
    s->deblock_beta = cfg->deblock_beta;
}

/* The list sizes the slice header announces, overriding the PPS's defaults
 * only where the plan's lists differ from them. */
static void plan_list_sizes(const h264_syntax *s, const hal_picture *pic, h264_slice_header *sh)
{
    if (pic->type == HWENC_FRAME_P) {
        sh->num_ref_idx_l0_active = pic->num_refs;
        sh->num_ref_idx_active_override = pic->num_refs != s->default_refs_l0;
    } else if (pic->type == HWENC_FRAME_B) {
        sh->direct_spatial_mv_pred = 1;
        sh->num_ref_idx_l0_active = pic->num_refs;
        sh->num_ref_idx_l1_active = pic->num_refs_l1;
        sh->num_ref_idx_active_override =
            pic->num_refs != s->default_refs_l0 || pic->num_refs_l1 != s->default_refs_l1;
    }
}

/* Consecutive IDRs need different idr_pic_id (7.4.3); any rule that
 * keeps them apart is valid. An IDR that starts the stream, or starts it
 * afresh (a forced IDR), takes its id from its pts, and later IDRs count
 * on from there: a segment encoded alone and the whole input with an IDR
 * forced at the segment's first frame then give that IDR the same id, so
 * joined segments are the whole-file stream byte for byte. A stream whose
 * first pts is 0 numbers its IDRs 0, 1, 2, ... as before. */
static int plan_idr_pic_id(const h264_syntax *s, const hal_picture *pic)
{
    int id = (s->last_idr_pic_id + 1) & 0xffff;
    if (!s->idr_count || pic->fresh_start) {
        id = (int)(pic->pts & 0xffff);
        if (s->idr_count && id == s->last_idr_pic_id)
            id = (id + 1) & 0xffff;
    }
    return id;
}

void h264_syntax_plan(const h264_syntax *s, hal_picture *pic)
{
    int idr = pic->type == HWENC_FRAME_IDR;
    h264_slice_header *sh = &pic->h264.slice;

    memset(sh, 0, sizeof(*sh));
    memcpy(pic->h264.slot_frame_num, s->slot_frame_num, sizeof(s->slot_frame_num));
    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    /* IDRs get the highest priority; pictures nobody references get 0. */
    sh->nal_ref_idc = !pic->reference ? 0 : idr ? 3 : 2;
    sh->slice_type = pic->type == HWENC_FRAME_P   ? H264_SLICE_P
                     : pic->type == HWENC_FRAME_B ? H264_SLICE_B
                                                  : H264_SLICE_I;
    sh->frame_num = idr ? 0 : s->frame_num;
    sh->idr_pic_id = idr ? plan_idr_pic_id(s, pic) : 0;
    sh->poc_lsb = pic->poc & (s->max_poc_lsb - 1);
    sh->disable_deblocking_filter_idc = s->deblock ? 0 : 1;
    sh->slice_alpha_c0_offset_div2 = s->deblock_alpha;
    sh->slice_beta_offset_div2 = s->deblock_beta;
    plan_list_sizes(s, pic, sh);
}

void h264_syntax_commit(h264_syntax *s, const hal_picture *pic)
{
    if (pic->type == HWENC_FRAME_IDR) {
        s->idr_count++;
        s->last_idr_pic_id = pic->h264.slice.idr_pic_id;
    }
    if (!pic->reference)
        return;
    if (pic->recon_slot >= 0 && pic->recon_slot < H264_MAX_SLOTS)
        s->slot_frame_num[pic->recon_slot] = pic->h264.slice.frame_num;
    s->frame_num = (pic->h264.slice.frame_num + 1) % s->max_frame_num;
}
