/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * libhwenc's backends, through the public API only, as an application
 * would use them.
 */
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"

#include "bench/encoders.h"

static void copy_reason(char *dst, size_t size, const hwenc_backend_info *info)
{
    if (!info->compiled)
        snprintf(dst, size, "not compiled into this libhwenc%s%s", info->reason[0] ? ": " : "",
                 info->reason);
    else if (info->available && info->driver[0])
        snprintf(dst, size, "%s%s%s", info->driver, info->device[0] ? " on " : "", info->device);
    else
        snprintf(dst, size, "%s", info->reason);
}

static int hwenc_probe_backend(const bench_encoder_def *def, char *reason, size_t size)
{
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int backend = hwenc_backend_from_name(def->arg);
    int n = hwenc_probe(NULL, info, HWENC_BACKEND_COUNT);

    for (int i = 0; i < n; i++) {
        if ((int)info[i].backend == backend) {
            copy_reason(reason, size, &info[i]);
            return info[i].available;
        }
    }
    snprintf(reason, size, "libhwenc does not report the %s backend", def->arg);
    return 0;
}

/* A preset with optional tool switches after it, each behind a '+':
 * "superfast+cavlc+no8x8+b3" is superfast with cabac 0, transform_8x8 0
 * and 3 B frames (over --bframes), so one run compares the tools; +cabac
 * and +8x8 ask for the tools a preset leaves out. */
static int apply_preset(hwenc_config *cfg, const char *spec, char *err, size_t size)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        int v;
        if (tok == buf) {
            if ((v = hwenc_preset_from_name(tok)) < 0) {
                snprintf(err, size, "libhwenc has no preset \"%s\"", tok);
                return -1;
            }
            cfg->preset = (enum hwenc_preset)v;
        } else if (!strcmp(tok, "cavlc") || !strcmp(tok, "cabac")) {
            cfg->cabac = !strcmp(tok, "cabac");
        } else if (!strcmp(tok, "no8x8") || !strcmp(tok, "8x8")) {
            cfg->transform_8x8 = !strcmp(tok, "8x8");
        } else if (tok[0] == 'b' && sscanf(tok + 1, "%d", &v) == 1) {
            cfg->bframes = v;
        } else if ((v = hwenc_profile_from_name(tok)) >= 0) {
            cfg->profile = v;
        } else {
            snprintf(err, size, "unknown switch \"%s\" after a libhwenc preset (cabac, cavlc, 8x8, no8x8, bN, or a profile)",
                     tok);
            return -1;
        }
    }
    return 0;
}

static int hwenc_open_backend(const bench_encoder_def *def, const bench_enc_params *p, void **ctx,
                              char *err, size_t size)
{
    hwenc_config cfg;
    hwenc_encoder *enc = NULL;

    err[0] = 0;
    hwenc_config_default(&cfg);
    cfg.backend = (enum hwenc_backend)hwenc_backend_from_name(def->arg);
    cfg.width = p->width;
    cfg.height = p->height;
    cfg.fps_num = p->fps_num;
    cfg.fps_den = p->fps_den;
    cfg.keyint = p->keyint;
    cfg.threads = p->threads;
    cfg.bframes = p->bframes;
    if (p->preset && apply_preset(&cfg, p->preset, err, size) < 0)
        return -1;
    if (p->rate_mode == BENCH_RATE_QP) {
        cfg.rc_mode = HWENC_RC_CQP;
        cfg.qp = p->rate;
    } else {
        cfg.rc_mode = HWENC_RC_ABR;
        cfg.bitrate_kbps = p->rate;
    }
    int ret = hwenc_open_ex(&cfg, &enc, err, size);
    if (ret < 0) {
        if (!err[0])
            snprintf(err, size, "%s", hwenc_error_string(ret));
        return -1;
    }
    *ctx = enc;
    return 0;
}

static int encoder_error(hwenc_encoder *enc, int ret, char *err, size_t size)
{
    const char *msg = hwenc_last_error(enc);
    snprintf(err, size, "%s%s%s", hwenc_error_string(ret), msg[0] ? ": " : "", msg);
    return -1;
}

static int hwenc_send(void *ctx, const bench_frame *frame, int64_t pts, char *err, size_t size)
{
    hwenc_encoder *enc = ctx;
    hwenc_frame f;
    int ret;

    if (frame) {
        memset(&f, 0, sizeof(f));
        for (int i = 0; i < 3; i++) {
            f.plane[i] = frame->plane[i];
            f.stride[i] = frame->stride[i];
        }
        f.pts = pts;
    }
    ret = hwenc_send_frame(enc, frame ? &f : NULL);
    if (ret == HWENC_EAGAIN)
        return BENCH_ENC_AGAIN;
    return ret < 0 ? encoder_error(enc, ret, err, size) : 0;
}

static int hwenc_receive(void *ctx, bench_packet *pkt, char *err, size_t size)
{
    hwenc_encoder *enc = ctx;
    hwenc_packet p;
    int ret = hwenc_receive_packet(enc, &p);

    if (ret == HWENC_EAGAIN)
        return BENCH_ENC_AGAIN;
    if (ret == HWENC_EOF)
        return BENCH_ENC_EOF;
    if (ret < 0)
        return encoder_error(enc, ret, err, size);
    pkt->data = p.data;
    pkt->size = p.size;
    pkt->pts = p.pts;
    return 0;
}

static void hwenc_close_encoder(void *ctx)
{
    hwenc_close(ctx);
}

const bench_encoder_ops bench_enc_hwenc_ops = {
    .probe = hwenc_probe_backend,
    .open = hwenc_open_backend,
    .send = hwenc_send,
    .receive = hwenc_receive,
    .close = hwenc_close_encoder,
};
