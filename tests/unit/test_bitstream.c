/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Bit writer and NAL writer test: fixed bits, exp-Golomb codes (9.1) and
 * emulation prevention (7.4.1) against hand-computed strings and against
 * small independent references written here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/check.h"
#include "hw/h264/bitstream.h"

static tally checks = { "test_bitstream" };

/* The bits written so far as a '0'/'1' string (flushes the writer). */
static void stream_string(h264_bitstream *bs, char *out, size_t out_size)
{
    size_t nbits = bs_bit_count(bs);
    size_t bytes = bs_flush(bs);
    size_t n = 0;
    for (size_t i = 0; i < bytes * 8 && n + 1 < out_size; i++)
        out[n++] = (char)('0' + ((bs->buf[i >> 3] >> (7 - (i & 7))) & 1));
    /* The partial last byte is still in the cache, right-aligned. */
    for (int i = bs->cache_bits - 1; i >= 0 && n + 1 < out_size; i--)
        out[n++] = (char)('0' + ((bs->cache >> i) & 1));
    out[n] = 0;
    CHECK(&checks, n == nbits, "bit count %zu, string has %zu bits", nbits, n);
}

static void strip_spaces(const char *in, char *out)
{
    for (; *in; in++)
        if (*in != ' ')
            *out++ = *in;
    *out = 0;
}

static void expect_bits(h264_bitstream *bs, const char *expected_spaced, const char *what)
{
    char got[4096], expected[4096];
    strip_spaces(expected_spaced, expected);
    stream_string(bs, got, sizeof(got));
    CHECK(&checks, !strcmp(got, expected), "%s: got %s, expected %s", what, got, expected);
}

static void test_write_bits(void)
{
    uint8_t buf[64];
    h264_bitstream bs;

    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 3, 5);
    bs_write_bits(&bs, 0, 1);          /* nothing */
    bs_write_flag(&bs, 7);             /* any nonzero is a 1 */
    bs_write_flag(&bs, 0);
    bs_write_bits(&bs, 4, 0xf3);       /* only the 4 low bits: 0011 */
    bs_write_bits(&bs, 12, 0xabc);
    expect_bits(&bs, "101 1 0 0011 1010 1011 1100", "write_bits");

    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 1, 1);
    bs_write_bits(&bs, 32, 0x80000001u);
    bs_write_bits(&bs, 32, 0xdeadbeefu);
    bs_write_bits(&bs, 31, 0x7fffffffu);
    bs_write_bits(&bs, 2, 0);
    expect_bits(&bs,
                "1 1000 0000 0000 0000 0000 0000 0000 0001"
                " 1101 1110 1010 1101 1011 1110 1110 1111"
                " 111 1111 1111 1111 1111 1111 1111 1111 00",
                "32-bit writes");
    CHECK(&checks, buf[0] == 0xc0 && buf[3] == 0x00 && buf[4] == 0xef, "bytes %02x %02x %02x", buf[0], buf[3], buf[4]);

    /* Many writes of every width: compare with a bit-by-bit reference. */
    bs_init(&bs, buf, sizeof(buf));
    char expected[600];
    size_t n = 0;
    uint32_t x = 12345;
    for (int width = 0; width <= 32 && n < 480; width += 1) {
        x = x * 1103515245u + 12345u;
        uint32_t v = x ^ (x << 7);
        bs_write_bits(&bs, width, v);
        for (int i = width - 1; i >= 0; i--)
            expected[n++] = (char)('0' + ((v >> i) & 1));
    }
    expected[n] = 0;
    expect_bits(&bs, expected, "widths 0..32");
    CHECK(&checks, !bs.overflow, "no overflow expected");
}

/* Independent ue(v) reference: leadingZeroBits zeros, then codeNum + 1 in
 * binary (9.1). */
