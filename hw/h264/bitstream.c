/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "hw/h264/bitstream.h"

void bs_init(h264_bitstream *bs, uint8_t *buf, size_t capacity)
{
    bs->buf = buf;
    bs->capacity = capacity;
    bs->pos = 0;
    bs->cache = 0;
    bs->cache_bits = 0;
    bs->overflow = 0;
}

size_t bs_flush(h264_bitstream *bs)
{
    /* Byte by byte, most significant first: bs_write_bits() leaves at most
     * 39 bits, so this runs only at the end of a buffer or of a stream. */
    while (bs->cache_bits >= 8) {
        bs->cache_bits -= 8;
        if (bs->pos < bs->capacity)
            bs->buf[bs->pos++] = (uint8_t)(bs->cache >> bs->cache_bits);
        else
            bs->overflow = 1;
    }
    bs->cache &= (bs->cache_bits ? (~0ull >> (64 - bs->cache_bits)) : 0);
    return bs->pos;
}

/* floor(log2(v)) for v >= 1. */
static int log2_floor(uint64_t v)
{
    return 63 - __builtin_clzll(v);
}

int bs_size_ue(uint32_t value)
{
    return 2 * log2_floor((uint64_t)value + 1) + 1;
}

int bs_size_se(int32_t value)
{
    uint32_t code = value > 0 ? 2u * (uint32_t)value - 1 : 2u * (uint32_t)(-(int64_t)value);
    return bs_size_ue(code);
}

void bs_write_ue(h264_bitstream *bs, uint32_t value)
{
    uint64_t v = (uint64_t)value + 1;
    const int len = log2_floor(v);
    /* len leading zeros, then the len+1 bits of v (which start with a 1). */
    if (len + 1 + len <= 32) {
        bs_write_bits(bs, 2 * len + 1, (uint32_t)v);
    } else {
        bs_write_bits(bs, len, 0);
        bs_write_bits(bs, len + 1 > 32 ? 32 : len + 1, (uint32_t)v);
    }
}

void bs_write_se(h264_bitstream *bs, int32_t value)
{
    bs_write_ue(bs, value > 0 ? 2u * (uint32_t)value - 1 : 2u * (uint32_t)(-(int64_t)value));
}

void bs_align_zero(h264_bitstream *bs)
{
    int pad = (8 - (bs->cache_bits & 7)) & 7;
    bs_write_bits(bs, pad, 0);
}

void bs_write_rbsp_trailing(h264_bitstream *bs)
{
    bs_write_bits(bs, 1, 1);
    bs_align_zero(bs);
}

size_t h264_write_nal(uint8_t *dst, size_t dst_capacity, int nal_ref_idc, int nal_unit_type,
                      const uint8_t *rbsp, size_t rbsp_size)
{
    uint8_t header = (uint8_t)(((nal_ref_idc & 3) << 5) | (nal_unit_type & 31));
    return annexb_write_nal(dst, dst_capacity, &header, 1, rbsp, rbsp_size);
}

size_t annexb_write_nal(uint8_t *dst, size_t dst_capacity, const uint8_t *header, size_t header_size,
                        const uint8_t *rbsp, size_t rbsp_size)
{
    if (dst_capacity < 4 + header_size)
        return 0;
    size_t o = 0;
    dst[o++] = 0;
    dst[o++] = 0;
    dst[o++] = 0;
    dst[o++] = 1;
    memcpy(dst + o, header, header_size);
    o += header_size;
    /* Two zero bytes followed by 0..3 would imitate a start code. Zero
     * bytes are few, so the runs between them are found with memchr and
     * copied whole: a run's bytes after its first follow a nonzero byte. */
    int zeros = 0;
    for (size_t i = 0; i < rbsp_size;) {
        if (zeros == 2 && rbsp[i] <= 3) {
            if (o >= dst_capacity)
                return 0;
            dst[o++] = 3;
            zeros = 0;
        }
        size_t end = i + 1;
        if (rbsp[i]) {
            const uint8_t *zero = memchr(rbsp + i, 0, rbsp_size - i);
            end = zero ? (size_t)(zero - rbsp) : rbsp_size;
            zeros = 0;
        } else {
            zeros++;
        }
        if (end - i > dst_capacity - o)
            return 0;
        memcpy(dst + o, rbsp + i, end - i);
        o += end - i;
        i = end;
    }
    /* An RBSP ending in 0x00 (cabac_zero_words) needs a final 0x03. */
    if (rbsp_size && rbsp[rbsp_size - 1] == 0) {
        if (o >= dst_capacity)
            return 0;
        dst[o++] = 3;
    }
    return o;
}
