/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the intra predictors of predict.h.
 */
#ifndef HWENC_CPU_X86_PREDICT_H
#define HWENC_CPU_X86_PREDICT_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/predict.h"

decl_predict_fn(pred16x16_dc_sse2);
decl_predict_fn(pred16x16_dc_left_sse2);
decl_predict_fn(pred16x16_dc_top_sse2);
decl_predict_fn(pred16x16_plane_sse2);
decl_predict_fn(predc_dc_sse2);
decl_predict_fn(predc_dc_left_sse2);
decl_predict_fn(predc_dc_top_sse2);
decl_predict_fn(predc_plane_sse2);
decl_intra_sad_x3_fn(pred16x16_sad_x3_sse2);

decl_predict_fn(pred4x4_ddl_ssse3);
decl_predict_fn(pred4x4_ddr_ssse3);

static inline void predict_dsp_init_x86(predict_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->predict_16x16[I16_DC] = pred16x16_dc_sse2;
    dsp->predict_16x16[I16_PLANE] = pred16x16_plane_sse2;
    dsp->predict_16x16[I16_DC_LEFT] = pred16x16_dc_left_sse2;
    dsp->predict_16x16[I16_DC_TOP] = pred16x16_dc_top_sse2;
    dsp->predict_chroma[ICHROMA_DC] = predc_dc_sse2;
    dsp->predict_chroma[ICHROMA_PLANE] = predc_plane_sse2;
    dsp->predict_chroma[ICHROMA_DC_LEFT] = predc_dc_left_sse2;
    dsp->predict_chroma[ICHROMA_DC_TOP] = predc_dc_top_sse2;
    dsp->sad_x3_16x16 = pred16x16_sad_x3_sse2;

    if (!(flags & CPU_SSSE3))
        return;
    dsp->predict_4x4[I4_DIAG_DOWN_LEFT] = pred4x4_ddl_ssse3;
    dsp->predict_4x4[I4_DIAG_DOWN_RIGHT] = pred4x4_ddr_ssse3;
}

#endif