static void ref_ue_string(uint64_t code_num, char *out)
{
    uint64_t v = code_num + 1;
    int bits = 0;
    while (bits < 64 && (v >> bits) > 1)
        bits++;
    size_t n = 0;
    for (int i = 0; i < bits; i++)
        out[n++] = '0';
    for (int i = bits; i >= 0; i--)
        out[n++] = (char)('0' + ((v >> i) & 1));
    out[n] = 0;
}

static uint64_t se_code_num(int32_t v)
{
    /* Table 9-3: k > 0 -> 2k - 1, k <= 0 -> -2k. */
    return v > 0 ? 2 * (uint64_t)v - 1 : 2 * (uint64_t)(-(int64_t)v);
}

static void test_exp_golomb(void)
{
    static const struct { uint32_t v; const char *s; } ue_hand[] = {
        { 0, "1" },      { 1, "010" },      { 2, "011" },       { 3, "00100" },
        { 4, "00101" },  { 5, "00110" },    { 6, "00111" },     { 7, "0001000" },
        { 8, "0001001" }, { 14, "0001111" }, { 15, "000010000" }, { 30, "000011111" },
        { 31, "00000100000" }, { 254, "000000011111111" },
        { 255, "00000000100000000" },
    };
    static const struct { int32_t v; const char *s; } se_hand[] = {
        { 0, "1" }, { 1, "010" }, { -1, "011" }, { 2, "00100" }, { -2, "00101" },
        { 3, "00110" }, { -3, "00111" }, { 4, "0001000" }, { -4, "0001001" },
    };
    uint8_t buf[1 << 12];
    h264_bitstream bs;

    for (size_t i = 0; i < sizeof(ue_hand) / sizeof(ue_hand[0]); i++) {
        bs_init(&bs, buf, sizeof(buf));
        bs_write_ue(&bs, ue_hand[i].v);
        expect_bits(&bs, ue_hand[i].s, "ue");
        CHECK(&checks, bs_size_ue(ue_hand[i].v) == (int)strlen(ue_hand[i].s), "bs_size_ue(%u)", ue_hand[i].v);
    }
    for (size_t i = 0; i < sizeof(se_hand) / sizeof(se_hand[0]); i++) {
        bs_init(&bs, buf, sizeof(buf));
        bs_write_se(&bs, se_hand[i].v);
        expect_bits(&bs, se_hand[i].s, "se");
        CHECK(&checks, bs_size_se(se_hand[i].v) == (int)strlen(se_hand[i].s), "bs_size_se(%d)", se_hand[i].v);
    }

    /* Sweep, including the largest value ue(v) can carry in 32 bits. The
     * codes go one after the other into one stream, behind an odd offset, to
     * exercise the cache across byte boundaries. */
    static const uint32_t big[] = {
        (1u << 16) - 2, (1u << 16) - 1, 1u << 16, (1u << 31) - 2, (1u << 31) - 1, 1u << 31,
        0xfffffffdu, 0xfffffffeu,
    };
    char expected[16384], one[80];
    for (int pass = 0; pass < 2; pass++) {
        bs_init(&bs, buf, sizeof(buf));
        bs_write_bits(&bs, 3, 5);
        strcpy(expected, "101");
        size_t n = 3;
        uint32_t x = 99;
        for (int i = 0; i < 120; i++) {
            uint32_t v;
            if (i < (int)(sizeof(big) / sizeof(big[0])))
                v = big[i];
            else {
                x = x * 1664525u + 1013904223u;
                v = x >> (x & 31);
            }
            if (pass == 0) {
                if (v == 0xffffffffu)
                    continue;
                bs_write_ue(&bs, v);
                ref_ue_string(v, one);
                CHECK(&checks, bs_size_ue(v) == (int)strlen(one), "bs_size_ue(%u) = %d, want %zu", v, bs_size_ue(v),
                               strlen(one));
            } else {
                /* se(v) spans -(2^31 - 1) .. 2^31 - 1 (codeNum <= 2^32 - 2). */
                int32_t s = (int32_t)(v >> 1) * ((v & 1) ? -1 : 1);
                if (s == INT32_MIN)
                    continue;
                bs_write_se(&bs, s);
                ref_ue_string(se_code_num(s), one);
                CHECK(&checks, bs_size_se(s) == (int)strlen(one), "bs_size_se(%d) = %d, want %zu", s, bs_size_se(s),
                               strlen(one));
            }
            memcpy(expected + n, one, strlen(one) + 1);
            n += strlen(one);
        }
        expect_bits(&bs, expected, pass ? "se sweep" : "ue sweep");
    }
    int32_t extremes[] = { INT32_MAX, -INT32_MAX };
    for (int i = 0; i < 2; i++) {
        bs_init(&bs, buf, sizeof(buf));
        bs_write_se(&bs, extremes[i]);
        ref_ue_string(se_code_num(extremes[i]), one);
        expect_bits(&bs, one, "se extreme");
        CHECK(&checks, bs_size_se(extremes[i]) == 63, "bs_size_se(%d) = %d", extremes[i], bs_size_se(extremes[i]));
    }
}

