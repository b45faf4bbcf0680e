/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Why 256x256: it is above the smallest picture every known encoder takes
 * (RADV reports a minCodedExtent of 128x128 before VCN 5; NVENC's
 * NV_ENC_CAPS_WIDTH_MIN is below it) and a multiple of every input
 * granularity seen (32x32 on ANV), yet costs little to code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/core/config.h"
#include "hw/core/test_encode.h"

typedef struct test_run {
    hwenc_encoder *enc;
    int packets;
    char types[96];              /* the packets' types in coding order */
    size_t types_len;
} test_run;

/* A diagonal ramp crossed by a coarse texture, moving 3 samples right and
 * 1 down per frame, so P and B pictures have motion to find. */
static void fill_frame(uint8_t *buf, int size, int index, int nv12)
{
    uint8_t *y = buf, *c = buf + size * size;
    for (int j = 0; j < size; j++)
        for (int i = 0; i < size; i++) {
            int u = i - 3 * index, v = j - index;
            y[j * size + i] = (uint8_t)((u + v) / 2 + (((u >> 3) ^ (v >> 3)) & 7) * 12);
        }
    for (int j = 0; j < size / 2 * (nv12 ? 1 : 2); j++)
        for (int i = 0; i < size / 2; i++)
            c[j * (size / 2) + i] = (uint8_t)(128 + ((i + j + index) & 31) - 16);
}

static int receive_all(test_run *t, char *report, size_t report_size)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(t->enc, &pkt)) == 0) {
        t->packets++;
        if (t->types_len + 5 < sizeof(t->types))
            t->types_len += (size_t)snprintf(t->types + t->types_len, sizeof(t->types) - t->types_len, "%s%s",
                                             t->types_len ? " " : "", hwenc_frame_type_name(pkt.type));
    }
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return ret;
    snprintf(report, report_size, "%s", hwenc_last_error(t->enc));
    return ret;
}

static int send_frames(test_run *t, const hwenc_config *cfg, int frames, char *report, size_t report_size)
{
    int size = TEST_ENCODE_SIZE, nv12 = cfg->pixel_format == HWENC_PIXFMT_NV12, ret = 0;
    uint8_t *buf = malloc((size_t)size * size * 3 / 2);
    if (!buf) {
        snprintf(report, report_size, "out of memory");
        return HWENC_ENOMEM;
    }
    for (int i = 0; i < frames && ret >= 0; i++) {
        fill_frame(buf, size, i, nv12);
        hwenc_frame f = { .pts = i };
        f.plane[0] = buf;
        f.stride[0] = size;
        f.plane[1] = buf + size * size;
        f.stride[1] = nv12 ? size : size / 2;
        f.plane[2] = nv12 ? NULL : buf + size * size * 5 / 4;
        f.stride[2] = nv12 ? 0 : size / 2;
        while ((ret = hwenc_send_frame(t->enc, &f)) == HWENC_EAGAIN)
            if ((ret = receive_all(t, report, report_size)) != HWENC_EAGAIN)
                break;
        if (ret < 0 && !report[0])
            snprintf(report, report_size, "frame %d: %s", i, hwenc_last_error(t->enc));
        if (ret >= 0 && (ret = receive_all(t, report, report_size)) == HWENC_EAGAIN)
            ret = 0;
    }
    free(buf);
    return ret < 0 ? ret : 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

int test_encode_run(const hwenc_config *user, enum hwenc_backend backend, char *report, size_t report_size)
{
    char dummy[8];
    if (!report || !report_size) {
        report = dummy;
        report_size = sizeof(dummy);
    }
    report[0] = 0;
    hwenc_config cfg = *user;
    cfg.backend = backend;
    cfg.width = cfg.height = TEST_ENCODE_SIZE;
    cfg.want_recon = 0;
    cfg.skip_test_encode = 1;
    /* The backend itself is under test: no other may stand in for it. */
    cfg.failover = 0;
    cfg.failover_backend = HWENC_BACKEND_AUTO;
    /* Its small frames are not the caller's stream: what they make the
     * encoder say (the VBV at 256x256) would mislead; its outcome is in
     * the report. */
    cfg.log_callback = NULL;
    /* Enough frames for a full group of B pictures and a P after it. */
    int frames = 4 + cfg.bframes;
    test_run t = { .enc = NULL };
    char err[256];
    double start = now_ms();
    int ret = hwenc_open_ex(&cfg, &t.enc, err, sizeof(err));
    if (ret < 0) {
        snprintf(report, report_size, "%s", err);
        return ret;
    }
    ret = send_frames(&t, &cfg, frames, report, report_size);
    if (ret == 0 && (ret = hwenc_send_frame(t.enc, NULL)) < 0)
        snprintf(report, report_size, "flush: %s", hwenc_last_error(t.enc));
    if (ret == 0 && (ret = receive_all(&t, report, report_size)) == HWENC_EOF)
        ret = 0;
    else if (ret == HWENC_EAGAIN)
        ret = HWENC_EBACKEND; /* nothing more will come after a flush */
    if (ret == 0 && t.packets != frames) {
        snprintf(report, report_size, "%d frames coded into %d packets", frames, t.packets);
        ret = HWENC_EBACKEND;
    }
    hwenc_close(t.enc);
    double ms = now_ms() - start;
    if (ret == 0)
        snprintf(report, report_size, "%d pictures (%s) at %dx%d as planned in %.1f ms", frames, t.types,
                 cfg.width, cfg.height, ms);
    else if (!report[0])
        snprintf(report, report_size, "%s", hwenc_error_string(ret));
    return ret;
}

int hwenc_test_encode(const hwenc_config *cfg, enum hwenc_backend backend, char *report, size_t report_size)
{
    hwenc_config imported;
    char err[256];
    int ret = cfg ? config_import(cfg, &imported, err, sizeof(err)) : HWENC_EINVAL;
    if (!cfg)
        snprintf(err, sizeof(err), "hwenc_test_encode: the configuration is NULL");
    else if (ret == 0 && (unsigned)backend - 1 >= HWENC_BACKEND_COUNT - 1) {
        snprintf(err, sizeof(err), "hwenc_test_encode needs one backend, not %s", hwenc_backend_name(backend));
        ret = HWENC_EINVAL;
    }
    if (ret < 0) {
        if (report && report_size)
            snprintf(report, report_size, "%s", err);
        return ret;
    }
    /* The test's own size, so the caller's need not be set. */
    imported.width = imported.height = TEST_ENCODE_SIZE;
    if ((ret = config_validate(&imported, err, sizeof(err))) < 0) {
        if (report && report_size)
            snprintf(report, report_size, "%s", err);
        return ret;
    }
    return test_encode_run(&imported, backend, report, report_size);
}
