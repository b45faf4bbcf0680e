/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Fuzzes the H.264 parameter-set and slice-header writer (hw/h264/): a
 * stream description within what hwenc_config allows goes through
 * h264_stream_init(), and a slice header with every field in its syntax
 * range through h264_write_slice_header(). libavcodec reads the three NAL
 * units back (its trace_headers filter, FFmpeg's own syntax reader, which
 * also refuses values out of range) and every syntax element it reports
 * must be the value the structures asked for; the values the description
 * set (size after cropping, aspect ratio, colour, timing, QP) must come
 * out as given.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/log.h>

#include "tests/fuzz/fuzz.h"
#include "hw/h264/params.h"

/* ------------------------------------------------ reading the trace back */

#define MAX_ELEMENTS 1024

typedef struct element {
    char name[64];               /* without subscripts */
    int64_t value;
} element;

/* The log callback is process-wide; so is what it collects. */
static struct {
    element e[MAX_ELEMENTS];
    int count;
    char line[512];
    size_t line_len;
    char error[256];
} trace;

static void take_line(const char *line)
{
    int pos;
    char name[64];
    const char *eq = strstr(line, " = ");
    if (!eq || sscanf(line, "%d %63s", &pos, name) != 2 || trace.count == MAX_ELEMENTS)
        return;
    name[strcspn(name, "[")] = '\0';
    element *e = &trace.e[trace.count++];
    memcpy(e->name, name, sizeof(name));
    e->value = strtoll(eq + 3, NULL, 10);
}

static void log_callback(void *avcl, int level, const char *fmt, va_list vl)
{
    (void)avcl;
    char text[512];
    vsnprintf(text, sizeof(text), fmt, vl);
    if (level <= AV_LOG_ERROR && !trace.error[0])
        snprintf(trace.error, sizeof(trace.error), "%s", text);
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            trace.line[trace.line_len] = '\0';
            take_line(trace.line);
            trace.line_len = 0;
        } else if (trace.line_len + 1 < sizeof(trace.line)) {
            trace.line[trace.line_len++] = *p;
        }
    }
}

/* Runs trace_headers over an Annex B packet; 0 if libavcodec read it. */
static int read_back(const uint8_t *data, size_t size)
{
    static int installed;
    if (!installed) {
        av_log_set_callback(log_callback);
        installed = 1;
    }
    memset(&trace, 0, sizeof(trace));
    AVBSFContext *bsf = NULL;
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? av_bsf_alloc(av_bsf_get_by_name("trace_headers"), &bsf) : AVERROR(ENOMEM);
    if (ret >= 0) {
        bsf->par_in->codec_id = AV_CODEC_ID_H264;
        ret = av_bsf_init(bsf);
    }
    if (ret >= 0 && (ret = av_new_packet(pkt, (int)size)) >= 0) {
        memcpy(pkt->data, data, size);
        if ((ret = av_bsf_send_packet(bsf, pkt)) >= 0)
            ret = av_bsf_receive_packet(bsf, pkt);
    }
    av_packet_free(&pkt);
    av_bsf_free(&bsf);
    return ret < 0 ? ret : 0;
}

/* The NAL units are cut where each begins with forbidden_zero_bit. */
typedef struct nal_view {
    int first, end;
} nal_view;

static int find_nals(nal_view *nals, int max)
{
    int n = 0;
    for (int i = 0; i < trace.count; i++)
        if (!strcmp(trace.e[i].name, "forbidden_zero_bit") && n < max) {
            if (n)
                nals[n - 1].end = i;
            nals[n++] = (nal_view){ i, trace.count };
        }
    return n;
}

/* The nth occurrence of an element in a NAL unit, or -1. */
static int find(nal_view nal, const char *name, int nth)
{
    for (int i = nal.first; i < nal.end; i++)
        if (!strcmp(trace.e[i].name, name) && nth-- == 0)
            return i;
    return -1;
}

