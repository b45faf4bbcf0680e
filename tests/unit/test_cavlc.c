/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CAVLC writer test. The reference is an independent residual_block_cavlc()
 * parser written from 9.2, whose VLC tables are a second transcription of
 * the standard's tables as bit strings. Blocks are written, parsed back and
 * compared; the bit counter must agree with the writer on every block.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/cavlc.h"
#include "tests/common/check.h"
#include "hw/h264/bitstream.h"

static tally checks = { "test_cavlc" };

/* ------------------------------------------------------------------------ */
/* The standard's tables as bit strings (spaces are ignored). */

/* Table 9-5, [TotalCoeff][TrailingOnes], one column group per nC range. */
static const char *const ref_coeff_token[4][17][4] = {
    { /* 0 <= nC < 2 */
        { "1" },
        { "0001 01", "01" },
        { "0000 0111", "0001 00", "001" },
        { "0000 0011 1", "0000 0110", "0000 101", "0001 1" },
        { "0000 0001 11", "0000 0011 0", "0000 0101", "0000 11" },
        { "0000 0000 111", "0000 0001 10", "0000 0010 1", "0000 100" },
        { "0000 0000 0111 1", "0000 0000 110", "0000 0001 01", "0000 0100" },
        { "0000 0000 0101 1", "0000 0000 0111 0", "0000 0000 101", "0000 0010 0" },
        { "0000 0000 0100 0", "0000 0000 0101 0", "0000 0000 0110 1", "0000 0001 00" },
        { "0000 0000 0011 11", "0000 0000 0011 10", "0000 0000 0100 1", "0000 0000 100" },
        { "0000 0000 0010 11", "0000 0000 0010 10", "0000 0000 0011 01", "0000 0000 0110 0" },
        { "0000 0000 0001 111", "0000 0000 0001 110", "0000 0000 0010 01", "0000 0000 0011 00" },
        { "0000 0000 0001 011", "0000 0000 0001 010", "0000 0000 0001 101", "0000 0000 0010 00" },
        { "0000 0000 0000 1111", "0000 0000 0000 001", "0000 0000 0001 001", "0000 0000 0001 100" },
        { "0000 0000 0000 1011", "0000 0000 0000 1110", "0000 0000 0000 1101", "0000 0000 0001 000" },
        { "0000 0000 0000 0111", "0000 0000 0000 1010", "0000 0000 0000 1001", "0000 0000 0000 1100" },
        { "0000 0000 0000 0100", "0000 0000 0000 0110", "0000 0000 0000 0101", "0000 0000 0000 1000" },
    },
    { /* 2 <= nC < 4 */
        { "11" },
        { "0010 11", "10" },
        { "0001 11", "0011 1", "011" },
        { "0000 111", "0010 10", "0010 01", "0101" },
        { "0000 0111", "0001 10", "0001 01", "0100" },
        { "0000 0100", "0000 110", "0000 101", "0011 0" },
        { "0000 0011 1", "0000 0110", "0000 0101", "0010 00" },
        { "0000 0001 111", "0000 0011 0", "0000 0010 1", "0001 00" },
        { "0000 0001 011", "0000 0001 110", "0000 0001 101", "0000 100" },
        { "0000 0000 1111", "0000 0001 010", "0000 0001 001", "0000 0010 0" },
        { "0000 0000 1011", "0000 0000 1110", "0000 0000 1101", "0000 0001 100" },
        { "0000 0000 1000", "0000 0000 1010", "0000 0000 1001", "0000 0001 000" },
        { "0000 0000 0111 1", "0000 0000 0111 0", "0000 0000 0110 1", "0000 0000 1100" },
        { "0000 0000 0101 1", "0000 0000 0101 0", "0000 0000 0100 1", "0000 0000 0110 0" },
        { "0000 0000 0011 1", "0000 0000 0010 11", "0000 0000 0011 0", "0000 0000 0100 0" },
        { "0000 0000 0010 01", "0000 0000 0010 00", "0000 0000 0010 10", "0000 0000 0000 1" },
        { "0000 0000 0001 11", "0000 0000 0001 10", "0000 0000 0001 01", "0000 0000 0001 00" },
    },
    { /* 4 <= nC < 8 */
        { "1111" },
        { "0011 11", "1110" },
        { "0010 11", "0111 1", "1101" },
        { "0010 00", "0110 0", "0111 0", "1100" },
        { "0001 111", "0101 0", "0101 1", "1011" },
        { "0001 011", "0100 0", "0100 1", "1010" },
        { "0001 001", "0011 10", "0011 01", "1001" },
        { "0001 000", "0010 10", "0010 01", "1000" },
        { "0000 1111", "0001 110", "0001 101", "0110 1" },
        { "0000 1011", "0000 1110", "0001 010", "0011 00" },
        { "0000 0111 1", "0000 1010", "0000 1101", "0001 100" },
        { "0000 0101 1", "0000 0111 0", "0000 1001", "0000 1100" },
        { "0000 0100 0", "0000 0101 0", "0000 0110 1", "0000 1000" },
        { "0000 0011 01", "0000 0011 1", "0000 0100 1", "0000 0110 0" },
        { "0000 0010 01", "0000 0011 00", "0000 0010 11", "0000 0010 10" },
        { "0000 0001 01", "0000 0010 00", "0000 0001 11", "0000 0001 10" },
        { "0000 0000 01", "0000 0001 00", "0000 0000 11", "0000 0000 10" },
    },
    { /* 8 <= nC */
        { "0000 11" },
        { "0000 00", "0000 01" },
        { "0001 00", "0001 01", "0001 10" },
        { "0010 00", "0010 01", "0010 10", "0010 11" },
        { "0011 00", "0011 01", "0011 10", "0011 11" },
        { "0100 00", "0100 01", "0100 10", "0100 11" },
        { "0101 00", "0101 01", "0101 10", "0101 11" },
        { "0110 00", "0110 01", "0110 10", "0110 11" },
        { "0111 00", "0111 01", "0111 10", "0111 11" },
        { "1000 00", "1000 01", "1000 10", "1000 11" },
        { "1001 00", "1001 01", "1001 10", "1001 11" },
        { "1010 00", "1010 01", "1010 10", "1010 11" },
        { "1011 00", "1011 01", "1011 10", "1011 11" },
        { "1100 00", "1100 01", "1100 10", "1100 11" },
        { "1101 00", "1101 01", "1101 10", "1101 11" },
        { "1110 00", "1110 01", "1110 10", "1110 11" },
        { "1111 00", "1111 01", "1111 10", "1111 11" },
    },
};

