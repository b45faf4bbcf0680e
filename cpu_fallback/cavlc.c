/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CAVLC residual_block_cavlc() (7.3.5.3.2) with the VLC tables of 9.2.
 *
 * The writer and the bit counter are one function, cavlc_block(), inlined
 * twice: once with a bitstream and once with NULL. The bit count is summed
 * on the same path that emits the bits, so rate-distortion costs cannot
 * disagree with the stream (the trick x264 plays by compiling its CAVLC
 * writer a second time as a counter).
 */
#include <stddef.h>
#include <stdint.h>

#include "cavlc.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__GNUC__)
#define CAVLC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define CAVLC_ALWAYS_INLINE static inline
#endif

/* A variable-length code: value of the len bits, most significant first. */
typedef struct cavlc_vlc {
    uint16_t code;
    uint8_t len;
} cavlc_vlc;

/*
 * Table 9-5, coeff_token, for 0 <= nC < 2, 2 <= nC < 4 and 4 <= nC < 8,
 * indexed [table][TotalCoeff][TrailingOnes]. Entries with TrailingOnes >
 * TotalCoeff do not exist (len 0). nC >= 8 is a 6-bit FLC, computed.
 */
static const cavlc_vlc coeff_token_vlc[3][17][4] = {
    { /* 0 <= nC < 2 */
        { {  1,  1 } },
        { {  5,  6 }, {  1,  2 } },
        { {  7,  8 }, {  4,  6 }, {  1,  3 } },
        { {  7,  9 }, {  6,  8 }, {  5,  7 }, {  3,  5 } },
        { {  7, 10 }, {  6,  9 }, {  5,  8 }, {  3,  6 } },
        { {  7, 11 }, {  6, 10 }, {  5,  9 }, {  4,  7 } },
        { { 15, 13 }, {  6, 11 }, {  5, 10 }, {  4,  8 } },
        { { 11, 13 }, { 14, 13 }, {  5, 11 }, {  4,  9 } },
        { {  8, 13 }, { 10, 13 }, { 13, 13 }, {  4, 10 } },
        { { 15, 14 }, { 14, 14 }, {  9, 13 }, {  4, 11 } },
        { { 11, 14 }, { 10, 14 }, { 13, 14 }, { 12, 13 } },
        { { 15, 15 }, { 14, 15 }, {  9, 14 }, { 12, 14 } },
        { { 11, 15 }, { 10, 15 }, { 13, 15 }, {  8, 14 } },
        { { 15, 16 }, {  1, 15 }, {  9, 15 }, { 12, 15 } },
        { { 11, 16 }, { 14, 16 }, { 13, 16 }, {  8, 15 } },
        { {  7, 16 }, { 10, 16 }, {  9, 16 }, { 12, 16 } },
        { {  4, 16 }, {  6, 16 }, {  5, 16 }, {  8, 16 } },
    },
    { /* 2 <= nC < 4 */
        { {  3,  2 } },
        { { 11,  6 }, {  2,  2 } },
        { {  7,  6 }, {  7,  5 }, {  3,  3 } },
        { {  7,  7 }, { 10,  6 }, {  9,  6 }, {  5,  4 } },
        { {  7,  8 }, {  6,  6 }, {  5,  6 }, {  4,  4 } },
        { {  4,  8 }, {  6,  7 }, {  5,  7 }, {  6,  5 } },
        { {  7,  9 }, {  6,  8 }, {  5,  8 }, {  8,  6 } },
        { { 15, 11 }, {  6,  9 }, {  5,  9 }, {  4,  6 } },
        { { 11, 11 }, { 14, 11 }, { 13, 11 }, {  4,  7 } },
        { { 15, 12 }, { 10, 11 }, {  9, 11 }, {  4,  9 } },
        { { 11, 12 }, { 14, 12 }, { 13, 12 }, { 12, 11 } },
        { {  8, 12 }, { 10, 12 }, {  9, 12 }, {  8, 11 } },
        { { 15, 13 }, { 14, 13 }, { 13, 13 }, { 12, 12 } },
        { { 11, 13 }, { 10, 13 }, {  9, 13 }, { 12, 13 } },
        { {  7, 13 }, { 11, 14 }, {  6, 13 }, {  8, 13 } },
        { {  9, 14 }, {  8, 14 }, { 10, 14 }, {  1, 13 } },
        { {  7, 14 }, {  6, 14 }, {  5, 14 }, {  4, 14 } },
    },
    { /* 4 <= nC < 8 */
        { { 15,  4 } },
        { { 15,  6 }, { 14,  4 } },
        { { 11,  6 }, { 15,  5 }, { 13,  4 } },
        { {  8,  6 }, { 12,  5 }, { 14,  5 }, { 12,  4 } },
        { { 15,  7 }, { 10,  5 }, { 11,  5 }, { 11,  4 } },
        { { 11,  7 }, {  8,  5 }, {  9,  5 }, { 10,  4 } },
        { {  9,  7 }, { 14,  6 }, { 13,  6 }, {  9,  4 } },
        { {  8,  7 }, { 10,  6 }, {  9,  6 }, {  8,  4 } },
        { { 15,  8 }, { 14,  7 }, { 13,  7 }, { 13,  5 } },
        { { 11,  8 }, { 14,  8 }, { 10,  7 }, { 12,  6 } },
        { { 15,  9 }, { 10,  8 }, { 13,  8 }, { 12,  7 } },
        { { 11,  9 }, { 14,  9 }, {  9,  8 }, { 12,  8 } },
        { {  8,  9 }, { 10,  9 }, { 13,  9 }, {  8,  8 } },
        { { 13, 10 }, {  7,  9 }, {  9,  9 }, { 12,  9 } },
        { {  9, 10 }, { 12, 10 }, { 11, 10 }, { 10, 10 } },
        { {  5, 10 }, {  8, 10 }, {  7, 10 }, {  6, 10 } },
        { {  1, 10 }, {  4, 10 }, {  3, 10 }, {  2, 10 } },
    },
};