static int64_t value_of(nal_view nal, const char *name, int nth)
{
    int i = find(nal, name, nth);
    FUZZ_REQUIRE(i >= 0, "libavcodec read no %s[%d]", name, nth);
    return trace.e[i].value;
}

#define EXPECT(nal, name, want)                                                                                  \
    do {                                                                                                          \
        int64_t got_ = value_of(nal, name, 0), want_ = (want);                                                   \
        FUZZ_REQUIRE(got_ == want_, "%s is %" PRId64 ", wrote %" PRId64, name, got_, want_);                    \
    } while (0)

/* ------------------------------------------------------ the fuzzed input */

static const int primaries[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22 };
static const int transfers[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
static const int matrices[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
#define PICK(in, table) (table)[fuzz_range(in, 0, sizeof(table) / sizeof((table)[0]) - 1)]

/* What hwenc_open would hand h264_stream_init, from any valid config. */
static void fuzz_desc(fuzz_input *in, h264_stream_desc *d)
{
    memset(d, 0, sizeof(*d));
    uint32_t flags = fuzz_u16(in);
    d->width = (int)fuzz_range(in, 1, 8192) * 2;
    d->height = (int)fuzz_range(in, 1, 8192) * 2;
    d->fps_num = (int)fuzz_range(in, 1, INT32_MAX);
    d->fps_den = (int)fuzz_range(in, 1, INT32_MAX);
    if (flags & 1) {
        d->sar_num = (int)fuzz_range(in, 1, 65535);
        d->sar_den = (int)fuzz_range(in, 1, 65535);
    }
    d->full_range = flags >> 1 & 1;
    d->colour_primaries = PICK(in, primaries);
    d->transfer = PICK(in, transfers);
    d->matrix = PICK(in, matrices);
    d->chroma_sample_loc = (int)fuzz_range(in, 0, 5);
    d->bframes = flags >> 2 & 1 ? (int)fuzz_range(in, 1, 16) : 0;
    d->profile_idc = d->bframes ? H264_PROFILE_MAIN : H264_PROFILE_BASELINE;
    d->max_refs = (int)fuzz_range(in, 1, d->bframes ? 15 : 16) + (d->bframes ? 1 : 0);
    d->bitrate_kbps = flags >> 3 & 1 ? (int)fuzz_range(in, 1, 1000000) : 0;
    d->qp = (int)fuzz_range(in, 0, 51);
    d->deblock = flags >> 4 & 1;
}

/* A slice header with every field in its range for this SPS and PPS. */
static void fuzz_slice(fuzz_input *in, const h264_sps *sps, const h264_pps *pps, int bframes, h264_slice_header *sh)
{
    memset(sh, 0, sizeof(*sh));
    uint32_t flags = fuzz_u16(in);
    const int idr = flags & 1;
    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    sh->nal_ref_idc = (int)fuzz_range(in, idr, 3);
    sh->first_mb = (int)fuzz_range(in, 0, (int64_t)sps->mb_width * sps->mb_height - 1);
    static const int types[3] = { H264_SLICE_P, H264_SLICE_I, H264_SLICE_B };
    sh->slice_type = idr ? H264_SLICE_I : types[fuzz_range(in, 0, bframes ? 2 : 1)];
    sh->frame_num = idr ? 0 : (int)fuzz_range(in, 0, (1 << sps->log2_max_frame_num) - 1);
    sh->idr_pic_id = (int)fuzz_range(in, 0, 65535);
    sh->poc_lsb = (int)fuzz_range(in, 0, (1 << sps->log2_max_poc_lsb) - 1);
    sh->direct_spatial_mv_pred = flags >> 2 & 1;
    sh->num_ref_idx_active_override = flags >> 3 & 1;
    sh->num_ref_idx_l0_active = sh->num_ref_idx_active_override ? (int)fuzz_range(in, 1, 16)
                                                                : pps->num_ref_idx_l0_default_active;
    sh->num_ref_idx_l1_active = sh->num_ref_idx_active_override ? (int)fuzz_range(in, 1, 16)
                                                                : pps->num_ref_idx_l1_default_active;
    const int max_pic_num = 1 << sps->log2_max_frame_num;
    /* 7.4.3.1: at most num_ref_idx_lX_active_minus1 + 1 modifications,
     * each a picture-number difference below MaxPicNum. */
    if (sh->slice_type != H264_SLICE_I) {
        sh->num_ref_list_ops = (int)fuzz_range(in, 0, sh->num_ref_idx_l0_active);
        for (int i = 0; i < sh->num_ref_list_ops; i++)
            sh->ref_list_ops[i] = (h264_ref_list_op){ (int)fuzz_range(in, 0, 1), (int)fuzz_range(in, 0, max_pic_num - 1) };
    }
    if (sh->slice_type == H264_SLICE_B) {
        sh->num_ref_list_ops_l1 = (int)fuzz_range(in, 0, sh->num_ref_idx_l1_active);
        for (int i = 0; i < sh->num_ref_list_ops_l1; i++)
            sh->ref_list_ops_l1[i] = (h264_ref_list_op){ (int)fuzz_range(in, 0, 1),
                                                         (int)fuzz_range(in, 0, max_pic_num - 1) };
    }
    sh->no_output_of_prior_pics = flags >> 4 & 1;
    sh->long_term_reference = flags >> 5 & 1;
    sh->slice_qp = (int)fuzz_range(in, 0, 51);
    sh->disable_deblocking_filter_idc = (int)fuzz_range(in, 0, 2);
    sh->slice_alpha_c0_offset_div2 = (int)fuzz_range(in, -6, 6);
    sh->slice_beta_offset_div2 = (int)fuzz_range(in, -6, 6);
}

/* ------------------------------------------------------------ the checks */

/* Table E-1, index = aspect_ratio_idc. */
static const int sar_table[17][2] = {
    { 0, 0 }, { 1, 1 }, { 12, 11 }, { 10, 11 }, { 16, 11 }, { 40, 33 }, { 24, 11 }, { 20, 11 },
    { 32, 11 }, { 80, 33 }, { 18, 11 }, { 15, 11 }, { 64, 33 }, { 160, 99 }, { 4, 3 }, { 3, 2 }, { 2, 1 },
};

static void check_vui(nal_view n, const h264_stream_desc *d, const h264_sps *sps)
{
    if (!value_of(n, "aspect_ratio_info_present_flag", 0)) {
        FUZZ_REQUIRE(!d->sar_num, "the aspect ratio %d:%d is missing", d->sar_num, d->sar_den);
    } else {
        int64_t idc = value_of(n, "aspect_ratio_idc", 0);
        int64_t w = idc == 255 ? value_of(n, "sar_width", 0) : idc >= 1 && idc <= 16 ? sar_table[idc][0] : -1;
        int64_t h = idc == 255 ? value_of(n, "sar_height", 0) : idc >= 1 && idc <= 16 ? sar_table[idc][1] : -1;
        int64_t a = w, b = h; /* E.2.1: relatively prime */
        while (b > 0) {
            int64_t r = a % b;
            a = b;
            b = r;
        }
        FUZZ_REQUIRE(w > 0 && h > 0 && w * d->sar_den == h * d->sar_num && a == 1,
                     "aspect ratio %" PRId64 ":%" PRId64 " for %d:%d", w, h, d->sar_num, d->sar_den);
    }
    const int want_primaries = d->colour_primaries ? d->colour_primaries : 2;
    const int want_transfer = d->transfer ? d->transfer : 2, want_matrix = d->matrix ? d->matrix : 2;
    if (value_of(n, "video_signal_type_present_flag", 0)) {
        EXPECT(n, "video_format", 5);
        EXPECT(n, "video_full_range_flag", d->full_range);
        if (value_of(n, "colour_description_present_flag", 0)) {
            EXPECT(n, "colour_primaries", want_primaries);
            EXPECT(n, "transfer_characteristics", want_transfer);
            EXPECT(n, "matrix_coefficients", want_matrix);
        } else {
            FUZZ_REQUIRE(want_primaries == 2 && want_transfer == 2 && want_matrix == 2, "colour missing");
        }
    } else {
        FUZZ_REQUIRE(!d->full_range && want_primaries == 2 && want_transfer == 2 && want_matrix == 2,
                     "video signal type missing");
    }
    /* E.2.1: absent, both fields are inferred to be 0. */
    if (value_of(n, "chroma_loc_info_present_flag", 0)) {
        EXPECT(n, "chroma_sample_loc_type_top_field", d->chroma_sample_loc);
        EXPECT(n, "chroma_sample_loc_type_bottom_field", d->chroma_sample_loc);
    } else {
        FUZZ_REQUIRE(d->chroma_sample_loc == 0, "chroma_sample_loc %d missing", d->chroma_sample_loc);
    }
    EXPECT(n, "timing_info_present_flag", 1);
    EXPECT(n, "num_units_in_tick", d->fps_den);
    EXPECT(n, "time_scale", 2 * (int64_t)d->fps_num);
    EXPECT(n, "fixed_frame_rate_flag", 1);
    EXPECT(n, "bitstream_restriction_flag", 1);
    EXPECT(n, "max_num_reorder_frames", d->bframes > 0);
    EXPECT(n, "max_dec_frame_buffering", sps->vui.max_dec_frame_buffering);
    /* E.2.1: the DPB holds at least the references and the reordering. */
    FUZZ_REQUIRE(sps->vui.max_dec_frame_buffering >= sps->max_num_ref_frames &&
                     sps->vui.max_dec_frame_buffering >= (d->bframes > 0),
                 "max_dec_frame_buffering %d for %d references", sps->vui.max_dec_frame_buffering,
                 sps->max_num_ref_frames);
}

static void check_sps(nal_view n, const h264_stream_desc *d, const h264_sps *sps)
{
    EXPECT(n, "nal_unit_type", H264_NAL_SPS);
    EXPECT(n, "profile_idc", d->profile_idc);
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof(name), "constraint_set%d_flag", i);
        EXPECT(n, name, sps->constraint_set_flags >> i & 1);
    }
    EXPECT(n, "level_idc", sps->level_idc);
    EXPECT(n, "seq_parameter_set_id", sps->sps_id);
    EXPECT(n, "log2_max_frame_num_minus4", sps->log2_max_frame_num - 4);
    EXPECT(n, "pic_order_cnt_type", sps->poc_type);
    if (sps->poc_type == 0)
        EXPECT(n, "log2_max_pic_order_cnt_lsb_minus4", sps->log2_max_poc_lsb - 4);
    EXPECT(n, "max_num_ref_frames", d->max_refs);
    EXPECT(n, "frame_mbs_only_flag", 1);
    int64_t mb_w = value_of(n, "pic_width_in_mbs_minus1", 0) + 1, mb_h = value_of(n, "pic_height_in_map_units_minus1", 0) + 1;
    int64_t crop[4] = { 0 };
    if (value_of(n, "frame_cropping_flag", 0)) {
        crop[0] = value_of(n, "frame_crop_left_offset", 0);
        crop[1] = value_of(n, "frame_crop_right_offset", 0);
        crop[2] = value_of(n, "frame_crop_top_offset", 0);
        crop[3] = value_of(n, "frame_crop_bottom_offset", 0);
    }
    /* 7.4.2.1.1: 4:2:0 frames crop in units of two samples. */
    FUZZ_REQUIRE(16 * mb_w - 2 * (crop[0] + crop[1]) == d->width && 16 * mb_h - 2 * (crop[2] + crop[3]) == d->height,
                 "%dx%d reads back as %" PRId64 "x%" PRId64, d->width, d->height, 16 * mb_w - 2 * (crop[0] + crop[1]),
                 16 * mb_h - 2 * (crop[2] + crop[3]));
    FUZZ_REQUIRE(mb_w == sps->mb_width && mb_h == sps->mb_height && crop[1] < 8 && crop[3] < 8,
                 "macroblocks or cropping beyond the picture");
    EXPECT(n, "vui_parameters_present_flag", 1);
    check_vui(n, d, sps);
}

