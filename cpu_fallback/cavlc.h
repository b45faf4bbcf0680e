/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CAVLC residual coding (7.3.5.3.2, 9.2) with the standard's tables.
 */
#ifndef HWENC_CPU_CAVLC_H
#define HWENC_CPU_CAVLC_H

#include <stdint.h>

#include "hw/h264/bitstream.h"

/* nC for the chroma DC block of 4:2:0 (Table 9-5, nC == -1). */
#define CAVLC_NC_CHROMA_DC (-1)

/*
 * Writes residual_block_cavlc() for coeffs[0 .. max_coeffs-1], which are in
 * scan order (already zigzagged; for AC blocks the caller passes the 15 AC
 * coefficients with max_coeffs = 15). nc is the predicted total_coeff from
 * the neighbours (9.2.1), or CAVLC_NC_CHROMA_DC.
 * max_coeffs is 16, 15, or 4 for chroma DC (which then takes the nC -1
 * coeff_token table and Table 9-9a whatever nc says).
 * Returns TotalCoeff (the number of nonzero coefficients), which the caller
 * stores for later nC prediction.
 * Levels must satisfy |level| <= CAVLC_LEVEL_MAX, the most level_prefix <= 15
 * can signal (Baseline/Main/Extended); callers guarantee this by clamping
 * before they reconstruct. A level beyond it is clamped here so the stream
 * stays valid, but the decoder then reconstructs a different block than the
 * caller did.
 */
int cavlc_write_residual_block(h264_bitstream *bs, const int16_t *coeffs, int max_coeffs, int nc);

/* Bits cavlc_write_residual_block() would write, without writing. */
int cavlc_residual_block_bits(const int16_t *coeffs, int max_coeffs, int nc);

/* Largest |level| that Baseline/Main/Extended (level_prefix <= 15) can code. */
#define CAVLC_LEVEL_MAX 2063

/* nC from the neighbours' total_coeff, 9.2.1: availability flags and counts. */
static inline int cavlc_predict_nc(int left_available, int left_count, int top_available, int top_count)
{
    if (left_available && top_available)
        return (left_count + top_count + 1) >> 1;
    if (left_available)
        return left_count;
    if (top_available)
        return top_count;
    return 0;
}

#endif
