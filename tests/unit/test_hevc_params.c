/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The HEVC parameter sets written from a neutral session, read back by
 * libavcodec's HEVC decoder: it parses VPS, SPS and PPS from extradata when
 * it opens and exports the first SPS (profile, level, size after the
 * conformance window, pixel format, and the VPS's frame rate). Where the
 * coded size is not whole 8x8 coding blocks, only a right conformance
 * window gives back the configured size. The expected levels are
 * worked out by hand from Table A.8 of H.265. A truncated SPS must not read
 * back as the same stream, so the test sees what the parser saw.
 */
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/log.h>

#include "tests/common/check.h"
#include "hw/hevc/params.h"

typedef struct stream_case {
    int width, height, fps_num, fps_den;
    int level_idc;                       /* Table A.8, by hand */
} stream_case;

static const stream_case cases[] = {
    { 176, 144, 25, 1, 60 },            /* 633600 samples/s > level 1's 552960 */
    { 1280, 720, 60, 1, 120 },          /* 55296000/s > level 3.1's 33177600 */
    { 1920, 1080, 30, 1, 120 },         /* coded 1088 rows, 8 cropped */
    { 1366, 768, 30000, 1001, 120 },    /* coded 1368 columns; 1049088 > 3.1's 983040 */
    { 3840, 2160, 60, 1, 153 },         /* 497664000/s > level 5's 267386880 */
};

/* Opens the HEVC decoder on the parameter sets; NULL if it refuses. */
static AVCodecContext *open_with(const uint8_t *ps, size_t size)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_HEVC);
    AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
    if (!ctx)
        return NULL;
    ctx->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (ctx->extradata) {
        memcpy(ctx->extradata, ps, size);
        ctx->extradata_size = (int)size;
    }
    if (!ctx->extradata || avcodec_open2(ctx, codec, NULL) < 0)
        avcodec_free_context(&ctx);
    return ctx;
}

static void check_case(tally *t, const stream_case *k)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = k->width;
    cfg.height = k->height;
    cfg.fps_num = k->fps_num;
    cfg.fps_den = k->fps_den;
    hal_session s = { .config = &cfg, .codec = HWENC_CODEC_H264, .dpb_slots = 2, .bframes = 0 };
    uint8_t ps[512];
    char err[256] = "";
    size_t size = hevc_write_parameter_sets(ps, sizeof(ps), &s, err, sizeof(err));
    CHECK(t, size > 0, "%dx%d: %s", k->width, k->height, err);
    CHECK(t, hevc_level_idc(k->width, k->height, k->fps_num, k->fps_den) == k->level_idc, "%dx%d level",
          k->width, k->height);
    AVCodecContext *ctx = size ? open_with(ps, size) : NULL;
    CHECK(t, ctx, "%dx%d: libavcodec refuses the parameter sets", k->width, k->height);
    if (!ctx)
        return;
    CHECK(t, ctx->profile == FF_PROFILE_HEVC_MAIN, "%dx%d: profile %d", k->width, k->height, ctx->profile);
    CHECK(t, ctx->level == k->level_idc, "%dx%d: level %d, not %d", k->width, k->height, ctx->level, k->level_idc);
    CHECK(t, ctx->width == k->width && ctx->height == k->height, "%dx%d read back as %dx%d", k->width, k->height,
          ctx->width, ctx->height);
    /* 4:2:0 at 8 bits in luma and chroma. */
    CHECK(t, ctx->pix_fmt == AV_PIX_FMT_YUV420P, "%dx%d: pixel format %d", k->width, k->height, ctx->pix_fmt);
    CHECK(t, ctx->framerate.num * (int64_t)k->fps_den == (int64_t)k->fps_num * ctx->framerate.den,
          "%dx%d: frame rate %d/%d, not %d/%d", k->width, k->height, ctx->framerate.num, ctx->framerate.den,
          k->fps_num, k->fps_den);
    avcodec_free_context(&ctx);
}

/* The SPS cut short (VPS, half the SPS, PPS) must not read back as the
 * configured stream: the checks above depend on what the parser read. */
static void check_truncated_sps_refused(tally *t)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = 1920;
    cfg.height = 1080;
    hal_session s = { .config = &cfg, .codec = HWENC_CODEC_H264, .dpb_slots = 2 };
    uint8_t ps[512], cut[512];
    char err[256] = "";
    size_t size = hevc_write_parameter_sets(ps, sizeof(ps), &s, err, sizeof(err));
    CHECK(t, size > 0, "%s", err);
    /* The NAL units start at the 00 00 00 01 start codes. */
    size_t start[3], n = 0;
    for (size_t i = 0; i + 3 < size && n < 3; i++)
        if (!ps[i] && !ps[i + 1] && !ps[i + 2] && ps[i + 3] == 1)
            start[n++] = i;
    CHECK(t, n == 3 && (ps[start[1] + 4] >> 1) == HEVC_NAL_SPS, "VPS, SPS, PPS expected");
    if (n != 3)
        return;
    size_t half = start[1] + (start[2] - start[1]) / 2;
    memcpy(cut, ps, half);
    memcpy(cut + half, ps + start[2], size - start[2]);
    AVCodecContext *ctx = open_with(cut, half + size - start[2]);
    CHECK(t, !ctx || ctx->width != 1920 || ctx->height != 1080, "a truncated SPS read back as 1920x1080");
    avcodec_free_context(&ctx);
}

int main(void)
{
    tally t = { .name = "hevc_params" };
    av_log_set_level(AV_LOG_QUIET);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_case(&t, &cases[i]);
    check_truncated_sps_refused(&t);
    printf("hevc_params: %d passed, %d failed\n", t.pass, t.fail);
    return t.fail ? 1 : 0;
}
