/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Quantisation (the encoder's choice: the reference encoder's
 * (|c| * MF + f) >> qbits with dead-zone rounding f) and dequantisation
 * exactly as 8.5.9/8.5.10/8.5.11 define it for flat scaling matrices.
 */
#ifndef HWENC_CPU_QUANT_H
#define HWENC_CPU_QUANT_H

#include <stdint.h>

#define QP_MAX 51

/* Per-QP tables, computed once by quant_tables_init(). */
typedef struct quant_tables {
    /* Multiplication factor MF(qp % 6, position) for raster positions. */
    uint16_t mf[6][16];
    /* The same with position 0 at 0, for AC blocks whose DC is coded apart
     * (chroma, Intra16x16): their DC quantises to 0 where it lies, so it
     * need not be cleared first (a 16-bit store the quantiser's vector
     * loads could not be forwarded from). */
    uint16_t mf_ac[6][16];
    /* Normative LevelScale4x4 / 16 = v(qp % 6, position), raster order. */
    uint8_t dequant[6][16];
    /* quant_decimate_score() by the bytes of the nonzero mask: for the low
     * byte its score (bits 0-4) and the zeros above its top level, at most
     * 6 (bits 5-7); for the high byte its score given that many zeros
     * below it. */
    uint8_t decimate_low[256];
    uint8_t decimate_high[7][256];
} quant_tables;

void quant_tables_init(quant_tables *t);

#define decl_quant_fn(name) int (name)(int16_t dct[16], const uint16_t mf[16], uint32_t bias, int qbits)
typedef decl_quant_fn(*quant_fn);
#define decl_quant_4x4x4_fn(name) int (name)(int16_t dct[4][16], const uint16_t mf[16], uint32_t bias, int qbits)
typedef decl_quant_4x4x4_fn(*quant_4x4x4_fn);
#define decl_quant_dc_fn(name) int (name)(int16_t dc[16], uint16_t mf, uint32_t bias, int qbits)
typedef decl_quant_dc_fn(*quant_dc_fn);
#define decl_quant_chroma_dc_fn(name) \
    int (name)(int16_t dc[4], const int16_t dct[4][16], uint16_t mf, uint32_t bias, int qbits)
typedef decl_quant_chroma_dc_fn(*quant_chroma_dc_fn);
#define decl_dequant_fn(name) void (name)(int16_t dct[16], const uint8_t dequant[16], int qp)
typedef decl_dequant_fn(*dequant_fn);
#define decl_dequant_dc_fn(name) void (name)(int16_t dc[16], int dequant0, int qp)
typedef decl_dequant_dc_fn(*dequant_dc_fn);
#define decl_dequant_2x2_dc_fn(name) void (name)(int16_t dc[4], int dequant0, int qp)
typedef decl_dequant_2x2_dc_fn(*dequant_2x2_dc_fn);
#define decl_coeff_count_fn(name) int (name)(const int16_t coeffs[16])
typedef decl_coeff_count_fn(*coeff_count_fn);

typedef struct quant_dsp {
    /* In place: dct[i] = sign(dct[i]) * ((|dct[i]| * mf[i] + bias) >> qbits),
     * qbits = 15 + qp / 6, saturated to int16. Returns nonzero if any
     * level is nonzero. */
    quant_fn quant_4x4;
    /* quant_4x4 on the four 4x4 blocks of an 8x8 (as sub8x8_dct leaves
     * them); bit b of the result is set if block b has a nonzero level. */
    quant_4x4x4_fn quant_4x4x4;
    /* The same for the 16 luma DC values with mf = MF(qp % 6, 0) and
     * qbits = 16 + qp / 6 (the DC path has one more bit of shift). */
    quant_dc_fn quant_4x4_dc;
    /* Chroma DC of one 8x8 block straight from sub8x8_dct's output: the
     * 2x2 transform (8-326's matrix on both sides, no scaling) of the four
     * blocks' DC coefficients dct[b][0], then quantisation as quant_4x4_dc
     * does (qbits = 16 + qp / 6), into dc. Returns nonzero if any level
     * is nonzero. The DCs must lie within +-4080 (16 sample differences),
     * so the transform cannot overflow 16 bits. */
    quant_chroma_dc_fn quant_chroma_dc;
    /* In place: dct[i] = (dct[i] * dequant[i]) << (qp / 6), for AC blocks
     * (8.5.12.1). Position 0 is scaled too; callers that carry DC
     * separately overwrite it afterwards. All dequantisers saturate to the
     * int16 range, which only levels no conforming stream carries reach. */
    dequant_fn dequant_4x4;
    /* Intra16x16 DC after the inverse Hadamard (8.5.10). dequant0 is
     * v(qp % 6, 0), i.e. dequant[qp % 6][0], not LevelScale = 16 * v. */
    dequant_dc_fn dequant_4x4_dc;
    /* Chroma DC after the inverse 2x2 transform (8.5.11.2). */
    dequant_2x2_dc_fn dequant_2x2_dc;
    /* On 16 coefficients in scan order: the index of the last nonzero one
     * (-1 if all are zero), and how many are nonzero (CAVLC's TotalCoeff
     * for a 16-coefficient block). */
    coeff_count_fn coeff_last_16;
    coeff_count_fn count_nonzero_16;
} quant_dsp;

void quant_dsp_init(quant_dsp *dsp, uint32_t cpu_flags);

/*
 * x264's decimation score of a 4x4 block in scan order whose levels are
 * all +-1 or 0, from its nonzero mask: isolated levels after long zero
 * runs are cheap to drop. Each level scores by the run of zeros below it
 * (down to the next level or the start): 3 for none, 2 for 1..2, 1 for
 * 3..5, 0 for 6 or more. Runs of 6 or more score alike, so the high byte
 * needs only the low byte's top zeros up to 6.
 */
static inline int quant_decimate_score(const quant_tables *t, uint32_t nonzero_mask)
{
    const uint32_t low = t->decimate_low[nonzero_mask & 0xff];
    return (int)(low & 31) + t->decimate_high[low >> 5][(nonzero_mask >> 8) & 0xff];
}

/* The 8x8 luma blocks of an inter macroblock worth their bits, as a
 * coded_block_pattern mask, from each block's decimation score: all go
 * when the macroblock scores below 6 in total, and a block scoring below
 * 4 goes on its own (x264's thresholds). */
static inline int quant_decimate_keep(const int score8[4])
{
    const int total = score8[0] + score8[1] + score8[2] + score8[3];
    int keep = 0;
    for (int i8 = 0; i8 < 4; i8++)
        keep |= (total >= 6 && score8[i8] >= 4) << i8;
    return keep;
}

/* Rounding offsets f << qbits as fractions: intra 1/3, inter 1/6. */
static inline uint32_t quant_bias(int qbits, int intra)
{
    return intra ? (1u << qbits) / 3 : (1u << qbits) / 6;
}

#endif
