/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for dct8_dsp: the forward and inverse 8x8 transforms, SA8D,
 * 8x8 quantisation and dequantisation, and the 8x8 zigzag. Pixel inputs
 * cover the extremes; the inverse transform gets what a stream can carry
 * (x86/dct8x8.h): the dequantised transform of a residual, at every QP.
 */
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/dct8x8.h"
#include "cpu_fallback/dsp/quant.h"

#define ITERATIONS 64
#define GUARD 8

static void fill_pixels(uint8_t *src, uint8_t *pred, size_t size, int iteration)
{
    if (iteration < 2) {
        memset(src, iteration ? 0 : 255, size);
        memset(pred, iteration ? 255 : 0, size);
    } else if (iteration < 4) {
        for (size_t i = 0; i < size; i++) {
            src[i] = (i ^ (i >> 6) ^ (size_t)iteration) & 1 ? 255 : 0;
            pred[i] = (uint8_t)(255 - src[i]);
        }
    } else {
        checkasm_fill_random(src, size);
        checkasm_fill_random(pred, size);
        if (iteration & 1) /* small residuals, as most blocks have */
            for (size_t i = 0; i < size; i++)
                pred[i] = (uint8_t)(src[i] + checkasm_rand_range(-8, 8));
    }
}

static void check_sub8x8_dct8(const dct8_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->sub8x8_dct8, "sub8x8_dct8")))
        return;
    typeof(dsp->sub8x8_dct8) ref = (typeof(dsp->sub8x8_dct8))ref_fn;
    uint8_t src[8 * 64], pred[8 * 64];
    int16_t c_ref[64 + 2 * GUARD], c_new[64 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        fill_pixels(src, pred, sizeof(src), i);
        const ptrdiff_t ss = checkasm_rand_range(8, 64), ps = checkasm_rand_range(8, 64);
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        checkasm_guard_fill(c_new, sizeof(c_new));
        ref(c_ref + GUARD, src, ss, pred, ps);
        dsp->sub8x8_dct8(c_new + GUARD, src, ss, pred, ps);
        if (checkasm_check_int16("dct", c_ref + GUARD, c_new + GUARD, 64) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before dct") ||
            checkasm_guard_check(c_new + GUARD + 64, GUARD * sizeof(int16_t), "after dct"))
            break;
    }
    CHECKASM_BENCH(dsp->sub8x8_dct8(c_new, src, 64, pred, 64));
}

/* Coefficients a stream can carry: a residual's transform, quantised and
 * dequantised at qp with the C kernels. */
static void stream_coeffs(int16_t c[64], int qp, int iteration)
{
    dct8_dsp ref;
    quant8_tables t;
    dct8_dsp_init(&ref, 0);
    quant8_tables_init(&t);
    uint8_t src[64], pred[64];
    fill_pixels(src, pred, sizeof(src), iteration);
    ref.sub8x8_dct8(c, src, 8, pred, 8);
    ref.quant_8x8(c, t.mf[qp % 6], (1u << (16 + qp / 6)) / 3, 16 + qp / 6);
    ref.dequant_8x8(c, t.dequant[qp % 6], qp);
}

static void check_add8x8_idct8(const dct8_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->add8x8_idct8, "add8x8_idct8")))
        return;
    typeof(dsp->add8x8_idct8) ref = (typeof(dsp->add8x8_idct8))ref_fn;
    checkasm_rect d_ref, d_new;
    int16_t c[64], c_copy[64];
    for (int i = 0; i < 2 * ITERATIONS; i++) {
        checkasm_rect_init(&d_ref, 8, 8, 0);
        checkasm_rect_init(&d_new, 8, 8, d_ref.stride);
        checkasm_rect_randomize(&d_ref);
        if (i % 8 == 1)
            for (int y = 0; y < 8; y++)
                memset(d_ref.pix + y * d_ref.stride, i & 8 ? 0 : 255, 8);
        checkasm_rect_copy(&d_new, &d_ref);
        stream_coeffs(c, i % (QP_MAX + 1), i);
        memcpy(c_copy, c, sizeof(c));
        ref(d_ref.pix, d_ref.stride, c);
        dsp->add8x8_idct8(d_new.pix, d_new.stride, c);
        const int bad = checkasm_rect_check(&d_ref, &d_new, "dst") ||
                        checkasm_check_int16("dct (must stay unchanged)", c_copy, c, 64);
        checkasm_rect_free(&d_ref);
        checkasm_rect_free(&d_new);
        if (bad)
            break;
    }
    uint8_t dst[8 * 32] = { 0 };
    stream_coeffs(c, 20, 5);
    CHECKASM_BENCH(dsp->add8x8_idct8(dst, 32, c));
}

