/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Tests of the C motion compensation kernels (mc.c) against a literal
 * transcription of the H.264 sample interpolation written here: 8.4.2.2.1
 * (luma, 6-tap half samples and quarter-sample averages of Table 8-12) and
 * 8.4.2.2.2 (chroma, eighth-sample bilinear), both reading the unpadded
 * picture with the standard's clamped integer coordinates. The kernels run
 * the way the encoder uses them: border extension, half-pel planes over
 * the padded area (mc_hpel_rows), then get_luma / mc_chroma for random blocks of every
 * partition size, every luma and chroma phase, and vectors up to the
 * documented reach beyond the picture. Fixed seed; exit status is nonzero
 * on failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/dsp/mc.h"

#include "tests/common/check.h"

/* Mirror FRAME_PAD_LUMA / FRAME_PAD_CHROMA of internal.h, which this test
 * does not include so that it depends on mc.h alone. */
#define PAD_LUMA 48
#define PAD_CHROMA 24

/* ---- harness ---- */


static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* ---- reference: 8.4.2.2.1 and 8.4.2.2.2 on an unpadded picture ---- */

typedef struct picture {
    const uint8_t *s;
    int w, h;                    /* PicWidthInSamples, refPicHeightEffective */
} picture;

static int clip3(int lo, int hi, int v)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int clip1(int v)
{
    return clip3(0, 255, v);
}

/* 8-228..8-231: integer sample at a clamped coordinate. */
static int sample(const picture *p, int x, int y)
{
    return p->s[clip3(0, p->h - 1, y) * p->w + clip3(0, p->w - 1, x)];
}

/* The 6-tap intermediate in a row (b1, s1: E, F, G, H, I, J around x) and
 * in a column (h1, m1: A, C, G, M, R, T around y). */
static int row_tap(const picture *p, int x, int y)
{
    return sample(p, x - 2, y) - 5 * sample(p, x - 1, y) + 20 * sample(p, x, y) + 20 * sample(p, x + 1, y)
           - 5 * sample(p, x + 2, y) + sample(p, x + 3, y);
}

static int col_tap(const picture *p, int x, int y)
{
    return sample(p, x, y - 2) - 5 * sample(p, x, y - 1) + 20 * sample(p, x, y) + 20 * sample(p, x, y + 1)
           - 5 * sample(p, x, y + 2) + sample(p, x, y + 3);
}

/* 8-243/8-244 with cc, dd, h1, m1, ee, ff: the column intermediates. */
static int j1_from_columns(const picture *p, int x, int y)
{
    return col_tap(p, x - 2, y) - 5 * col_tap(p, x - 1, y) + 20 * col_tap(p, x, y) + 20 * col_tap(p, x + 1, y)
           - 5 * col_tap(p, x + 2, y) + col_tap(p, x + 3, y);
}

/* The equivalent form with aa, bb, b1, s1, gg, hh: the row intermediates. */
static int j1_from_rows(const picture *p, int x, int y)
{
    return row_tap(p, x, y - 2) - 5 * row_tap(p, x, y - 1) + 20 * row_tap(p, x, y) + 20 * row_tap(p, x, y + 1)
           - 5 * row_tap(p, x, y + 2) + row_tap(p, x, y + 3);
}

static int half_b(const picture *p, int x, int y)
{
    return clip1((row_tap(p, x, y) + 16) >> 5);
}

static int half_h(const picture *p, int x, int y)
{
    return clip1((col_tap(p, x, y) + 16) >> 5);
}

static int half_j(const picture *p, int x, int y)
{
    return clip1((j1_from_columns(p, x, y) + 512) >> 10);
}

/* One luma prediction sample with G at (xInt, yInt): the named samples of
 * Figure 8-4 and Table 8-12. */
static int ref_luma_sample(const picture *p, int xi, int yi, int xf, int yf)
{
    const int G = sample(p, xi, yi), H = sample(p, xi + 1, yi), M = sample(p, xi, yi + 1);
    const int b = half_b(p, xi, yi), h = half_h(p, xi, yi), j = half_j(p, xi, yi);
    const int m = half_h(p, xi + 1, yi), s = half_b(p, xi, yi + 1);
    const int a = (G + b + 1) >> 1, c = (H + b + 1) >> 1;
    const int d = (G + h + 1) >> 1, n = (M + h + 1) >> 1;
    const int f = (b + j + 1) >> 1, i = (h + j + 1) >> 1;
    const int k = (j + m + 1) >> 1, q = (j + s + 1) >> 1;
    const int e = (b + h + 1) >> 1, g = (b + m + 1) >> 1;
    const int pp = (h + s + 1) >> 1, r = (m + s + 1) >> 1;
    const int table[4][4] = {   /* [xFracL][yFracL] */
        { G, d, h, n },
        { a, e, i, pp },
        { b, f, j, q },
        { c, g, k, r },
    };
    return table[xf][yf];
}

