/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Tests of the C DSP kernels (pixel, dct, quant, predict) against
 * independent references written here: plain double loops, explicit
 * matrix products and literal transcriptions of the H.264 equations
 * (8.3.1.2, 8.3.3, 8.3.4, 8.5.10, 8.5.11.2, 8.5.12). Random inputs use a
 * fixed seed so failures reproduce. Exit status is nonzero on failure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/dsp/dct.h"
#include "cpu_fallback/dsp/pixel.h"
#include "cpu_fallback/dsp/predict.h"
#include "cpu_fallback/dsp/quant.h"

#include "tests/common/check.h"

/* ---- harness ---- */


static int clip1(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

static int clip_int16(int64_t v)
{
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : (int)v;
}

static int report(const tally *t)
{
    printf("%-10s %6d passed, %d failed\n", t->name, t->pass, t->fail);
    return t->fail != 0;
}

/* ---- pixel ---- */

static const int hadamard[4][4] = {
    { 1, 1, 1, 1 }, { 1, 1, -1, -1 }, { 1, -1, -1, 1 }, { 1, -1, 1, -1 },
};

static int ref_sad(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
{
    int s = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            s += abs(a[y * as + x] - b[y * bs + x]);
    return s;
}

static int ref_ssd(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
{
    int s = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            s += (a[y * as + x] - b[y * bs + x]) * (a[y * as + x] - b[y * bs + x]);
    return s;
}

/* Sum over 4x4 blocks of |H D H^T| by explicit matrix products, halved. */
static int ref_satd(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
{
    int total = 0;
    for (int by = 0; by < h; by += 4)
        for (int bx = 0; bx < w; bx += 4) {
            int d[4][4], hd[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i][j] = a[(by + i) * as + bx + j] - b[(by + i) * bs + bx + j];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    hd[i][j] = 0;
                    for (int k = 0; k < 4; k++)
                        hd[i][j] += hadamard[i][k] * d[k][j];
                }
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    int v = 0;
                    for (int k = 0; k < 4; k++)
                        v += hd[i][k] * hadamard[j][k];
                    total += abs(v);
                }
        }
    return total >> 1;
}

static int test_pixel(rng *r)
{
    tally t = { "pixel", 0, 0 };
    static const int dims[PIXEL_PARTITION_COUNT][2] = {
        { 16, 16 }, { 16, 8 }, { 8, 16 }, { 8, 8 }, { 8, 4 }, { 4, 8 }, { 4, 4 },
    };
    enum { AS = 40, BS = 24 };
    pixel_dsp dsp;
    memset(&dsp, 0, sizeof(dsp));
    pixel_dsp_init(&dsp, 0);

    for (int p = 0; p < PIXEL_PARTITION_COUNT; p++) {
        CHECK(&t, pixel_partition_width[p] == dims[p][0] &&
                  pixel_partition_height[p] == dims[p][1], "partition %d size", p);
        CHECK(&t, dsp.sad[p] && dsp.satd[p] && dsp.ssd[p], "partition %d null fn", p);
    }
    if (t.fail)
        return report(&t);

    /* Exact-size heap buffers so ASan catches reads past the block. */
    uint8_t *a = malloc(15 * AS + 16), *b = malloc(15 * BS + 16);
    if (!a || !b) {
        free(a);
        free(b);
        CHECK(&t, 0, "out of memory");
        return report(&t);
    }
    for (int iter = 0; iter < 400; iter++) {
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++) {
                int va, vb;
                switch (iter) {
                case 0: va = 0; vb = 0; break;
                case 1: va = 255; vb = 255; break;
                case 2: va = 255; vb = 0; break;
                case 3: va = 0; vb = 255; break;
                case 4: va = ((x + y) & 1) * 255; vb = 255 - va; break;
                case 5: va = (x & 1) * 255; vb = (y & 1) * 255; break;
                default: va = rng_range(r, 0, 255); vb = rng_range(r, 0, 255); break;
                }
                a[y * AS + x] = (uint8_t)va;
                b[y * BS + x] = (uint8_t)vb;
            }
        for (int p = 0; p < PIXEL_PARTITION_COUNT; p++) {
            const int w = dims[p][0], h = dims[p][1];
            /* Place the block so its last row ends the buffer. */
            const uint8_t *pa = a + (16 - h) * AS, *pb = b + (16 - h) * BS;
            int got = dsp.sad[p](pa, AS, pb, BS), want = ref_sad(pa, AS, pb, BS, w, h);
            CHECK(&t, got == want, "sad %dx%d iter %d: %d != %d", w, h, iter, got, want);
            got = dsp.ssd[p](pa, AS, pb, BS);
            want = ref_ssd(pa, AS, pb, BS, w, h);
            CHECK(&t, got == want, "ssd %dx%d iter %d: %d != %d", w, h, iter, got, want);
            got = dsp.satd[p](pa, AS, pb, BS);
            want = ref_satd(pa, AS, pb, BS, w, h);
            CHECK(&t, got == want, "satd %dx%d iter %d: %d != %d", w, h, iter, got, want);
        }
    }
    free(a);
    free(b);
    return report(&t);
}

/* ---- transforms ---- */

static const int core_fwd[4][4] = {
    { 1, 1, 1, 1 }, { 2, 1, -1, -2 }, { 1, -1, -1, 1 }, { 1, -2, 2, -1 },
};

/* Y = Cf X Cf^T by explicit products. */
static void ref_fdct(int y[4][4], const int x[4][4])
{
    int tmp[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            tmp[i][j] = 0;
            for (int k = 0; k < 4; k++)
                tmp[i][j] += core_fwd[i][k] * x[k][j];
        }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            y[i][j] = 0;
            for (int k = 0; k < 4; k++)
                y[i][j] += tmp[i][k] * core_fwd[j][k];
        }
}

