/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The public API under misuse and bad configurations: every case must give
 * an error code (and a message), never a crash or undefined behaviour.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/check.h"
#include "hwenc/hwenc.h"

static tally checks = { "test_api" };

static hwenc_config base_config(void)
{
    hwenc_config c;
    hwenc_config_default(&c);
    c.backend = HWENC_BACKEND_CPU;
    c.width = 64;
    c.height = 48;
    return c;
}

static void expect_open_error(hwenc_config c, int code, const char *needle)
{
    hwenc_encoder *enc = (hwenc_encoder *)&c; /* must be reset to NULL */
    char err[512] = "";
    int ret = hwenc_open_ex(&c, &enc, err, sizeof(err));
    CHECK(&checks, ret == code && enc == NULL && strstr(err, needle), "expected %d with '%s', got %d '%s'", code, needle,
                   ret, err);
}

static void test_config_errors(void)
{
    hwenc_config c = base_config();
    c.width = 0;
    expect_open_error(c, HWENC_EINVAL, "positive");
    c = base_config();
    c.width = 65;
    expect_open_error(c, HWENC_EINVAL, "odd size");
    c = base_config();
    c.height = -2;
    expect_open_error(c, HWENC_EINVAL, "positive");
    c = base_config();
    c.width = 16384;
    c.height = 16384;
    expect_open_error(c, HWENC_EINVAL, "level");
    c = base_config();
    c.width = 20000;
    expect_open_error(c, HWENC_EINVAL, "beyond");
    c = base_config();
    c.qp = 52;
    expect_open_error(c, HWENC_EINVAL, "qp 52");
    c = base_config();
    c.keyint = 0;
    expect_open_error(c, HWENC_EINVAL, "keyint 0");
    c = base_config();
    c.ref_frames = 0;
    expect_open_error(c, HWENC_EINVAL, "ref_frames 0");
    c = base_config();
    c.fps_den = 0;
    expect_open_error(c, HWENC_EINVAL, "frame rate");
    c = base_config();
    c.pixel_format = (enum hwenc_pixel_format)7;
    expect_open_error(c, HWENC_EINVAL, "pixel format");
    c = base_config();
    c.struct_size = 12;
    expect_open_error(c, HWENC_EINVAL, "struct_size");
    c = base_config();
    c.fps_num = 240;
    c.width = 4096;
    c.height = 2304;
    c.ref_frames = 16;
    /* Big, fast and many references still fits level 6.x: must open. */
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&c, &enc) == 0 && enc, "4096x2304@240 with 16 refs should open");
    hwenc_close(enc);

    /* Profiles refuse the tools they lack, naming the fields. */
    c = base_config();
    c.profile = HWENC_PROFILE_BASELINE;
    c.bframes = 2;
    expect_open_error(c, HWENC_EINVAL, "profile baseline");
    c = base_config();
    c.profile = HWENC_PROFILE_BASELINE;
    c.cabac = 1;
    expect_open_error(c, HWENC_EINVAL, "cabac 1 and profile baseline");
    c = base_config();
    c.profile = HWENC_PROFILE_MAIN;
    c.transform_8x8 = 1;
    expect_open_error(c, HWENC_EINVAL, "transform_8x8 1 needs profile high");
    c = base_config();
    c.profile = 3;
    expect_open_error(c, HWENC_EINVAL, "unknown profile");
    c = base_config();
    c.cabac = 2;
    expect_open_error(c, HWENC_EINVAL, "cabac 2");
    /* Without asking for a tool, the profile just leaves it out. */
    c = base_config();
    c.profile = HWENC_PROFILE_BASELINE;
    CHECK(&checks, hwenc_open(&c, &enc) == 0 && enc, "baseline with the preset's tools opens");
    hwenc_close(enc);
    CHECK(&checks, !strcmp(hwenc_profile_name(HWENC_PROFILE_HIGH), "high") && hwenc_profile_from_name("Main") == 1 &&
                       hwenc_profile_from_name("high10") == -1,
                   "profile names");

    char err[64];
    CHECK(&checks, hwenc_open_ex(NULL, &enc, err, sizeof(err)) == HWENC_EINVAL, "NULL config");
    c = base_config();
    CHECK(&checks, hwenc_open_ex(&c, NULL, err, sizeof(err)) == HWENC_EINVAL, "NULL output");
}