/* 8.4.2.2.1 for a block at (xAL, yAL) with vector mvLX. */
static void ref_luma_block(const picture *p, int xal, int yal, int mvx, int mvy, int w, int h, uint8_t *dst,
                           int dst_stride)
{
    for (int yl = 0; yl < h; yl++)
        for (int xl = 0; xl < w; xl++) {
            const int xi = xal + (mvx >> 2) + xl, yi = yal + (mvy >> 2) + yl;
            dst[yl * dst_stride + xl] = (uint8_t)ref_luma_sample(p, xi, yi, mvx & 3, mvy & 3);
        }
}

/* 8.4.2.2.2 for 4:2:0 frame coding: mvCLX = mvLX, in eighth chroma samples. */
static void ref_chroma_block(const picture *p, int xal, int yal, int mvx, int mvy, int w, int h, uint8_t *dst,
                             int dst_stride)
{
    for (int yc = 0; yc < h; yc++)
        for (int xc = 0; xc < w; xc++) {
            const int xi = xal / 2 + (mvx >> 3) + xc, yi = yal / 2 + (mvy >> 3) + yc;
            const int xf = mvx & 7, yf = mvy & 7;
            const int A = sample(p, xi, yi), B = sample(p, xi + 1, yi);
            const int C = sample(p, xi, yi + 1), D = sample(p, xi + 1, yi + 1);
            dst[yc * dst_stride + xc] = (uint8_t)(((8 - xf) * (8 - yf) * A + xf * (8 - yf) * B + (8 - xf) * yf * C
                                                   + xf * yf * D + 32) >> 6);
        }
}

/* ---- padded planes as the encoder lays them out ---- */

typedef struct padded {
    uint8_t *buf;
    uint8_t *origin;             /* picture sample (0, 0) */
    ptrdiff_t stride;
    int pad;
    size_t size;
} padded;

/* Exact-size allocation so ASan catches reads beyond the first or last
 * padded row; filled with noise so nothing relies on zeroed memory. */
static void padded_alloc(padded *pl, int w, int h, int pad, int extra_stride, rng *r)
{
    pl->pad = pad;
    pl->stride = w + 2 * pad + extra_stride;
    pl->size = (size_t)pl->stride * (size_t)(h + 2 * pad);
    pl->buf = xmalloc(pl->size);
    for (size_t i = 0; i < pl->size; i++)
        pl->buf[i] = (uint8_t)rng_next(r);
    pl->origin = pl->buf + pad * pl->stride + pad;
}

static void random_picture(uint8_t *s, int w, int h, rng *r)
{
    /* Mostly full-range noise to reach the clipping paths, some smooth
     * areas so averages are not all of unrelated values. */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = (rng_next(r) & 3) ? (int)(rng_next(r) & 255) : (x * 7 + y * 3) & 255;
            s[y * w + x] = (uint8_t)v;
        }
}

typedef struct reference {
    picture luma, chroma[2];
    uint8_t *luma_pix, *chroma_pix[2];
    padded full, hpel[3], cplane[2];
} reference;

