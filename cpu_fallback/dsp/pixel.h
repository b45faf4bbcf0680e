/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Block comparison kernels: SAD, SATD (4x4 Hadamard), SSD. The C versions
 * live in pixel.c; SIMD versions in x86/ overwrite table entries in
 * pixel_dsp_init() according to the CPU flags.
 */
#ifndef HWENC_CPU_PIXEL_H
#define HWENC_CPU_PIXEL_H

#include <stddef.h>
#include <stdint.h>

enum pixel_partition {
    PIXEL_16x16,
    PIXEL_16x8,
    PIXEL_8x16,
    PIXEL_8x8,
    PIXEL_8x4,
    PIXEL_4x8,
    PIXEL_4x4,
    PIXEL_PARTITION_COUNT
};

extern const uint8_t pixel_partition_width[PIXEL_PARTITION_COUNT];
extern const uint8_t pixel_partition_height[PIXEL_PARTITION_COUNT];

#define decl_pixel_cmp_fn(name) \
    int (name)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
typedef decl_pixel_cmp_fn(*pixel_cmp_fn);

/* Motion search: the SAD of one source block against three or four
 * candidate positions in the same reference (hence one stride);
 * scores[i] = sad(src, src_stride, refi, ref_stride). */
#define decl_pixel_sad_x3_fn(name) \
    void (name)(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *ref0, const uint8_t *ref1, \
                const uint8_t *ref2, ptrdiff_t ref_stride, int scores[3])
typedef decl_pixel_sad_x3_fn(*pixel_sad_x3_fn);

#define decl_pixel_sad_x4_fn(name) \
    void (name)(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *ref0, const uint8_t *ref1, \
                const uint8_t *ref2, const uint8_t *ref3, ptrdiff_t ref_stride, int scores[4])
typedef decl_pixel_sad_x4_fn(*pixel_sad_x4_fn);

/* Quarter-pel motion search: the SAD against four candidates that are each
 * the rounded average of two blocks, as quarter-pel luma samples are of
 * two planes (8-250..8-261); scores[i] = sad(src, (a[i] + b[i] + 1) >> 1).
 * A candidate on one plane passes a[i] == b[i]. Fusing the average into
 * the SAD saves writing each prediction out and reading it back. */
#define decl_pixel_sad_avg_x4_fn(name) \
    void (name)(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *const a[4], const uint8_t *const b[4], \
                ptrdiff_t ref_stride, int scores[4])
typedef decl_pixel_sad_avg_x4_fn(*pixel_sad_avg_x4_fn);

typedef struct pixel_dsp {
    pixel_cmp_fn sad[PIXEL_PARTITION_COUNT];
    /* Sum of absolute 4x4 Hadamard-transformed differences, halved (x264 convention). */
    pixel_cmp_fn satd[PIXEL_PARTITION_COUNT];
    pixel_cmp_fn ssd[PIXEL_PARTITION_COUNT];
    pixel_sad_x3_fn sad_x3[PIXEL_PARTITION_COUNT];
    pixel_sad_x4_fn sad_x4[PIXEL_PARTITION_COUNT];
    pixel_sad_avg_x4_fn sad_avg_x4[PIXEL_PARTITION_COUNT];
} pixel_dsp;

void pixel_dsp_init(pixel_dsp *dsp, uint32_t cpu_flags);

/* The SAD of a w x h block as the C references define it. */
static inline int pixel_sad_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride, int w,
                                int h)
{
    int sum = 0;
    for (int y = 0; y < h; y++, a += a_stride, b += b_stride)
        for (int x = 0; x < w; x++)
            sum += a[x] > b[x] ? a[x] - b[x] : b[x] - a[x];
    return sum;
}

#endif
