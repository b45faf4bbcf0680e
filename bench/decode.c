/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "bench/decode.h"

typedef struct decoder {
    AVCodecContext *avctx;
    AVCodecParserContext *parser;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws; /* only for pictures that are not 8-bit 4:2:0 */
    uint8_t *conv[4];
    int conv_linesize[4];
    decode_picture_fn fn;
    void *opaque;
    int pictures;
    char *err;
    size_t err_size;
} decoder;

static int av_fail(decoder *d, const char *what, int ret)
{
    char msg[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(ret, msg, sizeof(msg));
    snprintf(d->err, d->err_size, "libavcodec %s: %s", what, msg);
    return -1;
}

static int emit_frame(decoder *d, const AVFrame *f)
{
    const uint8_t *plane[3];
    ptrdiff_t stride[3];

    if (f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_YUVJ420P) {
        for (int i = 0; i < 3; i++) {
            plane[i] = f->data[i];
            stride[i] = f->linesize[i];
        }
    } else {
        d->sws = sws_getCachedContext(d->sws, f->width, f->height, f->format, f->width, f->height,
                                      AV_PIX_FMT_YUV420P, SWS_POINT, NULL, NULL, NULL);
        if (!d->sws) {
            snprintf(d->err, d->err_size, "cannot convert decoded %s pictures",
                     av_get_pix_fmt_name(f->format));
            return -1;
        }
        if (!d->conv[0] &&
            av_image_alloc(d->conv, d->conv_linesize, f->width, f->height, AV_PIX_FMT_YUV420P, 32) < 0)
            return av_fail(d, "image allocation", AVERROR(ENOMEM));
        sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, d->conv,
                  d->conv_linesize);
        for (int i = 0; i < 3; i++) {
            plane[i] = d->conv[i];
            stride[i] = d->conv_linesize[i];
        }
    }
    d->pictures++;
    return d->fn(d->opaque, plane, stride, f->width, f->height);
}

/* Sends one packet (NULL drains) and hands every picture that comes out. */
static int decode_packet(decoder *d, const AVPacket *pkt)
{
    int ret = avcodec_send_packet(d->avctx, pkt);
    if (ret < 0 && ret != AVERROR_EOF)
        return av_fail(d, "send_packet", ret);
    for (;;) {
        ret = avcodec_receive_frame(d->avctx, d->frame);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return av_fail(d, "receive_frame", ret);
        ret = emit_frame(d, d->frame);
        av_frame_unref(d->frame);
        if (ret < 0)
            return ret;
    }
}

static int decode_all(decoder *d, const uint8_t *buf, size_t size)
{
    int ret;
    while (size > 0) {
        int chunk = size > (1 << 20) ? 1 << 20 : (int)size;
        int used = av_parser_parse2(d->parser, d->avctx, &d->pkt->data, &d->pkt->size, buf, chunk,
                                    AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        if (used < 0)
            return av_fail(d, "parser", used);
        buf += used;
        size -= (size_t)used;
        if (d->pkt->size > 0 && (ret = decode_packet(d, d->pkt)) < 0)
            return ret;
    }
    /* An empty parse pushes out the last access unit the parser holds. */
    av_parser_parse2(d->parser, d->avctx, &d->pkt->data, &d->pkt->size, NULL, 0, AV_NOPTS_VALUE,
                     AV_NOPTS_VALUE, 0);
    if (d->pkt->size > 0 && (ret = decode_packet(d, d->pkt)) < 0)
        return ret;
    return decode_packet(d, NULL);
}

int decode_h264_stream(const uint8_t *data, size_t size, decode_picture_fn fn, void *opaque,
                       char *err, size_t err_size)
{
    decoder d = { .fn = fn, .opaque = opaque, .err = err, .err_size = err_size };
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    uint8_t *padded = NULL;
    int ret = -1;

    err[0] = 0;
    if (!codec) {
        snprintf(err, err_size, "libavcodec has no H.264 decoder");
        return -1;
    }
    d.avctx = avcodec_alloc_context3(codec);
    d.parser = av_parser_init(AV_CODEC_ID_H264);
    d.pkt = av_packet_alloc();
    d.frame = av_frame_alloc();
    /* The parser may read up to the padding size past the end. */
    padded = calloc(1, size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!d.avctx || !d.parser || !d.pkt || !d.frame || !padded) {
        snprintf(err, err_size, "out of memory");
        goto done;
    }
    memcpy(padded, data, size);
    d.avctx->thread_count = 0;
    ret = avcodec_open2(d.avctx, codec, NULL);
    if (ret < 0) {
        ret = av_fail(&d, "open", ret);
        goto done;
    }
    ret = decode_all(&d, padded, size);
    if (ret >= 0)
        ret = d.pictures;
done:
    free(padded);
    av_freep(&d.conv[0]);
    sws_freeContext(d.sws);
    av_frame_free(&d.frame);
    av_packet_free(&d.pkt);
    av_parser_close(d.parser);
    avcodec_free_context(&d.avctx);
    return ret;
}
