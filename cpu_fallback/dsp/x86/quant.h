/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the quant_dsp kernels and the part of quant_dsp_init()
 * that installs them. The 2x2 chroma DC dequantiser stays C (four values),
 * and so does count_nonzero_16: the compiler vectorises the C loop as well
 * as SSE2 does it by hand.
 *
 * Input ranges where the SIMD versions are exact (the C versions accept
 * more; the encoder stays well inside):
 *  - quant: any int16 coefficient, any uint16 mf, bias < 2^31, qbits 1..31.
 *    The product |c| * mf + bias then fits 32 unsigned bits and the level
 *    31, so int16 saturation by packssdw equals the C clip.
 *  - quant_chroma_dc: the same, with the four DCs within +-4080 (as
 *    quant_dsp says), so the 2x2 transform fits 16-bit lanes.
 *  - dequant_4x4, dequant_4x4_dc: dequant[i] << (qp / 6) (dequant0 << (qp / 6))
 *    below 2^15, which the normative factors (at most 29) meet for every qp
 *    in 0..51.
 */
#ifndef HWENC_CPU_X86_QUANT_H
#define HWENC_CPU_X86_QUANT_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/quant.h"

decl_quant_fn(quant_4x4_sse2);
decl_quant_4x4x4_fn(quant_4x4x4_sse2);
decl_quant_chroma_dc_fn(quant_chroma_dc_sse2);
decl_quant_dc_fn(quant_4x4_dc_sse2);
decl_dequant_fn(dequant_4x4_sse2);
decl_dequant_dc_fn(dequant_4x4_dc_sse2);
decl_coeff_count_fn(coeff_last_16_sse2);
decl_quant_fn(quant_4x4_ssse3);
decl_quant_4x4x4_fn(quant_4x4x4_ssse3);
decl_quant_chroma_dc_fn(quant_chroma_dc_ssse3);
decl_quant_dc_fn(quant_4x4_dc_ssse3);
decl_quant_fn(quant_4x4_avx2);
decl_quant_4x4x4_fn(quant_4x4x4_avx2);
decl_quant_dc_fn(quant_4x4_dc_avx2);
decl_dequant_fn(dequant_4x4_avx2);
decl_dequant_dc_fn(dequant_4x4_dc_avx2);

static inline void quant_dsp_init_x86(quant_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->quant_4x4 = quant_4x4_sse2;
    dsp->quant_4x4x4 = quant_4x4x4_sse2;
    dsp->quant_4x4_dc = quant_4x4_dc_sse2;
    dsp->quant_chroma_dc = quant_chroma_dc_sse2;
    dsp->dequant_4x4 = dequant_4x4_sse2;
    dsp->dequant_4x4_dc = dequant_4x4_dc_sse2;
    dsp->coeff_last_16 = coeff_last_16_sse2;

    if (!(flags & CPU_SSSE3))
        return;
    dsp->quant_4x4 = quant_4x4_ssse3;
    dsp->quant_4x4x4 = quant_4x4x4_ssse3;
    dsp->quant_4x4_dc = quant_4x4_dc_ssse3;
    dsp->quant_chroma_dc = quant_chroma_dc_ssse3;

    if (!(flags & CPU_AVX2))
        return;
    /* One register holds the whole block. */
    dsp->quant_4x4 = quant_4x4_avx2;
    dsp->quant_4x4x4 = quant_4x4x4_avx2;
    dsp->quant_4x4_dc = quant_4x4_dc_avx2;
    dsp->dequant_4x4 = dequant_4x4_avx2;
    dsp->dequant_4x4_dc = dequant_4x4_dc_avx2;
}

#endif
