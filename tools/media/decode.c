/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AV_EF_EXPLODE does not cover everything: the h264 decoder logs a broken
 * slice header ("decode_slice_header error") and skips the slice without
 * returning an error. So a log callback also records the first message of
 * level AV_LOG_ERROR or worse that our decoder context emits, and that fails
 * the decode too. The callback is process-wide (libavutil has only one); it
 * finds the per-call state through AVCodecContext.opaque and forwards every
 * message to the default callback, but for a quiet decode's own.
 */
#include "tools/media/decode.h"
#include "tools/media/set_err.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/motion_vector.h>
#include <libavutil/pixdesc.h>
#include <libavutil/pixfmt.h>

typedef struct decode_state {
    AVCodecParserContext *parser;
    AVCodecContext *ctx;
    AVPacket *pkt;
    AVFrame *frame;
    const media_decode_options *opt;
    media_picture_fn fn;
    void *opaque;
    int pictures;
    int width, height;
    int access_units;  /* non-empty packets the parser produced */
    int stopped;       /* the callback's negative value */
    char *err;
    size_t err_size;
    char log_error[256]; /* first error-level message libavcodec logged */
} decode_state;

static void log_callback(void *avcl, int level, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    decode_state *s = NULL;
    if (avcl && *(const AVClass *const *)avcl == avcodec_get_class()) {
        const AVCodecContext *ctx = avcl;
        s = ctx->opaque;
        if (s && s->ctx != ctx)
            s = NULL;
    }
    if (s && level <= AV_LOG_ERROR && !s->log_error[0]) {
        vsnprintf(s->log_error, sizeof(s->log_error), fmt, copy);
        s->log_error[strcspn(s->log_error, "\n")] = '\0';
    }
    va_end(copy);
    if (!s || !s->opt->quiet)
        av_log_default_callback(avcl, level, fmt, ap);
}

static void install_log_callback(void)
{
    av_log_set_callback(log_callback);
}

static const char *averr(int e, char *buf, size_t size)
{
    av_strerror(e, buf, size);
    return buf;
}

/* Counts the picture's exported vectors; a block of w x h centred at
 * (src_x, src_y) in the reference reaches outside the picture when any
 * edge crosses it. */
static void count_motion_vectors(const AVFrame *f, media_picture *pic)
{
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_MOTION_VECTORS);
    if (!sd)
        return;
    const AVMotionVector *mv = (const AVMotionVector *)sd->data;
    const size_t n = sd->size / sizeof(*mv);
    for (size_t i = 0; i < n; i++) {
        const int x0 = mv[i].src_x - mv[i].w / 2, y0 = mv[i].src_y - mv[i].h / 2;
        pic->mv_count++;
        pic->mv_outside += x0 < 0 || y0 < 0 || x0 + mv[i].w > f->width || y0 + mv[i].h > f->height;
    }
}

/* Checks one decoded AVFrame and hands it to the callback. */
static int emit_picture(decode_state *s, const AVFrame *f)
{
    const int n = s->pictures;
    if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P) {
        const char *name = av_get_pix_fmt_name((enum AVPixelFormat)f->format);
        media_set_err(s->err, s->err_size, "frame %d: unexpected pixel format %s (want 8-bit 4:2:0)", n,
                name ? name : "unknown");
        return -1;
    }
    if (f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT)) {
        media_set_err(s->err, s->err_size, "frame %d: decoder flagged the picture as corrupt (decode_error_flags 0x%x)", n,
                (unsigned)f->decode_error_flags);
        return -1;
    }
    if (f->width <= 0 || f->height <= 0 || (f->width & 1) || (f->height & 1)) {
        media_set_err(s->err, s->err_size, "frame %d: unusable output size %dx%d", n, f->width, f->height);
        return -1;
    }
    if (n == 0) {
        s->width = f->width;
        s->height = f->height;
    } else if (f->width != s->width || f->height != s->height) {
        media_set_err(s->err, s->err_size, "frame %d: size changed from %dx%d to %dx%d", n, s->width, s->height, f->width,
                f->height);
        return -1;
    }
    media_picture pic = {
        .width = f->width,
        .height = f->height,
        .index = n,
        .key_frame = f->key_frame,
        .pict_type = av_get_picture_type_char(f->pict_type),
        .full_range = f->format == AV_PIX_FMT_YUVJ420P || f->color_range == AVCOL_RANGE_JPEG,
    };
    for (int p = 0; p < 3; p++) {
        pic.plane[p] = f->data[p];
        pic.stride[p] = f->linesize[p];
    }
    count_motion_vectors(f, &pic);
    s->pictures++;
    int ret = s->fn(s->opaque, &pic);
    if (ret < 0)
        s->stopped = ret;
    return ret < 0 ? -1 : 0;
}

