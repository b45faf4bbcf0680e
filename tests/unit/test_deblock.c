/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Tests of the deblocking filter against a literal, sample-by-sample
 * transcription of 8.7 written here: for every sample line across every
 * edge, in the order of 8.7, it locates the macroblocks and 4x4 blocks of
 * p0 and q0, derives bS (8.7.2.1; for chroma from the corresponding luma
 * samples), qPav, indexA/indexB, alpha/beta, filterSamplesFlag (8.7.2.2)
 * and applies the equations of 8.7.2.3/8.7.2.4. Its tables (8-15, 8-16,
 * 8-17) are transcribed separately from deblock.c's. Random pictures and
 * macroblock states use a fixed seed so failures reproduce. The picture
 * tests run with the C kernels and again with the CPU's SIMD ones. Exit
 * status is nonzero on failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/deblock.h"
#include "cpu_fallback/internal.h"

#include "tests/common/check.h"

/* ---- harness ---- */


/* 1 with probability percent / 100. */
static int rng_chance(rng *r, int percent)
{
    return rng_range(r, 0, 99) < percent;
}

static int report(const tally *t)
{
    printf("%-16s %7d passed, %d failed\n", t->name, t->pass, t->fail);
    return t->fail != 0;
}

/* ---- the standard's tables, laid out as printed (one row per bS) ---- */

/* Table 8-15: QPc for qPI = 30..51 (QPc = qPI below 30). */
static const int std_qpc_from_30[22] = {
    29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39,
};

/* Table 8-16, indexA/indexB = 0..51. */
static const int std_alpha[52] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 5, 6, 7, 8, 9, 10, 12, 13,
    15, 17, 20, 22, 25, 28, 32, 36, 40, 45, 50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182,
    203, 226, 255, 255,
};
static const int std_beta[52] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
    6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16,
    17, 17, 18, 18,
};

/* Table 8-17: tC0' by bS (rows 1..3) and indexA (columns 0..51). */
static const int std_tc0[3][52] = {
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
      1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
      1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 8, 10, 11, 12, 13, 15, 17 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
      1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13, 14, 16, 18, 20, 23, 25 },
};

static int Clip3(int x, int y, int z)
{
    return z < x ? x : z > y ? y : z;
}

static int Clip1(int v)
{
    return Clip3(0, 255, v);
}

static int Abs(int v)
{
    return v < 0 ? -v : v;
}

/* 8.5.8 / Table 8-15. */
static int std_qpc(int qpy, int chroma_qp_index_offset)
{
    int qpi = Clip3(0, 51, qpy + chroma_qp_index_offset);
    return qpi < 30 ? qpi : std_qpc_from_30[qpi - 30];
}

/* ---- 8.7.2.3 and 8.7.2.4 on one sample line ----
 * p[i], q[i] for i = 0..3 are read and rewritten in place. strong selects
 * 8.7.2.4 (bS == 4); otherwise tc0 is tC0. The caller has checked
 * filterSamplesFlag. */
