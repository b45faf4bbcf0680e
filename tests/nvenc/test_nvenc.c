/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The NVENC backend end to end against the stand-in NVIDIA libraries:
 * encode through the public API (or the CLI), decode with libavcodec, check
 * frame counts, key frames and PSNR; and every injected driver failure gives
 * its message and lets `auto` fall back. One test per invocation:
 *
 *     test_nvenc intra | p-frames | flush | force-idr | bframes | bframes-none |
 *                reconfigure | reconfigure-unsupported | probe | second-session |
 *                external-context | zero-copy | zero-copy-refusals | contract | fail MESSAGE |
 *                fail-device INDEX MESSAGE | midstream N | midstream-oom N | caps-query-fails |
 *                cli PATH_TO_HWENC |
 *                list-backends PATH_TO_HWENC | ffmpeg PATH_TO_FFMPEG CASE | ffmpeg-bitrate-change |
 *                defaults PATH_TO_HWENC PATH_TO_FFMPEG
 */
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

#include "tests/common/avdecode.h"
#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"
#include "tests/common/roundtrip.h"
#include "tests/nvenc/test_nvenc.h"

#define FAIL(...) do { fprintf(stderr, "FAIL: " __VA_ARGS__); fprintf(stderr, "\n"); return 1; } while (0)

static void base_config(hwenc_config *cfg, int w, int h)
{
    hwenc_config_default(cfg);
    cfg->backend = HWENC_BACKEND_NVENC;
    cfg->width = w;
    cfg->height = h;
    cfg->qp = 24;
}

static int run(const hwenc_config *cfg, roundtrip_options *opt, roundtrip_result *r, const char *what)
{
    if (roundtrip_run(cfg, opt, r) < 0) {
        fprintf(stderr, "FAIL: %s: %s\n", what, r->message);
        return 1;
    }
    printf("%s: %d frames, %d key frames, %zu bytes, PSNR Y min %.2f avg %.2f\n", what, r->frames, r->keyframes,
           r->bytes, r->psnr_y_min, r->psnr_y_avg);
    if (r->psnr_y_min < TEST_MIN_PSNR)
        FAIL("%s: PSNR %.2f dB below %.1f", what, r->psnr_y_min, TEST_MIN_PSNR);
    return 0;
}

static int test_intra(void)
{
    hwenc_config cfg;
    base_config(&cfg, 200, 120);   /* not a multiple of 16: cropping */
    cfg.keyint = 1;
    roundtrip_options opt = { .pattern = CLIPGEN_QUADRANTS, .frames = 8, .seed = 1 };
    roundtrip_result r;
    if (run(&cfg, &opt, &r, "intra I420"))
        return 1;
    if (r.keyframes != 8)
        FAIL("keyint 1 gave %d key frames in 8", r.keyframes);
    cfg.pixel_format = HWENC_PIXFMT_NV12;
    return run(&cfg, &opt, &r, "intra NV12");
}

static int test_p_frames(void)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.pixel_format = HWENC_PIXFMT_NV12;
    cfg.keyint = 12;
    cfg.ref_frames = 3;
    cfg.scenecut = 0;
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = 20, .seed = 2 };
    roundtrip_result p, intra;
    if (run(&cfg, &opt, &p, "IPPP, 3 references"))
        return 1;
    if (p.keyframes != 2)
        FAIL("keyint 12 over 20 frames gave %d key frames, expected 2", p.keyframes);
    cfg.keyint = 1;
    if (run(&cfg, &opt, &intra, "all intra"))
        return 1;
    /* A slow pan predicts well: P pictures must cost clearly less. */
    if (p.bytes * 10 > intra.bytes * 8)
        FAIL("P frames (%zu bytes) are not smaller than intra frames (%zu bytes)", p.bytes, intra.bytes);
    return 0;
}

