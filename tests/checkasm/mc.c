/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for mc_dsp: every kernel against its C version on random and
 * extreme inputs, at many sizes and odd strides, with guard bands around
 * every output.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/mc.h"

/* The 6-tap filter's taps have signs + - + + - +. A source whose sample at
 * (x, y) is 255 where sign(x mod 6) * sign(y mod 6) is positive and 0
 * elsewhere drives b, h and j to their largest sums at some positions and,
 * inverted, to their most negative, which is where an int16 shortcut would
 * overflow or a clip would be missed. */
static void fill_tap_extremes(uint8_t *pix, ptrdiff_t stride, int w, int h, int invert)
{
    static const int sign[6] = { 1, -1, 1, 1, -1, 1 };
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const int on = sign[x % 6] * sign[y % 6] > 0;
            pix[y * stride + x] = (uint8_t)((on ^ invert) ? 255 : 0);
        }
}

/* Random area, or all 0/255 (pattern 1), or the tap extremes (2, 3). */
static void fill_source(checkasm_rect *r, int pattern)
{
    checkasm_rect_randomize(r);
    if (pattern == 1) {
        for (int y = 0; y < r->h; y++)
            for (int x = 0; x < r->w; x++)
                r->pix[y * r->stride + x] = (checkasm_rand() & 1) ? 255 : 0;
    } else if (pattern >= 2) {
        fill_tap_extremes(r->pix, r->stride, r->w, r->h, pattern == 3);
    }
}

static void check_hpel_filter(const mc_dsp *dsp)
{
    hpel_filter_fn ref;
    if (!(ref = (hpel_filter_fn)check_func(dsp->hpel_filter, "hpel_filter")))
        return;
    const hpel_filter_fn fn = dsp->hpel_filter;
    const int pad_w = MC_HPEL_READ_BEFORE + MC_HPEL_READ_AFTER;
    /* Widths below, at and around the vector sizes and chunk boundaries. */
    static const int widths[] = { 1, 5, 15, 16, 17, 31, 32, 33, 47, 64, 100, 255, 256, 257, 300, 530 };
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        for (int pattern = 0; pattern < 4; pattern++) {
            const int w = widths[i], h = checkasm_rand_range(1, 6);
            /* All four planes share one stride, odd or even. */
            const ptrdiff_t stride = w + pad_w + 2 * CHECKASM_GUARD + checkasm_rand_range(0, 17);
            checkasm_rect src, ref_out[3], new_out[3];
            checkasm_rect_init(&src, w + pad_w, h + pad_w, stride);
            fill_source(&src, pattern);
            for (int p = 0; p < 3; p++) {
                checkasm_rect_init(&ref_out[p], w, h, stride);
                checkasm_rect_init(&new_out[p], w, h, stride);
            }
            const uint8_t *s = src.pix + MC_HPEL_READ_BEFORE * stride + MC_HPEL_READ_BEFORE;
            ref(ref_out[0].pix, ref_out[1].pix, ref_out[2].pix, s, stride, w, h);
            fn(new_out[0].pix, new_out[1].pix, new_out[2].pix, s, stride, w, h);
            static const char *const names[3] = { "b plane", "h plane", "j plane" };
            int bad = 0;
            for (int p = 0; p < 3; p++)
                bad |= checkasm_rect_check(&ref_out[p], &new_out[p], names[p]);
            if (bad)
                checkasm_fail("width %d height %d stride %td pattern %d", w, h, stride, pattern);
            checkasm_rect_free(&src);
            for (int p = 0; p < 3; p++) {
                checkasm_rect_free(&ref_out[p]);
                checkasm_rect_free(&new_out[p]);
            }
            if (bad)
                return;
        }
    }

    /* A 720-wide frame's rows with their margins, 16 rows per call. */
    const int bw = 720 + 2 * MC_HPEL_MARGIN(48), bh = 16;
    checkasm_rect src, out[3];
    checkasm_rect_init(&src, bw + pad_w, bh + pad_w, 1024);
    checkasm_rect_randomize(&src);
    for (int p = 0; p < 3; p++)
        checkasm_rect_init(&out[p], bw, bh, 1024);
    const uint8_t *s = src.pix + MC_HPEL_READ_BEFORE * 1024 + MC_HPEL_READ_BEFORE;
    CHECKASM_BENCH(fn(out[0].pix, out[1].pix, out[2].pix, s, 1024, bw, bh));
    checkasm_rect_free(&src);
    for (int p = 0; p < 3; p++)
        checkasm_rect_free(&out[p]);
}

