/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The oracle must be able to say no: garbage, truncated and corrupted
 * streams fail. And it must say yes correctly: streams made by ffmpeg's
 * libx264 at test time (when ffmpeg is installed) decode to the right
 * number of frames at the cropped size, match ffmpeg's own raw rendering of
 * the same source (bit-exact for a lossless encode), and the compare and
 * PSNR helpers agree with hand-made differences.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/avdecode.h"
#include "tests/common/check.h"

typedef struct test_ctx {
    tally checks;
} test_ctx;

typedef struct bytes {
    uint8_t *data;
    size_t size;
} bytes;

/* Runs a shell command and collects its stdout. */
static int run_capture(const char *cmd, bytes *out)
{
    size_t cap = 1 << 16;
    FILE *p = popen(cmd, "r");
    out->size = 0;
    out->data = malloc(cap);
    if (!p || !out->data) {
        if (p)
            pclose(p);
        return -1;
    }
    for (;;) {
        if (out->size == cap) {
            cap *= 2;
            uint8_t *grown = realloc(out->data, cap);
            if (!grown)
                break;
            out->data = grown;
        }
        const size_t got = fread(out->data + out->size, 1, cap - out->size, p);
        out->size += got;
        if (!got)
            break;
    }
    return pclose(p) == 0 && out->size ? 0 : -1;
}

static int expect_failure(test_ctx *t, const char *what, const uint8_t *data, size_t size)
{
    decoded_video v;
    char err[512] = "";
    const int ret = avdecode_h264(data, size, &v, err, sizeof(err));
    CHECK(&t->checks, ret < 0);
    CHECK(&t->checks, err[0] != '\0');
    CHECK(&t->checks, v.frame_count == 0 && v.frames == NULL);
    if (ret < 0)
        printf("  %s: rejected (%s)\n", what, err);
    else
        fprintf(stderr, "  %s: unexpectedly decoded %d frames\n", what, v.frame_count);
    decoded_video_free(&v);
    return ret < 0;
}

static void test_garbage(test_ctx *t)
{
    uint8_t junk[4096];
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        s = s * 1664525u + 1013904223u;
        junk[i] = (uint8_t)(s >> 24);
    }
    expect_failure(t, "empty input", junk, 0);
    expect_failure(t, "random bytes", junk, sizeof(junk));
    /* Start codes in front of random payloads: NAL units of random types. */
    for (size_t i = 0; i + 4 < sizeof(junk); i += 512) {
        junk[i] = junk[i + 1] = 0;
        junk[i + 2] = 1;
    }
    expect_failure(t, "random NAL units", junk, sizeof(junk));
}

/* Offset of the last 00 00 01 start code's payload, or 0. */
static size_t last_nal_payload(const bytes *b)
{
    size_t last = 0;
    for (size_t i = 0; i + 3 <= b->size; i++)
        if (!b->data[i] && !b->data[i + 1] && b->data[i + 2] == 1)
            last = i + 3;
    return last;
}

static int decode_ok(test_ctx *t, const bytes *b, decoded_video *v)
{
    char err[512] = "";
    const int ret = avdecode_h264(b->data, b->size, v, err, sizeof(err));
    CHECK(&t->checks, ret == 0);
    if (ret)
        fprintf(stderr, "  unexpected decode failure: %s\n", err);
    return ret == 0;
}

/* Lossy stream vs ffmpeg's raw rendering of the same source, and the
 * failure modes made from it. */