static void expect_refused_by_field(hwenc_config c, const char *needle)
{
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    int ret = hwenc_open_ex(&c, &enc, err, sizeof(err));
    CHECK(&checks, ret == HWENC_EINVAL && !enc && strstr(err, needle) && !strstr(err, "--"),
                   "expected EINVAL naming '%s' and no option of the command line, got %d '%s'", needle, ret, err);
    hwenc_close(enc);
}

/* Values the stream cannot carry are refused, NaN included (every
 * comparison with NaN is false, so "crf < 0 || crf > 51" let it through),
 * and the messages name hwenc_config fields, never command-line options. */
static void test_config_validation(void)
{
    const double bad_crf[] = { NAN, -NAN, INFINITY, -INFINITY, -0.5, 51.01 };
    for (int mode = HWENC_RC_CQP; mode <= HWENC_RC_CRF; mode++)
        for (size_t i = 0; i < sizeof(bad_crf) / sizeof(bad_crf[0]); i++) {
            hwenc_config c = base_config();
            c.rc_mode = (enum hwenc_rate_control)mode;
            c.crf = bad_crf[i];
            expect_refused_by_field(c, "crf");
        }
    const int bad_primaries[] = { -1, 3, 13, 21, 23, 255, 256, 999 };
    const int bad_transfer[] = { -5, 3, 19, 255, 256 };
    const int bad_matrix[] = { -1, 3, 15, 255, 256 };
    const int bad_chroma_loc[] = { -1, 6, 77 };
    for (size_t i = 0; i < sizeof(bad_primaries) / sizeof(bad_primaries[0]); i++) {
        hwenc_config c = base_config();
        c.colour.primaries = bad_primaries[i];
        expect_refused_by_field(c, "colour.primaries");
    }
    for (size_t i = 0; i < sizeof(bad_transfer) / sizeof(bad_transfer[0]); i++) {
        hwenc_config c = base_config();
        c.colour.transfer = bad_transfer[i];
        expect_refused_by_field(c, "colour.transfer");
    }
    for (size_t i = 0; i < sizeof(bad_matrix) / sizeof(bad_matrix[0]); i++) {
        hwenc_config c = base_config();
        c.colour.matrix = bad_matrix[i];
        expect_refused_by_field(c, "colour.matrix");
    }
    for (size_t i = 0; i < sizeof(bad_chroma_loc) / sizeof(bad_chroma_loc[0]); i++) {
        hwenc_config c = base_config();
        c.colour.chroma_sample_loc = bad_chroma_loc[i];
        expect_refused_by_field(c, "colour.chroma_sample_loc");
    }
    hwenc_config c = base_config();
    c.colour.full_range = 2;
    expect_refused_by_field(c, "colour.full_range");
    c = base_config();
    c.sar_num = 5;
    expect_refused_by_field(c, "sample aspect ratio");
    c = base_config();
    c.sar_den = 7;
    expect_refused_by_field(c, "sample aspect ratio");
    /* Found by fuzz_api: 4 samples at 1793:49152 are displayed 0 wide,
     * and FFmpeg's decoder then drops every P picture. */
    c = base_config();
    c.width = 4;
    c.height = 72;
    c.sar_num = 1793;
    c.sar_den = 49152;
    expect_refused_by_field(c, "less than one sample wide");
    c.width = 72;
    c.height = 4;
    c.sar_num = 49152;
    c.sar_den = 1793;
    expect_refused_by_field(c, "less than one sample high");

    /* The other refusals speak in fields too. */
    c = base_config();
    c.qp = -1;
    expect_refused_by_field(c, "qp -1");
    c = base_config();
    c.bframes = 2;
    c.low_latency = 1;
    expect_refused_by_field(c, "bframes 2 and low_latency");
    c = base_config();
    c.rc_mode = HWENC_RC_CRF;
    c.bitrate_kbps = 100;
    expect_refused_by_field(c, "crf and bitrate_kbps");
    c = base_config();
    c.rc_mode = HWENC_RC_CBR;
    c.bitrate_kbps = 1000;
    c.vbv_bufsize_kbits = 1;
    expect_refused_by_field(c, "vbv_bufsize_kbits 1");
    c = base_config();
    c.deblock_alpha = 7;
    expect_refused_by_field(c, "deblock_alpha 7");
    c = base_config();
    c.scenecut = 101;
    expect_refused_by_field(c, "scenecut 101");
    c = base_config();
    c.min_keyint = -1;
    expect_refused_by_field(c, "min_keyint -1");

    /* Every defined code point opens, and so does the edge of each range. */
    const int primaries[] = { 0, 1, 2, 4, 12, 22 }, transfer[] = { 0, 1, 2, 4, 16, 18 }, matrix[] = { 0, 1, 2, 4, 9, 14 };
    for (int i = 0; i < 6; i++) {
        c = base_config();
        c.colour = (hwenc_colour){ i & 1, primaries[i], transfer[i], matrix[i], i };
        c.sar_num = i ? 65535 : 0;
        c.sar_den = i ? 65534 : 0;
        hwenc_encoder *enc = NULL;
        char err[512] = "";
        CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == 0, "colour %d/%d/%d loc %d: %s", primaries[i], transfer[i],
                       matrix[i], i, err);
        hwenc_close(enc);
    }

    /* hwenc_reconfigure validates what it is given in the same way. */
    c = base_config();
    c.rc_mode = HWENC_RC_CRF;
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&c, &enc) == 0, "open CRF");
    c.crf = NAN;
    CHECK(&checks, hwenc_reconfigure(enc, &c) == HWENC_EINVAL && strstr(hwenc_last_error(enc), "crf"),
                   "reconfigure to crf NaN: %s", hwenc_last_error(enc));
    hwenc_close(enc);
}

