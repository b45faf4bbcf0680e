/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the dct_dsp kernels and the part of dct_dsp_init() that
 * installs them. The 2x2 chroma DC transform stays C: four values are less
 * work than getting them into a register.
 */
#ifndef HWENC_CPU_X86_DCT_H
#define HWENC_CPU_X86_DCT_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/dct.h"

decl_sub4x4_dct_fn(sub4x4_dct_sse2);
decl_add4x4_idct_fn(add4x4_idct_sse2);
decl_sub8x8_dct_fn(sub8x8_dct_sse2);
decl_add8x8_idct_fn(add8x8_idct_sse2);
decl_dct4x4dc_fn(dct4x4dc_sse2);
decl_dct4x4dc_fn(idct4x4dc_sse2);
decl_zigzag_scan_4x4_fn(zigzag_scan_4x4_ssse3);
decl_sub8x8_dct_fn(sub8x8_dct_avx2);
decl_add8x8_idct_fn(add8x8_idct_avx2);

static inline void dct_dsp_init_x86(dct_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->sub4x4_dct = sub4x4_dct_sse2;
    dsp->add4x4_idct = add4x4_idct_sse2;
    dsp->sub8x8_dct = sub8x8_dct_sse2;
    dsp->add8x8_idct = add8x8_idct_sse2;
    dsp->dct4x4dc = dct4x4dc_sse2;
    dsp->idct4x4dc = idct4x4dc_sse2;

    if (!(flags & CPU_SSSE3))
        return;
    dsp->zigzag_scan_4x4 = zigzag_scan_4x4_ssse3;

    if (!(flags & CPU_AVX2))
        return;
    /* Two 4x4 blocks side by side in each 128-bit lane half. */
    dsp->sub8x8_dct = sub8x8_dct_avx2;
    dsp->add8x8_idct = add8x8_idct_avx2;
}

#endif
