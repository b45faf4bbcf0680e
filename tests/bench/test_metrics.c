/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwbench's PSNR and SSIM against FFmpeg's psnr and ssim filters, run with
 * the ffmpeg binary on two Y4M files written here. Exits 77 (skipped) when
 * there is no ffmpeg.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/media/metrics.h"

#define W 70 /* not a multiple of 8, so partial SSIM windows are exercised */
#define H 46
#define FRAMES 4
#define CW (W / 2)
#define CH (H / 2)

typedef struct clip {
    uint8_t y[FRAMES][H][W], u[FRAMES][CH][CW], v[FRAMES][CH][CW];
} clip;

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static uint8_t clamp255(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)lrint(v);
}

/* Smooth texture with some edges and noise: the reference. */
static void make_reference(clip *c)
{
    uint32_t seed = 1;
    for (int f = 0; f < FRAMES; f++) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                c->y[f][y][x] = clamp255(110 + 70 * sin(0.21 * x + 0.4 * f) * cos(0.13 * y) +
                                         ((x / 9 + y / 7) % 2) * 30 + (double)(lcg(&seed) % 9));
        for (int y = 0; y < CH; y++)
            for (int x = 0; x < CW; x++) {
                c->u[f][y][x] = clamp255(128 + 40 * sin(0.3 * y + f));
                c->v[f][y][x] = clamp255(100 + x * 2 + (double)(lcg(&seed) % 5));
            }
    }
}

/* Blur, noise of a different strength per frame, and a clipped patch. */
static void make_distorted(const clip *r, clip *d)
{
    uint32_t seed = 7;
    for (int f = 0; f < FRAMES; f++) {
        int amp = 3 + 5 * f;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int xr = x + 1 < W ? x + 1 : x;
                double v = (r->y[f][y][x] + r->y[f][y][xr]) / 2.0 + (double)(lcg(&seed) % (unsigned)amp) - amp / 2;
                if (x > 62 && y > 40)
                    v = 200;
                d->y[f][y][x] = clamp255(v);
            }
        for (int y = 0; y < CH; y++)
            for (int x = 0; x < CW; x++) {
                d->u[f][y][x] = clamp255(r->u[f][y][x] + (double)(lcg(&seed) % 7) - 3);
                d->v[f][y][x] = clamp255(r->v[f][y][x] * 0.9 + 12);
            }
    }
}

static int write_y4m(const char *path, const clip *c)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", W, H);
    for (int i = 0; i < FRAMES; i++) {
        fputs("FRAME\n", f);
        fwrite(c->y[i], 1, sizeof(c->y[i]), f);
        fwrite(c->u[i], 1, sizeof(c->u[i]), f);
        fwrite(c->v[i], 1, sizeof(c->v[i]), f);
    }
    return fclose(f);
}

/* Runs ffmpeg with one filter on (a, b) and returns its log output. */
static char *run_ffmpeg(const char *a, const char *b, const char *filter)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "ffmpeg -hide_banner -nostats -i '%s' -i '%s' -lavfi '%s' -f null - 2>&1",
             a, b, filter);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    while (out && len + 1 < cap) {
        size_t n = fread(out + len, 1, cap - 1 - len, p);
        if (!n)
            break;
        len += n;
    }
    if (out)
        out[len] = 0;
    pclose(p);
    return out;
}

static int failures;

