/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Mid-stream failover (hwenc_config.failover) on a test double whose
 * failure injection (set by failover.cmake) breaks the backend at one
 * picture: the stream must decode with libavcodec to exactly the frames
 * sent, each once and in order (every source frame carries its number in
 * eight black or white blocks along the top), with pts as sent and dts
 * increasing, and the switch reported by hwenc_get_failovers. Without
 * failover the error is returned and the packets made before it decode.
 *
 *   test_failover BACKEND FRAMES BFRAMES PHASE [FAILOVER [NAMED [SWITCHES [skip]]]]
 *
 * PHASE says where the failure must land: "first" (the replacement codes
 * from frame 0), "send" (before the flush), "flush" (after
 * hwenc_send_frame(NULL)). FAILOVER 0 checks the behaviour without it.
 * NAMED is failover_backend ("auto": none). SWITCHES is how many
 * failovers must happen (default 1: to the CPU backend; more when the
 * replacement, also a double, fails in turn; 0: nothing fails, and failover
 * must change nothing else; "exhaust": the CPU backend, last in `auto`
 * order, cannot open (an unknown cpu_level, which only it reads), so no
 * backend is left: the error must name both failures, and the packets
 * handed out before it must decode to the first frames, in order); "skip"
 * sets skip_test_encode
 * so that a hardware replacement is opened without its test encode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/avdecode.h"
#include "tests/common/check.h"
#include "hwenc/hwenc.h"

#define W 320
#define H 192
#define MARK_BITS 8
#define PTS0 1000
#define PTS_STEP 3

static tally t = { "failover", 0, 0 };

typedef struct stream {
    uint8_t *data;
    size_t size, alloc;
    int packets;
    int64_t pts[256];
    int64_t last_dts;
    int keyframe_at[256];        /* by frame number: the packet was an IDR */
    uint8_t *recon[256];         /* by frame number, packed I420, where the backend gave one */
} stream;

static void source_frame(int n, uint8_t *f)
{
    uint8_t *y = f, *u = f + W * H, *v = u + W * H / 4;
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++)
            y[r * W + c] = (uint8_t)(64 + ((r + c + 3 * n) & 63) + ((c / 24 + n) % 5 == 0 ? 60 : 0));
    for (int b = 0; b < MARK_BITS; b++)
        for (int r = 0; r < 32; r++)
            memset(y + r * W + b * 32, (n >> b) & 1 ? 224 : 24, 32);
    memset(u, 128, W * H / 4);
    memset(v, (uint8_t)(110 + n % 20), W * H / 4);
}

static int read_mark(const uint8_t *y)
{
    int n = 0;
    for (int b = 0; b < MARK_BITS; b++) {
        int sum = 0;
        for (int r = 8; r < 24; r++)
            for (int c = 8; c < 24; c++)
                sum += y[r * W + b * 32 + c];
        n |= (sum / 256 > 128) << b;
    }
    return n;
}

static void take_packet(stream *s, const hwenc_packet *pkt)
{
    if (s->size + pkt->size > s->alloc) {
        s->alloc = 2 * (s->size + pkt->size);
        s->data = realloc(s->data, s->alloc);
        if (!s->data)
            abort();
    }
    memcpy(s->data + s->size, pkt->data, pkt->size);
    s->size += pkt->size;
    CHECK(&t, s->packets == 0 || pkt->dts > s->last_dts, "packet %d: dts %lld after %lld", s->packets,
          (long long)pkt->dts, (long long)s->last_dts);
    CHECK(&t, pkt->dts <= pkt->pts, "packet %d: dts %lld after its pts %lld", s->packets, (long long)pkt->dts,
          (long long)pkt->pts);
    s->last_dts = pkt->dts;
    int64_t n = (pkt->pts - PTS0) / PTS_STEP;
    if (n >= 0 && n < 256) {
        s->keyframe_at[n] = pkt->keyframe;
        /* Packets held back for failover keep their reconstruction too. */
        if (pkt->recon[0] && !s->recon[n] && (s->recon[n] = malloc(W * H * 3 / 2))) {
            uint8_t *dst = s->recon[n];
            for (int p = 0; p < 3; p++) {
                int w = p ? W / 2 : W, h = p ? H / 2 : H;
                for (int r = 0; r < h; r++, dst += w)
                    memcpy(dst, pkt->recon[p] + r * pkt->recon_stride[p], (size_t)w);
            }
        }
    }
    if (s->packets < 256)
        s->pts[s->packets] = pkt->pts;
    s->packets++;
}