static void test_misuse(void)
{
    hwenc_config c = base_config();
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&c, &enc) == 0, "open");
    hwenc_packet pkt;
    static uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
    hwenc_frame f = { .plane = { y, u, v }, .stride = { 64, 32, 32 } };

    CHECK(&checks, hwenc_receive_packet(enc, &pkt) == HWENC_EAGAIN, "receive before any send needs input");
    CHECK(&checks, hwenc_send_frame(NULL, &f) == HWENC_EINVAL, "send to NULL encoder");
    CHECK(&checks, hwenc_receive_packet(NULL, &pkt) == HWENC_EINVAL, "receive from NULL encoder");
    CHECK(&checks, hwenc_receive_packet(enc, NULL) == HWENC_EINVAL, "receive into NULL packet");
    hwenc_frame bad = f;
    bad.plane[1] = NULL;
    CHECK(&checks, hwenc_send_frame(enc, &bad) == HWENC_EINVAL && strstr(hwenc_last_error(enc), "plane 1"),
                   "NULL plane: %s", hwenc_last_error(enc));
    bad = f;
    bad.stride[0] = 10;
    CHECK(&checks, hwenc_send_frame(enc, &bad) == HWENC_EINVAL, "stride below width");

    CHECK(&checks, hwenc_send_frame(enc, &f) == 0, "send");
    /* The CPU backend holds one packet: a second send must wait for receive. */
    CHECK(&checks, hwenc_send_frame(enc, &f) == HWENC_EAGAIN, "second send before receive");
    CHECK(&checks, hwenc_receive_packet(enc, &pkt) == 0 && pkt.keyframe && pkt.type == HWENC_FRAME_IDR, "first packet IDR");
    CHECK(&checks, pkt.size > 4 && pkt.data[0] == 0 && pkt.data[1] == 0 && pkt.data[2] == 0 && pkt.data[3] == 1 &&
                       (pkt.data[4] & 31) == 7,
                   "IDR packet starts with an SPS");
    CHECK(&checks, hwenc_send_frame(enc, &f) == 0, "send after receive");
    CHECK(&checks, hwenc_send_frame(enc, NULL) == 0, "flush");
    CHECK(&checks, hwenc_send_frame(enc, &f) == HWENC_ESTATE, "send after flush");
    CHECK(&checks, hwenc_send_frame(enc, NULL) == HWENC_ESTATE, "second flush");
    CHECK(&checks, hwenc_receive_packet(enc, &pkt) == 0 && !pkt.keyframe, "second packet");
    CHECK(&checks, hwenc_receive_packet(enc, &pkt) == HWENC_EOF, "EOF after flush");
    CHECK(&checks, hwenc_receive_packet(enc, &pkt) == HWENC_EOF, "EOF stays");
    hwenc_close(enc);
    hwenc_close(NULL);
}