/* Table 9-5, nC == -1 (chroma DC, 4:2:0), [TotalCoeff][TrailingOnes]. */
static const cavlc_vlc coeff_token_chroma_dc[5][4] = {
    { { 1, 2 } },
    { { 7, 6 }, { 1, 1 } },
    { { 4, 6 }, { 6, 6 }, { 1, 3 } },
    { { 3, 6 }, { 3, 7 }, { 2, 7 }, { 5, 6 } },
    { { 2, 6 }, { 3, 8 }, { 2, 8 }, { 0, 7 } },
};

/* Tables 9-7 and 9-8, total_zeros for 4x4 blocks, [TotalCoeff - 1][total_zeros]. */
static const cavlc_vlc total_zeros_4x4[15][16] = {
    { {1,1}, {3,3}, {2,3}, {3,4}, {2,4}, {3,5}, {2,5}, {3,6},
      {2,6}, {3,7}, {2,7}, {3,8}, {2,8}, {3,9}, {2,9}, {1,9} },
    { {7,3}, {6,3}, {5,3}, {4,3}, {3,3}, {5,4}, {4,4}, {3,4},
      {2,4}, {3,5}, {2,5}, {3,6}, {2,6}, {1,6}, {0,6} },
    { {5,4}, {7,3}, {6,3}, {5,3}, {4,4}, {3,4}, {4,3}, {3,3},
      {2,4}, {3,5}, {2,5}, {1,6}, {1,5}, {0,6} },
    { {3,5}, {7,3}, {5,4}, {4,4}, {6,3}, {5,3}, {4,3}, {3,4},
      {3,3}, {2,4}, {2,5}, {1,5}, {0,5} },
    { {5,4}, {4,4}, {3,4}, {7,3}, {6,3}, {5,3}, {4,3}, {3,3},
      {2,4}, {1,5}, {1,4}, {0,5} },
    { {1,6}, {1,5}, {7,3}, {6,3}, {5,3}, {4,3}, {3,3}, {2,3},
      {1,4}, {1,3}, {0,6} },
    { {1,6}, {1,5}, {5,3}, {4,3}, {3,3}, {3,2}, {2,3}, {1,4},
      {1,3}, {0,6} },
    { {1,6}, {1,4}, {1,5}, {3,3}, {3,2}, {2,2}, {2,3}, {1,3},
      {0,6} },
    { {1,6}, {0,6}, {1,4}, {3,2}, {2,2}, {1,3}, {1,2}, {1,5} },
    { {1,5}, {0,5}, {1,3}, {3,2}, {2,2}, {1,2}, {1,4} },
    { {0,4}, {1,4}, {1,3}, {2,3}, {1,1}, {3,3} },
    { {0,4}, {1,4}, {1,2}, {1,1}, {1,3} },
    { {0,3}, {1,3}, {1,1}, {1,2} },
    { {0,2}, {1,2}, {1,1} },
    { {0,1}, {1,1} },
};