/* Literal 8.5.12.2 (equations 8-338..8-346) followed by 8.5.14's
 * u = Clip1(pred + r), with sample (x = j, y = i). */
static void ref_idct_add(uint8_t *dst, int stride, const int16_t c[16])
{
    int d[4][4], e[4][4], f[4][4], g[4][4], h[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            d[i][j] = c[4 * i + j];
    for (int i = 0; i < 4; i++) {
        e[i][0] = d[i][0] + d[i][2];
        e[i][1] = d[i][0] - d[i][2];
        e[i][2] = (d[i][1] >> 1) - d[i][3];
        e[i][3] = d[i][1] + (d[i][3] >> 1);
    }
    for (int i = 0; i < 4; i++) {
        f[i][0] = e[i][0] + e[i][3];
        f[i][1] = e[i][1] + e[i][2];
        f[i][2] = e[i][1] - e[i][2];
        f[i][3] = e[i][0] - e[i][3];
    }
    for (int j = 0; j < 4; j++) {
        g[0][j] = f[0][j] + f[2][j];
        g[1][j] = f[0][j] - f[2][j];
        g[2][j] = (f[1][j] >> 1) - f[3][j];
        g[3][j] = f[1][j] + (f[3][j] >> 1);
    }
    for (int j = 0; j < 4; j++) {
        h[0][j] = g[0][j] + g[3][j];
        h[1][j] = g[1][j] + g[2][j];
        h[2][j] = g[1][j] - g[2][j];
        h[3][j] = g[0][j] - g[3][j];
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            dst[i * stride + j] = (uint8_t)clip1(dst[i * stride + j] + ((h[i][j] + 32) >> 6));
}

/* A X A with the 8.5.10 matrix (symmetric). */
static void ref_hadamard(int y[16], const int x[16])
{
    int tmp[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            tmp[i][j] = 0;
            for (int k = 0; k < 4; k++)
                tmp[i][j] += hadamard[i][k] * x[4 * k + j];
        }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            y[4 * i + j] = 0;
            for (int k = 0; k < 4; k++)
                y[4 * i + j] += tmp[i][k] * hadamard[k][j];
        }
}

static void fill_residual_block(rng *r, int iter, uint8_t *src, int src_stride,
                                uint8_t *pred, int pred_stride)
{
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
            int s, p;
            switch (iter) {
            case 0: s = 0; p = 0; break;
            case 1: s = 255; p = 0; break;
            case 2: s = 0; p = 255; break;
            case 3: s = ((x + y) & 1) * 255; p = 255 - s; break;
            case 4: s = 255; p = 255; break;
            default: s = rng_range(r, 0, 255); p = rng_range(r, 0, 255); break;
            }
            src[y * src_stride + x] = (uint8_t)s;
            pred[y * pred_stride + x] = (uint8_t)p;
        }
}

