/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The tests' decoding oracle keeps every picture in memory; the strict
 * decoding itself is the media module's (tools/media/decode.c), which the
 * command line shares.
 */
#include "tests/common/avdecode.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/media/decode.h"

typedef struct store_state {
    decoded_video *out;
    int capacity;      /* allocated entries of out->frames */
    char *err;
    size_t err_size;
} store_state;

void decoded_video_free(decoded_video *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->frame_count; i++)
        free(v->frames[i]);
    free(v->frames);
    memset(v, 0, sizeof(*v));
}

/* Keeps one decoded picture as a tightly packed I420 buffer. */
static int store_picture(void *opaque, const media_picture *pic)
{
    store_state *s = opaque;
    decoded_video *out = s->out;
    const int n = out->frame_count;
    if (n == 0) {
        out->width = pic->width;
        out->height = pic->height;
        out->full_range = pic->full_range;
    }
    if (n == s->capacity) {
        const int cap = s->capacity ? s->capacity * 2 : 16;
        uint8_t **frames = realloc(out->frames, (size_t)cap * sizeof(*frames));
        if (!frames)
            goto nomem;
        out->frames = frames;
        s->capacity = cap;
    }
    const size_t w = (size_t)pic->width, h = (size_t)pic->height;
    uint8_t *dst = malloc(w * h * 3 / 2);
    if (!dst)
        goto nomem;
    uint8_t *d = dst;
    for (int p = 0; p < 3; p++) {
        const size_t pw = p ? w / 2 : w, ph = p ? h / 2 : h;
        for (size_t y = 0; y < ph; y++, d += pw)
            memcpy(d, pic->plane[p] + (ptrdiff_t)y * pic->stride[p], pw);
    }
    out->frames[n] = dst;
    out->frame_count = n + 1;
    out->mv_count += pic->mv_count;
    out->mv_outside += pic->mv_outside;
    return 0;
nomem:
    snprintf(s->err, s->err_size, "out of memory keeping decoded picture %d", n);
    return -1;
}

int avdecode_h264(const uint8_t *data, size_t size, decoded_video *out, char *err, size_t err_size)
{
    static const media_decode_options opt = { .export_mvs = 1 };
    char dummy[8];
    store_state s = { .out = out, .err = err && err_size ? err : dummy, .err_size = err && err_size ? err_size : 8 };
    memset(out, 0, sizeof(*out));
    int ret = media_decode_h264(data, size, &opt, store_picture, &s, err, err_size);
    if (ret < 0)
        decoded_video_free(out);
    return ret < 0 ? -1 : 0;
}

int avdecode_h264_file(const char *path, decoded_video *out, char *err, size_t err_size)
{
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;
    int ret = -1;
    FILE *f = fopen(path, "rb");

    memset(out, 0, sizeof(*out));
    if (!f) {
        snprintf(err, err_size, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (size == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *grown = realloc(data, cap);
            if (!grown) {
                snprintf(err, err_size, "out of memory reading '%s'", path);
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
        snprintf(err, err_size, "read error on '%s'", path);
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
