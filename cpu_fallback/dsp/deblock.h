/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The edge kernels of the in-loop deblocking filter (8.7) for frame
 * macroblocks, 4:2:0, 8 bits: each filters the edges of one macroblock in
 * one direction, in the order of 8.7, with the strengths and thresholds
 * cpu_fallback/deblock.c derived. SIMD versions in x86/ overwrite table
 * entries in deblock_dsp_init().
 *
 * Kernel conventions: pix (cb, cr) points at the macroblock's top-left
 * sample. The _v kernels filter the vertical edges, which run top to bottom
 * and whose samples are filtered horizontally (p0 left of the edge); the _h
 * kernels the horizontal ones (p0 above). Luma has edges at 0, 4, 8 and 12
 * samples with 16 lines each, chroma at 0 and 4 with 8 lines each. Edge 0
 * is the macroblock edge: its p samples lie in the neighbour. A chroma
 * kernel filters the same edges of the Cb and the Cr block, which share
 * every strength and threshold.
 */
#ifndef HWENC_DSP_DEBLOCK_H
#define HWENC_DSP_DEBLOCK_H

#include <stddef.h>
#include <stdint.h>

enum deblock_mode {
    DEBLOCK_SKIP,   /* the edge is left alone */
    DEBLOCK_NORMAL, /* the bS < 4 filter (8.7.2.3) with the edge's tc0 */
    DEBLOCK_STRONG, /* the bS 4 filter (8.7.2.4); edge 0 only */
};

/* What to do to the edges of one macroblock in one direction. */
typedef struct deblock_edges {
    uint8_t mode[4];   /* enum deblock_mode per edge; chroma uses 0 and 1 */
    /* tc0[e][i]: tC0 of Table 8-17 for segment i of edge e (luma lines
     * 4i..4i+3, chroma lines 2i and 2i+1), or -1 where bS is 0 and the
     * lines are left alone. */
    int8_t tc0[4][4];
    int alpha[2], beta[2]; /* [0] for edge 0, [1] for the others */
} deblock_edges;

#define decl_deblock_luma_fn(name) void (name)(uint8_t *pix, ptrdiff_t stride, const deblock_edges *e)
typedef decl_deblock_luma_fn(*deblock_luma_fn);

#define decl_deblock_chroma_fn(name) \
    void (name)(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride, const deblock_edges *e)
typedef decl_deblock_chroma_fn(*deblock_chroma_fn);

typedef struct deblock_dsp {
    deblock_luma_fn luma_v, luma_h;
    deblock_chroma_fn chroma_v, chroma_h;
} deblock_dsp;

void deblock_dsp_init(deblock_dsp *dsp, uint32_t cpu_flags);

#endif