static int test_dct(rng *r)
{
    tally t = { "dct", 0, 0 };
    enum { SS = 12, PS = 20 };
    dct_dsp dsp;
    quant_dsp qdsp;
    memset(&dsp, 0, sizeof(dsp));
    dct_dsp_init(&dsp, 0);
    quant_dsp_init(&qdsp, 0);

    /* Frame zigzag: anti-diagonals d = x + y, odd ones walked with x
     * decreasing, even ones with x increasing (Figure 8-8). */
    {
        int n = 0, want[16];
        for (int d = 0; d <= 6; d++)
            for (int k = 0; k <= d; k++) {
                const int x = (d & 1) ? d - k : k, y = d - x;
                if (x < 4 && y < 4)
                    want[n++] = 4 * y + x;
            }
        int16_t in[16], out[16];
        for (int i = 0; i < 16; i++)
            in[i] = (int16_t)(100 + i);
        dsp.zigzag_scan_4x4(out, in);
        for (int i = 0; i < 16; i++) {
            CHECK(&t, zigzag_scan_4x4[i] == want[i], "zigzag[%d] = %d, want %d",
                  i, zigzag_scan_4x4[i], want[i]);
            CHECK(&t, out[i] == 100 + want[i], "zigzag_scan_4x4 out[%d]", i);
        }
    }

    uint8_t src[4 * SS], pred[4 * PS];
    for (int iter = 0; iter < 3000; iter++) {
        fill_residual_block(r, iter, src, SS, pred, PS);
        int x[4][4], y[4][4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                x[i][j] = src[i * SS + j] - pred[i * PS + j];
        ref_fdct(y, x);
        int16_t dct[16];
        dsp.sub4x4_dct(dct, src, SS, pred, PS);
        int ok = 1;
        for (int i = 0; i < 16; i++)
            ok &= dct[i] == y[i >> 2][i & 3];
        CHECK(&t, ok, "sub4x4_dct iter %d", iter);
    }

    /* Inverse against the literal 8.5.12.2; coefficients span the range a
     * conforming stream can carry after scaling. */
    for (int iter = 0; iter < 3000; iter++) {
        int16_t c[16], c_copy[16];
        const int range = iter < 1000 ? 64 : iter < 2000 ? 1024 : 8192;
        for (int i = 0; i < 16; i++) {
            switch (iter) {
            case 0: c[i] = 0; break;
            case 1: c[i] = 8191; break;
            case 2: c[i] = -8192; break;
            case 3: c[i] = (int16_t)((i & 1) ? 8191 : -8192); break;
            default: c[i] = (int16_t)rng_range(r, -range, range - 1); break;
            }
        }
        memcpy(c_copy, c, sizeof(c));
        uint8_t got[4 * SS], want[4 * SS];
        for (int i = 0; i < 4 * SS; i++)
            got[i] = want[i] = (uint8_t)(iter == 5 ? 255 : iter == 6 ? 0 : rng_range(r, 0, 255));
        dsp.add4x4_idct(got, SS, c);
        ref_idct_add(want, SS, c);
        CHECK(&t, !memcmp(got, want, sizeof(got)), "add4x4_idct iter %d", iter);
        CHECK(&t, !memcmp(c, c_copy, sizeof(c)), "add4x4_idct modified dct iter %d", iter);
    }

    /* Luma DC Hadamard: forward = (A X A + 1) >> 1, inverse = A X A,
     * inverse(forward(X)) = 8X up to the forward rounding (|err| <= 8). */
    for (int iter = 0; iter < 2000; iter++) {
        int xin[16], ref[16];
        int16_t dc[16];
        for (int i = 0; i < 16; i++) {
            xin[i] = iter == 0 ? 4080 : iter == 1 ? -4080 : iter == 2 ? ((i & 1) ? 4080 : -4080)
                   : rng_range(r, -4080, 4080);
            dc[i] = (int16_t)xin[i];
        }
        ref_hadamard(ref, xin);
        dsp.dct4x4dc(dc);
        int ok = 1;
        for (int i = 0; i < 16; i++)
            ok &= dc[i] == ((ref[i] + 1) >> 1);
        CHECK(&t, ok, "dct4x4dc iter %d", iter);

        int fwd[16], inv[16];
        for (int i = 0; i < 16; i++)
            fwd[i] = dc[i];
        ref_hadamard(inv, fwd);
        dsp.idct4x4dc(dc);
        ok = 1;
        int round_trip = 1;
        for (int i = 0; i < 16; i++) {
            ok &= dc[i] == clip_int16(inv[i]);
            round_trip &= abs(inv[i] - 8 * xin[i]) <= 8;
        }
        CHECK(&t, ok, "idct4x4dc iter %d", iter);
        CHECK(&t, round_trip, "hadamard round trip iter %d", iter);

        /* Inverse on level-sized inputs never saturates. */
        int lv[16], lref[16];
        for (int i = 0; i < 16; i++) {
            lv[i] = rng_range(r, -2048, 2047);
            dc[i] = (int16_t)lv[i];
        }
        ref_hadamard(lref, lv);
        dsp.idct4x4dc(dc);
        ok = 1;
        for (int i = 0; i < 16; i++)
            ok &= dc[i] == lref[i];
        CHECK(&t, ok, "idct4x4dc levels iter %d", iter);
    }

    /* 2x2 chroma DC: [1 1; 1 -1] C [1 1; 1 -1], forward (inside
     * quant_chroma_dc, here with a quantiser that keeps every value: mf 1,
     * no shift) and inverse; applying it twice gives 4C. */
    for (int iter = 0; iter < 2000; iter++) {
        int cm[2][2];
        int16_t dc[4];
        for (int i = 0; i < 4; i++) {
            cm[i >> 1][i & 1] = iter == 0 ? 4080 : iter == 1 ? -4080 : rng_range(r, -4080, 4080);
            dc[i] = (int16_t)cm[i >> 1][i & 1];
        }
        static const int a2[2][2] = { { 1, 1 }, { 1, -1 } };
        int want[2][2];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                want[i][j] = 0;
                for (int k = 0; k < 2; k++)
                    for (int l = 0; l < 2; l++)
                        want[i][j] += a2[i][k] * cm[k][l] * a2[l][j];
            }
        int16_t blocks[4][16] = { { 0 } };
        for (int b = 0; b < 4; b++)
            blocks[b][0] = dc[b];
        qdsp.quant_chroma_dc(dc, (const int16_t(*)[16])blocks, 1, 0, 0);
        int ok = 1;
        for (int i = 0; i < 4; i++)
            ok &= dc[i] == want[i >> 1][i & 1];
        CHECK(&t, ok, "quant_chroma_dc transform iter %d", iter);
        dsp.idct2x2dc(dc);
        ok = 1;
        for (int i = 0; i < 4; i++)
            ok &= dc[i] == 4 * cm[i >> 1][i & 1];
        CHECK(&t, ok, "idct2x2dc(dct2x2dc(x)) != 4x iter %d", iter);
    }
    return report(&t);
}

/* ---- quant ---- */

/* normAdjust4x4 (8-315): v(m, 0) for both coordinates even, v(m, 1) for
 * both odd, v(m, 2) otherwise. Transcribed independently of quant.c. */
static const int spec_v[6][3] = {
    { 10, 16, 13 }, { 11, 18, 14 }, { 13, 20, 16 },
    { 14, 23, 18 }, { 16, 25, 20 }, { 18, 29, 23 },
};

static int spec_level_scale(int m, int i, int j)
{
    const int v = (i % 2 == 0 && j % 2 == 0) ? spec_v[m][0]
                : (i % 2 == 1 && j % 2 == 1) ? spec_v[m][1] : spec_v[m][2];
    return 16 * v; /* weightScale4x4 = Flat_4x4_16 */
}

static int64_t shl(int64_t v, int s)
{
    return v * ((int64_t)1 << s);
}