/* Table 9-5, nC == -1. */
static const char *const ref_coeff_token_cdc[5][4] = {
    { "01" },
    { "0001 11", "1" },
    { "0001 00", "0001 10", "001" },
    { "0000 11", "0000 011", "0000 010", "0001 01" },
    { "0000 10", "0000 0011", "0000 0010", "0000 000" },
};

/* Tables 9-7 and 9-8, [tzVlcIndex - 1][total_zeros]. */
static const char *const ref_total_zeros[15][16] = {
    { "1", "011", "010", "0011", "0010", "0001 1", "0001 0", "0000 11",
      "0000 10", "0000 011", "0000 010", "0000 0011", "0000 0010", "0000 0001 1", "0000 0001 0", "0000 0000 1" },
    { "111", "110", "101", "100", "011", "0101", "0100", "0011",
      "0010", "0001 1", "0001 0", "0000 11", "0000 10", "0000 01", "0000 00" },
    { "0101", "111", "110", "101", "0100", "0011", "100", "011",
      "0010", "0001 1", "0001 0", "0000 01", "0000 1", "0000 00" },
    { "0001 1", "111", "0101", "0100", "110", "101", "100", "0011",
      "011", "0010", "0001 0", "0000 1", "0000 0" },
    { "0101", "0100", "0011", "111", "110", "101", "100", "011",
      "0010", "0000 1", "0001", "0000 0" },
    { "0000 01", "0000 1", "111", "110", "101", "100", "011", "010",
      "0001", "001", "0000 00" },
    { "0000 01", "0000 1", "101", "100", "011", "11", "010", "0001",
      "001", "0000 00" },
    { "0000 01", "0001", "0000 1", "011", "11", "10", "010", "001",
      "0000 00" },
    { "0000 01", "0000 00", "0001", "11", "10", "001", "01", "0000 1" },
    { "0000 1", "0000 0", "001", "11", "10", "01", "0001" },
    { "0000", "0001", "001", "010", "1", "011" },
    { "0000", "0001", "01", "1", "001" },
    { "000", "001", "1", "01" },
    { "00", "01", "1" },
    { "0", "1" },
};

