/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The HAL's packet check (hw/core/packet_check.h) and the parser under it
 * (hw/h264/parse.h). Streams are written with the project's own header
 * writers (params.h), whose output libavcodec decodes in every other test,
 * and then broken one rule at a time: each broken stream must be refused
 * with a reason naming the rule, each sound one accepted. The picture order
 * counts of all three types are worked out by hand from 8.2.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/check.h"
#include "hw/h264/bitstream.h"
#include "hw/h264/params.h"
#include "hw/h264/parse.h"
#include "hw/core/packet_check.h"

static tally t = { "packet_check", 0, 0 };

/* A stream under construction: its parameter sets and one packet. */
typedef struct stream {
    h264_sps sps;
    h264_pps pps;
    uint8_t buf[4096];
    size_t size;
} stream;

static void stream_init(stream *s, int width, int height, int bframes)
{
    h264_stream_desc d = { .width = width, .height = height, .fps_num = 25, .fps_den = 1,
                           .profile_idc = bframes ? H264_PROFILE_MAIN : H264_PROFILE_BASELINE,
                           .max_refs = 1 + !!bframes, .bframes = bframes, .qp = 26, .deblock = 1 };
    char err[256];
    if (h264_stream_init(&d, &s->sps, &s->pps, err, sizeof(err)) < 0) {
        fprintf(stderr, "h264_stream_init: %s\n", err);
        exit(1);
    }
    s->size = 0;
}

static void put_parameter_sets(stream *s)
{
    s->size += h264_write_parameter_sets(s->buf + s->size, sizeof(s->buf) - s->size, &s->sps, &s->pps);
}

/* A slice: its header, then a few bytes standing for the slice data. */
static void put_slice(stream *s, const h264_slice_header *sh)
{
    uint8_t rbsp[256];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    h264_write_slice_header(&bs, &s->sps, &s->pps, sh);
    bs_write_bits(&bs, 24, 0xa5c3e1);
    bs_write_rbsp_trailing(&bs);
    size_t n = bs_flush(&bs);
    s->size += h264_write_nal(s->buf + s->size, sizeof(s->buf) - s->size, sh->nal_ref_idc, sh->nal_unit_type, rbsp, n);
}

static h264_slice_header slice_for(const stream *s, enum hwenc_frame_type type, int frame_num, int poc)
{
    h264_slice_header sh;
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = type == HWENC_FRAME_IDR ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    sh.nal_ref_idc = type == HWENC_FRAME_IDR ? 3 : type == HWENC_FRAME_B ? 0 : 2;
    sh.slice_type = type == HWENC_FRAME_P ? H264_SLICE_P : type == HWENC_FRAME_B ? H264_SLICE_B : H264_SLICE_I;
    sh.frame_num = frame_num;
    sh.poc_lsb = poc & ((1 << s->sps.log2_max_poc_lsb) - 1);
    sh.num_ref_idx_l0_active = 1;
    sh.num_ref_idx_l1_active = 1;
    sh.direct_spatial_mv_pred = 1;
    sh.slice_qp = 26;
    return sh;
}

static void send(packet_check *c, int64_t display_index, enum hwenc_frame_type type)
{
    hal_picture pic;
    char err[256];
    memset(&pic, 0, sizeof(pic));
    pic.display_index = display_index;
    pic.type = type;
    pic.reference = type != HWENC_FRAME_B;
    CHECK(&t, packet_check_sent(c, &pic, err, sizeof(err)) == 0, "sent: %s", err);
}

/* Checks the packet in s as the one for display_index; returns the check's
 * result with its message in err. */
static int receive(packet_check *c, stream *s, int64_t display_index, enum hwenc_frame_type type, char *err,
                   size_t err_size)
{
    hal_packet pkt = { .data = s->buf, .size = s->size, .display_index = display_index, .type = type };
    err[0] = 0;
    int ret = packet_check_packet(c, &pkt, err, err_size);
    s->size = 0;
    return ret;
}

/* One picture, sent and returned; expect NULL: accepted, else refused
 * with a message containing expect. */
