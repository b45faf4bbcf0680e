/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the deblocking kernels of deblock.h. They compute in
 * 16-bit lanes and equal the C kernels for alpha and beta in 0..32767 and
 * tC0 in -1..127, which contains everything Tables 8-16 and 8-17 give.
 */
#ifndef HWENC_CPU_X86_DEBLOCK_H
#define HWENC_CPU_X86_DEBLOCK_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/deblock.h"

decl_deblock_luma_fn(deblock_luma_v_sse2);
decl_deblock_luma_fn(deblock_luma_h_sse2);
decl_deblock_chroma_fn(deblock_chroma_v_sse2);
decl_deblock_chroma_fn(deblock_chroma_h_sse2);
decl_deblock_luma_fn(deblock_luma_v_avx2);
decl_deblock_luma_fn(deblock_luma_h_avx2);
decl_deblock_chroma_fn(deblock_chroma_v_avx2);
decl_deblock_chroma_fn(deblock_chroma_h_avx2);

static inline void deblock_dsp_init_x86(deblock_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->luma_v = deblock_luma_v_sse2;
    dsp->luma_h = deblock_luma_h_sse2;
    dsp->chroma_v = deblock_chroma_v_sse2;
    dsp->chroma_h = deblock_chroma_h_sse2;

    if (!(flags & CPU_AVX2))
        return;
    /* The 16 lines of a luma edge, or 8 of Cb and 8 of Cr, in one register;
     * the vertical luma edges of a macroblock in one transpose. */
    dsp->luma_v = deblock_luma_v_avx2;
    dsp->luma_h = deblock_luma_h_avx2;
    dsp->chroma_v = deblock_chroma_v_avx2;
    dsp->chroma_h = deblock_chroma_h_avx2;
}

#endif
