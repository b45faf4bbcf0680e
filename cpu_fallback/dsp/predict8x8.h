/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Intra 8x8 prediction (8.3.2.2): the reference-sample filter of
 * 8.3.2.2.1 and the nine modes on the filtered samples. Edges are laid out
 * as the 4x4 ones: edge[0] the top-left sample, edge[1..16] the row above
 * (top-right included), edge[-1..-8] the column to the left, top to
 * bottom.
 */
#ifndef HWENC_CPU_PREDICT8X8_H
#define HWENC_CPU_PREDICT8X8_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_fallback/dsp/predict.h"

/* Which neighbours of an 8x8 block exist (the top-right is replicated
 * from the last top sample when missing, before filtering). */
enum {
    EDGE8_LEFT = 1,
    EDGE8_TOP = 2,
    EDGE8_TOPLEFT = 4,
};

#define decl_predict8x8_filter_fn(name) void (name)(uint8_t *filtered, const uint8_t *edge, int avail)
typedef decl_predict8x8_filter_fn(*predict8x8_filter_fn);

typedef struct predict8x8_dsp {
    /* filtered[-8..16] from edge[-8..16] by 8.3.2.2.1 for the neighbours
     * in avail. */
    predict8x8_filter_fn filter;
    /* By enum intra4x4_mode (the 8x8 modes share its numbers), DC
     * variants included; they read the filtered edge. */
    predict_fn predict[I4_MODE_COUNT];
} predict8x8_dsp;

void predict8x8_dsp_init(predict8x8_dsp *dsp, uint32_t cpu_flags);

#endif
