/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The standard's CABAC tables (9.3.1.1, 9.3.3.2).
 */
#ifndef HWENC_CPU_CABAC_TABLES_H
#define HWENC_CPU_CABAC_TABLES_H

#include <stdint.h>

/* ctxIdx 0..459: every context of 4:2:0 frame coding, 8x8 blocks included. */
#define CABAC_CONTEXTS 460

/* (m, n) per ctxIdx: [0] I slices, [1 + cabac_init_idc] P and B slices. */
extern const int8_t cabac_init_mn[4][CABAC_CONTEXTS][2];
/* rangeTabLPS[pStateIdx][qCodIRangeIdx]. */
extern const uint8_t cabac_range_lps[64][4];
/* transIdxLPS[pStateIdx]; transIdxMPS is pStateIdx + 1 up to 62. */
extern const uint8_t cabac_trans_lps[64];
/* Both transitions for a state s = (pStateIdx << 1) | valMPS and a bin:
 * the next s (an LPS in pStateIdx 0 swaps valMPS). */
extern const uint8_t cabac_next_state[128][2];

#endif