static int test_flush(void)
{
    /* The preset's look-ahead (HWENC_FAKE_NVENC_PRESET_LOOKAHEAD): the
     * driver holds pictures back (NEED_MORE_INPUT) and the flush must
     * return every one; low latency turns it off. */
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 400;
    cfg.keyint = 1;
    roundtrip_options opt = { .pattern = CLIPGEN_OBJECT, .frames = 17, .seed = 3 };
    roundtrip_result r;
    if (run(&cfg, &opt, &r, "VBR with look-ahead"))
        return 1;
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.low_latency = 1;
    opt.frames = 5;
    if (run(&cfg, &opt, &r, "CBR low latency"))
        return 1;
    /* nal_hrd is not mapped onto NVENC's own HRD signalling: refused,
     * naming the field (hw/nvenc/README.md). */
    hwenc_encoder *enc = NULL;
    char err[512] = "";
    cfg.nal_hrd = HWENC_NAL_HRD_CBR;
    if (hwenc_open_ex(&cfg, &enc, err, sizeof(err)) != HWENC_EUNSUPPORTED || !strstr(err, "nal_hrd cbr"))
        FAIL("nal_hrd cbr on NVENC: %s", err);
    printf("nal_hrd cbr refused: %s\n", err);
    return 0;
}

static int test_force_idr(void)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.keyint = -1;
    cfg.scenecut = 0;
    static const int forced[] = { 3, 7, -1 };
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = 10, .seed = 4, .force_idr_frames = forced };
    roundtrip_result r;
    if (run(&cfg, &opt, &r, "forced IDRs"))
        return 1;
    if (r.keyframes != 3)
        FAIL("forced IDRs at 3 and 7 gave %d key frames, expected 3", r.keyframes);
    return 0;
}

/* profile_idc of the first SPS in an Annex B file; -1 if there is none. */
static int sps_profile(const char *path)
{
    uint8_t buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    for (size_t i = 0; i + 4 < n; i++)
        if (!buf[i] && !buf[i + 1] && buf[i + 2] == 1 && (buf[i + 3] & 0x1f) == 7)
            return buf[i + 4];
    return -1;
}

/* Two B frames, keyint 30 and an IDR forced at 13 over 20 frames: IDR0,
 * P3 B1 B2, P6 B4 B5, P9 B7 B8, P12 B10 B11, IDR13, P16 B14 B15,
 * P19 B17 B18 in coding order, when the GPU has B frames. */
static int bframe_run(const hwenc_config *cfg, int want_b, const char *dump, const char *what)
{
    static const int forced[] = { 13, -1 };
    roundtrip_options opt = { .pattern = CLIPGEN_PAN, .frames = 20, .seed = 7, .force_idr_frames = forced,
                              .dump_path = dump };
    roundtrip_result r;
    if (run(cfg, &opt, &r, what))
        return 1;
    int profile = sps_profile(opt.dump_path);
    printf("  %d packets, %d B, SPS profile_idc %d\n", r.packets, r.b_frames, profile);
    if (r.packets != 20 || r.keyframes != 2 || r.b_frames != want_b)
        FAIL("%s: %d packets, %d key frames, %d B frames; expected 20, 2 and %d", what, r.packets, r.keyframes,
             r.b_frames, want_b);
    /* High (the default profile, CABAC and the 8x8 transform) with or
     * without B slices. */
    if (profile != 100)
        FAIL("%s: SPS profile_idc %d", what, profile);
    return 0;
}

static int bframes_cases(int gpu_has_b, const char *dump)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.bframes = 2;
    cfg.keyint = 30;
    cfg.scenecut = 0;
    if (!gpu_has_b)
        return bframe_run(&cfg, 0, dump, "2 B frames asked of a GPU without them");
    if (bframe_run(&cfg, 12, dump, "2 B frames"))
        return 1;
    /* The P1 preset's profile (Baseline in the stand-in) has no B slices:
     * the backend must choose one that has. */
    cfg.preset = HWENC_PRESET_ULTRAFAST;
    if (bframe_run(&cfg, 12, dump, "2 B frames, preset P1"))
        return 1;
    /* Look-ahead holds pictures back (NEED_MORE_INPUT) behind the B ones. */
    cfg.preset = HWENC_PRESET_MEDIUM;
    cfg.rc_mode = HWENC_RC_VBR;
    cfg.bitrate_kbps = 400;
    if (bframe_run(&cfg, 12, dump, "2 B frames, VBR with look-ahead"))
        return 1;
    /* An infinite GOP goes with frameIntervalP 1: no B frames. */
    cfg.rc_mode = HWENC_RC_CQP;
    cfg.bitrate_kbps = 0;
    cfg.keyint = -1;
    return bframe_run(&cfg, 0, dump, "2 B frames asked with keyint -1");
}

