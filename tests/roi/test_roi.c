/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Region-of-interest encoding (hwenc_send_frame_roi), checked in the
 * stream: libavcodec decodes it and exports each macroblock's QP
 * (AV_FRAME_DATA_VIDEO_ENC_PARAMS), which must be the picture's QP plus the
 * offset the ROI gives that macroblock, as the backend honours it
 * (hwenc_get_roi_caps).
 *
 *   test_roi BACKEND exact     rectangles, CQP: every macroblock's QP is the
 *                              slice QP plus its offset (regions backends:
 *                              the offsets as merged, see merge)
 *   test_roi BACKEND map       the same through mb_qp_offsets
 *   test_roi BACKEND merge     more rectangles than the backend's regions:
 *                              the QPs follow the documented merge
 *   test_roi BACKEND psnr      ABR: PSNR-Y inside the region rises by 1 dB;
 *                              on the CPU backend the size stays within 5 %
 *                              of the encode without
 *   test_roi BACKEND invalid   bad ROI input is refused, naming the field
 *   test_roi BACKEND none      a backend that cannot: frames still coded,
 *                              one notice, QPs without offsets
 *   test_roi - stream FILE X Y W H OFFSET   a 320x192 stream of 12 frames
 *                              (the CLI's, tests/roi/test_cli_roi.sh) has
 *                              the offset in that rectangle, none elsewhere
 */
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/video_enc_params.h>

#include "hwenc/hwenc.h"

#define W 320
#define H 192
#define MBW (W / 16)
#define MBH (H / 16)
#define FRAMES 12

static int failures;
/* Optional third argument: "cavlc" (entropy_coding_mode 0) or "slices"
 * (4 threads: 4 slices on the CPU backend). */
static int use_cavlc, use_slices;

#define CHECK(cond, ...)                                                                                             \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                                     \
            fprintf(stderr, __VA_ARGS__);                                                                            \
            fprintf(stderr, "\n");                                                                                   \
            failures++;                                                                                              \
        }                                                                                                            \
    } while (0)

/* Noise (every macroblock of every picture has residual, so each carries
 * its mb_qp_delta) or a smooth moving texture (for rate control). */
static void make_frame(uint8_t *y, uint8_t *u, uint8_t *v, int n, int noise)
{
    uint32_t s = 12345u + 7919u * (uint32_t)n;
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            s = s * 1664525u + 1013904223u;
            y[j * W + i] = noise ? (uint8_t)(s >> 24)
                                 : (uint8_t)(128 + 60 * sin((i + 2 * n) * 0.21) * cos((j + n) * 0.13) +
                                             (int)(s >> 28) - 8);
        }
    memset(u, 128, W * H / 4);
    memset(v, 128, W * H / 4);
}

/* The VA double's render node: a plain file the tests' DRM shim passes
 * off as one (tests/vaapi/drm_shim.c). */
static const char *device_node(void)
{
    const char *node = getenv("HWENCTEST_DRM_NODE");
    if (!node || !*node)
        return NULL;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", node);
    mkdir(dirname(dir), 0755);
    int fd = open(node, O_CREAT | O_WRONLY, 0644);
    if (fd >= 0)
        close(fd);
    return node;
}

typedef struct stream {
    uint8_t *data;
    size_t size;
} stream;

