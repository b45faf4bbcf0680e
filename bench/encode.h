/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One timed encode of a clip held in memory: every frame sent, the encoder
 * flushed, every packet received. The encoder is opened and closed outside
 * the timed part, so start-up cost (device creation, look-ahead allocation)
 * does not count as encoding speed.
 */
#ifndef HWENC_BENCH_ENCODE_H
#define HWENC_BENCH_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "bench/clip.h"
#include "bench/encoders.h"

typedef struct encode_pass {
    const bench_encoder_def *def;
    const bench_clip *clip;
    void *ctx;             /* the open encoder */
    int keep_stream;       /* append the packets to stream */

    double start, end;     /* monotonic seconds of the first send and of EOF */
    double *latency_ms;    /* per source frame; -1 where no packet came back */
    uint8_t *stream;
    size_t stream_size, stream_cap;
    int packets;
    char err[256];
} encode_pass;

/* Opens the encoder; 0 or -1 with p->err. */
int encode_pass_open(encode_pass *p, const bench_encoder_def *def, const bench_clip *clip,
                     const bench_enc_params *params);
/* Encodes the whole clip; 0 or -1 with p->err. For another pass, close and
 * open again: the buffers are kept. */
int encode_pass_run(encode_pass *p);
void encode_pass_close(encode_pass *p);
/* Closes and frees the buffers. */
void encode_pass_free(encode_pass *p);

#endif
