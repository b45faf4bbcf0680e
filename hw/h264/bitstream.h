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
    int cache_bits;    /* number of valid bits in cache (the low ones), 0..39 */
    int overflow;      /* set when a write did not fit; the stream is then unusable */
} h264_bitstream;

void bs_init(h264_bitstream *bs, uint8_t *buf, size_t capacity);

/* Moves every complete byte from the cache to buf; call before reading buf.
 * Returns the number of bytes in buf (a partial last byte stays cached). */
size_t bs_flush(h264_bitstream *bs);

/* Appends the n low bits of value, most significant first; 0 <= n <= 32.
 * Inline because the CPU encoder writes every symbol through it. Every
 * call stores the pending bits, left-aligned and big-endian, as 8 bytes
 * at pos and moves pos past the whole bytes among them (later calls
 * overwrite the rest), so at most 7 bits stay pending and no branch
 * depends on how full the cache is (one that did mispredicted often).
 * Within 8 bytes of the end of the buffer bs_flush() takes over, which
 * flags an overflow where the bytes do not fit. */
static inline void bs_write_bits(h264_bitstream *bs, int n, uint32_t value)
{
    bs->cache = (bs->cache << n) | (value & (uint32_t)(((uint64_t)1 << n) - 1));
    bs->cache_bits += n;
    if (bs->capacity - bs->pos < 8) {
        bs_flush(bs);
        return;
    }
    /* Two shifts: one by 64 - cache_bits would be undefined for 0 bits. */
    const uint64_t out = bs->cache << (63 - bs->cache_bits) << 1;
    uint8_t *p = bs->buf + bs->pos;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(out >> (56 - 8 * i));
    bs->pos += (size_t)(bs->cache_bits >> 3);
    bs->cache_bits &= 7;
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
/* The same with any NAL header (HEVC's has two bytes, 7.3.1.2 of H.265);
 * the escaping of 7.4.2 of H.264 and 7.4.2 of H.265 is the same. */
size_t annexb_write_nal(uint8_t *dst, size_t dst_capacity, const uint8_t *header, size_t header_size,
                        const uint8_t *rbsp, size_t rbsp_size);

enum h264_nal_unit_type {
    H264_NAL_SLICE = 1,
    H264_NAL_IDR_SLICE = 5,
    H264_NAL_SEI = 6,
    H264_NAL_SPS = 7,
    H264_NAL_PPS = 8,
    H264_NAL_AUD = 9,
    H264_NAL_FILLER = 12,
};

#endif
