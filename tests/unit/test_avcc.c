/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenc_get_extradata_avcc: the AVCDecoderConfigurationRecord a muxer puts
 * in an avcC box. Each stream is coded with its parameter sets, then handed
 * to libavcodec as an MP4 demuxer would: the record as extradata and every
 * packet length-prefixed with the SPS and PPS taken out, so the decoder
 * can only have them from the record. It must decode every picture equal
 * to the encoder's reconstruction. Must refuse: the same packets without
 * the record decode nothing; a record saying 2-byte lengths fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>

#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"

static tally checks = { "test_avcc" };

enum { W = 96, H = 64, FRAMES = 12 };

typedef struct coded {
    uint8_t *packets[FRAMES];    /* length-prefixed, no SPS/PPS */
    size_t sizes[FRAMES];
    uint8_t *recon[FRAMES];      /* I420, packed */
    uint8_t avcc[1024];
    int avcc_size;
    int count;
} coded;

/* Annex B to 4-byte lengths, leaving out SPS (7) and PPS (8). */
static size_t to_length_prefixed(const uint8_t *in, size_t size, uint8_t *out)
{
    size_t o = 0, i = 0;
    while (i + 3 < size) {
        size_t sc = in[i + 2] == 1 ? 3 : 4;
        size_t start = i + sc, end = start;
        while (end + 3 <= size && !(in[end] == 0 && in[end + 1] == 0 && (in[end + 2] == 1 ||
                                                                          (end + 3 < size && in[end + 2] == 0 && in[end + 3] == 1))))
            end++;
        if (end + 3 > size)
            end = size;
        int type = in[start] & 31;
        if (type != 7 && type != 8) {
            size_t len = end - start;
            out[o++] = (uint8_t)(len >> 24);
            out[o++] = (uint8_t)(len >> 16);
            out[o++] = (uint8_t)(len >> 8);
            out[o++] = (uint8_t)len;
            memcpy(out + o, in + start, len);
            o += len;
        }
        i = end;
    }
    return o;
}

static void encode(enum hwenc_profile profile, coded *c)
{
    memset(c, 0, sizeof(*c));
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = W;
    cfg.height = H;
    cfg.profile = profile;
    cfg.keyint = 5;
    cfg.want_recon = 1;
    hwenc_encoder *enc = NULL;
    REQUIRE(hwenc_open(&cfg, &enc) == 0, "open");
    uint8_t buf[8];
    CHECK(&checks, hwenc_get_extradata_avcc(enc, buf, sizeof(buf)) == HWENC_EAGAIN, "avcC before the first IDR");
    static uint8_t luma[W * H], cb[W * H / 4], cr[W * H / 4];
    for (int i = 0; i <= FRAMES; i++) {
        if (i < FRAMES) {
            clipgen_frame(CLIPGEN_OBJECT, W, H, i, 3, luma, cb, cr);
            hwenc_frame f = { .plane = { luma, cb, cr }, .stride = { W, W / 2, W / 2 }, .pts = i };
            REQUIRE(hwenc_send_frame(enc, &f) == 0, "send %d", i);
        } else {
            REQUIRE(hwenc_send_frame(enc, NULL) == 0, "flush");
        }
        hwenc_packet pkt;
        while (hwenc_receive_packet(enc, &pkt) == 0) {
            REQUIRE(c->count < FRAMES, "too many packets");
            c->packets[c->count] = malloc(pkt.size + 64);
            c->sizes[c->count] = to_length_prefixed(pkt.data, pkt.size, c->packets[c->count]);
            uint8_t *r = c->recon[c->count] = malloc(W * H * 3 / 2);
            for (int p = 0; p < 3; p++) {
                int w = p ? W / 2 : W, h = p ? H / 2 : H;
                for (int y = 0; y < h; y++, r += w)
                    memcpy(r, pkt.recon[p] + y * pkt.recon_stride[p], (size_t)w);
            }
            c->count++;
        }
    }
    int n = hwenc_get_extradata_avcc(enc, NULL, 0);
    CHECK(&checks, n > 11 && n <= (int)sizeof(c->avcc) && hwenc_get_extradata_avcc(enc, c->avcc, (size_t)n - 1) == n,
          "avcC size %d", n);
    c->avcc_size = hwenc_get_extradata_avcc(enc, c->avcc, sizeof(c->avcc));
    /* Its SPS is the one of hwenc_get_extradata. */
    uint8_t annexb[1024];
    int m = hwenc_get_extradata(enc, annexb, sizeof(annexb));
    int sps_len = c->avcc[6] << 8 | c->avcc[7];
    CHECK(&checks, m > 4 + sps_len && !memcmp(annexb + 4, c->avcc + 8, (size_t)sps_len),
          "avcC SPS of %d bytes is the Annex B extradata's", sps_len);
    hwenc_close(enc);
}

/* Decodes the packets with `extradata` (NULL: none); returns the pictures
 * equal to the reconstruction, or -1 on a decoder error. */
