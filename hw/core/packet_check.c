/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/packet_check.h"

int packet_check_init(packet_check *c, int width, int height)
{
    memset(c, 0, sizeof(*c));
    c->width = width;
    c->height = height;
    c->last_anchor = c->prev_anchor = -1;
    c->ps = calloc(1, sizeof(*c->ps));
    return c->ps ? 0 : HWENC_ENOMEM;
}

void packet_check_backend_decides(packet_check *c, int max_bframes)
{
    c->backend_decides = 1;
    c->max_bframes = max_bframes;
}

void packet_check_free(packet_check *c)
{
    free(c->ps);
    c->ps = NULL;
}

int packet_check_sent(packet_check *c, const hal_picture *pic, char *err, size_t err_size)
{
    if (c->plan_count == PACKET_CHECK_IN_FLIGHT) {
        snprintf(err, err_size, "the backend holds more than %d pictures without returning one",
                 PACKET_CHECK_IN_FLIGHT);
        return HWENC_EBACKEND;
    }
    planned_picture *p = &c->plan[(c->plan_first + c->plan_count++) % PACKET_CHECK_IN_FLIGHT];
    p->display_index = pic->display_index;
    p->type = pic->type;
    p->reference = pic->reference;
    p->returned = 0;
    return 0;
}

/* One coded picture as its slices describe it. */
typedef struct coded_picture {
    int slices;
    h264_slice_info first;
    int has_p, has_b;
    const h264_sps_info *sps;
} coded_picture;

#define FAIL(...) do { snprintf(err, err_size, __VA_ARGS__); return HWENC_EBACKEND; } while (0)

static int same_picture(const h264_slice_info *a, const h264_slice_info *b)
{
    return a->nal_unit_type == b->nal_unit_type && !a->nal_ref_idc == !b->nal_ref_idc &&
           a->frame_num == b->frame_num && a->idr_pic_id == b->idr_pic_id && a->poc_lsb == b->poc_lsb &&
           a->delta_poc_bottom == b->delta_poc_bottom && a->delta_poc[0] == b->delta_poc[0] &&
           a->delta_poc[1] == b->delta_poc[1];
}

static int add_slice(coded_picture *pic, const h264_slice_info *sl, const h264_sps_info *sps, char *err,
                     size_t err_size)
{
    if (pic->slices == 0) {
        if (sl->first_mb != 0)
            FAIL("its first slice starts at macroblock %d, not 0", sl->first_mb);
        pic->first = *sl;
        pic->sps = sps;
    } else if (sl->first_mb == 0 || !same_picture(&pic->first, sl)) {
        FAIL("it holds more than one picture (slice %d starts another)", pic->slices);
    }
    pic->has_p |= sl->slice_type == 0 || sl->slice_type == 3;
    pic->has_b |= sl->slice_type == 1;
    pic->slices++;
    return 0;
}

/* Splits the packet into NAL units, keeps the parameter sets and gathers
 * the slices of its one picture. */
static int parse_packet(packet_check *c, const hal_packet *pkt, coded_picture *pic, char *err, size_t err_size)
{
    char why[160];
    h264_nal nal;
    h264_slice_info sl;
    size_t pos = 0;
    int ret;
    memset(pic, 0, sizeof(*pic));
    if (!pkt->data || !pkt->size)
        FAIL("the packet is empty: the driver returned no coded data");
    while ((ret = h264_next_nal(pkt->data, pkt->size, &pos, &nal, why, sizeof(why))) > 0) {
        switch (nal.nal_unit_type) {
        case 7: ret = h264_parse_sps(&nal, c->ps, why, sizeof(why)); break;
        case 8: ret = h264_parse_pps(&nal, c->ps, why, sizeof(why)); break;
        case 1:
        case 5:
            ret = h264_parse_slice(&nal, c->ps, &sl, why, sizeof(why));
            if (ret == 0) {
                const h264_sps_info *sps = &c->ps->sps[c->ps->pps[sl.pps_id].sps_id];
                if (add_slice(pic, &sl, sps, why, sizeof(why)) < 0)
                    ret = -1;
            }
            break;
        case 2: case 3: case 4: /* data partitioning: Extended profile, which nothing here asks for */
            snprintf(why, sizeof(why), "a data partition NAL unit (type %d)", nal.nal_unit_type);
            ret = -1;
            break;
        default: ret = 0; break; /* SEI, AUD, filler, end of sequence: nothing to check */
        }
        if (ret < 0)
            FAIL("%s", why);
    }
    if (ret < 0)
        FAIL("%s", why);
    if (!pic->slices)
        FAIL("the packet holds no slice (%zu bytes)", pkt->size);
    if (pic->sps->width != c->width || pic->sps->height != c->height)
        FAIL("its SPS codes %dx%d pictures, not the configured %dx%d", pic->sps->width, pic->sps->height, c->width,
             c->height);
    return 0;
}

