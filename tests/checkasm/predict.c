/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for predict_dsp: every predictor of every block size on random
 * edges and on the extremes (flat 0 and 255, and the steepest gradients,
 * which push plane prediction's intermediates to their limits). The edge
 * array is allocated to exactly the samples the block size may read, so a
 * sanitizer build catches any read beyond them.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/predict.h"

static const char *const names_4x4[I4_MODE_COUNT] = {
    "v", "h", "dc", "ddl", "ddr", "vr", "hd", "vl", "hu", "dc_left", "dc_top", "dc_128",
};
static const char *const names_16x16[I16_MODE_COUNT] = {
    "v", "h", "dc", "plane", "dc_left", "dc_top", "dc_128",
};
static const char *const names_chroma[ICHROMA_MODE_COUNT] = {
    "dc", "h", "v", "plane", "dc_left", "dc_top", "dc_128",
};

/* Edge contents: random, flat, or a gradient ramp (0 on the near half of
 * each edge and the corner, 255 on the far half, or inverted, per edge). */
static void fill_edge(uint8_t *edge, int n_left, int n_top, int pattern)
{
    if (pattern == 0) {
        checkasm_fill_random(edge - n_left, (size_t)(n_left + 1 + n_top));
    } else if (pattern <= 2) {
        memset(edge - n_left, pattern == 1 ? 0 : 255, (size_t)(n_left + 1 + n_top));
    } else {
        const int inv_top = pattern & 1, inv_left = (pattern >> 1) & 1;
        edge[0] = 0;
        for (int x = 0; x < n_top; x++)
            edge[1 + x] = (uint8_t)(((x >= n_top / 2) ^ inv_top) ? 255 : 0);
        for (int y = 0; y < n_left; y++)
            edge[-1 - y] = (uint8_t)(((y >= n_left / 2) ^ inv_left) ? 255 : 0);
    }
}

static void check_block(predict_fn fn, predict_fn ref, int size, int n_left, int n_top)
{
    uint8_t *buf = malloc((size_t)(n_left + 1 + n_top));
    if (!buf)
        abort();
    uint8_t *edge = buf + n_left;
    checkasm_rect a, b;
    checkasm_rect_init(&a, size, size, 0);
    checkasm_rect_init(&b, size, size, a.stride);
    for (int k = 0; k < 40; k++) {
        const int pattern = k < 7 ? k : 0;
        fill_edge(edge, n_left, n_top, pattern);
        checkasm_rect_randomize(&a);
        checkasm_rect_copy(&b, &a);
        ref(a.pix, a.stride, edge);
        fn(b.pix, b.stride, edge);
        if (checkasm_rect_check(&a, &b, "prediction")) {
            checkasm_fail("edge pattern %d", pattern);
            break;
        }
    }
    fill_edge(edge, n_left, n_top, 0);
    CHECKASM_BENCH(fn(b.pix, b.stride, edge));
    checkasm_rect_free(&a);
    checkasm_rect_free(&b);
    free(buf);
}

/* The fused V/H/DC SADs, for each DC variant, against sources that are
 * random, flat at either extreme (the largest SADs against a 255 or 0
 * edge) or close to the prediction. */
static void check_sad_x3(const predict_dsp *dsp)
{
    static const int dc_modes[4] = { I16_DC, I16_DC_LEFT, I16_DC_TOP, I16_DC_128 };
    intra_sad_x3_fn ref;
    if (!(ref = (intra_sad_x3_fn)check_func(dsp->sad_x3_16x16, "pred16x16_sad_x3")))
        return;
    uint8_t buf[33], src[16 * 40];
    uint8_t *edge = buf + 16;
    for (int k = 0; k < 64; k++) {
        const int pattern = k < 7 ? k : 0, dc_mode = dc_modes[k & 3];
        const ptrdiff_t stride = checkasm_rand_range(16, 40);
        fill_edge(edge, 16, 16, pattern);
        if (k % 3 == 0)
            memset(src, (k & 4) ? 255 : 0, sizeof(src));
        else
            checkasm_fill_random(src, sizeof(src));
        int32_t expect[4], got[4];
        checkasm_guard_fill(expect, sizeof(expect));
        checkasm_guard_fill(got, sizeof(got));
        ref(src, stride, edge, dc_mode, expect);
        dsp->sad_x3_16x16(src, stride, edge, dc_mode, got);
        if (checkasm_check_int32("scores", expect, got, 3) ||
            checkasm_guard_check(got + 3, sizeof(got[0]), "scores end")) {
            checkasm_fail("edge pattern %d, dc mode %d", pattern, dc_mode);
            break;
        }
    }
    CHECKASM_BENCH(dsp->sad_x3_16x16(src, 16, edge, I16_DC, (int[3]){ 0 }));
}

void checkasm_check_predict(void)
{
    predict_dsp dsp;
    predict_dsp_init(&dsp, checkasm_cpu_flags());
    predict_fn ref;
    /* 4x4 reads the top-right too: p[0..7, -1]. */
    for (int m = 0; m < I4_MODE_COUNT; m++)
        if ((ref = (predict_fn)check_func(dsp.predict_4x4[m], "pred4x4_%s", names_4x4[m])))
            check_block(dsp.predict_4x4[m], ref, 4, 4, 8);
    for (int m = 0; m < I16_MODE_COUNT; m++)
        if ((ref = (predict_fn)check_func(dsp.predict_16x16[m], "pred16x16_%s", names_16x16[m])))
            check_block(dsp.predict_16x16[m], ref, 16, 16, 16);
    for (int m = 0; m < ICHROMA_MODE_COUNT; m++)
        if ((ref = (predict_fn)check_func(dsp.predict_chroma[m], "predc_%s", names_chroma[m])))
            check_block(dsp.predict_chroma[m], ref, 8, 8, 8);
    check_sad_x3(&dsp);
}
