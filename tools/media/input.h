/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One interface over the two ways video comes in: Y4M and raw I420 keep
 * their own reader (video_io.h: exact, streamable from a pipe, and what the
 * tests compare against), every other file goes through libavformat
 * (demux.h). A Y4M file is recognised by its signature, not its name.
 * stdin ("-") is looked at too, without consuming it: a pipe through
 * tee(2), a regular file with pread; anything but Y4M is then read by
 * libavformat (a pipe as "pipe:0", a file as "/dev/stdin", which can seek).
 * A named pipe or a device given by name is Y4M (reading it to look would
 * take its first bytes from the reader).
 */
#ifndef HWENC_MEDIA_INPUT_H
#define HWENC_MEDIA_INPUT_H

#include "tools/media/demux.h"
#include "tools/media/video_io.h"

typedef struct media_input {
    video_reader *y4m;           /* Y4M or raw I420 */
    media_reader *media;         /* anything else */
    media_video_desc desc;       /* for Y4M: time base 1/fps, pts = frame index */
} media_input;

/* path "-" is stdin; raw != NULL: raw I420 of that size and rate.
 * Returns 0, or a negative video_io_status with err filled. */
int media_input_open(media_input *in, const char *path, const video_info *raw, char *err, size_t err_size);
/* As video_reader_read, with the picture's pts; fn gets the packets of the
 * streams a container input has besides its video. */
int media_input_read(media_input *in, video_picture *pic, int64_t *pts, media_packet_fn fn, void *opaque,
                     char *err, size_t err_size);
void media_input_close(media_input *in);

/* Whether a command needs the container layer (demux.h, mux.h): an input
 * that is a regular file or stdin but not Y4M (and not raw, raw == 0), or an
 * output named for a container (media_container_name). Both without
 * FFmpeg, so that `hwenc` can hand such encodes to hwenc-media. */
int media_input_is_container(const char *path, int raw);
/* The name's extension is a container hwenc writes H.264 into: mp4, m4v,
 * mov, mkv, ts, m2ts, mts, avi, flv, 3gp; else raw Annex B (.264, .h264,
 * any other name, "-"). */
int media_container_name(const char *path);

#endif
