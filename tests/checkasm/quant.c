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

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/quant.h"

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

/* The two quantisers of one block of 16 values: AC (a factor per
 * position) and luma DC. */
enum quant_kind { QUANT_AC, QUANT_DC_4x4 };

typedef int (*quant_dc_fn)(int16_t *dc, uint16_t mf, uint32_t bias, int qbits);

static void check_quant(const quant_dsp *dsp, const quant_tables *t, enum quant_kind kind)
{
    static const char *const names[] = { "quant_4x4", "quant_4x4_dc" };
    const quant_dc_fn dc_fn = dsp->quant_4x4_dc;
    const int dc = kind != QUANT_AC, n = 16;
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

/* The chroma DC of an 8x8 block from its four 4x4 blocks: the DCs at their
 * extremes (+-4080, the 16 sample differences of 255 they sum) and
 * random within them, the rest of the blocks random (the kernel must not
 * read them into the result); the output has guard bands. */
static void check_quant_chroma_dc(const quant_dsp *dsp, const quant_tables *t)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->quant_chroma_dc, "quant_chroma_dc")))
        return;
    int16_t blocks[4][16], out_ref[4 + 2 * GUARD], out_new[4 + 2 * GUARD];
    uint16_t mf[16];
    uint32_t bias;
    int qbits;
    for (int i = 0; i < ITERATIONS; i++) {
        fill_coeffs(&blocks[0][0], 64, i + 3);
        for (int b = 0; b < 4; b++)
            blocks[b][0] = (int16_t)(i < 2 ? (i ? -4080 : 4080)
                                     : i < 4 ? ((b ^ i) & 1 ? -4080 : 4080)
                                             : checkasm_rand_range(i & 8 ? -64 : -4080, i & 8 ? 64 : 4080));
        checkasm_guard_fill(out_ref, sizeof(out_ref));
        memcpy(out_new, out_ref, sizeof(out_ref));
        pick_quant_params(t, i, mf, &bias, &qbits, 1);
        const int nz_ref = ((typeof(dsp->quant_chroma_dc))ref_fn)(out_ref + GUARD, (const int16_t(*)[16])blocks,
                                                                   mf[0], bias, qbits);
        const int nz_new = dsp->quant_chroma_dc(out_new + GUARD, (const int16_t(*)[16])blocks, mf[0], bias, qbits);
        if (checkasm_check_int16("levels", out_ref + GUARD, out_new + GUARD, 4) ||
            checkasm_guard_check(out_new, GUARD * sizeof(int16_t), "before dc") ||
            checkasm_guard_check(out_new + GUARD + 4, GUARD * sizeof(int16_t), "after dc"))
            break;
        if (!nz_ref != !nz_new) {
            checkasm_fail("returned %d, expected %d (mf %u, bias %u, qbits %d)", nz_new, nz_ref, mf[0], bias, qbits);
            break;
        }
    }
    /* Timed over 64 blocks of random DCs in turn: the encoder's DCs have
     * random signs and sizes, so a kernel that branches on them pays the
     * mispredictions a single repeated input would hide. */
    static int16_t sets[64][4][16];
    for (int i = 0; i < 64; i++)
        for (int b = 0; b < 4; b++)
            sets[i][b][0] = (int16_t)checkasm_rand_range(-600, 600);
    pick_quant_params(t, 0, mf, &bias, &qbits, 1);
    unsigned next = 0;
    CHECKASM_BENCH(dsp->quant_chroma_dc(out_new + GUARD, (const int16_t(*)[16])sets[next++ & 63], mf[0], bias, qbits));
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
    check_quant_chroma_dc(&dsp, &t);
    check_quant_4x4x4(&dsp, &t);
    check_dequant(&dsp, &t, 0);
    check_dequant(&dsp, &t, 1);
    check_scan(dsp.coeff_last_16, "coeff_last_16");
    check_scan(dsp.count_nonzero_16, "count_nonzero_16");
}
