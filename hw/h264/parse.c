/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "hw/h264/parse.h"

#define FAIL(...) do { snprintf(err, err_size, __VA_ARGS__); return -1; } while (0)

int h264_next_nal(const uint8_t *data, size_t size, size_t *pos, h264_nal *nal, char *err, size_t err_size)
{
    size_t i = *pos, zeros = 0;
    if (i >= size)
        return 0;
    /* zero_byte and trailing_zero_8bits, then start_code_prefix_one_3bytes
     * (B.1.1). */
    while (i < size && data[i] == 0) {
        i++;
        zeros++;
    }
    if (i == size) {
        *pos = size;
        return 0;
    }
    if (zeros < 2 || data[i] != 1)
        FAIL("no start code at byte %zu (0x%02x%s): not Annex B H.264", *pos, data[*pos],
             *pos + 1 < size ? "..." : "");
    size_t start = ++i;
    if (start == size)
        FAIL("a start code at byte %zu ends the data: no NAL unit follows", start - 3);
    /* The NAL unit ends where the next 0x000000 or 0x000001 begins. */
    size_t end = size;
    for (size_t j = start; j + 2 < size; j++) {
        const uint8_t *z = memchr(data + j, 0, size - 2 - j);
        if (!z)
            break;
        j = (size_t)(z - data);
        if (data[j + 1] == 0 && data[j + 2] <= 1) {
            end = j;
            break;
        }
    }
    uint8_t header = data[start];
    if (header & 0x80)
        FAIL("forbidden_zero_bit set in the NAL unit at byte %zu: not H.264", start);
    if (end == start)
        FAIL("an empty NAL unit at byte %zu", start);
    nal->nal_ref_idc = header >> 5;
    nal->nal_unit_type = header & 31;
    nal->payload = data + start + 1;
    nal->size = end - start - 1;
    *pos = end;
    return 1;
}

/* The RBSP of a NAL unit (7.4.1: emulation_prevention_three_byte removed),
 * up to the bytes the caller needs; what lies beyond is never read. */
typedef struct rbsp_reader {
    uint8_t buf[4096];
    size_t size;
    size_t bit;
    int overrun;
} rbsp_reader;

/* A slice header up to its POC takes at most about 25 bytes (7.3.3). */
#define SLICE_HEADER_BYTES 64

static void reader_init(rbsp_reader *r, const h264_nal *nal, size_t needed)
{
    size_t n = 0, zeros = 0;
    if (needed > sizeof(r->buf))
        needed = sizeof(r->buf);
    for (size_t i = 0; i < nal->size && n < needed; i++) {
        uint8_t b = nal->payload[i];
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        zeros = b ? 0 : zeros + 1;
        r->buf[n++] = b;
    }
    r->size = n;
    r->bit = 0;
    r->overrun = 0;
}

static uint32_t read_bits(rbsp_reader *r, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (r->bit >= r->size * 8) {
            r->overrun = 1;
            return 0;
        }
        v = v << 1 | ((r->buf[r->bit >> 3] >> (7 - (r->bit & 7))) & 1);
        r->bit++;
    }
    return v;
}

/* ue(v) (9.1); more than 31 leading zeros is no 32-bit value. */
static uint32_t read_ue(rbsp_reader *r)
{
    int zeros = 0;
    while (!r->overrun && !read_bits(r, 1)) {
        if (++zeros > 31) {
            r->overrun = 1;
            return 0;
        }
    }
    return (uint32_t)(((uint64_t)1 << zeros) - 1 + read_bits(r, zeros));
}

static int32_t read_se(rbsp_reader *r)
{
    uint32_t k = read_ue(r);
    return k & 1 ? (int32_t)((k + 1) / 2) : -(int32_t)(k / 2);
}

/* Reads ue(v) into *out when it lies in lo..hi. */
static int read_ue_in(rbsp_reader *r, uint32_t lo, uint32_t hi, int *out)
{
    uint32_t v = read_ue(r);
    *out = (int)v;
    return !r->overrun && v >= lo && v <= hi;
}

static int read_se_in(rbsp_reader *r, int32_t lo, int32_t hi, int *out)
{
    int32_t v = read_se(r);
    *out = v;
    return !r->overrun && v >= lo && v <= hi;
}

/* scaling_list() (7.3.2.1.1.1), read only to be skipped. */
static int skip_scaling_list(rbsp_reader *r, int size)
{
    int last = 8, next = 8, delta;
    for (int j = 0; j < size; j++) {
        if (next) {
            if (!read_se_in(r, -128, 127, &delta))
                return 0;
            next = (last + delta + 256) % 256;
        }
        last = next ? next : last;
    }
    return 1;
}