static void test_lossy(test_ctx *t)
{
    static const char enc[] =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=176x144:duration=1 -frames:v 3 "
        "-pix_fmt yuv420p -c:v libx264 -f h264 -";
    static const char raw[] =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=176x144:duration=1 -frames:v 3 "
        "-pix_fmt yuv420p -f rawvideo -";
    bytes stream = { 0 }, ref = { 0 };
    decoded_video v;

    CHECK(&t->checks, run_capture(enc, &stream) == 0);
    CHECK(&t->checks, run_capture(raw, &ref) == 0);
    CHECK(&t->checks, ref.size == 3 * 176 * 144 * 3 / 2);
    if (stream.size && ref.size == 3 * 176 * 144 * 3 / 2 && decode_ok(t, &stream, &v)) {
        CHECK(&t->checks, v.frame_count == 3);
        CHECK(&t->checks, v.width == 176 && v.height == 144);
        for (int i = 0; i < v.frame_count && i < 3; i++) {
            const double psnr = psnr_i420(v.frames[i], ref.data + (size_t)i * 176 * 144 * 3 / 2,
                                          176, 144);
            printf("  lossy frame %d: %.2f dB vs ffmpeg's raw source\n", i, psnr);
            CHECK(&t->checks, psnr > 30.0 && isfinite(psnr));
        }
        /* Frames are in output order: frame 1 is closer to source 1 than 0 is. */
        if (v.frame_count == 3)
            CHECK(&t->checks, psnr_i420(v.frames[1], ref.data + 176 * 144 * 3 / 2, 176, 144) >
                              psnr_i420(v.frames[0], ref.data + 176 * 144 * 3 / 2, 176, 144));
        decoded_video_free(&v);
    }

    /* The same through a file. */
    char path[] = "/tmp/hwenc-avdecode-XXXXXX";
    const int fd = mkstemp(path);
    CHECK(&t->checks, fd >= 0);
    if (fd >= 0) {
        CHECK(&t->checks, write(fd, stream.data, stream.size) == (ssize_t)stream.size);
        close(fd);
        char err[512];
        CHECK(&t->checks, avdecode_h264_file(path, &v, err, sizeof(err)) == 0);
        CHECK(&t->checks, v.frame_count == 3 && v.width == 176);
        decoded_video_free(&v);
        unlink(path);
        CHECK(&t->checks, avdecode_h264_file(path, &v, err, sizeof(err)) < 0);
    }

    /* Truncation inside the last slice, and a damaged slice. */
    const size_t last = last_nal_payload(&stream);
    CHECK(&t->checks, last > 0 && stream.size - last > 16);
    if (last > 0 && stream.size - last > 16) {
        expect_failure(t, "last slice truncated", stream.data, last + (stream.size - last) / 2);
        expect_failure(t, "last NAL header only", stream.data, last + 1);

        bytes bad = { malloc(stream.size), stream.size };
        memcpy(bad.data, stream.data, stream.size);
        for (size_t i = last + 8; i < bad.size; i += 7) /* keep the slice header */
            bad.data[i] ^= 0x5a;
        expect_failure(t, "last slice corrupted", bad.data, bad.size);
        free(bad.data);
    }
    /* Without its parameter sets (cut up to the first slice), nothing decodes. */
    size_t first_slice = 0;
    for (size_t i = 0; i + 4 <= stream.size; i++)
        if (!stream.data[i] && !stream.data[i + 1] && stream.data[i + 2] == 1 &&
            (stream.data[i + 3] & 0x1f) == 5) {
            first_slice = i;
            break;
        }
    CHECK(&t->checks, first_slice > 0);
    if (first_slice)
        expect_failure(t, "no SPS/PPS", stream.data + first_slice, stream.size - first_slice);

    free(stream.data);
    free(ref.data);
}

/* Lossless at a size that needs cropping (184x100 is coded as 192x112):
 * must match ffmpeg's raw rendering bit for bit. */
