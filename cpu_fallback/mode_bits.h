/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The bits the mode decisions charge for syntax (lambda times these, on
 * top of SATD): macroblock types, intra prediction modes, reference
 * indices and vector differences. With CAVLC they are the codes' lengths;
 * with CABAC they are estimated from context states, so the decisions
 * price each choice as the coder will, not by CAVLC's tables: the states
 * the first slice ended the last picture of the same type with, which
 * know what the content makes likely, or else those a slice starts with.
 * (On the city clip at one thread against x264 superfast: superfast with
 * 3 B frames +0.41% BD-rate with CAVLC's lengths, +0.57% with initial
 * states, +0.21% with these; medium without B frames +14.56%, +14.74%
 * and +14.97%.)
 */
#ifndef HWENC_CPU_MODE_BITS_H
#define HWENC_CPU_MODE_BITS_H

#include <stdint.h>

#include "cpu_fallback/cabac.h"
#include "hw/h264/params.h"

/* Vector differences |d| < MVD_BITS_RANGE have a table entry. */
#define MVD_BITS_RANGE 4096

/* Costs are in eighths of a bit: lambda times one is mode_cost(). */
#define MODE_BITS_SCALE 8

static inline int mode_cost(int lambda, int eighths)
{
    return (lambda * eighths + MODE_BITS_SCALE / 2) / MODE_BITS_SCALE;
}

typedef struct mode_bits {
    int p16x16, p16x8, p8x16, p8x8, intra_in_p;
    int b_direct, b_list[2], b_bi, intra_in_b;
    /* prev_intra_pred_mode_flag 1, or 0 with rem_intra_pred_mode. */
    int pred_mode_same, pred_mode_other;
    int chroma_mode[4];
    /* ref_idx by list and value, 0 with one active reference. */
    uint16_t ref_idx[2][H264_MAX_REFS];
    /* Centred on mvd[MVD_BITS_RANGE]: one component's bits. */
    uint16_t mvd[2 * MVD_BITS_RANGE + 1];
    /* What the tables were made for, so pictures alike reuse them. */
    int key[5];
} mode_bits;

/* The tables for the picture about to be coded: CAVLC's code lengths when
 * cost is NULL, else CABAC estimates from learned states (NULL: the
 * initial ones at slice_qp and cabac_init_idc). */
void mode_bits_for_picture(mode_bits *b, const cabac_cost *cost, const int num_refs[2], int slice_type,
                           int slice_qp, int cabac_init_idc, const uint8_t *learned);

#endif
