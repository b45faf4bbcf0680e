/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Motion compensation (8.4.2.2): the luma half-pel planes, quarter-pel luma
 * and eighth-pel chroma prediction, frame border extension, and block copy
 * and average. The C versions live in mc.c; SIMD versions will overwrite
 * table entries in mc_dsp_init() according to the CPU flags.
 *
 * Reads outside the picture. The standard clamps every integer sample
 * coordinate to the picture (8-228..8-231, 8-264..8-267). frame_expand_border()
 * replicates the edges into the padding, which gives every padded position
 * exactly its clamped value, so no kernel here clamps anything; instead each
 * documents how far it reads:
 *
 *  - hpel_filter() computes its three planes for the width x height area it
 *    is given and reads the source MC_HPEL_READ_BEFORE (2) rows and columns
 *    before it and MC_HPEL_READ_AFTER (3) after it. For a frame with border
 *    pad, pass the area that extends MC_HPEL_MARGIN(pad) = pad - 3 beyond
 *    the picture on every side (see MC_HPEL_MARGIN's comment).
 *  - get_luma() reads rows and columns (mv >> 2) .. (mv >> 2) + size,
 *    inclusive, of all four planes, relative to the block.
 *  - mc_chroma() reads (mv >> 3) .. (mv >> 3) + size, inclusive.
 *
 * Hence the motion vector reach: with the half-pel planes computed as above,
 * a luma block at (bx, by) of size w x h in a W x H picture is predicted
 * exactly when its integer-displaced position x0 = bx + (mvx >> 2),
 * y0 = by + (mvy >> 2) satisfies
 *     -MC_MV_REACH(pad) <= x0  and  x0 + w <= W + MC_MV_REACH(pad)
 * and the same vertically; MC_MV_REACH(FRAME_PAD_LUMA) = 44. The chroma
 * block of a vector within that reach stays within FRAME_PAD_CHROMA =
 * FRAME_PAD_LUMA / 2 (it needs at most 23 of the 24 columns). Motion
 * search must clamp its vectors to this reach; vectors it did not choose
 * (P_Skip, predictors) must be checked against it too.
 */
#ifndef HWENC_CPU_MC_H
#define HWENC_CPU_MC_H

#include <stddef.h>
#include <stdint.h>

#define MC_HPEL_READ_BEFORE 2
#define MC_HPEL_READ_AFTER 3
/* How far beyond the picture to compute the half-pel planes of a frame with
 * border pad: the widest area whose filter taps stay in the padding. The
 * caller offsets all four pointers by MC_HPEL_MARGIN(pad) * (stride + 1)
 * backwards and passes width + 2 * MC_HPEL_MARGIN(pad), likewise for height. */
#define MC_HPEL_MARGIN(pad) ((pad) - MC_HPEL_READ_AFTER)
/* Integer-pel distance a luma block may reach beyond the picture edges; one
 * less than the margin because sub-pel positions read one sample further. */
#define MC_MV_REACH(pad) (MC_HPEL_MARGIN(pad) - 1)

/* dst_h: b (horizontal half, at x + 1/2), dst_v: h (vertical half, at
 * y + 1/2), dst_c: j (centre, at x + 1/2, y + 1/2). All share stride with
 * src. */
#define decl_hpel_filter_fn(name) \
    void (name)(uint8_t *dst_h, uint8_t *dst_v, uint8_t *dst_c, const uint8_t *src, ptrdiff_t stride, \
                int width, int height)
typedef decl_hpel_filter_fn(*hpel_filter_fn);

/* Replicates the edge samples of rows y0 .. y1 - 1 of a width x height
 * plane into pad samples left and right; with y0 == 0 it also fills the pad
 * rows above from the widened row 0, with y1 == height those below from the
 * widened last row (corners included). Calls over row ranges that
 * partition the plane border it all, so each slice thread can border the
 * rows it has finished. */
#define decl_frame_expand_border_fn(name) \
    void (name)(uint8_t *plane, ptrdiff_t stride, int width, int height, int y0, int y1, int pad)
typedef decl_frame_expand_border_fn(*frame_expand_border_fn);

/* Quarter-pel luma prediction of a w x h block (16x16 .. 4x4). planes are
 * { full, b, h, j }, each pointing at the block's integer position in the
 * reference; mvx, mvy are quarter-pel, relative to that position. */
#define decl_get_luma_fn(name) \
    void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *const planes[4], ptrdiff_t stride, \
                int mvx, int mvy, int w, int h)
typedef decl_get_luma_fn(*get_luma_fn);

/* Eighth-pel 4:2:0 chroma prediction of a w x h block (w, h in {8, 4, 2}).
 * src points at the block's integer chroma position; mvx, mvy are the luma
 * quarter-pel vector, which is the chroma eighth-pel vector in frame coding. */