/* Table 9-9a, chroma DC 4:2:0, [tzVlcIndex - 1][total_zeros]. */
static const char *const ref_total_zeros_cdc[3][4] = {
    { "1", "01", "001", "000" },
    { "1", "01", "00" },
    { "1", "0" },
};

/* Table 9-10, [min(zerosLeft, 7) - 1][run_before]. */
static const char *const ref_run_before[7][15] = {
    { "1", "0" },
    { "1", "01", "00" },
    { "11", "10", "01", "00" },
    { "11", "10", "01", "001", "000" },
    { "11", "10", "011", "010", "001", "000" },
    { "11", "000", "001", "011", "010", "101", "100" },
    { "111", "110", "101", "100", "011", "010", "001", "0001",
      "0000 1", "0000 01", "0000 001", "0000 0001", "0000 0000 1", "0000 0000 01", "0000 0000 001" },
};

/* ------------------------------------------------------------------------ */
/* String tables turned into (code, len) lists for parsing. */

typedef struct ref_code {
    uint32_t code;
    int len;
    int a, b; /* the symbol: (TotalCoeff, TrailingOnes) or (value, unused) */
} ref_code;

typedef struct ref_table {
    ref_code e[68];
    int n;
} ref_table;

static int parse_code_string(const char *s, uint32_t *code)
{
    int len = 0;
    *code = 0;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (*s != '0' && *s != '1') {
            fprintf(stderr, "bad code string character '%c'\n", *s);
            exit(2);
        }
        *code = (*code << 1) | (uint32_t)(*s - '0');
        len++;
    }
    return len;
}

static void ref_add(ref_table *t, const char *s, int a, int b)
{
    if (!s)
        return;
    ref_code *c = &t->e[t->n++];
    c->len = parse_code_string(s, &c->code);
    c->a = a;
    c->b = b;
}

/* No code may be a prefix of another, or the table cannot be parsed. */
static void check_prefix_free(const ref_table *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->n; j++) {
            if (i == j || t->e[i].len > t->e[j].len)
                continue;
            uint32_t head = t->e[j].code >> (t->e[j].len - t->e[i].len);
            CHECK(&checks, head != t->e[i].code, "%s: code %d is a prefix of code %d", name, i, j);
        }
}

typedef struct ref_tables {
    ref_table coeff_token[5]; /* 0..3 by nC range, 4 for nC == -1 */
    ref_table total_zeros[15];
    ref_table total_zeros_cdc[3];
    ref_table run_before[7];
} ref_tables;

static void ref_tables_init(ref_tables *rt)
{
    memset(rt, 0, sizeof(*rt));
    for (int t = 0; t < 4; t++)
        for (int tc = 0; tc <= 16; tc++)
            for (int t1 = 0; t1 < 4; t1++)
                ref_add(&rt->coeff_token[t], ref_coeff_token[t][tc][t1], tc, t1);
    for (int tc = 0; tc <= 4; tc++)
        for (int t1 = 0; t1 < 4; t1++)
            ref_add(&rt->coeff_token[4], ref_coeff_token_cdc[tc][t1], tc, t1);
    for (int i = 0; i < 15; i++)
        for (int tz = 0; tz < 16; tz++)
            ref_add(&rt->total_zeros[i], ref_total_zeros[i][tz], tz, 0);
    for (int i = 0; i < 3; i++)
        for (int tz = 0; tz < 4; tz++)
            ref_add(&rt->total_zeros_cdc[i], ref_total_zeros_cdc[i][tz], tz, 0);
    for (int i = 0; i < 7; i++)
        for (int r = 0; r < 15; r++)
            ref_add(&rt->run_before[i], ref_run_before[i][r], r, 0);

    /* Sanity of the transcription itself: entry counts and prefix freedom. */
    for (int t = 0; t < 4; t++) {
        CHECK(&checks, rt->coeff_token[t].n == 62, "coeff_token table %d has %d codes", t, rt->coeff_token[t].n);
        check_prefix_free(&rt->coeff_token[t], "coeff_token");
    }
    CHECK(&checks, rt->coeff_token[4].n == 14, "chroma DC coeff_token has %d codes", rt->coeff_token[4].n);
    check_prefix_free(&rt->coeff_token[4], "coeff_token chroma DC");
    for (int i = 0; i < 15; i++) {
        CHECK(&checks, rt->total_zeros[i].n == 16 - i, "total_zeros %d has %d codes", i + 1, rt->total_zeros[i].n);
        check_prefix_free(&rt->total_zeros[i], "total_zeros");
    }
    for (int i = 0; i < 3; i++) {
        CHECK(&checks, rt->total_zeros_cdc[i].n == 4 - i, "chroma DC total_zeros %d", i + 1);
        check_prefix_free(&rt->total_zeros_cdc[i], "total_zeros chroma DC");
    }
    for (int i = 0; i < 7; i++) {
        CHECK(&checks, rt->run_before[i].n == (i < 6 ? i + 2 : 15), "run_before %d", i + 1);
        check_prefix_free(&rt->run_before[i], "run_before");
    }
}

