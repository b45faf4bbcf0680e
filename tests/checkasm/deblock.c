/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for deblock_dsp: each kernel filters the edges of one macroblock
 * in one direction, with a mode (left alone, bS < 4, bS 4 on edge 0),
 * thresholds and tc0 per edge drawn at random. Random samples rarely pass
 * the filters' thresholds, so most lines across the edges are built to: a
 * smooth run with steps at the edges smaller than alpha and noise within
 * beta, some of them pinned near 0 or 255 where the clipping matters. The
 * rest stay random. Last come worst cases: samples at 0, 1, 254 and 255,
 * thresholds up to ones every line passes, and the largest tC0 the kernels
 * accept. The buffer is exactly the samples the kernel may touch (the
 * macroblock and 4 luma or 2 chroma samples of the neighbour across edge
 * 0), with guard bands around it; chroma kernels get one such buffer for Cb
 * and one for Cr.
 */
#include <stddef.h>
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/deblock.h"

static int clip255(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Fills one line across all edges: n samples of the neighbour, then
 * 4 * edges of the macroblock, line[k * step] being sample k - n. A smooth
 * line steps by less than alpha at each edge, so it passes the thresholds
 * even after filtering. */
static void fill_line(uint8_t *line, ptrdiff_t step, int n, int edges, int alpha, int beta, int smooth)
{
    const int len = n + 4 * edges;
    const int mode = checkasm_rand_range(smooth, 5);
    if (mode == 0) {
        for (int k = 0; k < len; k++)
            line[k * step] = (uint8_t)checkasm_rand_range(0, 255);
        return;
    }
    int level = mode == 1 ? checkasm_rand_range(0, 8) : mode == 2 ? checkasm_rand_range(247, 255)
                                                                  : checkasm_rand_range(0, 255);
    const int a = alpha > 0 ? alpha : 1, b = beta > 0 ? beta : 1;
    for (int k = 0; k < len; k++) {
        if (k >= n && (k - n) % 4 == 0)
            level = clip255(level + checkasm_rand_range(-a + 1, a - 1));
        line[k * step] = (uint8_t)clip255(level + checkasm_rand_range(-b + 1, b - 1));
    }
}

static void fill_extreme_line(uint8_t *line, ptrdiff_t step, int len)
{
    static const uint8_t ends[] = { 0, 1, 254, 255 };
    for (int k = 0; k < len; k++)
        line[k * step] = ends[checkasm_rand() & 3];
}

/* Modes, thresholds and tc0: mostly the ranges Tables 8-16 and 8-17
 * produce; extreme: up to the limits x86/deblock.h gives (alpha and beta
 * 32767, tC0 127). */
static void random_edges(deblock_edges *e, int extreme)
{
    static const int big[] = { 255, 256, 32767 };
    for (int t = 0; t < 2; t++) {
        if (extreme) {
            e->alpha[t] = big[checkasm_rand() % 3];
            e->beta[t] = big[checkasm_rand() % 3];
        } else {
            e->alpha[t] = checkasm_rand_range(0, 255);
            e->beta[t] = (checkasm_rand() & 7) ? checkasm_rand_range(0, 18) : checkasm_rand_range(0, 255);
        }
    }
    for (int k = 0; k < 4; k++) {
        const int r = checkasm_rand_range(0, 7);
        e->mode[k] = r < 2 ? DEBLOCK_SKIP : !k && r < 4 ? DEBLOCK_STRONG : DEBLOCK_NORMAL;
        for (int i = 0; i < 4; i++) {
            const int tc0 = extreme ? ((checkasm_rand() & 1) ? 127 : 25) : checkasm_rand_range(0, 25);
            e->tc0[k][i] = (int8_t)((checkasm_rand() & 3) ? tc0 : -1);
        }
    }
}

static const struct edge_case {
    const char *name;
    size_t offset; /* of the pointer in deblock_dsp */
    int luma, vertical;
} edge_cases[] = {
    { "deblock_luma_v", offsetof(deblock_dsp, luma_v), 1, 1 },
    { "deblock_luma_h", offsetof(deblock_dsp, luma_h), 1, 0 },
    { "deblock_chroma_v", offsetof(deblock_dsp, chroma_v), 0, 1 },
    { "deblock_chroma_h", offsetof(deblock_dsp, chroma_h), 0, 0 },
};

/* Calls a kernel of either type; pix[1] and stride[1] are the Cr block of
 * a chroma kernel. */
static void call_kernel(checkasm_func f, const struct edge_case *c, uint8_t *const pix[2],
                        const ptrdiff_t stride[2], const deblock_edges *e)
{
    if (c->luma)
        ((deblock_luma_fn)f)(pix[0], stride[0], e);
    else
        ((deblock_chroma_fn)f)(pix[0], stride[0], pix[1], stride[1], e);
}

/* One buffer per plane: the macroblock and n samples of the neighbour
 * across edge 0, lines along the edges. */
typedef struct plane_buf {
    checkasm_rect rect;
    ptrdiff_t across, along; /* steps across the edges and along them */
    uint8_t *pix;            /* the macroblock's top-left sample */
} plane_buf;

static void plane_buf_init(plane_buf *b, const struct edge_case *c, int copies, ptrdiff_t stride)
{
    const int n = c->luma ? 4 : 2, size = c->luma ? 16 : 8;
    /* copies macroblocks stacked along the edges, for the benchmark. */
    const int w = c->vertical ? n + size : copies * size, h = c->vertical ? copies * size : n + size;
    checkasm_rect_init(&b->rect, w, h, stride);
    b->across = c->vertical ? 1 : b->rect.stride;
    b->along = c->vertical ? b->rect.stride : 1;
    b->pix = b->rect.pix + n * b->across;
}

static void check_kernel(const deblock_dsp *dsp, const struct edge_case *c)
{
    checkasm_func fn;
    memcpy(&fn, (const char *)dsp + c->offset, sizeof(fn));
    const checkasm_func ref = check_func(fn, "%s", c->name);
    if (!ref)
        return;
    const int n = c->luma ? 4 : 2, lines = c->luma ? 16 : 8, edges = c->luma ? 4 : 2;
    const int planes = c->luma ? 1 : 2;
    plane_buf a[2], b[2];
    uint8_t *pa[2] = { NULL, NULL }, *pb[2] = { NULL, NULL };
    ptrdiff_t stride[2] = { 0, 0 };
    for (int k = 0; k < planes; k++) {
        /* Each plane gets its own random stride. */
        plane_buf_init(&a[k], c, 1, 0);
        plane_buf_init(&b[k], c, 1, a[k].rect.stride);
        pa[k] = a[k].pix;
        pb[k] = b[k].pix;
        stride[k] = a[k].rect.stride;
    }
    for (int it = 0; it < 500; it++) {
        /* The last 100 inputs are worst cases. */
        const int extreme = it >= 400;
        deblock_edges e;
        random_edges(&e, extreme);
        const int alpha = e.alpha[0] < e.alpha[1] ? e.alpha[0] : e.alpha[1];
        const int beta = e.beta[0] < e.beta[1] ? e.beta[0] : e.beta[1];
        for (int k = 0; k < planes; k++) {
            checkasm_rect_randomize(&a[k].rect);
            for (int l = 0; l < lines; l++) {
                uint8_t *line = a[k].rect.pix + l * a[k].along;
                if (extreme)
                    fill_extreme_line(line, a[k].across, n + 4 * edges);
                else
                    fill_line(line, a[k].across, n, edges, alpha, beta, 0);
            }
            checkasm_rect_copy(&b[k].rect, &a[k].rect);
        }
        call_kernel(ref, c, pa, stride, &e);
        call_kernel(fn, c, pb, stride, &e);
        int failed = 0;
        for (int k = 0; k < planes; k++)
            failed |= checkasm_rect_check(&a[k].rect, &b[k].rect, k ? "cr" : c->luma ? "luma" : "cb");
        if (failed) {
            checkasm_fail("modes %d %d %d %d alpha %d %d beta %d %d", e.mode[0], e.mode[1], e.mode[2], e.mode[3],
                          e.alpha[0], e.alpha[1], e.beta[0], e.beta[1]);
            break;
        }
    }
    for (int k = 0; k < planes; k++) {
        checkasm_rect_free(&a[k].rect);
        checkasm_rect_free(&b[k].rect);
    }

    /* A typical inter macroblock: QP 32 thresholds, every edge filtered,
     * every line passing. The calls cycle through 8 macroblocks side by
     * side, as a store that has not yet left the store buffer would stall
     * the next call's load of the same samples and time the memory system
     * instead of the kernel. */
    deblock_edges e = { .alpha = { 40, 40 }, .beta = { 9, 9 } };
    for (int k = 0; k < 4; k++) {
        static const int8_t tc0[4] = { 1, 2, 1, 2 };
        e.mode[k] = DEBLOCK_NORMAL;
        memcpy(e.tc0[k], tc0, sizeof(tc0));
    }
    plane_buf r[2];
    for (int k = 0; k < planes; k++) {
        plane_buf_init(&r[k], c, 8, 0);
        stride[k] = r[k].rect.stride;
        checkasm_rect_randomize(&r[k].rect);
        for (int l = 0; l < 8 * lines; l++)
            fill_line(r[k].rect.pix + l * r[k].along, r[k].across, n, edges, 40, 9, 1);
    }
    unsigned mb = 0;
    CHECKASM_BENCH({
        const ptrdiff_t offset = (ptrdiff_t)(mb++ & 7) * lines;
        uint8_t *const pix[2] = { r[0].pix + offset * r[0].along,
                                  planes > 1 ? r[1].pix + offset * r[1].along : NULL };
        call_kernel(fn, c, pix, stride, &e);
    });
    for (int k = 0; k < planes; k++)
        checkasm_rect_free(&r[k].rect);
}

void checkasm_check_deblock(void)
{
    deblock_dsp dsp;
    deblock_dsp_init(&dsp, checkasm_cpu_flags());
    for (size_t i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++)
        check_kernel(&dsp, &edge_cases[i]);
}
