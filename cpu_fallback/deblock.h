/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The in-loop deblocking filter (8.7) for frame macroblocks, 4:2:0, 8 bits.
 * deblock.c derives the boundary strengths and thresholds per edge; the
 * kernels in deblock_dsp filter one edge of one macroblock, and SIMD
 * versions in x86/ overwrite table entries in deblock_dsp_init().
 *
 * Kernel conventions: pix points at q0 of the first line across the edge.
 * A vertical edge (_v: the edge runs top to bottom, samples are filtered
 * horizontally) has p0 at pix[-1] and lines at pix + k * stride; a
 * horizontal edge (_h) has p0 at pix[-stride] and lines at pix + k.
 * Luma edges are 16 lines with tc0[i] for lines 4i..4i+3. A chroma kernel
 * filters the same edge of the Cb and the Cr block, which share every
 * strength and threshold: 8 lines in each, tc0[i] for lines 2i..2i+1 of
 * both. tc0[i] is tC0 of Table 8-17 for bS 1..3, or -1 where bS is 0 and
 * the lines are left alone. The intra kernels are the bS == 4 filters for
 * the whole edge.
 */
#ifndef HWENC_CPU_DEBLOCK_H
#define HWENC_CPU_DEBLOCK_H

#include <stddef.h>
#include <stdint.h>

struct mb_state;

#define decl_deblock_edge_fn(name) \
    void (name)(uint8_t *pix, ptrdiff_t stride, int alpha, int beta, const int8_t tc0[4])
typedef decl_deblock_edge_fn(*deblock_edge_fn);

#define decl_deblock_edge_intra_fn(name) \
    void (name)(uint8_t *pix, ptrdiff_t stride, int alpha, int beta)
typedef decl_deblock_edge_intra_fn(*deblock_edge_intra_fn);

#define decl_deblock_chroma_fn(name) \
    void (name)(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride, int alpha, int beta, \
                const int8_t tc0[4])
typedef decl_deblock_chroma_fn(*deblock_chroma_fn);

#define decl_deblock_chroma_intra_fn(name) \
    void (name)(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride, int alpha, int beta)
typedef decl_deblock_chroma_intra_fn(*deblock_chroma_intra_fn);

typedef struct deblock_dsp {
    deblock_edge_fn luma_v, luma_h;
    deblock_edge_intra_fn luma_intra_v, luma_intra_h;
    deblock_chroma_fn chroma_v, chroma_h;
    deblock_chroma_intra_fn chroma_intra_v, chroma_intra_h;
} deblock_dsp;

typedef struct deblock_params {
    int disable_idc;            /* disable_deblocking_filter_idc: 1 is off; 0 and
                                 * 2 are the same with one slice per picture */
    int alpha_c0_offset;        /* FilterOffsetA = slice_alpha_c0_offset_div2 << 1 */
    int beta_offset;            /* FilterOffsetB = slice_beta_offset_div2 << 1 */
    int chroma_qp_index_offset; /* for both Cb and Cr (no second offset) */
    /* Per list, the picture each reference index names (any numbering that
     * tells pictures apart; bS compares pictures, not indices). NULL: the
     * index is the picture, for P pictures whose list 0 has no duplicates. */
    const int8_t *ref_pic[2];
} deblock_params;

void deblock_dsp_init(deblock_dsp *dsp, uint32_t cpu_flags);

/* Filters every edge of every macroblock of row mb_y in the order of 8.7
 * (per macroblock: left edge, internal vertical edges, top edge, internal
 * horizontal edges). Call for rows 0..mb_height-1 in order, once the whole
 * picture is reconstructed. mbs holds mb_width * mb_height entries in
 * raster order. */
void deblock_mb_row(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                    const ptrdiff_t stride[3], const struct mb_state *mbs, int mb_width, int mb_height,
                    int mb_y);

#endif
