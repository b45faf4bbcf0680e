/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * FFmpeg's h264_nvenc (Debian's ffmpeg 5.1, which loads libcuda.so.1 and
 * libnvidia-encode.so.1 through nv-codec-headers' dynlink_loader.h) encodes
 * through the stand-ins: FFmpeg works on real drivers, so whatever it
 * sends the stand-ins must take, unless a source says the driver refuses
 * it too. Each case runs the ffmpeg binary on a generated clip, then
 * decodes the stream with libavcodec: every frame there, none broken
 * (PSNR against the source), and the picture types the case asks for.
 * Cases FFmpeg or the stand-in must refuse on the profile's GPU are
 * checked to fail with the reason. FFmpeg's CLI cannot change the bitrate
 * of a running encoder; test_ffmpeg_bitrate_change does it through
 * libavcodec in this process (and the aspect ratio, which FFmpeg
 * reconfigures without an encodeConfig).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>

#include "tests/common/avdecode.h"
#include "tools/media/clipgen.h"
#include "tests/nvenc/test_nvenc.h"

#define W 176
#define H 144
#define FRAMES 30
#define SKIPPED 77

enum needs { NEEDS_NOTHING, NEEDS_LOOKAHEAD, NEEDS_BREF_MIDDLE };

typedef struct ffmpeg_case {
    const char *name;
    const char *before_input;    /* hardware device options */
    const char *args;            /* encoder options */
    enum needs needs;
    int bframes;                 /* -bf asked for (the GPU must have that many) */
    int idrs;                    /* IDR pictures the stream must have; 0: not checked */
    int no_b;                    /* no B pictures allowed */
} ffmpeg_case;

static const ffmpeg_case cases[] = {
    { "p1", "", "-preset p1", NEEDS_NOTHING, 0, 1, 0 },
    { "p2", "", "-preset p2", NEEDS_NOTHING, 0, 1, 0 },
    { "p3", "", "-preset p3", NEEDS_NOTHING, 0, 1, 0 },
    { "p4", "", "-preset p4", NEEDS_NOTHING, 0, 1, 0 },
    { "p5", "", "-preset p5", NEEDS_NOTHING, 0, 1, 0 },
    { "p6", "", "-preset p6", NEEDS_NOTHING, 0, 1, 0 },
    { "p7", "", "-preset p7", NEEDS_NOTHING, 0, 1, 0 },
    { "tune_hq", "", "-tune hq", NEEDS_NOTHING, 0, 1, 0 },
    { "tune_ll", "", "-tune ll", NEEDS_NOTHING, 0, 1, 1 },
    { "tune_ull", "", "-tune ull", NEEDS_NOTHING, 0, 1, 1 },
    { "rc_constqp", "", "-rc constqp -qp 24", NEEDS_NOTHING, 0, 1, 0 },
    { "rc_cbr", "", "-rc cbr -b:v 400k", NEEDS_NOTHING, 0, 1, 0 },
    { "rc_vbr", "", "-rc vbr -b:v 400k -maxrate 800k", NEEDS_NOTHING, 0, 1, 0 },
    { "bf0", "", "-bf 0", NEEDS_NOTHING, 0, 1, 1 },
    { "bf3", "", "-bf 3", NEEDS_NOTHING, 3, 1, 0 },
    { "gop10", "", "-g 10 -bf 2", NEEDS_NOTHING, 2, 3, 0 },
    /* -g 0: frameIntervalP 0 (the header: intra only) and gopLength 1. */
    { "intra_only", "", "-g 0", NEEDS_NOTHING, 0, FRAMES, 1 },
    /* -forced-idr: FORCEIDR on the forced key frames (0, 7, 20); without
     * it FFmpeg asks for FORCEINTRA, an I picture that is no IDR. */
    { "forced_idr", "", "-forced-idr 1 -force_key_frames 'expr:eq(n,7)+eq(n,20)' -bf 2", NEEDS_NOTHING, 2, 3, 0 },
    { "forced_intra", "", "-force_key_frames 'expr:eq(n,7)+eq(n,20)' -bf 2", NEEDS_NOTHING, 2, 1, 0 },
    { "zerolatency", "", "-tune ll -zerolatency 1", NEEDS_NOTHING, 0, 1, 1 },
    /* The preset's B frames stay on: zero reorder delay rules them out. */
    { "zerolatency_hq", "", "-tune hq -zerolatency 1", NEEDS_NOTHING, 0, 1, 1 },
    { "b_ref_disabled", "", "-bf 2 -b_ref_mode disabled", NEEDS_NOTHING, 2, 1, 0 },
    { "b_ref_middle", "", "-bf 2 -b_ref_mode middle", NEEDS_BREF_MIDDLE, 2, 1, 0 },
    { "lookahead", "", "-rc-lookahead 8 -bf 2", NEEDS_LOOKAHEAD, 2, 1, 0 },
    { "nv12", "", "-pix_fmt nv12", NEEDS_NOTHING, 0, 1, 0 },
    { "hwupload_nv12", "-init_hw_device cuda=cu -filter_hw_device cu", "-vf format=nv12,hwupload_cuda",
      NEEDS_NOTHING, 0, 1, 0 },
    { "hwupload_yuv420p", "-init_hw_device cuda=cu -filter_hw_device cu", "-vf hwupload_cuda -bf 0",
      NEEDS_NOTHING, 0, 1, 1 },
};

