/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference block comparison kernels. Every partition gets its own
 * function so the compiler sees constant block sizes and unrolls.
 */
#include <stdlib.h>

#include "cpu_fallback/dsp/pixel.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/pixel.h"
#endif

const uint8_t pixel_partition_width[PIXEL_PARTITION_COUNT] = {
    [PIXEL_16x16] = 16, [PIXEL_16x8] = 16, [PIXEL_8x16] = 8, [PIXEL_8x8] = 8,
    [PIXEL_8x4] = 8, [PIXEL_4x8] = 4, [PIXEL_4x4] = 4,
};

const uint8_t pixel_partition_height[PIXEL_PARTITION_COUNT] = {
    [PIXEL_16x16] = 16, [PIXEL_16x8] = 8, [PIXEL_8x16] = 16, [PIXEL_8x8] = 8,
    [PIXEL_8x4] = 4, [PIXEL_4x8] = 8, [PIXEL_4x4] = 4,
};

/* The kind##_wxh name DEF_PIXEL_CMP expects. */
static inline int sad_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride, int w, int h)
{
    return pixel_sad_wxh(a, a_stride, b, b_stride, w, h);
}

static inline int ssd_wxh(const uint8_t *a, ptrdiff_t a_stride,
                          const uint8_t *b, ptrdiff_t b_stride, int w, int h)
{
    /* 16x16 * 255^2 = 16.6M fits an int comfortably. */
    int sum = 0;
    for (int y = 0; y < h; y++, a += a_stride, b += b_stride)
        for (int x = 0; x < w; x++) {
            const int d = a[x] - b[x];
            sum += d * d;
        }
    return sum;
}

/* Unnormalised sum of |H D H^T| for one 4x4 block; the caller halves the
 * total. The row order of H does not matter for a sum of magnitudes. */
static inline int hadamard_abs_sum_4x4(const uint8_t *a, ptrdiff_t a_stride,
                                       const uint8_t *b, ptrdiff_t b_stride)
{
    int t[4][4];
    for (int y = 0; y < 4; y++, a += a_stride, b += b_stride) {
        const int d0 = a[0] - b[0], d1 = a[1] - b[1];
        const int d2 = a[2] - b[2], d3 = a[3] - b[3];
        const int s01 = d0 + d1, m01 = d0 - d1;
        const int s23 = d2 + d3, m23 = d2 - d3;
        t[y][0] = s01 + s23;
        t[y][1] = s01 - s23;
        t[y][2] = m01 - m23;
        t[y][3] = m01 + m23;
    }
    int sum = 0;
    for (int x = 0; x < 4; x++) {
        const int s01 = t[0][x] + t[1][x], m01 = t[0][x] - t[1][x];
        const int s23 = t[2][x] + t[3][x], m23 = t[2][x] - t[3][x];
        sum += abs(s01 + s23) + abs(s01 - s23) + abs(m01 - m23) + abs(m01 + m23);
    }
    return sum;
}

static inline int satd_wxh(const uint8_t *a, ptrdiff_t a_stride,
                           const uint8_t *b, ptrdiff_t b_stride, int w, int h)
{
    int sum = 0;
    for (int y = 0; y < h; y += 4)
        for (int x = 0; x < w; x += 4)
            sum += hadamard_abs_sum_4x4(a + y * a_stride + x, a_stride,
                                        b + y * b_stride + x, b_stride);
    return sum >> 1;
}