static void std_filter_samples(int p[4], int q[4], int chroma_style, int strong, int alpha, int beta, int tc0)
{
    int p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3];
    int q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
    int ap = Abs(p2 - p0);
    int aq = Abs(q2 - q0);
    if (!strong) {
        int tC = chroma_style ? tc0 + 1 : tc0 + (ap < beta ? 1 : 0) + (aq < beta ? 1 : 0);
        int delta = Clip3(-tC, tC, ((((q0 - p0) * 4) + (p1 - q1) + 4) >> 3));
        p[0] = Clip1(p0 + delta);
        q[0] = Clip1(q0 - delta);
        if (!chroma_style && ap < beta)
            p[1] = p1 + Clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 * 2)) >> 1);
        if (!chroma_style && aq < beta)
            q[1] = q1 + Clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 * 2)) >> 1);
        return;
    }
    if (!chroma_style && ap < beta && Abs(p0 - q0) < ((alpha >> 2) + 2)) {
        p[0] = (p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3;
        p[1] = (p2 + p1 + p0 + q0 + 2) >> 2;
        p[2] = (2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3;
    } else {
        p[0] = (2 * p1 + p0 + q1 + 2) >> 2;
    }
    if (!chroma_style && aq < beta && Abs(p0 - q0) < ((alpha >> 2) + 2)) {
        q[0] = (p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3;
        q[1] = (p0 + q0 + q1 + q2 + 2) >> 2;
        q[2] = (2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3;
    } else {
        q[0] = (2 * q1 + q0 + p1 + 2) >> 2;
    }
}

static int std_filter_samples_flag(const int p[4], const int q[4], int bS, int alpha, int beta)
{
    return bS != 0 && Abs(p[0] - q[0]) < alpha && Abs(p[1] - p[0]) < beta && Abs(q[1] - q[0]) < beta;
}

/* ---- 8.7 over a whole picture ---- */

typedef struct std_picture {
    uint8_t *s[3];
    ptrdiff_t stride[3];
    const mb_state *mbs;
    int mb_width, mb_height;
    const deblock_params *prm;
    /* Coverage: lines seen and lines changed by bS, luma [0] and chroma [1]. */
    long seen[2][5], changed[2][5];
} std_picture;

static const mb_state *std_mb_of_luma(const std_picture *pic, int x, int y)
{
    return &pic->mbs[(y / 16) * pic->mb_width + x / 16];
}

/* luma4x4BlkIdx is not needed: mb_state keeps blocks in raster order. */
static int std_raster_4x4_of_luma(int x, int y)
{
    return ((y % 16) / 4) * 4 + (x % 16) / 4;
}

/* The reference picture of a partition in a list, -1 when it does not use
 * the list (prm->ref_pic NULL: the index is the picture). */
static int std_ref_pic(const std_picture *pic, const mb_state *m, int list, int x, int y)
{
    int ref = m->ref[list][((y % 16) / 8) * 2 + (x % 16) / 8];
    if (ref < 0)
        return -1;
    return pic->prm->ref_pic[list] ? pic->prm->ref_pic[list][ref] : ref;
}

static int std_mv_differ(const int16_t *a, const int16_t *b)
{
    return Abs(a[0] - b[0]) >= 4 || Abs(a[1] - b[1]) >= 4;
}

/* 8.7.2.1 for frame macroblocks with one slice and no 8x8 transform;
 * (xp, yp) and (xq, yq) are the luma picture positions of p0 and q0. */
static int std_bs(const std_picture *pic, int xp, int yp, int xq, int yq)
{
    const mb_state *mp = std_mb_of_luma(pic, xp, yp);
    const mb_state *mq = std_mb_of_luma(pic, xq, yq);
    int mb_edge = mp != mq;
    int intra_p = mp->type == MB_I4x4 || mp->type == MB_I16x16 || mp->type == MB_PCM;
    int intra_q = mq->type == MB_I4x4 || mq->type == MB_I16x16 || mq->type == MB_PCM;
    if (mb_edge && (intra_p || intra_q))
        return 4;
    if (intra_p || intra_q)
        return 3;
    int bp = std_raster_4x4_of_luma(xp, yp), bq = std_raster_4x4_of_luma(xq, yq);
    if (mp->nnz[bp] != 0 || mq->nnz[bq] != 0)
        return 2;
    /* The pictures each side predicts from, as a set of (picture, vector)
     * pairs regardless of the list that names them. */
    int pics_p[2], pics_q[2], np = 0, nq = 0;
    const int16_t *mvs_p[2], *mvs_q[2];
    for (int list = 0; list < 2; list++) {
        int a = std_ref_pic(pic, mp, list, xp, yp), b = std_ref_pic(pic, mq, list, xq, yq);
        if (a >= 0) {
            pics_p[np] = a;
            mvs_p[np++] = mp->mv[list][bp];
        }
        if (b >= 0) {
            pics_q[nq] = b;
            mvs_q[nq++] = mq->mv[list][bq];
        }
    }
    /* "different reference pictures or a different number of motion vectors" */
    if (np != nq)
        return 1;
    if (np == 1)
        return pics_p[0] != pics_q[0] || std_mv_differ(mvs_p[0], mvs_q[0]);
    int same_order = pics_p[0] == pics_q[0] && pics_p[1] == pics_q[1];
    int swapped = pics_p[0] == pics_q[1] && pics_p[1] == pics_q[0];
    if (!same_order && !swapped)
        return 1;
    if (pics_p[0] != pics_p[1]) {
        /* Two pictures: the vectors used for the same picture differ. */
        if (same_order)
            return std_mv_differ(mvs_p[0], mvs_q[0]) || std_mv_differ(mvs_p[1], mvs_q[1]);
        return std_mv_differ(mvs_p[0], mvs_q[1]) || std_mv_differ(mvs_p[1], mvs_q[0]);
    }
    /* Both vectors of both blocks for one picture: both pairings differ. */
    int straight = std_mv_differ(mvs_p[0], mvs_q[0]) || std_mv_differ(mvs_p[1], mvs_q[1]);
    int crossed = std_mv_differ(mvs_p[0], mvs_q[1]) || std_mv_differ(mvs_p[1], mvs_q[0]);
    return straight && crossed;
}

/* qPp/qPq of 8.7.2.2: I_PCM counts as QPY 0. */
static int std_qp(const mb_state *m, int chroma, int chroma_qp_index_offset)
{
    int qpy = m->type == MB_PCM ? 0 : m->qp;
    return chroma ? std_qpc(qpy, chroma_qp_index_offset) : qpy;
}

/* 8.7.1 for one edge of macroblock (mb_x, mb_y) in plane c: e is xE (vertical)
 * or yE (horizontal) within the macroblock. */
static void std_filter_edge(std_picture *pic, int c, int mb_x, int mb_y, int vertical, int e)
{
    int size = c ? 8 : 16, sub = c ? 2 : 1;
    int chroma = c != 0;
    uint8_t *s = pic->s[c];
    ptrdiff_t st = pic->stride[c];
    for (int k = 0; k < size; k++) {
        /* q0 in plane c; the step from q0 towards q1. */
        int x = mb_x * size + (vertical ? e : k);
        int y = mb_y * size + (vertical ? k : e);
        int dx = vertical, dy = !vertical;
        int p[4], q[4];
        for (int i = 0; i < 4; i++) {
            p[i] = s[(y - (i + 1) * dy) * st + x - (i + 1) * dx];
            q[i] = s[(y + i * dy) * st + x + i * dx];
        }
        /* bS from the luma samples at (SubWidthC * x, SubHeightC * y). */
        int xq = x * sub, yq = y * sub;
        int bS = std_bs(pic, xq - dx, yq - dy, xq, yq);
        const mb_state *mp = std_mb_of_luma(pic, xq - dx, yq - dy);
        const mb_state *mq = std_mb_of_luma(pic, xq, yq);
        int off = pic->prm->chroma_qp_index_offset;
        int qPp = std_qp(mp, chroma, off), qPq = std_qp(mq, chroma, off);
        int qPav = (qPp + qPq + 1) >> 1;
        int indexA = Clip3(0, 51, qPav + pic->prm->alpha_c0_offset);
        int indexB = Clip3(0, 51, qPav + pic->prm->beta_offset);
        int alpha = std_alpha[indexA], beta = std_beta[indexB];
        pic->seen[chroma][bS]++;
        if (!std_filter_samples_flag(p, q, bS, alpha, beta))
            continue;
        int before[8];
        for (int i = 0; i < 4; i++) {
            before[i] = p[i];
            before[4 + i] = q[i];
        }
        std_filter_samples(p, q, chroma, bS == 4, alpha, beta, bS < 4 ? std_tc0[bS - 1][indexA] : 0);
        int diff = 0;
        for (int i = 0; i < 3; i++) {
            diff |= before[i] != p[i] || before[4 + i] != q[i];
            s[(y - (i + 1) * dy) * st + x - (i + 1) * dx] = (uint8_t)p[i];
            s[(y + i * dy) * st + x + i * dx] = (uint8_t)q[i];
        }
        pic->changed[chroma][bS] += diff;
    }
}

/* 8.7: macroblocks in address order; per macroblock luma then chroma, each
 * left edge, internal vertical edges, top edge, internal horizontal edges. */
static void std_deblock_picture(std_picture *pic)
{
    if (pic->prm->disable_idc == 1)
        return;
    for (int addr = 0; addr < pic->mb_width * pic->mb_height; addr++) {
        int mb_x = addr % pic->mb_width, mb_y = addr / pic->mb_width;
        int filter_left = mb_x > 0, filter_top = mb_y > 0;
        for (int c = 0; c < 3; c++) {
            /* Edges of 4x4 blocks: luma 4, 8, 12; 4:2:0 chroma 4. */
            int size = c ? 8 : 16;
            if (filter_left)
                std_filter_edge(pic, c, mb_x, mb_y, 1, 0);
            for (int e = 4; e < size; e += 4)
                std_filter_edge(pic, c, mb_x, mb_y, 1, e);
            if (filter_top)
                std_filter_edge(pic, c, mb_x, mb_y, 0, 0);
            for (int e = 4; e < size; e += 4)
                std_filter_edge(pic, c, mb_x, mb_y, 0, e);
        }
    }
}

/* ---- random inputs ---- */

/* b_picture: references in both lists (some blocks bi-predicted). */
static void random_mb_state(rng *r, mb_state *m, const mb_state *left, int b_picture)
{
    memset(m, 0, sizeof(*m));
    memset(m->ref, -1, sizeof(m->ref));
    int last_inter = b_picture ? MB_B_16x16 : MB_P_8x8;
    m->type = (uint8_t)(rng_chance(r, 30) ? rng_range(r, MB_I4x4, MB_PCM) : rng_range(r, MB_P_SKIP, last_inter));
    m->qp = (int8_t)rng_range(r, 0, 51);
    if (mb_type_is_intra(m->type)) {
        /* Garbage motion that must be ignored. */
        for (int b = 0; b < 16; b++) {
            m->nnz[b] = (uint8_t)(rng_chance(r, 50) ? 0 : rng_range(r, 1, 16));
            m->mv[0][b][0] = (int16_t)rng_range(r, -100, 100);
            m->mv[0][b][1] = (int16_t)rng_range(r, -100, 100);
        }
        return;
    }
    /* Vectors near a few bases, sometimes the left neighbour's, so that
     * differences on both sides of 4 occur inside and across macroblocks. */
    int uniform_ref = rng_chance(r, 60), noisy = rng_chance(r, 50);
    int lists = b_picture ? rng_range(r, 1, 3) : 1;
    for (int list = 0; list < 2; list++) {
        if (!(lists & (1 << list)))
            continue;
        int base_x = rng_range(r, -2, 2) * 3, base_y = rng_range(r, -2, 2) * 3;
        if (left && left->ref[list][1] >= 0 && rng_chance(r, 40)) {
            base_x = left->mv[list][3][0];
            base_y = left->mv[list][3][1];
        }
        for (int i = 0; i < 4; i++)
            m->ref[list][i] = (int8_t)(uniform_ref ? 0 : rng_range(r, 0, 2));
        for (int b = 0; b < 16; b++) {
            m->mv[list][b][0] = (int16_t)(base_x + (noisy ? rng_range(r, -5, 5) : 0));
            m->mv[list][b][1] = (int16_t)(base_y + (noisy ? rng_range(r, -5, 5) : 0));
        }
    }
    for (int b = 0; b < 16; b++)
        if (m->type != MB_P_SKIP && m->type != MB_B_SKIP && rng_chance(r, 25))
            m->nnz[b] = (uint8_t)rng_range(r, 1, 16);
    for (int c = 16; c < 24; c++)
        m->nnz[c] = (uint8_t)rng_range(r, 0, 3); /* chroma counts play no part */
}

/* Flat-ish 4x4 blocks with steps between them (what the filter is for),
 * noise, some random jumps and some values near 0 and 255 for Clip1. */
static void random_plane(rng *r, uint8_t *p, ptrdiff_t stride, int w, int h, int pad)
{
    int noise = rng_range(r, 0, 3);
    int base = rng_range(r, 0, 255);
    for (int by = 0; by < h; by += 4)
        for (int bx = 0; bx < w; bx += 4) {
            int kind = rng_range(r, 0, 99);
            if (kind < 10)
                base = rng_range(r, 0, 255);
            else if (kind < 15)
                base = rng_chance(r, 50) ? rng_range(r, 0, 6) : rng_range(r, 249, 255);
            else
                base = Clip3(0, 255, base + rng_range(r, -14, 14));
            for (int y = by; y < by + 4; y++)
                for (int x = bx; x < bx + 4; x++)
                    p[y * stride + x] = (uint8_t)Clip1(base + rng_range(r, -noise, noise));
        }
    for (int y = 0; y < h; y++)
        for (int x = w; x < w + pad; x++)
            p[y * stride + x] = (uint8_t)rng_next(r);
}

/* ---- picture tests ---- */

typedef struct frame_buf {
    uint8_t *buf[3];
    ptrdiff_t stride[3];
    size_t size[3];
} frame_buf;

static int frame_buf_alloc(frame_buf *f, int w, int h, int pad)
{
    for (int c = 0; c < 3; c++) {
        int pw = c ? w / 2 : w, ph = c ? h / 2 : h;
        f->stride[c] = pw + (c ? pad / 2 : pad);
        f->size[c] = (size_t)(f->stride[c] * ph);
        f->buf[c] = malloc(f->size[c]);
        if (!f->buf[c])
            return -1;
    }
    return 0;
}

static void frame_buf_free(frame_buf *f)
{
    for (int c = 0; c < 3; c++)
        free(f->buf[c]);
}

static int frame_equal(const frame_buf *a, const frame_buf *b, int *first_plane, long *first_offset)
{
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < a->size[c]; i++)
            if (a->buf[c][i] != b->buf[c][i]) {
                *first_plane = c;
                *first_offset = (long)i;
                return 0;
            }
    return 1;
}

static void run_deblock(const deblock_dsp *dsp, const deblock_params *prm, frame_buf *f, const mb_state *mbs,
                        int mb_width, int mb_height)
{
    for (int y = 0; y < mb_height; y++)
        deblock_mb_row(dsp, prm, f->buf, f->stride, mbs, mb_width, mb_height, y);
}

/* Filters pic (which must hold w x h pictures) both ways; adds the
 * reference's coverage counts to cov. Returns 1 when bit-identical. */
static int compare_deblock(tally *t, const char *label, const deblock_dsp *dsp, const deblock_params *prm,
                           const frame_buf *pic, const mb_state *mbs, int w, int h, std_picture *cov)
{
    int mb_width = w / 16, mb_height = h / 16;
    frame_buf got, want;
    if (frame_buf_alloc(&got, w, h, (int)(pic->stride[0] - w)) ||
        frame_buf_alloc(&want, w, h, (int)(pic->stride[0] - w))) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int c = 0; c < 3; c++) {
        memcpy(got.buf[c], pic->buf[c], pic->size[c]);
        memcpy(want.buf[c], pic->buf[c], pic->size[c]);
    }
    std_picture ref = {
        .s = { want.buf[0], want.buf[1], want.buf[2] },
        .stride = { want.stride[0], want.stride[1], want.stride[2] },
        .mbs = mbs, .mb_width = mb_width, .mb_height = mb_height, .prm = prm,
    };
    std_deblock_picture(&ref);
    run_deblock(dsp, prm, &got, mbs, mb_width, mb_height);
    int plane = 0;
    long offset = 0;
    int equal = frame_equal(&got, &want, &plane, &offset);
    CHECK(t, equal, "%s (%dx%d, idc %d, offsets %d/%d, cqp %d): plane %d differs at x %ld, y %ld: %d, want %d",
          label, w, h, prm->disable_idc, prm->alpha_c0_offset, prm->beta_offset, prm->chroma_qp_index_offset,
          plane, offset % got.stride[plane], offset / got.stride[plane], equal ? 0 : got.buf[plane][offset],
          equal ? 0 : want.buf[plane][offset]);
    if (cov)
        for (int c = 0; c < 2; c++)
            for (int b = 0; b < 5; b++) {
                cov->seen[c][b] += ref.seen[c][b];
                cov->changed[c][b] += ref.changed[c][b];
            }
    frame_buf_free(&got);
    frame_buf_free(&want);
    return equal;
}

/* compare_deblock() with the C kernels, and again with the SIMD ones the
 * CPU has (simd NULL when there are none), which checkasm compares with C
 * only kernel by kernel. */
static void compare_both(tally *t, const char *label, const deblock_dsp *c, const deblock_dsp *simd,
                         const deblock_params *prm, const frame_buf *pic, const mb_state *mbs, int w, int h,
                         std_picture *cov)
{
    compare_deblock(t, label, c, prm, pic, mbs, w, h, cov);
    if (simd) {
        char simd_label[96];
        snprintf(simd_label, sizeof(simd_label), "%s (SIMD)", label);
        compare_deblock(t, simd_label, simd, prm, pic, mbs, w, h, NULL);
    }
}

/* The kernels cpu_detect() selects, or NULL if they are the C ones. */
static const deblock_dsp *simd_dsp(deblock_dsp *simd, const deblock_dsp *c)
{
    memset(simd, 0, sizeof(*simd));
    deblock_dsp_init(simd, cpu_detect());
    return memcmp(simd, c, sizeof(*simd)) ? simd : NULL;
}

static int test_pictures(rng *r)
{
    tally t = { "deblock_picture", 0, 0 };
    static const struct { int w, h, iterations; } sizes[] = {
        { 16, 16, 300 }, { 48, 32, 150 }, { 176, 144, 20 },
    };
    deblock_dsp dsp, simd_storage;
    memset(&dsp, 0, sizeof(dsp));
    deblock_dsp_init(&dsp, 0);
    const deblock_dsp *simd = simd_dsp(&simd_storage, &dsp);
    std_picture cov = { .mbs = NULL };

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        int w = sizes[s].w, h = sizes[s].h;
        int mb_width = w / 16, mb_height = h / 16;
        mb_state *mbs = calloc((size_t)(mb_width * mb_height), sizeof(*mbs));
        for (int it = 0; it < sizes[s].iterations; it++) {
            int pad = it % 3 == 0 ? 0 : rng_range(r, 1, 20) * 2;
            frame_buf orig, got;
            if (!mbs || frame_buf_alloc(&orig, w, h, pad) || frame_buf_alloc(&got, w, h, pad)) {
                fprintf(stderr, "out of memory\n");
                exit(1);
            }
            for (int c = 0; c < 3; c++) {
                int pw = c ? w / 2 : w, ph = c ? h / 2 : h;
                random_plane(r, orig.buf[c], orig.stride[c], pw, ph, (int)orig.stride[c] - pw);
                memcpy(got.buf[c], orig.buf[c], orig.size[c]);
            }
            /* Every other picture is a B picture whose lists name some
             * pictures twice (the same picture through list 0 and list 1,
             * or twice in one list), which bS must see as one picture. */
            int b_picture = it & 1;
            for (int i = 0; i < mb_width * mb_height; i++)
                random_mb_state(r, &mbs[i], i % mb_width ? &mbs[i - 1] : NULL, b_picture);
            static const int8_t l0_pics[3] = { 4, 2, 4 }, l1_pics[3] = { 2, 7, 4 };
            deblock_params prm = {
                .disable_idc = rng_chance(r, 20) ? 2 : 0,
                .alpha_c0_offset = 2 * rng_range(r, -6, 6),
                .beta_offset = 2 * rng_range(r, -6, 6),
                .chroma_qp_index_offset = rng_range(r, -12, 12),
                .ref_pic = { b_picture ? l0_pics : NULL, b_picture ? l1_pics : NULL },
            };
            char label[64];
            snprintf(label, sizeof(label), "random picture %d", it);
            compare_both(&t, label, &dsp, simd, &prm, &orig, mbs, w, h, &cov);

            /* disable_deblocking_filter_idc 1 leaves the picture alone. */
            prm.disable_idc = 1;
            run_deblock(&dsp, &prm, &got, mbs, mb_width, mb_height);
            int plane = 0;
            long offset = 0;
            CHECK(&t, frame_equal(&got, &orig, &plane, &offset), "%dx%d iteration %d: idc 1 changed plane %d",
                  w, h, it, plane);
            frame_buf_free(&orig);
            frame_buf_free(&got);
        }
        free(mbs);
    }
    for (int c = 0; c < 2; c++)
        printf("  %s lines by bS 0..4: seen %ld %ld %ld %ld %ld, changed - %ld %ld %ld %ld\n", c ? "chroma" : "luma  ",
               cov.seen[c][0], cov.seen[c][1], cov.seen[c][2], cov.seen[c][3], cov.seen[c][4], cov.changed[c][1],
               cov.changed[c][2], cov.changed[c][3], cov.changed[c][4]);
    /* The inputs must reach every strength, and filtering must change
     * samples at each nonzero one, in luma and chroma; else the comparison
     * above proves little. */
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < 5; b++) {
            CHECK(&t, cov.seen[c][b] > 100, "%s bS %d reached on only %ld lines", c ? "chroma" : "luma", b,
                  cov.seen[c][b]);
            if (b)
                CHECK(&t, cov.changed[c][b] > 100, "%s bS %d changed only %ld lines", c ? "chroma" : "luma", b,
                      cov.changed[c][b]);
        }
    return report(&t);
}