static void picture(packet_check *c, stream *s, int64_t display_index, enum hwenc_frame_type type, int frame_num,
                    int poc, const char *expect, const char *what)
{
    char err[512];
    if (type == HWENC_FRAME_IDR)
        put_parameter_sets(s);
    h264_slice_header sh = slice_for(s, type, frame_num, poc);
    put_slice(s, &sh);
    send(c, display_index, type);
    int ret = receive(c, s, display_index, type, err, sizeof(err));
    if (!expect)
        CHECK(&t, ret == 0, "%s: refused: %s", what, err);
    else
        CHECK(&t, ret == HWENC_EBACKEND && strstr(err, expect), "%s: ret %d, message '%s' lacks '%s'", what, ret, err,
              expect);
}

static void fresh(packet_check *c, stream *s, int width, int height, int bframes)
{
    packet_check_free(c);
    CHECK(&t, packet_check_init(c, width, height) == 0, "init");
    stream_init(s, width, height, bframes);
}

static void test_sound_streams(packet_check *c, stream *s)
{
    char err[256];
    fresh(c, s, 176, 144, 0);
    /* P pictures through several wraps of a 4-bit frame_num and POC lsb. */
    s->sps.log2_max_frame_num = 4;
    s->sps.log2_max_poc_lsb = 4;
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    for (int i = 1; i < 40; i++)
        picture(c, s, i, HWENC_FRAME_P, i & 15, 2 * i, NULL, "P after lsb wraps");
    picture(c, s, 40, HWENC_FRAME_IDR, 0, 0, NULL, "second IDR");
    picture(c, s, 41, HWENC_FRAME_I, 1, 2, NULL, "I");
    CHECK(&t, packet_check_finish(c, err, sizeof(err)) == 0, "finish: %s", err);

    /* B pictures in coding order: I0 P3 B1 B2 P6 B4 B5. */
    fresh(c, s, 320, 240, 2);
    static const struct { int display; enum hwenc_frame_type type; int frame_num; } order[] = {
        { 0, HWENC_FRAME_IDR, 0 }, { 3, HWENC_FRAME_P, 1 }, { 1, HWENC_FRAME_B, 2 }, { 2, HWENC_FRAME_B, 2 },
        { 6, HWENC_FRAME_P, 2 }, { 4, HWENC_FRAME_B, 3 }, { 5, HWENC_FRAME_B, 3 },
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        picture(c, s, order[i].display, order[i].type, order[i].frame_num, 2 * order[i].display, NULL, "B stream");

    /* Two slices of one picture, and SEI and AUD units around them. */
    fresh(c, s, 176, 144, 0);
    put_parameter_sets(s);
    static const uint8_t aud[] = { 0, 0, 0, 1, 0x09, 0xf0 }, sei[] = { 0, 0, 1, 0x06, 0x05, 0x01, 0x00, 0x80 };
    memcpy(s->buf + s->size, aud, sizeof(aud));
    s->size += sizeof(aud);
    memcpy(s->buf + s->size, sei, sizeof(sei));
    s->size += sizeof(sei);
    h264_slice_header sh = slice_for(s, HWENC_FRAME_IDR, 0, 0);
    put_slice(s, &sh);
    sh.first_mb = 50;
    put_slice(s, &sh);
    send(c, 0, HWENC_FRAME_IDR);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == 0, "two slices, AUD, SEI: %s", err);
}

