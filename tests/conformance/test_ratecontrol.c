/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Rate control of the CPU backend: ABR lands on its target, CBR never
 * underflows its VBV buffer, CRF quality falls as CRF rises, a reconfigured
 * bitrate is followed, and every stream still decodes bit-exactly. With
 * nal_hrd, the HRD the stream signals (read back by FFmpeg's
 * trace_headers) is the VBV, every picture is timed, and Annex C on the
 * signalled values passes; with nal_hrd cbr the filler makes the stream
 * exactly CBR. The log callback hears the VBV overrun once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/check.h"
#include "tests/common/hrd_check.h"
#include "tests/common/hrd_stream.h"
#include <unistd.h>
#include "tests/common/roundtrip.h"

static tally checks = { "test_ratecontrol" };

/* The reader of the signalled HRD (tools/setup-debian.sh installs it). */
#define FFMPEG "/usr/bin/ffmpeg"

/* Messages the log callback heard. */
typedef struct heard {
    int count[4];                /* by hwenc_log_level */
    int cli_flags;               /* messages naming a command-line option ("--") */
    char first_warning[1024];
} heard;

static void listen(void *opaque, enum hwenc_log_level level, const char *message)
{
    heard *h = opaque;
    if ((unsigned)level < 4)
        h->count[level]++;
    h->cli_flags += strstr(message, "--") != NULL;
    if (level == HWENC_LOG_WARNING && !h->first_warning[0])
        snprintf(h->first_warning, sizeof(h->first_warning), "%s", message);
}

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
        CHECK(&checks, ret == 0 && r.bitexact, "ABR %d: %s", targets[t], r.message);
        CHECK(&checks, fabs(rate / targets[t] - 1.0) <= 0.05, "ABR target %d kb/s, got %.1f kb/s", targets[t], rate);
        printf("abr target %4d kb/s: %.1f kb/s (%+.2f%%), PSNR-Y %.2f dB\n", targets[t], rate,
               100.0 * (rate / targets[t] - 1.0), r.psnr_y_avg);
    }
}

/* The HRD the configuration asks for: CBR sends at the bitrate, VBR at its
 * peak; the buffer defaults to one second at that rate, as in the library. */
static hrd_params hrd_of(const hwenc_config *cfg)
{
    double rate = (cfg->rc_mode == HWENC_RC_CBR || !cfg->vbv_maxrate_kbps ? cfg->bitrate_kbps
                                                                          : cfg->vbv_maxrate_kbps) * 1000.0;
    double size = cfg->vbv_bufsize_kbits ? cfg->vbv_bufsize_kbits * 1000.0 : rate;
    return (hrd_params){ .bit_rate = rate, .cpb_size = size, .fps = (double)cfg->fps_num / cfg->fps_den,
                         .cbr = cfg->rc_mode == HWENC_RC_CBR };
}

/* Annex C on the packets in decoding order: no underflow, no CBR overflow,
 * with `next` in force from picture `switch_at` when not NULL. Returns the
 * model for further checks. */
