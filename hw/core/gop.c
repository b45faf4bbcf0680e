/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "gop.h"

void gop_init(gop_state *g, const hwenc_config *cfg, const h264_sps *sps, const h264_pps *pps,
              int dpb_slots, int max_refs)
{
    memset(g, 0, sizeof(*g));
    g->keyint = cfg->keyint;
    g->max_refs = max_refs;
    g->dpb_slots = dpb_slots;
    g->max_frame_num = 1 << sps->log2_max_frame_num;
    g->max_poc_lsb = 1 << sps->log2_max_poc_lsb;
    g->default_refs = pps->num_ref_idx_l0_default_active;
    g->deblock = cfg->deblock;
    g->deblock_alpha = cfg->deblock_alpha;
    g->deblock_beta = cfg->deblock_beta;
    g->scenecut = cfg->scenecut;
    g->min_keyint = cfg->min_keyint ? cfg->min_keyint : (cfg->keyint > 0 ? cfg->keyint / 10 : 25);
    if (g->min_keyint < 1)
        g->min_keyint = 1;
}

int gop_is_scene_cut(const gop_state *g, const frame_cost *cost)
{
    int64_t distance = g->frames - g->last_idr;
    if (!g->scenecut || g->frames == 0 || cost->intra <= 0 || distance < g->min_keyint)
        return 0;
    double max_bias = g->scenecut / 100.0, min_bias = max_bias / 2;
    double bias = max_bias;
    if (g->keyint > g->min_keyint && distance < g->keyint)
        bias = min_bias + (max_bias - min_bias) * (double)(distance - g->min_keyint) / (g->keyint - g->min_keyint);
    return (double)cost->inter >= (1.0 - bias) * (double)cost->intra;
}

static int free_slot(const gop_state *g, int idr)
{
    for (int slot = 0; slot < g->dpb_slots; slot++) {
        int used = 0;
        for (int i = 0; i < g->num_refs && !idr; i++)
            used |= g->refs[i].slot == slot;
        if (!used)
            return slot;
    }
    return -1;
}

void gop_plan(const gop_state *g, int force_idr, hal_picture *pic)
{
    int64_t since_idr = g->frames - g->last_idr;
    int idr = g->frames == 0 || force_idr || (g->keyint > 0 && since_idr >= g->keyint);
    h264_slice_header *sh = &pic->slice;

    memset(sh, 0, sizeof(*sh));
    pic->display_index = g->frames;
    if (idr)
        since_idr = 0;
    pic->poc = (int)(2 * since_idr);
    pic->type = idr ? HWENC_FRAME_IDR : g->max_refs > 0 ? HWENC_FRAME_P : HWENC_FRAME_I;
    pic->recon_slot = free_slot(g, idr);
    pic->num_refs = 0;
    if (pic->type == HWENC_FRAME_P) {
        pic->num_refs = g->num_refs < g->max_refs ? g->num_refs : g->max_refs;
        memcpy(pic->refs, g->refs, sizeof(pic->refs[0]) * (size_t)pic->num_refs);
    }

    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    /* Every picture is a reference: IDRs get the highest priority. */
    sh->nal_ref_idc = idr ? 3 : 2;
    sh->slice_type = pic->type == HWENC_FRAME_P ? H264_SLICE_P : H264_SLICE_I;
    sh->frame_num = idr ? 0 : g->frame_num;
    sh->idr_pic_id = g->idr_count & 0xffff;
    sh->poc_lsb = pic->poc & (g->max_poc_lsb - 1);
    sh->disable_deblocking_filter_idc = g->deblock ? 0 : 1;
    sh->slice_alpha_c0_offset_div2 = g->deblock_alpha;
    sh->slice_beta_offset_div2 = g->deblock_beta;
    if (pic->type == HWENC_FRAME_P) {
        sh->num_ref_idx_l0_active = pic->num_refs;
        sh->num_ref_idx_active_override = pic->num_refs != g->default_refs;
    }
}

void gop_commit(gop_state *g, const hal_picture *pic)
{
    if (pic->type == HWENC_FRAME_IDR) {
        g->num_refs = 0;
        g->last_idr = pic->display_index;
        g->idr_count++;
    }
    /* Sliding window (8.2.5.3): the oldest short-term reference leaves. */
    int keep = g->max_refs > 0 ? g->max_refs : 1;
    if (g->num_refs >= keep)
        g->num_refs = keep - 1;
    memmove(g->refs + 1, g->refs, sizeof(g->refs[0]) * (size_t)g->num_refs);
    g->refs[0].slot = pic->recon_slot;
    g->refs[0].frame_num = pic->slice.frame_num;
    g->refs[0].poc = pic->poc;
    g->num_refs++;
    g->frame_num = (pic->slice.frame_num + 1) % g->max_frame_num;
    g->frames++;
}