#define DEF_PIXEL_CMP(kind, w, h) \
static decl_pixel_cmp_fn(kind##_##w##x##h##_c) \
{ \
    return kind##_wxh(a, a_stride, b, b_stride, w, h); \
}

#define DEF_PIXEL_CMP_ALL(kind) \
    DEF_PIXEL_CMP(kind, 16, 16) \
    DEF_PIXEL_CMP(kind, 16, 8) \
    DEF_PIXEL_CMP(kind, 8, 16) \
    DEF_PIXEL_CMP(kind, 8, 8) \
    DEF_PIXEL_CMP(kind, 8, 4) \
    DEF_PIXEL_CMP(kind, 4, 8) \
    DEF_PIXEL_CMP(kind, 4, 4)

DEF_PIXEL_CMP_ALL(sad)
DEF_PIXEL_CMP_ALL(ssd)
DEF_PIXEL_CMP_ALL(satd)

#define DEF_SAD_X(w, h) \
static decl_pixel_sad_x3_fn(sad_x3_##w##x##h##_c) \
{ \
    scores[0] = sad_wxh(src, src_stride, ref0, ref_stride, w, h); \
    scores[1] = sad_wxh(src, src_stride, ref1, ref_stride, w, h); \
    scores[2] = sad_wxh(src, src_stride, ref2, ref_stride, w, h); \
} \
static decl_pixel_sad_x4_fn(sad_x4_##w##x##h##_c) \
{ \
    scores[0] = sad_wxh(src, src_stride, ref0, ref_stride, w, h); \
    scores[1] = sad_wxh(src, src_stride, ref1, ref_stride, w, h); \
    scores[2] = sad_wxh(src, src_stride, ref2, ref_stride, w, h); \
    scores[3] = sad_wxh(src, src_stride, ref3, ref_stride, w, h); \
}

DEF_SAD_X(16, 16)
DEF_SAD_X(16, 8)
DEF_SAD_X(8, 16)
DEF_SAD_X(8, 8)
DEF_SAD_X(8, 4)
DEF_SAD_X(4, 8)
DEF_SAD_X(4, 4)

static inline int sad_avg_wxh(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *a, const uint8_t *b,
                              ptrdiff_t ref_stride, int w, int h)
{
    int sum = 0;
    for (int y = 0; y < h; y++, src += src_stride, a += ref_stride, b += ref_stride)
        for (int x = 0; x < w; x++)
            sum += abs(src[x] - ((a[x] + b[x] + 1) >> 1));
    return sum;
}

#define DEF_SAD_AVG_X4(w, h) \
static decl_pixel_sad_avg_x4_fn(sad_avg_x4_##w##x##h##_c) \
{ \
    for (int k = 0; k < 4; k++) \
        scores[k] = sad_avg_wxh(src, src_stride, a[k], b[k], ref_stride, w, h); \
}

DEF_SAD_AVG_X4(16, 16)
DEF_SAD_AVG_X4(16, 8)
DEF_SAD_AVG_X4(8, 16)
DEF_SAD_AVG_X4(8, 8)
DEF_SAD_AVG_X4(8, 4)
DEF_SAD_AVG_X4(4, 8)
DEF_SAD_AVG_X4(4, 4)

#define INIT_PIXEL_CMP(table, kind) do { \
    (table)[PIXEL_16x16] = kind##_16x16_c; \
    (table)[PIXEL_16x8]  = kind##_16x8_c; \
    (table)[PIXEL_8x16]  = kind##_8x16_c; \
    (table)[PIXEL_8x8]   = kind##_8x8_c; \
    (table)[PIXEL_8x4]   = kind##_8x4_c; \
    (table)[PIXEL_4x8]   = kind##_4x8_c; \
    (table)[PIXEL_4x4]   = kind##_4x4_c; \
} while (0)

void pixel_dsp_init(pixel_dsp *dsp, uint32_t cpu_flags)
{
    INIT_PIXEL_CMP(dsp->sad, sad);
    INIT_PIXEL_CMP(dsp->satd, satd);
    INIT_PIXEL_CMP(dsp->ssd, ssd);
    INIT_PIXEL_CMP(dsp->sad_x3, sad_x3);
    INIT_PIXEL_CMP(dsp->sad_x4, sad_x4);
    INIT_PIXEL_CMP(dsp->sad_avg_x4, sad_avg_x4);
#if HWENC_ARCH_X86
    pixel_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