static int test_bframes(int gpu_has_b)
{
    /* One file per process: ctest runs the tests of every stand-in
     * profile in parallel in the same directory. */
    char dump[64];
    snprintf(dump, sizeof(dump), "nvenc-bframes-%ld.264", (long)getpid());
    int ret = bframes_cases(gpu_has_b, dump);
    remove(dump);
    return ret;
}

/* Encodes frames [first, first + count) of a clip; returns the bytes. */
static long encode_some(hwenc_encoder *enc, const hwenc_config *cfg, int first, int count, int flush, int *packets)
{
    size_t fs = (size_t)cfg->width * cfg->height * 3 / 2;
    uint8_t *buf = malloc(fs);
    long bytes = 0;
    hwenc_packet pkt;
    if (!buf)
        return -1;
    for (int i = first; i < first + count + flush; i++) {
        if (i < first + count) {
            clipgen_frame_i420(CLIPGEN_QUADRANTS, cfg->width, cfg->height, i, 5, buf);
            hwenc_frame f = { .plane = { buf, buf + cfg->width * cfg->height, buf + cfg->width * cfg->height * 5 / 4 },
                              .stride = { cfg->width, cfg->width / 2, cfg->width / 2 }, .pts = i };
            if (hwenc_send_frame(enc, &f) < 0)
                break;
        } else {
            hwenc_send_frame(enc, NULL);
        }
        while (hwenc_receive_packet(enc, &pkt) == 0) {
            bytes += (long)pkt.size;
            (*packets)++;
        }
    }
    free(buf);
    return bytes;
}

static int test_reconfigure(int expect_supported)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.rc_mode = HWENC_RC_CBR;
    cfg.bitrate_kbps = 30;
    cfg.keyint = 1;
    cfg.low_latency = 1;   /* no look-ahead: one packet per frame */
    hwenc_encoder *enc;
    char err[512];
    if (hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0)
        FAIL("open: %s", err);
    int packets = 0;
    long low = encode_some(enc, &cfg, 0, 6, 0, &packets);
    hwenc_config up = cfg;
    up.bitrate_kbps = 3000;
    int ret = hwenc_reconfigure(enc, &up);
    if (!expect_supported) {
        const char *msg = hwenc_last_error(enc);
        int ok = ret == HWENC_EUNSUPPORTED && strstr(msg, "DYN_BITRATE");
        printf("reconfigure without the capability: %s (%s)\n", hwenc_error_string(ret), msg);
        hwenc_close(enc);
        if (!ok)
            FAIL("expected HWENC_EUNSUPPORTED naming NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE");
        return 0;
    }
    if (ret < 0) {
        fprintf(stderr, "FAIL: reconfigure: %s\n", hwenc_last_error(enc));
        hwenc_close(enc);
        return 1;
    }
    long high = encode_some(enc, &cfg, 6, 6, 1, &packets);
    hwenc_close(enc);
    printf("6 frames at 30 kb/s: %ld bytes; 6 at 3000 kb/s: %ld bytes; %d packets\n", low, high, packets);
    if (packets != 12)
        FAIL("%d packets for 12 frames", packets);
    if (high < 2 * low)
        FAIL("the bitrate change had no effect");
    return 0;
}

static int driver_facts(int index, char *gpu, size_t gpu_size, char *api, size_t api_size, char *cuda,
                        size_t cuda_size);

static const hwenc_backend_info *find_info(const hwenc_backend_info *info, int n, enum hwenc_backend b)
{
    for (int i = 0; i < n; i++)
        if (info[i].backend == b)
            return &info[i];
    return NULL;
}