/* 8.5.12.1 for a coefficient that is not an Intra16x16/chroma DC. */
static int spec_dequant_ac(int c, int qp, int i, int j)
{
    const int64_t ls = spec_level_scale(qp % 6, i, j);
    if (qp >= 24)
        return clip_int16(shl(c * ls, qp / 6 - 4));
    return clip_int16((c * ls + ((int64_t)1 << (3 - qp / 6))) >> (4 - qp / 6));
}

/* 8.5.10 (8-326, 8-327). */
static int spec_dequant_luma_dc(int f, int qp)
{
    const int64_t ls = spec_level_scale(qp % 6, 0, 0);
    if (qp >= 36)
        return clip_int16(shl(f * ls, qp / 6 - 6));
    return clip_int16((f * ls + ((int64_t)1 << (5 - qp / 6))) >> (6 - qp / 6));
}

/* 8.5.11.2 for ChromaArrayType 1 (8-330). */
static int spec_dequant_chroma_dc(int f, int qp)
{
    const int64_t ls = spec_level_scale(qp % 6, 0, 0);
    return clip_int16(shl(f * ls, qp / 6) >> 5);
}

static int ref_quant(int c, int mf, uint32_t bias, int qbits)
{
    const int64_t mag = llabs((int64_t)c);
    const int64_t level = (mag * mf + bias) / ((int64_t)1 << qbits);
    return clip_int16(c < 0 ? -level : level);
}

/* Random level whose dequantised value fits int16 in most cases; one in
 * eight draws is unconstrained to exercise saturation. */
static int random_level(rng *r, int scale)
{
    if (rng_range(r, 0, 7) == 0)
        return rng_range(r, INT16_MIN, INT16_MAX);
    const int lim = 32767 / scale;
    return rng_range(r, -lim, lim);
}

static int test_quant(rng *r)
{
    tally t = { "quant", 0, 0 };
    quant_tables qt;
    quant_dsp dsp;
    memset(&dsp, 0, sizeof(dsp));
    quant_tables_init(&qt);
    quant_dsp_init(&dsp, 0);

    /* Tables: dequant matches the spec transcription; MF * v is 2^17 times
     * the squared-norm ratio of the position class (1, 0.64, 0.8), which
     * independently pins every MF entry to its position class. */
    for (int m = 0; m < 6; m++)
        for (int i = 0; i < 16; i++) {
            const int row = i >> 2, col = i & 3;
            CHECK(&t, qt.dequant[m][i] * 16 == spec_level_scale(m, row, col),
                  "dequant table m=%d i=%d", m, i);
            const double w = (row % 2 == 0 && col % 2 == 0) ? 1.0
                           : (row % 2 == 1 && col % 2 == 1) ? 0.64 : 0.8;
            const double ratio = qt.mf[m][i] * (double)qt.dequant[m][i] / (131072.0 * w);
            CHECK(&t, fabs(ratio - 1.0) < 3e-4, "mf table m=%d i=%d ratio %f", m, i, ratio);
        }

    /* Quantisers against the formula, full int16 range. */
    for (int iter = 0; iter < 3000; iter++) {
        const int qp = iter % (QP_MAX + 1), intra = (iter / 52) & 1;
        const int qbits = 15 + qp / 6, qbits_dc = 16 + qp / 6;
        const uint32_t bias = quant_bias(qbits, intra), bias_dc = quant_bias(qbits_dc, intra);
        int16_t c[16], dc[16], dc2[4], chroma_blocks[4][16] = { { 0 } };
        int in[16];
        for (int i = 0; i < 16; i++) {
            in[i] = iter < 52 ? (i & 1 ? INT16_MIN : INT16_MAX)
                  : iter < 104 ? 0 : rng_range(r, INT16_MIN, INT16_MAX);
            if (iter >= 104 && (iter & 3) == 0)
                in[i] >>= 8; /* small values: the dead zone matters */
            c[i] = dc[i] = (int16_t)in[i];
        }
        /* Chroma DCs are 4x4 sums of sample differences, within +-4080. */
        int chroma_in[4];
        for (int b = 0; b < 4; b++) {
            const int v = in[b] / 8;
            chroma_in[b] = v < -4080 ? -4080 : v > 4080 ? 4080 : v;
            chroma_blocks[b][0] = (int16_t)chroma_in[b];
        }
        const int chroma_t[4] = { chroma_in[0] + chroma_in[1] + chroma_in[2] + chroma_in[3],
                                  chroma_in[0] - chroma_in[1] + chroma_in[2] - chroma_in[3],
                                  chroma_in[0] + chroma_in[1] - chroma_in[2] - chroma_in[3],
                                  chroma_in[0] - chroma_in[1] - chroma_in[2] + chroma_in[3] };
        const int nz = dsp.quant_4x4(c, qt.mf[qp % 6], bias, qbits);
        const int nz_dc = dsp.quant_4x4_dc(dc, qt.mf[qp % 6][0], bias_dc, qbits_dc);
        const int nz_dc2 = dsp.quant_chroma_dc(dc2, (const int16_t(*)[16])chroma_blocks, qt.mf[qp % 6][0], bias_dc,
                                               qbits_dc);
        int ok = 1, ok_dc = 1, ok_dc2 = 1, any = 0, any_dc = 0, any_dc2 = 0;
        for (int i = 0; i < 16; i++) {
            const int want = ref_quant(in[i], qt.mf[qp % 6][i], bias, qbits);
            const int want_dc = ref_quant(in[i], qt.mf[qp % 6][0], bias_dc, qbits_dc);
            ok &= c[i] == want;
            ok_dc &= dc[i] == want_dc;
            any |= want != 0;
            any_dc |= want_dc != 0;
            if (i < 4) {
                const int want_dc2 = ref_quant(chroma_t[i], qt.mf[qp % 6][0], bias_dc, qbits_dc);
                ok_dc2 &= dc2[i] == want_dc2;
                any_dc2 |= want_dc2 != 0;
            }
        }
        CHECK(&t, ok && !nz == !any, "quant_4x4 qp %d iter %d", qp, iter);
        CHECK(&t, ok_dc && !nz_dc == !any_dc, "quant_4x4_dc qp %d iter %d", qp, iter);
        CHECK(&t, ok_dc2 && !nz_dc2 == !any_dc2, "quant_chroma_dc qp %d iter %d", qp, iter);
    }
    {
        /* Saturation instead of wrap-around with an extreme caller. */
        int16_t c[16];
        uint16_t mf[16];
        for (int i = 0; i < 16; i++) {
            c[i] = (int16_t)(i & 1 ? INT16_MIN : INT16_MAX);
            mf[i] = 65535;
        }
        dsp.quant_4x4(c, mf, 0xffffffffu, 0);
        int ok = 1;
        for (int i = 0; i < 16; i++)
            ok &= c[i] == (i & 1 ? INT16_MIN : INT16_MAX);
        CHECK(&t, ok, "quant_4x4 saturation");
    }

    /* Dequantisers against the literal spec formulas, every qp. */
    for (int qp = 0; qp <= QP_MAX; qp++) {
        const int m = qp % 6;
        for (int iter = 0; iter < 200; iter++) {
            int16_t c[16], dc[16], dc2[4];
            int in[16], in_dc[16];
            for (int i = 0; i < 16; i++) {
                const int scale = spec_level_scale(m, i >> 2, i & 3) / 16 << (qp / 6);
                in[i] = iter == 0 ? 0 : iter == 1 ? 1 : iter == 2 ? -1 : random_level(r, scale);
                in_dc[i] = iter < 3 ? in[i] : random_level(r, (spec_v[m][0] << (qp / 6)) / 4 + 1);
                c[i] = (int16_t)in[i];
                dc[i] = (int16_t)in_dc[i];
                if (i < 4)
                    dc2[i] = (int16_t)in_dc[i];
            }
            dsp.dequant_4x4(c, qt.dequant[m], qp);
            dsp.dequant_4x4_dc(dc, qt.dequant[m][0], qp);
            dsp.dequant_2x2_dc(dc2, qt.dequant[m][0], qp);
            int ok = 1, ok_dc = 1, ok_dc2 = 1;
            for (int i = 0; i < 16; i++) {
                ok &= c[i] == spec_dequant_ac(in[i], qp, i >> 2, i & 3);
                ok_dc &= dc[i] == spec_dequant_luma_dc(in_dc[i], qp);
                if (i < 4)
                    ok_dc2 &= dc2[i] == spec_dequant_chroma_dc(in_dc[i], qp);
            }
            CHECK(&t, ok, "dequant_4x4 qp %d iter %d", qp, iter);
            CHECK(&t, ok_dc, "dequant_4x4_dc qp %d iter %d", qp, iter);
            CHECK(&t, ok_dc2, "dequant_2x2_dc qp %d iter %d", qp, iter);
        }
    }
    return report(&t);
}

