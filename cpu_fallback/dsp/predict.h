/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Intra prediction (8.3.1, 8.3.3, 8.3.4). Each predictor writes a block into
 * dst from an edge array built by the caller:
 *   edge[0]            the top-left neighbour p[-1,-1]
 *   edge[1 .. N]       the row above, p[0..N-1,-1]; for 4x4 blocks edge[1..8]
 *                      includes the top-right p[4..7,-1], which the caller
 *                      replicates from p[3,-1] when it is not available
 *   edge[-1 .. -N]     the left column top to bottom: edge[-1 - y] = p[-1,y]
 * so the caller passes a pointer into the middle of a buffer.
 * DC variants exist for each availability case, so predictors never look at
 * unavailable samples.
 */
#ifndef HWENC_CPU_PREDICT_H
#define HWENC_CPU_PREDICT_H

#include <stddef.h>
#include <stdint.h>

/* Normative mode numbers come first; the DC variants follow. */
enum intra4x4_mode {
    I4_VERTICAL, I4_HORIZONTAL, I4_DC, I4_DIAG_DOWN_LEFT, I4_DIAG_DOWN_RIGHT,
    I4_VERTICAL_RIGHT, I4_HORIZONTAL_DOWN, I4_VERTICAL_LEFT, I4_HORIZONTAL_UP,
    I4_DC_LEFT, I4_DC_TOP, I4_DC_128,
    I4_MODE_COUNT
};

enum intra16x16_mode {
    I16_VERTICAL, I16_HORIZONTAL, I16_DC, I16_PLANE,
    I16_DC_LEFT, I16_DC_TOP, I16_DC_128,
    I16_MODE_COUNT
};

/* Chroma modes use the normative numbering of intra_chroma_pred_mode. */
enum intra_chroma_mode {
    ICHROMA_DC, ICHROMA_HORIZONTAL, ICHROMA_VERTICAL, ICHROMA_PLANE,
    ICHROMA_DC_LEFT, ICHROMA_DC_TOP, ICHROMA_DC_128,
    ICHROMA_MODE_COUNT
};

#define decl_predict_fn(name) void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *edge)
typedef decl_predict_fn(*predict_fn);

/* Mode decision by SAD without writing the predictions out: scores[0..2]
 * are the SADs of the 16x16 source block against the vertical, the
 * horizontal and the DC prediction (dc_mode: I16_DC or one of its
 * variants) from edge. Scores of modes whose neighbours are missing are
 * meaningless, and their edge samples need not be set. */
#define decl_intra_sad_x3_fn(name) \
    void (name)(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *edge, int dc_mode, int scores[3])
typedef decl_intra_sad_x3_fn(*intra_sad_x3_fn);

typedef struct predict_dsp {
    predict_fn predict_4x4[I4_MODE_COUNT];
    predict_fn predict_16x16[I16_MODE_COUNT];
    /* One 8x8 chroma plane; chroma DC is per 4x4 quadrant (8.3.4.1-3). */
    predict_fn predict_chroma[ICHROMA_MODE_COUNT];
    intra_sad_x3_fn sad_x3_16x16;
} predict_dsp;

void predict_dsp_init(predict_dsp *dsp, uint32_t cpu_flags);

#endif
