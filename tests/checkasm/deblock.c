/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for deblock_dsp. Random samples rarely pass the filters'
 * thresholds, so most lines are built to: a smooth run with a step at the
 * edge smaller than alpha and noise within beta, some of them pinned near 0
 * or 255 where the clipping matters. The rest stay random. The buffer is
 * exactly the samples an edge kernel may touch (4 per side for luma, 2 for
 * chroma), with guard bands around it.
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

/* Calls an edge kernel of either type. */
static void call_edge(checkasm_func f, int intra, uint8_t *pix, ptrdiff_t stride, int alpha, int beta,
                      const int8_t tc0[4])
{
    if (intra)
        ((deblock_edge_intra_fn)f)(pix, stride, alpha, beta);
    else
        ((deblock_edge_fn)f)(pix, stride, alpha, beta, tc0);
}

static void check_edge(const deblock_dsp *dsp, const struct edge_case *c)
{
    checkasm_func fn;
    memcpy(&fn, (const char *)dsp + c->offset, sizeof(fn));
    const checkasm_func ref = check_func(fn, "%s", c->name);
    if (!ref)
        return;
    const int n = c->luma ? 4 : 2, lines = c->luma ? 16 : 8;
    /* Across the edge 2n samples, along it all lines. */
    const int w = c->vertical ? 2 * n : lines, h = c->vertical ? lines : 2 * n;
    checkasm_rect a, b;
    checkasm_rect_init(&a, w, h, 0);
    checkasm_rect_init(&b, w, h, a.stride);
    const ptrdiff_t across = c->vertical ? 1 : a.stride, along = c->vertical ? a.stride : 1;
    const ptrdiff_t pix_off = n * across;
    for (int k = 0; k < 400; k++) {
        int alpha, beta;
        int8_t tc0[4];
        random_thresholds(&alpha, &beta, tc0);
        checkasm_rect_randomize(&a);
        for (int l = 0; l < lines; l++)
            fill_line(a.pix + l * along, across, n, alpha, beta, 0);
        checkasm_rect_copy(&b, &a);
        call_edge(ref, c->intra, a.pix + pix_off, a.stride, alpha, beta, tc0);
        call_edge(fn, c->intra, b.pix + pix_off, b.stride, alpha, beta, tc0);
        if (checkasm_rect_check(&a, &b, "edge")) {
            checkasm_fail("alpha %d beta %d tc0 %d %d %d %d", alpha, beta, tc0[0], tc0[1], tc0[2], tc0[3]);
            break;
        }
    }
    checkasm_rect_free(&a);
    checkasm_rect_free(&b);

    /* A typical edge: QP 32 thresholds, every line filtered, every call.
     * The calls cycle through 8 edges side by side, as a store that has not
     * yet left the store buffer would stall the next call's load of the
     * same samples and time the memory system instead of the kernel. */
    const int8_t tc0[4] = { 1, 2, 1, 2 };
    checkasm_rect r;
    checkasm_rect_init(&r, c->vertical ? w : 8 * w, c->vertical ? 8 * h : h, 0);
    const ptrdiff_t r_across = c->vertical ? 1 : r.stride, r_along = c->vertical ? r.stride : 1;
    checkasm_rect_randomize(&r);
    for (int l = 0; l < 8 * lines; l++)
        fill_line(r.pix + l * r_along, r_across, n, 40, 9, 1);
    unsigned e = 0;
    CHECKASM_BENCH(call_edge(fn, c->intra, r.pix + n * r_across + (e++ & 7) * lines * r_along, r.stride, 40, 9,
                             tc0));
    checkasm_rect_free(&r);
}

void checkasm_check_deblock(void)
{
    deblock_dsp dsp;
    deblock_dsp_init(&dsp, checkasm_cpu_flags());
    for (size_t i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++)
        check_edge(&dsp, &edge_cases[i]);
}