/* ---- round trip: dct -> quant -> dequant -> idct ---- */

static int test_round_trip(rng *r)
{
    tally t = { "roundtrip", 0, 0 };
    quant_tables qt;
    quant_dsp qd;
    dct_dsp dd;
    quant_tables_init(&qt);
    quant_dsp_init(&qd, 0);
    dct_dsp_init(&dd, 0);

    for (int qp = 0; qp <= QP_MAX; qp++) {
        /* Quantiser step 0.625 * 2^(qp/6); a pixel collects the errors of
         * 16 coefficients, each within 2/3 of a step with the intra dead
         * zone, so allow two steps plus the integer rounding. */
        const double qstep = 0.625 * pow(2.0, qp / 6.0);
        const double tol = 1.0 + 2.0 * qstep;
        const int qbits = 15 + qp / 6;
        int max_err = 0;
        for (int iter = 0; iter < 300; iter++) {
            uint8_t src[16], pred[16], rec[16];
            fill_residual_block(r, iter, src, 4, pred, 4);
            int16_t c[16];
            dd.sub4x4_dct(c, src, 4, pred, 4);
            qd.quant_4x4(c, qt.mf[qp % 6], quant_bias(qbits, 1), qbits);
            qd.dequant_4x4(c, qt.dequant[qp % 6], qp);
            memcpy(rec, pred, sizeof(rec));
            dd.add4x4_idct(rec, 4, c);
            for (int i = 0; i < 16; i++) {
                const int e = abs(rec[i] - src[i]);
                max_err = e > max_err ? e : max_err;
            }
        }
        CHECK(&t, max_err <= tol, "qp %d: max error %d > %.2f", qp, max_err, tol);
        if (qp == 0)
            CHECK(&t, max_err <= 1, "qp 0: max error %d > 1", max_err);
    }
    return report(&t);
}

/* ---- intra prediction ---- */

typedef struct neighbours {
    int corner;   /* p[-1,-1] */
    int top[16];  /* p[x,-1] */
    int left[16]; /* p[-1,y] */
} neighbours;