static int test_probe(void)
{
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_probe(NULL, info, HWENC_BACKEND_COUNT);
    const hwenc_backend_info *nv = find_info(info, n, HWENC_BACKEND_NVENC);
    if (!nv)
        FAIL("hwenc_probe lists no NVENC entry");
    printf("nvenc: available %d\n  reason: %s\n  device: %s\n  driver: %s\n  caps: %s\n", nv->available, nv->reason,
           nv->device, nv->driver, nv->capabilities);
    if (!nv->compiled || !nv->available)
        FAIL("NVENC not available on the stand-in");
    char gpu[160], api[64], cuda[64];
    if (driver_facts(0, gpu, sizeof(gpu), api, sizeof(api), cuda, sizeof(cuda)) < 0)
        FAIL("the stand-in libraries do not describe GPU 0 (run through ctest)");
    if (!strstr(nv->device, gpu) || !strstr(nv->driver, api) || !strstr(nv->driver, cuda) ||
        !strstr(nv->capabilities, "4096x4096") || !strstr(nv->capabilities, "dynamic bitrate: yes"))
        FAIL("probe strings lack '%s', '%s', '%s' or the capabilities", gpu, api, cuda);
    return 0;
}

static int test_second_session(void)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    hwenc_encoder *a, *b;
    char err[512];
    setenv("HWENC_FAKE_NVENC_MAX_SESSIONS", "1", 1);
    if (hwenc_open_ex(&cfg, &a, err, sizeof(err)) < 0)
        FAIL("first session: %s", err);
    int ret = hwenc_open_ex(&cfg, &b, err, sizeof(err));
    printf("second session: %s\n", err);
    hwenc_close(a);
    if (ret >= 0) {
        hwenc_close(b);
        FAIL("a second session opened past the limit of 1");
    }
    if (!strstr(err, "session limit"))
        FAIL("the message does not name the session limit");
    /* The first session's end frees its place. */
    if (hwenc_open_ex(&cfg, &b, err, sizeof(err)) < 0)
        FAIL("reopen after close: %s", err);
    hwenc_close(b);
    return 0;
}

static int test_external_context(void)
{
    void *ctx, *handle;
    char msg[256];
    if (test_cuda_context_create(&ctx, &handle, msg, sizeof(msg)) < 0)
        FAIL("%s", msg);
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.external.cuda_context = ctx;
    cfg.keyint = 5;
    roundtrip_options opt = { .pattern = CLIPGEN_ZOOM, .frames = 8, .seed = 6 };
    roundtrip_result r;
    int ret = run(&cfg, &opt, &r, "application CUDA context");
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_probe(&cfg, info, HWENC_BACKEND_COUNT);
    const hwenc_backend_info *nv = find_info(info, n, HWENC_BACKEND_NVENC);
    if (!ret && (!nv || !strstr(nv->device, "application CUDA context"))) {
        fprintf(stderr, "FAIL: probe with the application's context says '%s'\n", nv ? nv->device : "?");
        ret = 1;
    }
    /* The library must not have destroyed the application's context. */
    test_cuda_context_destroy(ctx, handle);
    return ret;
}

static int test_fail(const char *device, const char *expect)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.device = device;
    hwenc_encoder *enc;
    char err[1024];
    int ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err));
    printf("--backend nvenc: %s: %s\n", hwenc_error_string(ret), err);
    if (ret >= 0) {
        hwenc_close(enc);
        FAIL("NVENC opened despite the injected failure");
    }
    if (!strstr(err, expect))
        FAIL("the message lacks '%s'", expect);

    /* auto passes NVENC over with the same reason and opens another. */
    cfg.backend = HWENC_BACKEND_AUTO;
    if ((ret = hwenc_open_ex(&cfg, &enc, err, sizeof(err))) < 0)
        FAIL("auto found no backend: %s", err);
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_get_selection(enc, info, HWENC_BACKEND_COUNT);
    enum hwenc_backend chosen = hwenc_get_backend(enc);
    const hwenc_backend_info *nv = find_info(info, n, HWENC_BACKEND_NVENC);
    hwenc_close(enc);
    printf("auto: chose %s; nvenc: %s\n", hwenc_backend_name(chosen), nv ? nv->reason : "not tried");
    if (chosen == HWENC_BACKEND_NVENC || !nv || nv->available || !strstr(nv->reason, expect))
        FAIL("auto did not pass NVENC over with the reason");
    roundtrip_options opt = { .pattern = CLIPGEN_GRADIENT_DIAG, .frames = 3, .seed = 0 };
    roundtrip_result r;
    cfg.keyint = 1;
    return run(&cfg, &opt, &r, "auto fallback");
}

