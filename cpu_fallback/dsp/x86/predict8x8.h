/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the Intra 8x8 predictors and the part of
 * predict8x8_dsp_init() that installs them: the modes the analysis tries
 * on every block whose rows are shifted windows of one filtered line
 * (horizontal, the DCs, diagonal down-left and down-right, vertical-left).
 * Vertical stays C (its row copies are as fast), and so do the edge
 * filter, run once per block, and the modes whose rows interleave two
 * lines. All are exact for any edge.
 */
#ifndef HWENC_CPU_X86_PREDICT8X8_H
#define HWENC_CPU_X86_PREDICT8X8_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/predict8x8.h"

decl_predict_fn(pred8x8l_h_sse2);
decl_predict_fn(pred8x8l_dc_sse2);
decl_predict_fn(pred8x8l_dc_left_sse2);
decl_predict_fn(pred8x8l_dc_top_sse2);
decl_predict_fn(pred8x8l_dc_128_sse2);
decl_predict_fn(pred8x8l_ddl_sse2);
decl_predict_fn(pred8x8l_ddr_sse2);
decl_predict_fn(pred8x8l_vl_sse2);

static inline void predict8x8_dsp_init_x86(predict8x8_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->predict[I4_HORIZONTAL] = pred8x8l_h_sse2;
    dsp->predict[I4_DC] = pred8x8l_dc_sse2;
    dsp->predict[I4_DC_LEFT] = pred8x8l_dc_left_sse2;
    dsp->predict[I4_DC_TOP] = pred8x8l_dc_top_sse2;
    dsp->predict[I4_DC_128] = pred8x8l_dc_128_sse2;
    dsp->predict[I4_DIAG_DOWN_LEFT] = pred8x8l_ddl_sse2;
    dsp->predict[I4_DIAG_DOWN_RIGHT] = pred8x8l_ddr_sse2;
    dsp->predict[I4_VERTICAL_LEFT] = pred8x8l_vl_sse2;
}

#endif