/* The profiles whose SPS carries chroma_format_idc and the rest (7.3.2.1.1). */
static int has_chroma_info(int profile_idc)
{
    static const int profiles[] = { 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 };
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (profile_idc == profiles[i])
            return 1;
    return 0;
}

#define EXPECT(cond, ...) do { if (!(cond)) FAIL(__VA_ARGS__); } while (0)

static int parse_chroma_info(rbsp_reader *r, h264_sps_info *s, int *chroma_format_idc, char *err, size_t err_size)
{
    int depth, flag;
    EXPECT(read_ue_in(r, 0, 3, chroma_format_idc), "SPS: chroma_format_idc %d is not 0..3", *chroma_format_idc);
    if (*chroma_format_idc == 3)
        s->separate_colour_plane = (int)read_bits(r, 1);
    EXPECT(read_ue_in(r, 0, 6, &depth), "SPS: bit_depth_luma_minus8 %d is not 0..6", depth);
    EXPECT(read_ue_in(r, 0, 6, &depth), "SPS: bit_depth_chroma_minus8 %d is not 0..6", depth);
    read_bits(r, 1); /* qpprime_y_zero_transform_bypass_flag */
    if (read_bits(r, 1)) {
        for (int i = 0; i < (*chroma_format_idc != 3 ? 8 : 12); i++) {
            flag = (int)read_bits(r, 1);
            EXPECT(!flag || skip_scaling_list(r, i < 6 ? 16 : 64), "SPS: scaling list %d is malformed", i);
        }
    }
    return 0;
}

static int parse_poc_info(rbsp_reader *r, h264_sps_info *s, char *err, size_t err_size)
{
    int v;
    EXPECT(read_ue_in(r, 0, 2, &s->poc_type), "SPS: pic_order_cnt_type %d is not 0..2", s->poc_type);
    if (s->poc_type == 0) {
        EXPECT(read_ue_in(r, 0, 12, &v), "SPS: log2_max_pic_order_cnt_lsb_minus4 %d is not 0..12", v);
        s->log2_max_poc_lsb = v + 4;
    } else if (s->poc_type == 1) {
        s->delta_pic_order_always_zero = (int)read_bits(r, 1);
        EXPECT(read_se_in(r, -INT32_MAX, INT32_MAX, &s->offset_for_non_ref_pic), "SPS: offset_for_non_ref_pic");
        EXPECT(read_se_in(r, -INT32_MAX, INT32_MAX, &s->offset_for_top_to_bottom_field),
               "SPS: offset_for_top_to_bottom_field");
        EXPECT(read_ue_in(r, 0, 255, &s->num_ref_frames_in_poc_cycle),
               "SPS: num_ref_frames_in_pic_order_cnt_cycle %d is not 0..255", s->num_ref_frames_in_poc_cycle);
        for (int i = 0; i < s->num_ref_frames_in_poc_cycle; i++)
            EXPECT(read_se_in(r, -INT32_MAX, INT32_MAX, &s->offset_for_ref_frame[i]), "SPS: offset_for_ref_frame");
    }
    return 0;
}

int h264_parse_sps(const h264_nal *nal, h264_param_sets *ps, char *err, size_t err_size)
{
    rbsp_reader r;
    h264_sps_info s;
    int chroma_format_idc = 1, v, mb_w, map_h;
    memset(&s, 0, sizeof(s));
    reader_init(&r, nal, sizeof(r.buf));
    s.profile_idc = (int)read_bits(&r, 8);
    read_bits(&r, 16); /* constraint flags, reserved bits, level_idc */
    EXPECT(read_ue_in(&r, 0, H264_MAX_SPS - 1, &s.sps_id), "SPS: seq_parameter_set_id %d is not 0..31", s.sps_id);
    if (has_chroma_info(s.profile_idc) && parse_chroma_info(&r, &s, &chroma_format_idc, err, err_size) < 0)
        return -1;
    EXPECT(read_ue_in(&r, 0, 12, &v), "SPS: log2_max_frame_num_minus4 %d is not 0..12", v);
    s.log2_max_frame_num = v + 4;
    if (parse_poc_info(&r, &s, err, err_size) < 0)
        return -1;
    EXPECT(read_ue_in(&r, 0, 16, &s.max_num_ref_frames), "SPS: max_num_ref_frames %d is not 0..16",
           s.max_num_ref_frames);
    s.gaps_in_frame_num_allowed = (int)read_bits(&r, 1);
    EXPECT(read_ue_in(&r, 0, 1023, &mb_w) && read_ue_in(&r, 0, 1023, &map_h), "SPS: picture size out of range");
    s.frame_mbs_only = (int)read_bits(&r, 1);
    if (!s.frame_mbs_only)
        read_bits(&r, 1); /* mb_adaptive_frame_field_flag */
    read_bits(&r, 1);     /* direct_8x8_inference_flag */
    int crop[4] = { 0, 0, 0, 0 };
    if (read_bits(&r, 1))
        for (int i = 0; i < 4; i++)
            EXPECT(read_ue_in(&r, 0, 8192, &crop[i]), "SPS: frame cropping offset %d out of range", crop[i]);
    EXPECT(!r.overrun, "SPS: ends before its frame size");
    /* 7.4.2.1.1: crop units follow the chroma subsampling. */
    int mono = chroma_format_idc == 0 || s.separate_colour_plane;
    int unit_x = mono || chroma_format_idc == 3 ? 1 : 2;
    int unit_y = (mono || chroma_format_idc != 1 ? 1 : 2) * (2 - s.frame_mbs_only);
    s.width = (mb_w + 1) * 16 - unit_x * (crop[0] + crop[1]);
    s.height = (map_h + 1) * 16 * (2 - s.frame_mbs_only) - unit_y * (crop[2] + crop[3]);
    EXPECT(s.width > 0 && s.height > 0, "SPS: cropping leaves no picture");
    ps->sps[s.sps_id] = s;
    ps->have_sps[s.sps_id] = 1;
    return 0;
}