/* ------------------------------------------------------------------------ */
/* Bit reader and the reference parser. */

typedef struct bit_reader {
    const uint8_t *buf;
    size_t size_bits;
    size_t pos;
    int error;
} bit_reader;

static uint32_t read_bit(bit_reader *br)
{
    if (br->pos >= br->size_bits) {
        br->error = 1;
        return 0;
    }
    uint32_t bit = (br->buf[br->pos >> 3] >> (7 - (br->pos & 7))) & 1;
    br->pos++;
    return bit;
}

static uint32_t read_bits(bit_reader *br, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 1) | read_bit(br);
    return v;
}

/* Reads bits until they form one of the table's codes. */
static const ref_code *read_vlc(bit_reader *br, const ref_table *t)
{
    uint32_t code = 0;
    for (int len = 1; len <= 16 && !br->error; len++) {
        code = (code << 1) | read_bit(br);
        for (int i = 0; i < t->n; i++)
            if (t->e[i].len == len && t->e[i].code == code)
                return &t->e[i];
    }
    br->error = 1;
    return NULL;
}

/* residual_block_cavlc() per 7.3.5.3.2 and 9.2. Returns TotalCoeff, or -1
 * on a parse error. */
static int ref_parse_block(bit_reader *br, const ref_tables *rt, int nc, int max_coeffs, int coeff_level[16])
{
    int level_val[16], run_val[16];
    for (int i = 0; i < max_coeffs; i++)
        coeff_level[i] = 0;

    const ref_table *ct;
    if (nc == -1)
        ct = &rt->coeff_token[4];
    else if (nc < 2)
        ct = &rt->coeff_token[0];
    else if (nc < 4)
        ct = &rt->coeff_token[1];
    else if (nc < 8)
        ct = &rt->coeff_token[2];
    else
        ct = &rt->coeff_token[3];
    const ref_code *tok = read_vlc(br, ct);
    if (!tok)
        return -1;
    int total_coeff = tok->a, trailing_ones = tok->b;
    if (total_coeff > max_coeffs)
        return -1;
    if (total_coeff == 0)
        return 0;

    int suffix_length = total_coeff > 10 && trailing_ones < 3 ? 1 : 0;
    for (int i = 0; i < total_coeff; i++) {
        if (i < trailing_ones) {
            level_val[i] = 1 - 2 * (int)read_bit(br);
            continue;
        }
        int level_prefix = 0;
        while (!read_bit(br)) {
            level_prefix++;
            if (br->error || level_prefix > 15)
                return -1; /* > 15 is not allowed in Baseline/Main/Extended */
        }
        int level_code = (level_prefix < 15 ? level_prefix : 15) << suffix_length;
        int suffix_size = suffix_length;
        if (level_prefix == 14 && suffix_length == 0)
            suffix_size = 4;
        if (level_prefix >= 15)
            suffix_size = level_prefix - 3;
        if (suffix_size > 0)
            level_code += (int)read_bits(br, suffix_size);
        if (level_prefix >= 15 && suffix_length == 0)
            level_code += 15;
        if (level_prefix >= 16)
            level_code += (1 << (level_prefix - 3)) - 4096;
        if (i == trailing_ones && trailing_ones < 3)
            level_code += 2;
        if (level_code % 2 == 0)
            level_val[i] = (level_code + 2) >> 1;
        else
            level_val[i] = (-level_code - 1) >> 1;
        if (suffix_length == 0)
            suffix_length = 1;
        if (abs(level_val[i]) > (3 << (suffix_length - 1)) && suffix_length < 6)
            suffix_length++;
    }

    int total_zeros = 0;
    if (total_coeff < max_coeffs) {
        const ref_code *tz = max_coeffs == 4 ? read_vlc(br, &rt->total_zeros_cdc[total_coeff - 1])
                                             : read_vlc(br, &rt->total_zeros[total_coeff - 1]);
        if (!tz)
            return -1;
        total_zeros = tz->a;
    }
    if (total_zeros + total_coeff > max_coeffs)
        return -1;
    int zeros_left = total_zeros;
    for (int i = 0; i < total_coeff - 1; i++) {
        run_val[i] = 0;
        if (zeros_left > 0) {
            const ref_code *rb = read_vlc(br, &rt->run_before[(zeros_left > 7 ? 7 : zeros_left) - 1]);
            if (!rb)
                return -1;
            run_val[i] = rb->a;
        }
        zeros_left -= run_val[i];
        if (zeros_left < 0)
            return -1;
    }
    run_val[total_coeff - 1] = zeros_left;
    int coeff_num = -1;
    for (int i = total_coeff - 1; i >= 0; i--) {
        coeff_num += run_val[i] + 1;
        if (coeff_num >= max_coeffs)
            return -1;
        coeff_level[coeff_num] = level_val[i];
    }
    return br->error ? -1 : total_coeff;
}

