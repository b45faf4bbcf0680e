/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for pixel_dsp: SAD, SSD, SATD, the 3/4-candidate SADs and the
 * 4-candidate SAD of averages, every partition size, on random blocks, on
 * the extremes (all 0 against all 255, which maximises every sum) and on
 * odd strides.
 */
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/pixel.h"

/* Inputs live in one buffer with room for the widest block at any offset
 * and a stride of up to MAX_STRIDE. */
#define MAX_STRIDE 80
#define BUF_SIZE (MAX_STRIDE * 24)
#define ITERATIONS 32

enum fill { FILL_RANDOM, FILL_MAX_A, FILL_MAX_B, FILL_NEAR };

static void fill_inputs(uint8_t *a, uint8_t *b, enum fill mode)
{
    switch (mode) {
    case FILL_RANDOM:
        checkasm_fill_random(a, BUF_SIZE);
        checkasm_fill_random(b, BUF_SIZE);
        break;
    case FILL_MAX_A: /* every difference +255: the largest sums */
        memset(a, 255, BUF_SIZE);
        memset(b, 0, BUF_SIZE);
        break;
    case FILL_MAX_B:
        memset(a, 0, BUF_SIZE);
        memset(b, 255, BUF_SIZE);
        break;
    case FILL_NEAR: /* small differences, the common case in motion search */
        checkasm_fill_random(a, BUF_SIZE);
        for (int i = 0; i < BUF_SIZE; i++) {
            const int v = a[i] + checkasm_rand_range(-3, 3);
            b[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
        break;
    }
    /* Alternating 0/255 checkerboards maximise the SATD's high frequencies. */
    if (mode != FILL_RANDOM && mode != FILL_NEAR && (checkasm_rand() & 1))
        for (int i = 0; i < BUF_SIZE; i++)
            if (((i / MAX_STRIDE) ^ i) & 1) {
                const uint8_t t = a[i];
                a[i] = b[i];
                b[i] = t;
            }
}

static enum fill pick_fill(int iteration)
{
    return iteration < 4 ? (enum fill)iteration : checkasm_rand() & 1 ? FILL_RANDOM : FILL_NEAR;
}

static void check_cmp(pixel_cmp_fn const table[PIXEL_PARTITION_COUNT], const char *kind)
{
    uint8_t a[BUF_SIZE], b[BUF_SIZE];
    for (int p = 0; p < PIXEL_PARTITION_COUNT; p++) {
        const int w = pixel_partition_width[p], h = pixel_partition_height[p];
        pixel_cmp_fn ref;
        if (!(ref = (pixel_cmp_fn)check_func(table[p], "%s_%dx%d", kind, w, h)))
            continue;
        const pixel_cmp_fn fn = table[p];
        for (int i = 0; i < ITERATIONS; i++) {
            fill_inputs(a, b, pick_fill(i));
            const ptrdiff_t sa = checkasm_rand_range(w, MAX_STRIDE), sb = checkasm_rand_range(w, MAX_STRIDE);
            const uint8_t *pa = a + checkasm_rand_range(0, MAX_STRIDE - w);
            const uint8_t *pb = b + checkasm_rand_range(0, MAX_STRIDE - w);
            const int expect = ref(pa, sa, pb, sb), got = fn(pa, sa, pb, sb);
            if (expect != got) {
                checkasm_fail("got %d, expected %d (strides %td, %td)", got, expect, sa, sb);
                break;
            }
        }
        CHECKASM_BENCH(fn(a, 16, b, 32));
    }
}

static void check_sad_x(const pixel_dsp *dsp, int n)
{
    uint8_t src[BUF_SIZE], ref_buf[BUF_SIZE];
    for (int p = 0; p < PIXEL_PARTITION_COUNT; p++) {
        const int w = pixel_partition_width[p], h = pixel_partition_height[p];
        checkasm_func ref;
        if (!(ref = n == 3 ? check_func(dsp->sad_x3[p], "sad_x3_%dx%d", w, h)
                           : check_func(dsp->sad_x4[p], "sad_x4_%dx%d", w, h)))
            continue;
        for (int i = 0; i < ITERATIONS; i++) {
            fill_inputs(src, ref_buf, pick_fill(i));
            const ptrdiff_t ss = checkasm_rand_range(w, MAX_STRIDE), rs = checkasm_rand_range(w, MAX_STRIDE);
            const uint8_t *s = src + checkasm_rand_range(0, MAX_STRIDE - w);
            const uint8_t *r[4];
            for (int k = 0; k < 4; k++)
                r[k] = ref_buf + checkasm_rand_range(0, MAX_STRIDE - w) + checkasm_rand_range(0, 4) * rs;
            /* One guard int after the scores catches an x3 writing four. */
            int32_t expect[5], got[5];
            checkasm_guard_fill(expect, sizeof(expect));
            checkasm_guard_fill(got, sizeof(got));
            if (n == 3) {
                ((pixel_sad_x3_fn)ref)(s, ss, r[0], r[1], r[2], rs, expect);
                dsp->sad_x3[p](s, ss, r[0], r[1], r[2], rs, got);
            } else {
                ((pixel_sad_x4_fn)ref)(s, ss, r[0], r[1], r[2], r[3], rs, expect);
                dsp->sad_x4[p](s, ss, r[0], r[1], r[2], r[3], rs, got);
            }
            if (checkasm_check_int32("scores", expect, got, (size_t)n) ||
                checkasm_guard_check(got + n, sizeof(got) - (size_t)n * sizeof(got[0]), "scores end"))
                break;
        }
        if (n == 3)
            CHECKASM_BENCH(dsp->sad_x3[p](src, 16, ref_buf, ref_buf + 1, ref_buf + 2, 32, (int[3]){ 0 }));
        else
            CHECKASM_BENCH(dsp->sad_x4[p](src, 16, ref_buf, ref_buf + 1, ref_buf + 2, ref_buf + 33, 32,
                                          (int[4]){ 0 }));
    }
}

/* The averaged candidates come from anywhere in the reference buffer, one
 * in eight with a == b as for a candidate on one plane. */
static void check_sad_avg_x4(const pixel_dsp *dsp)
{
    uint8_t src[BUF_SIZE], ref_buf[BUF_SIZE];
    for (int p = 0; p < PIXEL_PARTITION_COUNT; p++) {
        const int w = pixel_partition_width[p], h = pixel_partition_height[p];
        pixel_sad_avg_x4_fn ref;
        if (!(ref = (pixel_sad_avg_x4_fn)check_func(dsp->sad_avg_x4[p], "sad_avg_x4_%dx%d", w, h)))
            continue;
        for (int i = 0; i < ITERATIONS; i++) {
            fill_inputs(src, ref_buf, pick_fill(i));
            const ptrdiff_t ss = checkasm_rand_range(w, MAX_STRIDE), rs = checkasm_rand_range(w, MAX_STRIDE);
            const uint8_t *s = src + checkasm_rand_range(0, MAX_STRIDE - w);
            const uint8_t *a[4], *b[4];
            for (int k = 0; k < 4; k++) {
                a[k] = ref_buf + checkasm_rand_range(0, MAX_STRIDE - w) + checkasm_rand_range(0, 4) * rs;
                b[k] = (checkasm_rand() & 7) ? ref_buf + checkasm_rand_range(0, MAX_STRIDE - w) +
                                                   checkasm_rand_range(0, 4) * rs
                                             : a[k];
            }
            int32_t expect[5], got[5];
            checkasm_guard_fill(expect, sizeof(expect));
            checkasm_guard_fill(got, sizeof(got));
            ref(s, ss, a, b, rs, expect);
            dsp->sad_avg_x4[p](s, ss, a, b, rs, got);
            if (checkasm_check_int32("scores", expect, got, 4) ||
                checkasm_guard_check(got + 4, sizeof(got[0]), "scores end"))
                break;
        }
        const uint8_t *a[4] = { ref_buf, ref_buf + 1, ref_buf + 32, ref_buf + 33 };
        const uint8_t *b[4] = { ref_buf + 2, ref_buf + 34, ref_buf + 64, ref_buf + 65 };
        CHECKASM_BENCH(dsp->sad_avg_x4[p](src, 16, a, b, 32, (int[4]){ 0 }));
    }
}

void checkasm_check_pixel(void)
{
    pixel_dsp dsp;
    pixel_dsp_init(&dsp, checkasm_cpu_flags());
    check_cmp(dsp.sad, "sad");
    check_cmp(dsp.ssd, "ssd");
    check_cmp(dsp.satd, "satd");
    check_sad_x(&dsp, 3);
    check_sad_x(&dsp, 4);
    check_sad_avg_x4(&dsp);
}