static int encode(const char *backend, int rc, const hwenc_roi *roi, int noise, stream *out, hwenc_roi_caps *caps,
                  char *notice, size_t notice_size)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = W;
    cfg.height = H;
    cfg.backend = hwenc_backend_from_name(backend);
    cfg.device = device_node();
    cfg.keyint = 6;
    cfg.threads = use_slices ? 4 : 1;
    if (use_cavlc)
        cfg.cabac = 0;
    cfg.rc_mode = rc;
    cfg.qp = 30;
    if (rc != HWENC_RC_CQP)
        cfg.bitrate_kbps = 300;
    hwenc_encoder *enc;
    char err[512];
    if (hwenc_open_ex(&cfg, &enc, err, sizeof(err)) < 0) {
        fprintf(stderr, "open %s: %s\n", backend, err);
        return -1;
    }
    if (caps)
        hwenc_get_roi_caps(enc, caps);
    static uint8_t y[W * H], u[W * H / 4], v[W * H / 4];
    memset(out, 0, sizeof(*out));
    for (int n = 0; n <= FRAMES; n++) {
        hwenc_frame f = { .plane = { y, u, v }, .stride = { W, W / 2, W / 2 }, .pts = n };
        if (n < FRAMES)
            make_frame(y, u, v, n, noise);
        int ret = n < FRAMES ? hwenc_send_frame_roi(enc, &f, roi) : hwenc_send_frame(enc, NULL);
        if (ret < 0) {
            fprintf(stderr, "send %d: %s\n", n, hwenc_last_error(enc));
            hwenc_close(enc);
            return -1;
        }
        hwenc_packet pkt;
        while ((ret = hwenc_receive_packet(enc, &pkt)) == 0) {
            out->data = realloc(out->data, out->size + pkt.size);
            memcpy(out->data + out->size, pkt.data, pkt.size);
            out->size += pkt.size;
        }
        if (ret != HWENC_EAGAIN && ret != HWENC_EOF) {
            fprintf(stderr, "receive: %s\n", hwenc_last_error(enc));
            hwenc_close(enc);
            return -1;
        }
    }
    if (notice)
        snprintf(notice, notice_size, "%s", hwenc_roi_notice(enc));
    hwenc_close(enc);
    return 0;
}

/* Decodes s; for each picture the QP of every macroblock minus the
 * picture's (slice) QP into deltas[picture][mb], and the luma into lumas. */
static int decode(const stream *s, int8_t deltas[FRAMES][MBW * MBH], uint8_t *lumas)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    ctx->export_side_data |= AV_CODEC_EXPORT_DATA_VIDEO_ENC_PARAMS;
    ctx->thread_count = 1;
    if (avcodec_open2(ctx, codec, NULL) < 0)
        return -1;
    AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int n = 0;
    for (size_t pos = 0;;) {
        uint8_t *data;
        int size;
        int used = av_parser_parse2(parser, ctx, &data, &size, s->data + pos, (int)(s->size - pos), AV_NOPTS_VALUE,
                                    AV_NOPTS_VALUE, 0);
        pos += (size_t)used;
        if (size) {
            pkt->data = data;
            pkt->size = size;
            avcodec_send_packet(ctx, pkt);
        } else if (pos >= s->size && !used) {
            avcodec_send_packet(ctx, NULL);
        }
        while (avcodec_receive_frame(ctx, frame) == 0 && n < FRAMES) {
            AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_VIDEO_ENC_PARAMS);
            CHECK(sd, "picture %d has no video_enc_params", n);
            if (sd) {
                AVVideoEncParams *par = (AVVideoEncParams *)sd->data;
                CHECK(par->nb_blocks == MBW * MBH, "picture %d: %u blocks", n, par->nb_blocks);
                for (unsigned b = 0; b < par->nb_blocks && b < MBW * MBH; b++) {
                    AVVideoBlockParams *bp = av_video_enc_params_block(par, b);
                    deltas[n][(bp->src_y / 16) * MBW + bp->src_x / 16] = (int8_t)bp->delta_qp;
                }
            }
            if (lumas)
                for (int j = 0; j < H; j++)
                    memcpy(lumas + (size_t)n * W * H + (size_t)j * W, frame->data[0] + j * frame->linesize[0], W);
            n++;
        }
        if (pos >= s->size && !used && !size)
            break;
    }
    av_parser_close(parser);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return n;
}

/* The offsets every macroblock should get: the map, or the rectangles with
 * the first covering a macroblock winning. */
static void expected_map(const hwenc_roi *roi, int8_t *map)
{
    if (roi->mb_qp_offsets) {
        memcpy(map, roi->mb_qp_offsets, MBW * MBH);
        return;
    }
    memset(map, 0, MBW * MBH);
    for (int i = roi->num_rects - 1; i >= 0; i--) {
        const hwenc_roi_rect *r = &roi->rects[i];
        for (int y = r->y / 16; y < (r->y + r->height + 15) / 16; y++)
            for (int x = r->x / 16; x < (r->x + r->width + 15) / 16; x++)
                map[y * MBW + x] = (int8_t)r->qp_offset;
    }
}

