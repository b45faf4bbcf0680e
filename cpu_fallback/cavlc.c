/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CAVLC residual_block_cavlc() (7.3.5.3.2) with the VLC tables of 9.2.
 *
 * The writer and the bit counter are one function, cavlc_coded_block(),
 * inlined twice: once writing and once only counting (an empty block is
 * its coeff_token alone in both). The bit count is summed on the same path
 * that emits the bits, so rate-distortion costs cannot disagree with the
 * stream (the trick x264 plays by compiling its CAVLC writer a second time
 * as a counter).
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu_fallback/cavlc.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__GNUC__)
#define CAVLC_ALWAYS_INLINE static inline __attribute__((always_inline))
#define CAVLC_NOINLINE __attribute__((noinline))
#else
#define CAVLC_ALWAYS_INLINE static inline
#define CAVLC_NOINLINE
#endif

/* A variable-length code: value of the len bits, most significant first. */
typedef struct cavlc_vlc {
    uint16_t code;
    uint8_t len;
} cavlc_vlc;

/*
 * Table 9-5, coeff_token, for 0 <= nC < 2, 2 <= nC < 4, 4 <= nC < 8 and
 * 8 <= nC, indexed [table][TotalCoeff][TrailingOnes]. Entries with
 * TrailingOnes > TotalCoeff do not exist (len 0).
 */