static void reference_build(const mc_dsp *dsp, reference *ref, int w, int h, rng *r, tally *t)
{
    const int cw = w / 2, ch = h / 2;
    ref->luma_pix = xmalloc((size_t)w * (size_t)h);
    random_picture(ref->luma_pix, w, h, r);
    ref->luma = (picture){ ref->luma_pix, w, h };
    const int extra = rng_range(r, 0, 20);
    padded_alloc(&ref->full, w, h, PAD_LUMA, extra, r);
    for (int i = 0; i < 3; i++)
        padded_alloc(&ref->hpel[i], w, h, PAD_LUMA, extra, r);
    for (int y = 0; y < h; y++)
        memcpy(ref->full.origin + y * ref->full.stride, ref->luma_pix + y * w, (size_t)w);
    for (int p = 0; p < 2; p++) {
        ref->chroma_pix[p] = xmalloc((size_t)cw * (size_t)ch);
        random_picture(ref->chroma_pix[p], cw, ch, r);
        ref->chroma[p] = (picture){ ref->chroma_pix[p], cw, ch };
        padded_alloc(&ref->cplane[p], cw, ch, PAD_CHROMA, rng_range(r, 0, 9), r);
        for (int y = 0; y < ch; y++)
            memcpy(ref->cplane[p].origin + y * ref->cplane[p].stride, ref->chroma_pix[p] + y * cw, (size_t)cw);
    }

    /* Luma in two row ranges, as two slices would border it. */
    const int split = h / 2;
    dsp->frame_expand_border(ref->full.origin, ref->full.stride, w, h, split, h, PAD_LUMA);
    dsp->frame_expand_border(ref->full.origin, ref->full.stride, w, h, 0, split, PAD_LUMA);
    for (int p = 0; p < 2; p++)
        dsp->frame_expand_border(ref->cplane[p].origin, ref->cplane[p].stride, cw, ch, 0, ch, PAD_CHROMA);

    /* The border must hold the clamped samples everywhere. */
    int bad = 0;
    for (int y = -PAD_LUMA; y < h + PAD_LUMA; y++)
        for (int x = -PAD_LUMA; x < w + PAD_LUMA; x++)
            bad += ref->full.origin[y * ref->full.stride + x] != sample(&ref->luma, x, y);
    CHECK(t, bad == 0, "luma border %dx%d: %d samples differ from clamped picture", w, h, bad);
    for (int p = 0; p < 2; p++) {
        bad = 0;
        for (int y = -PAD_CHROMA; y < ch + PAD_CHROMA; y++)
            for (int x = -PAD_CHROMA; x < cw + PAD_CHROMA; x++)
                bad += ref->cplane[p].origin[y * ref->cplane[p].stride + x] != sample(&ref->chroma[p], x, y);
        CHECK(t, bad == 0, "chroma %d border %dx%d: %d samples differ", p, cw, ch, bad);
    }

    /* Half-pel planes over the documented area, in three row ranges made
     * last first (slices finish in any order); keep a copy to see that
     * nothing outside the area is written. */
    uint8_t *before[3];
    for (int i = 0; i < 3; i++) {
        before[i] = xmalloc(ref->hpel[i].size);
        memcpy(before[i], ref->hpel[i].buf, ref->hpel[i].size);
    }
    const int m = MC_HPEL_MARGIN(PAD_LUMA);
    uint8_t *const hpel[3] = { ref->hpel[0].origin, ref->hpel[1].origin, ref->hpel[2].origin };
    const int cut1 = rng_range(r, 1 - MC_HPEL_CORE, h + MC_HPEL_CORE - 2);
    const int cut2 = rng_range(r, cut1 + 1, h + MC_HPEL_CORE - 1);
    mc_hpel_rows(dsp, hpel, ref->full.origin, ref->full.stride, w, h, cut2, h + MC_HPEL_CORE, PAD_LUMA);
    mc_hpel_rows(dsp, hpel, ref->full.origin, ref->full.stride, w, h, cut1, cut2, PAD_LUMA);
    mc_hpel_rows(dsp, hpel, ref->full.origin, ref->full.stride, w, h, -MC_HPEL_CORE, cut1, PAD_LUMA);
    int bad_plane[3] = { 0, 0, 0 }, outside = 0, bad_j = 0;
    for (int y = -PAD_LUMA; y < h + PAD_LUMA; y++)
        for (int x = -PAD_LUMA; x < w + PAD_LUMA; x++) {
            const ptrdiff_t pos = y * ref->full.stride + x;
            const int inside = x >= -m && x < w + m && y >= -m && y < h + m;
            if (!inside) {
                for (int i = 0; i < 3; i++)
                    outside += ref->hpel[i].origin[pos] != before[i][ref->hpel[i].origin + pos - ref->hpel[i].buf];
                continue;
            }
            bad_plane[0] += ref->hpel[0].origin[pos] != half_b(&ref->luma, x, y);
            bad_plane[1] += ref->hpel[1].origin[pos] != half_h(&ref->luma, x, y);
            bad_plane[2] += ref->hpel[2].origin[pos] != half_j(&ref->luma, x, y);
            bad_j += j1_from_columns(&ref->luma, x, y) != j1_from_rows(&ref->luma, x, y);
        }
    CHECK(t, bad_plane[0] == 0, "hpel b %dx%d: %d samples differ", w, h, bad_plane[0]);
    CHECK(t, bad_plane[1] == 0, "hpel h %dx%d: %d samples differ", w, h, bad_plane[1]);
    CHECK(t, bad_plane[2] == 0, "hpel j %dx%d: %d samples differ", w, h, bad_plane[2]);
    CHECK(t, outside == 0, "hpel %dx%d: %d samples written outside the area", w, h, outside);
    /* A check of the reference itself: 8-243 and 8-244 must agree. */
    CHECK(t, bad_j == 0, "reference j1 forms disagree at %d positions", bad_j);
    for (int i = 0; i < 3; i++)
        free(before[i]);
}

