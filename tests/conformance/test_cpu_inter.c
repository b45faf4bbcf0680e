/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Conformance of the CPU encoder's inter coding: moving generated content
 * (pans, zooms, objects crossing the borders, scene cuts) over sizes, QPs,
 * presets and reference counts, decoded by libavcodec and compared with the
 * reconstruction bit for bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/roundtrip.h"

static int passed, failed;

typedef struct inter_case {
    int w, h, qp, preset, refs, frames, keyint, deblock;
    enum clipgen_pattern pattern;
    int threads;
    const char *dump;
    int alpha, beta;
} inter_case;

/* The CPU backend at a size, preset and QP, giving its reconstruction. */
static hwenc_config cpu_config(int w, int h, int preset, int qp)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = w;
    cfg.height = h;
    cfg.preset = (enum hwenc_preset)preset;
    cfg.qp = qp;
    cfg.want_recon = 1;
    return cfg;
}

static void run_case(const inter_case *c)
{
    hwenc_config cfg = cpu_config(c->w, c->h, c->preset, c->qp);
    cfg.ref_frames = c->refs;
    cfg.keyint = c->keyint;
    cfg.deblock = c->deblock;
    cfg.deblock_alpha = c->alpha;
    cfg.deblock_beta = c->beta;
    cfg.threads = c->threads ? c->threads : 1;
    roundtrip_options opt = { .pattern = c->pattern, .frames = c->frames, .seed = (unsigned)(c->w + c->qp),
                              .dump_path = c->dump };
    roundtrip_result r;
    int ret = roundtrip_run(&cfg, &opt, &r);
    int ok = ret == 0 && r.bitexact;
    printf("%s %dx%d qp %d %s ref %d%s threads %d %s: %d frames, %d keyframes, %zu bytes, PSNR-Y %.2f dB%s%s\n",
           ok ? "ok  " : "FAIL", c->w, c->h, c->qp, hwenc_preset_name(cfg.preset), c->refs,
           c->deblock ? "" : " no-deblock", cfg.threads, clipgen_pattern_name(c->pattern), r.decoded, r.keyframes, r.bytes,
           r.psnr_y_avg, ok ? "" : ": ", ok ? "" : r.message);
    if (ok)
        passed++;
    else
        failed++;
}

static long read_file(const char *path, unsigned char **data)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc((size_t)n + 1);
    if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n)
        n = -1;
    fclose(f);
    return n;
}

/* Slice threads: every thread count decodes bit-exactly, and the same
 * count always gives the same stream, with the in-loop filter and without
 * (where nothing holds a slice back until the one above has filtered, and
 * bordering a reference's rows before they were final once made streams
 * differ from run to run). */
static void test_threads_filter(int deblock)
{
    char a[64], b[64];
    for (int threads = 1; threads <= 4; threads++) {
        snprintf(a, sizeof(a), "threads-%d-%d-a.264", threads, deblock);
        snprintf(b, sizeof(b), "threads-%d-%d-b.264", threads, deblock);
        inter_case c = { 176, 144, 28, HWENC_PRESET_VERYFAST, 2, 10, 250, deblock, CLIPGEN_OBJECT, threads, a };
        run_case(&c);
        c.dump = b;
        run_case(&c);
        unsigned char *da = NULL, *db = NULL;
        long na = read_file(a, &da), nb = read_file(b, &db);
        int same = na > 0 && na == nb && !memcmp(da, db, (size_t)na);
        printf("%s %d threads%s: two runs give %s streams (%ld bytes)\n", same ? "ok  " : "FAIL", threads,
               deblock ? "" : " no-deblock", same ? "identical" : "different", na);
        same ? passed++ : failed++;
        free(da);
        free(db);
        remove(a);
        remove(b);
    }
}

static void test_threads(void)
{
    test_threads_filter(1);
    test_threads_filter(0);
}

/* A new texture every 10 frames is a scene cut the HAL must turn into an
 * IDR; with scene-cut detection off only the first picture is one. */
