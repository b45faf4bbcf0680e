/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for predict8x8_dsp: the reference-sample filter for every
 * neighbour availability and every Intra 8x8 predictor, on random edges
 * and on the extremes. The edge array holds exactly the samples an 8x8
 * block may read (8 left, the corner, 16 above), so a sanitizer build
 * catches any read beyond them.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/predict8x8.h"

static const char *const names[I4_MODE_COUNT] = {
    "v", "h", "dc", "ddl", "ddr", "vr", "hd", "vl", "hu", "dc_left", "dc_top", "dc_128",
};

static void fill_edge(uint8_t *edge, int pattern)
{
    if (pattern == 0)
        checkasm_fill_random(edge - 8, 25);
    else if (pattern <= 2)
        memset(edge - 8, pattern == 1 ? 0 : 255, 25);
    else
        for (int i = -8; i <= 16; i++)
            edge[i] = (uint8_t)(((i < 0 ? -i : i) + pattern) & 2 ? 255 : 0);
}

static void check_predictor(predict_fn fn, predict_fn ref)
{
    uint8_t *buf = malloc(25);
    if (!buf)
        abort();
    uint8_t *edge = buf + 8;
    checkasm_rect a, b;
    checkasm_rect_init(&a, 8, 8, 0);
    checkasm_rect_init(&b, 8, 8, a.stride);
    for (int k = 0; k < 40; k++) {
        fill_edge(edge, k < 6 ? k : 0);
        checkasm_rect_randomize(&a);
        checkasm_rect_copy(&b, &a);
        ref(a.pix, a.stride, edge);
        fn(b.pix, b.stride, edge);
        if (checkasm_rect_check(&a, &b, "prediction"))
            break;
    }
    CHECKASM_BENCH(fn(a.pix, a.stride, edge));
    checkasm_rect_free(&a);
    checkasm_rect_free(&b);
    free(buf);
}

static void check_filter(const predict8x8_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->filter, "pred8x8l_filter")))
        return;
    typeof(dsp->filter) ref = (typeof(dsp->filter))ref_fn;
    uint8_t *in = malloc(25), out_ref[25], out_new[25];
    if (!in)
        abort();
    for (int k = 0; k < 64; k++) {
        const int avail = k & 7;
        fill_edge(in + 8, k < 6 ? k : 0);
        /* Samples the filter must not write keep what was there. */
        memset(out_ref, 0x5a, sizeof(out_ref));
        memset(out_new, 0x5a, sizeof(out_new));
        ref(out_ref + 8, in + 8, avail);
        dsp->filter(out_new + 8, in + 8, avail);
        if (checkasm_check_uint8("filtered edge", out_ref, out_new, sizeof(out_ref)))
            break;
    }
    CHECKASM_BENCH(dsp->filter(out_new + 8, in + 8, EDGE8_LEFT | EDGE8_TOP | EDGE8_TOPLEFT));
    free(in);
}

void checkasm_check_predict8x8(void)
{
    predict8x8_dsp dsp;
    predict8x8_dsp_init(&dsp, checkasm_cpu_flags());
    check_filter(&dsp);
    for (int m = 0; m < I4_MODE_COUNT; m++) {
        predict_fn ref;
        if ((ref = (predict_fn)check_func(dsp.predict[m], "pred8x8l_%s", names[m])))
            check_predictor(dsp.predict[m], ref);
    }
}
