/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Capture software's case: one program linking the static libhwenc.a beside
 * the static libx264.a and libavcodec.a (tests/symbols/test_static_link.sh
 * links it). It encodes the same frames with hwenc's CPU backend and with
 * x264, and decodes both streams with libavcodec. The program also defines
 * functions under names the library uses internally: with hwenc's internal
 * symbols global, the link fails on them or, worse, the library calls these
 * instead of its own and the program aborts.
 *
 * x264 is GPL: it is linked into this test program only, never into hwenc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwenc/hwenc.h>
#include <libavcodec/avcodec.h>
#include <x264.h>

#define WIDTH 64
#define HEIGHT 48
#define FRAMES 6

/* Names of internal functions of hwenc (cpu_fallback/dsp/cpu.h,
 * hw/h264/bitstream.h, cpu_fallback/dsp/pixel.h) that another library could
 * well define too. */
uint32_t cpu_detect(void);
void bs_init(void *bs, uint8_t *buf, size_t capacity);
void pixel_dsp_init(void *dsp, uint32_t cpu_flags);

uint32_t cpu_detect(void)
{
    fprintf(stderr, "static_link: hwenc called the program's cpu_detect()\n");
    abort();
}

void bs_init(void *bs, uint8_t *buf, size_t capacity)
{
    (void)bs, (void)buf, (void)capacity;
    fprintf(stderr, "static_link: hwenc called the program's bs_init()\n");
    abort();
}

void pixel_dsp_init(void *dsp, uint32_t cpu_flags)
{
    (void)dsp, (void)cpu_flags;
    fprintf(stderr, "static_link: hwenc called the program's pixel_dsp_init()\n");
    abort();
}

typedef struct stream {
    uint8_t *data;
    size_t size;
} stream;

static int append(stream *s, const uint8_t *data, size_t size)
{
    uint8_t *grown = realloc(s->data, s->size + size);
    if (!grown)
        return -1;
    memcpy(grown + s->size, data, size);
    s->data = grown;
    s->size += size;
    return 0;
}

/* A moving gradient, so P frames have motion to code. */
static void make_frame(uint8_t *y, uint8_t *u, uint8_t *v, int n)
{
    for (int row = 0; row < HEIGHT; row++)
        for (int col = 0; col < WIDTH; col++)
            y[row * WIDTH + col] = (uint8_t)(16 + (row * 3 + col * 2 + n * 4) % 200);
    memset(u, 100 + n, WIDTH / 2 * HEIGHT / 2);
    memset(v, 140 - n, WIDTH / 2 * HEIGHT / 2);
}

static int drain_hwenc(hwenc_encoder *enc, stream *out)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(enc, &pkt)) == 0)
        if (append(out, pkt.data, pkt.size) < 0)
            return -1;
    return ret == HWENC_EAGAIN || ret == HWENC_EOF ? 0 : ret;
}

static int encode_hwenc(stream *out)
{
    static uint8_t y[WIDTH * HEIGHT], u[WIDTH * HEIGHT / 4], v[WIDTH * HEIGHT / 4];
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = WIDTH;
    cfg.height = HEIGHT;
    hwenc_encoder *enc;
    int ret = hwenc_open(&cfg, &enc);
    if (ret < 0) {
        fprintf(stderr, "static_link: hwenc_open: %s\n", hwenc_error_string(ret));
        return -1;
    }
    for (int n = 0; n <= FRAMES && ret == 0; n++) {
        make_frame(y, u, v, n);
        hwenc_frame f = { .plane = { y, u, v }, .stride = { WIDTH, WIDTH / 2, WIDTH / 2 }, .pts = n };
        ret = hwenc_send_frame(enc, n < FRAMES ? &f : NULL);
        if (ret == 0)
            ret = drain_hwenc(enc, out);
    }
    if (ret < 0)
        fprintf(stderr, "static_link: hwenc: %s: %s\n", hwenc_error_string(ret), hwenc_last_error(enc));
    hwenc_close(enc);
    return ret;
}

static int append_nals(stream *out, const x264_nal_t *nal, int count)
{
    for (int i = 0; i < count; i++)
        if (append(out, nal[i].p_payload, (size_t)nal[i].i_payload) < 0)
            return -1;
    return 0;
}

