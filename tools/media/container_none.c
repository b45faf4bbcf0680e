/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The container layer of `hwenc` itself, which links no FFmpeg (see
 * helper_exec.h): it hands every encode that needs containers to
 * hwenc-media before opening anything, so these are never reached with a
 * container; they fail cleanly if they are.
 */
#include <stdio.h>

#include "tools/media/mux.h"

int media_reader_open(media_reader **out, const char *path, char *err, size_t err_size)
{
    *out = NULL;
    snprintf(err, err_size, "%s: container input needs hwenc-media", path);
    return -1;
}

const media_video_desc *media_reader_desc(const media_reader *r)
{
    return (const media_video_desc *)r;
}

const struct AVFormatContext *media_reader_format(const media_reader *r)
{
    return (const struct AVFormatContext *)r;
}

int media_reader_video_index(const media_reader *r)
{
    return r ? 0 : -1;
}

int media_reader_read(media_reader *r, video_picture *pic, int64_t *pts, media_packet_fn fn, void *opaque, char *err,
                      size_t err_size)
{
    (void)r, (void)pic, (void)pts, (void)fn, (void)opaque;
    snprintf(err, err_size, "container input needs hwenc-media");
    return VIDEO_IO_ERROR;
}

void media_reader_close(media_reader *r)
{
    (void)r;
}

int media_mux_open(media_mux **out, const char *path, const media_video_desc *video, const void *input_fmt,
                   int input_video, const media_mux_options *opt, char *err, size_t err_size)
{
    (void)video, (void)input_fmt, (void)input_video, (void)opt;
    *out = NULL;
    snprintf(err, err_size, "%s: container output needs hwenc-media", path);
    return -1;
}

int media_mux_write_video(media_mux *m, const uint8_t *data, size_t size, int64_t pts, int64_t dts, int keyframe,
                          const uint8_t *extradata, size_t extradata_size, char *err, size_t err_size)
{
    (void)m, (void)data, (void)size, (void)pts, (void)dts, (void)keyframe, (void)extradata, (void)extradata_size;
    snprintf(err, err_size, "container output needs hwenc-media");
    return -1;
}

int media_mux_write_copy(media_mux *m, struct AVPacket *pkt, char *err, size_t err_size)
{
    (void)m, (void)pkt;
    snprintf(err, err_size, "container output needs hwenc-media");
    return -1;
}

int media_mux_finish(media_mux *m, char *err, size_t err_size)
{
    (void)m;
    snprintf(err, err_size, "container output needs hwenc-media");
    return -1;
}

void media_mux_close(media_mux *m)
{
    (void)m;
}