/* Reference planes: four random planes sharing one stride with enough
 * room around the block for vectors up to +-MV_RANGE quarter-pels. */
#define MV_RANGE 48
#define PLANE_MARGIN (MV_RANGE / 4 + 4)

static void check_get_luma(const mc_dsp *dsp)
{
    static const int sizes[][2] = { { 16, 16 }, { 16, 8 }, { 8, 16 }, { 8, 8 }, { 8, 4 }, { 4, 8 }, { 4, 4 } };
    checkasm_rect planes[4];
    const int pw = 16 + 2 * PLANE_MARGIN;
    const ptrdiff_t pstride = pw + 2 * CHECKASM_GUARD + 2 * checkasm_rand_range(0, 8) + 1;
    for (int p = 0; p < 4; p++) {
        checkasm_rect_init(&planes[p], pw, pw, pstride);
        checkasm_rect_randomize(&planes[p]);
    }
    const uint8_t *const block[4] = {
        planes[0].pix + PLANE_MARGIN * pstride + PLANE_MARGIN, planes[1].pix + PLANE_MARGIN * pstride + PLANE_MARGIN,
        planes[2].pix + PLANE_MARGIN * pstride + PLANE_MARGIN, planes[3].pix + PLANE_MARGIN * pstride + PLANE_MARGIN,
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const int w = sizes[i][0], h = sizes[i][1];
        get_luma_fn ref;
        if (!(ref = (get_luma_fn)check_func(dsp->get_luma, "get_luma_%dx%d", w, h)))
            continue;
        const get_luma_fn fn = dsp->get_luma;
        checkasm_rect a, b;
        checkasm_rect_init(&a, w, h, 0);
        checkasm_rect_init(&b, w, h, a.stride);
        /* Every quarter-pel position, at negative and positive offsets. */
        for (int k = 0; k < 64; k++) {
            const int mvx = (k < 16 ? (k & 3) - 4 * (k >> 2) : checkasm_rand_range(-MV_RANGE, MV_RANGE));
            const int mvy = (k < 16 ? (k >> 2) + 4 * (k & 3) - 8 : checkasm_rand_range(-MV_RANGE, MV_RANGE));
            checkasm_rect_randomize(&a);
            checkasm_rect_copy(&b, &a);
            ref(a.pix, a.stride, block, pstride, mvx, mvy, w, h);
            fn(b.pix, b.stride, block, pstride, mvx, mvy, w, h);
            if (checkasm_rect_check(&a, &b, "prediction")) {
                checkasm_fail("mv (%d, %d)", mvx, mvy);
                break;
            }
        }
        CHECKASM_BENCH(fn(b.pix, b.stride, block, pstride, 5, -3, w, h));
        checkasm_rect_free(&a);
        checkasm_rect_free(&b);
    }
    for (int p = 0; p < 4; p++)
        checkasm_rect_free(&planes[p]);
}

static void check_mc_chroma(const mc_dsp *dsp)
{
    static const int sizes[][2] = { { 8, 8 }, { 8, 4 }, { 4, 8 }, { 4, 4 }, { 4, 2 }, { 2, 4 }, { 2, 2 } };
    const int range = 64, margin = range / 8 + 2, sw = 8 + 2 * margin;
    checkasm_rect src;
    checkasm_rect_init(&src, sw, sw, 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const int w = sizes[i][0], h = sizes[i][1];
        mc_chroma_fn ref;
        if (!(ref = (mc_chroma_fn)check_func(dsp->mc_chroma, "mc_chroma_%dx%d", w, h)))
            continue;
        const mc_chroma_fn fn = dsp->mc_chroma;
        checkasm_rect a, b;
        checkasm_rect_init(&a, w, h, 0);
        checkasm_rect_init(&b, w, h, a.stride);
        const uint8_t *s = src.pix + margin * src.stride + margin;
        for (int k = 0; k < 160; k++) {
            /* All 64 fractions first, then random vectors; the last runs
             * see a white source, the largest weighted sums. */
            const int mvx = k < 64 ? (k & 7) - 8 : checkasm_rand_range(-range, range);
            const int mvy = k < 64 ? (k >> 3) + 8 * (k & 1) - 8 : checkasm_rand_range(-range, range);
            checkasm_rect_randomize(&src);
            if (k >= 144)
                for (int y = 0; y < sw; y++)
                    memset(src.pix + y * src.stride, 255, (size_t)sw);
            checkasm_rect_randomize(&a);
            checkasm_rect_copy(&b, &a);
            ref(a.pix, a.stride, s, src.stride, mvx, mvy, w, h);
            fn(b.pix, b.stride, s, src.stride, mvx, mvy, w, h);
            if (checkasm_rect_check(&a, &b, "prediction")) {
                checkasm_fail("mv (%d, %d)", mvx, mvy);
                break;
            }
        }
        CHECKASM_BENCH(fn(b.pix, b.stride, s, src.stride, 3, 5, w, h));
        checkasm_rect_free(&a);
        checkasm_rect_free(&b);
    }
    checkasm_rect_free(&src);
}

