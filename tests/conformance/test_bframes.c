/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * B frames through the public API with the CPU backend: the HAL's
 * reordering, time stamps and references, and the CPU encoder's B slices.
 * Every stream is decoded by libavcodec, whose output (in display order)
 * must equal the reconstruction bit for bit, over B-frame counts,
 * reference counts, presets, threads, sizes, rate-control modes, forced
 * IDRs and scene cuts. Also the configurations that must be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/hrd_check.h"
#include "tests/common/roundtrip.h"

static int passed, failed;

static void check(int cond, const char *what)
{
    if (cond) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s\n", what);
    }
}

typedef struct b_case {
    int w, h, bframes, refs, preset, threads, frames, keyint;
    enum clipgen_pattern pattern;
    enum hwenc_rate_control rc;
    int qp, bitrate;
    const int *force;
} b_case;

static void base(hwenc_config *cfg, const b_case *c)
{
    hwenc_config_default(cfg);
    cfg->backend = HWENC_BACKEND_CPU;
    cfg->width = c->w;
    cfg->height = c->h;
    cfg->bframes = c->bframes;
    cfg->ref_frames = c->refs;
    cfg->preset = (enum hwenc_preset)c->preset;
    cfg->threads = c->threads;
    cfg->keyint = c->keyint;
    cfg->rc_mode = c->rc;
    cfg->qp = c->qp;
    if (c->rc == HWENC_RC_CRF)
        cfg->crf = c->qp;
    cfg->bitrate_kbps = c->bitrate;
    cfg->want_recon = 1;
}

/* Encodes the case with and, for comparison, without B frames. */
static void run_case(const b_case *c)
{
    hwenc_config cfg;
    base(&cfg, c);
    int64_t *coded = calloc((size_t)c->frames, sizeof(*coded));
    roundtrip_options opt = { .pattern = c->pattern, .frames = c->frames, .seed = (unsigned)(c->w * 7 + c->bframes),
                              .force_idr_frames = c->force, .decode_bits = coded };
    roundtrip_result r;
    int ret = coded ? roundtrip_run(&cfg, &opt, &r) : -1;
    if (c->rc == HWENC_RC_CBR && coded) {
        /* The HRD of the CBR stream, B frames in decoding order. */
        hrd_params p = { .bit_rate = c->bitrate * 1000.0, .cpb_size = c->bitrate * 1000.0,
                         .fps = (double)cfg.fps_num / cfg.fps_den, .cbr = 1 };
        hrd_model m;
        char msg[256];
        int conform = hrd_check(&p, coded, c->frames, &m, msg, sizeof(msg));
        /* Noise at 400 kb/s cannot be held even at QP 51 (a B frame takes
         * about 46 kbit of the 16 kbit a frame brings): the encoder must
         * then be at QP 51, and the HRD fails (no warning exists yet). */
        int hopeless = c->pattern == CLIPGEN_NOISE;
        printf("%s cbr %d kb/s %s with %d B frames: %s; last QP P %d B %d\n",
               (hopeless ? !conform : conform) ? "ok  " : "FAIL", c->bitrate, clipgen_pattern_name(c->pattern),
               c->bframes, msg, r.qp_by_type[HWENC_FRAME_P], r.qp_by_type[HWENC_FRAME_B]);
        if (hopeless)
            check(!conform && r.qp_by_type[HWENC_FRAME_P] == 51 && r.qp_by_type[HWENC_FRAME_B] == 51,
                  "CBR on noise beyond the rate at QP 51");
        else
            check(conform, "HRD of the CBR case");
        /* The encoder flags exactly the pictures the HRD finds late. */
        check(r.vbv_overruns == m.underflows, "packets flagged vbv_overrun = HRD underflows");
        if (r.vbv_overruns != m.underflows)
            printf("FAIL %d packets flagged vbv_overrun, %d HRD underflows\n", r.vbv_overruns, m.underflows);
    }
    free(coded);
    /* Every mini-GOP but a cut-short one has its B frames. */
    int min_b = c->bframes ? (c->frames - 1) / (c->bframes + 1) : 0;
    int ok = ret == 0 && r.bitexact && r.b_frames >= min_b && (c->bframes || !r.b_frames);
    printf("%s %dx%d bframes %d ref %d %s threads %d %s rc %d: %d frames, %d B, %d keyframes, %zu bytes, "
           "PSNR-Y %.2f%s%s\n",
           ok ? "ok  " : "FAIL", c->w, c->h, c->bframes, c->refs, hwenc_preset_name((enum hwenc_preset)c->preset),
           c->threads, clipgen_pattern_name(c->pattern), (int)c->rc, r.decoded, r.b_frames, r.keyframes, r.bytes,
           r.psnr_y_avg, ok ? "" : ": ", ok ? "" : r.message);
    if (ok)
        passed++;
    else
        failed++;
}

