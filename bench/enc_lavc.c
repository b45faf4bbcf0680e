/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Any libavcodec H.264 encoder by name: libx264 at its presets, and the
 * hardware ones (h264_nvenc, h264_vaapi), so a backend of this project can be
 * compared with FFmpeg's for the same hardware. Source pictures are wrapped,
 * not copied; VA-API encoders get them uploaded to surfaces, which is part of
 * the cost an application would pay.
 */
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>

#include "bench/encoders.h"

typedef struct lavc_enc {
    AVCodecContext *avctx;
    AVFrame *frame;    /* wraps the caller's picture */
    AVFrame *hw_frame; /* VA-API: the uploaded surface */
    AVFrame *nv12;     /* VA-API: staging picture for the upload */
    AVPacket *pkt;
    AVBufferRef *device;
} lavc_enc;

static int av_error(char *err, size_t size, const char *what, int ret)
{
    char msg[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(ret, msg, sizeof(msg));
    snprintf(err, size, "%s: %s", what, msg);
    return -1;
}

static int has_private_option(const AVCodecContext *avctx, const char *name)
{
    return avctx->priv_data && av_opt_find(avctx->priv_data, name, NULL, 0, 0) != NULL;
}

/* Constant QP is spelled differently by each wrapper: libx264 and NVENC take
 * "qp" (NVENC then picks its constqp mode), VA-API "qp" with rc_mode CQP;
 * others only know the generic fixed quantiser. */
static int set_rate(AVCodecContext *avctx, const bench_enc_params *p, char *err, size_t size)
{
    if (p->rate_mode == BENCH_RATE_BITRATE) {
        avctx->bit_rate = (int64_t)p->rate * 1000;
        return 0;
    }
    if (has_private_option(avctx, "qp")) {
        int ret = av_opt_set_int(avctx->priv_data, "qp", p->rate, 0);
        if (ret < 0)
            return av_error(err, size, "refused qp", ret);
        if (has_private_option(avctx, "rc_mode"))
            av_opt_set(avctx->priv_data, "rc_mode", "CQP", 0);
        return 0;
    }
    avctx->flags |= AV_CODEC_FLAG_QSCALE;
    avctx->global_quality = p->rate * FF_QP2LAMBDA;
    return 0;
}

static int setup_vaapi(lavc_enc *e, char *err, size_t size)
{
    AVCodecContext *avctx = e->avctx;
    int ret = av_hwdevice_ctx_create(&e->device, AV_HWDEVICE_TYPE_VAAPI, NULL, NULL, 0);
    if (ret < 0)
        return av_error(err, size, "no VA-API device", ret);
    AVBufferRef *frames = av_hwframe_ctx_alloc(e->device);
    if (!frames)
        return av_error(err, size, "VA-API frames", AVERROR(ENOMEM));
    AVHWFramesContext *fc = (AVHWFramesContext *)frames->data;
    fc->format = AV_PIX_FMT_VAAPI;
    fc->sw_format = AV_PIX_FMT_NV12;
    fc->width = avctx->width;
    fc->height = avctx->height;
    fc->initial_pool_size = 32;
    ret = av_hwframe_ctx_init(frames);
    if (ret < 0) {
        av_buffer_unref(&frames);
        return av_error(err, size, "VA-API frames", ret);
    }
    avctx->hw_frames_ctx = frames;
    avctx->pix_fmt = AV_PIX_FMT_VAAPI;
    e->nv12 = av_frame_alloc();
    if (!e->nv12)
        return av_error(err, size, "VA-API staging", AVERROR(ENOMEM));
    e->nv12->format = AV_PIX_FMT_NV12;
    e->nv12->width = avctx->width;
    e->nv12->height = avctx->height;
    ret = av_frame_get_buffer(e->nv12, 0);
    return ret < 0 ? av_error(err, size, "VA-API staging", ret) : 0;
}

static void lavc_close(void *ctx)
{
    lavc_enc *e = ctx;
    if (!e)
        return;
    avcodec_free_context(&e->avctx);
    av_frame_free(&e->frame);
    av_frame_free(&e->hw_frame);
    av_frame_free(&e->nv12);
    av_packet_free(&e->pkt);
    av_buffer_unref(&e->device);
    av_free(e);
}

static int lavc_open(const bench_encoder_def *def, const bench_enc_params *p, void **ctx, char *err,
                     size_t size)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(def->arg);
    lavc_enc *e;
    int ret;

    if (!codec) {
        snprintf(err, size, "this libavcodec has no encoder \"%s\"", def->arg);
        return -1;
    }
    if (codec->id != AV_CODEC_ID_H264) {
        snprintf(err, size, "\"%s\" is not an H.264 encoder", def->arg);
        return -1;
    }
    e = av_mallocz(sizeof(*e));
    if (!e || !(e->avctx = avcodec_alloc_context3(codec)) || !(e->frame = av_frame_alloc()) ||
        !(e->pkt = av_packet_alloc())) {
        lavc_close(e);
        snprintf(err, size, "out of memory");
        return -1;
    }
    AVCodecContext *avctx = e->avctx;
    avctx->width = p->width;
    avctx->height = p->height;
    avctx->time_base = (AVRational){ p->fps_den, p->fps_num };
    avctx->framerate = (AVRational){ p->fps_num, p->fps_den };
    avctx->pix_fmt = AV_PIX_FMT_YUV420P;
    avctx->gop_size = p->keyint;
    avctx->thread_count = p->threads;
    if (p->preset && (ret = av_opt_set(avctx->priv_data, "preset", p->preset, 0)) < 0) {
        av_error(err, size, "refused preset", ret);
        goto fail;
    }
    if (set_rate(avctx, p, err, size) < 0)
        goto fail;
    if (strstr(def->arg, "_vaapi") && setup_vaapi(e, err, size) < 0)
        goto fail;
    ret = avcodec_open2(avctx, codec, NULL);
    if (ret < 0) {
        av_error(err, size, "cannot open encoder", ret);
        goto fail;
    }
    *ctx = e;
    return 0;
fail:
    lavc_close(e);
    return -1;
}

