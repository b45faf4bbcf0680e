/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Rate control of the CPU backend: ABR lands on its target, CBR never
 * underflows its VBV buffer, CRF quality falls as CRF rises, a reconfigured
 * bitrate is followed, and every stream still decodes bit-exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip.h"

static int passed, failed;

#define CHECK(cond, ...)                                 \
    do {                                                 \
        if (cond) {                                      \
            passed++;                                    \
        } else {                                         \
            failed++;                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);  \
            printf(__VA_ARGS__);                         \
            printf("\n");                                \
        }                                                \
    } while (0)

static hwenc_config base(void)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = 176;
    cfg.height = 144;
    cfg.fps_num = 25;
    cfg.preset = HWENC_PRESET_VERYFAST;
    cfg.want_recon = 1;
    return cfg;
}

static double kbps(int64_t bits, int frames, const hwenc_config *cfg)
{
    return (double)bits * cfg->fps_num / cfg->fps_den / frames / 1000.0;
}

static int64_t sum(const int64_t *v, int from, int to)
{
    int64_t s = 0;
    for (int i = from; i < to; i++)
        s += v[i];
    return s;
}

static void test_abr(void)
{
    enum { FRAMES = 300 };
    static const int targets[] = { 150, 400, 900 };
    for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        hwenc_config cfg = base();
        cfg.rc_mode = HWENC_RC_ABR;
        cfg.bitrate_kbps = targets[t];
        int64_t bits[FRAMES];
        roundtrip_options opt = { .pattern = t == 0 ? CLIPGEN_OBJECT : CLIPGEN_PAN, .frames = FRAMES, .seed = 7,
                                  .packet_bits = bits };
        roundtrip_result r;
        int ret = roundtrip_run(&cfg, &opt, &r);
        double rate = kbps(sum(bits, 0, FRAMES), FRAMES, &cfg);
        CHECK(ret == 0 && r.bitexact, "ABR %d: %s", targets[t], r.message);
        CHECK(fabs(rate / targets[t] - 1.0) <= 0.05, "ABR target %d kb/s, got %.1f kb/s", targets[t], rate);
        printf("abr target %4d kb/s: %.1f kb/s (%+.2f%%), PSNR-Y %.2f dB\n", targets[t], rate,
               100.0 * (rate / targets[t] - 1.0), r.psnr_y_avg);
    }
}

/* The VBV model of the HRD: the buffer fills at the peak rate, up to its
 * size, and each frame's bits leave it at once; it must never run dry. */
static void check_vbv(const int64_t *bits, int frames, const hwenc_config *cfg, const char *what)
{
    double rate = (cfg->vbv_maxrate_kbps ? cfg->vbv_maxrate_kbps : cfg->bitrate_kbps) * 1000.0;
    double size = cfg->vbv_bufsize_kbits * 1000.0, fill = size * 0.9, lowest = fill;
    int underflow = -1;
    for (int i = 0; i < frames; i++) {
        fill -= (double)bits[i];
        if (fill < 0 && underflow < 0)
            underflow = i;
        lowest = fmin(lowest, fill);
        fill = fmin(fill + rate * cfg->fps_den / cfg->fps_num, size);
    }
    CHECK(underflow < 0, "%s: VBV underflow at frame %d", what, underflow);
    printf("%s: lowest buffer fill %.1f%% of %d kbit\n", what, 100.0 * lowest / size, cfg->vbv_bufsize_kbits);
}

static void test_cbr_vbv(void)
{
    enum { FRAMES = 200 };
    static const enum clipgen_pattern patterns[] = { CLIPGEN_SCENE_CUTS, CLIPGEN_ZOOM, CLIPGEN_PAN_FAST };
    for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
        hwenc_config cfg = base();
        cfg.rc_mode = HWENC_RC_CBR;
        cfg.bitrate_kbps = 300;
        cfg.vbv_bufsize_kbits = 300;
        cfg.keyint = 50;
        int64_t bits[FRAMES];
        roundtrip_options opt = { .pattern = patterns[p], .frames = FRAMES, .seed = 3, .packet_bits = bits };
        roundtrip_result r;
        int ret = roundtrip_run(&cfg, &opt, &r);
        CHECK(ret == 0 && r.bitexact, "CBR %s: %s", clipgen_pattern_name(patterns[p]), r.message);
        char what[64];
        snprintf(what, sizeof(what), "cbr 300 kb/s %s (%.1f kb/s)", clipgen_pattern_name(patterns[p]),
                 kbps(sum(bits, 0, FRAMES), FRAMES, &cfg));
        check_vbv(bits, FRAMES, &cfg, what);
    }
    /* VBR: average target under a peak. */
    hwenc_config cfg = base();
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 250;
    cfg.vbv_maxrate_kbps = 500;
    cfg.vbv_bufsize_kbits = 500;
    int64_t bits[FRAMES];
    roundtrip_options opt = { .pattern = CLIPGEN_SCENE_CUTS, .frames = FRAMES, .seed = 5, .packet_bits = bits };
    roundtrip_result r;
    CHECK(roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "VBR: %s", r.message);
    check_vbv(bits, FRAMES, &cfg, "vbr 250/500 kb/s scene-cuts");
}