typedef struct gpu {
    int max_bframes, lookahead, bframe_ref_mode, dyn_bitrate, multiple_refs;
} gpu;

/* Counts IDR pictures and B pictures of an Annex B stream of one slice per
 * picture: nal_unit_type, then slice_type from the slice header's second
 * Exp-Golomb code (its first bytes hold no emulation prevention). */
static int bit_at(const uint8_t *p, size_t bit)
{
    return (p[bit / 8] >> (7 - bit % 8)) & 1;
}

static unsigned read_ue(const uint8_t *p, size_t n, size_t *bit)
{
    int zeros = 0;
    while (*bit < n * 8 && !bit_at(p, *bit)) {
        zeros++;
        (*bit)++;
    }
    (*bit)++;
    unsigned v = 0;
    for (int i = 0; i < zeros && *bit < n * 8; i++, (*bit)++)
        v = v << 1 | (unsigned)bit_at(p, *bit);
    return (1u << zeros) - 1 + v;
}

static void count_pictures(const uint8_t *s, size_t n, int *idrs, int *bs)
{
    *idrs = *bs = 0;
    for (size_t i = 0; i + 4 < n; i++) {
        if (s[i] || s[i + 1] || s[i + 2] != 1)
            continue;
        int type = s[i + 3] & 0x1f;
        if (type != 1 && type != 5)
            continue;
        size_t bit = 0;
        read_ue(s + i + 4, n - i - 4 < 8 ? n - i - 4 : 8, &bit);          /* first_mb_in_slice */
        unsigned slice_type = read_ue(s + i + 4, n - i - 4 < 8 ? n - i - 4 : 8, &bit);
        *idrs += type == 5;
        *bs += slice_type % 5 == 1;
    }
}

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *size = (size_t)n;
    }
    return buf;
}

/* What the case must end in on this GPU: NULL for an encode, or the text of
 * the refusal, and who refuses (the stand-in where FFmpeg cannot tell). */
static const char *expected_refusal(const ffmpeg_case *c, const gpu *g)
{
    if (c->bframes > g->max_bframes)
        return "Max B-frames";                              /* FFmpeg, NV_ENC_CAPS_NUM_MAX_BFRAMES */
    if (c->needs == NEEDS_LOOKAHEAD && !g->lookahead)
        return "RC lookahead not supported";                /* FFmpeg, NV_ENC_CAPS_SUPPORT_LOOKAHEAD */
    if (c->needs == NEEDS_BREF_MIDDLE)
        return g->bframe_ref_mode ? "codes no reference B pictures"   /* the stand-in: not modelled */
                                  : "B frames as references are not supported"; /* FFmpeg */
    return NULL;
}

static int check_stream(const ffmpeg_case *c, const char *out, char *msg, size_t n)
{
    decoded_video dec = { 0 };
    char err[256];
    if (avdecode_h264_file(out, &dec, err, sizeof(err)) < 0) {
        snprintf(msg, n, "%s: the stream does not decode: %s", c->name, err);
        return -1;
    }
    uint8_t *src = malloc((size_t)W * H * 3 / 2);
    double worst = 1e9;
    for (int i = 0; src && i < dec.frame_count && i < FRAMES; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, W, H, i, 9, src);
        double p = psnr_i420(dec.frames[i], src, W, H);
        worst = p < worst ? p : worst;
    }
    free(src);
    int frames = dec.frame_count;
    decoded_video_free(&dec);
    size_t size = 0;
    char *stream = read_file(out, &size);
    int idrs = 0, bs = 0;
    if (stream)
        count_pictures((const uint8_t *)stream, size, &idrs, &bs);
    free(stream);
    printf("%s: %d frames decoded, %d IDR, %d B, worst PSNR %.2f dB\n", c->name, frames, idrs, bs, worst);
    if (frames != FRAMES || worst < TEST_MIN_PSNR || (c->idrs && idrs != c->idrs) || (c->no_b && bs) ||
        (c->bframes && !bs)) {
        snprintf(msg, n, "%s: %d frames (want %d), worst PSNR %.2f, %d IDR (want %d), %d B pictures%s", c->name,
                 frames, FRAMES, worst, idrs, c->idrs, bs, c->no_b ? " (want none)" : "");
        return -1;
    }
    return 0;
}

