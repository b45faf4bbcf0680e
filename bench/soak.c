/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenc_soak: one encoder, many frames. Generated content (a moving
 * pattern with a scene cut now and then) goes through one encoder for
 * --frames frames; every --every frames the rate is reconfigured, and
 * half-way between two reconfigures an IDR is forced. The resident set
 * size (/proc/self/statm) is printed every --report frames; after the
 * warm-up (the first report at or past --warmup frames) it must not grow
 * by more than --max-growth KiB, or the run fails. The run fails too if a
 * frame is lost (one packet per frame, each pts once, in order of dts) or
 * a call fails. bench/soak.sh runs it on the CPU backend and each test
 * double.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwenc/hwenc.h"

typedef struct soak_options {
    int width, height;
    int64_t frames, every, report, warmup;
    long max_growth_kib;
    const char *output;          /* the stream, for decoding afterwards */
    hwenc_config cfg;
} soak_options;

static long rss_kib(void)
{
    long pages_total = 0, pages_resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2)
        pages_resident = -1;
    fclose(f);
    return pages_resident < 0 ? -1 : pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A texture moving by (3, 1) pixels a frame, a new texture every 97
 * frames (a scene cut for the analysis), and a little noise. */
static void make_frame(uint8_t *y, uint8_t *u, uint8_t *v, int w, int h, int64_t n)
{
    uint32_t scene = (uint32_t)(n / 97) * 2654435761u, noise = (uint32_t)n * 747796405u + 1;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            int x = i + (int)(3 * n), t = j + (int)n;
            noise = noise * 1664525u + 1013904223u;
            y[j * w + i] = (uint8_t)(((x ^ t) * (scene >> 24 | 1) + (scene >> 8) + (noise >> 29)) & 255);
        }
    for (int j = 0; j < h / 2; j++)
        for (int i = 0; i < w / 2; i++) {
            u[j * (w / 2) + i] = (uint8_t)(128 + ((i + (int)n) & 31) - 16);
            v[j * (w / 2) + i] = (uint8_t)(128 + ((j + (int)(scene >> 16)) & 31) - 16);
        }
}

static int parse_options(int argc, char **argv, soak_options *o)
{
    static const struct option longopts[] = {
        { "backend", required_argument, NULL, 'b' }, { "frames", required_argument, NULL, 'n' },
        { "size", required_argument, NULL, 's' },    { "every", required_argument, NULL, 'e' },
        { "report", required_argument, NULL, 'r' },  { "warmup", required_argument, NULL, 'w' },
        { "max-growth", required_argument, NULL, 'g' }, { "bframes", required_argument, NULL, 'B' },
        { "threads", required_argument, NULL, 't' }, { "rc", required_argument, NULL, 'c' },
        { "device", required_argument, NULL, 'd' },  { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    hwenc_config_default(&o->cfg);
    o->width = 64;
    o->height = 48;
    o->frames = 100000;
    o->every = 300;
    o->report = 10000;
    o->warmup = 10000;
    o->max_growth_kib = 256;
    o->cfg.rc_mode = HWENC_RC_CBR;
    o->cfg.preset = HWENC_PRESET_ULTRAFAST;
    int c;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (hwenc_backend_from_name(optarg) < 0)
                return -1;
            o->cfg.backend = (enum hwenc_backend)hwenc_backend_from_name(optarg);
            break;
        case 'n': o->frames = atoll(optarg); break;
        case 's':
            if (sscanf(optarg, "%dx%d", &o->width, &o->height) != 2)
                return -1;
            break;
        case 'e': o->every = atoll(optarg); break;
        case 'r': o->report = atoll(optarg); break;
        case 'w': o->warmup = atoll(optarg); break;
        case 'g': o->max_growth_kib = atol(optarg); break;
        case 'B': o->cfg.bframes = atoi(optarg); break;
        case 't': o->cfg.threads = atoi(optarg); break;
        case 'c': o->cfg.rc_mode = !strcmp(optarg, "cqp") ? HWENC_RC_CQP : HWENC_RC_CBR; break;
        case 'd': o->cfg.device = optarg; break;
        case 'o': o->output = optarg; break;
        default: return -1;
        }
    }
    if (o->frames < 1 || o->every < 2 || o->report < 1 || o->width < 2 || o->height < 2)
        return -1;
    o->cfg.width = o->width;
    o->cfg.height = o->height;
    if (o->cfg.rc_mode == HWENC_RC_CBR)
        o->cfg.bitrate_kbps = o->cfg.vbv_maxrate_kbps = 200;
    return 0;
}

typedef struct soak_state {
    hwenc_encoder *enc;
    FILE *out;
    int64_t packets, expected_pts, last_dts;
    int64_t *seen;               /* a bit per frame: its packet came back */
} soak_state;

/* Receives what is ready: 0 when the encoder wants input, 1 at EOF, -1
 * on an error or a packet that is no frame in flight. */