/* A failure of nvEncEncodePicture at picture at: the pictures before it
 * come out, and the message says what failed (expect) and where. */
static int test_midstream(int at, const char *expect, const char *never)
{
    hwenc_config cfg;
    base_config(&cfg, 176, 144);
    cfg.keyint = 1;
    hwenc_encoder *enc;
    char err[512];
    if (hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0)
        FAIL("open: %s", err);
    uint8_t *buf = malloc(176 * 144 * 3 / 2), *stream = malloc(1 << 20);
    size_t size = 0;
    int failed_at = -1, packets = 0, ret;
    hwenc_packet pkt;
    for (int i = 0; i < at + 3 && failed_at < 0; i++) {
        clipgen_frame_i420(CLIPGEN_PAN, 176, 144, i, 8, buf);
        hwenc_frame f = { .plane = { buf, buf + 176 * 144, buf + 176 * 144 * 5 / 4 }, .stride = { 176, 88, 88 },
                          .pts = i };
        if ((ret = hwenc_send_frame(enc, &f)) < 0) {
            failed_at = i;
            printf("frame %d: %s: %s\n", i, hwenc_error_string(ret), hwenc_last_error(enc));
        }
        while (hwenc_receive_packet(enc, &pkt) == 0 && size + pkt.size < (1 << 20)) {
            memcpy(stream + size, pkt.data, pkt.size);
            size += pkt.size;
            packets++;
        }
    }
    char where[32];
    snprintf(where, sizeof(where), "at frame %d", at);
    int bad = failed_at != at || !strstr(hwenc_last_error(enc), expect) || !strstr(hwenc_last_error(enc), where) ||
              (never && strstr(hwenc_last_error(enc), never));
    hwenc_close(enc);
    free(buf);
    if (bad) {
        free(stream);
        FAIL("expected the failure at frame %d saying '%s'%s%s, got frame %d", at, expect, never ? " but not " : "",
             never ? never : "", failed_at);
    }
    decoded_video dec = { 0 };
    ret = avdecode_h264(stream, size, &dec, err, sizeof(err));
    free(stream);
    int frames = dec.frame_count;
    decoded_video_free(&dec);
    if (ret < 0 || packets != at || frames != at)
        FAIL("the %d pictures before the failure: %d packets, %d decoded (%s)", at, packets, frames,
             ret < 0 ? err : "ok");
    return 0;
}

/* ------------------------------------------------------------------ CLI */

