/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * libavcodec-based H.264 decoding for the tests. Single-threaded on purpose:
 * frame threading delays error reports and makes them harder to attribute
 * to an access unit.
 *
 * AV_EF_EXPLODE does not cover everything: the h264 decoder logs a broken
 * slice header ("decode_slice_header error") and skips the slice without
 * returning an error. So a log callback also records the first message of
 * level AV_LOG_ERROR or worse that our decoder context emits, and that fails
 * the decode too. The callback is process-wide (libavutil has only one); it
 * finds the per-call state through AVCodecContext.opaque and forwards every
 * message to the default callback.
 */
#include "avdecode.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
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
    decoded_video *out;
    int capacity;      /* allocated entries of out->frames */
    int access_units;  /* non-empty packets the parser produced */
    char *err;
    size_t err_size;
    char log_error[256]; /* first error-level message libavcodec logged */
} decode_state;

static void set_err(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || !err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

static void log_callback(void *avcl, int level, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    if (level <= AV_LOG_ERROR && avcl && *(const AVClass *const *)avcl == avcodec_get_class()) {
        const AVCodecContext *ctx = avcl;
        decode_state *s = ctx->opaque;
        if (s && s->ctx == ctx && !s->log_error[0]) {
            vsnprintf(s->log_error, sizeof(s->log_error), fmt, copy);
            s->log_error[strcspn(s->log_error, "\n")] = '\0';
        }
    }
    va_end(copy);
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

void decoded_video_free(decoded_video *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->frame_count; i++)
        free(v->frames[i]);
    free(v->frames);
    memset(v, 0, sizeof(*v));
}

/* Copies one decoded AVFrame into a new tightly packed I420 buffer. */
static int store_frame(decode_state *s, const AVFrame *f)
{
    decoded_video *out = s->out;
    const int n = out->frame_count;

    if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P) {
        const char *name = av_get_pix_fmt_name((enum AVPixelFormat)f->format);
        set_err(s->err, s->err_size, "frame %d: unexpected pixel format %s (want 8-bit 4:2:0)",
                n, name ? name : "unknown");
        return -1;
    }
    if (f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT)) {
        set_err(s->err, s->err_size, "frame %d: decoder flagged the picture as corrupt "
                "(decode_error_flags 0x%x)", n, (unsigned)f->decode_error_flags);
        return -1;
    }
    if (f->width <= 0 || f->height <= 0 || (f->width & 1) || (f->height & 1)) {
        set_err(s->err, s->err_size, "frame %d: unusable output size %dx%d", n, f->width, f->height);
        return -1;
    }
    if (n == 0) {
        out->width = f->width;
        out->height = f->height;
        out->full_range = f->format == AV_PIX_FMT_YUVJ420P || f->color_range == AVCOL_RANGE_JPEG;
    } else if (f->width != out->width || f->height != out->height) {
        set_err(s->err, s->err_size, "frame %d: size changed from %dx%d to %dx%d",
                n, out->width, out->height, f->width, f->height);
        return -1;
    }
    if (n == s->capacity) {
        const int cap = s->capacity ? s->capacity * 2 : 16;
        uint8_t **frames = realloc(out->frames, (size_t)cap * sizeof(*frames));
        if (!frames) {
            set_err(s->err, s->err_size, "out of memory");
            return -1;
        }
        out->frames = frames;
        s->capacity = cap;
    }
    const size_t w = (size_t)f->width, h = (size_t)f->height;
    uint8_t *dst = malloc(w * h * 3 / 2);
    if (!dst) {
        set_err(s->err, s->err_size, "out of memory");
        return -1;
    }
    uint8_t *d = dst;
    for (int p = 0; p < 3; p++) {
        const size_t pw = p ? w / 2 : w, ph = p ? h / 2 : h;
        for (size_t y = 0; y < ph; y++, d += pw)
            memcpy(d, f->data[p] + (ptrdiff_t)y * f->linesize[p], pw);
    }
    out->frames[n] = dst;
    out->frame_count = n + 1;
    return 0;
}

/* Counts the picture's exported vectors; a block of w x h centred at
 * (src_x, src_y) in the reference reaches outside the picture when any
 * edge crosses it. */
static void count_motion_vectors(decoded_video *out, const AVFrame *f)
{
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_MOTION_VECTORS);
    if (!sd)
        return;
    const AVMotionVector *mv = (const AVMotionVector *)sd->data;
    const size_t n = sd->size / sizeof(*mv);
    for (size_t i = 0; i < n; i++) {
        const int x0 = mv[i].src_x - mv[i].w / 2, y0 = mv[i].src_y - mv[i].h / 2;
        out->mv_count++;
        out->mv_outside += x0 < 0 || y0 < 0 || x0 + mv[i].w > f->width || y0 + mv[i].h > f->height;
    }
}