static hrd_model check_hrd(const int64_t *bits, int frames, const hwenc_config *cfg, int switch_at,
                           const hwenc_config *next, const char *what)
{
    hrd_params p = hrd_of(cfg);
    hrd_model m;
    hrd_init(&m, &p);
    for (int i = 0; i < frames; i++) {
        if (next && i == switch_at) {
            p = hrd_of(next);
            hrd_reconfigure(&m, &p);
        }
        hrd_picture(&m, bits[i]);
    }
    char msg[256];
    CHECK(&checks, hrd_ok(&m, msg, sizeof(msg)), "%s: %s", what, msg);
    printf("%s: %s\n", what, msg);
    return m;
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
        int64_t bits[FRAMES], coded[FRAMES];
        roundtrip_options opt = { .pattern = patterns[p], .frames = FRAMES, .seed = 3, .packet_bits = bits,
                                  .decode_bits = coded };
        roundtrip_result r;
        int ret = roundtrip_run(&cfg, &opt, &r);
        CHECK(&checks, ret == 0 && r.bitexact, "CBR %s: %s", clipgen_pattern_name(patterns[p]), r.message);
        char what[64];
        snprintf(what, sizeof(what), "cbr 300 kb/s %s (%.1f kb/s)", clipgen_pattern_name(patterns[p]),
                 kbps(sum(bits, 0, FRAMES), FRAMES, &cfg));
        check_hrd(coded, FRAMES, &cfg, 0, NULL, what);
    }
    /* VBR: average target under a peak. */
    hwenc_config cfg = base();
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 250;
    cfg.vbv_maxrate_kbps = 500;
    cfg.vbv_bufsize_kbits = 500;
    int64_t coded[FRAMES];
    roundtrip_options opt = { .pattern = CLIPGEN_SCENE_CUTS, .frames = FRAMES, .seed = 5, .decode_bits = coded };
    roundtrip_result r;
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "VBR: %s", r.message);
    check_hrd(coded, FRAMES, &cfg, 0, NULL, "vbr 250/500 kb/s scene-cuts");
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
        CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "CRF %.0f: %s", crfs[i], r.message);
        CHECK(&checks, r.psnr_y_avg < last_psnr && (double)r.bytes < last_bytes,
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
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "reconfigure: %s", r.message);
    check_hrd(bits, FRAMES, &cfg, SWITCH, &next, "cbr 200 -> 600 kb/s");
    /* Judge each half after a short settling time. */
    double before = kbps(sum(bits, 30, SWITCH), SWITCH - 30, &cfg);
    double after = kbps(sum(bits, SWITCH + 30, FRAMES), FRAMES - SWITCH - 30, &cfg);
    CHECK(&checks, fabs(before / 200 - 1) < 0.15 && fabs(after / 600 - 1) < 0.15,
                   "reconfigured 200 -> 600 kb/s: got %.1f then %.1f kb/s", before, after);
    printf("reconfigure 200 -> 600 kb/s at frame %d: %.1f then %.1f kb/s\n", SWITCH, before, after);

    /* Changing anything but the rate is refused. */
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&cfg, &enc) == 0, "open");
    next = cfg;
    next.width = 320;
    CHECK(&checks, hwenc_reconfigure(enc, &next) == HWENC_EINVAL, "reconfigure must refuse a new size");
    next = cfg;
    next.bitrate_kbps = 0;
    CHECK(&checks, hwenc_reconfigure(enc, &next) == HWENC_EINVAL, "reconfigure must refuse a zero bitrate");
    hwenc_close(enc);
}

/* The user report behind issue 21: low-latency CBR, ultrafast, 2 threads,
 * a keyframe every 2 s, the bitrate halved from 6000 to 3000 kb/s mid-way
 * on detailed content. At 1080p one frame came out right after the
 * reconfigure at a second of the new budget. Here at 1280x720 (the same
 * shape, fast enough under ASan): every picture must fit the HRD of the
 * setting it was coded under, none above its buffer. */
static void test_reconfigure_halved(void)
{
    enum { FRAMES = 120, SWITCH = 60 };
    hwenc_config cfg = base();
    cfg.width = 1280;
    cfg.height = 720;
    cfg.preset = HWENC_PRESET_ULTRAFAST;
    cfg.threads = 2;
    cfg.low_latency = 1;
    cfg.keyint = 50;
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 6000;
    cfg.want_recon = 0;
    hwenc_config next = cfg;
    next.bitrate_kbps = 3000;
    int64_t bits[FRAMES];
    roundtrip_options opt = { .pattern = CLIPGEN_PAN_FAST, .frames = FRAMES, .seed = 21, .packet_bits = bits,
                              .reconfigure_at = SWITCH, .reconfigure = &next };
    roundtrip_result r;
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0, "720p 6000 -> 3000 kb/s: %s", r.message);
    hrd_model m = check_hrd(bits, FRAMES, &cfg, SWITCH, &next, "720p cbr 6000 -> 3000 kb/s pan-fast");
    CHECK(&checks, m.above_buffer == 0 && r.vbv_overruns == 0, "%d pictures above their buffer, %d flagged vbv_overrun",
                   m.above_buffer, r.vbv_overruns);
    /* The rate moves over the buffer, not in one frame: none of the ten
     * frames after the cut (no keyframe among them) takes a quarter of the
     * new buffer. Before the fix the first took 1527 kbit, half of it. */
    for (int i = SWITCH; i < SWITCH + 10; i++)
        CHECK(&checks, bits[i] <= next.bitrate_kbps * 1000 / 4, "frame %d after the cut to 3000 kb/s: %.0f kbit", i,
                       bits[i] / 1000.0);
    int64_t largest_after = 0;
    for (int i = SWITCH; i < FRAMES; i++)
        largest_after = bits[i] > largest_after ? bits[i] : largest_after;
    printf("720p cbr 6000 -> 3000 kb/s: %.1f then %.1f kb/s, first frame after %.0f kbit, largest after %.0f kbit, "
           "QP of the last P %d\n", kbps(sum(bits, 0, SWITCH), SWITCH, &cfg),
           kbps(sum(bits, SWITCH, FRAMES), FRAMES - SWITCH, &cfg), bits[SWITCH] / 1000.0, largest_after / 1000.0,
           r.qp_by_type[HWENC_FRAME_P]);
}