static void no_free(void *opaque, uint8_t *data)
{
    (void)opaque;
    (void)data;
}

/* Points e->frame at the caller's planes with a reference that frees
 * nothing, so the encoder sees a refcounted frame and makes no copy. */
static int wrap_frame(lavc_enc *e, const bench_frame *f, int64_t pts)
{
    AVCodecContext *avctx = e->avctx;
    av_frame_unref(e->frame);
    for (int i = 0; i < 3; i++) {
        int h = i ? (avctx->height + 1) >> 1 : avctx->height;
        e->frame->data[i] = (uint8_t *)f->plane[i];
        e->frame->linesize[i] = (int)f->stride[i];
        e->frame->buf[i] = av_buffer_create((uint8_t *)f->plane[i], (size_t)(f->stride[i] * h),
                                            no_free, NULL, AV_BUFFER_FLAG_READONLY);
        if (!e->frame->buf[i])
            return AVERROR(ENOMEM);
    }
    e->frame->format = AV_PIX_FMT_YUV420P;
    e->frame->width = avctx->width;
    e->frame->height = avctx->height;
    e->frame->pts = pts;
    return 0;
}

static int upload_vaapi(lavc_enc *e, const bench_frame *f, int64_t pts)
{
    AVFrame *nv = e->nv12;
    int ret = av_frame_make_writable(nv);
    if (ret < 0)
        return ret;
    for (int y = 0; y < nv->height; y++)
        memcpy(nv->data[0] + y * nv->linesize[0], f->plane[0] + y * f->stride[0], (size_t)nv->width);
    for (int y = 0; y < (nv->height + 1) / 2; y++) {
        uint8_t *d = nv->data[1] + y * nv->linesize[1];
        const uint8_t *u = f->plane[1] + y * f->stride[1], *v = f->plane[2] + y * f->stride[2];
        for (int x = 0; x < (nv->width + 1) / 2; x++) {
            d[2 * x] = u[x];
            d[2 * x + 1] = v[x];
        }
    }
    av_frame_free(&e->hw_frame);
    if (!(e->hw_frame = av_frame_alloc()))
        return AVERROR(ENOMEM);
    if ((ret = av_hwframe_get_buffer(e->avctx->hw_frames_ctx, e->hw_frame, 0)) < 0 ||
        (ret = av_hwframe_transfer_data(e->hw_frame, nv, 0)) < 0)
        return ret;
    e->hw_frame->pts = pts;
    return 0;
}

static int lavc_send(void *ctx, const bench_frame *f, int64_t pts, char *err, size_t size)
{
    lavc_enc *e = ctx;
    AVFrame *in = NULL;
    int ret = 0;

    if (f) {
        ret = e->device ? upload_vaapi(e, f, pts) : wrap_frame(e, f, pts);
        in = e->device ? e->hw_frame : e->frame;
        if (ret < 0)
            return av_error(err, size, "frame", ret);
    }
    ret = avcodec_send_frame(e->avctx, in);
    if (ret == AVERROR(EAGAIN))
        return BENCH_ENC_AGAIN;
    return ret < 0 ? av_error(err, size, "send_frame", ret) : 0;
}

static int lavc_receive(void *ctx, bench_packet *pkt, char *err, size_t size)
{
    lavc_enc *e = ctx;
    av_packet_unref(e->pkt);
    int ret = avcodec_receive_packet(e->avctx, e->pkt);
    if (ret == AVERROR(EAGAIN))
        return BENCH_ENC_AGAIN;
    if (ret == AVERROR_EOF)
        return BENCH_ENC_EOF;
    if (ret < 0)
        return av_error(err, size, "receive_packet", ret);
    pkt->data = e->pkt->data;
    pkt->size = (size_t)e->pkt->size;
    pkt->pts = e->pkt->pts;
    return 0;
}

/* Opening a small encoder is the only reliable test: hardware encoders are
 * listed by every libavcodec build whether or not a device exists. */
static int lavc_probe(const bench_encoder_def *def, char *reason, size_t size)
{
    bench_enc_params p = { .width = 256, .height = 144, .fps_num = 25, .fps_den = 1,
                           .rate_mode = BENCH_RATE_BITRATE, .rate = 1000, .keyint = 25 };
    void *ctx = NULL;
    const AVCodec *codec = avcodec_find_encoder_by_name(def->arg);

    if (lavc_open(def, &p, &ctx, reason, size) < 0)
        return 0;
    lavc_close(ctx);
    snprintf(reason, size, "libavcodec %s (%s)", LIBAVCODEC_IDENT, codec->long_name ? codec->long_name : def->arg);
    return 1;
}

const bench_encoder_ops bench_enc_lavc_ops = {
    .probe = lavc_probe,
    .open = lavc_open,
    .send = lavc_send,
    .receive = lavc_receive,
    .close = lavc_close,
};