/* ------------------------------------------------------------------------ */
/* Hand-computed codes. */

static void bits_to_string(const uint8_t *buf, size_t nbits, char *out)
{
    for (size_t i = 0; i < nbits; i++)
        out[i] = (char)('0' + ((buf[i >> 3] >> (7 - (i & 7))) & 1));
    out[nbits] = 0;
}

static void expect_block_code(const int16_t *coeffs, int max_coeffs, int nc, const char *expected_spaced)
{
    char expected[256];
    size_t n = 0;
    for (const char *p = expected_spaced; *p; p++)
        if (*p != ' ')
            expected[n++] = *p;
    expected[n] = 0;

    uint8_t buf[64];
    h264_bitstream bs;
    bs_init(&bs, buf, sizeof(buf));
    cavlc_write_residual_block(&bs, coeffs, max_coeffs, nc);
    size_t nbits = bs_bit_count(&bs);
    bs_align_zero(&bs);
    bs_flush(&bs);
    char got[256];
    bits_to_string(buf, nbits, got);
    CHECK(&checks, !strcmp(got, expected), "nc %d max %d: wrote %s, expected %s", nc, max_coeffs, got, expected);
    CHECK(&checks, cavlc_residual_block_bits(coeffs, max_coeffs, nc) == (int)n, "bit count for %s", expected);
}

