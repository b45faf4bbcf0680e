/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/media/input.h"

#include "bench/clip.h"

static void copy_plane(uint8_t *dst, const uint8_t *src, ptrdiff_t stride, int w, int h)
{
    for (int y = 0; y < h; y++)
        memcpy(dst + (size_t)y * (size_t)w, src + y * stride, (size_t)w);
}

static int append_frame(bench_clip *c, const video_picture *pic, size_t *cap)
{
    if ((size_t)(c->frames + 1) * c->frame_size > *cap) {
        size_t n = *cap ? *cap * 2 : c->frame_size * 16;
        uint8_t *d = realloc(c->data, n);
        if (!d)
            return -1;
        c->data = d;
        *cap = n;
    }
    uint8_t *f = c->data + (size_t)c->frames * c->frame_size;
    size_t luma = (size_t)c->width * (size_t)c->height;
    copy_plane(f, pic->plane[0], pic->stride[0], c->width, c->height);
    copy_plane(f + luma, pic->plane[1], pic->stride[1], c->width / 2, c->height / 2);
    copy_plane(f + luma + luma / 4, pic->plane[2], pic->stride[2], c->width / 2, c->height / 2);
    c->frames++;
    return 0;
}

int bench_clip_load(bench_clip *c, const char *path, int max_frames, char *err, size_t err_size)
{
    media_input in;
    video_picture pic;
    int64_t pts;
    size_t cap = 0;
    int ret = 0;

    memset(c, 0, sizeof(*c));
    /* The CLI's input: Y4M, or any file FFmpeg reads, converted to 8-bit
     * 4:2:0 as the CLI converts it (its other streams are not needed). */
    if (media_input_open(&in, path, NULL, err, err_size) < 0)
        return -1;
    const video_info *info = &in.desc.info;
    c->width = info->width;
    c->height = info->height;
    c->fps_num = info->fps_num > 0 && info->fps_den > 0 ? info->fps_num : 25;
    c->fps_den = info->fps_num > 0 && info->fps_den > 0 ? info->fps_den : 1;
    c->frame_size = video_frame_size(c->width, c->height);
    while ((max_frames <= 0 || c->frames < max_frames) &&
           (ret = media_input_read(&in, &pic, &pts, NULL, NULL, err, err_size)) == 1) {
        if (append_frame(c, &pic, &cap) < 0) {
            snprintf(err, err_size, "out of memory after %d frames of %s", c->frames, path);
            goto fail;
        }
    }
    /* Known once the first picture is decoded. */
    if (in.desc.converted[0])
        fprintf(stderr, "hwbench: %s: converted %s\n", path, in.desc.converted);
    /* A truncated last frame is dropped with a warning; anything else is an error. */
    if (ret == VIDEO_IO_TRUNCATED)
        fprintf(stderr, "hwbench: warning: %s\n", err);
    else if (ret < 0)
        goto fail;
    if (!c->frames) {
        snprintf(err, err_size, "%s has no frames", path);
        goto fail;
    }
    media_input_close(&in);
    return 0;
fail:
    media_input_close(&in);
    bench_clip_free(c);
    return -1;
}

void bench_clip_frame(const bench_clip *c, int index, bench_frame *out)
{
    const uint8_t *f = c->data + (size_t)index * c->frame_size;
    size_t luma = (size_t)c->width * (size_t)c->height;
    out->plane[0] = f;
    out->plane[1] = f + luma;
    out->plane[2] = f + luma + luma / 4;
    out->stride[0] = c->width;
    out->stride[1] = out->stride[2] = c->width / 2;
}

void bench_clip_free(bench_clip *c)
{
    free(c->data);
    c->data = NULL;
    c->frames = 0;
}
