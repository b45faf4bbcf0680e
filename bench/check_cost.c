/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * check_cost: what the HAL's checks of its backends cost, each against a
 * reference measured in the same run.
 *
 *     check_cost open [RUNS] [DEVICE]
 *       The test encode `auto` runs before it trusts a hardware backend:
 *       opens and closes an encoder (1280x720, CQP, the rest default)
 *       alternately with and without hwenc_config.skip_test_encode, RUNS
 *       times each, on whatever backend `auto` chooses here (named), and
 *       prints the medians, their difference and their ratio.
 *     check_cost packets CLIP.y4m [FRAMES]
 *       The packet check every packet goes through: encodes the clip with
 *       the CPU backend (ultrafast, one thread), then runs the packets
 *       through a fresh packet check as often as fits in the encode's time,
 *       and prints the check's time per packet against the encode's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwenc/hwenc.h"
#include "hw/core/packet_check.h"
#include "tools/media/video_io.h"

#define MAX_RUNS 200

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One open and close; returns the time of the open, or -1. */
static double time_open(hwenc_config *cfg, enum hwenc_backend *chosen)
{
    hwenc_encoder *enc;
    char err[512];
    double start = now_ms();
    int ret = hwenc_open_ex(cfg, &enc, err, sizeof(err));
    double ms = now_ms() - start;
    if (ret < 0) {
        fprintf(stderr, "check_cost: hwenc_open: %s\n", err);
        return -1;
    }
    *chosen = hwenc_get_backend(enc);
    hwenc_close(enc);
    return ms;
}

static int open_cost(int runs, const char *device)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = 1280;
    cfg.height = 720;
    cfg.device = device;
    static double skip[MAX_RUNS], test[MAX_RUNS];
    enum hwenc_backend a = HWENC_BACKEND_AUTO, b = HWENC_BACKEND_AUTO;
    for (int i = 0; i < runs; i++) {
        cfg.skip_test_encode = 1;
        skip[i] = time_open(&cfg, &a);
        cfg.skip_test_encode = 0;
        test[i] = time_open(&cfg, &b);
        if (skip[i] < 0 || test[i] < 0)
            return 1;
    }
    if (a != b) {
        fprintf(stderr, "check_cost: auto chose %s without the test encode and %s with it\n", hwenc_backend_name(a),
                hwenc_backend_name(b));
        return 1;
    }
    double m_skip = median(skip, runs), m_test = median(test, runs);
    printf("auto chose %s; median of %d opens at 1280x720: %.2f ms with skip_test_encode, %.2f ms with the test "
           "encode: +%.2f ms, %.2fx\n", hwenc_backend_name(a), runs, m_skip, m_test, m_test - m_skip,
           m_skip > 0 ? m_test / m_skip : 0);
    return 0;
}

typedef struct kept_packet {
    uint8_t *data;
    hal_packet pkt;
    hal_picture plan;
} kept_packet;

/* Encodes the clip, keeping every packet with what was planned for it. */
static int encode_clip(const char *path, int max_frames, kept_packet **out, int *count, double *ms, int size[2])
{
    video_reader *r = NULL;
    char err[512];
    if (video_reader_open(&r, path, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "check_cost: %s: %s\n", path, err);
        return -1;
    }
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.preset = HWENC_PRESET_ULTRAFAST;
    cfg.threads = 1;
    cfg.width = video_reader_info(r)->width;
    cfg.height = video_reader_info(r)->height;
    size[0] = cfg.width;
    size[1] = cfg.height;
    hwenc_encoder *enc;
    if (hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0) {
        fprintf(stderr, "check_cost: %s\n", err);
        video_reader_close(r);
        return -1;
    }
    kept_packet *kept = calloc((size_t)max_frames, sizeof(*kept));
    video_picture pic;
    hwenc_packet pkt;
    int frames = 0, n = 0, ret = kept ? 0 : -1;
    *ms = 0;
    while (ret == 0 && frames < max_frames && video_reader_read(r, &pic, err, sizeof(err)) == 1) {
        hwenc_frame f = { .pts = frames++ };
        for (int p = 0; p < 3; p++) {
            f.plane[p] = pic.plane[p];
            f.stride[p] = pic.stride[p];
        }
        double start = now_ms();
        ret = hwenc_send_frame(enc, &f) < 0 ? -1 : 0;
        while (ret == 0 && hwenc_receive_packet(enc, &pkt) == 0) {
            *ms += now_ms() - start;
            kept_packet *k = &kept[n++];
            k->data = malloc(pkt.size);
            memcpy(k->data, pkt.data, pkt.size);
            k->pkt = (hal_packet){ .data = k->data, .size = pkt.size, .display_index = pkt.pts, .type = pkt.type };
            k->plan.display_index = pkt.pts;
            k->plan.type = pkt.type;
            k->plan.reference = pkt.type != HWENC_FRAME_B;
            start = now_ms();
        }
        *ms += now_ms() - start;
    }
    hwenc_close(enc);
    video_reader_close(r);
    *out = kept;
    *count = n;
    return ret;
}

static int packets_cost(const char *path, int max_frames)
{
    kept_packet *kept = NULL;
    int n = 0, size[2];
    double encode_ms, check_ms = 0;
    char err[512];
    if (encode_clip(path, max_frames, &kept, &n, &encode_ms, size) < 0 || !n)
        return 1;
    int rounds = 0;
    size_t bytes = 0;
    for (int i = 0; i < n; i++)
        bytes += kept[i].pkt.size;
    /* As many rounds as the encode took, at least ten. */
    while (rounds < 10 || check_ms < encode_ms) {
        packet_check c;
        if (packet_check_init(&c, size[0], size[1]) < 0)
            return 1;
        double start = now_ms();
        for (int i = 0; i < n; i++) {
            packet_check_sent(&c, &kept[i].plan, err, sizeof(err));
            if (packet_check_packet(&c, &kept[i].pkt, err, sizeof(err)) < 0) {
                fprintf(stderr, "check_cost: packet %d: %s\n", i, err);
                return 1;
            }
        }
        check_ms += now_ms() - start;
        packet_check_free(&c);
        rounds++;
    }
    double per_check = check_ms * 1e3 / rounds / n, per_encode = encode_ms * 1e3 / n;
    printf("%d packets (%.0f bytes each on average): the packet check %.2f us per packet, the CPU encoder "
           "(ultrafast, one thread) %.1f us per frame: %.3f%% of the encode\n", n, (double)bytes / n, per_check,
           per_encode, 100 * per_check / per_encode);
    for (int i = 0; i < n; i++)
        free(kept[i].data);
    free(kept);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "open")) {
        int runs = argc > 2 ? atoi(argv[2]) : 20;
        if (runs >= 1 && runs <= MAX_RUNS)
            return open_cost(runs, argc > 3 ? argv[3] : NULL);
    } else if (argc >= 3 && !strcmp(argv[1], "packets")) {
        int frames = argc > 3 ? atoi(argv[3]) : 300;
        if (frames >= 1)
            return packets_cost(argv[2], frames);
    }
    fprintf(stderr, "usage: check_cost open [RUNS 1..%d] [DEVICE] | check_cost packets CLIP.y4m [FRAMES]\n",
            MAX_RUNS);
    return 2;
}
