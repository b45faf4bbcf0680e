/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Container input through libavformat and libavcodec: any file FFmpeg
 * opens (mp4, mkv, mov, ts, avi, webm, image sequences), its best video
 * stream decoded in software to 8-bit I420 (other pixel formats through
 * libswscale), with the container's time stamps, colour description,
 * sample aspect ratio and rotation. The packets of every other stream are
 * handed out untouched, for a muxer to copy.
 */
#ifndef HWENC_MEDIA_DEMUX_H
#define HWENC_MEDIA_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#include "tools/media/video_io.h"

struct AVFormatContext;
struct AVPacket;

typedef struct media_video_desc {
    video_info info;             /* size, nominal rate, SAR, range, chroma siting */
    int tb_num, tb_den;          /* time base of the pts */
    int primaries, transfer, matrix; /* H.264 VUI codes; 2 (unspecified) if unknown */
    int chroma_sample_loc;       /* H.264 chroma_sample_loc_type */
    int has_display_matrix;      /* rotation to carry to the output */
    int32_t display_matrix[9];
    char converted[160];         /* "yuv422p10le -> yuv420p", or "" */
    int64_t frames_expected;     /* from the container's frame count or duration; 0: unknown */
    /* Pictures whose time stamp was missing or not above the one before,
     * given the previous one's plus one tick, and the first of them. */
    int64_t pts_fixed, pts_fixed_first;
} media_video_desc;

typedef struct media_reader media_reader;

/* Opens path and its decoder. On failure returns -1 with err naming the
 * problem (no video stream, no decoder for its codec, not a media file). */
int media_reader_open(media_reader **out, const char *path, char *err, size_t err_size);
const media_video_desc *media_reader_desc(const media_reader *r);
/* The demuxer, to describe the streams a muxer copies. */
const struct AVFormatContext *media_reader_format(const media_reader *r);
int media_reader_video_index(const media_reader *r);

/* Called with every packet of a stream that is not the encoded video; the
 * callee takes its reference (av_packet_move_ref) or leaves it. */
typedef int (*media_packet_fn)(void *opaque, struct AVPacket *pkt);

/* Returns 1 with the next picture in *pic (valid until the next call) and
 * its pts in the time base, 0 at the end, VIDEO_IO_TRUNCATED when the data
 * ended in damage after at least one picture (err says where), or
 * VIDEO_IO_ERROR with err filled. A negative return of fn is returned. */
int media_reader_read(media_reader *r, video_picture *pic, int64_t *pts, media_packet_fn fn, void *opaque,
                      char *err, size_t err_size);
void media_reader_close(media_reader *r);

/* What a media file's video stream holds, without decoding it (`hwenc
 * probe`, and through it the report of outputs `hwenc batch` skips). */
typedef struct media_probe_info {
    char codec[32];
    int width, height;
    int64_t frames;              /* its packets */
    int64_t bytes;               /* of those packets */
    double seconds;              /* the stream's duration, its packets' span, or frames at its rate */
} media_probe_info;

/* Returns 0, or -1 with err naming the problem. */
int media_probe(const char *path, media_probe_info *info, char *err, size_t err_size);

#endif