static const cavlc_vlc coeff_token_vlc[4][17][4] = {
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
    { /* 8 <= nC: a 6-bit FLC, TotalCoeff - 1 and TrailingOnes; 000011 for none */
        { {  3,  6 } },
        { {  0,  6 }, {  1,  6 } },
        { {  4,  6 }, {  5,  6 }, {  6,  6 } },
        { {  8,  6 }, {  9,  6 }, { 10,  6 }, { 11,  6 } },
        { { 12,  6 }, { 13,  6 }, { 14,  6 }, { 15,  6 } },
        { { 16,  6 }, { 17,  6 }, { 18,  6 }, { 19,  6 } },
        { { 20,  6 }, { 21,  6 }, { 22,  6 }, { 23,  6 } },
        { { 24,  6 }, { 25,  6 }, { 26,  6 }, { 27,  6 } },
        { { 28,  6 }, { 29,  6 }, { 30,  6 }, { 31,  6 } },
        { { 32,  6 }, { 33,  6 }, { 34,  6 }, { 35,  6 } },
        { { 36,  6 }, { 37,  6 }, { 38,  6 }, { 39,  6 } },
        { { 40,  6 }, { 41,  6 }, { 42,  6 }, { 43,  6 } },
        { { 44,  6 }, { 45,  6 }, { 46,  6 }, { 47,  6 } },
        { { 48,  6 }, { 49,  6 }, { 50,  6 }, { 51,  6 } },
        { { 52,  6 }, { 53,  6 }, { 54,  6 }, { 55,  6 } },
        { { 56,  6 }, { 57,  6 }, { 58,  6 }, { 59,  6 } },
        { { 60,  6 }, { 61,  6 }, { 62,  6 }, { 63,  6 } },
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

/* Table 9-10, run_before, [min(zerosLeft, 7)][run_before]; row 0 is
 * empty (no run_before is coded once no zeros are left). */
static const cavlc_vlc run_before_vlc[8][16] = {
    { { 0, 0 } },
    { {1,1}, {0,1} },
    { {1,1}, {1,2}, {0,2} },
    { {3,2}, {2,2}, {1,2}, {0,2} },
    { {3,2}, {2,2}, {1,2}, {1,3}, {0,3} },
    { {3,2}, {2,2}, {3,3}, {2,3}, {1,3}, {0,3} },
    { {3,2}, {0,3}, {1,3}, {3,3}, {2,3}, {5,3}, {4,3} },
    { {7,3}, {6,3}, {5,3}, {4,3}, {3,3}, {2,3}, {1,3}, {1,4},
      {1,5}, {1,6}, {1,7}, {1,8}, {1,9}, {1,10}, {1,11} },
};

/* Which coeff_token table serves nC 0..16. */
static const uint8_t coeff_token_table_of_nc[17] = {
    0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/*
 * Bit sink: a 64-bit accumulator that holds fewer than 32 pending bits
 * between symbols, so a symbol of up to 32 bits always fits and a whole
 * word goes to the bitstream only when 32 are ready. With write == 0 (a
 * constant at every call) it only counts.
 */
typedef struct cavlc_sink {
    h264_bitstream *bs;
    uint64_t acc;
    int pending;
    int bits;
} cavlc_sink;

CAVLC_ALWAYS_INLINE void sink_put(cavlc_sink *s, int n, uint32_t value)
{
    s->acc = (s->acc << n) | value;
    s->pending += n;
    s->bits += n;
}

/* Brings pending under 32 again. */
CAVLC_ALWAYS_INLINE void sink_drain(cavlc_sink *s, int write)
{
    if (write && s->pending >= 32) {
        s->pending -= 32;
        bs_write_bits(s->bs, 32, (uint32_t)(s->acc >> s->pending));
    }
}

CAVLC_ALWAYS_INLINE void sink_finish(cavlc_sink *s, int write)
{
    sink_drain(s, write);
    if (write)
        bs_write_bits(s->bs, s->pending, (uint32_t)s->acc);
}

CAVLC_ALWAYS_INLINE void sink_vlc(cavlc_sink *s, cavlc_vlc v)
{
    sink_put(s, v.len, v.code);
}

/*
 * level_prefix and level_suffix (9.2.2.1) for levelCode with suffixLength
 * >= 1, as one code of at most 28 bits. levelCode must lie within what
 * level_prefix <= 15 can signal: < (15 << suffixLength) + 4096.
 */
CAVLC_ALWAYS_INLINE void sink_level_suffixed(cavlc_sink *s, uint32_t level_code, int suffix_length)
{
    const uint32_t prefix = level_code >> suffix_length;
    if (prefix < 15)
        sink_put(s, (int)prefix + 1 + suffix_length,
                 (1u << suffix_length) | (level_code & ((1u << suffix_length) - 1)));
    else /* level_prefix 15: 12-bit escape */
        sink_put(s, 16 + 12, (1u << 12) | (level_code - (15u << suffix_length)));
}

/* The same for any suffixLength; with 0, levelCode < 30 + 4096. */
CAVLC_ALWAYS_INLINE void sink_level(cavlc_sink *s, uint32_t level_code, int suffix_length)
{
    if (suffix_length)
        sink_level_suffixed(s, level_code, suffix_length);
    else if (level_code < 14)
        sink_put(s, (int)level_code + 1, 1);
    else if (level_code < 30) /* level_prefix 14 carries a 4-bit suffix */
        sink_put(s, 15 + 4, (1u << 4) | (level_code - 14));
    else /* level_prefix 15: 12-bit escape, levelCode offset by 15 + 15 */
        sink_put(s, 16 + 12, (1u << 12) | (level_code - 30));
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

CAVLC_ALWAYS_INLINE int lowest_bit(uint32_t x)
{
#if defined(__GNUC__)
    return __builtin_ctz(x);
#else
    int n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

CAVLC_ALWAYS_INLINE cavlc_vlc coeff_token_code(int nc, int total_coeff, int trailing_ones)
{
    if (nc < 0)
        return coeff_token_chroma_dc[total_coeff][trailing_ones];
    return coeff_token_vlc[coeff_token_table_of_nc[nc > 16 ? 16 : nc]][total_coeff][trailing_ones];
}

/* |level|, clamped to what level_prefix <= 15 can code. */
CAVLC_ALWAYS_INLINE uint32_t level_magnitude(int v)
{
    uint32_t a = (uint32_t)(v < 0 ? -v : v);
    return a > CAVLC_LEVEL_MAX ? CAVLC_LEVEL_MAX : a;
}

/* Bits 0..2: whether levels 0..2 are +-1 (*one) and negative (*neg).
 * Scalar on purpose: the levels were just stored one by one, and a vector
 * load of them would wait for the stores to retire (no store forwarding
 * from several stores into one load). */
CAVLC_ALWAYS_INLINE void first_levels(const int16_t *level, uint32_t *one, uint32_t *neg)
{
    *one = *neg = 0;
    for (int i = 0; i < 3; i++) {
        *one |= (uint32_t)(((unsigned)(level[i] + 1) & ~2u) == 0) << i;
        *neg |= (uint32_t)(level[i] < 0) << i;
    }
}

/*
 * The levels after the trailing ones (9.2.2.1), n >= 1 of them. With fewer
 * than 3 trailing ones the first cannot be +-1 (it would have been a
 * trailing one), so its codes shift down by two (first_shifted).
 * suffixLength starts at 1 when there are more than 10 levels in all
 * (many) and the codes shift, else at 0. The first level follows only
 * coeff_token and its signs, 19 bits at most, so it needs no drain.
 */
CAVLC_ALWAYS_INLINE void sink_levels(cavlc_sink *s, int write, const int16_t *level, int n, int many,
                                     int first_shifted)
{
    uint32_t a = level_magnitude(level[0]);
    sink_level(s, 2 * a - 2 + (level[0] < 0) - (first_shifted ? 2 : 0), many && first_shifted);
    int suffix_length = 1 + (a > 3);
    for (int i = 1; i < n; i++) {
        a = level_magnitude(level[i]);
        sink_drain(s, write);
        sink_level_suffixed(s, 2 * a - 2 + (level[i] < 0), suffix_length);
        suffix_length += a > (3u << (suffix_length - 1)) && suffix_length < 6;
    }
}

/*
 * residual_block_cavlc() into s of a block with levels, nz its nonzero
 * mask; nc is CAVLC_NC_CHROMA_DC for chroma DC. Returns TotalCoeff.
 * max_coeffs is 16, 15 or 4 (chroma DC, whose coeff_token and total_zeros
 * have their own tables), a constant at each writing call so the tests on
 * it fold.
 * Levels beyond CAVLC_LEVEL_MAX are clamped here only so the stream stays
 * decodable; the decoder then sees a different level than the caller used
 * for its reconstruction, so callers must clamp before reconstructing.
 */
CAVLC_ALWAYS_INLINE int cavlc_coded_block(cavlc_sink *s, int write, const int16_t *coeffs, int max_coeffs, int nc,
                                           uint32_t nz)
{
    /*
     * One walk up the nonzero mask, lowest frequency first. Levels are
     * stored from the end so they read highest frequency first, as they
     * are coded; three zeros past the end let TrailingOnes look at three
     * levels without a bounds test. The run_before codes come out here too:
     * a level's zerosLeft is the count of zeros below it, its position less
     * the levels below it, so each code is known on the way up and is put
     * in front of the ones below it. The lowest level has none.
     */
    int16_t level_buf[16 + 3];
    int pos = lowest_bit(nz);
    int k = 15, prev = pos;
    uint32_t runs = 0;
    int runs_len = 0;
    level_buf[15] = coeffs[pos];
    for (nz &= nz - 1; nz; nz &= nz - 1) {
        pos = lowest_bit(nz);
        const int below = 16 - k; /* levels below this one */
        const int zeros_left = pos - below;
        const cavlc_vlc rb = run_before_vlc[zeros_left > 7 ? 7 : zeros_left][pos - prev - 1];
        runs |= (uint32_t)rb.code << runs_len;
        runs_len += rb.len;
        level_buf[--k] = coeffs[pos];
        prev = pos;
    }
    level_buf[16] = level_buf[17] = level_buf[18] = 0;
    const int16_t *level = level_buf + k;
    const int total_coeff = 16 - k;
    const int zeros = prev + 1 - total_coeff; /* total_zeros */

    /* TrailingOnes: how many of the first three levels are +-1 in a row;
     * their sign flags follow coeff_token, first level first. */
    static const uint8_t leading_ones[8] = { 0, 1, 0, 2, 0, 1, 0, 3 };
    static const uint8_t reversed3[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
    uint32_t one3, neg3;
    first_levels(level, &one3, &neg3);
    const int trailing_ones = leading_ones[one3];
    const uint32_t signs = reversed3[neg3] >> (3 - trailing_ones);
    const cavlc_vlc token = coeff_token_code(nc, total_coeff, trailing_ones);
    sink_put(s, token.len + trailing_ones, ((uint32_t)token.code << trailing_ones) | signs);
    if (trailing_ones < total_coeff)
        sink_levels(s, write, level + trailing_ones, total_coeff - trailing_ones, total_coeff > 10, trailing_ones < 3);
    sink_drain(s, write);
    if (total_coeff < max_coeffs) {
        if (max_coeffs == 4)
            sink_vlc(s, total_zeros_2x2[total_coeff - 1][zeros]);
        else
            sink_vlc(s, total_zeros_4x4[total_coeff - 1][zeros]);
    }
    /* At most 25 bits of run_before (found by enumerating masks). */
    sink_drain(s, write);
    sink_put(s, runs_len, runs);
    return total_coeff;
}

/* A block with levels, one copy per block size so the tests on max_coeffs
 * fold, kept out of line: the many empty blocks then cost only the test
 * and their coeff_token, not this frame. */
CAVLC_ALWAYS_INLINE int write_coded_block(h264_bitstream *bs, const int16_t *coeffs, int max_coeffs, int nc,
                                          uint32_t nz)
{
    cavlc_sink s = { bs, 0, 0, 0 };
    int total_coeff = cavlc_coded_block(&s, 1, coeffs, max_coeffs, nc, nz);
    sink_finish(&s, 1);
    return total_coeff;
}

static CAVLC_NOINLINE int write_coded_16(h264_bitstream *bs, const int16_t *coeffs, int nc, uint32_t nz)
{
    return write_coded_block(bs, coeffs, 16, nc, nz);
}

static CAVLC_NOINLINE int write_coded_15(h264_bitstream *bs, const int16_t *coeffs, int nc, uint32_t nz)
{
    return write_coded_block(bs, coeffs, 15, nc, nz);
}

static CAVLC_NOINLINE int write_coded_chroma_dc(h264_bitstream *bs, const int16_t *coeffs, uint32_t nz)
{
    return write_coded_block(bs, coeffs, 4, CAVLC_NC_CHROMA_DC, nz);
}

int cavlc_write_residual_block(h264_bitstream *bs, const int16_t *coeffs, int max_coeffs, int nc)
{
    uint32_t nz;
    if (max_coeffs == 16) {
        if ((nz = nonzero_mask(coeffs, 16)))
            return write_coded_16(bs, coeffs, nc, nz);
    } else if (max_coeffs == 15) {
        if ((nz = nonzero_mask(coeffs, 15)))
            return write_coded_15(bs, coeffs, nc, nz);
    } else {
        nc = CAVLC_NC_CHROMA_DC;
        if ((nz = nonzero_mask(coeffs, 4)))
            return write_coded_chroma_dc(bs, coeffs, nz);
    }
    const cavlc_vlc token = coeff_token_code(nc, 0, 0);
    bs_write_bits(bs, token.len, token.code);
    return 0;
}

int cavlc_residual_block_bits(const int16_t *coeffs, int max_coeffs, int nc)
{
    if (max_coeffs == 4)
        nc = CAVLC_NC_CHROMA_DC;
    const uint32_t nz = nonzero_mask(coeffs, max_coeffs);
    if (!nz)
        return coeff_token_code(nc, 0, 0).len;
    cavlc_sink s = { NULL, 0, 0, 0 };
    cavlc_coded_block(&s, 0, coeffs, max_coeffs, nc, nz);
    return s.bits;
}