/* Sends one packet (NULL drains) and hands on every picture it releases. */
static int decode_packet(decode_state *s, const AVPacket *pkt)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    int ret = avcodec_send_packet(s->ctx, pkt);
    if (ret < 0) {
        media_set_err(s->err, s->err_size, "decode error in access unit %d: %s (%s)", s->access_units - 1,
                averr(ret, buf, sizeof(buf)), s->log_error);
        return -1;
    }
    for (;;) {
        ret = avcodec_receive_frame(s->ctx, s->frame);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0) {
            media_set_err(s->err, s->err_size, "decode error after access unit %d: %s (%s)", s->access_units - 1,
                    averr(ret, buf, sizeof(buf)), s->log_error);
            return -1;
        }
        ret = emit_picture(s, s->frame);
        av_frame_unref(s->frame);
        if (ret < 0)
            return -1;
    }
}

/* Runs the parser over data (NULL/0 flushes it) and decodes what it emits. */
static int parse_and_decode(decode_state *s, const uint8_t *data, size_t size)
{
    const int flushing = size == 0;
    do {
        uint8_t *au = NULL;
        int au_size = 0;
        const int chunk = size > INT32_MAX / 2 ? INT32_MAX / 2 : (int)size;
        const int used = av_parser_parse2(s->parser, s->ctx, &au, &au_size, data, chunk, AV_NOPTS_VALUE,
                                          AV_NOPTS_VALUE, 0);
        if (used < 0) {
            media_set_err(s->err, s->err_size, "H.264 parser failed");
            return -1;
        }
        /* The flush passes NULL, which must not be offset even by 0. */
        if (used) {
            data += used;
            size -= (size_t)used;
        }
        if (au_size > 0) {
            s->pkt->data = au;
            s->pkt->size = au_size;
            s->access_units++;
            if (decode_packet(s, s->pkt) < 0)
                return -1;
        } else if (flushing) {
            break;
        }
    } while (size > 0 || flushing);
    return 0;
}

static int decode_all(decode_state *s, const uint8_t *padded, size_t size)
{
    if (size && parse_and_decode(s, padded, size) < 0)
        return -1;
    if (parse_and_decode(s, NULL, 0) < 0 || decode_packet(s, NULL) < 0)
        return -1;
    if (s->log_error[0]) {
        media_set_err(s->err, s->err_size, "libavcodec reported an error: %s", s->log_error);
        return -1;
    }
    if (s->pictures == 0) {
        media_set_err(s->err, s->err_size, "no picture decoded from %zu bytes (%d access units)", size, s->access_units);
        return -1;
    }
    if (s->pictures != s->access_units) {
        media_set_err(s->err, s->err_size, "decoder output %d pictures from %d access units", s->pictures,
                s->access_units);
        return -1;
    }
    return s->pictures;
}

int media_decode_h264(const uint8_t *data, size_t size, const media_decode_options *opt, media_picture_fn fn,
                      void *opaque, char *err, size_t err_size)
{
    static const media_decode_options defaults = { 0 };
    char buf[AV_ERROR_MAX_STRING_SIZE];
    decode_state s = { .opt = opt ? opt : &defaults, .fn = fn, .opaque = opaque, .err = err, .err_size = err_size };
    uint8_t *padded = NULL;
    int ret = -1;

    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec) {
        media_set_err(err, err_size, "libavcodec has no H.264 decoder");
        return -1;
    }
    s.parser = av_parser_init(AV_CODEC_ID_H264);
    s.ctx = avcodec_alloc_context3(codec);
    s.pkt = av_packet_alloc();
    s.frame = av_frame_alloc();
    /* The parser may read past the end of its input: give it zeroed padding. */
    padded = calloc(1, size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!s.parser || !s.ctx || !s.pkt || !s.frame || !padded) {
        media_set_err(err, err_size, "out of memory setting up the decoder");
        goto done;
    }
    if (size)
        memcpy(padded, data, size);
    {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, install_log_callback);
    }
    s.ctx->opaque = &s;
    s.ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_COMPLIANT;
    /* Output damaged pictures instead of hiding them; emit_picture rejects
     * anything flagged corrupt with a precise message. */
    s.ctx->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    if (s.opt->export_mvs)
        s.ctx->flags2 |= AV_CODEC_FLAG2_EXPORT_MVS;
    s.ctx->thread_count = 1;
    if ((ret = avcodec_open2(s.ctx, codec, NULL)) < 0) {
        media_set_err(err, err_size, "cannot open the H.264 decoder: %s", averr(ret, buf, sizeof(buf)));
        ret = -1;
        goto done;
    }
    ret = decode_all(&s, padded, size);
    if (ret < 0 && s.stopped)
        ret = s.stopped;
done:
    free(padded);
    av_frame_free(&s.frame);
    av_packet_free(&s.pkt);
    avcodec_free_context(&s.ctx);
    if (s.parser)
        av_parser_close(s.parser);
    return ret;
}
