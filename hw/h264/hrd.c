/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * HRD parameters and timing SEI, see hrd.h.
 */
#include <string.h>

#include "hw/h264/hrd.h"

/* The scale that keeps value_minus1 within 16 bits or so (short Exp-Golomb
 * codes), then the value rounded up: BitRate = (v + 1) << (6 + scale),
 * CpbSize = (v + 1) << (4 + scale) (E-37, E-38). */
static void scale_value(uint32_t x, int unit_shift, int *scale, uint32_t *value_minus1)
{
    int s = 0;
    while (s < 15 && ((uint64_t)x >> (unit_shift + s)) > 0xffff)
        s++;
    uint64_t unit = 1ull << (unit_shift + s);
    uint64_t v = ((uint64_t)x + unit - 1) / unit;
    *scale = s;
    *value_minus1 = (uint32_t)(v > 0 ? v - 1 : 0);
}

void h264_hrd_init(h264_hrd *hrd, uint32_t bit_rate, uint32_t cpb_size, int cbr)
{
    /* One scale field each, so both are chosen from their own values. */
    scale_value(bit_rate, 6, &hrd->bit_rate_scale, &hrd->bit_rate_value_minus1);
    scale_value(cpb_size, 4, &hrd->cpb_size_scale, &hrd->cpb_size_value_minus1);
    hrd->cbr_flag = cbr;
    /* 24 bits hold 186 s of 90 kHz ticks and of field ticks at 50 Hz. */
    hrd->initial_cpb_removal_delay_length = 24;
    hrd->cpb_removal_delay_length = 24;
    hrd->dpb_output_delay_length = 8;
    hrd->time_offset_length = 0;
}

void h264_write_hrd(h264_bitstream *bs, const h264_hrd *hrd)
{
    bs_write_ue(bs, 0); /* cpb_cnt_minus1 */
    bs_write_bits(bs, 4, (uint32_t)hrd->bit_rate_scale);
    bs_write_bits(bs, 4, (uint32_t)hrd->cpb_size_scale);
    bs_write_ue(bs, hrd->bit_rate_value_minus1);
    bs_write_ue(bs, hrd->cpb_size_value_minus1);
    bs_write_flag(bs, hrd->cbr_flag);
    bs_write_bits(bs, 5, (uint32_t)(hrd->initial_cpb_removal_delay_length - 1));
    bs_write_bits(bs, 5, (uint32_t)(hrd->cpb_removal_delay_length - 1));
    bs_write_bits(bs, 5, (uint32_t)(hrd->dpb_output_delay_length - 1));
    bs_write_bits(bs, 5, (uint32_t)hrd->time_offset_length);
}

uint64_t h264_hrd_bit_rate(const h264_hrd *hrd)
{
    return ((uint64_t)hrd->bit_rate_value_minus1 + 1) << (6 + hrd->bit_rate_scale);
}

uint64_t h264_hrd_cpb_size(const h264_hrd *hrd)
{
    return ((uint64_t)hrd->cpb_size_value_minus1 + 1) << (4 + hrd->cpb_size_scale);
}

size_t h264_write_filler(uint8_t *dst, size_t capacity, size_t size)
{
    if (size < H264_FILLER_MIN || size > capacity)
        return 0;
    static const uint8_t head[5] = { 0, 0, 0, 1, H264_NAL_FILLER };
    memcpy(dst, head, sizeof(head));
    memset(dst + 5, 0xff, size - 6); /* ff_byte: never a start code, nothing to escape */
    dst[size - 1] = 0x80;            /* rbsp_trailing_bits */
    return size;
}

static void write_field(h264_bitstream *bs, int bits, uint32_t value)
{
    bs_write_bits(bs, bits, bits < 32 ? value & ((1u << bits) - 1) : value);
}

/* sei_message(): payloadType and payloadSize in 0xFF runs, then the payload
 * (D.1), which payload() ends byte aligned with a one and zeros. */
static void write_message(h264_bitstream *bs, int type, const uint8_t *payload, size_t size)
{
    for (int t = type; t >= 0; t -= 255)
        bs_write_bits(bs, 8, t >= 255 ? 255u : (uint32_t)t);
    for (size_t s = size;; s -= 255) {
        bs_write_bits(bs, 8, s >= 255 ? 255u : (uint32_t)s);
        if (s < 255)
            break;
    }
    for (size_t i = 0; i < size; i++)
        bs_write_bits(bs, 8, payload[i]);
}

static size_t finish_payload(h264_bitstream *pb)
{
    if (!bs_is_aligned(pb)) {
        bs_write_flag(pb, 1); /* bit_equal_to_one */
        bs_align_zero(pb);
    }
    return bs_flush(pb);
}

size_t h264_write_sei_timing(uint8_t *dst, size_t capacity, const h264_sps *sps, const h264_sei_timing *t)
{
    const h264_hrd *hrd = &sps->vui.nal_hrd;
    uint8_t payload[32], rbsp[96];
    h264_bitstream bs, pb;
    bs_init(&bs, rbsp, sizeof(rbsp));
    if (t->buffering_period) {
        bs_init(&pb, payload, sizeof(payload));
        bs_write_ue(&pb, (uint32_t)sps->sps_id);
        write_field(&pb, hrd->initial_cpb_removal_delay_length, t->initial_cpb_removal_delay);
        write_field(&pb, hrd->initial_cpb_removal_delay_length, 0); /* initial_cpb_removal_delay_offset */
        write_message(&bs, 0, payload, finish_payload(&pb));
    }
    bs_init(&pb, payload, sizeof(payload));
    write_field(&pb, hrd->cpb_removal_delay_length, t->cpb_removal_delay);
    write_field(&pb, hrd->dpb_output_delay_length, t->dpb_output_delay);
    write_message(&bs, 1, payload, finish_payload(&pb));
    bs_write_rbsp_trailing(&bs);
    size_t size = bs_flush(&bs);
    if (bs.overflow)
        return 0;
    return h264_write_nal(dst, capacity, 0, H264_NAL_SEI, rbsp, size);
}