static void check_pps(nal_view n, const h264_stream_desc *d, const h264_pps *pps)
{
    EXPECT(n, "nal_unit_type", H264_NAL_PPS);
    EXPECT(n, "pic_parameter_set_id", pps->pps_id);
    EXPECT(n, "seq_parameter_set_id", pps->sps_id);
    EXPECT(n, "entropy_coding_mode_flag", pps->entropy_coding_mode);
    EXPECT(n, "num_ref_idx_l0_default_active_minus1", pps->num_ref_idx_l0_default_active - 1);
    EXPECT(n, "num_ref_idx_l1_default_active_minus1", pps->num_ref_idx_l1_default_active - 1);
    EXPECT(n, "weighted_pred_flag", pps->weighted_pred);
    EXPECT(n, "weighted_bipred_idc", pps->weighted_bipred_idc);
    EXPECT(n, "pic_init_qp_minus26", d->qp - 26);
    EXPECT(n, "chroma_qp_index_offset", pps->chroma_qp_index_offset);
    EXPECT(n, "deblocking_filter_control_present_flag", pps->deblocking_filter_control_present);
    EXPECT(n, "constrained_intra_pred_flag", pps->constrained_intra_pred);
}

/* The operations of both lists share names: list 1's follow list 0's and
 * its end marker (idc 3). Only idc 0 and 1 are written (hwenc keeps no
 * long-term references), whose value is abs_diff_pic_num_minus1. */
