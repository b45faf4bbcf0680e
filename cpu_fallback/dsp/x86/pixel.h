/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the pixel_dsp kernels and the part of pixel_dsp_init()
 * that installs them.
 */
#ifndef HWENC_CPU_X86_PIXEL_H
#define HWENC_CPU_X86_PIXEL_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/pixel.h"

#define DECL_PIXEL_ALL_SIZES(decl, kind, isa) \
    decl(kind##_16x16_##isa); decl(kind##_16x8_##isa); decl(kind##_8x16_##isa); \
    decl(kind##_8x8_##isa); decl(kind##_8x4_##isa); decl(kind##_4x8_##isa); decl(kind##_4x4_##isa)
#define DECL_PIXEL_WIDE_SIZES(decl, kind, isa) \
    decl(kind##_16x16_##isa); decl(kind##_16x8_##isa); decl(kind##_8x16_##isa); decl(kind##_8x8_##isa)

DECL_PIXEL_ALL_SIZES(decl_pixel_cmp_fn, sad, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_cmp_fn, ssd, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_cmp_fn, satd, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_sad_x3_fn, sad_x3, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_sad_x4_fn, sad_x4, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_sad_avg_x4_fn, sad_avg_x4, sse2);
DECL_PIXEL_ALL_SIZES(decl_pixel_cmp_fn, satd, ssse3);
DECL_PIXEL_WIDE_SIZES(decl_pixel_cmp_fn, ssd, avx2);
DECL_PIXEL_WIDE_SIZES(decl_pixel_cmp_fn, satd, avx2);
decl_pixel_cmp_fn(sad_16x16_avx2);
decl_pixel_cmp_fn(sad_16x8_avx2);
decl_pixel_sad_x3_fn(sad_x3_16x16_avx2);
decl_pixel_sad_x3_fn(sad_x3_16x8_avx2);
decl_pixel_sad_x4_fn(sad_x4_16x16_avx2);
decl_pixel_sad_x4_fn(sad_x4_16x8_avx2);

#define SET_PIXEL_ALL_SIZES(table, kind, isa) do { \
    (table)[PIXEL_16x16] = kind##_16x16_##isa; \
    (table)[PIXEL_16x8] = kind##_16x8_##isa; \
    (table)[PIXEL_8x16] = kind##_8x16_##isa; \
    (table)[PIXEL_8x8] = kind##_8x8_##isa; \
    (table)[PIXEL_8x4] = kind##_8x4_##isa; \
    (table)[PIXEL_4x8] = kind##_4x8_##isa; \
    (table)[PIXEL_4x4] = kind##_4x4_##isa; \
} while (0)
#define SET_PIXEL_WIDE_SIZES(table, kind, isa) do { \
    (table)[PIXEL_16x16] = kind##_16x16_##isa; \
    (table)[PIXEL_16x8] = kind##_16x8_##isa; \
    (table)[PIXEL_8x16] = kind##_8x16_##isa; \
    (table)[PIXEL_8x8] = kind##_8x8_##isa; \
} while (0)

static inline void pixel_dsp_init_x86(pixel_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    SET_PIXEL_ALL_SIZES(dsp->sad, sad, sse2);
    SET_PIXEL_ALL_SIZES(dsp->ssd, ssd, sse2);
    SET_PIXEL_ALL_SIZES(dsp->satd, satd, sse2);
    SET_PIXEL_ALL_SIZES(dsp->sad_x3, sad_x3, sse2);
    SET_PIXEL_ALL_SIZES(dsp->sad_x4, sad_x4, sse2);
    SET_PIXEL_ALL_SIZES(dsp->sad_avg_x4, sad_avg_x4, sse2);

    if (!(flags & CPU_SSSE3))
        return;
    SET_PIXEL_ALL_SIZES(dsp->satd, satd, ssse3);

    if (!(flags & CPU_AVX2))
        return;
    /* Only where a 256-bit register pays: SAD of 16-wide blocks, SSD and
     * SATD of 8- and 16-wide ones. The narrower blocks stay SSE2/SSSE3, and
     * so does the SAD of averages: its two-row loads would cost a lane
     * insert per candidate row, and measured slower than SSE2. */
    dsp->sad[PIXEL_16x16] = sad_16x16_avx2;
    dsp->sad[PIXEL_16x8] = sad_16x8_avx2;
    dsp->sad_x3[PIXEL_16x16] = sad_x3_16x16_avx2;
    dsp->sad_x3[PIXEL_16x8] = sad_x3_16x8_avx2;
    dsp->sad_x4[PIXEL_16x16] = sad_x4_16x16_avx2;
    dsp->sad_x4[PIXEL_16x8] = sad_x4_16x8_avx2;
    SET_PIXEL_WIDE_SIZES(dsp->ssd, ssd, avx2);
    SET_PIXEL_WIDE_SIZES(dsp->satd, satd, avx2);
}

#endif