/* Noise that even QP 51 cannot hold at the rate (the user's very detailed
 * content, where CBR 6000 kb/s gave 7.3-7.9 Mb/s at QP 51): the encoder
 * must code at QP 51, the HRD fails, and every late picture is flagged
 * vbv_overrun in its packet, exactly those the checker finds. */
static void test_beyond_qp51(void)
{
    enum { FRAMES = 40 };
    hwenc_config cfg = base();
    cfg.width = 320;
    cfg.height = 180;
    cfg.preset = HWENC_PRESET_ULTRAFAST;
    cfg.low_latency = 1;
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 500;
    cfg.want_recon = 0;
    heard h = { { 0 } };
    cfg.log_callback = listen;
    cfg.log_opaque = &h;
    int64_t bits[FRAMES];
    roundtrip_options opt = { .pattern = CLIPGEN_NOISE, .frames = FRAMES, .seed = 4, .packet_bits = bits };
    roundtrip_result r;
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0, "noise beyond the rate: %s", r.message);
    hrd_params p = hrd_of(&cfg);
    hrd_model m;
    char msg[256];
    int conform = hrd_check(&p, bits, FRAMES, &m, msg, sizeof(msg));
    double rate = kbps(sum(bits, 0, FRAMES), FRAMES, &cfg);
    CHECK(&checks, !conform && r.qp_by_type[HWENC_FRAME_P] == 51 && m.underflows == r.vbv_overruns,
                   "noise at cbr 500 kb/s: %s, %.0f kb/s, last P QP %d, %d packets flagged vbv_overrun", msg, rate,
                   r.qp_by_type[HWENC_FRAME_P], r.vbv_overruns);
    printf("noise 320x180 at cbr 500 kb/s: %.0f kb/s, last P QP %d, %d packets flagged vbv_overrun; %s\n", rate,
           r.qp_by_type[HWENC_FRAME_P], r.vbv_overruns, msg);
    /* Said once through the callback, in hwenc_config's terms, however
     * many packets overran; the backend choice was said at info level. */
    CHECK(&checks, r.vbv_overruns > 1 && h.count[HWENC_LOG_WARNING] == 1 &&
                       strstr(h.first_warning, "cannot hold the VBV even at QP 51") &&
                       strstr(h.first_warning, "vbv_bufsize_kbits") && !h.cli_flags,
          "%d overruns, %d warnings, %d messages naming options: '%s'", r.vbv_overruns, h.count[HWENC_LOG_WARNING],
          h.cli_flags, h.first_warning);
    CHECK(&checks, h.count[HWENC_LOG_INFO] >= 1 && h.count[HWENC_LOG_ERROR] == 0 && h.count[HWENC_LOG_DEBUG] == 0,
          "info %d, error %d, debug %d (log_level info)", h.count[HWENC_LOG_INFO], h.count[HWENC_LOG_ERROR],
          h.count[HWENC_LOG_DEBUG]);
    printf("log: %s\n", h.first_warning);
    /* log_level error: not even the warning. */
    heard quiet = { { 0 } };
    cfg.log_opaque = &quiet;
    cfg.log_level = HWENC_LOG_ERROR;
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && quiet.count[HWENC_LOG_WARNING] == 0 &&
                       quiet.count[HWENC_LOG_INFO] == 0, "log_level error heard %d warnings, %d infos",
          quiet.count[HWENC_LOG_WARNING], quiet.count[HWENC_LOG_INFO]);
    /* log_level debug: a line per picture. */
    heard all = { { 0 } };
    cfg.log_opaque = &all;
    cfg.log_level = HWENC_LOG_DEBUG;
    CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && all.count[HWENC_LOG_DEBUG] == FRAMES,
          "log_level debug: %d debug lines for %d pictures", all.count[HWENC_LOG_DEBUG], FRAMES);
}

