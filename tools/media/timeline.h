/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The frames of an input and their presentation times, without decoding:
 * what a planner needs to cut the input into segments and what a join
 * needs to give the joined video the input's own timestamps (so a
 * variable frame rate survives). A Y4M or raw input is read through (its
 * frames have no times: frame i is at i / fps). A container input is
 * demuxed only: its video packets' pts, sorted into presentation order,
 * made strictly increasing as the decoder's reader makes them (demux.c),
 * so they are the times `hwenc encode` gives the same frames.
 */
#ifndef HWENC_MEDIA_TIMELINE_H
#define HWENC_MEDIA_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "tools/media/demux.h"

typedef struct media_timeline {
    media_video_desc desc;       /* as media_input_open gives it: size, rate, time base */
    int64_t frames;
    int64_t *pts;                /* frames entries, presentation order, in desc's time base */
    int64_t duration;            /* end of the last frame, in the time base */
    int container;               /* the input went through libavformat */
    int video_stream;            /* a container's video stream index, else -1 */
} media_timeline;

/* Returns 0, or -1 with err naming the problem. */
int media_timeline_read(media_timeline *t, const char *path, char *err, size_t err_size);
void media_timeline_free(media_timeline *t);

#endif
