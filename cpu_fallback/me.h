/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Motion estimation of one partition in one reference: predictor
 * candidates, an integer-pel diamond or hexagon search with early
 * termination, then half- and quarter-pel refinement on the precomputed
 * half-pel planes. The search compares SAD (integer pel; sub-pel too at the
 * fastest presets) and returns SATD plus lambda times the bits of the
 * motion vector difference.
 */
#ifndef HWENC_CPU_ME_H
#define HWENC_CPU_ME_H

#include "cpu_fallback/mode_bits.h"
#include <stdint.h>

#include "hw/h264/bitstream.h"
#include "cpu_fallback/dsp/mc.h"
#include "cpu_fallback/dsp/pixel.h"

enum me_method {
    ME_DIAMOND,
    ME_HEXAGON,
};

#define ME_MAX_CANDIDATES 8

typedef struct me_search {
    /* The partition. */
    const uint8_t *src;
    ptrdiff_t src_stride;
    int partition;               /* enum pixel_partition */
    int width, height;
    /* The reference: full-pel plane and half-pel planes b, h, j, each
     * pointing at the partition's position. */
    const uint8_t *ref[4];
    ptrdiff_t ref_stride;
    /* Quarter-pel limits keeping every read inside the padded planes. */
    int mv_min[2], mv_max[2];
    int16_t mvp[2];
    int lambda;
    const uint16_t *mvd_bits;     /* centred: bits of one component for |mvd| < MVD_BITS_RANGE (mode_bits.h) */
    int num_candidates;
    int16_t candidates[ME_MAX_CANDIDATES][2];

    int16_t mv[2];               /* result */
    int cost;                    /* SATD + lambda * mv bits */
} me_search;


typedef struct me_tools {
    const pixel_dsp *pixf;
    const mc_dsp *mcf;
} me_tools;

typedef struct me_settings {
    int method;                  /* enum me_method */
    int range;                   /* full-pel search range */
    int subpel_iterations;       /* per step (half, quarter pel); 0: full-pel only */
    /* Sub-pel steps compare SAD and only the result gets its SATD (x264's
     * subme 1); else every sub-pel candidate is compared by SATD. */
    int subpel_sad;
} me_settings;

void me_search_partition(const me_tools *t, me_search *m, const me_settings *s);

static inline int me_mvd_bits(const uint16_t *table, int mvd)
{
    return mvd > -MVD_BITS_RANGE && mvd < MVD_BITS_RANGE ? table[mvd] : bs_size_se(mvd) * MODE_BITS_SCALE;
}

/* Bits of the motion vector difference (eighths), for mode-decision costs. */
static inline int me_mv_bits(const me_search *m, int mvx, int mvy)
{
    return me_mvd_bits(m->mvd_bits, mvx - m->mvp[0]) + me_mvd_bits(m->mvd_bits, mvy - m->mvp[1]);
}

#endif
