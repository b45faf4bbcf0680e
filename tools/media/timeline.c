/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include <libavformat/avformat.h>

#include "tools/media/input.h"
#include "tools/media/timeline.h"

static int push(media_timeline *t, size_t *cap, int64_t pts)
{
    if ((size_t)t->frames == *cap) {
        size_t n = *cap ? 2 * *cap : 1024;
        int64_t *p = realloc(t->pts, n * sizeof(*p));
        if (!p)
            return -1;
        t->pts = p;
        *cap = n;
    }
    t->pts[t->frames++] = pts;
    return 0;
}

/* Y4M or raw: read through, frame i at i in the time base 1/fps. */
static int read_y4m(media_timeline *t, media_input *in, char *err, size_t err_size)
{
    size_t cap = 0;
    video_picture pic;
    int64_t pts;
    int ret;
    while ((ret = media_input_read(in, &pic, &pts, NULL, NULL, err, err_size)) == 1)
        if (push(t, &cap, pts) < 0) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
    if (ret < 0)
        return -1;
    t->duration = t->frames;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* A container: the video packets' pts (their dts where a packet has no
 * pts), sorted. Packets the demuxer marks to discard (before an edit
 * list's start) are no frames of the output. */
static int read_container(media_timeline *t, const char *path, int video, char *err, size_t err_size)
{
    AVFormatContext *fmt = NULL;
    AVPacket *pkt = av_packet_alloc();
    size_t cap = 0;
    int64_t last_end = AV_NOPTS_VALUE;
    int ret = pkt ? avformat_open_input(&fmt, path, NULL, NULL) : AVERROR(ENOMEM);
    if (ret < 0 || (ret = avformat_find_stream_info(fmt, NULL)) < 0) {
        snprintf(err, err_size, "cannot read its streams: %s", av_err2str(ret));
        goto fail;
    }
    while ((ret = av_read_frame(fmt, pkt)) >= 0) {
        if (pkt->stream_index == video && !(pkt->flags & AV_PKT_FLAG_DISCARD)) {
            int64_t pts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
            if (pts == AV_NOPTS_VALUE) {
                snprintf(err, err_size, "video packet %lld has neither pts nor dts: the frames have no times",
                         (long long)t->frames);
                goto fail;
            }
            if (push(t, &cap, pts) < 0) {
                snprintf(err, err_size, "out of memory");
                goto fail;
            }
            if (pkt->duration > 0 && (last_end == AV_NOPTS_VALUE || pts + pkt->duration > last_end))
                last_end = pts + pkt->duration;
        }
        av_packet_unref(pkt);
    }
    if (ret != AVERROR_EOF) {
        snprintf(err, err_size, "reading it failed after %lld video packets: %s", (long long)t->frames,
                 av_err2str(ret));
        goto fail;
    }
    qsort(t->pts, (size_t)t->frames, sizeof(*t->pts), cmp_i64);
    for (int64_t i = 1; i < t->frames; i++)
        if (t->pts[i] <= t->pts[i - 1])
            t->pts[i] = t->pts[i - 1] + 1;
    if (t->frames) {
        int64_t last = t->pts[t->frames - 1];
        int64_t step = t->frames > 1 ? last - t->pts[t->frames - 2] : 1;
        t->duration = last_end != AV_NOPTS_VALUE && last_end > last ? last_end : last + step;
    }
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return 0;
fail:
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return -1;
}

int media_timeline_read(media_timeline *t, const char *path, char *err, size_t err_size)
{
    media_input in;
    memset(t, 0, sizeof(*t));
    if (media_input_open(&in, path, NULL, err, err_size) < 0)
        return -1;
    t->desc = in.desc;
    t->container = in.media != NULL;
    t->video_stream = in.media ? media_reader_video_index(in.media) : -1;
    int ret = in.media ? read_container(t, path, media_reader_video_index(in.media), err, err_size)
                       : read_y4m(t, &in, err, err_size);
    media_input_close(&in);
    if (ret < 0) {
        media_timeline_free(t);
        return -1;
    }
    return 0;
}

void media_timeline_free(media_timeline *t)
{
    free(t->pts);
    t->pts = NULL;
    t->frames = 0;
}