/* Random pictures rarely land exactly on a threshold, so probe each
 * indexA/indexB with one step edge per plane whose size sits just below
 * and at alpha, the strong filter's (alpha >> 2) + 2, with p1/q1 just below
 * and at beta, and large enough for tC to clip. Two macroblocks (32x16):
 * the probed edge is the internal one at luma x 8 / chroma x 4 (bS 1..3) or
 * the macroblock edge at x 16 / 8 (bS 4); everything else is flat. */
static void probe_picture(frame_buf *f, int bs, int a, int d, int side_step)
{
    for (int c = 0; c < 3; c++) {
        int pw = c ? 16 : 32, ph = c ? 8 : 16;
        int edge = bs == 4 ? pw / 2 : pw / 4;
        for (int y = 0; y < ph; y++)
            for (int x = 0; x < pw; x++) {
                int v = x < edge ? a : a + d;
                if (x == edge - 2)
                    v -= side_step; /* p1: |p1 - p0| = side_step */
                if (x == edge + 1 && (y & 1))
                    v += side_step; /* q1 on odd lines */
                f->buf[c][y * f->stride[c] + x] = (uint8_t)Clip1(v);
            }
    }
}

static int test_thresholds(rng *r)
{
    tally t = { "deblock_threshold", 0, 0 };
    deblock_dsp dsp, simd_storage;
    memset(&dsp, 0, sizeof(dsp));
    deblock_dsp_init(&dsp, 0);
    const deblock_dsp *simd = simd_dsp(&simd_storage, &dsp);
    frame_buf f;
    if (frame_buf_alloc(&f, 32, 16, 0)) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    std_picture cov = { .mbs = NULL };
    for (int index = 0; index <= 51; index++) {
        for (int bs = 1; bs <= 4; bs++) {
            mb_state mbs[2];
            memset(mbs, 0, sizeof(mbs));
            for (int m = 0; m < 2; m++) {
                mbs[m].type = MB_P_16x16;
                mbs[m].qp = (int8_t)index;
                memset(mbs[m].ref[1], -1, sizeof(mbs[m].ref[1]));
            }
            if (bs == 1)
                for (int b = 0; b < 16; b++)
                    mbs[0].mv[0][b][0] = (int16_t)((b & 3) >= 2 ? 4 : 0); /* only the edge at x 8 */
            if (bs == 2)
                for (int b = 2; b < 16; b += 4)
                    mbs[0].nnz[b] = 1;
            if (bs == 3)
                mbs[0].type = MB_I16x16;
            if (bs == 4)
                mbs[1].type = MB_I4x4;
            /* indexA = indexB = qp; chroma maps it through a random offset. */
            deblock_params prm = { .disable_idc = 0, .chroma_qp_index_offset = rng_range(r, -12, 12) };
            int alpha = std_alpha[index], beta = std_beta[index];
            const int steps[][2] = {
                { alpha - 1, 0 }, { alpha, 0 }, { (alpha >> 2) + 1, 0 }, { (alpha >> 2) + 2, 0 },
                { 2, beta - 1 }, { 2, beta }, { alpha - 1, beta - 1 }, { alpha / 2, 1 },
            };
            for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
                int d = steps[s][0], step = steps[s][1];
                if (d < 0 || step < 0)
                    continue;
                for (int sign = -1; sign <= 1; sign += 2) {
                    if (d > 255)
                        continue;
                    int a = sign > 0 ? rng_range(r, 0, 255 - d) : rng_range(r, d, 255);
                    probe_picture(&f, bs, a, sign * d, step);
                    char label[80];
                    snprintf(label, sizeof(label), "index %d bS %d step %d side %d", index, bs, sign * d, step);
                    compare_both(&t, label, &dsp, simd, &prm, &f, mbs, 32, 16, &cov);
                }
            }
        }
    }
    frame_buf_free(&f);
    /* The probes must filter at each strength. */
    for (int b = 1; b < 5; b++)
        CHECK(&t, cov.changed[0][b] > 100 && cov.changed[1][b] > 100, "bS %d changed %ld/%ld lines", b,
              cov.changed[0][b], cov.changed[1][b]);
    return report(&t);
}