void test_ffmpeg_env(char *buf, size_t n)
{
    /* NVENC_FFMPEG_PRELOAD is set by the sanitizer build. Leak checking is
     * off inside ffmpeg: LeakSanitizer's stop-the-world tracer crashed
     * (signal 11) in the preloaded, uninstrumented ffmpeg on the CI
     * machine, and the stand-ins' own leaks are checked in hwenc's tests,
     * which load them in instrumented processes. */
    const char *preload = getenv("NVENC_FFMPEG_PRELOAD");
    const char *asan = getenv("ASAN_OPTIONS");
    if (!preload || !*preload)
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "LD_PRELOAD='%s' ASAN_OPTIONS='%s%sdetect_leaks=0' ", preload, asan ? asan : "",
                 asan && *asan ? ":" : "");
}

int test_ffmpeg(const char *ffmpeg, const char *name, char *msg, size_t n)
{
    const ffmpeg_case *c = NULL;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (!strcmp(cases[i].name, name))
            c = &cases[i];
    if (!c) {
        snprintf(msg, n, "no FFmpeg case %s", name);
        return -1;
    }
    if (access(ffmpeg, X_OK)) {
        printf("%s is missing: FFmpeg case %s skipped\n", ffmpeg, name);
        return SKIPPED;
    }
    gpu g;
    if (test_query_caps(&g.max_bframes, &g.lookahead, &g.bframe_ref_mode, &g.dyn_bitrate, &g.multiple_refs) < 0) {
        snprintf(msg, n, "the stand-in does not answer its capability queries");
        return -1;
    }
    char dir[] = "/tmp/hwenc-ffmpeg-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(msg, n, "mkdtemp failed");
        return -1;
    }
    char in[256], out[256], log[256], cmd[2048];
    snprintf(in, sizeof(in), "%s/in.y4m", dir);
    snprintf(out, sizeof(out), "%s/out.264", dir);
    snprintf(log, sizeof(log), "%s/log", dir);
    int ret = -1;
    if (test_write_y4m(in, W, H, FRAMES) < 0) {
        snprintf(msg, n, "cannot write %s", in);
        goto done;
    }
    char env[1024];
    test_ffmpeg_env(env, sizeof(env));
    snprintf(cmd, sizeof(cmd), "%s'%s' -nostdin -hide_banner -loglevel warning -y %s -i '%s' -c:v h264_nvenc %s '%s' 2>'%s'",
             env, ffmpeg, c->before_input, in, c->args, out, log);
    printf("$ %s\n", cmd);
    fflush(stdout);
    int status = system(cmd);
    int exit_code = status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
    size_t size = 0;
    char *text = read_file(log, &size);
    printf("ffmpeg exited with %d%s%s", exit_code, text && *text ? ", stderr:\n" : "\n", text ? text : "");
    const char *refusal = expected_refusal(c, &g);
    if (text && strstr(text, "CONTRACT VIOLATION"))
        snprintf(msg, n, "%s: the stand-in refused what FFmpeg sent (see above)", c->name);
    else if (refusal && (exit_code == 0 || !text || !strstr(text, refusal)))
        snprintf(msg, n, "%s: expected the refusal '%s' on this GPU", c->name, refusal);
    else if (refusal)
        ret = 0;
    else if (exit_code != 0)
        snprintf(msg, n, "%s: ffmpeg failed (exit %d)", c->name, exit_code);
    else
        ret = check_stream(c, out, msg, n);
    free(text);
done:
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return ret;
}

/* ------------------------------------------------ bitrate change (API) */

/* Encodes frames [first, first + count) and returns their bytes; with
 * flush, drains the encoder. Counts IDR packets in *keys. */
