/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference motion compensation kernels (8.4.2.2). The half-pel samples
 * b, h and j are computed once per reference frame by hpel_filter(); every
 * quarter-pel position is then a single plane or a rounded average of two,
 * which is exactly how 8.4.2.2.1 defines them, so the prediction is
 * bit-exact with the standard without any per-block 6-tap filtering.
 */
#include <string.h>

#include "cpu_fallback/dsp/mc.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/mc.h"
#endif

static inline uint8_t clip_pixel(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* The 6-tap filter (1, -5, 20, 20, -5, 1) over p[-2*step .. 3*step]. */
static inline int tap6(const uint8_t *p, ptrdiff_t step)
{
    return p[-2 * step] - 5 * p[-step] + 20 * p[0] + 20 * p[step] - 5 * p[2 * step] + p[3 * step];
}

static inline int tap6_i16(const int16_t *p)
{
    return p[-2] - 5 * p[-1] + 20 * p[0] + 20 * p[1] - 5 * p[2] + p[3];
}

/* Columns per pass over a row: bounds the stack buffer of the unclipped
 * vertical intermediates. */
#define HPEL_CHUNK 64

/* j needs the unclipped vertical intermediate (h1 in 8-242) of the six
 * columns around it, so each chunk of a row first filters vertically into
 * a small buffer (range -2550..10710, fits int16) and then horizontally. */
static decl_hpel_filter_fn(hpel_filter_c)
{
    int16_t mid[MC_HPEL_READ_BEFORE + HPEL_CHUNK + MC_HPEL_READ_AFTER];
    int16_t *const m = mid + MC_HPEL_READ_BEFORE;
    for (int y = 0; y < height; y++) {
        const uint8_t *s = src + y * stride;
        uint8_t *dh = dst_h + y * stride;
        uint8_t *dv = dst_v + y * stride;
        uint8_t *dc = dst_c + y * stride;
        for (int x0 = 0; x0 < width; x0 += HPEL_CHUNK) {
            const int n = width - x0 < HPEL_CHUNK ? width - x0 : HPEL_CHUNK;
            for (int x = -MC_HPEL_READ_BEFORE; x < n + MC_HPEL_READ_AFTER; x++)
                m[x] = (int16_t)tap6(s + x0 + x, stride);
            for (int x = 0; x < n; x++) {
                dh[x0 + x] = clip_pixel((tap6(s + x0 + x, 1) + 16) >> 5);
                dv[x0 + x] = clip_pixel((m[x] + 16) >> 5);
                dc[x0 + x] = clip_pixel((tap6_i16(m + x) + 512) >> 10);
            }
        }
    }
}

static decl_frame_expand_border_fn(frame_expand_border_c)
{
    for (int y = y0; y < y1; y++) {
        uint8_t *row = plane + y * stride;
        memset(row - pad, row[0], (size_t)pad);
        memset(row + width, row[width - 1], (size_t)pad);
    }
    /* The rows above and below copy the already widened first and last rows,
     * which fills the corners with the corner samples. */
    const uint8_t *first = plane - pad;
    const uint8_t *last = plane + (height - 1) * stride - pad;
    for (int y = 1; y <= pad; y++) {
        if (y0 == 0)
            memcpy(plane - y * stride - pad, first, (size_t)(width + 2 * pad));
        if (y1 == height)
            memcpy(plane + (height - 1 + y) * stride - pad, last, (size_t)(width + 2 * pad));
    }
}

enum { PL_FULL, PL_B, PL_H, PL_J };

/* Each quarter-pel position of 8.4.2.2.1 (Table 8-12) as one plane sample
 * or the rounded average of two, indexed by (yFrac << 2) | xFrac. The
 * offsets select a neighbour: G's right neighbour H, the lower neighbour
 * M, m (the vertical half sample at x + 1) and s (the horizontal half
 * sample at y + 1). One-plane positions name their plane twice. */
#define ONE(pl) { { pl, pl }, { 0, 0 }, { 0, 0 }, 0 }
#define TWO(pl0, pl1, dx0, dy0, dx1, dy1) { { pl0, pl1 }, { dx0, dx1 }, { dy0, dy1 }, 1 }
const mc_qpel_source mc_qpel_table[16] = {
    /* yFrac 0:  G, a = (G+b), b, c = (H+b) */
    ONE(PL_FULL), TWO(PL_FULL, PL_B, 0, 0, 0, 0), ONE(PL_B), TWO(PL_FULL, PL_B, 1, 0, 0, 0),
    /* yFrac 1:  d = (G+h), e = (b+h), f = (b+j), g = (b+m) */
    TWO(PL_FULL, PL_H, 0, 0, 0, 0), TWO(PL_B, PL_H, 0, 0, 0, 0), TWO(PL_B, PL_J, 0, 0, 0, 0),
    TWO(PL_B, PL_H, 0, 0, 1, 0),
    /* yFrac 2:  h, i = (h+j), j, k = (j+m) */
    ONE(PL_H), TWO(PL_H, PL_J, 0, 0, 0, 0), ONE(PL_J), TWO(PL_J, PL_H, 0, 0, 1, 0),
    /* yFrac 3:  n = (M+h), p = (h+s), q = (j+s), r = (m+s) */
    TWO(PL_FULL, PL_H, 0, 1, 0, 0), TWO(PL_H, PL_B, 0, 0, 0, 1), TWO(PL_J, PL_B, 0, 0, 0, 1),
    TWO(PL_H, PL_B, 1, 0, 0, 1),
};
#undef ONE
#undef TWO

static void pixel_copy_wxh(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src, ptrdiff_t src_stride,
                           int w, int h)
{
    for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride)
        memcpy(dst, src, (size_t)w);
}