/* The same content at the same QP: B frames (at QP + 2) must cost fewer
 * bits than P frames, with the quality close. */
static void compare_with_p(void)
{
    b_case c = { 352, 288, 2, 1, HWENC_PRESET_MEDIUM, 1, 30, 250, CLIPGEN_PAN, HWENC_RC_CQP, 26, 0, NULL };
    hwenc_config cfg;
    roundtrip_options opt = { .pattern = c.pattern, .frames = c.frames, .seed = 5 };
    roundtrip_result with_b, without_b;
    base(&cfg, &c);
    int ok = roundtrip_run(&cfg, &opt, &with_b) == 0;
    c.bframes = 0;
    base(&cfg, &c);
    ok &= roundtrip_run(&cfg, &opt, &without_b) == 0;
    printf("pan 352x288 qp 26: with 2 B frames %zu bytes, PSNR-Y %.2f; P only %zu bytes, PSNR-Y %.2f\n",
           with_b.bytes, with_b.psnr_y_avg, without_b.bytes, without_b.psnr_y_avg);
    check(ok && with_b.bytes < without_b.bytes * 9 / 10, "B frames save at least 10% of the bits");
    check(ok && with_b.psnr_y_avg > without_b.psnr_y_avg - 1.5, "B frames keep PSNR-Y within 1.5 dB");
    printf("QP 26: IDR %d, P %d, B %d\n", with_b.qp_by_type[HWENC_FRAME_IDR], with_b.qp_by_type[HWENC_FRAME_P],
           with_b.qp_by_type[HWENC_FRAME_B]);
    check(with_b.qp_by_type[HWENC_FRAME_IDR] == 23 && with_b.qp_by_type[HWENC_FRAME_P] == 26 &&
              with_b.qp_by_type[HWENC_FRAME_B] == 28,
          "CQP 26 gives IDR 23, P 26, B 28");
}