static void test_align_and_trailing(void)
{
    uint8_t buf[16];
    h264_bitstream bs;

    bs_init(&bs, buf, sizeof(buf));
    CHECK(&checks, bs_is_aligned(&bs), "empty stream is aligned");
    bs_write_rbsp_trailing(&bs);
    expect_bits(&bs, "1000 0000", "trailing from aligned");

    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 3, 7);
    CHECK(&checks, !bs_is_aligned(&bs), "3 bits are not aligned");
    bs_write_rbsp_trailing(&bs);
    CHECK(&checks, bs_is_aligned(&bs), "aligned after trailing bits");
    expect_bits(&bs, "1111 0000", "trailing after 3 bits");

    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 7, 0x7f);
    bs_write_rbsp_trailing(&bs);
    expect_bits(&bs, "1111 1111", "trailing after 7 bits");

    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 10, 0x3ff);
    bs_align_zero(&bs);
    bs_align_zero(&bs); /* already aligned: no-op */
    expect_bits(&bs, "1111 1111 1100 0000", "align_zero");
    CHECK(&checks, bs_flush(&bs) == 2 && bs_bit_count(&bs) == 16, "flush returns whole bytes");

    /* A partial byte stays cached across a flush. */
    bs_init(&bs, buf, sizeof(buf));
    bs_write_bits(&bs, 12, 0xabc);
    CHECK(&checks, bs_flush(&bs) == 1 && buf[0] == 0xab, "flush keeps the partial byte");
    CHECK(&checks, bs_bit_count(&bs) == 12, "bit count after flush");
    bs_write_bits(&bs, 4, 0xd);
    CHECK(&checks, bs_flush(&bs) == 2 && buf[1] == 0xcd, "continues after flush");
}

static void test_overflow(void)
{
    uint8_t mem[16];
    memset(mem, 0x5a, sizeof(mem));
    h264_bitstream bs;
    /* Capacity 4 inside a larger array: the guard bytes must survive. */
    bs_init(&bs, mem + 4, 4);
    for (int i = 0; i < 5; i++)
        bs_write_bits(&bs, 32, 0xffffffffu);
    size_t bytes = bs_flush(&bs);
    CHECK(&checks, bs.overflow, "overflow flag set");
    CHECK(&checks, bytes <= 4, "flush reports %zu bytes for capacity 4", bytes);
    for (int i = 0; i < 4; i++)
        CHECK(&checks, mem[i] == 0x5a && mem[8 + i] == 0x5a, "guard byte %d touched", i);

    bs_init(&bs, mem + 4, 4);
    bs_write_bits(&bs, 32, 0x01020304u);
    CHECK(&checks, bs_flush(&bs) == 4 && !bs.overflow, "exactly full is not an overflow");
    CHECK(&checks, !memcmp(mem + 4, "\x01\x02\x03\x04", 4), "full buffer contents");
    bs_write_bits(&bs, 8, 0);
    bs_flush(&bs);
    CHECK(&checks, bs.overflow, "one more byte overflows");

    bs_init(&bs, NULL, 0);
    bs_write_bits(&bs, 7, 1);
    CHECK(&checks, !bs.overflow && bs_flush(&bs) == 0, "a partial byte fits in no buffer");
    bs_write_bits(&bs, 1, 1);
    bs_flush(&bs);
    CHECK(&checks, bs.overflow, "capacity 0 overflows on the first byte");
}

