/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Conformance of the CPU encoder's intra coding: generated clips at several
 * sizes and QPs are decoded by libavcodec, which must return every frame
 * without error and equal to the encoder's reconstruction bit for bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/roundtrip.h"

static int passed, failed;

static void run_case(int w, int h, int qp, enum hwenc_pixel_format fmt, enum clipgen_pattern pattern, int frames,
                     int keyint)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = w;
    cfg.height = h;
    cfg.qp = qp;
    cfg.keyint = keyint;
    cfg.pixel_format = fmt;
    cfg.want_recon = 1;
    roundtrip_options opt = { .pattern = pattern, .frames = frames, .seed = (unsigned)(w * 31 + qp) };
    roundtrip_result r;
    int ret = roundtrip_run(&cfg, &opt, &r);
    int ok = ret == 0 && r.bitexact && r.decoded == frames;
    printf("%s %dx%d qp %d %s %s: %d frames, %zu bytes, PSNR-Y %.2f dB%s%s\n", ok ? "ok  " : "FAIL", w, h, qp,
           fmt == HWENC_PIXFMT_NV12 ? "nv12" : "i420", clipgen_pattern_name(pattern), r.decoded, r.bytes,
           r.psnr_y_avg, ok ? "" : ": ", ok ? "" : r.message);
    if (ok)
        passed++;
    else
        failed++;
}

int main(void)
{
    static const int qps[] = { 0, 10, 26, 51 };
    static const enum clipgen_pattern small_patterns[] = {
        CLIPGEN_GRADIENT_H, CLIPGEN_GRADIENT_DIAG, CLIPGEN_CHECKER, CLIPGEN_TEXT, CLIPGEN_FLAT_BANDS,
        CLIPGEN_FLAT_0, CLIPGEN_FLAT_255, CLIPGEN_NOISE, CLIPGEN_QUADRANTS,
    };
    for (size_t q = 0; q < sizeof(qps) / sizeof(qps[0]); q++) {
        for (size_t p = 0; p < sizeof(small_patterns) / sizeof(small_patterns[0]); p++) {
            run_case(16, 16, qps[q], HWENC_PIXFMT_I420, small_patterns[p], 2, 250);
            run_case(176, 144, qps[q], HWENC_PIXFMT_I420, small_patterns[p], 3, 2);
        }
        run_case(720, 404, qps[q], HWENC_PIXFMT_I420, CLIPGEN_QUADRANTS, 3, 250);
        run_case(720, 404, qps[q], HWENC_PIXFMT_NV12, CLIPGEN_TEXT, 2, 250);
        run_case(1920, 1080, qps[q], HWENC_PIXFMT_I420, CLIPGEN_QUADRANTS, 2, 250);
    }
    /* Sizes that are not macroblock multiples on either side. */
    run_case(18, 34, 20, HWENC_PIXFMT_I420, CLIPGEN_NOISE, 2, 250);
    run_case(2, 2, 20, HWENC_PIXFMT_I420, CLIPGEN_GRADIENT_DIAG, 2, 250);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