static int take_packets(soak_state *s, int64_t sent)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(s->enc, &pkt)) == 0) {
        if (pkt.pts < 0 || pkt.pts >= sent || (s->seen[pkt.pts / 64] >> (pkt.pts % 64) & 1)) {
            fprintf(stderr, "hwenc_soak: packet with pts %lld: not a frame in flight\n", (long long)pkt.pts);
            return -1;
        }
        if (s->packets && pkt.dts <= s->last_dts) {
            fprintf(stderr, "hwenc_soak: dts %lld after %lld\n", (long long)pkt.dts, (long long)s->last_dts);
            return -1;
        }
        s->seen[pkt.pts / 64] |= (int64_t)1 << (pkt.pts % 64);
        s->last_dts = pkt.dts;
        s->packets++;
        if (s->out && fwrite(pkt.data, 1, pkt.size, s->out) != pkt.size) {
            perror("hwenc_soak: writing the stream");
            return -1;
        }
    }
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return ret == HWENC_EOF;
    fprintf(stderr, "hwenc_soak: receive: %s: %s\n", hwenc_error_string(ret), hwenc_last_error(s->enc));
    return -1;
}

int main(int argc, char **argv)
{
    soak_options o = { 0 };
    if (parse_options(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: hwenc_soak [--backend NAME] [--device DEV] [--frames N] [--size WxH] [--every N] "
                        "[--report N] [--warmup N] [--max-growth KIB] [--bframes N] [--threads N] [--rc cbr|cqp] "
                        "[-o STREAM.264]\n");
        return 2;
    }
    soak_state s = { 0 };
    char err[1024];
    if (hwenc_open_ex(&o.cfg, &s.enc, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc_soak: %s\n", err);
        return 1;
    }
    s.seen = calloc((size_t)(o.frames + 63) / 64, sizeof(*s.seen));
    uint8_t *y = malloc((size_t)o.width * o.height * 3 / 2);
    if (!s.seen || !y || (o.output && !(s.out = fopen(o.output, "wb")))) {
        perror("hwenc_soak");
        return 1;
    }
    uint8_t *u = y + o.width * o.height, *v = u + o.width * o.height / 4;
    printf("backend %s, %dx%d, %lld frames, reconfigure every %lld, forced IDR half-way between\n",
           hwenc_backend_name(hwenc_get_backend(s.enc)), o.width, o.height, (long long)o.frames, (long long)o.every);
    printf("%10s %10s\n", "frames", "RSS KiB");
    long base = -1, low = 0, high = 0;
    int reconfigures = 0, idrs = 0, failed = 0;
    hwenc_config cfg = o.cfg;
    for (int64_t n = 0; n < o.frames && !failed; n++) {
        if (n && n % o.every == 0) {
            /* Alternate the rate between two values. */
            cfg.bitrate_kbps = cfg.vbv_maxrate_kbps = cfg.bitrate_kbps ? (cfg.bitrate_kbps == 200 ? 350 : 200) : 0;
            cfg.qp = cfg.qp == 23 ? 30 : 23;
            int ret = hwenc_reconfigure(s.enc, &cfg);
            if (ret < 0 && ret != HWENC_EUNSUPPORTED) {
                fprintf(stderr, "hwenc_soak: reconfigure at %lld: %s\n", (long long)n, hwenc_last_error(s.enc));
                failed = 1;
                break;
            }
            reconfigures += ret == 0;
        }
        make_frame(y, u, v, o.width, o.height, n);
        hwenc_frame f = { .plane = { y, u, v }, .stride = { o.width, o.width / 2, o.width / 2 }, .pts = n,
                          .force_idr = n % o.every == o.every / 2 };
        idrs += f.force_idr;
        int ret;
        while ((ret = hwenc_send_frame(s.enc, &f)) == HWENC_EAGAIN)
            if (take_packets(&s, n) < 0)
                failed = 1;
        if (ret < 0) {
            fprintf(stderr, "hwenc_soak: frame %lld: %s\n", (long long)n, hwenc_last_error(s.enc));
            failed = 1;
        }
        if (!failed && take_packets(&s, n + 1) < 0)
            failed = 1;
        if ((n + 1) % o.report == 0 || n + 1 == o.frames) {
            long rss = rss_kib();
            printf("%10lld %10ld\n", (long long)(n + 1), rss);
            fflush(stdout);
            if (base < 0 && n + 1 >= o.warmup)
                base = low = high = rss;
            low = rss < low ? rss : low;
            high = rss > high ? rss : high;
        }
    }
    if (!failed && (hwenc_send_frame(s.enc, NULL) < 0 || take_packets(&s, o.frames) != 1))
        failed = 1;
    hwenc_close(s.enc);
    if (s.out && fclose(s.out) != 0) {
        perror("hwenc_soak: closing the stream");
        failed = 1;
    }
    printf("%lld packets for %lld frames, %d reconfigures, %d forced IDRs\n", (long long)s.packets,
           (long long)o.frames, reconfigures, idrs);
    if (s.packets != o.frames)
        failed = 1;
    if (base >= 0) {
        printf("RSS after the warm-up (%lld frames): %ld KiB at first, %ld..%ld KiB, growth %ld KiB (limit %ld)\n",
               (long long)o.warmup, base, low, high, high - base, o.max_growth_kib);
        if (high - base > o.max_growth_kib)
            failed = 1;
    }
    free(y);
    free(s.seen);
    printf("%s\n", failed ? "FAIL" : "ok");
    return failed;
}