static long encode_frames(AVCodecContext *ctx, AVFrame *f, int first, int count, int flush, int *packets, int *keys,
                          int *key_at_first)
{
    AVPacket *pkt = av_packet_alloc();
    long bytes = 0;
    for (int i = first; pkt && i <= first + count; i++) {
        int ret;
        if (i < first + count) {
            if (av_frame_make_writable(f) < 0)
                break;
            uint8_t *buf = malloc((size_t)W * H * 3 / 2);
            if (!buf)
                break;
            clipgen_frame_i420(CLIPGEN_OBJECT, W, H, i, 9, buf);
            for (int y = 0; y < H; y++)
                memcpy(f->data[0] + y * f->linesize[0], buf + y * W, W);
            for (int y = 0; y < H / 2; y++) {
                memcpy(f->data[1] + y * f->linesize[1], buf + W * H + y * W / 2, W / 2);
                memcpy(f->data[2] + y * f->linesize[2], buf + W * H * 5 / 4 + y * W / 2, W / 2);
            }
            free(buf);
            f->pts = i;
            ret = avcodec_send_frame(ctx, f);
        } else if (flush) {
            ret = avcodec_send_frame(ctx, NULL);
        } else {
            break;
        }
        if (ret < 0)
            break;
        while (avcodec_receive_packet(ctx, pkt) == 0) {
            bytes += pkt->size;
            (*packets)++;
            *keys += !!(pkt->flags & AV_PKT_FLAG_KEY);
            if (pkt->pts == first && (pkt->flags & AV_PKT_FLAG_KEY))
                *key_at_first = 1;
            av_packet_unref(pkt);
        }
    }
    av_packet_free(&pkt);
    return bytes;
}

int test_ffmpeg_bitrate_change(char *msg, size_t n)
{
    gpu g;
    if (test_query_caps(&g.max_bframes, &g.lookahead, &g.bframe_ref_mode, &g.dyn_bitrate, &g.multiple_refs) < 0) {
        snprintf(msg, n, "the stand-in does not answer its capability queries");
        return -1;
    }
    const AVCodec *codec = avcodec_find_encoder_by_name("h264_nvenc");
    if (!codec) {
        printf("this libavcodec has no h264_nvenc: skipped\n");
        return SKIPPED;
    }
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    AVFrame *f = av_frame_alloc();
    int ret = -1;
    if (!ctx || !f)
        goto done;
    ctx->width = W;
    ctx->height = H;
    ctx->pix_fmt = AV_PIX_FMT_YUV420P;
    ctx->time_base = (AVRational){ 1, 25 };
    ctx->framerate = (AVRational){ 25, 1 };
    ctx->bit_rate = 30000;
    ctx->max_b_frames = 0;
    av_opt_set(ctx->priv_data, "rc", "cbr", 0);
    av_opt_set(ctx->priv_data, "tune", "ll", 0);
    f->format = ctx->pix_fmt;
    f->width = W;
    f->height = H;
    if (avcodec_open2(ctx, codec, NULL) < 0 || av_frame_get_buffer(f, 0) < 0) {
        snprintf(msg, n, "avcodec_open2(h264_nvenc) failed on the stand-ins");
        goto done;
    }
    int packets = 0, keys = 0, key_at_change = 0, unused = 0;
    long low = encode_frames(ctx, f, 0, 5, 0, &packets, &keys, &unused);
    /* A new aspect ratio alone: FFmpeg reconfigures with encodeConfig NULL
     * (the header: the session keeps its configuration). */
    ctx->sample_aspect_ratio = (AVRational){ 4, 3 };
    low += encode_frames(ctx, f, 5, 5, 0, &packets, &keys, &unused);
    /* FFmpeg's nvenc reconfigures (resetEncoder and forceIDR) when the
     * context's bitrate changes between frames, where the GPU can. */
    ctx->bit_rate = 3000000;
    long high = encode_frames(ctx, f, 10, 10, 1, &packets, &keys, &key_at_change);
    printf("10 frames at 30 kb/s: %ld bytes; 10 at 3000 kb/s: %ld bytes; %d packets, %d key frames, "
           "key frame at the change: %s\n", low, high, packets, keys, key_at_change ? "yes" : "no");
    if (packets != 20)
        snprintf(msg, n, "%d packets for 20 frames", packets);
    else if (g.dyn_bitrate && (high < 2 * low || !key_at_change))
        snprintf(msg, n, "the reconfiguration (new bitrate, forced IDR) had no effect");
    else if (!g.dyn_bitrate && key_at_change)
        snprintf(msg, n, "FFmpeg reconfigured a GPU without NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE");
    else
        ret = 0;
done:
    av_frame_free(&f);
    avcodec_free_context(&ctx);
    return ret;
}
