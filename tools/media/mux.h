/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Container output through libavformat: the encoded H.264 and the streams
 * copied packet for packet from a container input (audio, subtitles),
 * with chapters and global metadata. The container follows the file name
 * (mp4, mkv, mov, ts, ...).
 *
 * Nothing half-written is left under the final name: the file is written
 * under a temporary name in the same directory and renamed only by
 * media_mux_finish(); media_mux_close() without it removes the temporary.
 * The header waits for the first video packet (whose SPS/PPS the muxer
 * needs as extradata); packets of copied streams wait with it.
 */
#ifndef HWENC_MEDIA_MUX_H
#define HWENC_MEDIA_MUX_H

#include <stddef.h>
#include <stdint.h>

#include "tools/media/demux.h"

struct AVPacket;

typedef struct media_mux_options {
    int faststart;               /* mp4/mov: moov before the media */
    int no_audio;                /* leave every audio stream out */
} media_mux_options;

typedef struct media_mux media_mux;

/* video: what the encoded stream shows (size, SAR, time base, colour,
 * rotation). input: the demuxer whose other streams are copied, or NULL.
 * Returns 0, or -1 with err naming the path and the problem. */
int media_mux_open(media_mux **out, const char *path, const media_video_desc *video, const void *input_fmt,
                   int input_video, const media_mux_options *opt, char *err, size_t err_size);
/* One encoded access unit (Annex B) with pts/dts in the video time base;
 * extradata (Annex B SPS/PPS) is needed with the first. */
int media_mux_write_video(media_mux *m, const uint8_t *data, size_t size, int64_t pts, int64_t dts, int keyframe,
                          const uint8_t *extradata, size_t extradata_size, char *err, size_t err_size);
/* A packet of the input's stream pkt->stream_index; ignored for a stream
 * left out. Takes the packet's reference. */
int media_mux_write_copy(media_mux *m, struct AVPacket *pkt, char *err, size_t err_size);
/* Writes the trailer and renames the file to its final name. */
int media_mux_finish(media_mux *m, char *err, size_t err_size);
/* Frees everything; removes the temporary file unless finished. */
void media_mux_close(media_mux *m);

#endif
