/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Joins segments encoded alone (raw Annex B, each opening with an IDR and
 * the same SPS/PPS) into one output without re-encoding: a container
 * (through mux.h) with the source's audio and subtitles copied packet for
 * packet, or raw Annex B.
 *
 * The segments stay raw Annex B, and the times come from the source, not
 * from the segments: a raw stream carries no times that a container's
 * muxer could shift (mp4 edit lists, MPEG-TS start offsets, Matroska's
 * millisecond rounding), and the source is what the whole-file encode
 * takes its times from. Each access unit's place in presentation order
 * comes from its picture order count (POC restarts at every IDR), so the
 * joined video gets pts = the source's time of that frame, and dts the
 * rule hwenc_packet's dts follows (the k-th packet in decoding order at
 * the time of the frame `delay` places before it): continuous across the
 * segments, and a variable frame rate survives.
 *
 * Nothing lost or doubled: the frames of all segments must add up to the
 * frames of the source (media_timeline), or nothing is written.
 */
#ifndef HWENC_MEDIA_JOIN_H
#define HWENC_MEDIA_JOIN_H

#include <stddef.h>

#include "tools/media/mux.h"

typedef struct media_join_options {
    const char *output;          /* container by extension (media_container_name), else raw Annex B */
    const char *source;          /* the input the segments were encoded from */
    char *const *segments;       /* in order */
    int segment_count;
    media_mux_options mux;       /* --faststart, --no-audio */
} media_join_options;

typedef struct media_join_result {
    long long frames;
    int segments;
    int reorder_delay;           /* frames of dts delay the stream needed */
} media_join_result;

/* Returns 0, or -1 with err naming the segment or file and the problem;
 * on failure nothing is left under the output's name. */
int media_join(const media_join_options *o, media_join_result *res, char *err, size_t err_size);

#endif