static void check_sa8d(const dct8_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->sa8d_8x8, "sa8d_8x8")))
        return;
    typeof(dsp->sa8d_8x8) ref = (typeof(dsp->sa8d_8x8))ref_fn;
    uint8_t a[8 * 64], b[8 * 64];
    for (int i = 0; i < ITERATIONS; i++) {
        fill_pixels(a, b, sizeof(a), i);
        const ptrdiff_t sa = checkasm_rand_range(8, 64), sb = checkasm_rand_range(8, 64);
        const int r = ref(a, sa, b, sb), n = dsp->sa8d_8x8(a, sa, b, sb);
        if (r != n) {
            checkasm_fail("got %d, expected %d", n, r);
            break;
        }
    }
    CHECKASM_BENCH(dsp->sa8d_8x8(a, 64, b, 64));
}

static void check_quant_8x8(const dct8_dsp *dsp, const quant8_tables *t)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->quant_8x8, "quant_8x8")))
        return;
    typeof(dsp->quant_8x8) ref = (typeof(dsp->quant_8x8))ref_fn;
    int16_t c_ref[64 + 2 * GUARD], c_new[64 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        const int qp = i < QP_MAX + 1 ? i : checkasm_rand_range(0, QP_MAX), qbits = 16 + qp / 6;
        const uint32_t bias = i & 1 ? (1u << qbits) / 3 : (1u << qbits) / 6;
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        for (int k = 0; k < 64; k++)
            c_ref[GUARD + k] = (int16_t)(i == 0   ? INT16_MAX
                                         : i == 1 ? INT16_MIN
                                         : i & 2  ? checkasm_rand_range(INT16_MIN, INT16_MAX)
                                                  : checkasm_rand_range(-300, 300));
        memcpy(c_new, c_ref, sizeof(c_ref));
        const int nz_ref = ref(c_ref + GUARD, t->mf[qp % 6], bias, qbits);
        const int nz_new = dsp->quant_8x8(c_new + GUARD, t->mf[qp % 6], bias, qbits);
        if (checkasm_check_int16("levels", c_ref + GUARD, c_new + GUARD, 64) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before block") ||
            checkasm_guard_check(c_new + GUARD + 64, GUARD * sizeof(int16_t), "after block"))
            break;
        if (!nz_ref != !nz_new) {
            checkasm_fail("returned %d, expected %d (qp %d)", nz_new, nz_ref, qp);
            break;
        }
    }
    for (int k = 0; k < 64; k++)
        c_new[k] = (int16_t)checkasm_rand_range(-300, 300);
    CHECKASM_BENCH(dsp->quant_8x8(c_new, t->mf[4], (1u << 20) / 6, 20));
}

static void check_dequant_8x8(const dct8_dsp *dsp, const quant8_tables *t)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->dequant_8x8, "dequant_8x8")))
        return;
    typeof(dsp->dequant_8x8) ref = (typeof(dsp->dequant_8x8))ref_fn;
    int16_t c_ref[64], c_new[64];
    for (int i = 0; i < ITERATIONS; i++) {
        const int qp = i % (QP_MAX + 1);
        for (int k = 0; k < 64; k++)
            c_ref[k] = (int16_t)checkasm_rand_range(-2048, 2047);
        memcpy(c_new, c_ref, sizeof(c_ref));
        ref(c_ref, t->dequant[qp % 6], qp);
        dsp->dequant_8x8(c_new, t->dequant[qp % 6], qp);
        if (checkasm_check_int16("coefficients", c_ref, c_new, 64))
            break;
    }
    CHECKASM_BENCH(dsp->dequant_8x8(c_new, t->dequant[2], 26));
}

static void check_zigzag_8x8(const dct8_dsp *dsp)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->zigzag_scan_8x8, "zigzag_scan_8x8")))
        return;
    typeof(dsp->zigzag_scan_8x8) ref = (typeof(dsp->zigzag_scan_8x8))ref_fn;
    int16_t in[64], o_ref[64 + 2 * GUARD], o_new[64 + 2 * GUARD];
    for (int i = 0; i < ITERATIONS; i++) {
        for (int k = 0; k < 64; k++)
            in[k] = (int16_t)checkasm_rand_range(INT16_MIN, INT16_MAX);
        checkasm_guard_fill(o_ref, sizeof(o_ref));
        checkasm_guard_fill(o_new, sizeof(o_new));
        ref(o_ref + GUARD, in);
        dsp->zigzag_scan_8x8(o_new + GUARD, in);
        if (checkasm_check_int16("scan", o_ref + GUARD, o_new + GUARD, 64) ||
            checkasm_guard_check(o_new, GUARD * sizeof(int16_t), "before scan") ||
            checkasm_guard_check(o_new + GUARD + 64, GUARD * sizeof(int16_t), "after scan"))
            break;
    }
    CHECKASM_BENCH(dsp->zigzag_scan_8x8(o_new, in));
}

void checkasm_check_dct8x8(void)
{
    dct8_dsp dsp;
    quant8_tables t;
    dct8_dsp_init(&dsp, checkasm_cpu_flags());
    quant8_tables_init(&t);
    check_sub8x8_dct8(&dsp);
    check_add8x8_idct8(&dsp);
    check_sa8d(&dsp);
    check_quant_8x8(&dsp, &t);
    check_dequant_8x8(&dsp, &t);
    check_zigzag_8x8(&dsp);
}
