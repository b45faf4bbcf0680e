/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Conformance of the profiles' coding tools: every preset with CABAC or
 * CAVLC and with or without the 8x8 transform, in I, P and B slices, at
 * QPs from 0 to 51, with one and two slice threads and at sizes that are
 * not macroblock multiples. libavcodec must decode every stream without
 * error to the encoder's reconstruction bit for bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/roundtrip.h"

static int passed, failed;

typedef struct profile_case {
    int preset, profile, cabac, transform_8x8, qp, threads, bframes, width, height;
    enum clipgen_pattern pattern;
} profile_case;

static void run_case(const profile_case *k)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = k->width;
    cfg.height = k->height;
    cfg.qp = k->qp;
    cfg.preset = (enum hwenc_preset)k->preset;
    cfg.profile = k->profile;
    cfg.cabac = k->cabac;
    cfg.transform_8x8 = k->transform_8x8;
    cfg.threads = k->threads;
    cfg.bframes = k->bframes;
    cfg.ref_frames = 2;
    cfg.keyint = 7; /* an IDR inside the clip: its I slices start new contexts */
    cfg.want_recon = 1;
    const int frames = 9;
    roundtrip_options opt = { .pattern = k->pattern, .frames = frames, .seed = (unsigned)(k->qp * 7 + k->preset) };
    roundtrip_result r;
    int ret = roundtrip_run(&cfg, &opt, &r);
    int ok = ret == 0 && r.bitexact && r.decoded == frames && (k->bframes == 0 || r.b_frames > 0);
    printf("%s %s %s cabac %d 8x8 %d qp %d threads %d bframes %d %dx%d %s: %zu bytes, PSNR-Y %.2f dB%s%s\n",
           ok ? "ok  " : "FAIL", hwenc_preset_name(cfg.preset), hwenc_profile_name(cfg.profile), k->cabac,
           k->transform_8x8, k->qp, k->threads, k->bframes, k->width, k->height, clipgen_pattern_name(k->pattern),
           r.bytes, r.psnr_y_avg, ok ? "" : ": ", ok ? "" : r.message);
    if (ok)
        passed++;
    else
        failed++;
}

int main(void)
{
    static const int qps[] = { 0, 18, 30, 51 };
    static const int tools[4][2] = { { 1, 1 }, { 1, 0 }, { 0, 1 }, { 0, 0 } };
    static const enum clipgen_pattern patterns[] = { CLIPGEN_NOISE, CLIPGEN_TEXT, CLIPGEN_QUADRANTS, CLIPGEN_CHECKER };
    int n = 0;
    for (int preset = 0; preset < HWENC_PRESET_COUNT; preset++)
        for (int t = 0; t < 4; t++)
            for (size_t q = 0; q < sizeof(qps) / sizeof(qps[0]); q++, n++) {
                /* Threads, B frames, sizes and patterns in turn. */
                profile_case k = { preset, HWENC_PROFILE_HIGH, tools[t][0], tools[t][1], qps[q], 1 + (n & 1),
                                   (n >> 1) % 3, n % 5 == 0 ? 50 : 176, n % 5 == 0 ? 38 : 144,
                                   patterns[n % 4] };
                run_case(&k);
            }
    /* Main (CABAC, no 8x8) and Baseline (neither), their presets' tools. */
    for (int preset = 0; preset < HWENC_PRESET_COUNT; preset += 5) {
        run_case(&(profile_case){ preset, HWENC_PROFILE_MAIN, -1, -1, 26, 2, 2, 176, 144, CLIPGEN_QUADRANTS });
        run_case(&(profile_case){ preset, HWENC_PROFILE_BASELINE, -1, -1, 26, 2, 0, 176, 144, CLIPGEN_QUADRANTS });
    }
    /* The smallest picture and one of a single macroblock row. */
    run_case(&(profile_case){ HWENC_PRESET_MEDIUM, HWENC_PROFILE_HIGH, 1, 1, 20, 1, 1, 2, 2, CLIPGEN_GRADIENT_DIAG });
    run_case(&(profile_case){ HWENC_PRESET_FAST, HWENC_PROFILE_HIGH, 1, 1, 24, 2, 2, 322, 16, CLIPGEN_TEXT });
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