static void pixel_avg_wxh(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src1, ptrdiff_t src1_stride,
                          const uint8_t *src2, ptrdiff_t src2_stride, int w, int h)
{
    for (int y = 0; y < h; y++, dst += dst_stride, src1 += src1_stride, src2 += src2_stride)
        for (int x = 0; x < w; x++)
            dst[x] = (uint8_t)((src1[x] + src2[x] + 1) >> 1);
}

static decl_get_luma_fn(get_luma_c)
{
    const uint8_t *p0, *p1;
    if (mc_qpel_sources(planes, stride, mvx, mvy, &p0, &p1))
        pixel_avg_wxh(dst, dst_stride, p0, stride, p1, stride, w, h);
    else
        pixel_copy_wxh(dst, dst_stride, p0, stride, w, h);
}

/* 8-270: bilinear interpolation with weights in eighths. */
static decl_mc_chroma_fn(mc_chroma_c)
{
    const int xf = mvx & 7, yf = mvy & 7;
    const int wa = (8 - xf) * (8 - yf), wb = xf * (8 - yf);
    const int wc = (8 - xf) * yf, wd = xf * yf;
    src += (ptrdiff_t)(mvy >> 3) * src_stride + (mvx >> 3);
    for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride) {
        const uint8_t *below = src + src_stride;
        for (int x = 0; x < w; x++)
            dst[x] = (uint8_t)((wa * src[x] + wb * src[x + 1] + wc * below[x] + wd * below[x + 1] + 32) >> 6);
    }
}

static decl_pixel_avg_fn(pixel_avg_c)
{
    pixel_avg_wxh(dst, dst_stride, src1, src1_stride, src2, src2_stride, w, h);
}

static decl_pixel_copy_fn(pixel_copy_c)
{
    pixel_copy_wxh(dst, dst_stride, src, src_stride, w, h);
}

static decl_downscale_2x2_fn(downscale_2x2_c)
{
    for (int y = 0; y < h; y++, dst += dst_stride, src += 2 * src_stride) {
        const uint8_t *below = src + src_stride;
        for (int x = 0; x < w; x++)
            dst[x] = (uint8_t)((src[2 * x] + src[2 * x + 1] + below[2 * x] + below[2 * x + 1] + 2) >> 2);
    }
}

const uint8_t *mc_get_ref(const mc_dsp *dsp, uint8_t *buf, ptrdiff_t buf_stride, ptrdiff_t *out_stride,
                          const uint8_t *const planes[4], ptrdiff_t stride, int mvx, int mvy, int w, int h)
{
    const uint8_t *p0, *p1;
    if (!mc_qpel_sources(planes, stride, mvx, mvy, &p0, &p1)) {
        *out_stride = stride;
        return p0;
    }
    dsp->pixel_avg(buf, buf_stride, p0, stride, p1, stride, w, h);
    *out_stride = buf_stride;
    return buf;
}

void mc_hpel_rows(const mc_dsp *dsp, uint8_t *const hpel[3], const uint8_t *full, ptrdiff_t stride, int width,
                  int height, int y0, int y1, int pad)
{
    /* The core area is the picture widened by MC_HPEL_CORE on each side;
     * its first row and column are the origin of the border calls. */
    const int c = MC_HPEL_CORE;
    const ptrdiff_t row0 = (ptrdiff_t)y0 * stride - c, core = -(ptrdiff_t)c * stride - c;
    dsp->hpel_filter(hpel[0] + row0, hpel[1] + row0, hpel[2] + row0, full + row0, stride, width + 2 * c, y1 - y0);
    for (int i = 0; i < 3; i++)
        dsp->frame_expand_border(hpel[i] + core, stride, width + 2 * c, height + 2 * c, y0 + c, y1 + c,
                                 MC_HPEL_MARGIN(pad) - c);
}

void mc_dsp_init(mc_dsp *dsp, uint32_t cpu_flags)
{
    dsp->hpel_filter = hpel_filter_c;
    dsp->frame_expand_border = frame_expand_border_c;
    dsp->get_luma = get_luma_c;
    dsp->mc_chroma = mc_chroma_c;
    dsp->pixel_avg = pixel_avg_c;
    dsp->pixel_copy = pixel_copy_c;
    dsp->downscale_2x2 = downscale_2x2_c;
#if HWENC_ARCH_X86
    mc_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