static void expect_near(const char *what, double got, double want, double tol)
{
    int ok = fabs(got - want) <= tol;
    printf("%-16s ours %.6f ffmpeg %.6f %s\n", what, got, want, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

/* Mean of "key:value" over the lines of a stats file. */
static double stats_mean(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    double sum = 0;
    int n = 0;
    while (f && fgets(line, sizeof(line), f)) {
        const char *p = strstr(line, key);
        if (p) {
            sum += strtod(p + strlen(key), NULL);
            n++;
        }
    }
    if (f)
        fclose(f);
    return n ? sum / n : NAN;
}

static void compare(const char *dir, const char *ref_path, const char *dist_path, const metrics_summary *s)
{
    char filter[512], stats[300];
    double y, u, v, ssim;

    snprintf(stats, sizeof(stats), "%s/psnr.log", dir);
    snprintf(filter, sizeof(filter), "[0:v][1:v]psnr=stats_file=%s", stats);
    char *log = run_ffmpeg(dist_path, ref_path, filter);
    const char *p = log ? strstr(log, "PSNR y:") : NULL;
    if (!p || sscanf(p, "PSNR y:%lf u:%lf v:%lf", &y, &u, &v) != 3) {
        fprintf(stderr, "FAIL: no PSNR line from ffmpeg:\n%s\n", log ? log : "(none)");
        failures++;
    } else {
        expect_near("PSNR-Y global", s->psnr_global[0], y, 0.01);
        expect_near("PSNR-U global", s->psnr_global[1], u, 0.01);
        expect_near("PSNR-V global", s->psnr_global[2], v, 0.01);
        expect_near("PSNR-Y average", s->psnr_avg[0], stats_mean(stats, "psnr_y:"), 0.01);
        expect_near("PSNR-U average", s->psnr_avg[1], stats_mean(stats, "psnr_u:"), 0.01);
        expect_near("PSNR-V average", s->psnr_avg[2], stats_mean(stats, "psnr_v:"), 0.01);
    }
    free(log);

    log = run_ffmpeg(dist_path, ref_path, "[0:v][1:v]ssim");
    p = log ? strstr(log, "SSIM Y:") : NULL;
    if (!p || sscanf(p, "SSIM Y:%lf", &ssim) != 1) {
        fprintf(stderr, "FAIL: no SSIM line from ffmpeg:\n%s\n", log ? log : "(none)");
        failures++;
    } else {
        expect_near("SSIM-Y", s->ssim_y, ssim, 0.0005);
    }
    free(log);
}

static void measure(const clip *r, const clip *d, metrics_summary *s)
{
    metrics_state m;
    if (metrics_init(&m, W, H) < 0)
        abort();
    for (int f = 0; f < FRAMES; f++) {
        const uint8_t *rp[3] = { &r->y[f][0][0], &r->u[f][0][0], &r->v[f][0][0] };
        const uint8_t *dp[3] = { &d->y[f][0][0], &d->u[f][0][0], &d->v[f][0][0] };
        const ptrdiff_t st[3] = { W, CW, CW };
        metrics_add_frame(&m, rp, st, dp, st);
    }
    metrics_summarize(&m, s);
    metrics_free(&m);
}

int main(void)
{
    static clip ref, dist;
    char dir[] = "/tmp/hwbench-metrics-XXXXXX", ref_path[64], dist_path[64], cmd[128];
    metrics_summary s;

    if (system("ffmpeg -hide_banner -version >/dev/null 2>&1") != 0) {
        printf("ffmpeg not found: skipped\n");
        return 77;
    }
    if (!mkdtemp(dir))
        return 1;
    snprintf(ref_path, sizeof(ref_path), "%s/ref.y4m", dir);
    snprintf(dist_path, sizeof(dist_path), "%s/dist.y4m", dir);
    make_reference(&ref);
    make_distorted(&ref, &dist);
    if (write_y4m(ref_path, &ref) || write_y4m(dist_path, &dist))
        return 1;

    measure(&ref, &dist, &s);
    compare(dir, ref_path, dist_path, &s);

    /* Identical pictures: SSIM exactly 1 and PSNR at its 100 dB cap. */
    measure(&ref, &ref, &s);
    if (s.ssim_y != 1.0 || s.psnr_global[0] != 100 || s.psnr_avg[2] != 100) {
        fprintf(stderr, "FAIL: identical frames give SSIM %f PSNR %f\n", s.ssim_y, s.psnr_global[0]);
        failures++;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failures ? 1 : 0;
}