static void test_spot_codes(void)
{
    const int16_t zero[16] = { 0 };
    expect_block_code(zero, 16, 0, "1");          /* Table 9-5, TotalCoeff 0, 0 <= nC < 2 */
    expect_block_code(zero, 15, 3, "11");         /* 2 <= nC < 4 */
    expect_block_code(zero, 16, 7, "1111");       /* 4 <= nC < 8 */
    expect_block_code(zero, 16, 8, "0000 11");    /* 8 <= nC */
    expect_block_code(zero, 4, CAVLC_NC_CHROMA_DC, "01");

    /* The textbook example (Richardson, H.264 and MPEG-4 Video Compression):
     * 0,3,0,1,-1,-1,0,1 with nC 0. coeff_token (5, 3) 0000100, signs 011,
     * levels 1 -> 1, 3 -> 0010, total_zeros 3 -> 111, runs 10 1 1 01. */
    const int16_t ex1[16] = { 0, 3, 0, 1, -1, -1, 0, 1 };
    expect_block_code(ex1, 16, 0, "0000 100 011 1 0010 111 10 1 1 01");

    /* One level 100: coeff_token (1, 0) 000101; first non-trailing level with
     * TrailingOnes < 3 gives levelCode 2*100-2-2 = 196 >= 30, so level_prefix
     * 15 and 12-bit suffix 196-30 = 166; total_zeros 0 -> 1. */
    const int16_t ex2[16] = { 100 };
    expect_block_code(ex2, 16, 0, "000101 0000000000000001 0000 1010 0110 1");

    /* -9: levelCode 2*9-1-2 = 15: level_prefix 14 with 4-bit suffix 0001.
     * Position 2 in a 15-coefficient AC block: total_zeros 2 -> 010. */
    const int16_t ex3[15] = { 0, 0, -9 };
    expect_block_code(ex3, 15, 1, "000101 000000000000001 0001 010");

    /* Chroma DC -1 at index 3 and 2 at index 0: coeff_token (2, 1) 000110,
     * sign 1, level 2 -> levelCode 2-2 = 0 -> 1, total_zeros 2 (2x2 table,
     * TotalCoeff 2) -> 00, run_before 2 with zerosLeft 2 -> 00. */
    const int16_t ex4[4] = { 2, 0, 0, -1 };
    expect_block_code(ex4, 4, CAVLC_NC_CHROMA_DC, "000110 1 1 00 00");

    /* nC >= 8: 16 coefficients of 5 all nonzero: FLC (16, 0) 111100; suffixLength
     * starts at 1; levelCode 6 (after the -2) -> 0001 0, then suffixLength 2
     * since 5 > 3: levelCode 8 -> 01 00 ... no total_zeros at TotalCoeff 16. */
    int16_t ex5[16];
    char exp5[256];
    for (int i = 0; i < 16; i++)
        ex5[i] = 5;
    strcpy(exp5, "111100 00010");
    /* Later levels: levelCode 8, suffixLength 2 -> prefix 2 suffix 00 = 001 00,
     * and 5 <= 3 << 1 keeps suffixLength at 2 from there on. */
    for (int i = 1; i < 16; i++)
        strcat(exp5, " 00100");
    expect_block_code(ex5, 16, 8, exp5);
}

/* ------------------------------------------------------------------------ */
/* Round trips. */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    /* xorshift64*: deterministic so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static int rnd_below(int n)
{
    return (int)(rnd() % (uint32_t)n);
}

static int16_t rnd_level(int kind)
{
    static const int16_t edges[] = { 1, 2, 3, 4, 6, 7, 8, 13, 14, 15, 16, 22, 23, 24, 25, 47, 48, 49,
                                     95, 96, 97, 1000, 2047, 2048, 2049, 2061, 2062, 2063 };
    int mag;
    switch (kind) {
    case 0: mag = 1; break;
    case 1: mag = 1 + rnd_below(3); break;
    case 2: mag = 1 + rnd_below(40); break;
    case 3: mag = 1 + rnd_below(CAVLC_LEVEL_MAX); break;
    default: mag = edges[rnd_below((int)(sizeof(edges) / sizeof(edges[0])))]; break;
    }
    return (int16_t)(rnd() & 1 ? -mag : mag);
}

static void make_block(int16_t *c, int max_coeffs)
{
    memset(c, 0, 16 * sizeof(*c));
    int shape = rnd_below(7);
    int kind = rnd_below(5);
    switch (shape) {
    case 0: /* all zero */
        break;
    case 1: /* dense */
        for (int i = 0; i < max_coeffs; i++)
            c[i] = rnd_level(kind);
        break;
    case 2: /* sparse */
        for (int i = 0; i < max_coeffs; i++)
            if (rnd_below(100) < 20)
                c[i] = rnd_level(kind);
        break;
    case 3: /* only +-1, i.e. many trailing ones */
        for (int i = 0; i < max_coeffs; i++)
            if (rnd_below(2))
                c[i] = rnd_level(0);
        break;
    case 4: /* long zero runs: a few levels at the ends */
        c[rnd_below(2) ? 0 : max_coeffs - 1] = rnd_level(kind);
        if (rnd_below(2))
            c[rnd_below(max_coeffs)] = rnd_level(kind);
        break;
    case 5: { /* decaying, like real residuals */
        int n = rnd_below(max_coeffs + 1);
        for (int i = 0; i < n; i++)
            if (rnd_below(100) < 70)
                c[i] = rnd_level(i < 3 ? kind : 1);
        break;
    }
    default: /* mixed kinds per coefficient */
        for (int i = 0; i < max_coeffs; i++)
            if (rnd_below(3))
                c[i] = rnd_level(rnd_below(5));
        break;
    }
}

static int count_nonzero(const int16_t *c, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += c[i] != 0;
    return k;
}

