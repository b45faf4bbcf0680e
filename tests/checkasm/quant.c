/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for quant_dsp. Quantisation gets any int16 coefficient with the
 * encoder's real factors and with random ones inside the range x86/quant.h
 * documents (uint16 mf, bias < 2^31, qbits 1..31); dequantisation gets the
 * normative factors at every qp and random factors below 128 (so the
 * scale stays under 2^15 up to qp 53).
 */
#include <string.h>

#include "checkasm.h"
#include "quant.h"

#define ITERATIONS 200
#define GUARD 8

static void fill_coeffs(int16_t *c, int n, int iteration)
{
    const int sparse = iteration & 2;
    for (int i = 0; i < n; i++) {
        if (iteration < 3)
            c[i] = iteration == 0 ? INT16_MAX : iteration == 1 ? INT16_MIN : (i & 1 ? INT16_MIN : INT16_MAX);
        else if (sparse && checkasm_rand_range(0, 3))
            c[i] = 0;
        else
            c[i] = (int16_t)(iteration & 1 ? checkasm_rand_range(INT16_MIN, INT16_MAX)
                                           : checkasm_rand_range(-300, 300));
    }
}

/* Parameters the encoder uses, or anything in the documented range. */
static void pick_quant_params(const quant_tables *t, int iteration, uint16_t mf[16],
                              uint32_t *bias, int *qbits, int dc)
{
    if (iteration & 4) {
        for (int i = 0; i < 16; i++)
            mf[i] = (uint16_t)checkasm_rand();
        *qbits = checkasm_rand_range(1, 31);
        *bias = checkasm_rand() & 0x7fffffffu;
        if (checkasm_rand() & 1)
            *bias &= (1u << *qbits) - 1;
    } else {
        const int qp = checkasm_rand_range(0, QP_MAX);
        memcpy(mf, t->mf[qp % 6], 16 * sizeof(uint16_t));
        *qbits = (dc ? 16 : 15) + qp / 6;
        *bias = quant_bias(*qbits, checkasm_rand() & 1);
    }
}

/* The three quantisers of one block: AC and luma DC (16 values, the AC
 * one with a factor per position) and chroma DC (4 values). */
enum quant_kind { QUANT_AC, QUANT_DC_4x4, QUANT_DC_2x2 };

typedef int (*quant_dc_fn)(int16_t *dc, uint16_t mf, uint32_t bias, int qbits);

static void check_quant(const quant_dsp *dsp, const quant_tables *t, enum quant_kind kind)
{
    static const char *const names[] = { "quant_4x4", "quant_4x4_dc", "quant_2x2_dc" };
    const quant_dc_fn dc_fn = kind == QUANT_DC_2x2 ? dsp->quant_2x2_dc : dsp->quant_4x4_dc;
    const int dc = kind != QUANT_AC, n = kind == QUANT_DC_2x2 ? 4 : 16;
    checkasm_func ref_fn;
    if (!(ref_fn = dc ? check_func(dc_fn, "%s", names[kind]) : check_func(dsp->quant_4x4, "%s", names[kind])))
        return;
    int16_t c_ref[16 + 2 * GUARD], c_new[16 + 2 * GUARD];
    uint16_t mf[16];
    uint32_t bias;
    int qbits;
    for (int i = 0; i < ITERATIONS; i++) {
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        fill_coeffs(c_ref + GUARD, n, i);
        memcpy(c_new, c_ref, sizeof(c_ref));
        pick_quant_params(t, i, mf, &bias, &qbits, dc);
        int nz_ref, nz_new;
        if (dc) {
            nz_ref = ((quant_dc_fn)ref_fn)(c_ref + GUARD, mf[0], bias, qbits);
            nz_new = dc_fn(c_new + GUARD, mf[0], bias, qbits);
        } else {
            nz_ref = ((typeof(dsp->quant_4x4))ref_fn)(c_ref + GUARD, mf, bias, qbits);
            nz_new = dsp->quant_4x4(c_new + GUARD, mf, bias, qbits);
        }
        if (checkasm_check_int16("levels", c_ref + GUARD, c_new + GUARD, (size_t)n) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before block") ||
            checkasm_guard_check(c_new + GUARD + n, GUARD * sizeof(int16_t), "after block"))
            break;
        if (!nz_ref != !nz_new) {
            checkasm_fail("returned %d, expected %d (mf %u, bias %u, qbits %d)", nz_new, nz_ref,
                          mf[0], bias, qbits);
            break;
        }
    }
    pick_quant_params(t, 0, mf, &bias, &qbits, dc);
    fill_coeffs(c_new, n, 4);
    if (dc)
        CHECKASM_BENCH(dc_fn(c_new, mf[0], bias, qbits));
    else
        CHECKASM_BENCH(dsp->quant_4x4(c_new, mf, bias, qbits));
}

/* The four blocks of an 8x8 with guard bands around all of them; each
 * block gets its own fill, so masks with every pattern of zero blocks
 * occur (sparse fills often quantise to nothing). */