static void test_force_idr_and_keyint(void)
{
    hwenc_config c = base_config();
    c.keyint = 3;
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&c, &enc) == 0, "open");
    static uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
    const int expect_key[8] = { 1, 0, 0, 1, 0, 1, 0, 0 };
    for (int i = 0; i < 8; i++) {
        hwenc_frame f = { .plane = { y, u, v }, .stride = { 64, 32, 32 }, .pts = 100 + i, .force_idr = i == 5 };
        hwenc_packet pkt;
        CHECK(&checks, hwenc_send_frame(enc, &f) == 0, "send %d", i);
        CHECK(&checks, hwenc_receive_packet(enc, &pkt) == 0, "receive %d", i);
        CHECK(&checks, pkt.keyframe == expect_key[i] && pkt.pts == 100 + i, "frame %d keyframe %d pts %lld", i, pkt.keyframe,
                       (long long)pkt.pts);
    }
    hwenc_close(enc);
}

/* Low latency: every frame's packet is ready right after its send, in
 * order, with dts = pts, under constant QP and under a bitrate. */
static void test_low_latency(void)
{
    for (int abr = 0; abr < 2; abr++) {
        hwenc_config c = base_config();
        c.low_latency = 1;
        if (abr) {
            c.rc_mode = HWENC_RC_ABR;
            c.bitrate_kbps = 200;
        }
        hwenc_encoder *enc = NULL;
        CHECK(&checks, hwenc_open(&c, &enc) == 0, "open low latency (rc %d)", c.rc_mode);
        static uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
        for (int i = 0; enc && i < 12; i++) {
            y[i * 7] = (uint8_t)(40 * i); /* some change from frame to frame */
            hwenc_frame f = { .plane = { y, u, v }, .stride = { 64, 32, 32 }, .pts = 1000 + 40 * i };
            hwenc_packet pkt;
            CHECK(&checks, hwenc_send_frame(enc, &f) == 0, "send %d", i);
            CHECK(&checks, hwenc_receive_packet(enc, &pkt) == 0 && pkt.pts == f.pts && pkt.dts == f.pts,
                           "frame %d: its packet right after the send (rc %d)", i, c.rc_mode);
            CHECK(&checks, hwenc_receive_packet(enc, &pkt) == HWENC_EAGAIN, "frame %d: nothing more until the next send", i);
        }
        hwenc_close(enc);
    }
}

/* hwenc_get_extradata: nothing before the first IDR, then exactly the
 * SPS and PPS that begin that IDR packet, in Annex B. */