static void test_broken_streams(packet_check *c, stream *s)
{
    char err[512];
    /* The POC break of the test doubles: picture 1 two frames early, so
     * before the IDR. */
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    picture(c, s, 1, HWENC_FRAME_P, 1, -2, "puts it before frame 0", "POC before the IDR");
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    picture(c, s, 1, HWENC_FRAME_P, 1, 6, NULL, "a POC gap keeps the order");
    picture(c, s, 2, HWENC_FRAME_P, 2, 4, "puts it before frame 1", "POC out of order");
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    picture(c, s, 1, HWENC_FRAME_P, 1, 0, "equals that of frame 0", "POC repeated");

    /* A missing picture: frame 1 never comes, frame 2 does. */
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    send(c, 1, HWENC_FRAME_P);
    send(c, 2, HWENC_FRAME_P);
    h264_slice_header sh = slice_for(s, HWENC_FRAME_P, 2, 4);
    put_slice(s, &sh);
    CHECK(&t, receive(c, s, 2, HWENC_FRAME_P, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "frame 1 (P), sent before it, was due"), "missing picture: %s", err);
    CHECK(&t, packet_check_finish(c, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "2 of the pictures"),
          "finish with pictures missing: %s", err);
    hal_packet stray = { .data = s->buf, .size = 0, .display_index = 9, .type = HWENC_FRAME_P };
    fresh(c, s, 176, 144, 0);
    CHECK(&t, packet_check_packet(c, &stray, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "for no picture"),
          "a packet nobody asked for: %s", err);

    /* Empty, garbage, a forbidden bit, no slice. */
    send(c, 0, HWENC_FRAME_IDR);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "empty"),
          "empty packet: %s", err);
    fresh(c, s, 176, 144, 0);
    send(c, 0, HWENC_FRAME_IDR);
    for (int i = 0; i < 64; i++)
        s->buf[s->size++] = (uint8_t)(0x80 | (i * 37 + 11));
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "no start code"),
          "garbage: %s", err);
    fresh(c, s, 176, 144, 0);
    send(c, 0, HWENC_FRAME_IDR);
    static const uint8_t forbidden[] = { 0, 0, 1, 0xe5, 0x88, 0x84 };
    memcpy(s->buf, forbidden, sizeof(forbidden));
    s->size = sizeof(forbidden);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "forbidden_zero_bit"), "forbidden bit: %s", err);
    fresh(c, s, 176, 144, 0);
    send(c, 0, HWENC_FRAME_IDR);
    put_parameter_sets(s);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "no slice"),
          "parameter sets only: %s", err);
    fresh(c, s, 176, 144, 0);
    send(c, 0, HWENC_FRAME_IDR);
    sh = slice_for(s, HWENC_FRAME_IDR, 0, 0);
    put_slice(s, &sh);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "has not sent"), "a slice without parameter sets: %s", err);

    /* Two pictures in one packet. */
    fresh(c, s, 176, 144, 0);
    put_parameter_sets(s);
    sh = slice_for(s, HWENC_FRAME_IDR, 0, 0);
    put_slice(s, &sh);
    sh = slice_for(s, HWENC_FRAME_P, 1, 2);
    put_slice(s, &sh);
    send(c, 0, HWENC_FRAME_IDR);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "more than one picture"), "two pictures: %s", err);

    /* Types and reference marking. */
    fresh(c, s, 320, 240, 2);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    sh = slice_for(s, HWENC_FRAME_B, 1, 4);
    put_slice(s, &sh);
    send(c, 2, HWENC_FRAME_P);
    CHECK(&t, receive(c, s, 2, HWENC_FRAME_P, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "coded as B"),
          "B slices in a P picture: %s", err);
    fresh(c, s, 320, 240, 2);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    picture(c, s, 2, HWENC_FRAME_P, 1, 4, NULL, "P");
    sh = slice_for(s, HWENC_FRAME_B, 2, 2);
    sh.nal_ref_idc = 2;
    put_slice(s, &sh);
    send(c, 1, HWENC_FRAME_B);
    CHECK(&t, receive(c, s, 1, HWENC_FRAME_B, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "marked as a reference"), "a B picture made a reference: %s", err);
    fresh(c, s, 176, 144, 0);
    put_parameter_sets(s);
    sh = slice_for(s, HWENC_FRAME_I, 0, 0);
    put_slice(s, &sh);
    send(c, 0, HWENC_FRAME_IDR);
    CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == HWENC_EBACKEND &&
              strstr(err, "coded as I, planned as IDR"), "an IDR coded as I: %s", err);
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    sh = slice_for(s, HWENC_FRAME_P, 1, 2);
    put_slice(s, &sh);
    send(c, 1, HWENC_FRAME_P);
    CHECK(&t, receive(c, s, 1, HWENC_FRAME_B, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "as B, planned as P"),
          "a packet typed unlike its plan: %s", err);

    /* frame_num: a gap, and an IDR that does not start at 0. */
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "IDR");
    picture(c, s, 1, HWENC_FRAME_P, 2, 2, "frame_num 2 follows 0", "frame_num gap");
    fresh(c, s, 176, 144, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 3, 0, "frame_num 3, not 0", "IDR frame_num");

    /* An SPS of another size than configured. */
    fresh(c, s, 176, 144, 0);
    stream_init(s, 176, 160, 0);
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, "codes 176x160 pictures, not the configured 176x144", "SPS size");
}

/* POC type 2 (8.2.1.3): reference pictures 2 * (FrameNumOffset + frame_num). */
static void test_poc_type2(packet_check *c, stream *s)
{
    fresh(c, s, 176, 144, 0);
    s->sps.poc_type = 2;
    s->sps.log2_max_frame_num = 4;
    picture(c, s, 0, HWENC_FRAME_IDR, 0, 0, NULL, "type 2 IDR");
    for (int i = 1; i < 20; i++)
        picture(c, s, i, HWENC_FRAME_P, i & 15, 0, NULL, "type 2 P across a frame_num wrap");
}

