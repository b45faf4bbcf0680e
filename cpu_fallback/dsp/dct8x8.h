/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The 8x8 transform of the High profile: the forward integer transform,
 * its normative inverse (8.5.13), the 8x8 frame zigzag (Table 8-13),
 * quantisation and the flat-matrix dequantisation (8.5.13.1), and the
 * 8x8 Hadamard cost (SA8D) that chooses between 4x4 and 8x8 transforms.
 * Coefficients are in raster order, dct[8 * y + x], y the vertical
 * frequency.
 */
#ifndef HWENC_CPU_DCT8X8_H
#define HWENC_CPU_DCT8X8_H

#include <stddef.h>
#include <stdint.h>

#define decl_sub8x8_dct8_fn(name) \
    void (name)(int16_t dct[64], const uint8_t *src, ptrdiff_t src_stride, const uint8_t *pred, ptrdiff_t pred_stride)
typedef decl_sub8x8_dct8_fn(*sub8x8_dct8_fn);
#define decl_add8x8_idct8_fn(name) void (name)(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[64])
typedef decl_add8x8_idct8_fn(*add8x8_idct8_fn);
#define decl_zigzag_scan_8x8_fn(name) void (name)(int16_t out[64], const int16_t in[64])
typedef decl_zigzag_scan_8x8_fn(*zigzag_scan_8x8_fn);
#define decl_quant_8x8_fn(name) int (name)(int16_t dct[64], const uint16_t mf[64], uint32_t bias, int qbits)
typedef decl_quant_8x8_fn(*quant_8x8_fn);
#define decl_dequant_8x8_fn(name) void (name)(int16_t dct[64], const uint8_t dequant[64], int qp)
typedef decl_dequant_8x8_fn(*dequant_8x8_fn);
#define decl_sa8d_fn(name) int (name)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
typedef decl_sa8d_fn(*sa8d_fn);

typedef struct dct8_dsp {
    /* dct = forward transform of (src - pred). */
    sub8x8_dct8_fn sub8x8_dct8;
    /* dst = clip(dst + (inverse transform of dct + 32) >> 6); dct holds
     * dequantised coefficients and is left unchanged. */
    add8x8_idct8_fn add8x8_idct8;
    /* out[i] = in[zigzag_scan_8x8[i]]. */
    zigzag_scan_8x8_fn zigzag_scan_8x8;
    /* In place, as quant_4x4 does, with qbits = 16 + qp / 6. Returns
     * nonzero if any level is nonzero. */
    quant_8x8_fn quant_8x8;
    /* In place: 8.5.13.1 with LevelScale8x8 = 16 * dequant[i]. */
    dequant_8x8_fn dequant_8x8;
    /* Sum of |8x8 Hadamard transform| of (a - b), (sum + 2) >> 2: on the
     * scale of SATD's 4x4 sums halved. */
    sa8d_fn sa8d_8x8;
} dct8_dsp;

extern const uint8_t zigzag_scan_8x8[64];

/* Per qp % 6: the quantiser's factor (x264's, matching the forward
 * transform's norms) and normAdjust8x8 (Table 8-16... 8-317), by raster
 * position. */
typedef struct quant8_tables {
    uint16_t mf[6][64];
    uint8_t dequant[6][64];
} quant8_tables;

void quant8_tables_init(quant8_tables *t);
void dct8_dsp_init(dct8_dsp *dsp, uint32_t cpu_flags);

#endif
