/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/segment.h"

int segment_parse_idr_frames(segment_options *s, const char *arg)
{
    const char *p = arg;
    for (;;) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v < 0 || (*end && *end != ',')) {
            fprintf(stderr, "hwenc: --force-idr '%s': expected ascending frame numbers like 250,500,750\n", arg);
            return -1;
        }
        if (s->idr_count && v <= s->idr_frames[s->idr_count - 1]) {
            fprintf(stderr, "hwenc: --force-idr '%s': frame %lld does not follow %lld; list the frames in "
                    "ascending order, each once\n", arg, v, (long long)s->idr_frames[s->idr_count - 1]);
            return -1;
        }
        int64_t *grown = realloc(s->idr_frames, sizeof(*grown) * (size_t)(s->idr_count + 1));
        if (!grown) {
            fprintf(stderr, "hwenc: out of memory for --force-idr\n");
            return -1;
        }
        s->idr_frames = grown;
        s->idr_frames[s->idr_count++] = v;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

int segment_forces_idr(const segment_options *s, int64_t frame)
{
    int lo = 0, hi = s->idr_count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->idr_frames[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->idr_count && s->idr_frames[lo] == frame;
}

int segment_skip_to_start(const segment_options *s, media_input *in, const char *input_name)
{
    char err[256];
    video_picture pic;
    int64_t pts;
    /* The other streams' packets before the start are dropped with the
     * frames: the segment's container holds only what it encodes. */
    for (int64_t i = 0; i < s->start_frame; i++) {
        int ret = media_input_read(in, &pic, &pts, NULL, NULL, err, sizeof(err));
        if (ret > 0)
            continue;
        if (ret == 0)
            fprintf(stderr, "hwenc: %s: --start-frame %lld is past the end of the input (%lld frames)\n",
                    input_name, (long long)s->start_frame, (long long)i);
        else
            fprintf(stderr, "hwenc: %s: %s (at frame %lld, before --start-frame %lld)\n", input_name, err,
                    (long long)i, (long long)s->start_frame);
        return -1;
    }
    return 0;
}

void segment_options_free(segment_options *s)
{
    free(s->idr_frames);
    s->idr_frames = NULL;
    s->idr_count = 0;
}