static void check_quant_4x4x4(const quant_dsp *dsp, const quant_tables *t)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->quant_4x4x4, "quant_4x4x4")))
        return;
    int16_t c_ref[64 + 2 * GUARD], c_new[64 + 2 * GUARD];
    uint16_t mf[16];
    uint32_t bias;
    int qbits;
    for (int i = 0; i < ITERATIONS; i++) {
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        for (int b = 0; b < 4; b++)
            fill_coeffs(c_ref + GUARD + 16 * b, 16, i < 3 ? i : checkasm_rand_range(3, ITERATIONS));
        memcpy(c_new, c_ref, sizeof(c_ref));
        pick_quant_params(t, i, mf, &bias, &qbits, 0);
        const int mask_ref = ((typeof(dsp->quant_4x4x4))ref_fn)((int16_t(*)[16])(c_ref + GUARD), mf, bias, qbits);
        const int mask_new = dsp->quant_4x4x4((int16_t(*)[16])(c_new + GUARD), mf, bias, qbits);
        if (checkasm_check_int16("levels", c_ref + GUARD, c_new + GUARD, 64) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before blocks") ||
            checkasm_guard_check(c_new + GUARD + 64, GUARD * sizeof(int16_t), "after blocks"))
            break;
        if (mask_ref != mask_new) {
            checkasm_fail("returned mask %#x, expected %#x (mf %u, bias %u, qbits %d)", mask_new, mask_ref, mf[0],
                          bias, qbits);
            break;
        }
    }
    pick_quant_params(t, 0, mf, &bias, &qbits, 0);
    fill_coeffs(c_new, 64, 4);
    CHECKASM_BENCH(dsp->quant_4x4x4((int16_t(*)[16])c_new, mf, bias, qbits));
}

static void check_dequant(const quant_dsp *dsp, const quant_tables *t, int dc)
{
    checkasm_func ref_fn;
    if (!(ref_fn = dc ? check_func(dsp->dequant_4x4_dc, "dequant_4x4_dc")
                      : check_func(dsp->dequant_4x4, "dequant_4x4")))
        return;
    int16_t c_ref[16 + 2 * GUARD], c_new[16 + 2 * GUARD];
    uint8_t v[16];
    for (int i = 0; i < ITERATIONS; i++) {
        const int qp = i < 2 * (QP_MAX + 1) ? i % (QP_MAX + 1) : checkasm_rand_range(0, QP_MAX);
        if (i & 1)
            memcpy(v, t->dequant[qp % 6], sizeof(v));
        else
            for (int k = 0; k < 16; k++)
                v[k] = (uint8_t)checkasm_rand_range(0, 127);
        checkasm_guard_fill(c_ref, sizeof(c_ref));
        fill_coeffs(c_ref + GUARD, 16, i);
        memcpy(c_new, c_ref, sizeof(c_ref));
        if (dc) {
            ((typeof(dsp->dequant_4x4_dc))ref_fn)(c_ref + GUARD, v[0], qp);
            dsp->dequant_4x4_dc(c_new + GUARD, v[0], qp);
        } else {
            ((typeof(dsp->dequant_4x4))ref_fn)(c_ref + GUARD, v, qp);
            dsp->dequant_4x4(c_new + GUARD, v, qp);
        }
        if (checkasm_check_int16("coefficients", c_ref + GUARD, c_new + GUARD, 16) ||
            checkasm_guard_check(c_new, GUARD * sizeof(int16_t), "before block") ||
            checkasm_guard_check(c_new + GUARD + 16, GUARD * sizeof(int16_t), "after block")) {
            checkasm_fail("at qp %d, dequant[0] %d", qp, v[0]);
            break;
        }
    }
    fill_coeffs(c_new, 16, 4);
    if (dc)
        CHECKASM_BENCH(dsp->dequant_4x4_dc(c_new, 16, 0));
    else
        CHECKASM_BENCH(dsp->dequant_4x4(c_new, t->dequant[0], 0));
}

typedef int (*scan_fn)(const int16_t coeffs[16]);

static void check_scan(scan_fn fn, const char *name)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(fn, "%s", name)))
        return;
    const scan_fn ref = (scan_fn)ref_fn;
    int16_t c[16];
    for (int i = 0; i < ITERATIONS; i++) {
        if (i < 17) { /* all zero, then a single nonzero at each position */
            memset(c, 0, sizeof(c));
            if (i)
                c[i - 1] = (int16_t)(i & 1 ? INT16_MIN : 256);
        } else {
            for (int k = 0; k < 16; k++)
                c[k] = checkasm_rand_range(0, 2) ? 0 : (int16_t)checkasm_rand_range(INT16_MIN, INT16_MAX);
        }
        const int expect = ref(c), got = fn(c);
        if (expect != got) {
            checkasm_fail("got %d, expected %d", got, expect);
            break;
        }
    }
    CHECKASM_BENCH(fn(c));
}

void checkasm_check_quant(void)
{
    quant_tables t;
    quant_tables_init(&t);
    quant_dsp dsp;
    quant_dsp_init(&dsp, checkasm_cpu_flags());
    check_quant(&dsp, &t, QUANT_AC);
    check_quant(&dsp, &t, QUANT_DC_4x4);
    check_quant(&dsp, &t, QUANT_DC_2x2);
    check_quant_4x4x4(&dsp, &t);
    check_dequant(&dsp, &t, 0);
    check_dequant(&dsp, &t, 1);
    check_scan(dsp.coeff_last_16, "coeff_last_16");
    check_scan(dsp.count_nonzero_16, "count_nonzero_16");
}