/* Table 9-9a, total_zeros for 2x2 chroma DC, [TotalCoeff - 1][total_zeros]. */
static const cavlc_vlc total_zeros_2x2[3][4] = {
    { {1,1}, {1,2}, {1,3}, {0,3} },
    { {1,1}, {1,2}, {0,2} },
    { {1,1}, {0,1} },
};

/* Table 9-10, run_before, [min(zerosLeft, 7) - 1][run_before]. */
static const cavlc_vlc run_before_vlc[7][15] = {
    { {1,1}, {0,1} },
    { {1,1}, {1,2}, {0,2} },
    { {3,2}, {2,2}, {1,2}, {0,2} },
    { {3,2}, {2,2}, {1,2}, {1,3}, {0,3} },
    { {3,2}, {2,2}, {3,3}, {2,3}, {1,3}, {0,3} },
    { {3,2}, {0,3}, {1,3}, {3,3}, {2,3}, {5,3}, {4,3} },
    { {7,3}, {6,3}, {5,3}, {4,3}, {3,3}, {2,3}, {1,3}, {1,4},
      {1,5}, {1,6}, {1,7}, {1,8}, {1,9}, {1,10}, {1,11} },
};

/* Which coeff_token table serves nC 0..16: 0..2 are VLCs, 3 is the FLC. */
static const uint8_t coeff_token_table_of_nc[17] = {
    0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/*
 * Bit sink: counts every bit and, when bs is non-NULL, also writes it.
 * Short codes are gathered in a local 32-bit accumulator so the out-of-line
 * bs_write_bits() runs a few times per block instead of once per symbol.
 */
typedef struct cavlc_sink {
    h264_bitstream *bs;
    uint32_t acc;
    int acc_bits;
    int bits;
} cavlc_sink;

/* 1 <= n <= 32 and value < 2^n. */
CAVLC_ALWAYS_INLINE void sink_put(cavlc_sink *s, int n, uint32_t value)
{
    s->bits += n;
    if (!s->bs)
        return;
    if (s->acc_bits + n > 32) {
        bs_write_bits(s->bs, s->acc_bits, s->acc);
        s->acc = 0;
        s->acc_bits = 0;
    }
    /* n == 32 only reaches here with an empty accumulator. */
    s->acc = n == 32 ? value : (s->acc << n) | value;
    s->acc_bits += n;
}

CAVLC_ALWAYS_INLINE void sink_vlc(cavlc_sink *s, cavlc_vlc v)
{
    sink_put(s, v.len, v.code);
}

CAVLC_ALWAYS_INLINE void sink_finish(cavlc_sink *s)
{
    if (s->bs && s->acc_bits)
        bs_write_bits(s->bs, s->acc_bits, s->acc);
}

/*
 * level_prefix and level_suffix (9.2.2.1, read backwards) for levelCode with
 * the current suffixLength, as one code of at most 28 bits. levelCode must
 * lie within what level_prefix <= 15 can signal: < 30 + 4096 for
 * suffixLength 0, < (15 << suffixLength) + 4096 otherwise.
 */
CAVLC_ALWAYS_INLINE void sink_level(cavlc_sink *s, uint32_t level_code, int suffix_length)
{
    if (suffix_length == 0) {
        if (level_code < 14)
            sink_put(s, (int)level_code + 1, 1);
        else if (level_code < 30) /* level_prefix 14 carries a 4-bit suffix */
            sink_put(s, 15 + 4, (1u << 4) | (level_code - 14));
        else /* level_prefix 15: 12-bit escape, levelCode offset by 15 + 15 */
            sink_put(s, 16 + 12, (1u << 12) | (level_code - 30));
        return;
    }
    uint32_t prefix = level_code >> suffix_length;
    if (prefix < 15) {
        uint32_t suffix = level_code & ((1u << suffix_length) - 1);
        sink_put(s, (int)prefix + 1 + suffix_length, (1u << suffix_length) | suffix);
    } else {
        sink_put(s, 16 + 12, (1u << 12) | (level_code - (15u << suffix_length)));
    }
}

CAVLC_ALWAYS_INLINE int highest_bit(uint32_t x)
{
#if defined(__GNUC__)
    return 31 - __builtin_clz(x);
#else
    int n = 0;
    while (x >>= 1)
        n++;
    return n;
#endif
}

/*
 * Bit i set where coeffs[i] != 0, for i < n. SSE2 is part of x86-64, so
 * the vector version needs no run-time dispatch: saturating packs keep
 * nonzero words nonzero, and one compare and movemask give eight or sixteen
 * flags. The loads stay within coeffs[0 .. n-1] (15 coefficients take two
 * overlapping 8-word loads).
 */
CAVLC_ALWAYS_INLINE uint32_t nonzero_mask(const int16_t *coeffs, int n)
{
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    if (n == 16 || n == 15) {
        const __m128i lo = _mm_loadu_si128((const __m128i *)coeffs);
        const __m128i hi = _mm_loadu_si128((const __m128i *)(coeffs + n - 8));
        const uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_packs_epi16(lo, hi), zero));
        const uint32_t nz = ~z & 0xffffu;
        return n == 16 ? nz : (nz & 0xffu) | ((nz >> 8) << 7);
    }
    if (n == 4) {
        const __m128i v = _mm_loadl_epi64((const __m128i *)coeffs);
        return ~(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_packs_epi16(v, zero), zero)) & 0xfu;
    }