static int decode(const coded *c, const uint8_t *extradata, int extradata_size, char *err, size_t err_size)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    REQUIRE(ctx && pkt && frame, "libavcodec");
    ctx->err_recognition = AV_EF_EXPLODE | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_COMPLIANT;
    if (extradata) {
        ctx->extradata = av_mallocz((size_t)extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
        memcpy(ctx->extradata, extradata, (size_t)extradata_size);
        ctx->extradata_size = extradata_size;
    }
    int equal = 0, out = 0, ret = avcodec_open2(ctx, codec, NULL);
    snprintf(err, err_size, "%s", ret < 0 ? "avcodec_open2 refused the extradata" : "");
    for (int i = 0; ret >= 0 && i <= c->count; i++) {
        if (i < c->count) {
            REQUIRE(av_new_packet(pkt, (int)c->sizes[i]) == 0, "packet");
            memcpy(pkt->data, c->packets[i], c->sizes[i]);
            ret = avcodec_send_packet(ctx, pkt);
            av_packet_unref(pkt);
        } else {
            ret = avcodec_send_packet(ctx, NULL);
        }
        if (ret < 0) {
            snprintf(err, err_size, "send_packet %d: %s", i, av_err2str(ret));
            break;
        }
        while ((ret = avcodec_receive_frame(ctx, frame)) >= 0) {
            int same = out < c->count && frame->width == W && frame->height == H;
            const uint8_t *r = same ? c->recon[out] : NULL;
            for (int p = 0; same && p < 3; p++) {
                int w = p ? W / 2 : W, h = p ? H / 2 : H;
                for (int y = 0; same && y < h; y++, r += w)
                    same = !memcmp(r, frame->data[p] + y * frame->linesize[p], (size_t)w);
            }
            equal += same;
            out++;
            av_frame_unref(frame);
        }
        ret = ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
        if (ret < 0)
            snprintf(err, err_size, "receive_frame: %s", av_err2str(ret));
    }
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return ret < 0 ? -1 : equal;
}

static void free_coded(coded *c)
{
    for (int i = 0; i < c->count; i++) {
        free(c->packets[i]);
        free(c->recon[i]);
    }
}

int main(void)
{
    av_log_set_level(AV_LOG_QUIET);
    static const enum hwenc_profile profiles[] = { HWENC_PROFILE_BASELINE, HWENC_PROFILE_MAIN, HWENC_PROFILE_HIGH };
    static const int idc[] = { 66, 77, 100 };
    for (int k = 0; k < 3; k++) {
        coded c;
        encode(profiles[k], &c);
        const uint8_t *a = c.avcc;
        int high = idc[k] == 100;
        /* 1, profile, compatibility, level, ff (4-byte lengths), e1 (one SPS), ..., 01 (one PPS), ...,
         * then for High fd f8 f8 00. */
        int sps_len = a[6] << 8 | a[7], pps_at = 8 + sps_len;
        int pps_len = a[pps_at + 1] << 8 | a[pps_at + 2];
        int end = pps_at + 3 + pps_len;
        CHECK(&checks, c.avcc_size > 0 && a[0] == 1 && a[1] == idc[k] && a[4] == 0xff && a[5] == 0xe1 &&
                           (a[8] & 31) == 7 && a[2] == a[9 + 1] && a[3] == a[9 + 2] && a[pps_at] == 1 &&
                           (a[pps_at + 3] & 31) == 8 && c.avcc_size == end + (high ? 4 : 0) &&
                           (!high || !memcmp(a + end, "\xfd\xf8\xf8\x00", 4)),
              "profile %d: avcC layout (%d bytes)", idc[k], c.avcc_size);
        char err[256];
        int equal = decode(&c, c.avcc, c.avcc_size, err, sizeof(err));
        CHECK(&checks, c.count == FRAMES && equal == FRAMES, "profile %d: %d of %d pictures decoded equal from avcC "
              "and length-prefixed packets: %s", idc[k], equal, c.count, err);
        printf("profile %d: avcC of %d bytes; %d of %d pictures decoded equal to the reconstruction\n", idc[k],
               c.avcc_size, equal, c.count);
        /* Must refuse: no record, no parameter sets, no pictures. */
        int without = decode(&c, NULL, 0, err, sizeof(err));
        CHECK(&checks, without <= 0, "profile %d: %d pictures decoded without the avcC", idc[k], without);
        /* Must refuse: a record that says 2-byte lengths misreads every packet. */
        uint8_t wrong[1024];
        memcpy(wrong, c.avcc, (size_t)c.avcc_size);
        wrong[4] = 0xfc | 1;
        int misread = decode(&c, wrong, c.avcc_size, err, sizeof(err));
        CHECK(&checks, misread < FRAMES, "profile %d: %d pictures decoded with 2-byte lengths", idc[k], misread);
        printf("profile %d: without the avcC %d pictures, with 2-byte lengths %d (%s)\n", idc[k], without, misread, err);
        free_coded(&c);
    }
    CHECK(&checks, hwenc_get_extradata_avcc(NULL, NULL, 0) == HWENC_EINVAL, "avcC of no encoder");
    return tally_result(&checks);
}
