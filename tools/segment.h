/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A frame range of the input and the frames forced to be IDRs: what a
 * chunked encode needs from `hwenc encode`. A segment [start, start+count)
 * encoded alone, and the whole input encoded with IDRs forced at every
 * segment's first frame, give the same pictures (the README's "Chunked
 * and batch encoding on Slurm" says why, and under which rate control).
 */
#ifndef HWENC_TOOLS_SEGMENT_H
#define HWENC_TOOLS_SEGMENT_H

#include <stdint.h>

#include "tools/media/input.h"

typedef struct segment_options {
    int64_t start_frame;         /* input frames skipped before the first encoded one */
    int64_t *idr_frames;         /* input frame numbers forced to be IDRs, ascending */
    int idr_count;
} segment_options;

/* "--force-idr N,N,...": ascending input frame numbers. Prints what is
 * wrong and returns -1 on bad input. */
int segment_parse_idr_frames(segment_options *s, const char *arg);
/* Whether the input frame `frame` (counted from the start of the input)
 * must be an IDR. */
int segment_forces_idr(const segment_options *s, int64_t frame);
/* Reads and drops the frames before start_frame. Prints what failed, with
 * the input's name, and returns -1 when the input ends or fails first. */
int segment_skip_to_start(const segment_options *s, media_input *in, const char *input_name);
void segment_options_free(segment_options *s);

#endif