static const char *coded_type(const coded_picture *pic)
{
    if (pic->first.nal_unit_type == 5)
        return pic->has_p || pic->has_b ? "an IDR with inter slices" : "IDR";
    return pic->has_b ? "B" : pic->has_p ? "P" : "I";
}

static int check_type(const planned_picture *want, const coded_picture *pic, char *err, size_t err_size)
{
    const char *want_name = hwenc_frame_type_name(want->type), *got = coded_type(pic);
    int idr = pic->first.nal_unit_type == 5;
    int ok = idr == (want->type == HWENC_FRAME_IDR) && !(idr && (pic->has_p || pic->has_b));
    /* Intra slices may stand anywhere; inter ones only where planned. */
    if (want->type == HWENC_FRAME_IDR || want->type == HWENC_FRAME_I)
        ok &= !pic->has_p && !pic->has_b;
    else if (want->type == HWENC_FRAME_P)
        ok &= !pic->has_b;
    if (!ok)
        FAIL("it is coded as %s, planned as %s", got, want_name);
    if (!pic->first.nal_ref_idc != !want->reference)
        FAIL("it is marked as %sa reference picture (nal_ref_idc %d); the plan made it %sone",
             pic->first.nal_ref_idc ? "" : "not ", pic->first.nal_ref_idc, want->reference ? "" : "not ");
    return 0;
}

/* 7.4.3: without gaps, every picture after the IDR has the frame_num of
 * the previous reference picture plus one. */
static int check_frame_num(const packet_check *c, const coded_picture *pic, char *err, size_t err_size)
{
    const h264_sps_info *sps = pic->sps;
    int idr = pic->first.nal_unit_type == 5, want = (c->prev_ref_frame_num + 1) % (1 << sps->log2_max_frame_num);
    if (idr && pic->first.frame_num != 0)
        FAIL("the IDR picture has frame_num %d, not 0", pic->first.frame_num);
    if (!idr && !sps->gaps_in_frame_num_allowed && pic->first.frame_num != want)
        FAIL("frame_num %d follows %d: expected %d (the SPS allows no gaps)", pic->first.frame_num,
             c->prev_ref_frame_num, want);
    return 0;
}

/* 8.2.1.2 and 8.2.1.3: FrameNumOffset. */
static int frame_num_offset(const packet_check *c, const coded_picture *pic)
{
    if (pic->first.nal_unit_type == 5)
        return 0;
    int offset = c->prev_frame_num_offset;
    return c->prev_frame_num > pic->first.frame_num ? offset + (1 << pic->sps->log2_max_frame_num) : offset;
}

/* 8.2.1.2, frames only. */
static int poc_type1(const coded_picture *pic, int offset)
{
    const h264_sps_info *s = pic->sps;
    const h264_slice_info *sl = &pic->first;
    int n = s->num_ref_frames_in_poc_cycle;
    int64_t abs_frame_num = n ? offset + sl->frame_num : 0, expected = 0;
    if (!sl->nal_ref_idc && abs_frame_num > 0)
        abs_frame_num--;
    if (abs_frame_num > 0) {
        int64_t delta_per_cycle = 0;
        for (int i = 0; i < n; i++)
            delta_per_cycle += s->offset_for_ref_frame[i];
        expected = (abs_frame_num - 1) / n * delta_per_cycle;
        for (int i = 0; i <= (abs_frame_num - 1) % n; i++)
            expected += s->offset_for_ref_frame[i];
    }
    if (!sl->nal_ref_idc)
        expected += s->offset_for_non_ref_pic;
    int64_t top = expected + sl->delta_poc[0];
    int64_t bottom = top + s->offset_for_top_to_bottom_field + sl->delta_poc[1];
    return (int)(top < bottom ? top : bottom);
}

