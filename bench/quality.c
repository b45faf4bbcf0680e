/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>

#include "tools/media/input.h"

#include "bench/decode.h"
#include "bench/quality.h"

typedef struct compare_ctx {
    media_input in;
    metrics_state metrics;
    int frames, pictures;
    char msg[256];
} compare_ctx;

static int compare_picture(void *opaque, const uint8_t *const plane[3], const ptrdiff_t stride[3],
                           int width, int height)
{
    compare_ctx *c = opaque;
    video_picture src;

    if (width != c->metrics.width || height != c->metrics.height) {
        snprintf(c->msg, sizeof(c->msg), "decoded picture is %dx%d, the source %dx%d", width,
                 height, c->metrics.width, c->metrics.height);
        return -1;
    }
    if (c->pictures >= c->frames) {
        snprintf(c->msg, sizeof(c->msg), "the stream has more pictures than the %d frames sent",
                 c->frames);
        return -1;
    }
    int64_t pts;
    if (media_input_read(&c->in, &src, &pts, NULL, NULL, c->msg, sizeof(c->msg)) != 1)
        return -1;
    const uint8_t *ref[3] = { src.plane[0], src.plane[1], src.plane[2] };
    metrics_add_frame(&c->metrics, ref, src.stride, plane, stride);
    c->pictures++;
    return 0;
}

int bench_quality(const char *clip_path, int frames, const uint8_t *stream, size_t size,
                  metrics_summary *out, char *err, size_t err_size)
{
    compare_ctx c = { .frames = frames };
    char derr[256];
    int ret = -1;

    if (media_input_open(&c.in, clip_path, NULL, err, err_size) < 0)
        return -1;
    const video_info *info = &c.in.desc.info;
    if (metrics_init(&c.metrics, info->width, info->height) < 0) {
        snprintf(err, err_size, "out of memory");
        goto done;
    }
    int n = decode_h264_stream(stream, size, compare_picture, &c, derr, sizeof(derr));
    if (n < 0) {
        snprintf(err, err_size, "%s", c.msg[0] ? c.msg : derr);
        goto done;
    }
    if (c.pictures != frames) {
        snprintf(err, err_size, "decoding gave %d pictures for %d frames sent", c.pictures, frames);
        goto done;
    }
    metrics_summarize(&c.metrics, out);
    ret = 0;
done:
    metrics_free(&c.metrics);
    media_input_close(&c.in);
    return ret;
}