static void test_scene_cuts(void)
{
    for (int scenecut = 0; scenecut <= 40; scenecut += 40) {
        hwenc_config cfg = cpu_config(176, 144, HWENC_PRESET_SUPERFAST, 23);
        cfg.scenecut = scenecut;
        cfg.min_keyint = 5;
        roundtrip_options opt = { .pattern = CLIPGEN_SCENE_CUTS, .frames = 40, .seed = 1 };
        roundtrip_result r;
        int ret = roundtrip_run(&cfg, &opt, &r);
        int expected = scenecut ? 4 : 1;
        int ok = ret == 0 && r.bitexact && r.keyframes == expected;
        printf("%s scenecut %d: %d keyframes in 40 frames with cuts every 10 (expected %d)%s%s\n", ok ? "ok  " : "FAIL",
               scenecut, r.keyframes, expected, ok ? "" : ": ", ok ? "" : r.message);
        ok ? passed++ : failed++;
    }
}

/* Texture enters the picture at the left and bottom edges of a fast pan
 * (13.5 px right, 6.25 px up per frame), so blocks there predict from the
 * padded area: vectors beyond the frame borders must be coded (libavcodec
 * exports every decoded vector) and decode bit-exactly. Small pictures put
 * most blocks at a border. */
static void test_border_vectors(void)
{
    static const struct { int w, h, preset; } sizes[] = {
        { 16, 16, HWENC_PRESET_MEDIUM }, { 64, 48, HWENC_PRESET_ULTRAFAST }, { 176, 144, HWENC_PRESET_VERYFAST },
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        hwenc_config cfg = cpu_config(sizes[i].w, sizes[i].h, sizes[i].preset, 26);
        roundtrip_options opt = { .pattern = CLIPGEN_PAN_FAST, .frames = 8, .seed = 3 };
        roundtrip_result r;
        int ret = roundtrip_run(&cfg, &opt, &r);
        int ok = ret == 0 && r.bitexact && r.mv_outside > 0;
        printf("%s %dx%d fast pan: %ld of %ld vectors reach outside the picture%s%s\n", ok ? "ok  " : "FAIL",
               cfg.width, cfg.height, r.mv_outside, r.mv_count, ok ? "" : ": ", ok ? "" : r.message);
        ok ? passed++ : failed++;
    }
}

/* The caller's strides, not the picture width, step through its planes
 * (the encoder reads whole macroblocks of I420 pictures in place): input
 * rows padded to other lengths and starting at odd addresses give the
 * same stream as packed ones. Sizes cover rows and columns read in place
 * and from the encoder's padded copy. */
static void test_input_strides(void)
{
    static const struct { int w, h; } sizes[] = { { 176, 120 }, { 168, 144 }, { 64, 64 } };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        hwenc_config cfg = cpu_config(sizes[i].w, sizes[i].h, HWENC_PRESET_ULTRAFAST, 24);
        int ok = 1;
        unsigned char *data[2] = { NULL, NULL };
        long size[2] = { -1, -1 };
        roundtrip_result r;
        for (int k = 0; k < 2; k++) {
            const char *path = k ? "strides-padded.264" : "strides-packed.264";
            roundtrip_options opt = { .pattern = CLIPGEN_OBJECT, .frames = 6, .seed = 9, .dump_path = path,
                                      .input_padding = k ? 37 : 0 };
            ok &= roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact;
            size[k] = read_file(path, &data[k]);
            remove(path);
        }
        ok &= size[0] > 0 && size[0] == size[1] && !memcmp(data[0], data[1], (size_t)size[0]);
        printf("%s %dx%d: input rows padded by 37 from an odd address give the packed input's stream%s%s\n",
               ok ? "ok  " : "FAIL", cfg.width, cfg.height, ok ? "" : ": ", ok ? "" : r.message);
        ok ? passed++ : failed++;
        free(data[0]);
        free(data[1]);
    }
}

/* Every instruction-set level gives the same stream as plain C: the SIMD
 * kernels are exact, in the encoder and in the HAL's analysis (scene cuts
 * here), whichever the configuration allows. */