static void test_extradata(void)
{
    hwenc_config c = base_config();
    hwenc_encoder *enc = NULL;
    uint8_t buf[1024];
    CHECK(&checks, hwenc_get_extradata(NULL, buf, sizeof(buf)) == HWENC_EINVAL, "extradata of no encoder");
    CHECK(&checks, hwenc_open(&c, &enc) == 0, "open");
    CHECK(&checks, hwenc_get_extradata(enc, NULL, 8) == HWENC_EINVAL, "extradata into no buffer");
    CHECK(&checks, hwenc_get_extradata(enc, buf, sizeof(buf)) == HWENC_EAGAIN, "extradata before the first packet");
    static uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
    hwenc_frame f = { .plane = { y, u, v }, .stride = { 64, 32, 32 } };
    hwenc_packet pkt;
    CHECK(&checks, hwenc_send_frame(enc, &f) == 0 && hwenc_receive_packet(enc, &pkt) == 0 && pkt.keyframe, "first IDR");
    int n = hwenc_get_extradata(enc, NULL, 0);
    memset(buf, 0xee, sizeof(buf));
    CHECK(&checks, n > 8 && hwenc_get_extradata(enc, buf, (size_t)n - 1) == n && buf[0] == 0xee,
          "too small a buffer gets the size and no bytes (%d)", n);
    CHECK(&checks, hwenc_get_extradata(enc, buf, sizeof(buf)) == n, "extradata size");
    /* 00 00 00 01 SPS (type 7) ... 00 00 00 01 PPS (type 8) */
    int pps_at = -1;
    for (int i = 5; n > 0 && i + 4 < n; i++)
        if (!buf[i] && !buf[i + 1] && !buf[i + 2] && buf[i + 3] == 1)
            pps_at = i;
    CHECK(&checks, n > 0 && !memcmp(buf, "\0\0\0\1", 4) && (buf[4] & 31) == 7 && pps_at > 0 && (buf[pps_at + 4] & 31) == 8,
          "SPS then PPS in Annex B");
    CHECK(&checks, n > 0 && pkt.size > (size_t)n && !memcmp(pkt.data, buf, (size_t)n), "the IDR packet's own SPS and PPS");
    hwenc_close(enc);
}

static void test_names_and_probe(void)
{
    CHECK(&checks, hwenc_backend_from_name("VAAPI") == HWENC_BACKEND_VAAPI, "backend name");
    CHECK(&checks, hwenc_backend_from_name("foo") == -1, "unknown backend name");
    CHECK(&checks, hwenc_preset_from_name("ultrafast") == HWENC_PRESET_ULTRAFAST, "preset name");
    CHECK(&checks, !strcmp(hwenc_error_string(HWENC_ESTATE), "operation not allowed in the current state"), "error string");
    CHECK(&checks, hwenc_error_string(-1000) != NULL, "unknown error string");
    CHECK(&checks, hwenc_version() == HWENC_VERSION, "version");

    hwenc_backend_info info[8];
    int n = hwenc_probe(NULL, info, 8);
    CHECK(&checks, n == 4, "four backends probed, got %d", n);
    CHECK(&checks, info[0].backend == HWENC_BACKEND_VAAPI && info[3].backend == HWENC_BACKEND_CPU, "probe order");
    CHECK(&checks, info[3].available, "CPU always available");
    for (int i = 0; i < n; i++)
        CHECK(&checks, info[i].available || info[i].reason[0], "backend %d unavailable without a reason", i);

    /* auto falls back to the CPU and says why the others were passed over. */
    hwenc_config c = base_config();
    c.backend = HWENC_BACKEND_AUTO;
    hwenc_encoder *enc = NULL;
    CHECK(&checks, hwenc_open(&c, &enc) == 0 && hwenc_get_backend(enc) == HWENC_BACKEND_CPU, "auto opens the CPU backend");
    int sel = hwenc_get_selection(enc, info, 8);
    CHECK(&checks, sel >= 1 && info[sel - 1].backend == HWENC_BACKEND_CPU, "selection ends with CPU");
    for (int i = 0; i + 1 < sel; i++)
        CHECK(&checks, !info[i].available && info[i].reason[0], "passed-over backend %d has a reason", i);
    hwenc_close(enc);

    setenv("HWENC_BACKEND", "bogus", 1);
    char err[256] = "";
    CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == HWENC_EINVAL && strstr(err, "HWENC_BACKEND"),
                   "bad HWENC_BACKEND: %s", err);
    setenv("HWENC_BACKEND", "cpu", 1);
    CHECK(&checks, hwenc_open(&c, &enc) == 0 && hwenc_get_backend(enc) == HWENC_BACKEND_CPU, "HWENC_BACKEND=cpu");
    sel = hwenc_get_selection(enc, info, 8);
    CHECK(&checks, sel == 1, "HWENC_BACKEND=cpu tries only the CPU, tried %d", sel);
    hwenc_close(enc);
    unsetenv("HWENC_BACKEND");
}