/* Every picture's macroblock QPs against the picture's QP plus map (CQP:
 * one QP for the picture, no row rate control). */
static void check_qps(const char *what, const stream *s, const int8_t *map)
{
    static int8_t deltas[FRAMES][MBW * MBH];
    int n = decode(s, deltas, NULL);
    CHECK(n == FRAMES, "%s: %d pictures decoded", what, n);
    int wrong = 0;
    for (int f = 0; f < n; f++) {
        /* libavcodec's deltas are against pic_init_qp: the picture's QP is
         * that of its macroblocks without an offset. */
        int base = -100;
        for (int i = 0; i < MBW * MBH && base == -100; i++)
            if (!map[i])
                base = deltas[f][i];
        for (int i = 0; i < MBW * MBH; i++)
            if (deltas[f][i] != base + map[i]) {
                if (!wrong)
                    fprintf(stderr, "%s: picture %d macroblock (%d,%d): QP %+d from pic_init_qp, expected %+d\n",
                            what, f, i % MBW, i / MBW, deltas[f][i], base + map[i]);
                wrong++;
            }
    }
    CHECK(!wrong, "%s: %d macroblock QPs differ from the requested offsets", what, wrong);
    printf("%s: %d pictures, every macroblock QP = slice QP + its offset\n", what, n);
}

static const hwenc_roi_rect two_rects[] = {
    { .x = 96, .y = 64, .width = 96, .height = 64, .qp_offset = -8 },  /* 6x4 macroblocks */
    { .x = 0, .y = 0, .width = 320, .height = 32, .qp_offset = 6 },   /* the top two rows */
};

static int test_exact(const char *backend, int use_map)
{
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = two_rects, .num_rects = 2 };
    int8_t map[MBW * MBH];
    expected_map(&roi, map);
    if (use_map) {
        roi = (hwenc_roi){ .struct_size = sizeof(roi), .mb_qp_offsets = map, .mb_qp_offsets_size = sizeof(map) };
    }
    stream s;
    hwenc_roi_caps caps;
    char notice[256];
    if (encode(backend, HWENC_RC_CQP, &roi, 1, &s, &caps, notice, sizeof(notice)) < 0)
        return 1;
    CHECK(caps.support != HWENC_ROI_NONE, "%s reports no ROI support", backend);
    CHECK(!notice[0], "two regions honoured exactly, yet a notice: %s", notice);
    check_qps(use_map ? "map" : "rects", &s, map);
    free(s.data);
    return 0;
}

/* Three rectangles on a backend of two regions: the two close ones merge
 * into their bounding box with their area-weighted mean offset (hwenc.h,
 * HWENC_ROI_REGIONS; hw/core/roi.c). */
static int test_merge(const char *backend)
{
    static const hwenc_roi_rect three[] = {
        { .x = 16, .y = 16, .width = 32, .height = 32, .qp_offset = -10 }, /* 2x2 MBs at (1,1) */
        { .x = 48, .y = 16, .width = 32, .height = 32, .qp_offset = -4 },  /* 2x2 MBs at (3,1): adjacent */
        { .x = 256, .y = 128, .width = 48, .height = 48, .qp_offset = 5 }, /* 3x3 MBs at (16,8) */
    };
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = three, .num_rects = 3 };
    stream s;
    hwenc_roi_caps caps;
    char notice[256];
    if (encode(backend, HWENC_RC_CQP, &roi, 1, &s, &caps, notice, sizeof(notice)) < 0)
        return 1;
    CHECK(caps.support == HWENC_ROI_REGIONS && caps.max_regions == 2,
          "the backend should take 2 regions (support %d, max %d)", caps.support, caps.max_regions);
    CHECK(strstr(notice, "merged into 2 rectangles"), "no notice of the merge: '%s'", notice);
    printf("notice: %s\n", notice);
    /* (-10 * 4 + -4 * 4) / 8 = -7 over 4x2 MBs at (1,1); 5 over (16,8) 3x3. */
    static const hwenc_roi_rect merged[] = {
        { .x = 16, .y = 16, .width = 64, .height = 32, .qp_offset = -7 },
        { .x = 256, .y = 128, .width = 48, .height = 48, .qp_offset = 5 },
    };
    hwenc_roi want = { .struct_size = sizeof(want), .rects = merged, .num_rects = 2 };
    int8_t map[MBW * MBH];
    expected_map(&want, map);
    check_qps("merge", &s, map);
    free(s.data);
    return 0;
}