/* The picture order count of a frame (8.2.1), and the state it leaves. */
static int picture_order_count(packet_check *c, const coded_picture *pic)
{
    const h264_sps_info *s = pic->sps;
    const h264_slice_info *sl = &pic->first;
    int idr = sl->nal_unit_type == 5, poc;
    int offset = frame_num_offset(c, pic);
    if (s->poc_type == 0) {
        int max_lsb = 1 << s->log2_max_poc_lsb, prev_msb = idr ? 0 : c->prev_ref_poc_msb;
        int prev_lsb = idr ? 0 : c->prev_ref_poc_lsb, msb = prev_msb;
        if (sl->poc_lsb < prev_lsb && prev_lsb - sl->poc_lsb >= max_lsb / 2)
            msb = prev_msb + max_lsb;
        else if (sl->poc_lsb > prev_lsb && sl->poc_lsb - prev_lsb > max_lsb / 2)
            msb = prev_msb - max_lsb;
        int top = msb + sl->poc_lsb, bottom = top + sl->delta_poc_bottom;
        poc = top < bottom ? top : bottom;
        if (sl->nal_ref_idc) {
            c->prev_ref_poc_msb = msb;
            c->prev_ref_poc_lsb = sl->poc_lsb;
        }
    } else if (s->poc_type == 1) {
        poc = poc_type1(pic, offset);
    } else {
        poc = idr ? 0 : 2 * (offset + sl->frame_num) - !sl->nal_ref_idc;
    }
    c->prev_frame_num_offset = offset;
    c->prev_frame_num = sl->frame_num;
    if (sl->nal_ref_idc)
        c->prev_ref_frame_num = sl->frame_num;
    return poc;
}

/* A decoder outputs the pictures of an IDR period by picture order count:
 * it must order them as the display order did. */
static int check_order(packet_check *c, int64_t display_index, int idr, int poc, char *err, size_t err_size)
{
    if (idr)
        c->period_count = 0;
    for (int i = 0; i < c->period_count; i++) {
        int64_t other = c->period[i].display_index;
        int other_poc = c->period[i].poc;
        if (other_poc == poc)
            FAIL("its picture order count %d equals that of frame %lld: a decoder cannot tell which to show first",
                 poc, (long long)other);
        if ((other < display_index) != (other_poc < poc))
            FAIL("its picture order count %d puts it %s frame %lld (POC %d), which is shown %s it", poc,
                 poc < other_poc ? "before" : "after", (long long)other, other_poc,
                 other < display_index ? "before" : "after");
    }
    if (c->period_count == PACKET_CHECK_PERIOD) {
        memmove(c->period, c->period + 1, sizeof(c->period[0]) * (PACKET_CHECK_PERIOD - 1));
        c->period_count--;
    }
    c->period[c->period_count].display_index = display_index;
    c->period[c->period_count++].poc = poc;
    return 0;
}

static planned_picture *plan_at(packet_check *c, int64_t i)
{
    return &c->plan[(c->plan_first + i) % PACKET_CHECK_IN_FLIGHT];
}

/* In the order sent, the next picture is due. */
static int match_in_order(packet_check *c, const hal_packet *pkt, planned_picture **out, char *err,
                          size_t err_size)
{
    planned_picture *want = plan_at(c, 0);
    const char *type = hwenc_frame_type_name(want->type);
    if (pkt->display_index != want->display_index)
        FAIL("the backend returned frame %lld where frame %lld (%s), sent before it, was due: a picture is missing",
             (long long)pkt->display_index, (long long)want->display_index, type);
    if (pkt->type != want->type)
        FAIL("the backend returned frame %lld as %s, planned as %s", (long long)want->display_index,
             hwenc_frame_type_name(pkt->type), type);
    *out = want;
    return 0;
}

/* A backend that decides the types: the frame it names, coded as it says,
 * where reordering allows it. The plan of that frame becomes what the
 * packet claims, so the slices are checked against the claim. */
