/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "hw/core/gop.h"

void gop_init(gop_state *g, const hwenc_config *cfg, int window, int dpb_slots, int max_refs, int poc_step)
{
    memset(g, 0, sizeof(*g));
    g->keyint = cfg->keyint;
    g->max_refs = max_refs;
    g->window = window > 0 ? window : 1;
    if (g->window > dpb_slots - 1)
        g->window = dpb_slots - 1 > 0 ? dpb_slots - 1 : 1;
    g->dpb_slots = dpb_slots;
    g->poc_step = poc_step;
    g->scenecut = cfg->scenecut;
    g->min_keyint = cfg->min_keyint ? cfg->min_keyint : (cfg->keyint > 0 ? cfg->keyint / 10 : 25);
    if (g->min_keyint < 1)
        g->min_keyint = 1;
}

static int is_scene_cut(const gop_state *g, int64_t distance, const frame_cost *cost)
{
    if (!g->scenecut || cost->intra <= 0 || distance < g->min_keyint)
        return 0;
    double max_bias = g->scenecut / 100.0, min_bias = max_bias / 2;
    double bias = max_bias;
    if (g->keyint > g->min_keyint && distance < g->keyint)
        bias = min_bias + (max_bias - min_bias) * (double)(distance - g->min_keyint) / (g->keyint - g->min_keyint);
    return (double)cost->inter >= (1.0 - bias) * (double)cost->intra;
}

int gop_wants_idr(const gop_state *g, int64_t display_index, int force, const frame_cost *cost)
{
    int64_t distance = display_index - g->last_idr;
    if (g->frames == 0 || force || (g->keyint > 0 && distance >= g->keyint))
        return 1;
    return is_scene_cut(g, distance, cost);
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

/* The initial lists of 8.2.4.2.3 cut to what the picture uses: list 0 the
 * references before it, nearest first; list 1 the nearest after it. The
 * references are in decoding order, most recent first, and the ones before
 * a B picture were decoded in display order, so list 0 keeps that order. */
static void plan_b_lists(const gop_state *g, hal_picture *pic)
{
    int after = -1;
    pic->num_refs = pic->num_refs_l1 = 0;
    for (int i = 0; i < g->num_refs; i++) {
        const hal_reference *r = &g->refs[i];
        if (r->poc < pic->poc && pic->num_refs < g->max_refs)
            pic->refs[pic->num_refs++] = *r;
        else if (r->poc > pic->poc && (after < 0 || r->poc < g->refs[after].poc))
            after = i;
    }
    if (after >= 0)
        pic->refs_l1[pic->num_refs_l1++] = g->refs[after];
}

void gop_plan(const gop_state *g, enum hwenc_frame_type type, int64_t display_index, hal_picture *pic)
{
    int idr = type == HWENC_FRAME_IDR;
    if (type == HWENC_FRAME_P && g->max_refs <= 0)
        type = HWENC_FRAME_I;

    pic->display_index = display_index;
    pic->coding_index = g->frames;
    pic->poc = idr ? 0 : (int)(g->poc_step * (display_index - g->last_idr));
    pic->type = type;
    /* B pictures are not references. */
    pic->reference = type != HWENC_FRAME_B;
    pic->recon_slot = pic->reference ? free_slot(g, idr) : -1;
    pic->num_refs = pic->num_refs_l1 = 0;
    pic->num_dpb = idr ? 0 : g->num_refs;
    memcpy(pic->dpb, g->refs, sizeof(pic->dpb[0]) * (size_t)pic->num_dpb);
    if (type == HWENC_FRAME_P) {
        pic->num_refs = g->num_refs < g->max_refs ? g->num_refs : g->max_refs;
        memcpy(pic->refs, g->refs, sizeof(pic->refs[0]) * (size_t)pic->num_refs);
    } else if (type == HWENC_FRAME_B) {
        plan_b_lists(g, pic);
    }
}

void gop_commit(gop_state *g, const hal_picture *pic)
{
    g->frames++;
    if (pic->type == HWENC_FRAME_IDR) {
        g->num_refs = 0;
        g->last_idr = pic->display_index;
    }
    if (!pic->reference)
        return;
    /* Sliding window (8.2.5.3): the oldest short-term reference leaves. */
    if (g->num_refs >= g->window)
        g->num_refs = g->window - 1;
    memmove(g->refs + 1, g->refs, sizeof(g->refs[0]) * (size_t)g->num_refs);
    g->refs[0].slot = pic->recon_slot;
    g->refs[0].poc = pic->poc;
    g->num_refs++;
}