/* ---- kernel tests ---- */

enum { KW = 24, KH = 24, KEDGE = 8 };

/* A macroblock at (KEDGE, KEDGE) of a KW x KH buffer with its neighbours:
 * 4x4 blocks of nearby levels with noise, so the lines across each of its
 * edges step by various amounts and all branches of the filters occur. */
static void random_mb_buffer(rng *r, uint8_t *buf)
{
    int base = rng_range(r, 0, 255), jump = rng_range(r, 0, 40), noise = rng_range(r, 0, 6);
    for (int by = 0; by < KH; by += 4)
        for (int bx = 0; bx < KW; bx += 4) {
            int level = Clip1(base + rng_range(r, -jump, jump));
            for (int y = by; y < by + 4; y++)
                for (int x = bx; x < bx + 4; x++)
                    buf[y * KW + x] = (uint8_t)Clip1(level + rng_range(r, -noise, noise));
        }
}

/* Applies the standard's line filter to the lines of each edge a kernel
 * filters, in the same order. */
static void std_kernel(uint8_t *buf, int vertical, int chroma, const deblock_edges *e)
{
    int lines = chroma ? 8 : 16, per_tc = chroma ? 2 : 4, edges = chroma ? 2 : 4;
    for (int edge = 0; edge < edges; edge++) {
        if (e->mode[edge] == DEBLOCK_SKIP)
            continue;
        int strong = e->mode[edge] == DEBLOCK_STRONG;
        int alpha = e->alpha[edge > 0], beta = e->beta[edge > 0];
        for (int k = 0; k < lines; k++) {
            int x = vertical ? KEDGE + 4 * edge : KEDGE + k;
            int y = vertical ? KEDGE + k : KEDGE + 4 * edge;
            int dx = vertical, dy = !vertical;
            int p[4], q[4];
            for (int i = 0; i < 4; i++) {
                p[i] = buf[(y - (i + 1) * dy) * KW + x - (i + 1) * dx];
                q[i] = buf[(y + i * dy) * KW + x + i * dx];
            }
            int tc = strong ? 0 : e->tc0[edge][k / per_tc];
            int bS = strong ? 4 : tc < 0 ? 0 : 1; /* only zero or not matters here */
            if (!std_filter_samples_flag(p, q, bS, alpha, beta))
                continue;
            std_filter_samples(p, q, chroma, strong, alpha, beta, tc);
            for (int i = 0; i < 3; i++) {
                buf[(y - (i + 1) * dy) * KW + x - (i + 1) * dx] = (uint8_t)p[i];
                buf[(y + i * dy) * KW + x + i * dx] = (uint8_t)q[i];
            }
        }
    }
}

