/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * residual() with CABAC (7.3.5.3, residual_block_cabac): coded_block_flag,
 * the significance map and the levels of every block category.
 */
#ifndef HWENC_CPU_CABAC_RESIDUAL_H
#define HWENC_CPU_CABAC_RESIDUAL_H

#include <stdint.h>

#include "cpu_fallback/cabac.h"

/* ctxBlockCat (Table 9-42). */
enum cabac_block_cat {
    CAT_LUMA_DC = 0,             /* Intra16x16 DC */
    CAT_LUMA_AC = 1,             /* Intra16x16 AC, 15 coefficients */
    CAT_LUMA_4x4 = 2,
    CAT_CHROMA_DC = 3,           /* 4:2:0: 4 coefficients */
    CAT_CHROMA_AC = 4,
    CAT_LUMA_8x8 = 5,
};

struct mb_ctx;
/* The macroblock's residual (coded block pattern, transform size and
 * levels from mb); records nnz and cbf in its state. */
void cabac_write_residual(cabac_enc *c, struct mb_ctx *mb);

#endif