static void check_ref_list_ops(nal_view n, const char *flag, int first_idc, int first_value,
                               const h264_ref_list_op *ops, int count)
{
    EXPECT(n, flag, count > 0);
    for (int i = 0; i < count; i++) {
        FUZZ_REQUIRE(value_of(n, "modification_of_pic_nums_idc", first_idc + i) == ops[i].modification_of_pic_nums_idc,
                     "%s: operation %d", flag, i);
        FUZZ_REQUIRE(value_of(n, "abs_diff_pic_num_minus1", first_value + i) == ops[i].value, "%s: value %d", flag, i);
    }
    if (count)
        FUZZ_REQUIRE(value_of(n, "modification_of_pic_nums_idc", first_idc + count) == 3, "%s: no end", flag);
}

static void check_slice(nal_view n, const h264_sps *sps, const h264_pps *pps, const h264_slice_header *sh)
{
    EXPECT(n, "nal_ref_idc", sh->nal_ref_idc);
    EXPECT(n, "nal_unit_type", sh->nal_unit_type);
    EXPECT(n, "first_mb_in_slice", sh->first_mb);
    EXPECT(n, "slice_type", sh->slice_type);
    EXPECT(n, "pic_parameter_set_id", pps->pps_id);
    EXPECT(n, "frame_num", sh->frame_num);
    if (sh->nal_unit_type == H264_NAL_IDR_SLICE)
        EXPECT(n, "idr_pic_id", sh->idr_pic_id);
    if (sps->poc_type == 0)
        EXPECT(n, "pic_order_cnt_lsb", sh->poc_lsb);
    if (sh->slice_type == H264_SLICE_B)
        EXPECT(n, "direct_spatial_mv_pred_flag", sh->direct_spatial_mv_pred);
    if (sh->slice_type != H264_SLICE_I) {
        EXPECT(n, "num_ref_idx_active_override_flag", sh->num_ref_idx_active_override);
        if (sh->num_ref_idx_active_override) {
            EXPECT(n, "num_ref_idx_l0_active_minus1", sh->num_ref_idx_l0_active - 1);
            if (sh->slice_type == H264_SLICE_B)
                EXPECT(n, "num_ref_idx_l1_active_minus1", sh->num_ref_idx_l1_active - 1);
        }
        const int l0 = sh->num_ref_list_ops;
        check_ref_list_ops(n, "ref_pic_list_modification_flag_l0", 0, 0, sh->ref_list_ops, l0);
        if (sh->slice_type == H264_SLICE_B)
            check_ref_list_ops(n, "ref_pic_list_modification_flag_l1", l0 + (l0 > 0), l0, sh->ref_list_ops_l1,
                               sh->num_ref_list_ops_l1);
    }
    if (sh->nal_ref_idc && sh->nal_unit_type == H264_NAL_IDR_SLICE) {
        EXPECT(n, "no_output_of_prior_pics_flag", sh->no_output_of_prior_pics);
        EXPECT(n, "long_term_reference_flag", sh->long_term_reference);
    } else if (sh->nal_ref_idc) {
        EXPECT(n, "adaptive_ref_pic_marking_mode_flag", 0);
    }
    EXPECT(n, "slice_qp_delta", sh->slice_qp - pps->pic_init_qp);
    if (pps->deblocking_filter_control_present) {
        EXPECT(n, "disable_deblocking_filter_idc", sh->disable_deblocking_filter_idc);
        if (sh->disable_deblocking_filter_idc != 1) {
            EXPECT(n, "slice_alpha_c0_offset_div2", sh->slice_alpha_c0_offset_div2);
            EXPECT(n, "slice_beta_offset_div2", sh->slice_beta_offset_div2);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    h264_stream_desc d;
    h264_sps sps;
    h264_pps pps;
    char err[512] = "";
    fuzz_desc(&in, &d);
    if (h264_stream_init(&d, &sps, &pps, err, sizeof(err)) < 0) {
        /* Only what no level holds is refused. */
        FUZZ_REQUIRE(strstr(err, "exceeds every H.264 level"), "refused: %s", err);
        return 0;
    }
    h264_slice_header sh;
    fuzz_slice(&in, &sps, &pps, d.bframes, &sh);

    static uint8_t nals[4096];
    size_t n = h264_write_parameter_sets(nals, sizeof(nals), &sps, &pps);
    FUZZ_REQUIRE(n > 0, "the parameter sets do not fit %zu bytes", sizeof(nals));
    uint8_t rbsp[1024];
    h264_bitstream bs;
    bs_init(&bs, rbsp, sizeof(rbsp));
    h264_write_slice_header(&bs, &sps, &pps, &sh);
    /* One bit of slice data: libavcodec's reader wants some after the
     * header, and does not look into it. */
    bs_write_flag(&bs, 1);
    bs_write_rbsp_trailing(&bs);
    size_t rbsp_size = bs_flush(&bs);
    FUZZ_REQUIRE(!bs.overflow, "slice header overflow");
    size_t slice = h264_write_nal(nals + n, sizeof(nals) - n, sh.nal_ref_idc, sh.nal_unit_type, rbsp, rbsp_size);
    FUZZ_REQUIRE(slice > 0, "slice NAL does not fit");

    FUZZ_REQUIRE(read_back(nals, n + slice) == 0, "libavcodec refuses what was written: %s", trace.error);
    nal_view units[3];
    FUZZ_REQUIRE(find_nals(units, 3) == 3, "libavcodec read %d NAL units, not 3", find_nals(units, 3));
    check_sps(units[0], &d, &sps);
    check_pps(units[1], &d, &pps);
    check_slice(units[2], &sps, &pps, &sh);
    return 0;
}
