/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for deblock_dsp. Random samples rarely pass the filters'
 * thresholds, so most lines are built to: a smooth run with a step at the
 * edge smaller than alpha and noise within beta, some of them pinned near 0
 * or 255 where the clipping matters. The rest stay random. Last come
 * worst cases: samples at 0, 1, 254 and 255, thresholds up to ones every
 * line passes, and the largest tC0 the kernels accept. The buffer is
 * exactly the samples an edge kernel may touch (4 per side for luma, 2 for
 * chroma), with guard bands around it; chroma kernels get one such buffer
 * for Cb and one for Cr.
 */
#include <stddef.h>
#include <string.h>

#include "checkasm.h"
#include "deblock.h"

static int clip255(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Fills one line of 2 * n samples, line[k * step] being sample k - n; a
 * smooth line passes the thresholds even after filtering. */
static void fill_line(uint8_t *line, ptrdiff_t step, int n, int alpha, int beta, int smooth)
{
    const int mode = checkasm_rand_range(smooth, 5);
    if (mode == 0) {
        for (int k = 0; k < 2 * n; k++)
            line[k * step] = (uint8_t)checkasm_rand_range(0, 255);
        return;
    }
    const int base = mode == 1 ? checkasm_rand_range(0, 8) : mode == 2 ? checkasm_rand_range(247, 255)
                                                                       : checkasm_rand_range(0, 255);
    const int a = alpha > 0 ? alpha : 1, b = beta > 0 ? beta : 1;
    const int edge_step = checkasm_rand_range(-a, a);
    for (int k = 0; k < 2 * n; k++)
        line[k * step] = (uint8_t)clip255(base + (k >= n ? edge_step : 0) + checkasm_rand_range(-b + 1, b - 1));
}

/* The edge's thresholds: mostly the ranges Table 8-16 produces. */
static void random_thresholds(int *alpha, int *beta, int8_t tc0[4])
{
    *alpha = checkasm_rand_range(0, 255);
    *beta = (checkasm_rand() & 7) ? checkasm_rand_range(0, 18) : checkasm_rand_range(0, 255);
    for (int i = 0; i < 4; i++)
        tc0[i] = (int8_t)((checkasm_rand() & 3) ? checkasm_rand_range(0, 25) : -1);
}

/* Worst cases for the 16-bit arithmetic and the clipping: thresholds up to
 * the limits x86/deblock.h gives (alpha and beta 32767, tC0 127), with
 * samples at the ends of the range. */
static void extreme_thresholds(int *alpha, int *beta, int8_t tc0[4])
{
    static const int big[] = { 255, 256, 32767 };
    *alpha = big[checkasm_rand() % 3];
    *beta = big[checkasm_rand() % 3];
    for (int i = 0; i < 4; i++)
        tc0[i] = (int8_t)((checkasm_rand() & 3) ? ((checkasm_rand() & 1) ? 127 : 25) : -1);
}

static void fill_extreme_line(uint8_t *line, ptrdiff_t step, int n)
{
    static const uint8_t ends[] = { 0, 1, 254, 255 };
    for (int k = 0; k < 2 * n; k++)
        line[k * step] = ends[checkasm_rand() & 3];
}

static const struct edge_case {
    const char *name;
    size_t offset; /* of the pointer in deblock_dsp */
    int luma, vertical, intra;
} edge_cases[] = {
    { "deblock_luma_v", offsetof(deblock_dsp, luma_v), 1, 1, 0 },
    { "deblock_luma_h", offsetof(deblock_dsp, luma_h), 1, 0, 0 },
    { "deblock_luma_intra_v", offsetof(deblock_dsp, luma_intra_v), 1, 1, 1 },
    { "deblock_luma_intra_h", offsetof(deblock_dsp, luma_intra_h), 1, 0, 1 },
    { "deblock_chroma_v", offsetof(deblock_dsp, chroma_v), 0, 1, 0 },
    { "deblock_chroma_h", offsetof(deblock_dsp, chroma_h), 0, 0, 0 },
    { "deblock_chroma_intra_v", offsetof(deblock_dsp, chroma_intra_v), 0, 1, 1 },
    { "deblock_chroma_intra_h", offsetof(deblock_dsp, chroma_intra_h), 0, 0, 1 },
};

/* Calls an edge kernel of any of the four types; pix[1] and stride[1] are
 * the Cr block of a chroma kernel. */
static void call_edge(checkasm_func f, const struct edge_case *c, uint8_t *const pix[2], const ptrdiff_t stride[2],
                      int alpha, int beta, const int8_t tc0[4])
{
    if (c->luma && c->intra)
        ((deblock_edge_intra_fn)f)(pix[0], stride[0], alpha, beta);
    else if (c->luma)
        ((deblock_edge_fn)f)(pix[0], stride[0], alpha, beta, tc0);
    else if (c->intra)
        ((deblock_chroma_intra_fn)f)(pix[0], stride[0], pix[1], stride[1], alpha, beta);
    else
        ((deblock_chroma_fn)f)(pix[0], stride[0], pix[1], stride[1], alpha, beta, tc0);
}

static void check_edge(const deblock_dsp *dsp, const struct edge_case *c)
{
    checkasm_func fn;
    memcpy(&fn, (const char *)dsp + c->offset, sizeof(fn));
    const checkasm_func ref = check_func(fn, "%s", c->name);
    if (!ref)
        return;
    const int n = c->luma ? 4 : 2, lines = c->luma ? 16 : 8, planes = c->luma ? 1 : 2;
    /* Across the edge 2n samples, along it all lines. Each plane gets its
     * own random stride. */
    const int w = c->vertical ? 2 * n : lines, h = c->vertical ? lines : 2 * n;
    checkasm_rect a[2], b[2];
    uint8_t *pa[2], *pb[2];
    ptrdiff_t stride[2], across[2], along[2];
    for (int k = 0; k < planes; k++) {
        checkasm_rect_init(&a[k], w, h, 0);
        checkasm_rect_init(&b[k], w, h, a[k].stride);
        stride[k] = a[k].stride;
        across[k] = c->vertical ? 1 : stride[k];
        along[k] = c->vertical ? stride[k] : 1;
        pa[k] = a[k].pix + n * across[k];
        pb[k] = b[k].pix + n * across[k];
    }
    for (int it = 0; it < 500; it++) {
        /* The last 100 inputs are worst cases. */
        const int extreme = it >= 400;
        int alpha, beta;
        int8_t tc0[4];
        if (extreme)
            extreme_thresholds(&alpha, &beta, tc0);
        else
            random_thresholds(&alpha, &beta, tc0);
        for (int k = 0; k < planes; k++) {
            checkasm_rect_randomize(&a[k]);
            for (int l = 0; l < lines; l++) {
                if (extreme)
                    fill_extreme_line(a[k].pix + l * along[k], across[k], n);
                else
                    fill_line(a[k].pix + l * along[k], across[k], n, alpha, beta, 0);
            }
            checkasm_rect_copy(&b[k], &a[k]);
        }
        call_edge(ref, c, pa, stride, alpha, beta, tc0);
        call_edge(fn, c, pb, stride, alpha, beta, tc0);
        int failed = 0;
        for (int k = 0; k < planes; k++)
            failed |= checkasm_rect_check(&a[k], &b[k], k ? "cr" : c->luma ? "edge" : "cb");
        if (failed) {
            checkasm_fail("alpha %d beta %d tc0 %d %d %d %d", alpha, beta, tc0[0], tc0[1], tc0[2], tc0[3]);
            break;
        }
    }
    for (int k = 0; k < planes; k++) {
        checkasm_rect_free(&a[k]);
        checkasm_rect_free(&b[k]);
    }

    /* A typical edge: QP 32 thresholds, every line filtered, every call.
     * The calls cycle through 8 edges side by side, as a store that has not
     * yet left the store buffer would stall the next call's load of the
     * same samples and time the memory system instead of the kernel. */
    const int8_t tc0[4] = { 1, 2, 1, 2 };
    checkasm_rect r[2];
    for (int k = 0; k < planes; k++) {
        checkasm_rect_init(&r[k], c->vertical ? w : 8 * w, c->vertical ? 8 * h : h, 0);
        stride[k] = r[k].stride;
        across[k] = c->vertical ? 1 : stride[k];
        along[k] = c->vertical ? stride[k] : 1;
        checkasm_rect_randomize(&r[k]);
        for (int l = 0; l < 8 * lines; l++)
            fill_line(r[k].pix + l * along[k], across[k], n, 40, 9, 1);
    }
    unsigned e = 0;
    CHECKASM_BENCH({
        const unsigned edge = e++ & 7;
        uint8_t *const pix[2] = { r[0].pix + n * across[0] + edge * lines * along[0],
                                  planes > 1 ? r[1].pix + n * across[1] + edge * lines * along[1] : NULL };
        call_edge(fn, c, pix, stride, 40, 9, tc0);
    });
    for (int k = 0; k < planes; k++)
        checkasm_rect_free(&r[k]);
}

void checkasm_check_deblock(void)
{
    deblock_dsp dsp;
    deblock_dsp_init(&dsp, checkasm_cpu_flags());
    for (size_t i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++)
        check_edge(&dsp, &edge_cases[i]);
}