/* Copy and average: the motion compensation sizes, then any width. */
static const int block_sizes[][2] = {
    { 16, 16 }, { 16, 8 }, { 8, 16 }, { 8, 8 }, { 8, 4 }, { 4, 8 }, { 4, 4 }, { 0, 0 },
};

static void check_pixel_avg_copy(const mc_dsp *dsp)
{
    for (size_t i = 0; i < sizeof(block_sizes) / sizeof(block_sizes[0]); i++) {
        const int any = !block_sizes[i][0];
        pixel_avg_fn ref_avg = NULL;
        pixel_copy_fn ref_copy = NULL;
        for (int op = 0; op < 2; op++) {
            if (op == 0) {
                ref_avg = any ? (pixel_avg_fn)check_func(dsp->pixel_avg, "pixel_avg_any")
                              : (pixel_avg_fn)check_func(dsp->pixel_avg, "pixel_avg_%dx%d",
                                                         block_sizes[i][0], block_sizes[i][1]);
                if (!ref_avg)
                    continue;
            } else {
                ref_copy = any ? (pixel_copy_fn)check_func(dsp->pixel_copy, "pixel_copy_any")
                               : (pixel_copy_fn)check_func(dsp->pixel_copy, "pixel_copy_%dx%d",
                                                           block_sizes[i][0], block_sizes[i][1]);
                if (!ref_copy)
                    continue;
            }
            for (int k = 0; k < (any ? 64 : 8); k++) {
                const int w = any ? checkasm_rand_range(1, 70) : block_sizes[i][0];
                const int h = any ? checkasm_rand_range(1, 9) : block_sizes[i][1];
                checkasm_rect s1, s2, a, b;
                checkasm_rect_init(&s1, w, h, 0);
                checkasm_rect_init(&s2, w, h, 0);
                checkasm_rect_randomize(&s1);
                checkasm_rect_randomize(&s2);
                if (k == 0) /* the rounding of 255 + 255 and 255 + 254 */
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++) {
                            s1.pix[y * s1.stride + x] = 255;
                            s2.pix[y * s2.stride + x] = (uint8_t)(255 - (x & 1));
                        }
                checkasm_rect_init(&a, w, h, 0);
                checkasm_rect_init(&b, w, h, a.stride);
                if (op == 0) {
                    ref_avg(a.pix, a.stride, s1.pix, s1.stride, s2.pix, s2.stride, w, h);
                    dsp->pixel_avg(b.pix, b.stride, s1.pix, s1.stride, s2.pix, s2.stride, w, h);
                } else {
                    ref_copy(a.pix, a.stride, s1.pix, s1.stride, w, h);
                    dsp->pixel_copy(b.pix, b.stride, s1.pix, s1.stride, w, h);
                }
                int bad = checkasm_rect_check(&a, &b, op ? "copy" : "average");
                if (bad)
                    checkasm_fail("%dx%d", w, h);
                if (!bad && k == 0 && !any) {
                    if (op == 0)
                        CHECKASM_BENCH(dsp->pixel_avg(b.pix, b.stride, s1.pix, s1.stride, s2.pix, s2.stride, w, h));
                    else
                        CHECKASM_BENCH(dsp->pixel_copy(b.pix, b.stride, s1.pix, s1.stride, w, h));
                }
                checkasm_rect_free(&s1);
                checkasm_rect_free(&s2);
                checkasm_rect_free(&a);
                checkasm_rect_free(&b);
                if (bad)
                    break;
            }
        }
    }
}