/* Writes nblocks blocks back to back into one stream, then parses them. */
static void round_trip_batch(const ref_tables *rt, int16_t (*blocks)[16], const int *max_coeffs,
                             const int *ncs, int nblocks)
{
    static uint8_t buf[1 << 16];
    h264_bitstream bs;
    bs_init(&bs, buf, sizeof(buf));
    size_t ends[64];
    for (int b = 0; b < nblocks; b++) {
        size_t before = bs_bit_count(&bs);
        int tc = cavlc_write_residual_block(&bs, blocks[b], max_coeffs[b], ncs[b]);
        size_t written = bs_bit_count(&bs) - before;
        int counted = cavlc_residual_block_bits(blocks[b], max_coeffs[b], ncs[b]);
        CHECK(&checks, tc == count_nonzero(blocks[b], max_coeffs[b]), "block %d: TotalCoeff %d", b, tc);
        CHECK(&checks, (size_t)counted == written, "block %d (nc %d, max %d): counted %d bits, wrote %zu", b, ncs[b],
                       max_coeffs[b], counted, written);
        ends[b] = bs_bit_count(&bs);
    }
    size_t total_bits = bs_bit_count(&bs);
    bs_align_zero(&bs);
    bs_flush(&bs);
    CHECK(&checks, !bs.overflow, "bitstream overflow");

    bit_reader br = { buf, total_bits, 0, 0 };
    for (int b = 0; b < nblocks; b++) {
        int got[16];
        int tc = ref_parse_block(&br, rt, ncs[b], max_coeffs[b], got);
        CHECK(&checks, tc >= 0, "block %d (nc %d, max %d): parse error at bit %zu", b, ncs[b], max_coeffs[b], br.pos);
        if (tc < 0)
            return;
        CHECK(&checks, br.pos == ends[b], "block %d: parser consumed up to bit %zu, writer ended at %zu", b, br.pos,
                       ends[b]);
        for (int i = 0; i < max_coeffs[b]; i++)
            CHECK(&checks, got[i] == blocks[b][i], "block %d (nc %d, max %d) coeff %d: got %d, wrote %d", b, ncs[b],
                           max_coeffs[b], i, got[i], blocks[b][i]);
        if (br.pos != ends[b])
            return;
    }
}

static void test_random(const ref_tables *rt)
{
    int16_t blocks[64][16];
    int maxc[64], ncs[64];
    for (int iter = 0; iter < 3000; iter++) {
        int n = 1 + rnd_below(64);
        for (int b = 0; b < n; b++) {
            int type = rnd_below(3);
            maxc[b] = type == 0 ? 4 : type == 1 ? 15 : 16;
            ncs[b] = type == 0 ? CAVLC_NC_CHROMA_DC : rnd_below(17);
            make_block(blocks[b], maxc[b]);
        }
        round_trip_batch(rt, blocks, maxc, ncs, n);
        if (checks.fail)
            return;
    }
}

/* Every (TotalCoeff, TrailingOnes) for every nC range, every (TotalCoeff,
 * total_zeros) and every (zerosLeft, run_before): each table entry of the
 * writer is exercised at least once. */