static void reference_free(reference *ref)
{
    free(ref->luma_pix);
    free(ref->full.buf);
    for (int i = 0; i < 3; i++)
        free(ref->hpel[i].buf);
    for (int p = 0; p < 2; p++) {
        free(ref->chroma_pix[p]);
        free(ref->cplane[p].buf);
    }
}

/* ---- block tests ---- */

static const int part_w[7] = { 16, 16, 8, 8, 8, 4, 4 };
static const int part_h[7] = { 16, 8, 16, 8, 4, 8, 4 };

#define DST_STRIDE 32
#define DST_ROWS 24
#define GUARD 0xA5

/* The whole output buffer against the expected block plus untouched guard. */
static int compare_block(const uint8_t *got, const uint8_t *want, int w, int h)
{
    int bad = 0;
    for (int y = 0; y < DST_ROWS; y++)
        for (int x = 0; x < DST_STRIDE; x++) {
            const int in = x < w && y < h;
            bad += got[y * DST_STRIDE + x] != (in ? want[y * DST_STRIDE + x] : GUARD);
        }
    return bad;
}

/* An integer displaced position x0 in [lo, hi] with x0 - base of the given
 * parity; a quarter of the draws land on the extremes. */
static int pick_position(rng *r, int lo, int hi, int base, int parity)
{
    int x0;
    switch (rng_next(r) & 7) {
    case 0: x0 = lo; break;
    case 1: x0 = hi; break;
    default: x0 = rng_range(r, lo, hi); break;
    }
    if (((x0 - base) & 1) != parity)
        x0 += x0 < hi ? 1 : -1;
    return x0;
}

static void test_blocks(const mc_dsp *dsp, const reference *ref, int blocks, rng *r, tally *tl, tally *tc,
                        int luma_phase[16], int chroma_phase[64])
{
    const int pw = ref->luma.w, ph = ref->luma.h;
    const int reach = MC_MV_REACH(PAD_LUMA);
    uint8_t got[DST_STRIDE * DST_ROWS], want[DST_STRIDE * DST_ROWS];
    for (int n = 0; n < blocks; n++) {
        const int part = n % 7;
        const int w = part_w[part], h = part_h[part];
        const int bx = 4 * rng_range(r, 0, (pw - w) / 4), by = 4 * rng_range(r, 0, (ph - h) / 4);
        const uint8_t *const planes[4] = {
            ref->full.origin + by * ref->full.stride + bx,
            ref->hpel[0].origin + by * ref->full.stride + bx,
            ref->hpel[1].origin + by * ref->full.stride + bx,
            ref->hpel[2].origin + by * ref->full.stride + bx,
        };
        /* Every chroma phase, hence every luma phase, for each block. */
        for (int phase = 0; phase < 64; phase++) {
            const int fx = phase & 7, fy = phase >> 3;
            const int x0 = pick_position(r, -reach, pw + reach - w, bx, fx >> 2);
            const int y0 = pick_position(r, -reach, ph + reach - h, by, fy >> 2);
            const int mvx = 4 * (x0 - bx) + (fx & 3), mvy = 4 * (y0 - by) + (fy & 3);

            memset(got, GUARD, sizeof(got));
            memset(want, 0, sizeof(want));
            dsp->get_luma(got, DST_STRIDE, planes, ref->full.stride, mvx, mvy, w, h);
            ref_luma_block(&ref->luma, bx, by, mvx, mvy, w, h, want, DST_STRIDE);
            int bad = compare_block(got, want, w, h);
            CHECK(tl, bad == 0, "%dx%d pic %dx%d block (%d,%d) mv (%d,%d): %d samples differ",
                  w, h, pw, ph, bx, by, mvx, mvy, bad);
            luma_phase[(mvy & 3) * 4 + (mvx & 3)]++;

            const int cw = w / 2, ch = h / 2;
            for (int p = 0; p < 2; p++) {
                const padded *cp = &ref->cplane[p];
                memset(got, GUARD, sizeof(got));
                dsp->mc_chroma(got, DST_STRIDE, cp->origin + (by / 2) * cp->stride + bx / 2, cp->stride,
                               mvx, mvy, cw, ch);
                ref_chroma_block(&ref->chroma[p], bx, by, mvx, mvy, cw, ch, want, DST_STRIDE);
                bad = compare_block(got, want, cw, ch);
                CHECK(tc, bad == 0, "chroma %d %dx%d pic %dx%d block (%d,%d) mv (%d,%d): %d samples differ",
                      p, cw, ch, pw / 2, ph / 2, bx / 2, by / 2, mvx, mvy, bad);
            }
            chroma_phase[(mvy & 7) * 8 + (mvx & 7)]++;
        }
    }
}