/* Independent 7.4.1 reference: strips emulation_prevention_three_byte. */
static size_t ref_unescape(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    int zeros = 0;
    for (size_t i = 0; i < n; i++) {
        if (zeros >= 2 && in[i] == 3) {
            zeros = 0;
            continue;
        }
        out[o++] = in[i];
        zeros = in[i] ? 0 : zeros + 1;
    }
    return o;
}

static void expect_nal(const uint8_t *rbsp, size_t n, const uint8_t *payload, size_t payload_size, const char *what)
{
    uint8_t out[64];
    size_t size = h264_write_nal(out, sizeof(out), 3, H264_NAL_IDR_SLICE, rbsp, n);
    CHECK(&checks, size == 5 + payload_size, "%s: size %zu, expected %zu", what, size, 5 + payload_size);
    CHECK(&checks, !memcmp(out, "\x00\x00\x00\x01\x65", 5), "%s: start code and header", what);
    CHECK(&checks, size != 5 + payload_size || !memcmp(out + 5, payload, payload_size), "%s: payload", what);
}

static void test_nal(void)
{
#define NAL(what, in, out)                                                          \
    do {                                                                            \
        static const uint8_t i_[] = in, o_[] = out;                                 \
        expect_nal(i_, sizeof(i_), o_, sizeof(o_), what);                           \
    } while (0)
#define B(...) { __VA_ARGS__ }
    NAL("00 00 00", B(0x80, 0, 0, 0, 0x80), B(0x80, 0, 0, 3, 0, 0x80));
    NAL("00 00 01", B(0x80, 0, 0, 1), B(0x80, 0, 0, 3, 1));
    NAL("00 00 02", B(0x80, 0, 0, 2), B(0x80, 0, 0, 3, 2));
    NAL("00 00 03", B(0x80, 0, 0, 3), B(0x80, 0, 0, 3, 3));
    NAL("00 00 04", B(0x80, 0, 0, 4), B(0x80, 0, 0, 4));
    NAL("00 00 ff", B(0x80, 0, 0, 0xff), B(0x80, 0, 0, 0xff));
    NAL("00 01 00 00 05", B(0x11, 0, 1, 0, 0, 5), B(0x11, 0, 1, 0, 0, 5));
    NAL("run of zeros", B(0x80, 0, 0, 0, 0, 0, 0x80), B(0x80, 0, 0, 3, 0, 0, 3, 0, 0x80));
    NAL("escaped pattern in data", B(0x80, 0, 0, 3, 0, 0, 1),
        B(0x80, 0, 0, 3, 3, 0, 0, 3, 1));
    NAL("trailing zero byte", B(0x80, 0), B(0x80, 0, 3));
    NAL("trailing zero word", B(0x80, 0, 0), B(0x80, 0, 0, 3));
    NAL("leading zeros", B(0, 0, 1, 0x80), B(0, 0, 3, 1, 0x80));
    NAL("no escapes", B(0x67, 0x42, 0xc0, 0x1e), B(0x67, 0x42, 0xc0, 0x1e));
#undef NAL
#undef B

    /* Header byte: forbidden_zero_bit, nal_ref_idc, nal_unit_type. */
    uint8_t out[4096], back[4096];
    const uint8_t one = 0x80;
    CHECK(&checks, h264_write_nal(out, sizeof(out), 3, H264_NAL_SPS, &one, 1) == 6 && out[4] == 0x67, "SPS header");
    CHECK(&checks, h264_write_nal(out, sizeof(out), 3, H264_NAL_PPS, &one, 1) == 6 && out[4] == 0x68, "PPS header");
    CHECK(&checks, h264_write_nal(out, sizeof(out), 0, H264_NAL_SEI, &one, 1) == 6 && out[4] == 0x06, "SEI header");
    CHECK(&checks, h264_write_nal(out, sizeof(out), 2, H264_NAL_SLICE, &one, 1) == 6 && out[4] == 0x41, "slice header");
    CHECK(&checks, h264_write_nal(out, sizeof(out), 0, H264_NAL_AUD, NULL, 0) == 5, "empty RBSP");

    /* Random zero-heavy RBSPs: the output unescapes to the input, contains
     * no 00 00 0x (x <= 2) and no 00 00 03 followed by a byte above 3, and
     * fits in h264_nal_max_size(). */
    uint8_t rbsp[1024];
    uint32_t x = 7;
    for (int iter = 0; iter < 2000; iter++) {
        x = x * 1664525u + 1013904223u;
        size_t n = 1 + (x >> 8) % sizeof(rbsp);
        for (size_t i = 0; i < n; i++) {
            x = x * 1664525u + 1013904223u;
            uint32_t r = x >> 24;
            rbsp[i] = r < 150 ? 0 : r < 200 ? (uint8_t)(r & 3) : (uint8_t)r;
        }
        if (iter & 1)
            rbsp[n - 1] = 0x80; /* an RBSP proper ends in its stop bit */
        size_t size = h264_write_nal(out, sizeof(out), 1, H264_NAL_SLICE, rbsp, n);
        CHECK(&checks, size > 5 && size <= h264_nal_max_size(n), "size %zu for rbsp %zu, max %zu", size, n,
                       h264_nal_max_size(n));
        if (size <= 5)
            continue;
        for (size_t i = 7; i < size; i++) {
            CHECK(&checks, !(out[i - 2] == 0 && out[i - 1] == 0 && out[i] <= 2), "start code emulation at %zu", i);
            if (i + 1 < size && out[i - 2] == 0 && out[i - 1] == 0 && out[i] == 3)
                CHECK(&checks, out[i + 1] <= 3, "needless 03 at %zu", i);
        }
        CHECK(&checks, out[size - 1] != 0, "NAL ends in a zero byte");
        size_t m = ref_unescape(out + 5, size - 5, back);
        /* The final 03 after a trailing zero is not part of the RBSP. */
        if (rbsp[n - 1] == 0 && m == n + 1 && back[m - 1] == 3)
            m--;
        CHECK(&checks, m == n && !memcmp(back, rbsp, n), "round trip of %zu bytes", n);
        /* Any capacity below the size fails cleanly with 0. */
        CHECK(&checks, h264_write_nal(out, size - 1, 1, H264_NAL_SLICE, rbsp, n) == 0, "capacity size-1");
        CHECK(&checks, h264_write_nal(out, size, 1, H264_NAL_SLICE, rbsp, n) == size, "capacity exactly size");
    }

    /* Worst case for the bound: all zeros. */
    memset(rbsp, 0, sizeof(rbsp));
    for (size_t n = 1; n < 64; n++) {
        size_t size = h264_write_nal(out, h264_nal_max_size(n), 1, H264_NAL_SLICE, rbsp, n);
        CHECK(&checks, size > 0 && size <= h264_nal_max_size(n), "all-zero rbsp of %zu", n);
    }
    CHECK(&checks, h264_write_nal(out, 4, 1, H264_NAL_SLICE, &one, 1) == 0, "capacity 4");
    CHECK(&checks, h264_write_nal(out, 5, 1, H264_NAL_SLICE, &one, 1) == 0, "capacity 5 for 1 byte");
}

int main(void)
{
    test_write_bits();
    test_exp_golomb();
    test_align_and_trailing();
    test_overflow();
    test_nal();
    if (checks.fail) {
        fprintf(stderr, "test_bitstream: %d failure(s)\n", checks.fail);
        return 1;
    }
    printf("test_bitstream: ok\n");
    return 0;
}