/* p[x, y] as the standard indexes it; aborts on anything else. */
static int P(const neighbours *n, int x, int y)
{
    if (x == -1 && y == -1)
        return n->corner;
    if (y == -1 && x >= 0 && x < 16)
        return n->top[x];
    if (x == -1 && y >= 0 && y < 16)
        return n->left[y];
    fprintf(stderr, "reference read p[%d,%d]\n", x, y);
    abort();
}

static void random_neighbours(rng *r, neighbours *n, int iter)
{
    for (int i = -1; i < 32; i++) {
        int v;
        switch (iter) {
        case 0: v = 0; break;
        case 1: v = 255; break;
        case 2: v = (i & 1) * 255; break;
        case 3: v = i < 16 ? 255 : 0; break;  /* top bright, left dark */
        case 4: v = i < 16 ? 0 : 255; break;
        case 5: v = i < 16 ? (i + 1) * 15 : (31 - i) * 8; break; /* ramps */
        default: v = rng_range(r, 0, 255); break;
        }
        if (i < 0)
            n->corner = v;
        else if (i < 16)
            n->top[i] = v;
        else
            n->left[i - 16] = v;
    }
}

/* Heap buffer holding exactly the edge predict.h describes, so ASan
 * flags any read outside it. Returns the edge pointer; *base to free. */
static uint8_t *make_edge(const neighbours *n, int nleft, int ntop, uint8_t **base)
{
    uint8_t *buf = malloc((size_t)(nleft + 1 + ntop));
    if (!buf)
        abort();
    uint8_t *edge = buf + nleft;
    edge[0] = (uint8_t)n->corner;
    for (int x = 0; x < ntop; x++)
        edge[1 + x] = (uint8_t)n->top[x];
    for (int y = 0; y < nleft; y++)
        edge[-1 - y] = (uint8_t)n->left[y];
    *base = buf;
    return edge;
}

/* 8.3.1.2.1-9, one sample at a time. DC availability from the flags. */
static int ref_pred4x4(const neighbours *n, int mode, int top_ok, int left_ok, int x, int y)
{
    switch (mode) {
    case I4_VERTICAL:
        return P(n, x, -1);
    case I4_HORIZONTAL:
        return P(n, -1, y);
    case I4_DC: {
        int st = 0, sl = 0;
        if (top_ok)
            for (int k = 0; k < 4; k++)
                st += P(n, k, -1);
        if (left_ok)
            for (int k = 0; k < 4; k++)
                sl += P(n, -1, k);
        if (top_ok && left_ok)
            return (st + sl + 4) >> 3;
        if (left_ok)
            return (sl + 2) >> 2;
        if (top_ok)
            return (st + 2) >> 2;
        return 128;
    }
    case I4_DIAG_DOWN_LEFT:
        if (x == 3 && y == 3)
            return (P(n, 6, -1) + 3 * P(n, 7, -1) + 2) >> 2;
        return (P(n, x + y, -1) + 2 * P(n, x + y + 1, -1) + P(n, x + y + 2, -1) + 2) >> 2;
    case I4_DIAG_DOWN_RIGHT:
        if (x > y)
            return (P(n, x - y - 2, -1) + 2 * P(n, x - y - 1, -1) + P(n, x - y, -1) + 2) >> 2;
        if (x < y)
            return (P(n, -1, y - x - 2) + 2 * P(n, -1, y - x - 1) + P(n, -1, y - x) + 2) >> 2;
        return (P(n, 0, -1) + 2 * P(n, -1, -1) + P(n, -1, 0) + 2) >> 2;
    case I4_VERTICAL_RIGHT: {
        const int z = 2 * x - y;
        if (z == 0 || z == 2 || z == 4 || z == 6)
            return (P(n, x - (y >> 1) - 1, -1) + P(n, x - (y >> 1), -1) + 1) >> 1;
        if (z == 1 || z == 3 || z == 5)
            return (P(n, x - (y >> 1) - 2, -1) + 2 * P(n, x - (y >> 1) - 1, -1)
                    + P(n, x - (y >> 1), -1) + 2) >> 2;
        if (z == -1)
            return (P(n, -1, 0) + 2 * P(n, -1, -1) + P(n, 0, -1) + 2) >> 2;
        return (P(n, -1, y - 1) + 2 * P(n, -1, y - 2) + P(n, -1, y - 3) + 2) >> 2;
    }
    case I4_HORIZONTAL_DOWN: {
        const int z = 2 * y - x;
        if (z == 0 || z == 2 || z == 4 || z == 6)
            return (P(n, -1, y - (x >> 1) - 1) + P(n, -1, y - (x >> 1)) + 1) >> 1;
        if (z == 1 || z == 3 || z == 5)
            return (P(n, -1, y - (x >> 1) - 2) + 2 * P(n, -1, y - (x >> 1) - 1)
                    + P(n, -1, y - (x >> 1)) + 2) >> 2;
        if (z == -1)
            return (P(n, -1, 0) + 2 * P(n, -1, -1) + P(n, 0, -1) + 2) >> 2;
        return (P(n, x - 1, -1) + 2 * P(n, x - 2, -1) + P(n, x - 3, -1) + 2) >> 2;
    }
    case I4_VERTICAL_LEFT:
        if (y == 0 || y == 2)
            return (P(n, x + (y >> 1), -1) + P(n, x + (y >> 1) + 1, -1) + 1) >> 1;
        return (P(n, x + (y >> 1), -1) + 2 * P(n, x + (y >> 1) + 1, -1)
                + P(n, x + (y >> 1) + 2, -1) + 2) >> 2;
    case I4_HORIZONTAL_UP: {
        const int z = x + 2 * y;
        if (z == 0 || z == 2 || z == 4)
            return (P(n, -1, y + (x >> 1)) + P(n, -1, y + (x >> 1) + 1) + 1) >> 1;
        if (z == 1 || z == 3)
            return (P(n, -1, y + (x >> 1)) + 2 * P(n, -1, y + (x >> 1) + 1)
                    + P(n, -1, y + (x >> 1) + 2) + 2) >> 2;
        if (z == 5)
            return (P(n, -1, 2) + 3 * P(n, -1, 3) + 2) >> 2;
        return P(n, -1, 3);
    }
    }
    abort();
}