/* Receives until EAGAIN or EOF; returns that, or the error. */
static int drain(hwenc_encoder *enc, stream *s)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(enc, &pkt)) == 0)
        take_packet(s, &pkt);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: test_failover BACKEND FRAMES BFRAMES first|send|flush [FAILOVER [NAMED]]\n");
        return 2;
    }
    int backend = hwenc_backend_from_name(argv[1]);
    int frames = atoi(argv[2]), bframes = atoi(argv[3]);
    const char *phase = argv[4];
    int failover = argc > 5 ? atoi(argv[5]) : 1;
    int named = argc > 6 ? hwenc_backend_from_name(argv[6]) : HWENC_BACKEND_AUTO;
    int exhaust = argc > 7 && !strcmp(argv[7], "exhaust");
    int switches = exhaust ? 0 : argc > 7 ? atoi(argv[7]) : 1;
    if (backend <= 0 || frames < 1 || frames > 255 || named < 0 || switches < 0 || switches > 3)
        return 2;

    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = W;
    cfg.height = H;
    cfg.backend = (enum hwenc_backend)backend;
    cfg.bframes = bframes;
    cfg.profile = bframes ? HWENC_PROFILE_MAIN : HWENC_PROFILE_HIGH;
    cfg.keyint = 8;
    cfg.scenecut = 0;
    cfg.qp = 24;
    cfg.failover = failover;
    cfg.failover_backend = (enum hwenc_backend)named;
    cfg.skip_test_encode = argc > 8 && !strcmp(argv[8], "skip");
    cfg.want_recon = 1;
    if (exhaust)
        cfg.cpu_level = "no-such-level";
    /* The file that stands for the VA render node (tests/vaapi/drm_shim.c). */
    if (backend == HWENC_BACKEND_VAAPI)
        cfg.device = getenv("HWENCTEST_DRM_NODE");
    hwenc_encoder *enc;
    char err[512] = "";
    int ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err));
    if (ret < 0) {
        fprintf(stderr, "failover: open: %s\n", err);
        return 1;
    }
    uint8_t *frame = malloc(W * H * 3 / 2);
    stream s;
    memset(&s, 0, sizeof(s));
    int error = 0, failovers_before_flush = -1;
    for (int i = 0; i < frames && !error; i++) {
        source_frame(i, frame);
        hwenc_frame in = { .plane = { frame, frame + W * H, frame + W * H * 5 / 4 },
                           .stride = { W, W / 2, W / 2 }, .pts = PTS0 + PTS_STEP * i };
        while ((ret = hwenc_send_frame(enc, &in)) == HWENC_EAGAIN)
            if ((ret = drain(enc, &s)) != HWENC_EAGAIN)
                break;
        /* The caller may reuse its buffer at once: scribble on it. */
        memset(frame, 0, W * H * 3 / 2);
        if (ret < 0 && ret != HWENC_EAGAIN)
            error = ret;
        else if ((ret = drain(enc, &s)) != HWENC_EAGAIN)
            error = ret;
    }
    if (!error) {
        failovers_before_flush = hwenc_get_failovers(enc, NULL, 0);
        if ((ret = hwenc_send_frame(enc, NULL)) < 0)
            error = ret;
        else if ((ret = drain(enc, &s)) != HWENC_EOF)
            error = ret;
    }
    hwenc_failover_info info[4];
    int count = hwenc_get_failovers(enc, info, 4);
    enum hwenc_backend now = hwenc_get_backend(enc);
    snprintf(err, sizeof(err), "%s", hwenc_last_error(enc));
    hwenc_close(enc);

    decoded_video v;
    memset(&v, 0, sizeof(v));
    char derr[256] = "";
    int decoded = s.size ? avdecode_h264(s.data, s.size, &v, derr, sizeof(derr)) : -1;
    if (exhaust) {
        CHECK(&t, error == HWENC_EBACKEND || error == HWENC_EDEVICE_LOST, "no backend left: %s (%s)",
              hwenc_error_string(error), err);
        CHECK(&t, count == 0 && now == HWENC_BACKEND_AUTO, "%d failovers, %s in use", count, hwenc_backend_name(now));
        CHECK(&t, strchr(err, ';') && strchr(err, ';') > err && strstr(err, "cpu could not take over") &&
                      strstr(err, "unknown CPU level") && strstr(err, "no backend is left to fail over to"),
              "the error does not name both failures: %s", err);
        fprintf(stderr, "failover: none left: %s; %d packets kept\n", err, s.packets);
        CHECK(&t, s.packets > 0 && decoded == 0 && v.frame_count == s.packets, "%d packets, %d decoded: %s",
              s.packets, v.frame_count, derr);
        /* What was handed out ends at one point of the display order. */
        for (int i = 0; decoded == 0 && i < v.frame_count; i++)
            CHECK(&t, read_mark(v.frames[i]) == i, "decoded frame %d is source frame %d", i, read_mark(v.frames[i]));
    } else if (failover) {
        CHECK(&t, !error, "error %s: %s", hwenc_error_string(error), err);
        CHECK(&t, count == switches, "%d failovers reported, not %d", count, switches);
        for (int i = 0; i < count && i < 4; i++) {
            const hwenc_failover_info *f = &info[i];
            fprintf(stderr, "failover: %s -> %s at frame %lld: %s\n", hwenc_backend_name(f->from),
                    hwenc_backend_name(f->to), (long long)f->frame, f->reason);
            CHECK(&t, (int)f->from == (i ? (int)info[i - 1].to : backend) && f->to != f->from,
                  "switch %d from %s to %s", i, hwenc_backend_name(f->from), hwenc_backend_name(f->to));
            CHECK(&t, f->reason[0], "no reason given");
            CHECK(&t, f->frame >= (i ? info[i - 1].frame : 0) && f->frame < frames, "switch %d at frame %lld", i,
                  (long long)f->frame);
            if (f->frame >= 0 && f->frame < frames)
                CHECK(&t, s.keyframe_at[f->frame], "frame %lld, the first after switch %d, is no IDR",
                      (long long)f->frame, i);
        }
        if (count >= 1) {
            CHECK(&t, info[count - 1].to == now, "the last switch went to %s, but %s is in use",
                  hwenc_backend_name(info[count - 1].to), hwenc_backend_name(now));
            if (named != HWENC_BACKEND_AUTO)
                CHECK(&t, (int)info[0].to == named || strstr(info[0].reason, hwenc_backend_name(named)),
                      "the named %s was not tried first: %s", hwenc_backend_name(named), info[0].reason);
            if (!strcmp(phase, "first"))
                CHECK(&t, info[0].frame == 0, "the switch came at frame %lld, not the first", (long long)info[0].frame);
            else
                CHECK(&t, info[0].frame > 0, "the switch came at the first frame");
        }
        if (!strcmp(phase, "flush"))
            CHECK(&t, failovers_before_flush == 0, "the failure came before the flush (%d failovers)",
                  failovers_before_flush);
        else
            CHECK(&t, failovers_before_flush == switches, "the failures did not all come before the flush (%d)",
                  failovers_before_flush);
        CHECK(&t, decoded == 0, "decode: %s", derr);
        CHECK(&t, s.packets == frames, "%d packets for %d frames", s.packets, frames);
        CHECK(&t, v.frame_count == frames, "%d frames decoded of %d", v.frame_count, frames);
        int recons = 0;
        for (int i = 0; decoded == 0 && i < v.frame_count; i++) {
            CHECK(&t, read_mark(v.frames[i]) == i, "decoded frame %d is source frame %d", i, read_mark(v.frames[i]));
            if (i < 256 && s.recon[i] && ++recons)
                CHECK(&t, !memcmp(v.frames[i], s.recon[i], W * H * 3 / 2),
                      "decoded frame %d differs from the reconstruction handed out with its packet", i);
        }
        /* The CPU backend, which takes over, gives reconstructions. */
        CHECK(&t, decoded < 0 || now != HWENC_BACKEND_CPU || recons > 0, "no reconstruction came with any packet");
        /* pts: each frame's once. */
        unsigned char seen[256] = { 0 };
        for (int i = 0; i < s.packets && i < 256; i++) {
            int64_t n = (s.pts[i] - PTS0) / PTS_STEP;
            int ok = n >= 0 && n < frames && (s.pts[i] - PTS0) % PTS_STEP == 0 && !seen[n];
            CHECK(&t, ok, "packet %d: pts %lld is no frame's or came twice", i, (long long)s.pts[i]);
            if (ok)
                seen[n] = 1;
        }
    } else {
        CHECK(&t, error == HWENC_EBACKEND || error == HWENC_EDEVICE_LOST, "without failover: %s (%s)",
              hwenc_error_string(error), err);
        CHECK(&t, count == 0 && (int)now == backend, "without failover: %d failovers, now %s", count,
              hwenc_backend_name(now));
        CHECK(&t, err[0], "no error message");
        fprintf(stderr, "failover: without it: %s; %d packets kept\n", err, s.packets);
        if (strcmp(phase, "first")) {
            /* What came out before the failure is a stream of its own. */
            CHECK(&t, s.packets > 0 && decoded == 0 && v.frame_count == s.packets, "%d packets, %d decoded: %s",
                  s.packets, v.frame_count, derr);
            for (int i = 0; decoded == 0 && i < v.frame_count; i++)
                CHECK(&t, read_mark(v.frames[i]) < frames, "decoded frame %d is no source frame", i);
        }
    }
    decoded_video_free(&v);
    for (int i = 0; i < 256; i++)
        free(s.recon[i]);
    free(s.data);
    free(frame);
    printf("%s: %d passed, %d failed\n", t.name, t.pass, t.fail);
    return t.fail ? 1 : 0;
}
