/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * OpenH264 (Cisco) through its own C API. It has no look-ahead or
 * reordering: every EncodeFrame() returns that frame's access unit, so the
 * adapter holds at most one packet. Its "presets" are its complexity modes:
 * low, medium, high.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wels/codec_api.h>

#include "bench/encoders.h"

typedef struct oh264_enc {
    ISVCEncoder *enc;
    int width, height, fps_num, fps_den;
    uint8_t *buf; /* the pending access unit */
    size_t size, cap;
    int64_t pts;
    int pending, flushed;
} oh264_enc;

static const char *const complexity_names[] = { "low", "medium", "high" };

static int set_complexity(SEncParamExt *ep, const char *preset, char *err, size_t size)
{
    for (int i = 0; i < 3; i++) {
        if (!strcmp(preset, complexity_names[i])) {
            ep->iComplexityMode = (ECOMPLEXITY_MODE)(LOW_COMPLEXITY + i);
            return 0;
        }
    }
    snprintf(err, size, "openh264 presets are its complexity modes: low, medium, high");
    return -1;
}

static int fill_params(ISVCEncoder *enc, SEncParamExt *ep, const bench_enc_params *p, char *err,
                       size_t size)
{
    SSpatialLayerConfig *layer = &ep->sSpatialLayers[0];

    (*enc)->GetDefaultParams(enc, ep);
    ep->iUsageType = CAMERA_VIDEO_REAL_TIME;
    ep->iPicWidth = layer->iVideoWidth = p->width;
    ep->iPicHeight = layer->iVideoHeight = p->height;
    ep->fMaxFrameRate = layer->fFrameRate = (float)p->fps_num / (float)p->fps_den;
    ep->iSpatialLayerNum = 1;
    ep->iTemporalLayerNum = 1;
    ep->uiIntraPeriod = (unsigned)p->keyint;
    ep->bEnableFrameSkip = false; /* a skipped frame would leave a hole in the quality figures */
    ep->iMultipleThreadIdc = (unsigned short)p->threads;
    layer->sSliceArgument.uiSliceMode = p->threads == 1 ? SM_SINGLE_SLICE : SM_FIXEDSLCNUM_SLICE;
    layer->sSliceArgument.uiSliceNum = (unsigned)p->threads; /* 0: one per core */
    if (p->rate_mode == BENCH_RATE_QP) {
        if (p->rate < 0 || p->rate > 51) {
            snprintf(err, size, "QP %d is outside 0..51", p->rate);
            return -1;
        }
        ep->iRCMode = RC_OFF_MODE;
        layer->iDLayerQp = ep->iMinQp = ep->iMaxQp = p->rate;
        ep->bEnableAdaptiveQuant = false;
    } else {
        ep->iRCMode = RC_BITRATE_MODE;
        ep->iTargetBitrate = layer->iSpatialBitrate = p->rate * 1000;
        ep->iMaxBitrate = layer->iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
    }
    return p->preset ? set_complexity(ep, p->preset, err, size) : 0;
}

static void oh264_close(void *ctx)
{
    oh264_enc *e = ctx;
    if (!e)
        return;
    if (e->enc) {
        (*e->enc)->Uninitialize(e->enc);
        WelsDestroySVCEncoder(e->enc);
    }
    free(e->buf);
    free(e);
}