/* ---- pixel_avg / pixel_copy ---- */

static void test_avg_copy(const mc_dsp *dsp, rng *r, tally *t)
{
    uint8_t a[40 * 24], b[40 * 24], got[DST_STRIDE * DST_ROWS], want[DST_STRIDE * DST_ROWS];
    for (int iter = 0; iter < 200; iter++) {
        const int part = iter % 7;
        const int w = part_w[part], h = part_h[part];
        const int sa = rng_range(r, w, 40), sb = rng_range(r, w, 40);
        for (size_t i = 0; i < sizeof(a); i++) {
            a[i] = (uint8_t)rng_next(r);
            b[i] = (uint8_t)rng_next(r);
        }
        memset(got, GUARD, sizeof(got));
        dsp->pixel_avg(got, DST_STRIDE, a, sa, b, sb, w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                want[y * DST_STRIDE + x] = (uint8_t)((a[y * sa + x] + b[y * sb + x] + 1) / 2);
        CHECK(t, compare_block(got, want, w, h) == 0, "pixel_avg %dx%d strides %d %d", w, h, sa, sb);

        memset(got, GUARD, sizeof(got));
        dsp->pixel_copy(got, DST_STRIDE, a, sa, w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                want[y * DST_STRIDE + x] = a[y * sa + x];
        CHECK(t, compare_block(got, want, w, h) == 0, "pixel_copy %dx%d stride %d", w, h, sa);
    }
}

int main(void)
{
    mc_dsp dsp;
    mc_dsp_init(&dsp, 0);
    rng r = { 0x2545F491u };
    tally planes = { "planes", 0, 0 }, luma = { "get_luma", 0, 0 }, chroma = { "mc_chroma", 0, 0 };
    tally avg = { "avg_copy", 0, 0 }, cover = { "coverage", 0, 0 };
    int luma_phase[16] = { 0 }, chroma_phase[64] = { 0 };

    static const int sizes[][3] = { { 16, 16, 21 }, { 48, 32, 28 }, { 176, 144, 35 } }; /* w, h, blocks */
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        reference ref;
        reference_build(&dsp, &ref, sizes[i][0], sizes[i][1], &r, &planes);
        test_blocks(&dsp, &ref, sizes[i][2], &r, &luma, &chroma, luma_phase, chroma_phase);
        reference_free(&ref);
    }
    for (int i = 0; i < 16; i++)
        CHECK(&cover, luma_phase[i] > 0, "luma phase (%d,%d) never tested", i & 3, i >> 2);
    for (int i = 0; i < 64; i++)
        CHECK(&cover, chroma_phase[i] > 0, "chroma phase (%d,%d) never tested", i & 7, i >> 3);
    test_avg_copy(&dsp, &r, &avg);

    const tally *all[] = { &planes, &luma, &chroma, &avg, &cover };
    int pass = 0, fail = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        printf("%-10s %6d passed, %d failed\n", all[i]->name, all[i]->pass, all[i]->fail);
        pass += all[i]->pass;
        fail += all[i]->fail;
    }
    printf("%d passed, %d failed\n", pass, fail);
    return fail != 0;
}