#endif
    uint32_t nz = 0;
    for (int i = 0; i < n; i++)
        nz |= (uint32_t)(coeffs[i] != 0) << i;
    return nz;
}

CAVLC_ALWAYS_INLINE cavlc_vlc coeff_token_code(int nc, int total_coeff, int trailing_ones)
{
    if (nc < 0)
        return coeff_token_chroma_dc[total_coeff][trailing_ones];
    int table = nc > 16 ? 3 : coeff_token_table_of_nc[nc];
    if (table < 3)
        return coeff_token_vlc[table][total_coeff][trailing_ones];
    /* nC >= 8: xxxxyy with TotalCoeff - 1 and TrailingOnes; 000011 for none. */
    cavlc_vlc flc = { 3, 6 };
    if (total_coeff)
        flc.code = (uint16_t)(((total_coeff - 1) << 2) | trailing_ones);
    return flc;
}

/*
 * residual_block_cavlc() into s. Returns TotalCoeff. 1 <= max_coeffs <= 16;
 * max_coeffs == 4 selects the chroma DC total_zeros table (9-9a), nc < 0
 * the chroma DC coeff_token table.
 * Levels beyond CAVLC_LEVEL_MAX are clamped here only so the stream stays
 * decodable; the decoder then sees a different level than the caller used
 * for its reconstruction, so callers must clamp before reconstructing.
 */
