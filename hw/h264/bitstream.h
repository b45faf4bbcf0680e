/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * RBSP bit writer (exp-Golomb, flags, trailing bits) and the Annex B NAL
 * writer with emulation prevention. Every H.264 syntax element the project
 * writes, in the HAL's header writer and in the CPU encoder, goes through
 * here.
 */
#ifndef HWENC_H264_BITSTREAM_H
#define HWENC_H264_BITSTREAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct h264_bitstream {
    uint8_t *buf;
    size_t capacity;
    size_t pos;        /* bytes flushed into buf */
    uint64_t cache;    /* pending bits, right-aligned */
    int cache_bits;    /* number of valid bits in cache, 0..63 */
    int overflow;      /* set when a write did not fit; the stream is then unusable */
} h264_bitstream;

void bs_init(h264_bitstream *bs, uint8_t *buf, size_t capacity);

/* Moves every complete byte from the cache to buf; call before reading buf.
 * Returns the number of bytes in buf (a partial last byte stays cached). */
size_t bs_flush(h264_bitstream *bs);

/* Moves the oldest 32 of the cache's bits (it holds 32 or more) to buf,
 * which has room for them. */
static inline void bs_put_word(h264_bitstream *bs)
{
    const uint32_t word = (uint32_t)(bs->cache >> (bs->cache_bits - 32));
    bs->buf[bs->pos] = (uint8_t)(word >> 24);
    bs->buf[bs->pos + 1] = (uint8_t)(word >> 16);
    bs->buf[bs->pos + 2] = (uint8_t)(word >> 8);
    bs->buf[bs->pos + 3] = (uint8_t)word;
    bs->pos += 4;
    bs->cache_bits -= 32;
}

/* Appends the n low bits of value, most significant first; 0 <= n <= 32.
 * Inline because the CPU encoder writes every symbol through it. Once the
 * cache holds more than 31 bits its oldest 32 go out as one word, which
 * leaves at most 31, so 32 more always fit; near the end of the buffer
 * bs_flush() takes over and flags an overflow. */
static inline void bs_write_bits(h264_bitstream *bs, int n, uint32_t value)
{
    if (n <= 0)
        return;
    if (bs->cache_bits > 31) {
        if (bs->capacity - bs->pos >= 4)
            bs_put_word(bs);
        else
            bs_flush(bs);
    }
    const uint64_t v = n == 32 ? value : (value & ((1u << n) - 1));
    bs->cache = (bs->cache << n) | v;
    bs->cache_bits += n;
}

static inline void bs_write_flag(h264_bitstream *bs, int flag) { bs_write_bits(bs, 1, !!flag); }
void bs_write_ue(h264_bitstream *bs, uint32_t value);
void bs_write_se(h264_bitstream *bs, int32_t value);

/* rbsp_stop_one_bit followed by zero bits up to the next byte boundary. */
void bs_write_rbsp_trailing(h264_bitstream *bs);
/* Zero bits up to the next byte boundary (e.g. before pcm samples). */
void bs_align_zero(h264_bitstream *bs);
static inline int bs_is_aligned(const h264_bitstream *bs) { return (bs->cache_bits & 7) == 0; }

/* Bits written so far, flushed or not. */
static inline size_t bs_bit_count(const h264_bitstream *bs) { return bs->pos * 8 + (size_t)bs->cache_bits; }

/* Number of bits of ue(v) / se(v) for value, for rate-distortion costs. */
int bs_size_ue(uint32_t value);
int bs_size_se(int32_t value);

/*
 * Writes one NAL unit in Annex B form: a 4-byte start code, the NAL header
 * and the RBSP with emulation_prevention_three_byte inserted. Returns the
 * number of bytes written, or 0 if dst_capacity is too small.
 * A capacity of h264_nal_max_size(rbsp_size) always suffices.
 */
size_t h264_write_nal(uint8_t *dst, size_t dst_capacity, int nal_ref_idc, int nal_unit_type,
                      const uint8_t *rbsp, size_t rbsp_size);
static inline size_t h264_nal_max_size(size_t rbsp_size) { return 5 + rbsp_size + rbsp_size / 2 + 1; }

enum h264_nal_unit_type {
    H264_NAL_SLICE = 1,
    H264_NAL_IDR_SLICE = 5,
    H264_NAL_SEI = 6,
    H264_NAL_SPS = 7,
    H264_NAL_PPS = 8,
    H264_NAL_AUD = 9,
};

#endif