static double region_psnr(const uint8_t *a, const uint8_t *b, const hwenc_roi_rect *r, int inside)
{
    double sse = 0;
    long count = 0;
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            int in = i >= r->x && i < r->x + r->width && j >= r->y && j < r->y + r->height;
            if (in != inside)
                continue;
            double d = (double)a[j * W + i] - b[j * W + i];
            sse += d * d;
            count++;
        }
    return sse ? 10 * log10(255.0 * 255.0 * (double)count / sse) : 99;
}

static void psnr_of(const stream *s, const hwenc_roi_rect *r, double *in, double *out)
{
    static int8_t deltas[FRAMES][MBW * MBH];
    static uint8_t dec[FRAMES * W * H];
    static uint8_t y[W * H], u[W * H / 4], v[W * H / 4];
    int n = decode(s, deltas, dec);
    CHECK(n == FRAMES, "%d pictures decoded", n);
    *in = *out = 0;
    for (int f = 0; f < n; f++) {
        make_frame(y, u, v, f, 0);
        *in += region_psnr(y, dec + (size_t)f * W * H, r, 1) / n;
        *out += region_psnr(y, dec + (size_t)f * W * H, r, 0) / n;
    }
}

static int test_psnr(const char *backend)
{
    const hwenc_roi_rect *r = &two_rects[0];
    hwenc_roi_rect face = *r;
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = &face, .num_rects = 1 };
    stream plain, with;
    if (encode(backend, HWENC_RC_ABR, NULL, 0, &plain, NULL, NULL, 0) < 0 ||
        encode(backend, HWENC_RC_ABR, &roi, 0, &with, NULL, NULL, 0) < 0)
        return 1;
    double in0, out0, in1, out1;
    psnr_of(&plain, r, &in0, &out0);
    psnr_of(&with, r, &in1, &out1);
    double ratio = (double)with.size / (double)plain.size;
    printf("ABR 300 kb/s: without ROI %zu bytes, PSNR-Y inside %.2f dB outside %.2f dB; with offset %d: %zu bytes "
           "(%.1f %%), inside %.2f dB outside %.2f dB\n",
           plain.size, in0, out0, face.qp_offset, with.size, 100 * (ratio - 1), in1, out1);
    CHECK(in1 > in0 + 1.0, "PSNR-Y inside the region rose only from %.2f to %.2f dB", in0, in1);
    /* The CPU backend's rate control keeps each picture's expected size
     * (cpu_fallback/backend.c roi_qp_shift); the doubles' rate loops are
     * toys, and a driver adds the offsets on top of its rate control's
     * QP, so their size is reported, not checked. */
    if (!strcmp(backend, "cpu"))
        CHECK(fabs(ratio - 1) < 0.05, "size changed by %.1f %% with ROI under ABR", 100 * (ratio - 1));
    free(plain.data);
    free(with.data);
    return 0;
}

static int refused(hwenc_encoder *enc, const hwenc_frame *f, const hwenc_roi *roi, const char *field)
{
    int ret = hwenc_send_frame_roi(enc, f, roi);
    const char *msg = hwenc_last_error(enc);
    CHECK(ret == HWENC_EINVAL && strstr(msg, field), "expected HWENC_EINVAL naming %s, got %d '%s'", field, ret, msg);
    printf("refused: %s\n", msg);
    return 0;
}