static int oh264_open(const bench_encoder_def *def, const bench_enc_params *p, void **ctx, char *err,
                      size_t size)
{
    oh264_enc *e = calloc(1, sizeof(*e));
    SEncParamExt ep;
    int level = WELS_LOG_ERROR, format = videoFormatI420, ret;

    (void)def;
    if (!e || WelsCreateSVCEncoder(&e->enc) != 0 || !e->enc) {
        snprintf(err, size, "cannot create an OpenH264 encoder");
        goto fail;
    }
    (*e->enc)->SetOption(e->enc, ENCODER_OPTION_TRACE_LEVEL, &level);
    if (fill_params(e->enc, &ep, p, err, size) < 0)
        goto fail;
    ret = (*e->enc)->InitializeExt(e->enc, &ep);
    if (ret != cmResultSuccess) {
        snprintf(err, size, "OpenH264 refused the parameters (error %d)", ret);
        goto fail;
    }
    (*e->enc)->SetOption(e->enc, ENCODER_OPTION_DATAFORMAT, &format);
    e->width = p->width;
    e->height = p->height;
    e->fps_num = p->fps_num;
    e->fps_den = p->fps_den;
    *ctx = e;
    return 0;
fail:
    oh264_close(e);
    return -1;
}

/* Concatenates the NAL units of every layer into the pending packet. */
static int collect_packet(oh264_enc *e, const SFrameBSInfo *info)
{
    size_t total = 0;
    for (int l = 0; l < info->iLayerNum; l++)
        for (int n = 0; n < info->sLayerInfo[l].iNalCount; n++)
            total += (size_t)info->sLayerInfo[l].pNalLengthInByte[n];
    if (total > e->cap) {
        uint8_t *b = realloc(e->buf, total);
        if (!b)
            return -1;
        e->buf = b;
        e->cap = total;
    }
    e->size = 0;
    for (int l = 0; l < info->iLayerNum; l++) {
        const SLayerBSInfo *li = &info->sLayerInfo[l];
        size_t bytes = 0;
        for (int n = 0; n < li->iNalCount; n++)
            bytes += (size_t)li->pNalLengthInByte[n];
        memcpy(e->buf + e->size, li->pBsBuf, bytes);
        e->size += bytes;
    }
    return 0;
}

static int oh264_send(void *ctx, const bench_frame *f, int64_t pts, char *err, size_t size)
{
    oh264_enc *e = ctx;
    SSourcePicture pic;
    SFrameBSInfo info;

    if (e->pending)
        return BENCH_ENC_AGAIN;
    if (!f) {
        e->flushed = 1;
        return 0;
    }
    memset(&pic, 0, sizeof(pic));
    memset(&info, 0, sizeof(info));
    pic.iColorFormat = videoFormatI420;
    pic.iPicWidth = e->width;
    pic.iPicHeight = e->height;
    for (int i = 0; i < 3; i++) {
        pic.pData[i] = (unsigned char *)f->plane[i];
        pic.iStride[i] = (int)f->stride[i];
    }
    pic.uiTimeStamp = pts * 1000 * e->fps_den / e->fps_num;
    int ret = (*e->enc)->EncodeFrame(e->enc, &pic, &info);
    if (ret != cmResultSuccess) {
        snprintf(err, size, "OpenH264 EncodeFrame failed (error %d)", ret);
        return -1;
    }
    if (info.eFrameType == videoFrameTypeSkip)
        return 0;
    if (collect_packet(e, &info) < 0) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    e->pts = pts;
    e->pending = 1;
    return 0;
}

static int oh264_receive(void *ctx, bench_packet *pkt, char *err, size_t size)
{
    oh264_enc *e = ctx;
    (void)err;
    (void)size;
    if (!e->pending)
        return e->flushed ? BENCH_ENC_EOF : BENCH_ENC_AGAIN;
    e->pending = 0;
    pkt->data = e->buf;
    pkt->size = e->size;
    pkt->pts = e->pts;
    return 0;
}

static int oh264_probe(const bench_encoder_def *def, char *reason, size_t size)
{
    OpenH264Version v = WelsGetCodecVersion();
    (void)def;
    snprintf(reason, size, "OpenH264 %u.%u.%u", v.uMajor, v.uMinor, v.uRevision);
    return 1;
}

const bench_encoder_ops bench_enc_openh264_ops = {
    .probe = oh264_probe,
    .open = oh264_open,
    .send = oh264_send,
    .receive = oh264_receive,
    .close = oh264_close,
};