static int encode_x264(stream *out)
{
    x264_param_t param;
    if (x264_param_default_preset(&param, "ultrafast", NULL) < 0)
        return -1;
    param.i_width = WIDTH;
    param.i_height = HEIGHT;
    param.i_csp = X264_CSP_I420;
    param.i_threads = 1;
    param.i_log_level = X264_LOG_ERROR;
    param.b_annexb = 1;
    x264_t *enc = x264_encoder_open(&param);
    if (!enc)
        return -1;
    x264_picture_t pic, pic_out;
    x264_nal_t *nal;
    int nal_count, ret = x264_picture_alloc(&pic, X264_CSP_I420, WIDTH, HEIGHT);
    for (int n = 0; n < FRAMES && ret >= 0; n++) {
        make_frame(pic.img.plane[0], pic.img.plane[1], pic.img.plane[2], n);
        pic.i_pts = n;
        ret = x264_encoder_encode(enc, &nal, &nal_count, &pic, &pic_out);
        if (ret > 0)
            ret = append_nals(out, nal, nal_count);
    }
    while (ret >= 0 && x264_encoder_delayed_frames(enc) > 0) {
        ret = x264_encoder_encode(enc, &nal, &nal_count, NULL, &pic_out);
        if (ret > 0)
            ret = append_nals(out, nal, nal_count);
    }
    if (pic.img.plane[0])
        x264_picture_clean(&pic);
    x264_encoder_close(enc);
    return ret < 0 ? -1 : 0;
}

static int receive_frames(AVCodecContext *ctx, AVFrame *frame, int *decoded)
{
    int ret;
    while ((ret = avcodec_receive_frame(ctx, frame)) == 0) {
        if (frame->width != WIDTH || frame->height != HEIGHT)
            return AVERROR_INVALIDDATA;
        (*decoded)++;
    }
    return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

/* The number of pictures libavcodec decodes from an Annex B stream, or a
 * negative AVERROR. */
static int decode(const stream *s)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
    AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int decoded = 0, ret = AVERROR(ENOMEM);
    if (!ctx || !parser || !pkt || !frame)
        goto end;
    ctx->err_recognition = AV_EF_EXPLODE;
    if ((ret = avcodec_open2(ctx, codec, NULL)) < 0)
        goto end;
    const uint8_t *data = s->data;
    size_t left = s->size;
    /* One last call with no data flushes the parser's final picture. */
    for (int flushing = 0; ret >= 0 && !flushing;) {
        flushing = left == 0;
        int used = av_parser_parse2(parser, ctx, &pkt->data, &pkt->size, data, (int)left, AV_NOPTS_VALUE,
                                    AV_NOPTS_VALUE, 0);
        data += used;
        left -= (size_t)used;
        if (pkt->size > 0 && (ret = avcodec_send_packet(ctx, pkt)) >= 0)
            ret = receive_frames(ctx, frame, &decoded);
    }
    if (ret >= 0 && (ret = avcodec_send_packet(ctx, NULL)) >= 0)
        ret = receive_frames(ctx, frame, &decoded);
end:
    av_frame_free(&frame);
    av_packet_free(&pkt);
    av_parser_close(parser);
    avcodec_free_context(&ctx);
    return ret < 0 ? ret : decoded;
}

int main(void)
{
    stream hw = { 0 }, x = { 0 };
    int failed = 0;
    if (encode_hwenc(&hw) < 0 || !hw.size) {
        fprintf(stderr, "static_link: the hwenc encode failed\n");
        failed++;
    }
    if (encode_x264(&x) < 0 || !x.size) {
        fprintf(stderr, "static_link: the x264 encode failed\n");
        failed++;
    }
    int hw_frames = decode(&hw), x_frames = decode(&x);
    if (hw_frames != FRAMES || x_frames != FRAMES) {
        fprintf(stderr, "static_link: libavcodec decoded %d of hwenc's and %d of x264's %d frames\n", hw_frames,
                x_frames, FRAMES);
        failed++;
    }
    printf("hwenc %u (%zu bytes), x264 build %d (%zu bytes), libavcodec %s: %d and %d frames decoded\n",
           hwenc_version(), hw.size, X264_BUILD, x.size, av_version_info(), hw_frames, x_frames);
    free(hw.data);
    free(x.data);
    printf("%d passed, %d failed\n", 3 - failed, failed);
    return failed ? 1 : 0;
}