int test_write_y4m(const char *path, int w, int h, int frames)
{
    FILE *f = fopen(path, "wb");
    uint8_t *buf = malloc((size_t)w * h * 3 / 2);
    int ok = f && buf;
    if (ok)
        fprintf(f, "YUV4MPEG2 W%d H%d F25:1 Ip A1:1 C420jpeg\n", w, h);
    for (int i = 0; ok && i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, w, h, i, 9, buf);
        ok = fprintf(f, "FRAME\n") > 0 && fwrite(buf, 1, (size_t)w * h * 3 / 2, f) == (size_t)w * h * 3 / 2;
    }
    free(buf);
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int file_contains(const char *path, const char *text)
{
    FILE *f = fopen(path, "rb");
    static char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return strstr(buf, text) != NULL;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    fflush(stdout);
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

static int test_cli(const char *hwenc)
{
    char dir[] = "/tmp/hwenc-nvenc-XXXXXX";
    if (!mkdtemp(dir))
        FAIL("mkdtemp");
    char in[256], out[256], log[256];
    snprintf(in, sizeof(in), "%s/in.y4m", dir);
    snprintf(out, sizeof(out), "%s/out.264", dir);
    snprintf(log, sizeof(log), "%s/log", dir);
    const int w = 176, h = 144, frames = 10;
    int ret = 1;
    decoded_video dec = { 0 };
    if (test_write_y4m(in, w, h, frames) < 0) {
        fprintf(stderr, "FAIL: cannot write %s\n", in);
        goto done;
    }
    int st = sh("%s encode %s -o %s --backend nvenc --keyint 5 --qp 22 --quiet 2>%s; s=$?; cat %s; exit $s", hwenc, in, out, log, log);
    if (st != 0) {
        fprintf(stderr, "FAIL: hwenc encode --backend nvenc exited with %d\n", st);
        goto done;
    }
    char err[256];
    if (avdecode_h264_file(out, &dec, err, sizeof(err)) < 0 || dec.frame_count != frames) {
        fprintf(stderr, "FAIL: decoding %s: %s (%d frames)\n", out, err, dec.frame_count);
        goto done;
    }
    uint8_t *src = malloc((size_t)w * h * 3 / 2);
    double worst = INFINITY;
    for (int i = 0; src && i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, w, h, i, 9, src);
        double p = psnr_i420(dec.frames[i], src, w, h);
        worst = p < worst ? p : worst;
    }
    free(src);
    printf("hwenc encode --backend nvenc: %d frames decoded, worst PSNR %.2f dB\n", frames, worst);
    if (!(worst >= TEST_MIN_PSNR)) {
        fprintf(stderr, "FAIL: PSNR %.2f below %.1f\n", worst, TEST_MIN_PSNR);
        goto done;
    }
    setenv("HWENC_FAKE_NVENC_API", "11.0", 1);
    st = sh("%s encode %s -o %s --backend nvenc --quiet 2>%s; s=$?; cat %s; exit $s", hwenc, in, out, log, log);
    if (st == 0 || !file_contains(log, "470.57.02")) {
        fprintf(stderr, "FAIL: with an old driver, --backend nvenc must fail naming driver 470.57.02\n");
        goto done;
    }
    st = sh("%s encode %s -o %s --keyint 1 2>%s; s=$?; cat %s; exit $s", hwenc, in, out, log, log);
    if (st != 0 || file_contains(log, "backend: nvenc") || !file_contains(log, "backend: ")) {
        fprintf(stderr, "FAIL: with an old driver, auto must fall back from NVENC\n");
        goto done;
    }
    ret = 0;
done:
    decoded_video_free(&dec);
    sh("rm -rf %s", dir);
    return ret;
}

/* ---------------------------------------------------------- list-backends */

/* Standard output of a command that must succeed; NULL otherwise. */
static const char *command_output(const char *cmd)
{
    static char buf[1 << 16];
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    buf[n] = 0;
    int status = pclose(p);
    printf("$ %s\n%s", cmd, buf);
    return status == 0 ? buf : NULL;
}

/* The lines list-backends prints for one backend: the one that starts with
 * its name and the indented driver and caps lines under it. */
static int backend_section(const char *out, const char *name, char *sec, size_t n)
{
    size_t len = strlen(name);
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, len) || line[len] != ' ')
            continue;
        const char *end = strchr(line, '\n');
        while (end && end[1] == ' ')
            end = strchr(end + 1, '\n');
        snprintf(sec, n, "%.*s", (int)(end ? end - line : (ptrdiff_t)strlen(line)), line);
        return 0;
    }
    return -1;
}

/* What the NVIDIA libraries say about GPU index, asked directly (the
 * stand-ins here), as the reference for what list-backends prints. */
