/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Encode a generated clip through the public API, decode the stream with
 * libavcodec, and check it: the frame count, no decode error, and the
 * decoded frames equal to the encoder's reconstruction bit for bit (when
 * the backend gives one) or close to the source by PSNR.
 */
#ifndef HWENC_TESTS_ROUNDTRIP_H
#define HWENC_TESTS_ROUNDTRIP_H

#include <stddef.h>

#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"

typedef struct roundtrip_result {
    int frames;                  /* sent */
    int packets;
    int decoded;
    int keyframes;
    int b_frames;
    int vbv_overruns;            /* packets flagged vbv_overrun */
    int64_t last_dts;
    long mv_count, mv_outside;   /* decoded vectors; those reaching outside the picture */
    int qp_by_type[5];           /* the last packet's QP of each hwenc_frame_type (-1: none or unknown) */
    int have_recon;
    int bitexact;                /* every decoded frame equals the reconstruction */
    double psnr_y_min;           /* decoded against the source, worst frame */
    double psnr_y_avg;
    size_t bytes;
    char message[512];           /* what went wrong */
} roundtrip_result;

typedef struct roundtrip_options {
    enum clipgen_pattern pattern;
    int frames;
    unsigned seed;
    const char *dump_path;       /* write the stream here if not NULL */
    const int *force_idr_frames; /* -1 terminated, or NULL */
    int64_t *packet_bits;        /* if not NULL: receives the size of each packet, frames entries */
    int64_t *decode_bits;        /* the same in decoding order (what the HRD sees) */
    int reconfigure_at;          /* if > 0: call hwenc_reconfigure(reconfigure) before this frame */
    const hwenc_config *reconfigure;
    int input_padding;           /* I420 only: rows this many bytes longer than the planes, from an odd address */
} roundtrip_options;

/* Returns 0 when the stream decoded to the right number of frames, without
 * error and, if the backend gives a reconstruction, bit-exactly; -1 with
 * r->message otherwise. */
int roundtrip_run(const hwenc_config *cfg, const roundtrip_options *opt, roundtrip_result *r);

#endif
