/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/encode.h"
#include "bench/stats.h"

int encode_pass_open(encode_pass *p, const bench_encoder_def *def, const bench_clip *clip,
                     const bench_enc_params *params)
{
    double *lat = p->latency_ms;
    uint8_t *stream = p->stream;
    size_t cap = p->stream_cap;
    int keep = p->keep_stream;

    /* Buffers survive from one pass to the next; the rest starts afresh. */
    memset(p, 0, sizeof(*p));
    p->def = def;
    p->clip = clip;
    p->keep_stream = keep;
    p->stream = stream;
    p->stream_cap = cap;
    p->latency_ms = lat ? lat : malloc(sizeof(*lat) * (size_t)clip->frames);
    if (!p->latency_ms) {
        snprintf(p->err, sizeof(p->err), "out of memory");
        return -1;
    }
    return def->ops->open(def, params, &p->ctx, p->err, sizeof(p->err));
}

static int append_stream(encode_pass *p, const bench_packet *pkt)
{
    if (p->stream_size + pkt->size > p->stream_cap) {
        size_t cap = (p->stream_size + pkt->size) * 2 + 4096;
        uint8_t *s = realloc(p->stream, cap);
        if (!s)
            return -1;
        p->stream = s;
        p->stream_cap = cap;
    }
    memcpy(p->stream + p->stream_size, pkt->data, pkt->size);
    p->stream_size += pkt->size;
    return 0;
}

/* Receives until the encoder wants input (or is done); stamps latencies. */
static int drain(encode_pass *p, const double *sent, int *eof)
{
    const bench_encoder_ops *ops = p->def->ops;
    bench_packet pkt;
    int ret;

    while ((ret = ops->receive(p->ctx, &pkt, p->err, sizeof(p->err))) == 0) {
        double now = stats_now();
        if (pkt.pts >= 0 && pkt.pts < p->clip->frames && p->latency_ms[pkt.pts] < 0)
            p->latency_ms[pkt.pts] = (now - sent[pkt.pts]) * 1000;
        p->packets++;
        if (p->keep_stream && append_stream(p, &pkt) < 0) {
            snprintf(p->err, sizeof(p->err), "out of memory for the stream");
            return -1;
        }
    }
    if (ret == BENCH_ENC_EOF)
        *eof = 1;
    return ret < 0 ? -1 : 0;
}

/* Sends one frame (NULL: flush), receiving first whenever the encoder asks. */
static int send_frame(encode_pass *p, const bench_frame *f, int64_t pts, const double *sent)
{
    const bench_encoder_ops *ops = p->def->ops;
    int ret, eof = 0;
    while ((ret = ops->send(p->ctx, f, pts, p->err, sizeof(p->err))) == BENCH_ENC_AGAIN) {
        int before = p->packets;
        if (drain(p, sent, &eof) < 0)
            return -1;
        if (p->packets == before) {
            snprintf(p->err, sizeof(p->err), "encoder refuses input but has no packet to give");
            return -1;
        }
    }
    return ret < 0 ? -1 : 0;
}

int encode_pass_run(encode_pass *p)
{
    const bench_clip *c = p->clip;
    double *sent = malloc(sizeof(*sent) * (size_t)c->frames);
    int eof = 0, ret = -1;

    if (!sent) {
        snprintf(p->err, sizeof(p->err), "out of memory");
        return -1;
    }
    p->stream_size = 0;
    p->packets = 0;
    for (int i = 0; i < c->frames; i++)
        p->latency_ms[i] = -1;
    p->start = stats_now();
    for (int i = 0; i < c->frames; i++) {
        bench_frame f;
        bench_clip_frame(c, i, &f);
        sent[i] = stats_now();
        if (send_frame(p, &f, i, sent) < 0 || drain(p, sent, &eof) < 0)
            goto done;
    }
    if (send_frame(p, NULL, 0, sent) < 0)
        goto done;
    while (!eof) {
        int before = p->packets;
        if (drain(p, sent, &eof) < 0)
            goto done;
        if (!eof && p->packets == before) {
            snprintf(p->err, sizeof(p->err), "encoder neither returns packets nor finishes after a flush");
            goto done;
        }
    }
    p->end = stats_now();
    ret = 0;
done:
    free(sent);
    return ret;
}

void encode_pass_close(encode_pass *p)
{
    if (p->ctx)
        p->def->ops->close(p->ctx);
    p->ctx = NULL;
}

void encode_pass_free(encode_pass *p)
{
    encode_pass_close(p);
    free(p->latency_ms);
    free(p->stream);
    p->latency_ms = NULL;
    p->stream = NULL;
    p->stream_cap = 0;
}
