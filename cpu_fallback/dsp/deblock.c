/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The C edge kernels of the in-loop deblocking filter (8.7.2.3, 8.7.2.4).
 */
#include <stdlib.h>

#include "cpu_fallback/dsp/deblock.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/deblock.h"
#endif

static inline int clip3(int lo, int hi, int v)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static inline uint8_t clip_pixel(int v)
{
    return (uint8_t)clip3(0, 255, v);
}

/* ---- kernels ----
 * xs steps across the edge (p0 = pix[-xs]), ys along it. Constant strides
 * let the compiler specialise each direction. */

/* 8.7.2.3 for one line; luma also touches p1/q1 where ap/aq < beta. */
static inline void filter_line_normal(uint8_t *pix, ptrdiff_t xs, int alpha, int beta, int tc0, int luma)
{
    int p0 = pix[-xs], p1 = pix[-2 * xs];
    int q0 = pix[0], q1 = pix[xs];
    if (abs(p0 - q0) >= alpha || abs(p1 - p0) >= beta || abs(q1 - q0) >= beta)
        return;
    int tc = tc0 + 1;
    if (luma) {
        int p2 = pix[-3 * xs], q2 = pix[2 * xs];
        int ap = abs(p2 - p0) < beta, aq = abs(q2 - q0) < beta;
        tc = tc0 + ap + aq;
        if (ap)
            pix[-2 * xs] = (uint8_t)(p1 + clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1));
        if (aq)
            pix[xs] = (uint8_t)(q1 + clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1));
    }
    int delta = clip3(-tc, tc, (((q0 - p0) * 4) + (p1 - q1) + 4) >> 3);
    pix[-xs] = clip_pixel(p0 + delta);
    pix[0] = clip_pixel(q0 - delta);
}

/* 8.7.2.4 for one line. */
static inline void filter_line_strong(uint8_t *pix, ptrdiff_t xs, int alpha, int beta, int luma)
{
    int p0 = pix[-xs], p1 = pix[-2 * xs];
    int q0 = pix[0], q1 = pix[xs];
    if (abs(p0 - q0) >= alpha || abs(p1 - p0) >= beta || abs(q1 - q0) >= beta)
        return;
    if (luma) {
        int p2 = pix[-3 * xs], p3 = pix[-4 * xs];
        int q2 = pix[2 * xs], q3 = pix[3 * xs];
        /* The 5-tap smoothing only where the step is small enough to be
         * an artefact rather than a real edge. */
        int small_gap = abs(p0 - q0) < ((alpha >> 2) + 2);
        if (small_gap && abs(p2 - p0) < beta) {
            pix[-xs] = (uint8_t)((p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3);
            pix[-2 * xs] = (uint8_t)((p2 + p1 + p0 + q0 + 2) >> 2);
            pix[-3 * xs] = (uint8_t)((2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3);
        } else {
            pix[-xs] = (uint8_t)((2 * p1 + p0 + q1 + 2) >> 2);
        }
        if (small_gap && abs(q2 - q0) < beta) {
            pix[0] = (uint8_t)((p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3);
            pix[xs] = (uint8_t)((p0 + q0 + q1 + q2 + 2) >> 2);
            pix[2 * xs] = (uint8_t)((2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3);
        } else {
            pix[0] = (uint8_t)((2 * q1 + q0 + p1 + 2) >> 2);
        }
    } else {
        pix[-xs] = (uint8_t)((2 * p1 + p0 + q1 + 2) >> 2);
        pix[0] = (uint8_t)((2 * q1 + q0 + p1 + 2) >> 2);
    }
}

/* lines_per_tc: 4 for luma (16 lines), 2 for chroma (8 lines). */
static inline void filter_edge_normal(uint8_t *pix, ptrdiff_t xs, ptrdiff_t ys, int alpha, int beta,
                                      const int8_t tc0[4], int luma)
{
    int lines = luma ? 4 : 2;
    for (int i = 0; i < 4; i++, pix += lines * ys) {
        if (tc0[i] < 0)
            continue;
        for (int k = 0; k < lines; k++)
            filter_line_normal(pix + k * ys, xs, alpha, beta, tc0[i], luma);
    }
}

static inline void filter_edge_strong(uint8_t *pix, ptrdiff_t xs, ptrdiff_t ys, int alpha, int beta, int luma)
{
    int lines = luma ? 16 : 8;
    for (int k = 0; k < lines; k++)
        filter_line_strong(pix + k * ys, xs, alpha, beta, luma);
}

/* The edges of one macroblock in one direction: 4 luma edges or 2 chroma
 * ones, 4 samples apart across them. */
static inline void filter_edges(uint8_t *pix, ptrdiff_t xs, ptrdiff_t ys, const deblock_edges *e, int luma)
{
    for (int k = 0; k < (luma ? 4 : 2); k++) {
        uint8_t *edge = pix + 4 * k * xs;
        const int alpha = e->alpha[k > 0], beta = e->beta[k > 0];
        if (e->mode[k] == DEBLOCK_STRONG)
            filter_edge_strong(edge, xs, ys, alpha, beta, luma);
        else if (e->mode[k] == DEBLOCK_NORMAL)
            filter_edge_normal(edge, xs, ys, alpha, beta, e->tc0[k], luma);
    }
}

static decl_deblock_luma_fn(luma_v_c)
{
    filter_edges(pix, 1, stride, e, 1);
}

static decl_deblock_luma_fn(luma_h_c)
{
    filter_edges(pix, stride, 1, e, 1);
}

static decl_deblock_chroma_fn(chroma_v_c)
{
    filter_edges(cb, 1, cb_stride, e, 0);
    filter_edges(cr, 1, cr_stride, e, 0);
}

static decl_deblock_chroma_fn(chroma_h_c)
{
    filter_edges(cb, cb_stride, 1, e, 0);
    filter_edges(cr, cr_stride, 1, e, 0);
}

void deblock_dsp_init(deblock_dsp *dsp, uint32_t cpu_flags)
{
    dsp->luma_v = luma_v_c;
    dsp->luma_h = luma_h_c;
    dsp->chroma_v = chroma_v_c;
    dsp->chroma_h = chroma_h_c;
#if HWENC_ARCH_X86
    deblock_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