/* A random row range: the whole plane, one touching the top or bottom
 * edge, or one inside it. */
static int expand_border_case(frame_expand_border_fn ref, frame_expand_border_fn fn, int pad)
{
    const int w = checkasm_rand_range(1, 80), h = checkasm_rand_range(1, 12);
    const int y0 = checkasm_rand_range(0, 2) ? checkasm_rand_range(0, h - 1) : 0;
    const int y1 = checkasm_rand_range(0, 2) ? checkasm_rand_range(y0 + 1, h) : h;
    checkasm_rect a, b;
    checkasm_rect_init(&a, w + 2 * pad, h + 2 * pad, 0);
    checkasm_rect_init(&b, w + 2 * pad, h + 2 * pad, a.stride);
    checkasm_rect_randomize(&a);
    checkasm_rect_copy(&b, &a);
    const ptrdiff_t off = pad * a.stride + pad;
    ref(a.pix + off, a.stride, w, h, y0, y1, pad);
    fn(b.pix + off, b.stride, w, h, y0, y1, pad);
    const int ret = checkasm_rect_check(&a, &b, "plane");
    if (ret)
        checkasm_fail("%dx%d rows %d..%d pad %d", w, h, y0, y1, pad);
    checkasm_rect_free(&a);
    checkasm_rect_free(&b);
    return ret;
}

static void check_frame_expand_border(const mc_dsp *dsp)
{
    frame_expand_border_fn ref;
    if (!(ref = (frame_expand_border_fn)check_func(dsp->frame_expand_border, "frame_expand_border")))
        return;
    const frame_expand_border_fn fn = dsp->frame_expand_border;
    /* The frame pads (48 luma, 24 chroma), around the vector size, odd. */
    static const int pads[] = { 48, 24, 16, 17, 1, 7, 15, 33 };
    for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++)
        for (int k = 0; k < 4; k++)
            if (expand_border_case(ref, fn, pads[i]))
                return;
    /* One 720x404 luma plane. */
    checkasm_rect r;
    checkasm_rect_init(&r, 720 + 96, 404 + 96, 1024);
    checkasm_rect_randomize(&r);
    CHECKASM_BENCH(fn(r.pix + 48 * r.stride + 48, r.stride, 720, 404, 0, 404, 48));
    checkasm_rect_free(&r);
}

static void check_downscale_2x2(const mc_dsp *dsp)
{
    downscale_2x2_fn ref;
    if (!(ref = (downscale_2x2_fn)check_func(dsp->downscale_2x2, "downscale_2x2")))
        return;
    /* Output widths below, at and around the vector sizes. */
    static const int widths[] = { 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 100, 360 };
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        for (int pattern = 0; pattern < 2; pattern++) {
            const int w = widths[i], h = checkasm_rand_range(1, 5);
            checkasm_rect src, a, b;
            checkasm_rect_init(&src, 2 * w, 2 * h, 0);
            fill_source(&src, pattern);
            checkasm_rect_init(&a, w, h, 0);
            checkasm_rect_init(&b, w, h, a.stride);
            ref(a.pix, a.stride, src.pix, src.stride, w, h);
            dsp->downscale_2x2(b.pix, b.stride, src.pix, src.stride, w, h);
            const int bad = checkasm_rect_check(&a, &b, "downscaled");
            if (bad)
                checkasm_fail("width %d height %d pattern %d", w, h, pattern);
            checkasm_rect_free(&src);
            checkasm_rect_free(&a);
            checkasm_rect_free(&b);
            if (bad)
                return;
        }
    }
    /* The analysis picture of a 720x404 frame. */
    checkasm_rect src, out;
    checkasm_rect_init(&src, 720, 404, 0);
    checkasm_rect_init(&out, 360, 202, 0);
    checkasm_rect_randomize(&src);
    CHECKASM_BENCH(dsp->downscale_2x2(out.pix, out.stride, src.pix, src.stride, 360, 202));
    checkasm_rect_free(&src);
    checkasm_rect_free(&out);
}

void checkasm_check_mc(void)
{
    mc_dsp dsp;
    mc_dsp_init(&dsp, checkasm_cpu_flags());
    check_hpel_filter(&dsp);
    check_get_luma(&dsp);
    check_mc_chroma(&dsp);
    check_pixel_avg_copy(&dsp);
    check_frame_expand_border(&dsp);
    check_downscale_2x2(&dsp);
}