static void test_exhaustive_tables(const ref_tables *rt)
{
    int16_t blocks[64][16];
    int maxc[64], ncs[64];
    int n = 0;
    static const int nc_of_range[5] = { 0, 2, 4, 8, CAVLC_NC_CHROMA_DC };
    for (int r = 0; r < 5; r++) {
        int max = r == 4 ? 4 : 16;
        for (int tc = 0; tc <= max; tc++)
            for (int t1 = 0; t1 <= (tc < 3 ? tc : 3); t1++) {
                /* tc levels packed at the start, the last t1 of them +-1. */
                int16_t *c = blocks[n];
                memset(c, 0, sizeof(blocks[n]));
                for (int i = 0; i < tc; i++)
                    c[i] = i >= tc - t1 ? rnd_level(0) : (int16_t)(2 + rnd_below(5));
                maxc[n] = max;
                ncs[n] = nc_of_range[r] + (r < 4 ? rnd_below(r == 0 ? 2 : r == 3 ? 9 : r * 2) : 0);
                if (++n == 64) {
                    round_trip_batch(rt, blocks, maxc, ncs, n);
                    n = 0;
                }
            }
    }
    for (int max = 4; max <= 16; max += 12)
        for (int tc = 1; tc < max; tc++)
            for (int tz = 0; tz + tc <= max; tz++) {
                /* The last coefficient at position tc + tz - 1, the others
                 * spread so the runs vary too. */
                int16_t *c = blocks[n];
                memset(c, 0, sizeof(blocks[n]));
                c[tc + tz - 1] = rnd_level(rnd_below(5));
                for (int placed = 1; placed < tc;) {
                    int p = rnd_below(tc + tz - 1);
                    if (!c[p]) {
                        c[p] = rnd_level(rnd_below(5));
                        placed++;
                    }
                }
                maxc[n] = max;
                ncs[n] = max == 4 ? CAVLC_NC_CHROMA_DC : rnd_below(17);
                if (++n == 64) {
                    round_trip_batch(rt, blocks, maxc, ncs, n);
                    n = 0;
                }
            }
    /* run_before: zerosLeft z before a coefficient whose run is r, then the
     * remaining z - r zeros in front of the first coefficient. */
    for (int z = 1; z <= 14; z++)
        for (int r = 0; r <= z; r++) {
            int16_t *c = blocks[n];
            memset(c, 0, sizeof(blocks[n]));
            /* Layout: [z - r zeros] a [r zeros] b */
            c[z - r] = 3;
            c[z + 1] = -2;
            maxc[n] = 16;
            ncs[n] = rnd_below(17);
            if (++n == 64) {
                round_trip_batch(rt, blocks, maxc, ncs, n);
                n = 0;
            }
        }
    if (n)
        round_trip_batch(rt, blocks, maxc, ncs, n);
}

/* Out-of-range levels are clamped to +-CAVLC_LEVEL_MAX inside the writer and
 * still give a valid stream. */
static void test_clamp(const ref_tables *rt)
{
    static const int16_t big[] = { 2064, 2065, 4000, 32767, -2064, -32768 };
    for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
        for (int pos = 0; pos < 3; pos++) {
            int16_t c[16] = { 0 };
            c[0] = 1;
            c[pos + 1] = big[k];
            c[5] = pos == 2 ? 7 : 0;
            uint8_t buf[64];
            h264_bitstream bs;
            bs_init(&bs, buf, sizeof(buf));
            cavlc_write_residual_block(&bs, c, 16, 0);
            size_t nbits = bs_bit_count(&bs);
            CHECK(&checks, (int)nbits == cavlc_residual_block_bits(c, 16, 0), "clamp bit count");
            bs_align_zero(&bs);
            bs_flush(&bs);
            bit_reader br = { buf, nbits, 0, 0 };
            int got[16];
            int tc = ref_parse_block(&br, rt, 0, 16, got);
            CHECK(&checks, tc == count_nonzero(c, 16) && br.pos == nbits, "clamped block parse");
            int expected = big[k] > 0 ? CAVLC_LEVEL_MAX : -CAVLC_LEVEL_MAX;
            CHECK(&checks, tc < 0 || got[pos + 1] == expected, "level %d decoded as %d", big[k], got[pos + 1]);
        }
    }
}

/* nC above 16 cannot come from cavlc_predict_nc() but must not read out of
 * bounds; and the nC prediction helper of the header. */
static void test_nc(void)
{
    CHECK(&checks, cavlc_predict_nc(1, 3, 1, 4) == 4, "nC (3+4+1)>>1");
    CHECK(&checks, cavlc_predict_nc(1, 3, 0, 9) == 3, "nC left only");
    CHECK(&checks, cavlc_predict_nc(0, 3, 1, 9) == 9, "nC top only");
    CHECK(&checks, cavlc_predict_nc(0, 3, 0, 9) == 0, "nC none");
    const int16_t c[16] = { 1, 1, 0, 4 };
    CHECK(&checks, cavlc_residual_block_bits(c, 16, 40) == cavlc_residual_block_bits(c, 16, 8), "nC 40 uses the FLC");
}

int main(void)
{
    static ref_tables rt;
    ref_tables_init(&rt);
    test_spot_codes();
    test_nc();
    if (!checks.fail)
        test_exhaustive_tables(&rt);
    if (!checks.fail)
        test_clamp(&rt);
    if (!checks.fail)
        test_random(&rt);
    if (checks.fail) {
        fprintf(stderr, "test_cavlc: %d failure(s)\n", checks.fail);
        return 1;
    }
    printf("test_cavlc: ok\n");
    return 0;
}