/* 8.3.3.1-4. */
static int ref_pred16x16(const neighbours *n, int mode, int top_ok, int left_ok, int x, int y)
{
    switch (mode) {
    case I16_VERTICAL:
        return P(n, x, -1);
    case I16_HORIZONTAL:
        return P(n, -1, y);
    case I16_DC: {
        int st = 0, sl = 0;
        for (int k = 0; k < 16; k++) {
            st += top_ok ? P(n, k, -1) : 0;
            sl += left_ok ? P(n, -1, k) : 0;
        }
        if (top_ok && left_ok)
            return (st + sl + 16) >> 5;
        if (left_ok)
            return (sl + 8) >> 4;
        if (top_ok)
            return (st + 8) >> 4;
        return 128;
    }
    case I16_PLANE: {
        int H = 0, V = 0;
        for (int xp = 0; xp <= 7; xp++)
            H += (xp + 1) * (P(n, 8 + xp, -1) - P(n, 6 - xp, -1));
        for (int yp = 0; yp <= 7; yp++)
            V += (yp + 1) * (P(n, -1, 8 + yp) - P(n, -1, 6 - yp));
        const int a = 16 * (P(n, -1, 15) + P(n, 15, -1));
        const int b = (5 * H + 32) >> 6;
        const int c = (5 * V + 32) >> 6;
        return clip1((a + b * (x - 7) + c * (y - 7) + 16) >> 5);
    }
    }
    abort();
}

/* 8.3.4 for chroma_format_idc = 1 (MbWidthC = MbHeightC = 8). */
static int ref_pred_chroma(const neighbours *n, int mode, int top_ok, int left_ok, int x, int y)
{
    const int chroma_format_idc = 1, mb_width_c = 8, mb_height_c = 8;
    switch (mode) {
    case ICHROMA_DC: {
        /* 8.3.4.1-3: each 4x4 chroma block at (xO, yO). */
        const int xo = x & ~3, yo = y & ~3;
        int st = 0, sl = 0;
        for (int k = 0; k < 4; k++) {
            st += top_ok ? P(n, k + xo, -1) : 0;
            sl += left_ok ? P(n, -1, k + yo) : 0;
        }
        if ((xo == 0 && yo == 0) || (xo > 0 && yo > 0)) {
            if (top_ok && left_ok)
                return (st + sl + 4) >> 3;
            if (left_ok)
                return (sl + 2) >> 2;
            if (top_ok)
                return (st + 2) >> 2;
            return 128;
        }
        if (xo > 0 && yo == 0) {
            if (top_ok)
                return (st + 2) >> 2;
            if (left_ok)
                return (sl + 2) >> 2;
            return 128;
        }
        if (left_ok)
            return (sl + 2) >> 2;
        if (top_ok)
            return (st + 2) >> 2;
        return 128;
    }
    case ICHROMA_HORIZONTAL:
        return P(n, -1, y);
    case ICHROMA_VERTICAL:
        return P(n, x, -1);
    case ICHROMA_PLANE: {
        const int xcf = 4 * (chroma_format_idc == 3);
        const int ycf = 4 * (chroma_format_idc != 1);
        int H = 0, V = 0;
        for (int xp = 0; xp <= 3 + xcf; xp++)
            H += (xp + 1) * (P(n, 4 + xcf + xp, -1) - P(n, 2 + xcf - xp, -1));
        for (int yp = 0; yp <= 3 + ycf; yp++)
            V += (yp + 1) * (P(n, -1, 4 + ycf + yp) - P(n, -1, 2 + ycf - yp));
        const int a = 16 * (P(n, -1, mb_height_c - 1) + P(n, mb_width_c - 1, -1));
        const int b = ((34 - 29 * (chroma_format_idc == 3)) * H + 32) >> 6;
        const int c = ((34 - 29 * (chroma_format_idc != 1)) * V + 32) >> 6;
        return clip1((a + b * (x - 3 - xcf) + c * (y - 3 - ycf) + 16) >> 5);
    }
    }
    abort();
}

typedef int (*ref_pred_fn)(const neighbours *n, int mode, int top_ok, int left_ok, int x, int y);

/* Run one predictor into an exact-size heap block (stride = width) and
 * compare every sample with the reference. Samples the availability case
 * forbids are random in the edge, so a predictor reading them mismatches. */
static int run_pred(predict_fn fn, ref_pred_fn ref, const neighbours *n, int size,
                    int ntop, int ref_mode, int top_ok, int left_ok)
{
    uint8_t *base;
    const uint8_t *edge = make_edge(n, size, ntop, &base);
    uint8_t *dst = malloc((size_t)(size * size));
    if (!dst)
        abort();
    memset(dst, 0xcd, (size_t)(size * size));
    fn(dst, size, edge);
    int ok = 1;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            ok &= dst[y * size + x] == ref(n, ref_mode, top_ok, left_ok, x, y);
    free(dst);
    free(base);
    return ok;
}

