/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The in-loop deblocking filter (8.7) for frame macroblocks, 4:2:0, 8 bits.
 * deblock.c derives the boundary strengths and thresholds of each edge
 * and hands them to the kernels of cpu_fallback/dsp/deblock.h.
 */
#ifndef HWENC_CPU_DEBLOCK_H
#define HWENC_CPU_DEBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_fallback/dsp/deblock.h"

struct mb_state;

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

/* Filters every edge of every macroblock of row mb_y in the order of 8.7
 * (per macroblock: left edge, internal vertical edges, top edge, internal
 * horizontal edges). Call for rows 0..mb_height-1 in order, once the whole
 * picture is reconstructed. mbs holds mb_width * mb_height entries in
 * raster order. */
void deblock_mb_row(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                    const ptrdiff_t stride[3], const struct mb_state *mbs, int mb_width, int mb_height,
                    int mb_y);

#endif