static void test_cpu_levels(void)
{
    static const char *const levels[] = { "c", "sse2", "ssse3", "sse4.1", "avx2", "avx512" };
    static const int presets[] = { HWENC_PRESET_ULTRAFAST, HWENC_PRESET_MEDIUM };
    for (size_t p = 0; p < sizeof(presets) / sizeof(presets[0]); p++) {
        unsigned char *ref = NULL;
        long ref_size = -1;
        for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
            hwenc_config cfg = cpu_config(176, 144, presets[p], 26);
            cfg.bframes = 2;
            cfg.threads = 1;
            cfg.cpu_level = levels[l];
            roundtrip_options opt = { .pattern = CLIPGEN_SCENE_CUTS, .frames = 24, .seed = 4,
                                      .dump_path = "cpu-level.264" };
            roundtrip_result r;
            unsigned char *data = NULL;
            int ok = roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact;
            long size = read_file(opt.dump_path, &data);
            remove(opt.dump_path);
            if (!l) {
                ref = data;
                ref_size = size;
            } else {
                ok &= size > 0 && size == ref_size && !memcmp(data, ref, (size_t)size);
                free(data);
            }
            printf("%s preset %d at %s: %s%s%s\n", ok ? "ok  " : "FAIL", presets[p], levels[l],
                   l ? "the C level's stream" : "reference stream", ok ? "" : ": ", ok ? "" : r.message);
            ok ? passed++ : failed++;
        }
        free(ref);
    }
}

int main(void)
{
    test_cpu_levels();
    test_input_strides();
    test_scene_cuts();
    test_border_vectors();
    test_threads();
    static const enum clipgen_pattern moving[] = {
        CLIPGEN_PAN, CLIPGEN_PAN_FAST, CLIPGEN_ZOOM, CLIPGEN_OBJECT, CLIPGEN_SCENE_CUTS, CLIPGEN_NOISE,
    };
    static const int qps[] = { 0, 18, 30, 45, 51 };
    for (int preset = HWENC_PRESET_ULTRAFAST; preset < HWENC_PRESET_COUNT; preset++)
        for (size_t p = 0; p < sizeof(moving) / sizeof(moving[0]); p++) {
            inter_case c = { 176, 144, qps[(preset + p) % 5], preset, 1 + (int)(p % 3) * ((int)p % 2 + 1), 8, 250, 1,
                             moving[p] };
            run_case(&c);
        }
    for (size_t q = 0; q < sizeof(qps) / sizeof(qps[0]); q++) {
        run_case(&(inter_case){ 16, 16, qps[q], HWENC_PRESET_MEDIUM, 2, 6, 250, 1, CLIPGEN_PAN_FAST });
        run_case(&(inter_case){ 48, 32, qps[q], HWENC_PRESET_VERYFAST, 4, 10, 4, 1, CLIPGEN_OBJECT });
        run_case(&(inter_case){ 720, 404, qps[q], HWENC_PRESET_SUPERFAST, 1, 3, 250, 1, CLIPGEN_QUADRANTS });
    }
    run_case(&(inter_case){ 176, 144, 26, HWENC_PRESET_FAST, 16, 20, 250, 1, CLIPGEN_OBJECT });
    run_case(&(inter_case){ 176, 144, 26, HWENC_PRESET_FAST, 3, 8, 250, 0, CLIPGEN_ZOOM });
    /* Slice-level filter offsets, both extremes. */
    run_case(&(inter_case){ 176, 144, 36, HWENC_PRESET_VERYFAST, 1, 6, 250, 1, CLIPGEN_OBJECT, .alpha = 6, .beta = -6 });
    run_case(&(inter_case){ 176, 144, 20, HWENC_PRESET_VERYFAST, 1, 6, 250, 1, CLIPGEN_PAN, .alpha = -6, .beta = 6 });
    run_case(&(inter_case){ 176, 144, 44, HWENC_PRESET_SUPERFAST, 1, 6, 250, 1, CLIPGEN_ZOOM, .alpha = 3, .beta = 2 });
    run_case(&(inter_case){ 1920, 1080, 30, HWENC_PRESET_ULTRAFAST, 1, 2, 250, 1, CLIPGEN_PAN });
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