#define decl_mc_chroma_fn(name) \
    void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src, ptrdiff_t src_stride, \
                int mvx, int mvy, int w, int h)
typedef decl_mc_chroma_fn(*mc_chroma_fn);

/* dst = (src1 + src2 + 1) >> 1. */
#define decl_pixel_avg_fn(name) \
    void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src1, ptrdiff_t src1_stride, \
                const uint8_t *src2, ptrdiff_t src2_stride, int w, int h)
typedef decl_pixel_avg_fn(*pixel_avg_fn);

#define decl_pixel_copy_fn(name) \
    void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src, ptrdiff_t src_stride, int w, int h)
typedef decl_pixel_copy_fn(*pixel_copy_fn);

/* Half-size picture for analysis: dst[x] of row y is the rounded mean of
 * the 2x2 block at (2x, 2y) of src, for w outputs per row and h rows. */
#define decl_downscale_2x2_fn(name) \
    void (name)(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src, ptrdiff_t src_stride, int w, int h)
typedef decl_downscale_2x2_fn(*downscale_2x2_fn);

typedef struct mc_dsp {
    hpel_filter_fn hpel_filter;
    frame_expand_border_fn frame_expand_border;
    get_luma_fn get_luma;
    mc_chroma_fn mc_chroma;
    pixel_avg_fn pixel_avg;
    pixel_copy_fn pixel_copy;
    downscale_2x2_fn downscale_2x2;
} mc_dsp;

void mc_dsp_init(mc_dsp *dsp, uint32_t cpu_flags);

/* Table 8-12: where each quarter-pel luma position, indexed by
 * (yFrac << 2) | xFrac, takes its samples: plane[i] of { full, b, h, j }
 * moved by (dx[i], dy[i]) samples, averaged if `averaged`, else plane[0]
 * alone (plane[1] then repeats it). */
typedef struct mc_qpel_source {
    uint8_t plane[2];
    uint8_t dx[2], dy[2];
    uint8_t averaged;
} mc_qpel_source;

extern const mc_qpel_source mc_qpel_table[16];

/*
 * The half-pel planes { b, h, j } of rows y0 .. y1 - 1 of a width x height
 * picture whose full-pel plane (stride shared with the half-pel planes) is
 * bordered by pad, made valid over MC_HPEL_MARGIN(pad) around the picture.
 * Non-empty row ranges partitioning -MC_HPEL_CORE .. height + MC_HPEL_CORE
 * cover it all, in any order; the first and last range also fill the
 * margin above and below. The
 * source rows the filter reads (MC_HPEL_READ_BEFORE above y0,
 * MC_HPEL_READ_AFTER below y1) must be final and bordered.
 *
 * Beyond MC_HPEL_CORE samples outside the picture every tap of the filter
 * reads the same clamped sample in that direction, so each half-pel plane
 * is constant there along it: the filter runs on the picture plus that core
 * margin, and border replication makes the rest, exactly.
 */
#define MC_HPEL_CORE 3
void mc_hpel_rows(const mc_dsp *dsp, uint8_t *const hpel[3], const uint8_t *full, ptrdiff_t stride, int width,
                  int height, int y0, int y1, int pad);

/* Where the quarter-pel luma samples at (mvx, mvy) come from: *a and *b
 * point at the two blocks of the planes they average (8-250..8-261), each
 * with the planes' stride. Full- and half-pel positions are one plane's
 * samples: then *b == *a and the return is 0, else 1. */
static inline int mc_qpel_sources(const uint8_t *const planes[4], ptrdiff_t stride, int mvx, int mvy,
                                  const uint8_t **a, const uint8_t **b)
{
    const mc_qpel_source *q = &mc_qpel_table[((mvy & 3) << 2) | (mvx & 3)];
    /* Arithmetic shifts floor, as the standard's >> does for negative vectors. */
    const ptrdiff_t off = (ptrdiff_t)(mvy >> 2) * stride + (mvx >> 2);
    *a = planes[q->plane[0]] + off + q->dy[0] * stride + q->dx[0];
    *b = planes[q->plane[1]] + off + q->dy[1] * stride + q->dx[1];
    return q->averaged;
}

/* The luma prediction of a w x h block at a quarter-pel vector for motion
 * search, without copying where it can: full- and half-pel positions are
 * one plane's samples, so a pointer into that plane is returned; the other
 * positions average two planes into buf. *out_stride is the stride of the
 * returned block. Same samples as get_luma. */
const uint8_t *mc_get_ref(const mc_dsp *dsp, uint8_t *buf, ptrdiff_t buf_stride, ptrdiff_t *out_stride,
                          const uint8_t *const planes[4], ptrdiff_t stride, int mvx, int mvy, int w, int h);

#endif