int h264_parse_pps(const h264_nal *nal, h264_param_sets *ps, char *err, size_t err_size)
{
    rbsp_reader r;
    h264_pps_info p;
    reader_init(&r, nal, sizeof(r.buf));
    EXPECT(read_ue_in(&r, 0, H264_MAX_PPS - 1, &p.pps_id), "PPS: pic_parameter_set_id %d is not 0..255", p.pps_id);
    EXPECT(read_ue_in(&r, 0, H264_MAX_SPS - 1, &p.sps_id), "PPS: seq_parameter_set_id %d is not 0..31", p.sps_id);
    read_bits(&r, 1); /* entropy_coding_mode_flag */
    p.bottom_field_pic_order_in_frame_present = (int)read_bits(&r, 1);
    EXPECT(!r.overrun, "PPS: ends early");
    ps->pps[p.pps_id] = p;
    ps->have_pps[p.pps_id] = 1;
    return 0;
}

int h264_parse_slice(const h264_nal *nal, const h264_param_sets *ps, h264_slice_info *sl, char *err,
                     size_t err_size)
{
    rbsp_reader r;
    memset(sl, 0, sizeof(*sl));
    reader_init(&r, nal, SLICE_HEADER_BYTES);
    sl->nal_unit_type = nal->nal_unit_type;
    sl->nal_ref_idc = nal->nal_ref_idc;
    EXPECT(read_ue_in(&r, 0, 139264, &sl->first_mb), "slice header: first_mb_in_slice %d out of range", sl->first_mb);
    EXPECT(read_ue_in(&r, 0, 9, &sl->slice_type), "slice header: slice_type %d is not 0..9", sl->slice_type);
    sl->slice_type %= 5;
    EXPECT(read_ue_in(&r, 0, H264_MAX_PPS - 1, &sl->pps_id), "slice header: pic_parameter_set_id %d out of range",
           sl->pps_id);
    EXPECT(ps->have_pps[sl->pps_id], "a slice refers to PPS %d, which the stream has not sent", sl->pps_id);
    const h264_pps_info *pps = &ps->pps[sl->pps_id];
    EXPECT(ps->have_sps[pps->sps_id], "PPS %d refers to SPS %d, which the stream has not sent", sl->pps_id,
           pps->sps_id);
    const h264_sps_info *sps = &ps->sps[pps->sps_id];
    if (sps->separate_colour_plane)
        read_bits(&r, 2); /* colour_plane_id */
    sl->frame_num = (int)read_bits(&r, sps->log2_max_frame_num);
    if (!sps->frame_mbs_only && (sl->field_pic = (int)read_bits(&r, 1)))
        read_bits(&r, 1); /* bottom_field_flag */
    if (nal->nal_unit_type == 5)
        EXPECT(read_ue_in(&r, 0, 65535, &sl->idr_pic_id), "slice header: idr_pic_id %d out of range", sl->idr_pic_id);
    int bottom = pps->bottom_field_pic_order_in_frame_present && !sl->field_pic;
    if (sps->poc_type == 0) {
        sl->poc_lsb = (int)read_bits(&r, sps->log2_max_poc_lsb);
        if (bottom)
            sl->delta_poc_bottom = read_se(&r);
    } else if (sps->poc_type == 1 && !sps->delta_pic_order_always_zero) {
        sl->delta_poc[0] = read_se(&r);
        if (bottom)
            sl->delta_poc[1] = read_se(&r);
    }
    EXPECT(!r.overrun, "slice header: ends before its picture order count");
    return 0;
}