/* A caller built against 0.1.0's hwenc.h passes the smaller struct_size
 * of then; the library must read no further and default what came later. */
static void test_config_versions(void)
{
    hwenc_config c = base_config();
    const uint32_t v0_1_0 =
        (uint32_t)(offsetof(hwenc_config, external) + offsetof(hwenc_external_device, vk_enabled_extensions));
    c.struct_size = v0_1_0;
    /* Not there for such a caller: never read. */
    c.external.vk_enabled_extension_count = -7;
    c.skip_test_encode = 0x5a5a;
    c.profile = c.cabac = c.transform_8x8 = 0x5a5a;
    hwenc_encoder *enc = NULL;
    char err[256] = "";
    CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == 0, "a 0.1.0 configuration: %s", err);
    hwenc_config r = c;
    r.qp = 30;
    CHECK(&checks, enc && hwenc_reconfigure(enc, &r) == 0, "reconfigure with a 0.1.0 configuration: %s", hwenc_last_error(enc));
    hwenc_close(enc);
    hwenc_backend_info info[8];
    CHECK(&checks, hwenc_probe(&c, info, 8) == 4, "probe with a 0.1.0 configuration");
    /* A caller from before failover: the fields after it are never read. */
    c = base_config();
    c.struct_size = (uint32_t)offsetof(hwenc_config, failover);
    c.failover = 0x5a5a;
    c.failover_backend = (enum hwenc_backend)0x5a5a;
    enc = NULL;
    CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == 0, "a configuration from before failover: %s", err);
    CHECK(&checks, enc && hwenc_get_failovers(enc, NULL, 0) == 0, "failovers of a new encoder");
    hwenc_close(enc);
    c = base_config();
    c.failover = 2;
    expect_open_error(c, HWENC_EINVAL, "failover 2");
    c = base_config();
    c.failover_backend = HWENC_BACKEND_CPU;
    expect_open_error(c, HWENC_EINVAL, "failover_backend cpu needs failover 1");
    c.failover = 1;
    c.failover_backend = HWENC_BACKEND_COUNT;
    expect_open_error(c, HWENC_EINVAL, "failover_backend");
    CHECK(&checks, hwenc_get_failovers(NULL, NULL, 0) == HWENC_EINVAL, "failovers of no encoder");
    c.struct_size = sizeof(c) + 8;
    expect_open_error(c, HWENC_EINVAL, "struct_size");
    CHECK(&checks, hwenc_probe(&c, info, 8) == HWENC_EINVAL, "probe with an unknown struct_size");
    CHECK(&checks, hwenc_test_encode(&c, HWENC_BACKEND_CPU, err, sizeof(err)) == HWENC_EINVAL && strstr(err, "struct_size"),
                   "test encode with an unknown struct_size: %s", err);
    c = base_config();
    CHECK(&checks, hwenc_test_encode(&c, HWENC_BACKEND_CPU, err, sizeof(err)) == 0 && strstr(err, "4 pictures (IDR P P P)"),
                   "test encode of the CPU backend: %s", err);
}

typedef struct log_record {
    int count[4];
    char last[4][512];
} log_record;

static void record_log(void *opaque, enum hwenc_log_level level, const char *message)
{
    log_record *r = opaque;
    if ((unsigned)level < 4) {
        r->count[level]++;
        snprintf(r->last[level], sizeof(r->last[level]), "%s", message);
    }
}