static int test_kernels(rng *r)
{
    tally t = { "deblock_kernels", 0, 0 };
    deblock_dsp dsp;
    memset(&dsp, 0, sizeof(dsp));
    deblock_dsp_init(&dsp, 0);
    /* One of the two pointers is set per kernel; the chroma kernels filter
     * a Cb and a Cr buffer. */
    const struct {
        const char *name;
        deblock_luma_fn luma;
        deblock_chroma_fn chroma;
        int vertical;
    } k[] = {
        { "luma_v", dsp.luma_v, NULL, 1 },
        { "luma_h", dsp.luma_h, NULL, 0 },
        { "chroma_v", NULL, dsp.chroma_v, 1 },
        { "chroma_h", NULL, dsp.chroma_h, 0 },
    };
    for (size_t f = 0; f < sizeof(k) / sizeof(k[0]); f++) {
        CHECK(&t, k[f].luma || k[f].chroma, "%s is not set", k[f].name);
        if (!k[f].luma && !k[f].chroma)
            continue;
        const int chroma = k[f].chroma != NULL, planes = chroma ? 2 : 1;
        long changed = 0, strong_changed = 0;
        for (int it = 0; it < 3000; it++) {
            uint8_t got[2][KW * KH], want[2][KW * KH], orig[2][KW * KH];
            for (int c = 0; c < planes; c++) {
                random_mb_buffer(r, got[c]);
                memcpy(want[c], got[c], sizeof(got[c]));
                memcpy(orig[c], got[c], sizeof(got[c]));
            }
            /* Per edge a mode, the macroblock edge's thresholds and the
             * internal ones, and tc0. */
            deblock_edges e;
            int index_a = 0;
            for (int th = 0; th < 2; th++) {
                index_a = rng_range(r, 0, 51);
                int index_b = rng_range(r, 0, 51);
                e.alpha[th] = std_alpha[index_a];
                e.beta[th] = std_beta[index_b];
                if (rng_chance(r, 10)) { /* the kernels must not depend on the tables */
                    e.alpha[th] = rng_range(r, 0, 255);
                    e.beta[th] = rng_range(r, 0, 18);
                }
            }
            for (int edge = 0; edge < 4; edge++) {
                int m = rng_range(r, 0, 7);
                e.mode[edge] = (uint8_t)(m < 2 ? DEBLOCK_SKIP : !edge && m < 5 ? DEBLOCK_STRONG : DEBLOCK_NORMAL);
                for (int i = 0; i < 4; i++)
                    e.tc0[edge][i] = (int8_t)(rng_chance(r, 15) ? -1 : std_tc0[rng_range(r, 0, 2)][index_a]);
            }
            uint8_t *cb = got[0] + KEDGE * KW + KEDGE, *cr = got[1] + KEDGE * KW + KEDGE;
            if (chroma)
                k[f].chroma(cb, KW, cr, KW, &e);
            else
                k[f].luma(cb, KW, &e);
            int diff = 0, buffer_changed = 0;
            for (int c = 0; c < planes; c++) {
                std_kernel(want[c], k[f].vertical, chroma, &e);
                diff |= memcmp(got[c], want[c], sizeof(got[c]));
                buffer_changed |= memcmp(orig[c], got[c], sizeof(got[c]));
            }
            CHECK(&t, !diff, "%s iteration %d (modes %d %d %d %d, alpha %d %d, beta %d %d)", k[f].name, it,
                  e.mode[0], e.mode[1], e.mode[2], e.mode[3], e.alpha[0], e.alpha[1], e.beta[0], e.beta[1]);
            changed += buffer_changed != 0;
            strong_changed += buffer_changed && e.mode[0] == DEBLOCK_STRONG;
        }
        /* Most buffers should be filtered somewhere, with the strong filter
         * among them, or the test is vacuous. */
        CHECK(&t, changed > 1000 && strong_changed > 300, "%s changed only %ld of 3000 buffers (%ld with bS 4)",
              k[f].name, changed, strong_changed);
    }
    return report(&t);
}