/* Sends one packet (NULL drains) and collects every picture it releases. */
static int decode_packet(decode_state *s, const AVPacket *pkt)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    int ret = avcodec_send_packet(s->ctx, pkt);
    if (ret < 0) {
        set_err(s->err, s->err_size, "decode error in access unit %d: %s (%s)",
                s->access_units - 1, averr(ret, buf, sizeof(buf)), s->log_error);
        return -1;
    }
    for (;;) {
        ret = avcodec_receive_frame(s->ctx, s->frame);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0) {
            set_err(s->err, s->err_size, "decode error after access unit %d: %s (%s)",
                    s->access_units - 1, averr(ret, buf, sizeof(buf)), s->log_error);
            return -1;
        }
        ret = store_frame(s, s->frame);
        count_motion_vectors(s->out, s->frame);
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
        const int used = av_parser_parse2(s->parser, s->ctx, &au, &au_size, data, chunk,
                                          AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        if (used < 0) {
            set_err(s->err, s->err_size, "H.264 parser failed");
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

int avdecode_h264(const uint8_t *data, size_t size, decoded_video *out, char *err, size_t err_size)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    decode_state s = { .out = out, .err = err, .err_size = err_size };
    uint8_t *padded = NULL;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec) {
        set_err(err, err_size, "libavcodec has no H.264 decoder");
        return -1;
    }
    s.parser = av_parser_init(AV_CODEC_ID_H264);
    s.ctx = avcodec_alloc_context3(codec);
    s.pkt = av_packet_alloc();
    s.frame = av_frame_alloc();
    /* The parser may read past the end of its input: give it zeroed padding. */
    padded = calloc(1, size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!s.parser || !s.ctx || !s.pkt || !s.frame || !padded) {
        set_err(err, err_size, "out of memory setting up the decoder");
        goto fail;
    }
    if (size)
        memcpy(padded, data, size);
    {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, install_log_callback);
    }
    s.ctx->opaque = &s;
    s.ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM |
                             AV_EF_BUFFER | AV_EF_COMPLIANT;
    /* Output damaged pictures instead of hiding them; store_frame rejects
     * anything flagged corrupt with a precise message. */
    s.ctx->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    s.ctx->flags2 |= AV_CODEC_FLAG2_EXPORT_MVS;
    s.ctx->thread_count = 1;
    ret = avcodec_open2(s.ctx, codec, NULL);
    if (ret < 0) {
        set_err(err, err_size, "cannot open the H.264 decoder: %s", averr(ret, buf, sizeof(buf)));
        goto fail;
    }
    ret = -1;
    if (size && parse_and_decode(&s, padded, size) < 0)
        goto fail;
    if (parse_and_decode(&s, NULL, 0) < 0 || decode_packet(&s, NULL) < 0)
        goto fail;
    if (s.log_error[0]) {
        set_err(err, err_size, "libavcodec reported an error: %s", s.log_error);
        goto fail;
    }
    if (out->frame_count == 0) {
        set_err(err, err_size, "no picture decoded from %zu bytes (%d access units)",
                size, s.access_units);
        goto fail;
    }
    if (out->frame_count != s.access_units) {
        set_err(err, err_size, "decoder output %d pictures from %d access units",
                out->frame_count, s.access_units);
        goto fail;
    }
    ret = 0;

fail:
    if (ret < 0)
        decoded_video_free(out);
    free(padded);
    av_frame_free(&s.frame);
    av_packet_free(&s.pkt);
    avcodec_free_context(&s.ctx);
    if (s.parser)
        av_parser_close(s.parser);
    return ret;
}

int avdecode_h264_file(const char *path, decoded_video *out, char *err, size_t err_size)
{
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;
    int ret = -1;
    FILE *f = fopen(path, "rb");

    memset(out, 0, sizeof(*out));
    if (!f) {
        set_err(err, err_size, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (size == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *grown = realloc(data, cap);
            if (!grown) {
                set_err(err, err_size, "out of memory reading '%s'", path);
                goto fail;
            }
            data = grown;
        }
        const size_t got = fread(data + size, 1, cap - size, f);
        size += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        set_err(err, err_size, "read error on '%s'", path);
        goto fail;
    }
    ret = avdecode_h264(data, size, out, err, err_size);

fail:
    fclose(f);
    free(data);
    return ret;
}

int64_t i420_compare(const uint8_t *packed, const uint8_t *const plane[3], const ptrdiff_t stride[3],
                     int width, int height, int *where_plane, int *where_x, int *where_y)
{
    int64_t offset = 0;
    for (int p = 0; p < 3; p++) {
        const int pw = p ? width / 2 : width, ph = p ? height / 2 : height;
        for (int y = 0; y < ph; y++, packed += pw, offset += pw) {
            const uint8_t *row = plane[p] + (ptrdiff_t)y * stride[p];
            if (!memcmp(packed, row, (size_t)pw))
                continue;
            int x = 0;
            while (packed[x] == row[x])
                x++;
            if (where_plane)
                *where_plane = p;
            if (where_x)
                *where_x = x;
            if (where_y)
                *where_y = y;
            return offset + x;
        }
    }
    return -1;
}

int64_t decoded_video_compare(const decoded_video *v, int i, const uint8_t *const plane[3],
                              const ptrdiff_t stride[3], int *where_plane, int *where_x,
                              int *where_y)
{
    return i420_compare(v->frames[i], plane, stride, v->width, v->height,
                        where_plane, where_x, where_y);
}

static double psnr_from_sse(uint64_t sse, uint64_t count)
{
    if (sse == 0)
        return INFINITY;
    return 10.0 * log10(255.0 * 255.0 * (double)count / (double)sse);
}

double psnr_plane(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b,
                  int w, int h)
{
    uint64_t sse = 0;
    for (int y = 0; y < h; y++, a += stride_a, b += stride_b)
        for (int x = 0; x < w; x++) {
            const int d = a[x] - b[x];
            sse += (uint64_t)(d * d);
        }
    return psnr_from_sse(sse, (uint64_t)w * (uint64_t)h);
}

double psnr_i420(const uint8_t *a, const uint8_t *b, int w, int h)
{
    const uint64_t n = (uint64_t)w * (uint64_t)h * 3 / 2;
    uint64_t sse = 0;
    for (uint64_t i = 0; i < n; i++) {
        const int d = a[i] - b[i];
        sse += (uint64_t)(d * d);
    }
    return psnr_from_sse(sse, n);
}