/* DUT variant for an availability case of the generic DC reference. */
static int dc_variant(int dc, int dc_left, int dc_top, int dc_128, int top_ok, int left_ok)
{
    return top_ok && left_ok ? dc : left_ok ? dc_left : top_ok ? dc_top : dc_128;
}

static int test_predict(rng *r)
{
    tally t = { "predict", 0, 0 };
    predict_dsp dsp;
    memset(&dsp, 0, sizeof(dsp));
    predict_dsp_init(&dsp, 0);

    for (int m = 0; m < I4_MODE_COUNT; m++)
        CHECK(&t, dsp.predict_4x4[m] != NULL, "4x4 mode %d null", m);
    for (int m = 0; m < I16_MODE_COUNT; m++)
        CHECK(&t, dsp.predict_16x16[m] != NULL, "16x16 mode %d null", m);
    for (int m = 0; m < ICHROMA_MODE_COUNT; m++)
        CHECK(&t, dsp.predict_chroma[m] != NULL, "chroma mode %d null", m);
    if (t.fail)
        return report(&t);

    neighbours n;
    for (int iter = 0; iter < 2000; iter++) {
        random_neighbours(r, &n, iter);
        for (int m = 0; m <= I4_HORIZONTAL_UP; m++) {
            if (m == I4_DC)
                continue;
            CHECK(&t, run_pred(dsp.predict_4x4[m], ref_pred4x4, &n, 4, 8, m, 1, 1),
                  "4x4 mode %d iter %d", m, iter);
        }
        for (int avail = 0; avail < 4; avail++) {
            const int top_ok = avail & 1, left_ok = avail >> 1;
            const int m = dc_variant(I4_DC, I4_DC_LEFT, I4_DC_TOP, I4_DC_128, top_ok, left_ok);
            CHECK(&t, run_pred(dsp.predict_4x4[m], ref_pred4x4, &n, 4, 8, I4_DC, top_ok, left_ok),
                  "4x4 DC mode %d iter %d", m, iter);
        }
    }

    for (int iter = 0; iter < 600; iter++) {
        random_neighbours(r, &n, iter);
        for (int m = 0; m <= I16_PLANE; m++) {
            if (m == I16_DC)
                continue;
            CHECK(&t, run_pred(dsp.predict_16x16[m], ref_pred16x16, &n, 16, 16, m, 1, 1),
                  "16x16 mode %d iter %d", m, iter);
        }
        for (int avail = 0; avail < 4; avail++) {
            const int top_ok = avail & 1, left_ok = avail >> 1;
            const int m = dc_variant(I16_DC, I16_DC_LEFT, I16_DC_TOP, I16_DC_128, top_ok, left_ok);
            CHECK(&t, run_pred(dsp.predict_16x16[m], ref_pred16x16, &n, 16, 16, I16_DC,
                               top_ok, left_ok),
                  "16x16 DC mode %d iter %d", m, iter);
        }
    }

    for (int iter = 0; iter < 1500; iter++) {
        random_neighbours(r, &n, iter);
        for (int m = ICHROMA_HORIZONTAL; m <= ICHROMA_PLANE; m++)
            CHECK(&t, run_pred(dsp.predict_chroma[m], ref_pred_chroma, &n, 8, 8, m, 1, 1),
                  "chroma mode %d iter %d", m, iter);
        for (int avail = 0; avail < 4; avail++) {
            const int top_ok = avail & 1, left_ok = avail >> 1;
            const int m = dc_variant(ICHROMA_DC, ICHROMA_DC_LEFT, ICHROMA_DC_TOP, ICHROMA_DC_128,
                                     top_ok, left_ok);
            CHECK(&t, run_pred(dsp.predict_chroma[m], ref_pred_chroma, &n, 8, 8, ICHROMA_DC,
                               top_ok, left_ok),
                  "chroma DC mode %d iter %d", m, iter);
        }
    }
    return report(&t);
}

/* x264's rule as it states it, walking down from the last level: each
 * level adds {3,2,2,1,1,1,0...}[zeros below it down to the next level or
 * the start]. */
static int ref_decimate_score(uint32_t mask)
{
    static const int score_of_run[16] = { 3, 2, 2, 1, 1, 1 };
    int score = 0, idx = 15;
    while (idx >= 0 && !(mask & (1u << idx)))
        idx--;
    while (idx >= 0) {
        int run = 0;
        idx--;
        while (idx >= 0 && !(mask & (1u << idx))) {
            idx--;
            run++;
        }
        score += score_of_run[run];
    }
    return score;
}

/* The byte tables against the rule for every nonzero mask. */
static int test_decimate(void)
{
    tally t = { "decimate", 0, 0 };
    quant_tables qt;
    quant_tables_init(&qt);
    for (uint32_t mask = 0; mask < 65536 && !t.fail; mask++)
        CHECK(&t, quant_decimate_score(&qt, mask) == ref_decimate_score(mask), "mask %04x: %d, want %d", mask,
              quant_decimate_score(&qt, mask), ref_decimate_score(mask));
    return report(&t);
}

int main(void)
{
    rng r = { 0x2545f491u };
    int failed = 0;
    failed |= test_pixel(&r);
    failed |= test_dct(&r);
    failed |= test_quant(&r);
    failed |= test_decimate();
    failed |= test_round_trip(&r);
    failed |= test_predict(&r);
    printf("%s\n", failed ? "FAILED" : "all passed");
    return failed;
}