/* The log callback: an open that fails says the same as err at error
 * level; the chosen backend at info level; a failed call's error once,
 * however often it is returned. Without a callback nothing reaches
 * stderr, even when there is something to say. */
static void test_log_callback(void)
{
    log_record r = { { 0 } };
    hwenc_config c = base_config();
    c.log_callback = record_log;
    c.log_opaque = &r;
    c.keyint = -2;
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == HWENC_EINVAL && r.count[HWENC_LOG_ERROR] == 1 &&
                       !strcmp(r.last[HWENC_LOG_ERROR], err), "open error logged: '%s' vs '%s'",
          r.last[HWENC_LOG_ERROR], err);
    memset(&r, 0, sizeof(r));
    c.keyint = 250;
    CHECK(&checks, hwenc_open(&c, &enc) == 0 && r.count[HWENC_LOG_INFO] == 1 &&
                       strstr(r.last[HWENC_LOG_INFO], "backend cpu"), "info on open: '%s'", r.last[HWENC_LOG_INFO]);
    static uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
    hwenc_frame f = { .plane = { y, u, v }, .stride = { 64, 32, 32 } };
    CHECK(&checks, hwenc_send_frame(enc, NULL) == 0, "flush");
    CHECK(&checks, hwenc_send_frame(enc, &f) == HWENC_ESTATE && hwenc_send_frame(enc, &f) == HWENC_ESTATE &&
                       r.count[HWENC_LOG_ERROR] == 1 && strstr(r.last[HWENC_LOG_ERROR], "after a flush"),
          "a repeated error is logged once: %d, '%s'", r.count[HWENC_LOG_ERROR], r.last[HWENC_LOG_ERROR]);
    hwenc_close(enc);

    /* No callback: stderr stays empty through an open that fails and an
     * encode whose VBV cannot hold (both have something to say). */
    fflush(stderr);
    FILE *capture = tmpfile();
    REQUIRE(capture, "tmpfile");
    int saved = dup(2);
    REQUIRE(saved >= 0 && dup2(fileno(capture), 2) >= 0, "redirect stderr");
    c = base_config();
    c.keyint = -2;
    int refused = hwenc_open(&c, &enc);
    c = base_config();
    c.rc_mode = HWENC_RC_CBR;
    c.bitrate_kbps = 2;
    int overruns = 0;
    uint32_t noise = 12345;
    if (hwenc_open(&c, &enc) == 0) {
        for (int i = 0; i < 8; i++) {
            for (size_t k = 0; k < sizeof(y); k++) {
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                y[k] = (uint8_t)noise;
            }
            hwenc_packet pkt;
            if (hwenc_send_frame(enc, &f) == 0)
                while (hwenc_receive_packet(enc, &pkt) == 0)
                    overruns += pkt.vbv_overrun;
        }
        hwenc_close(enc);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long printed = ftell(capture);
    fclose(capture);
    CHECK(&checks, refused == HWENC_EINVAL && overruns > 0 && printed == 0,
          "without a callback: open %d, %d overruns, %ld bytes on stderr", refused, overruns, printed);
    /* A caller from before the log callback: its fields are never read. */
    c = base_config();
    c.struct_size = (uint32_t)offsetof(hwenc_config, log_callback);
    c.log_callback = (hwenc_log_callback)(uintptr_t)0x5a5a;
    c.log_level = (enum hwenc_log_level)0x5a5a;
    c.nal_hrd = (enum hwenc_nal_hrd)0x5a5a;
    enc = NULL;
    CHECK(&checks, hwenc_open_ex(&c, &enc, err, sizeof(err)) == 0, "a configuration from before the log callback: %s",
          err);
    hwenc_close(enc);
}

int main(void)
{
    test_log_callback();
    test_config_versions();
    test_config_errors();
    test_config_validation();
    test_misuse();
    test_force_idr_and_keyint();
    test_low_latency();
    test_extradata();
    test_names_and_probe();
    return tally_result(&checks);
}