CAVLC_ALWAYS_INLINE int cavlc_block(cavlc_sink *s, const int16_t *coeffs, int max_coeffs, int nc)
{
    int16_t level[16];
    uint8_t run[16];

    /* Bit i of nz: coeffs[i] != 0, so the scan below is a few clz steps. */
    uint32_t nz = nonzero_mask(coeffs, max_coeffs);
    if (!nz) {
        sink_vlc(s, coeff_token_code(nc, 0, 0));
        return 0;
    }
    /* Nonzero levels from high to low frequency, each with its run_before. */
    int pos = highest_bit(nz);
    const int last = pos;
    int total_coeff = 0;
    for (;;) {
        level[total_coeff] = coeffs[pos];
        nz &= ~(1u << pos);
        if (!nz) {
            run[total_coeff++] = (uint8_t)pos;
            break;
        }
        int next = highest_bit(nz);
        run[total_coeff++] = (uint8_t)(pos - next - 1);
        pos = next;
    }

    const int zeros = last + 1 - total_coeff; /* total_zeros */

    int trailing_ones = 0;
    uint32_t signs = 0;
    while (trailing_ones < total_coeff && trailing_ones < 3 &&
           (level[trailing_ones] == 1 || level[trailing_ones] == -1)) {
        signs = (signs << 1) | (level[trailing_ones] < 0);
        trailing_ones++;
    }

    /* coeff_token and the trailing_ones_sign_flags as one code. */
    cavlc_vlc token = coeff_token_code(nc, total_coeff, trailing_ones);
    sink_put(s, token.len + trailing_ones, ((uint32_t)token.code << trailing_ones) | signs);

    int suffix_length = total_coeff > 10 && trailing_ones < 3;
    for (int k = trailing_ones; k < total_coeff; k++) {
        int v = level[k];
        int a = v < 0 ? -v : v;
        if (a > CAVLC_LEVEL_MAX)
            a = CAVLC_LEVEL_MAX;
        /* levelCode = 2 * |level| - 2 for positive, 2 * |level| - 1 for negative. */
        uint32_t level_code = (uint32_t)(2 * a - 2 + (v < 0));
        /* With fewer than 3 trailing ones, the first other level cannot be
         * +-1 (it would have been a trailing one), so the codes shift down. */
        if (k == trailing_ones && trailing_ones < 3)
            level_code -= 2;
        sink_level(s, level_code, suffix_length);
        if (suffix_length == 0)
            suffix_length = 1;
        if (a > (3 << (suffix_length - 1)) && suffix_length < 6)
            suffix_length++;
    }

    if (total_coeff < max_coeffs) {
        if (max_coeffs == 4)
            sink_vlc(s, total_zeros_2x2[total_coeff - 1][zeros]);
        else
            sink_vlc(s, total_zeros_4x4[total_coeff - 1][zeros]);
    }

    int zeros_left = zeros;
    for (int k = 0; k < total_coeff - 1 && zeros_left > 0; k++) {
        int zl = zeros_left > 7 ? 7 : zeros_left;
        sink_vlc(s, run_before_vlc[zl - 1][run[k]]);
        zeros_left -= run[k];
    }
    return total_coeff;
}

int cavlc_write_residual_block(h264_bitstream *bs, const int16_t *coeffs, int max_coeffs, int nc)
{
    cavlc_sink s = { bs, 0, 0, 0 };
    int total_coeff = cavlc_block(&s, coeffs, max_coeffs, nc);
    sink_finish(&s);
    return total_coeff;
}

void cavlc_write_empty_block(h264_bitstream *bs, int nc)
{
    const cavlc_vlc token = coeff_token_code(nc, 0, 0);
    bs_write_bits(bs, token.len, token.code);
}

int cavlc_residual_block_bits(const int16_t *coeffs, int max_coeffs, int nc)
{
    cavlc_sink s = { NULL, 0, 0, 0 };
    cavlc_block(&s, coeffs, max_coeffs, nc);
    return s.bits;
}