static int match_reordered(packet_check *c, const hal_packet *pkt, planned_picture **out, char *err,
                           size_t err_size)
{
    planned_picture *p = NULL;
    int64_t held = 0;                /* frames shown before it, not returned yet */
    for (int64_t i = 0; i < c->plan_count; i++) {
        planned_picture *q = plan_at(c, i);
        if (q->returned)
            continue;
        if (q->display_index == pkt->display_index)
            p = q;
        else if (q->display_index < pkt->display_index)
            held++;
    }
    int64_t d = pkt->display_index;
    if (!p)
        FAIL("the backend returned frame %lld, which it was not given or returned already", (long long)d);
    enum hwenc_frame_type t = pkt->type;
    if (p->type == HWENC_FRAME_IDR && t != HWENC_FRAME_IDR)
        FAIL("the backend returned frame %lld as %s where an IDR was asked for", (long long)d,
             hwenc_frame_type_name(t));
    if (p->type != HWENC_FRAME_IDR && t == HWENC_FRAME_IDR)
        FAIL("the backend returned frame %lld as an IDR nobody asked for", (long long)d);
    if (t == HWENC_FRAME_B) {
        if (!c->max_bframes)
            FAIL("the backend returned frame %lld as B, but it reported that it codes no B pictures", (long long)d);
        if (d > c->last_anchor || d < c->prev_anchor)
            FAIL("the backend returned B frame %lld outside the anchors coded last (frames %lld and %lld)",
                 (long long)d, (long long)c->prev_anchor, (long long)c->last_anchor);
    } else {
        if (held > c->max_bframes)
            FAIL("the backend coded frame %lld ahead of %lld frames shown before it, more than the %d B pictures "
                 "it reported", (long long)d, (long long)held, c->max_bframes);
        for (int64_t i = 0; i < c->plan_count; i++) {
            const planned_picture *q = plan_at(c, i);
            if (!q->returned && q->display_index < c->last_anchor)
                FAIL("the backend coded frame %lld before frame %lld, which is shown before the anchor coded "
                     "last (frame %lld): a picture is missing", (long long)d, (long long)q->display_index,
                     (long long)c->last_anchor);
        }
        c->prev_anchor = c->last_anchor;
        c->last_anchor = d;
    }
    p->type = t;
    p->reference = t != HWENC_FRAME_B;
    *out = p;
    return 0;
}

int packet_check_packet(packet_check *c, const hal_packet *pkt, char *err, size_t err_size)
{
    char why[320];
    coded_picture pic;
    planned_picture *want;
    if (!c->plan_count)
        FAIL("the backend returned a packet (frame %lld) for no picture it was given", (long long)pkt->display_index);
    int ret = c->backend_decides ? match_reordered(c, pkt, &want, err, err_size)
                                 : match_in_order(c, pkt, &want, err, err_size);
    if (ret < 0)
        return ret;
    const char *type = hwenc_frame_type_name(want->type);
    ret = parse_packet(c, pkt, &pic, why, sizeof(why));
    if (ret == 0)
        ret = check_type(want, &pic, why, sizeof(why));
    if (ret == 0)
        ret = check_frame_num(c, &pic, why, sizeof(why));
    if (ret == 0) {
        int poc = picture_order_count(c, &pic);
        ret = check_order(c, want->display_index, want->type == HWENC_FRAME_IDR, poc, why, sizeof(why));
    }
    if (ret < 0)
        FAIL("frame %lld (%s, picture %lld in coding order) came back wrong: %s", (long long)want->display_index,
             type, (long long)c->pictures, why);
    want->returned = 1;
    while (c->plan_count && plan_at(c, 0)->returned) {
        c->plan_first++;
        c->plan_count--;
    }
    c->pictures++;
    return 0;
}

int packet_check_finish(const packet_check *c, char *err, size_t err_size)
{
    int64_t missing = 0;
    for (int64_t i = 0; i < c->plan_count; i++)
        missing += !c->plan[(c->plan_first + i) % PACKET_CHECK_IN_FLIGHT].returned;
    if (missing)
        FAIL("the backend finished without returning %lld of the pictures it was given (the first: frame %lld)",
             (long long)missing, (long long)c->plan[c->plan_first % PACKET_CHECK_IN_FLIGHT].display_index);
    return 0;
}