/* An SPS with POC type 1, written by hand: the writer has no type 1. */
static void put_sps_type1(stream *s, int non_ref_offset, const int *ref_offsets, int cycle)
{
    uint8_t rbsp[128];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    bs_write_bits(&bs, 8, 77);   /* Main */
    bs_write_bits(&bs, 8, 0);
    bs_write_bits(&bs, 8, 30);
    bs_write_ue(&bs, 0);         /* sps_id */
    bs_write_ue(&bs, 0);         /* log2_max_frame_num_minus4 */
    bs_write_ue(&bs, 1);         /* pic_order_cnt_type */
    bs_write_flag(&bs, 0);       /* delta_pic_order_always_zero_flag */
    bs_write_se(&bs, non_ref_offset);
    bs_write_se(&bs, 0);         /* offset_for_top_to_bottom_field */
    bs_write_ue(&bs, (uint32_t)cycle);
    for (int i = 0; i < cycle; i++)
        bs_write_se(&bs, ref_offsets[i]);
    bs_write_ue(&bs, 2);         /* max_num_ref_frames */
    bs_write_flag(&bs, 0);
    bs_write_ue(&bs, 10);        /* 176 wide */
    bs_write_ue(&bs, 8);         /* 144 high */
    bs_write_flag(&bs, 1);       /* frame_mbs_only_flag */
    bs_write_flag(&bs, 1);
    bs_write_flag(&bs, 0);       /* no cropping */
    bs_write_flag(&bs, 0);       /* no VUI */
    bs_write_rbsp_trailing(&bs);
    size_t n = bs_flush(&bs);
    s->size += h264_write_nal(s->buf + s->size, sizeof(s->buf) - s->size, 3, H264_NAL_SPS, rbsp, n);
    rbsp[0] = 0;
    bs_init(&bs, rbsp, sizeof(rbsp));
    h264_write_pps(&bs, &s->pps);
    n = bs_flush(&bs);
    s->size += h264_write_nal(s->buf + s->size, sizeof(s->buf) - s->size, 3, H264_NAL_PPS, rbsp, n);
}

/* A slice of the type 1 stream (no poc_lsb; delta_pic_order_cnt[0]). */
static void put_slice_type1(stream *s, enum hwenc_frame_type type, int frame_num, int delta)
{
    uint8_t rbsp[64];
    h264_bitstream bs;
    int idr = type == HWENC_FRAME_IDR;
    bs_init(&bs, rbsp, sizeof(rbsp));
    bs_write_ue(&bs, 0);
    bs_write_ue(&bs, type == HWENC_FRAME_P ? 0 : type == HWENC_FRAME_B ? 1 : 2);
    bs_write_ue(&bs, 0);
    bs_write_bits(&bs, 4, (uint32_t)frame_num);
    if (idr)
        bs_write_ue(&bs, 0);
    bs_write_se(&bs, delta);
    bs_write_bits(&bs, 16, 0xffff);
    bs_write_rbsp_trailing(&bs);
    size_t n = bs_flush(&bs);
    s->size += h264_write_nal(s->buf + s->size, sizeof(s->buf) - s->size, type == HWENC_FRAME_B ? 0 : 2,
                              idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE, rbsp, n);
}

/* With offset_for_ref_frame = { 4 } and offset_for_non_ref_pic = -2,
 * coding I0 P2 B1: expectedPicOrderCnt is 0, 4 (absFrameNum 1), and for
 * the B (frame_num 2, absFrameNum 2 - 1 = 1) 4 - 2 = 2: POC 0, 4, 2 in
 * display order 0, 2, 1. A delta of -3 on the B makes it -1. */
