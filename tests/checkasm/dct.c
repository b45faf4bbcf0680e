/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for dct_dsp: the forward and inverse 4x4 and 8x8 transforms, the luma DC
 * Hadamards, the chroma DC transforms and the zigzag scan. Coefficient
 * inputs cover the whole int16 range (the C versions work in int and the
 * SIMD ones must match them there), plus the extremes that maximise each
 * intermediate sum.
 */
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/dct.h"

#define ITERATIONS 64
#define GUARD 8 /* int16 guard entries on each side of a coefficient block */

/* Random coefficients; the first iterations use the extremes. */
static void fill_coeffs(int16_t *c, int n, int iteration)
{
    for (int i = 0; i < n; i++) {
        switch (iteration) {
        case 0: c[i] = INT16_MAX; break;
        case 1: c[i] = INT16_MIN; break;
        case 2: c[i] = (i ^ (i >> 2)) & 1 ? INT16_MAX : INT16_MIN; break;
        case 3: c[i] = (int16_t)(i & 1 ? -4080 : 4080); break;
        default:
            /* Mostly the dequantised range, sometimes anything. */
            c[i] = (int16_t)(iteration & 1 ? checkasm_rand_range(INT16_MIN, INT16_MAX)
                                           : checkasm_rand_range(-8192, 8191));
        }
    }
}

static void fill_pixels(uint8_t *src, uint8_t *pred, size_t size, int iteration)
{
    if (iteration < 2) {
        memset(src, iteration ? 0 : 255, size);
        memset(pred, iteration ? 255 : 0, size);
    } else if (iteration < 4) {
        for (size_t i = 0; i < size; i++) {
            src[i] = (i ^ (i >> 5) ^ (size_t)iteration) & 1 ? 255 : 0;
            pred[i] = (uint8_t)(255 - src[i]);
        }
    } else {
        checkasm_fill_random(src, size);
        checkasm_fill_random(pred, size);
    }
}

static void check_sub4x4_dct(const dct_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->sub4x4_dct, "sub4x4_dct")))
        return;
    typeof(dsp->sub4x4_dct) ref = (typeof(dsp->sub4x4_dct))ref_fn;
    uint8_t src[4 * 64], pred[4 * 64];
    int16_t c_ref[16 + 2 * GUARD], c_new[16 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        fill_pixels(src, pred, sizeof(src), i);
        const ptrdiff_t ss = checkasm_rand_range(4, 64), ps = checkasm_rand_range(4, 64);
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        checkasm_guard_fill(c_new, sizeof(c_new));
        ref(c_ref + GUARD, src, ss, pred, ps);
        dsp->sub4x4_dct(c_new + GUARD, src, ss, pred, ps);
        if (checkasm_check_int16("dct", c_ref + GUARD, c_new + GUARD, 16) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before dct") ||
            checkasm_guard_check(c_new + GUARD + 16, GUARD * sizeof(int16_t), "after dct"))
            break;
    }
    CHECKASM_BENCH(dsp->sub4x4_dct(c_new, src, 16, pred, 32));
}

static void check_add4x4_idct(const dct_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->add4x4_idct, "add4x4_idct")))
        return;
    typeof(dsp->add4x4_idct) ref = (typeof(dsp->add4x4_idct))ref_fn;
    checkasm_rect d_ref, d_new;
    int16_t c[16], c_copy[16];
    for (int i = 0; i < ITERATIONS; i++) {
        checkasm_rect_init(&d_ref, 4, 4, 0);
        checkasm_rect_init(&d_new, 4, 4, d_ref.stride);
        checkasm_rect_randomize(&d_ref);
        if (i % 8 == 1) /* saturate at both ends of the pixel range */
            for (int y = 0; y < 4; y++)
                memset(d_ref.pix + y * d_ref.stride, i & 8 ? 0 : 255, 4);
        checkasm_rect_copy(&d_new, &d_ref);
        fill_coeffs(c, 16, i);
        memcpy(c_copy, c, sizeof(c));
        ref(d_ref.pix, d_ref.stride, c);
        dsp->add4x4_idct(d_new.pix, d_new.stride, c);
        const int bad = checkasm_rect_check(&d_ref, &d_new, "dst") ||
                        checkasm_check_int16("dct (must stay unchanged)", c_copy, c, 16);
        checkasm_rect_free(&d_ref);
        checkasm_rect_free(&d_new);
        if (bad)
            break;
    }
    uint8_t dst[4 * 32] = { 0 };
    fill_coeffs(c, 16, 8);
    CHECKASM_BENCH(dsp->add4x4_idct(dst, 32, c));
}