static void test_lossless_cropped(test_ctx *t)
{
    static const char enc[] =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=184x100:duration=1 -frames:v 4 "
        "-pix_fmt yuv420p -c:v libx264 -qp 0 -f h264 -";
    static const char raw[] =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=184x100:duration=1 -frames:v 4 "
        "-pix_fmt yuv420p -f rawvideo -";
    const int w = 184, h = 100;
    const size_t fs = (size_t)w * h * 3 / 2;
    bytes stream = { 0 }, ref = { 0 };
    decoded_video v;

    CHECK(&t->checks, run_capture(enc, &stream) == 0);
    CHECK(&t->checks, run_capture(raw, &ref) == 0);
    CHECK(&t->checks, ref.size == 4 * fs);
    if (!stream.size || ref.size != 4 * fs || !decode_ok(t, &stream, &v)) {
        free(stream.data);
        free(ref.data);
        return;
    }
    CHECK(&t->checks, v.frame_count == 4);
    CHECK(&t->checks, v.width == w && v.height == h);
    for (int i = 0; i < v.frame_count && i < 4; i++) {
        uint8_t *r = ref.data + (size_t)i * fs;
        const uint8_t *const planes[3] = { r, r + w * h, r + w * h * 5 / 4 };
        const ptrdiff_t strides[3] = { w, w / 2, w / 2 };
        int p = -1, x = -1, y = -1;
        CHECK(&t->checks, decoded_video_compare(&v, i, planes, strides, &p, &x, &y) == -1);
        CHECK(&t->checks, isinf(psnr_i420(v.frames[i], r, w, h)));

        /* One changed sample is found exactly, in each plane. */
        static const int pos[3][2] = { { 183, 99 }, { 5, 7 }, { 0, 49 } };
        for (int pl = 0; pl < 3; pl++) {
            const int pw = pl ? w / 2 : w;
            uint8_t *s = (uint8_t *)planes[pl] + pos[pl][1] * pw + pos[pl][0];
            *s ^= 1;
            const int64_t off = decoded_video_compare(&v, i, planes, strides, &p, &x, &y);
            CHECK(&t->checks, off == planes[pl] - r + pos[pl][1] * pw + pos[pl][0]);
            CHECK(&t->checks, p == pl && x == pos[pl][0] && y == pos[pl][1]);
            /* PSNR of one sample off by one among all of them. */
            const double expect = 10 * log10(255.0 * 255.0 * (double)fs);
            CHECK(&t->checks, fabs(psnr_i420(v.frames[i], r, w, h) - expect) < 1e-9);
            *s ^= 1;
        }
    }
    /* A strided copy compares equal too. */
    if (v.frame_count > 0) {
        const ptrdiff_t strides[3] = { w + 8, w / 2 + 8, w / 2 + 8 };
        uint8_t *pic = calloc(1, (size_t)(strides[0] * h + 2 * strides[1] * (h / 2)));
        const uint8_t *const planes[3] = { pic, pic + strides[0] * h,
                                           pic + strides[0] * h + strides[1] * (h / 2) };
        const uint8_t *src = v.frames[0];
        for (int pl = 0; pl < 3; pl++) {
            const int pw = pl ? w / 2 : w, ph = pl ? h / 2 : h;
            for (int yy = 0; yy < ph; yy++, src += pw)
                memcpy((uint8_t *)planes[pl] + yy * strides[pl], src, (size_t)pw);
        }
        CHECK(&t->checks, decoded_video_compare(&v, 0, planes, strides, NULL, NULL, NULL) == -1);
        CHECK(&t->checks, isinf(psnr_plane(planes[0], strides[0], v.frames[0], w, w, h)));
        free(pic);
    }
    decoded_video_free(&v);
    free(stream.data);
    free(ref.data);
}

/* The frame size from the README's clip: 720x404 is coded as 720x416. */
static void test_crop_720x404(test_ctx *t)
{
    static const char enc[] =
        "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc2=size=720x404:duration=1 -frames:v 2 "
        "-pix_fmt yuv420p -c:v libx264 -preset ultrafast -f h264 -";
    bytes stream = { 0 };
    decoded_video v;
    CHECK(&t->checks, run_capture(enc, &stream) == 0);
    if (stream.size && decode_ok(t, &stream, &v)) {
        CHECK(&t->checks, v.frame_count == 2);
        CHECK(&t->checks, v.width == 720 && v.height == 404);
        decoded_video_free(&v);
    }
    free(stream.data);
}

int main(void)
{
    test_ctx t = { .checks = { "test_avdecode" } };
    test_garbage(&t);
    if (system("ffmpeg -hide_banner -loglevel error -version >/dev/null 2>&1") == 0) {
        test_lossy(&t);
        test_lossless_cropped(&t);
        test_crop_720x404(&t);
    } else {
        printf("ffmpeg not found: skipping the tests that need libx264 streams\n");
    }
    return tally_result(&t.checks);
}