static void test_crf_monotonic(void)
{
    static const double crfs[] = { 14, 20, 26, 32, 38, 44 };
    double last_psnr = 1e9, last_bytes = 1e18;
    for (size_t i = 0; i < sizeof(crfs) / sizeof(crfs[0]); i++) {
        hwenc_config cfg = base();
        cfg.rc_mode = HWENC_RC_CRF;
        cfg.crf = crfs[i];
        roundtrip_options opt = { .pattern = CLIPGEN_OBJECT, .frames = 30, .seed = 11 };
        roundtrip_result r;
        CHECK(roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "CRF %.0f: %s", crfs[i], r.message);
        CHECK(r.psnr_y_avg < last_psnr && (double)r.bytes < last_bytes,
              "CRF %.0f: PSNR %.2f dB and %zu bytes must fall below %.2f dB and %.0f bytes", crfs[i], r.psnr_y_avg,
              r.bytes, last_psnr, last_bytes);
        printf("crf %4.1f: %zu bytes, PSNR-Y %.2f dB\n", crfs[i], r.bytes, r.psnr_y_avg);
        last_psnr = r.psnr_y_avg;
        last_bytes = (double)r.bytes;
    }
}

static void test_reconfigure(void)
{
    enum { FRAMES = 240, SWITCH = 120 };
    hwenc_config cfg = base();
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 200;
    cfg.vbv_bufsize_kbits = 400;
    hwenc_config next = cfg;
    next.bitrate_kbps = 600;
    int64_t bits[FRAMES];
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = FRAMES, .seed = 9, .packet_bits = bits,
                              .reconfigure_at = SWITCH, .reconfigure = &next };
    roundtrip_result r;
    CHECK(roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "reconfigure: %s", r.message);
    /* Judge each half after a short settling time. */
    double before = kbps(sum(bits, 30, SWITCH), SWITCH - 30, &cfg);
    double after = kbps(sum(bits, SWITCH + 30, FRAMES), FRAMES - SWITCH - 30, &cfg);
    CHECK(fabs(before / 200 - 1) < 0.15 && fabs(after / 600 - 1) < 0.15,
          "reconfigured 200 -> 600 kb/s: got %.1f then %.1f kb/s", before, after);
    printf("reconfigure 200 -> 600 kb/s at frame %d: %.1f then %.1f kb/s\n", SWITCH, before, after);

    /* Changing anything but the rate is refused. */
    hwenc_encoder *enc = NULL;
    CHECK(hwenc_open(&cfg, &enc) == 0, "open");
    next = cfg;
    next.width = 320;
    CHECK(hwenc_reconfigure(enc, &next) == HWENC_EINVAL, "reconfigure must refuse a new size");
    next = cfg;
    next.bitrate_kbps = 0;
    CHECK(hwenc_reconfigure(enc, &next) == HWENC_EINVAL, "reconfigure must refuse a zero bitrate");
    hwenc_close(enc);
}

static void expect_refused(hwenc_config cfg, const char *needle)
{
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    int ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err));
    CHECK(ret == HWENC_EINVAL && strstr(err, needle), "expected a refusal naming '%s', got %d '%s'", needle, ret, err);
    hwenc_close(enc);
}

static void test_contradictions(void)
{
    hwenc_config cfg = base();
    cfg.rc_mode = HWENC_RC_CRF;
    cfg.bitrate_kbps = 500;
    expect_refused(cfg, "crf and bitrate_kbps");
    cfg = base();
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 2500;
    cfg.vbv_bufsize_kbits = 50;
    expect_refused(cfg, "vbv_bufsize_kbits");
    cfg = base();
    cfg.rc_mode = HWENC_RC_ABR;
    expect_refused(cfg, "needs a target: set bitrate_kbps");
    cfg = base();
    cfg.bitrate_kbps = 500;
    expect_refused(cfg, "HWENC_RC_CQP (qp) and a bitrate");
    cfg = base();
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 500;
    cfg.vbv_maxrate_kbps = 400;
    expect_refused(cfg, "vbv_maxrate_kbps 400 is below");
    cfg = base();
    cfg.ref_frames = 0;
    expect_refused(cfg, "ref_frames 0");
    cfg = base();
    cfg.keyint = 0;
    expect_refused(cfg, "keyint 0");
}

int main(void)
{
    test_contradictions();
    test_crf_monotonic();
    test_reconfigure();
    test_cbr_vbv();
    test_abr();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