static int test_invalid(const char *backend)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = W;
    cfg.height = H;
    cfg.backend = hwenc_backend_from_name(backend);
    cfg.device = device_node();
    hwenc_encoder *enc;
    if (hwenc_open(&cfg, &enc) < 0)
        return 1;
    static uint8_t y[W * H], u[W * H / 4], v[W * H / 4];
    hwenc_frame f = { .plane = { y, u, v }, .stride = { W, W / 2, W / 2 } };
    hwenc_roi_rect r = { 0, 0, 16, 16, 52 };
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = &r, .num_rects = 1 };
    refused(enc, &f, &roi, "rects[0].qp_offset");
    r = (hwenc_roi_rect){ 310, 0, 16, 16, -3 };
    refused(enc, &f, &roi, "rects[0]");
    r = (hwenc_roi_rect){ 0, 0, 0, 16, -3 };
    refused(enc, &f, &roi, "rects[0]");
    int8_t map[MBW * MBH] = { 0 };
    roi = (hwenc_roi){ .struct_size = sizeof(roi), .mb_qp_offsets = map, .mb_qp_offsets_size = sizeof(map) - 1 };
    refused(enc, &f, &roi, "mb_qp_offsets_size");
    roi.mb_qp_offsets_size = sizeof(map);
    map[7] = -60;
    refused(enc, &f, &roi, "mb_qp_offsets[7]");
    roi.struct_size = 4;
    refused(enc, &f, &roi, "struct_size");
    /* Refused frames were not taken: the encoder goes on. */
    map[7] = -3;
    roi.struct_size = sizeof(roi);
    CHECK(hwenc_send_frame_roi(enc, &f, &roi) == 0, "a valid map after refusals: %s", hwenc_last_error(enc));
    hwenc_close(enc);
    return 0;
}

static int test_none(const char *backend)
{
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = two_rects, .num_rects = 2 };
    stream s;
    hwenc_roi_caps caps;
    char notice[256];
    if (encode(backend, HWENC_RC_CQP, &roi, 1, &s, &caps, notice, sizeof(notice)) < 0)
        return 1;
    CHECK(caps.support == HWENC_ROI_NONE, "support %d", caps.support);
    CHECK(strstr(notice, "does not honour ROI"), "no notice: '%s'", notice);
    printf("notice: %s\n", notice);
    int8_t zero[MBW * MBH] = { 0 };
    check_qps("none", &s, zero);
    free(s.data);
    return 0;
}

static int test_stream(char **a)
{
    FILE *f = fopen(a[0], "rb");
    if (!f)
        return 1;
    stream s = { .data = malloc(1 << 24) };
    s.size = fread(s.data, 1, 1 << 24, f);
    fclose(f);
    hwenc_roi_rect r = { atoi(a[1]), atoi(a[2]), atoi(a[3]), atoi(a[4]), atoi(a[5]) };
    hwenc_roi roi = { .struct_size = sizeof(roi), .rects = &r, .num_rects = 1 };
    int8_t map[MBW * MBH];
    expected_map(&roi, map);
    check_qps(a[0], &s, map);
    free(s.data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 9 && !strcmp(argv[2], "stream")) {
        int ret = test_stream(argv + 3);
        return ret || failures;
    }
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: test_roi BACKEND exact|map|merge|psnr|invalid|none [cavlc|slices]\n");
        return 2;
    }
    use_cavlc = argc == 4 && !strcmp(argv[3], "cavlc");
    use_slices = argc == 4 && !strcmp(argv[3], "slices");
    const char *b = argv[1], *c = argv[2];
    int ret = !strcmp(c, "exact")     ? test_exact(b, 0)
              : !strcmp(c, "map")     ? test_exact(b, 1)
              : !strcmp(c, "merge")   ? test_merge(b)
              : !strcmp(c, "psnr")    ? test_psnr(b)
              : !strcmp(c, "invalid") ? test_invalid(b)
              : !strcmp(c, "none")    ? test_none(b)
                                      : 2;
    if (ret || failures) {
        fprintf(stderr, "test_roi %s %s: %d failures\n", b, c, failures + ret);
        return 1;
    }
    return 0;
}