/* The tables themselves against a few properties the standard states:
 * alpha and beta grow with the index and tC0 with bS and the index. This
 * is a cross-check of the transcription, independent of deblock.c. */
static int test_tables(void)
{
    tally t = { "deblock_tables", 0, 0 };
    for (int i = 1; i < 52; i++) {
        CHECK(&t, std_alpha[i] >= std_alpha[i - 1] && std_beta[i] >= std_beta[i - 1], "index %d", i);
        for (int b = 0; b < 3; b++)
            CHECK(&t, std_tc0[b][i] >= std_tc0[b][i - 1], "tc0 bS %d index %d", b + 1, i);
    }
    for (int i = 0; i < 52; i++)
        CHECK(&t, std_tc0[0][i] <= std_tc0[1][i] && std_tc0[1][i] <= std_tc0[2][i], "tc0 index %d", i);
    for (int qp = 0; qp <= 51; qp++)
        for (int off = -12; off <= 12; off++)
            CHECK(&t, chroma_qp_for(qp, off) == std_qpc(qp, off), "QPc(%d, %d)", qp, off);
    return report(&t);
}

int main(void)
{
    rng r = { 0x6d2b79f5u };
    int failed = 0;
    failed |= test_tables();
    failed |= test_kernels(&r);
    failed |= test_thresholds(&r);
    failed |= test_pictures(&r);
    printf("%s\n", failed ? "FAILED" : "all passed");
    return failed;
}