static void test_poc_type1(packet_check *c, stream *s)
{
    char err[512];
    static const int offsets[] = { 4 };
    for (int broken = 0; broken < 2; broken++) {
        fresh(c, s, 176, 144, 1);
        put_sps_type1(s, -2, offsets, 1);
        put_slice_type1(s, HWENC_FRAME_IDR, 0, 0);
        send(c, 0, HWENC_FRAME_IDR);
        CHECK(&t, receive(c, s, 0, HWENC_FRAME_IDR, err, sizeof(err)) == 0, "type 1 IDR: %s", err);
        put_slice_type1(s, HWENC_FRAME_P, 1, 0);
        send(c, 2, HWENC_FRAME_P);
        CHECK(&t, receive(c, s, 2, HWENC_FRAME_P, err, sizeof(err)) == 0, "type 1 P: %s", err);
        put_slice_type1(s, HWENC_FRAME_B, 2, broken ? -3 : 0);
        send(c, 1, HWENC_FRAME_B);
        int ret = receive(c, s, 1, HWENC_FRAME_B, err, sizeof(err));
        if (broken)
            CHECK(&t, ret == HWENC_EBACKEND && strstr(err, "order count -1 puts it before frame 0"),
                  "type 1 B before the IDR: %s", err);
        else
            CHECK(&t, ret == 0, "type 1 B: %s", err);
    }
}

/* The parser alone: slice headers with random fields through the writer
 * (whose emulation prevention they exercise) and back. */
static void test_slice_round_trip(void)
{
    stream s;
    h264_param_sets *ps = calloc(1, sizeof(*ps));
    rng r = { 0x9e3779b9u };
    char err[256];
    stream_init(&s, 1920, 1080, 0);
    s.sps.log2_max_frame_num = 16;
    s.sps.log2_max_poc_lsb = 16;
    put_parameter_sets(&s);
    size_t pos = 0;
    h264_nal nal;
    while (h264_next_nal(s.buf, s.size, &pos, &nal, err, sizeof(err)) > 0) {
        int ret = nal.nal_unit_type == 7 ? h264_parse_sps(&nal, ps, err, sizeof(err))
                                         : h264_parse_pps(&nal, ps, err, sizeof(err));
        CHECK(&t, ret == 0, "parameter sets: %s", err);
    }
    CHECK(&t, ps->have_sps[0] && ps->sps[0].width == 1920 && ps->sps[0].height == 1080,
          "SPS size %dx%d", ps->sps[0].width, ps->sps[0].height);
    for (int i = 0; i < 2000; i++) {
        h264_slice_header sh;
        memset(&sh, 0, sizeof(sh));
        sh.nal_unit_type = rng_range(&r, 0, 1) ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
        sh.nal_ref_idc = 2;
        sh.first_mb = rng_range(&r, 0, 8159);
        sh.slice_type = rng_range(&r, 0, 2);
        /* Zeros in the fixed-length fields make the start-code-like runs
         * emulation prevention must break. */
        sh.frame_num = rng_range(&r, 0, 3) ? 0 : rng_range(&r, 0, 65535);
        sh.idr_pic_id = rng_range(&r, 0, 65535);
        sh.poc_lsb = rng_range(&r, 0, 3) ? 0 : rng_range(&r, 0, 65535);
        sh.num_ref_idx_l0_active = sh.num_ref_idx_l1_active = 1;
        sh.slice_qp = 26;
        s.size = 0;
        put_slice(&s, &sh);
        pos = 0;
        h264_slice_info sl;
        int ret = h264_next_nal(s.buf, s.size, &pos, &nal, err, sizeof(err));
        if (ret == 1)
            ret = h264_parse_slice(&nal, ps, &sl, err, sizeof(err));
        CHECK(&t, ret == 0 && sl.first_mb == sh.first_mb && sl.slice_type == sh.slice_type &&
                  sl.frame_num == sh.frame_num && sl.poc_lsb == sh.poc_lsb &&
                  (sh.nal_unit_type != H264_NAL_IDR_SLICE || sl.idr_pic_id == sh.idr_pic_id),
              "slice %d: ret %d (%s), first_mb %d/%d frame_num %d/%d poc %d/%d", i, ret, err, sl.first_mb,
              sh.first_mb, sl.frame_num, sh.frame_num, sl.poc_lsb, sh.poc_lsb);
    }
    /* Truncated: the header cut inside its frame_num. */
    s.size = 0;
    h264_slice_header sh = slice_for(&s, HWENC_FRAME_P, 0x1234, 0);
    put_slice(&s, &sh);
    pos = 0;
    h264_next_nal(s.buf, 8, &pos, &nal, err, sizeof(err));
    h264_slice_info sl;
    CHECK(&t, h264_parse_slice(&nal, ps, &sl, err, sizeof(err)) < 0 && strstr(err, "ends before"),
          "truncated slice header: %s", err);
    free(ps);
}

/* A backend that decides the types (NVENC with enablePTD = 1): frames sent
 * in display order as IDR or P, packets in its coding order. */