static int driver_facts(int index, char *gpu, size_t gpu_size, char *api, size_t api_size, char *cuda,
                        size_t cuda_size)
{
    void *cu = dlopen("libcuda.so.1", RTLD_NOW), *nv = dlopen("libnvidia-encode.so.1", RTLD_NOW);
    void *f_init = cu ? dlsym(cu, "cuInit") : NULL, *f_get = cu ? dlsym(cu, "cuDeviceGet") : NULL;
    void *f_name = cu ? dlsym(cu, "cuDeviceGetName") : NULL, *f_ver = cu ? dlsym(cu, "cuDriverGetVersion") : NULL;
    void *f_max = nv ? dlsym(nv, "NvEncodeAPIGetMaxSupportedVersion") : NULL;
    int ret = -1;
    if (f_init && f_get && f_name && f_ver && f_max) {
        tcuInit *init;
        tcuDeviceGet *get;
        tcuDeviceGetName *name;
        CUresult (*version)(int *);   /* not in nv-codec-headers 11.1's list */
        NVENCSTATUS (*max_version)(uint32_t *);
        memcpy(&init, &f_init, sizeof(f_init));
        memcpy(&get, &f_get, sizeof(f_get));
        memcpy(&name, &f_name, sizeof(f_name));
        memcpy(&version, &f_ver, sizeof(f_ver));
        memcpy(&max_version, &f_max, sizeof(f_max));
        CUdevice dev;
        int v = 0;
        uint32_t nv_version = 0;
        char n[128];
        if (init(0) == CUDA_SUCCESS && get(&dev, index) == CUDA_SUCCESS && name(n, sizeof(n), dev) == CUDA_SUCCESS &&
            version(&v) == CUDA_SUCCESS && max_version(&nv_version) == NV_ENC_SUCCESS) {
            snprintf(gpu, gpu_size, "GPU %d: %s", index, n);
            snprintf(api, api_size, "NVENC API %u.%u", nv_version >> 4, nv_version & 15);
            snprintf(cuda, cuda_size, "CUDA %d.%d", v / 1000, v % 1000 / 10);
            ret = 0;
        }
    }
    if (nv)
        dlclose(nv);
    if (cu)
        dlclose(cu);
    return ret;
}

/* `hwenc list-backends [--device N]` with two GPUs (HWENC_FAKE_CUDA_DEVICES)
 * and an API version other than the stand-in's default
 * (HWENC_FAKE_NVENC_API): the NVENC entry names the chosen GPU, the
 * driver's CUDA and NVENC API versions and the encoder's capabilities. */
static int test_list_backends(const char *hwenc)
{
    static const char *const devices[] = { NULL, "1" };
    char cmd[1024], sec[2048], gpu[160], api[64], cuda[64];
    const char *out;
    for (int i = 0; i < 2; i++) {
        int index = devices[i] ? atoi(devices[i]) : 0;
        if (driver_facts(index, gpu, sizeof(gpu), api, sizeof(api), cuda, sizeof(cuda)) < 0)
            FAIL("the stand-in libraries do not describe GPU %d (run through ctest)", index);
        snprintf(cmd, sizeof(cmd), "'%s' list-backends%s%s", hwenc, devices[i] ? " --device " : "",
                 devices[i] ? devices[i] : "");
        if (!(out = command_output(cmd)))
            FAIL("'%s' failed", cmd);
        if (backend_section(out, "nvenc", sec, sizeof(sec)) < 0)
            FAIL("no nvenc line");
        const char *caps = strstr(sec, "caps: ");
        if (!strstr(sec, " yes ") || !strstr(sec, gpu) || !strstr(sec, api) || !strstr(sec, cuda) || !caps ||
            !strstr(caps, "4096x4096") || !strstr(caps, "dynamic bitrate: yes"))
            FAIL("the nvenc entry lacks '%s', '%s', '%s' or the capabilities", gpu, api, cuda);
    }
    snprintf(cmd, sizeof(cmd), "'%s' list-backends --device 2", hwenc);
    if (!(out = command_output(cmd)) || backend_section(out, "nvenc", sec, sizeof(sec)) < 0)
        FAIL("'%s' failed", cmd);
    if (!strstr(sec, " no ") || !strstr(sec, "GPU 2 does not exist"))
        FAIL("--device 2 of two GPUs is not reported as missing");
    return 0;
}

