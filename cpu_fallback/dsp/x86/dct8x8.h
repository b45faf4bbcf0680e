/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the dct8_dsp kernels and the part of dct8_dsp_init()
 * that installs them. The zigzag stays C (a gather of 64 words).
 *
 * Input ranges where the SIMD versions are exact:
 *  - sub8x8_dct8 and sa8d_8x8: any pixels (every intermediate of the 8x8
 *    transforms of 8-bit differences fits 16 bits: at most 64 * 255).
 *  - add8x8_idct8: coefficients whose intermediate sums (8.5.13.2's e, f,
 *    g and h) fit 16 bits, which 8.5.13.2 requires of conforming streams
 *    (each within -2^15 .. 2^15 - 1 for 8-bit video).
 *  - quant_8x8: as quant_4x4 (x86/quant.h): any coefficient, bias < 2^31.
 *  - dequant_8x8: any coefficient and the normative factors (at most 58):
 *    c * 16 * v << 2 fits 32 bits at QP 51.
 */
#ifndef HWENC_CPU_X86_DCT8X8_H
#define HWENC_CPU_X86_DCT8X8_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/dct8x8.h"

decl_sub8x8_dct8_fn(sub8x8_dct8_sse2);
decl_add8x8_idct8_fn(add8x8_idct8_sse2);
decl_sa8d_fn(sa8d_8x8_sse2);
decl_dequant_8x8_fn(dequant_8x8_sse2);
decl_quant_8x8_fn(quant_8x8_sse2);
decl_quant_8x8_fn(quant_8x8_avx2);

static inline void dct8_dsp_init_x86(dct8_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->sub8x8_dct8 = sub8x8_dct8_sse2;
    dsp->add8x8_idct8 = add8x8_idct8_sse2;
    dsp->sa8d_8x8 = sa8d_8x8_sse2;
    dsp->quant_8x8 = quant_8x8_sse2;
    dsp->dequant_8x8 = dequant_8x8_sse2;

    if (!(flags & CPU_AVX2))
        return;
    dsp->quant_8x8 = quant_8x8_avx2;
}

#endif