static void send_all(packet_check *c, int frames)
{
    for (int i = 0; i < frames; i++)
        send(c, i, i ? HWENC_FRAME_P : HWENC_FRAME_IDR);
}

/* The packet for display_index, coded as type; expect as in picture(). */
static void reordered(packet_check *c, stream *s, int64_t display_index, enum hwenc_frame_type type, int frame_num,
                      const char *expect, const char *what)
{
    char err[512];
    if (type == HWENC_FRAME_IDR)
        put_parameter_sets(s);
    h264_slice_header sh = slice_for(s, type, frame_num, 2 * (int)display_index);
    put_slice(s, &sh);
    int ret = receive(c, s, display_index, type, err, sizeof(err));
    if (!expect)
        CHECK(&t, ret == 0, "%s: refused: %s", what, err);
    else
        CHECK(&t, ret == HWENC_EBACKEND && strstr(err, expect), "%s: ret %d, message '%s' lacks '%s'", what, ret, err,
              expect);
}

static void fresh_deciding(packet_check *c, stream *s, int max_bframes, int frames)
{
    fresh(c, s, 320, 240, max_bframes);
    packet_check_backend_decides(c, max_bframes);
    send_all(c, frames);
}

static void test_backend_decides(packet_check *c, stream *s)
{
    char err[512];
    /* I0 P3 B1 B2 I6 B4 B5 P7: the driver's own B and I pictures. */
    fresh_deciding(c, s, 2, 8);
    static const struct { int display; enum hwenc_frame_type type; int frame_num; } order[] = {
        { 0, HWENC_FRAME_IDR, 0 }, { 3, HWENC_FRAME_P, 1 }, { 1, HWENC_FRAME_B, 2 }, { 2, HWENC_FRAME_B, 2 },
        { 6, HWENC_FRAME_I, 2 }, { 4, HWENC_FRAME_B, 3 }, { 5, HWENC_FRAME_B, 3 }, { 7, HWENC_FRAME_P, 3 },
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        reordered(c, s, order[i].display, order[i].type, order[i].frame_num, NULL, "reordered stream");
    CHECK(&t, packet_check_finish(c, err, sizeof(err)) == 0, "finish after reordering: %s", err);

    fresh_deciding(c, s, 2, 4);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 1, HWENC_FRAME_B, 1, "outside the anchors coded last", "B before its anchor");
    fresh_deciding(c, s, 1, 4);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 3, HWENC_FRAME_P, 1, "more than the 1 B pictures", "anchor ahead of too many frames");
    fresh_deciding(c, s, 2, 6);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 2, HWENC_FRAME_P, 1, NULL, "P2");
    reordered(c, s, 4, HWENC_FRAME_P, 2, "a picture is missing", "B1 never came before the next anchor");
    fresh_deciding(c, s, 0, 3);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 1, HWENC_FRAME_IDR, 0, "an IDR nobody asked for", "unplanned IDR");
    fresh_deciding(c, s, 0, 3);
    reordered(c, s, 0, HWENC_FRAME_P, 0, "where an IDR was asked for", "forced IDR coded as P");
    fresh_deciding(c, s, 0, 3);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 1, HWENC_FRAME_P, 1, NULL, "P1");
    reordered(c, s, 1, HWENC_FRAME_P, 2, "not given or returned already", "frame returned twice");
    fresh_deciding(c, s, 0, 3);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 2, HWENC_FRAME_B, 1, "codes no B pictures", "B from a backend without B pictures");
    fresh_deciding(c, s, 2, 3);
    reordered(c, s, 0, HWENC_FRAME_IDR, 0, NULL, "IDR");
    reordered(c, s, 2, HWENC_FRAME_P, 1, NULL, "P2");
    CHECK(&t, packet_check_finish(c, err, sizeof(err)) == HWENC_EBACKEND && strstr(err, "1 of the pictures"),
          "finish with a held B picture missing: %s", err);
}

int main(void)
{
    packet_check c;
    stream s;
    memset(&c, 0, sizeof(c));
    test_sound_streams(&c, &s);
    test_broken_streams(&c, &s);
    test_poc_type2(&c, &s);
    test_poc_type1(&c, &s);
    test_backend_decides(&c, &s);
    test_slice_round_trip();
    packet_check_free(&c);
    printf("%s: %d checks passed, %d failed\n", t.name, t.pass, t.fail);
    return t.fail ? 1 : 0;
}