int main(int argc, char **argv)
{
    const char *t = argc > 1 ? argv[1] : "";
    char msg[512] = "";
    if (!strcmp(t, "intra"))
        return test_intra();
    if (!strcmp(t, "p-frames"))
        return test_p_frames();
    if (!strcmp(t, "flush"))
        return test_flush();
    if (!strcmp(t, "force-idr"))
        return test_force_idr();
    if (!strcmp(t, "bframes"))
        return test_bframes(1);
    if (!strcmp(t, "bframes-none"))
        return test_bframes(0);
    if (!strcmp(t, "reconfigure"))
        return test_reconfigure(1);
    if (!strcmp(t, "reconfigure-unsupported"))
        return test_reconfigure(0);
    if (!strcmp(t, "probe"))
        return test_probe();
    if (!strcmp(t, "second-session"))
        return test_second_session();
    if (!strcmp(t, "external-context"))
        return test_external_context();
    if (!strcmp(t, "zero-copy")) {
        if (test_zero_copy(msg, sizeof(msg)) < 0)
            FAIL("zero copy: %s", msg);
        return 0;
    }
    if (!strcmp(t, "zero-copy-refusals")) {
        if (test_zero_copy_refusals(msg, sizeof(msg)) < 0)
            FAIL("zero copy refusals: %s", msg);
        return 0;
    }
    if (!strcmp(t, "contract")) {
        if (test_contract(msg, sizeof(msg)) < 0)
            FAIL("contract checks: %s", msg);
        return 0;
    }
    if (!strcmp(t, "fail") && argc > 2)
        return test_fail(NULL, argv[2]);
    if (!strcmp(t, "fail-device") && argc > 3)
        return test_fail(argv[2], argv[3]);
    if (!strcmp(t, "midstream") && argc > 2)
        return test_midstream(atoi(argv[2]), "injected encode failure", NULL);
    if (!strcmp(t, "midstream-oom") && argc > 2) {
        /* NV_ENC_ERR_OUT_OF_MEMORY after the open is no session limit. */
        char status[16];
        snprintf(status, sizeof(status), "%d", (int)NV_ENC_ERR_OUT_OF_MEMORY);
        setenv("HWENC_FAKE_NVENC_FAIL_STATUS", status, 1);
        return test_midstream(atoi(argv[2]), "out of memory", "session limit");
    }
    if (!strcmp(t, "caps-query-fails")) {
        /* FFmpeg reads a capability that cannot be queried as 0: the open
         * goes on without it (here: one reference, AUTOSELECT). */
        char cap[16];
        snprintf(cap, sizeof(cap), "%d", (int)NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES);
        setenv("HWENC_FAKE_NVENC_FAIL_CAP", cap, 1);
        return test_p_frames();
    }
    if (!strcmp(t, "cli") && argc > 2)
        return test_cli(argv[2]);
    if (!strcmp(t, "list-backends") && argc > 2)
        return test_list_backends(argv[2]);
    if (!strcmp(t, "ffmpeg") && argc > 3) {
        int ret = test_ffmpeg(argv[2], argv[3], msg, sizeof(msg));
        if (ret < 0)
            FAIL("FFmpeg: %s", msg);
        return ret;
    }
    if (!strcmp(t, "defaults") && argc > 3) {
        int ret = test_defaults(argv[2], argv[3], msg, sizeof(msg));
        if (ret < 0)
            FAIL("defaults: %s", msg);
        return ret;
    }
    if (!strcmp(t, "ffmpeg-bitrate-change")) {
        int ret = test_ffmpeg_bitrate_change(msg, sizeof(msg));
        if (ret < 0)
            FAIL("FFmpeg bitrate change: %s", msg);
        return ret;
    }
    fprintf(stderr, "usage: test_nvenc TEST [ARGS] (see the top of test_nvenc.c)\n");
    return 2;
}