static void expect_refused(hwenc_config cfg, const char *needle)
{
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    int ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err));
    CHECK(&checks, ret == HWENC_EINVAL && strstr(err, needle), "expected a refusal naming '%s', got %d '%s'", needle, ret, err);
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
    cfg = base();
    cfg.nal_hrd = HWENC_NAL_HRD_VBR;
    expect_refused(cfg, "nal_hrd vbr needs a VBV");
    cfg = base();
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 500;
    cfg.nal_hrd = HWENC_NAL_HRD_CBR;
    expect_refused(cfg, "nal_hrd cbr needs rc_mode HWENC_RC_CBR");
    cfg = base();
    cfg.nal_hrd = (enum hwenc_nal_hrd)3;
    expect_refused(cfg, "unknown nal_hrd 3");
    cfg = base();
    cfg.log_level = (enum hwenc_log_level)4;
    expect_refused(cfg, "unknown log_level 4");
}

/* Reads a stream back (FFmpeg's trace_headers) and checks Annex C on what
 * it signals; returns the model, st keeps what was read. */
static int check_signalled(const char *path, const int64_t *coded, int frames, const hwenc_config *cfg,
                           const char *what, hrd_stream *st, hrd_model *m)
{
    char msg[512];
    memset(m, 0, sizeof(*m));
    if (hrd_stream_read_file(FFMPEG, path, st, msg, sizeof(msg)) < 0) {
        CHECK(&checks, 0, "%s: %s", what, msg);
        return 0;
    }
    printf("%s: %s\n", what, msg);
    int ok = hrd_stream_check(st, coded, frames, (double)cfg->fps_num / cfg->fps_den, 1, m, msg, sizeof(msg));
    printf("%s: %s\n", what, msg);
    return ok;
}

typedef struct nal_hrd_case {
    const char *name;
    enum hwenc_rate_control rc;
    enum hwenc_nal_hrd nal_hrd;
    int bitrate, maxrate, bufsize, bframes;
    enum clipgen_pattern pattern;
    int expect_filler;           /* 1: must pad; 0: must not (VBR); -1: content decides */
} nal_hrd_case;