static void check_sub8x8_dct(const dct_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->sub8x8_dct, "sub8x8_dct")))
        return;
    typeof(dsp->sub8x8_dct) ref = (typeof(dsp->sub8x8_dct))ref_fn;
    uint8_t src[8 * 64], pred[8 * 64];
    int16_t c_ref[64 + 2 * GUARD], c_new[64 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        fill_pixels(src, pred, sizeof(src), i);
        const ptrdiff_t ss = checkasm_rand_range(8, 64), ps = checkasm_rand_range(8, 64);
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        checkasm_guard_fill(c_new, sizeof(c_new));
        ref((int16_t(*)[16])(c_ref + GUARD), src, ss, pred, ps);
        dsp->sub8x8_dct((int16_t(*)[16])(c_new + GUARD), src, ss, pred, ps);
        if (checkasm_check_int16("dct", c_ref + GUARD, c_new + GUARD, 64) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before dct") ||
            checkasm_guard_check(c_new + GUARD + 64, GUARD * sizeof(int16_t), "after dct"))
            break;
    }
    CHECKASM_BENCH(dsp->sub8x8_dct((int16_t(*)[16])c_new, src, 16, pred, 32));
}

static void check_add8x8_idct(const dct_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->add8x8_idct, "add8x8_idct")))
        return;
    typeof(dsp->add8x8_idct) ref = (typeof(dsp->add8x8_idct))ref_fn;
    checkasm_rect d_ref, d_new;
    int16_t c[4][16], c_copy[4][16];
    for (int i = 0; i < ITERATIONS; i++) {
        checkasm_rect_init(&d_ref, 8, 8, 0);
        checkasm_rect_init(&d_new, 8, 8, d_ref.stride);
        checkasm_rect_randomize(&d_ref);
        if (i % 8 == 1) /* saturate at both ends of the pixel range */
            for (int y = 0; y < 8; y++)
                memset(d_ref.pix + y * d_ref.stride, i & 8 ? 0 : 255, 8);
        checkasm_rect_copy(&d_new, &d_ref);
        fill_coeffs(c[0], 64, i);
        if (i % 4 == 3) /* the encoder clears the blocks it does not code */
            memset(c[checkasm_rand_range(0, 3)], 0, sizeof(c[0]));
        memcpy(c_copy, c, sizeof(c));
        ref(d_ref.pix, d_ref.stride, (const int16_t(*)[16])c);
        dsp->add8x8_idct(d_new.pix, d_new.stride, (const int16_t(*)[16])c);
        const int bad = checkasm_rect_check(&d_ref, &d_new, "dst") ||
                        checkasm_check_int16("dct (must stay unchanged)", c_copy[0], c[0], 64);
        checkasm_rect_free(&d_ref);
        checkasm_rect_free(&d_new);
        if (bad)
            break;
    }
    uint8_t dst[8 * 32] = { 0 };
    fill_coeffs(c[0], 64, 8);
    CHECKASM_BENCH(dsp->add8x8_idct(dst, 32, (const int16_t(*)[16])c));
}

typedef void (*inplace_fn)(int16_t *c);

static void check_inplace(inplace_fn fn, const char *name, int n)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(fn, "%s", name)))
        return;
    const inplace_fn ref = (inplace_fn)ref_fn;
    int16_t c_ref[16 + 2 * GUARD], c_new[16 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        fill_coeffs(c_ref + GUARD, n, i);
        memcpy(c_new, c_ref, sizeof(c_ref));
        ref(c_ref + GUARD);
        fn(c_new + GUARD);
        if (checkasm_check_int16(name, c_ref + GUARD, c_new + GUARD, (size_t)n) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before block") ||
            checkasm_guard_check(c_new + GUARD + n, GUARD * sizeof(int16_t), "after block"))
            break;
    }
    CHECKASM_BENCH(fn(c_new + GUARD));
}

static void check_zigzag(const dct_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->zigzag_scan_4x4, "zigzag_scan_4x4")))
        return;
    typeof(dsp->zigzag_scan_4x4) ref = (typeof(dsp->zigzag_scan_4x4))ref_fn;
    int16_t in[16], out_ref[16 + 2 * GUARD], out_new[16 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        fill_coeffs(in, 16, i);
        checkasm_guard_fill(out_ref, sizeof(out_ref));
        checkasm_guard_fill(out_new, sizeof(out_new));
        ref(out_ref + GUARD, in);
        dsp->zigzag_scan_4x4(out_new + GUARD, in);
        if (checkasm_check_int16("out", out_ref + GUARD, out_new + GUARD, 16) ||
            checkasm_guard_check(out_new, GUARD * sizeof(int16_t), "before out") ||
            checkasm_guard_check(out_new + GUARD + 16, GUARD * sizeof(int16_t), "after out"))
            break;
    }
    CHECKASM_BENCH(dsp->zigzag_scan_4x4(out_new, in));
}

void checkasm_check_dct(void)
{
    dct_dsp dsp;
    dct_dsp_init(&dsp, checkasm_cpu_flags());
    check_sub4x4_dct(&dsp);
    check_add4x4_idct(&dsp);
    check_sub8x8_dct(&dsp);
    check_add8x8_idct(&dsp);
    check_inplace(dsp.dct4x4dc, "dct4x4dc", 16);
    check_inplace(dsp.idct4x4dc, "idct4x4dc", 16);
    check_inplace(dsp.idct2x2dc, "idct2x2dc", 4);
    check_zigzag(&dsp);
}