static void refused(void)
{
    hwenc_config cfg;
    hwenc_encoder *enc = NULL;
    char err[256];
    b_case c = { 64, 64, 2, 1, HWENC_PRESET_ULTRAFAST, 1, 1, 250, CLIPGEN_PAN, HWENC_RC_CQP, 26, 0, NULL };
    base(&cfg, &c);
    cfg.low_latency = 1;
    check(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EINVAL && !enc && strstr(err, "low_latency"),
          "bframes with low latency refused");
    base(&cfg, &c);
    cfg.bframes = 17;
    check(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EINVAL && strstr(err, "bframes 17"),
          "bframes 17 refused");
    base(&cfg, &c);
    cfg.ref_frames = 16;
    check(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == HWENC_EINVAL && strstr(err, "use 15 or less"),
          "ref 16 with bframes refused");

    /* Device memory cannot wait in the reorder queue. */
    base(&cfg, &c);
    check(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "open");
    hwenc_frame f = { .cuda_ptr = 0x1000, .cuda_pitch = 64 };
    check(hwenc_send_frame(enc, &f) == HWENC_EUNSUPPORTED, "CUDA frame refused");
    /* A flush with nothing sent ends the stream at once. */
    hwenc_packet pkt;
    check(hwenc_send_frame(enc, NULL) == 0 && hwenc_receive_packet(enc, &pkt) == HWENC_EOF, "empty flush");
    hwenc_close(enc);

    /* The first packet waits for the second frame (its dts needs it). */
    base(&cfg, &c);
    check(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "open");
    static uint8_t frame[64 * 64 * 3 / 2];
    hwenc_frame in = { .plane = { frame, frame + 64 * 64, frame + 64 * 64 * 5 / 4 }, .stride = { 64, 32, 32 } };
    in.pts = 100;
    check(hwenc_send_frame(enc, &in) == 0 && hwenc_receive_packet(enc, &pkt) == HWENC_EAGAIN, "first packet held");
    in.pts = 140;
    check(hwenc_send_frame(enc, &in) == 0 && hwenc_receive_packet(enc, &pkt) == 0 && pkt.pts == 100 &&
              pkt.dts == 60 && pkt.type == HWENC_FRAME_IDR,
          "first packet: pts 100, dts one interval earlier");
    check(hwenc_send_frame(enc, NULL) == 0 && hwenc_receive_packet(enc, &pkt) == 0 && pkt.pts == 140 &&
              pkt.dts == 100 && pkt.type == HWENC_FRAME_P,
          "a short tail ends with a P frame");
    check(hwenc_receive_packet(enc, &pkt) == HWENC_EOF, "end of stream");
    hwenc_close(enc);
}

int main(void)
{
    static const int force7[] = { 7, -1 }, force_two[] = { 5, 6, -1 };
    static const b_case cases[] = {
        /* w, h, bframes, refs, preset, threads, frames, keyint, pattern, rc, qp, bitrate, force */
        { 176, 144, 1, 1, HWENC_PRESET_ULTRAFAST, 1, 17, 250, CLIPGEN_PAN, HWENC_RC_CQP, 26, 0, NULL },
        { 176, 144, 2, 1, HWENC_PRESET_MEDIUM, 1, 17, 250, CLIPGEN_PAN, HWENC_RC_CQP, 22, 0, force7 },
        { 176, 144, 3, 3, HWENC_PRESET_MEDIUM, 1, 20, 250, CLIPGEN_ZOOM, HWENC_RC_CQP, 30, 0, NULL },
        { 176, 144, 2, 2, HWENC_PRESET_SUPERFAST, 2, 16, 6, CLIPGEN_OBJECT, HWENC_RC_CQP, 28, 0, NULL },
        { 720, 404, 2, 1, HWENC_PRESET_VERYFAST, 2, 8, 250, CLIPGEN_PAN_FAST, HWENC_RC_CQP, 24, 0, NULL },
        { 48, 32, 2, 1, HWENC_PRESET_MEDIUM, 1, 12, 250, CLIPGEN_PAN, HWENC_RC_CQP, 20, 0, force_two },
        { 16, 64, 1, 2, HWENC_PRESET_MEDIUM, 1, 10, 250, CLIPGEN_ZOOM, HWENC_RC_CQP, 18, 0, NULL },
        { 176, 144, 2, 1, HWENC_PRESET_MEDIUM, 1, 30, 250, CLIPGEN_SCENE_CUTS, HWENC_RC_CRF, 23, 0, NULL },
        { 176, 144, 2, 1, HWENC_PRESET_FASTER, 1, 30, 250, CLIPGEN_QUADRANTS, HWENC_RC_ABR, 0, 300, NULL },
        { 176, 144, 3, 1, HWENC_PRESET_ULTRAFAST, 2, 30, 250, CLIPGEN_NOISE, HWENC_RC_CBR, 0, 400, NULL },
        { 176, 144, 3, 1, HWENC_PRESET_ULTRAFAST, 2, 60, 250, CLIPGEN_PAN_FAST, HWENC_RC_CBR, 0, 400, NULL },
        { 176, 144, 2, 1, HWENC_PRESET_VERYFAST, 1, 60, 25, CLIPGEN_SCENE_CUTS, HWENC_RC_CBR, 0, 300, NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    compare_with_p();
    refused();
    printf("bframes: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