static void test_nal_hrd(void)
{
    enum { FRAMES = 100 };
    static const nal_hrd_case cases[] = {
        { "cbr 300 scene-cuts", HWENC_RC_CBR, HWENC_NAL_HRD_CBR, 300, 0, 300, 0, CLIPGEN_SCENE_CUTS, -1 },
        { "cbr 300 flat (all filler)", HWENC_RC_CBR, HWENC_NAL_HRD_CBR, 300, 0, 0, 0, CLIPGEN_FLAT_BANDS, 1 },
        { "cbr 250 zoom, 2 B frames", HWENC_RC_CBR, HWENC_NAL_HRD_CBR, 250, 0, 500, 2, CLIPGEN_ZOOM, -1 },
        { "cbr 300 flat, nal_hrd vbr", HWENC_RC_CBR, HWENC_NAL_HRD_VBR, 300, 0, 0, 0, CLIPGEN_FLAT_BANDS, 0 },
        { "vbr 250/500 scene-cuts", HWENC_RC_VBR, HWENC_NAL_HRD_VBR, 250, 500, 500, 0, CLIPGEN_SCENE_CUTS, 0 },
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const nal_hrd_case *k = &cases[c];
        hwenc_config cfg = base();
        cfg.rc_mode = k->rc;
        cfg.nal_hrd = k->nal_hrd;
        cfg.bitrate_kbps = k->bitrate;
        cfg.vbv_maxrate_kbps = k->maxrate;
        cfg.vbv_bufsize_kbits = k->bufsize;
        cfg.bframes = k->bframes;
        cfg.keyint = 40;
        char path[64];
        snprintf(path, sizeof(path), "/tmp/hwenc-nal-hrd-%d.264", (int)getpid());
        int64_t coded[FRAMES];
        roundtrip_options opt = { .pattern = k->pattern, .frames = FRAMES, .seed = 13, .decode_bits = coded,
                                  .dump_path = path };
        roundtrip_result r;
        CHECK(&checks, roundtrip_run(&cfg, &opt, &r) == 0 && r.bitexact, "%s: %s", k->name, r.message);
        hrd_stream st;
        hrd_model m;
        int ok = check_signalled(path, coded, FRAMES, &cfg, k->name, &st, &m);
        CHECK(&checks, ok, "%s: Annex C on the signalled HRD failed (see above)", k->name);
        /* The VBV as configured, rounded up by at most the syntax's unit. */
        hrd_params want = hrd_of(&cfg);
        CHECK(&checks, st.bit_rate >= want.bit_rate && st.bit_rate <= want.bit_rate * 1.001 + 64 &&
                           st.cpb_size >= want.cpb_size && st.cpb_size <= want.cpb_size * 1.001 + 16 &&
                           st.cbr_flag == (k->nal_hrd == HWENC_NAL_HRD_CBR),
              "%s: signalled %.0f bit/s, %.0f bits, cbr_flag %d for %.0f, %.0f", k->name, st.bit_rate, st.cpb_size,
              st.cbr_flag, want.bit_rate, want.cpb_size);
        CHECK(&checks, k->expect_filler < 0 || (st.filler_count > 0) == k->expect_filler,
              "%s: %d filler NAL units", k->name, st.filler_count);
        /* B pictures: the first picture leaves the DPB one picture late. */
        CHECK(&checks, st.aus > 0 && st.au[0].dpb_delay == 2 * (k->bframes > 0), "%s: first dpb_output_delay %lld",
              k->name, st.aus ? st.au[0].dpb_delay : -1);
        if (k->nal_hrd == HWENC_NAL_HRD_VBR && k->expect_filler == 0 && k->rc == HWENC_RC_CBR) {
            /* Must refuse: the same stream without filler, judged as the
             * CBR HRD would be, overflows. */
            st.cbr_flag = 1;
            char msg[512];
            hrd_model strict;
            int conform = hrd_stream_check(&st, coded, FRAMES, (double)cfg.fps_num / cfg.fps_den, 1, &strict, msg,
                                           sizeof(msg));
            CHECK(&checks, !conform && strict.overflows > 0, "%s without filler as cbr_flag 1: %s", k->name, msg);
            printf("%s, judged as cbr_flag 1: %s\n", k->name, msg);
        }
        hrd_stream_free(&st);
        unlink(path);
    }

    /* With the HRD in the SPS the rate cannot change (as x264); the
     * refusals name the fields. */
    hwenc_config cfg = base();
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 300;
    cfg.nal_hrd = HWENC_NAL_HRD_CBR;
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&cfg, &enc) == 0, "open with nal_hrd cbr");
    hwenc_config next = cfg;
    next.bitrate_kbps = 200;
    CHECK(&checks, enc && hwenc_reconfigure(enc, &next) == HWENC_EUNSUPPORTED &&
                       strstr(hwenc_last_error(enc), "bitrate_kbps"),
          "reconfigure under nal_hrd: %s", enc ? hwenc_last_error(enc) : "");
    hwenc_close(enc);
}

int main(void)
{
    test_contradictions();
    test_crf_monotonic();
    test_reconfigure();
    test_reconfigure_halved();
    test_beyond_qp51();
    test_nal_hrd();
    test_cbr_vbv();
    test_abr();
    return tally_result(&checks);
}
