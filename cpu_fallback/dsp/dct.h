/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * H.264 4x4 integer transform (8.5.12), the Intra16x16 luma DC Hadamard and
 * the 2x2 chroma DC transform, and the zigzag scan. Coefficient blocks are
 * raster order: dct[4 * row + column]. The DC transforms saturate their
 * outputs to int16 (reached only by non-conforming inputs).
 */
#ifndef HWENC_CPU_DCT_H
#define HWENC_CPU_DCT_H

#include <stddef.h>
#include <stdint.h>

#define decl_sub4x4_dct_fn(name) \
    void (name)(int16_t dct[16], const uint8_t *src, ptrdiff_t src_stride, const uint8_t *pred, ptrdiff_t pred_stride)
typedef decl_sub4x4_dct_fn(*sub4x4_dct_fn);
#define decl_add4x4_idct_fn(name) void (name)(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[16])
typedef decl_add4x4_idct_fn(*add4x4_idct_fn);
#define decl_sub8x8_dct_fn(name) \
    void (name)(int16_t dct[4][16], const uint8_t *src, ptrdiff_t src_stride, const uint8_t *pred, \
                ptrdiff_t pred_stride)
typedef decl_sub8x8_dct_fn(*sub8x8_dct_fn);
#define decl_add8x8_idct_fn(name) void (name)(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[4][16])
typedef decl_add8x8_idct_fn(*add8x8_idct_fn);
#define decl_dct4x4dc_fn(name) void (name)(int16_t dc[16])
typedef decl_dct4x4dc_fn(*dct4x4dc_fn);
#define decl_dct2x2dc_fn(name) void (name)(int16_t dc[4])
typedef decl_dct2x2dc_fn(*dct2x2dc_fn);
#define decl_zigzag_scan_4x4_fn(name) void (name)(int16_t out[16], const int16_t in[16])
typedef decl_zigzag_scan_4x4_fn(*zigzag_scan_4x4_fn);

typedef struct dct_dsp {
    /* dct = forward core transform of (src - pred), 4x4. */
    sub4x4_dct_fn sub4x4_dct;
    /* dst = clip(dst + ((inverse transform of dct) + 32) >> 6); dct holds
     * dequantised coefficients (8.5.12.2). dct is left unchanged. */
    add4x4_idct_fn add4x4_idct;
    /* The two above for the four 4x4 blocks of an 8x8 block at once;
     * dct[b] is block b in raster order (b = 2 * row + column). */
    sub8x8_dct_fn sub8x8_dct;
    add8x8_idct_fn add8x8_idct;
    /* Forward 4x4 Hadamard of the 16 luma DC values, each output halved
     * with rounding ((x + 1) >> 1), as the reference encoder does. */
    dct4x4dc_fn dct4x4dc;
    /* Inverse 4x4 Hadamard (8.5.10, without the scaling). */
    dct4x4dc_fn idct4x4dc;
    /* Inverse 2x2 chroma DC transform (8-330, without the scaling). The
     * forward one, the same matrix, is part of quant_chroma_dc. */
    dct2x2dc_fn idct2x2dc;
    /* out[i] = in[zigzag_4x4[i]] (frame scan, 8.5.6). */
    zigzag_scan_4x4_fn zigzag_scan_4x4;
} dct_dsp;

extern const uint8_t zigzag_scan_4x4[16];

void dct_dsp_init(dct_dsp *dsp, uint32_t cpu_flags);

#endif
