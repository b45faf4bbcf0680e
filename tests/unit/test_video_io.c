/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Y4M / raw I420 reader and writer: good files of every accepted flavour,
 * bit-exact round trips, and malformed inputs that must be refused with a
 * message naming the problem. All files are made in a private temp dir.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/common/check.h"
#include "tools/media/clipgen.h"
#include "tools/media/video_io.h"

typedef struct test_ctx {
    tally checks;
    char dir[256];
} test_ctx;

/* Reports a message mismatch with both strings, which a bare CHECK would hide. */
#define CHECK_MSG(t, err, substr) \
    CHECK(&(t)->checks, strstr((err), (substr)), "message \"%s\" lacks \"%s\"", (err), (substr))

static const char *tmp_path(const test_ctx *t, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", t->dir, name);
    return buf;
}

static int write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    const int ok = fwrite(data, 1, size, f) == size;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* A growable byte buffer for building test files. */
typedef struct buf {
    uint8_t *data;
    size_t size, cap;
} buf;

static void buf_add(buf *b, const void *data, size_t size)
{
    if (!size)
        return;
    if (b->size + size > b->cap) {
        b->cap = (b->size + size) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    memcpy(b->data + b->size, data, size);
    b->size += size;
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* Deterministic frame content that differs per frame and per byte. */
static void fill_frame(uint8_t *dst, size_t size, int frame)
{
    for (size_t i = 0; i < size; i++)
        dst[i] = (uint8_t)(i * 7 + (size_t)frame * 31 + (i >> 8));
}

/* Checks that the picture equals fill_frame(frame) of a w x h frame. */
static int picture_matches(const video_picture *pic, int w, int h, int frame)
{
    const size_t size = (size_t)w * h * 3 / 2;
    uint8_t *ref = malloc(size);
    const uint8_t *r = ref;
    int same = 1;
    fill_frame(ref, size, frame);
    for (int p = 0; p < 3; p++) {
        const int pw = p ? w / 2 : w, ph = p ? h / 2 : h;
        for (int y = 0; y < ph; y++, r += pw)
            same &= !memcmp(pic->plane[p] + y * pic->stride[p], r, (size_t)pw);
    }
    free(ref);
    return same;
}

/* Builds a Y4M file: header line, then frames FRAME-marked with fill_frame
 * content; frame_params is appended after "FRAME" when non-NULL. */
static void make_y4m(buf *b, const char *header, int w, int h, int frames, const char *frame_params)
{
    const size_t size = (size_t)w * h * 3 / 2;
    uint8_t *f = malloc(size);
    buf_str(b, header);
    for (int i = 0; i < frames; i++) {
        buf_str(b, "FRAME");
        if (frame_params)
            buf_str(b, frame_params);
        buf_str(b, "\n");
        fill_frame(f, size, i);
        buf_add(b, f, size);
    }
    free(f);
}

static void test_good_headers(test_ctx *t)
{
    static const struct {
        const char *header;
        int w, h, fps_num, fps_den, sar_num, sar_den;
        enum video_chroma_siting siting;
        int full_range;
        const char *frame_params;
    } cases[] = {
        { "YUV4MPEG2 W8 H4 F25:1 Ip A1:1 C420jpeg\n", 8, 4, 25, 1, 1, 1, VIDEO_CHROMA_CENTER, 0, NULL },
        { "YUV4MPEG2 W16 H6 F30000:1001 A0:0 C420mpeg2 XYSCSS=420MPEG2\n",
          16, 6, 30000, 1001, 0, 0, VIDEO_CHROMA_LEFT, 0, NULL },
        { "YUV4MPEG2 W4 H2 C420paldv\n", 4, 2, 0, 0, 0, 0, VIDEO_CHROMA_TOPLEFT, 0, NULL },
        { "YUV4MPEG2 W6 H4 C420\n", 6, 4, 0, 0, 0, 0, VIDEO_CHROMA_CENTER, 0, " Ixyz Xfoo=bar" },
        /* Tags in odd order, repeated spaces, unknown extensions and tags. */
        { "YUV4MPEG2 XCOLORRANGE=FULL  C420mpeg2 A16:11 Ip F50:1 H10 Zunknown W12\n",
          12, 10, 50, 1, 16, 11, VIDEO_CHROMA_LEFT, 1, " " },
        { "YUV4MPEG2 H2 W2 XCOLORRANGE=LIMITED I?\n", 2, 2, 0, 0, 0, 0, VIDEO_CHROMA_CENTER, 0, NULL },
    };
    char path[512], err[256];
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        buf b = { 0 };
        video_reader *r = NULL;
        video_picture pic;
        make_y4m(&b, cases[c].header, cases[c].w, cases[c].h, 3, cases[c].frame_params);
        tmp_path(t, "good.y4m", path, sizeof(path));
        CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
        free(b.data);

        err[0] = '\0';
        int ret = video_reader_open(&r, path, NULL, err, sizeof(err));
        CHECK(&t->checks, ret == 0);
        if (ret) {
            fprintf(stderr, "case %zu: %s\n", c, err);
            continue;
        }
        const video_info *info = video_reader_info(r);
        CHECK(&t->checks, info->width == cases[c].w && info->height == cases[c].h);
        CHECK(&t->checks, info->fps_num == cases[c].fps_num && info->fps_den == cases[c].fps_den);
        CHECK(&t->checks, info->sar_num == cases[c].sar_num && info->sar_den == cases[c].sar_den);
        CHECK(&t->checks, info->chroma_siting == cases[c].siting);
        CHECK(&t->checks, info->full_range == cases[c].full_range);
        for (int i = 0; i < 3; i++) {
            CHECK(&t->checks, video_reader_frame_index(r) == i);
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
            CHECK(&t->checks, picture_matches(&pic, cases[c].w, cases[c].h, i));
        }
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 0);
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 0);
        CHECK(&t->checks, video_reader_frame_index(r) == 3);
        video_reader_close(r);
        unlink(path);
    }
}

static void test_bad_headers(test_ctx *t)
{
    char long_header[2100];
    static const struct {
        const char *header; /* NULL: long_header */
        const char *expect;
    } cases[] = {
        { "", "missing YUV4MPEG2 signature" },
        { "YUV4MPEG W4 H4\n", "missing YUV4MPEG2 signature" },
        { "YUV4MPEG2X W4 H4\n", "missing YUV4MPEG2 signature" },
        { "\x89PNG\r\n\x1a\n", "missing YUV4MPEG2 signature" },
        { "YUV4MPEG2 H4 F25:1\n", "Y4M header has no width (W)" },
        { "YUV4MPEG2 W4 F25:1\n", "Y4M header has no height (H)" },
        { "YUV4MPEG2\n", "no width (W)" },
        { "YUV4MPEG2 W0 H4\n", "width 'W0' out of range" },
        { "YUV4MPEG2 W4 H0\n", "height 'H0' out of range" },
        { "YUV4MPEG2 W-4 H4\n", "bad Y4M width 'W-4'" },
        { "YUV4MPEG2 W4x H4\n", "bad Y4M width" },
        { "YUV4MPEG2 W H4\n", "bad Y4M width" },
        { "YUV4MPEG2 W721 H404\n", "odd size 721x404: 4:2:0 needs even width and height" },
        { "YUV4MPEG2 W720 H405\n", "odd size 720x405" },
        { "YUV4MPEG2 W99999 H64\n", "width 'W99999' out of range (1..16384)" },
        { "YUV4MPEG2 W64 H16386\n", "height 'H16386' out of range" },
        { "YUV4MPEG2 W99999999999999999999999 H64\n", "out of range (1..16384)" },
        { "YUV4MPEG2 W4 H4 C444\n",
          "unsupported Y4M colour space 'C444' (only 4:2:0 8-bit: C420jpeg, C420mpeg2, C420paldv)" },
        { "YUV4MPEG2 W4 H4 C422\n", "unsupported Y4M colour space 'C422'" },
        { "YUV4MPEG2 W4 H4 Cmono\n", "unsupported Y4M colour space 'Cmono'" },
        { "YUV4MPEG2 W4 H4 C420p10 XYSCSS=420P10\n", "unsupported Y4M colour space 'C420p10'" },
        { "YUV4MPEG2 W4 H4 It\n", "interlaced Y4M (It) is not supported" },
        { "YUV4MPEG2 W4 H4 Ib\n", "interlaced Y4M (Ib) is not supported" },
        { "YUV4MPEG2 W4 H4 Im\n", "interlaced Y4M (Im) is not supported" },
        { "YUV4MPEG2 W4 H4 Ix\n", "bad Y4M interlacing tag 'Ix'" },
        { "YUV4MPEG2 W4 H4 F25\n", "bad Y4M frame rate 'F25'" },
        { "YUV4MPEG2 W4 H4 F25:0\n", "bad Y4M frame rate" },
        { "YUV4MPEG2 W4 H4 Ax:y\n", "bad Y4M pixel aspect ratio 'Ax:y'" },
        { NULL, "longer than 1024 bytes" },
    };
    char path[512], err[256];

    memset(long_header, 'a', sizeof(long_header) - 2);
    memcpy(long_header, "YUV4MPEG2 W4 H4 X", 17);
    long_header[sizeof(long_header) - 2] = '\n';
    long_header[sizeof(long_header) - 1] = '\0';
    tmp_path(t, "bad.y4m", path, sizeof(path));
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *header = cases[c].header ? cases[c].header : long_header;
        buf b = { 0 };
        video_reader *r = (video_reader *)(uintptr_t)1; /* open must reset it to NULL */
        buf_str(&b, header);
        /* Enough frame data that only the header can be at fault. */
        for (int i = 0; i < 64; i++)
            buf_str(&b, "FRAME\n\x10\x10\x10\x10\x10\x10\x10\x10\x10\x10\x10\x10");
        CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
        free(b.data);
        err[0] = '\0';
        CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == VIDEO_IO_ERROR);
        CHECK(&t->checks, r == NULL);
        CHECK_MSG(t, err, cases[c].expect);
    }
    /* Files that end inside the header. */
    CHECK(&t->checks, write_file(path, "", 0) == 0);
    video_reader *r;
    CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == VIDEO_IO_ERROR);
    CHECK_MSG(t, err, "empty input");
    CHECK(&t->checks, write_file(path, "YUV4MPEG2 W4 H4", 15) == 0);
    CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == VIDEO_IO_ERROR);
    CHECK_MSG(t, err, "Y4M header is not terminated by a newline");
    CHECK(&t->checks, write_file(path, "YUV4", 4) == 0);
    CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == VIDEO_IO_ERROR);
    CHECK_MSG(t, err, "missing YUV4MPEG2 signature");
    unlink(path);

    CHECK(&t->checks, video_reader_open(&r, "/nonexistent/dir/x.y4m", NULL, err, sizeof(err)) == VIDEO_IO_ERROR);
    CHECK_MSG(t, err, "cannot open '/nonexistent/dir/x.y4m'");
}

static void test_bad_frames(test_ctx *t)
{
    static const struct {
        const char *marker2; /* the second frame's marker line */
        const char *expect;
        int status;
    } cases[] = {
        { "FRAMX\n", "bad frame marker at frame 1: expected 'FRAME', found 'FRAMX'", VIDEO_IO_ERROR },
        { "frame\n", "bad frame marker at frame 1", VIDEO_IO_ERROR },
        { "FRAMEX\n", "bad frame marker at frame 1: 'FRAME' followed by 'X'", VIDEO_IO_ERROR },
        { "\nFRAME\n", "bad frame marker at frame 1", VIDEO_IO_ERROR },
    };
    char path[512], err[256];
    const int w = 8, h = 4;
    const size_t size = (size_t)w * h * 3 / 2;
    uint8_t frame[48];
    video_picture pic;

    tmp_path(t, "badframe.y4m", path, sizeof(path));
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        buf b = { 0 };
        video_reader *r = NULL;
        make_y4m(&b, "YUV4MPEG2 W8 H4\n", w, h, 1, NULL);
        buf_str(&b, cases[c].marker2);
        fill_frame(frame, size, 1);
        buf_add(&b, frame, size);
        CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
        free(b.data);
        CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == 0);
        if (!r)
            continue;
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
        CHECK(&t->checks, picture_matches(&pic, w, h, 0));
        err[0] = '\0';
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == cases[c].status);
        CHECK_MSG(t, err, cases[c].expect);
        /* A failed reader stays failed. */
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) < 0);
        video_reader_close(r);
    }
    unlink(path);
}

/* Y4M and raw inputs whose last frame is cut short at various points. */
static void test_truncated(test_ctx *t)
{
    const int w = 16, h = 8;
    const size_t size = (size_t)w * h * 3 / 2;
    static const struct {
        const char *tail;   /* appended after 3 complete frames */
        size_t data_bytes;  /* of the incomplete frame that follow tail */
        const char *expect;
    } cases[] = {
        { "FRAME\n", 100, "truncated frame 3: 92 of 192 bytes missing" },
        { "FRAME\n", 0, "truncated frame 3: 192 of 192 bytes missing" },
        { "FRAME Ip\n", 191, "truncated frame 3: 1 of 192 bytes missing" },
        { "FRA", 0, "truncated frame 3" },
        { "FRAME", 0, "truncated frame 3" },
        { "FRAME Ixx", 0, "truncated frame 3" },
    };
    char path[512], err[256];
    uint8_t frame[192];
    video_picture pic;

    tmp_path(t, "trunc.y4m", path, sizeof(path));
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        buf b = { 0 };
        video_reader *r = NULL;
        make_y4m(&b, "YUV4MPEG2 W16 H8 F25:1\n", w, h, 3, NULL);
        buf_str(&b, cases[c].tail);
        fill_frame(frame, size, 3);
        buf_add(&b, frame, cases[c].data_bytes);
        CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
        free(b.data);
        CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == 0);
        if (!r)
            continue;
        for (int i = 0; i < 3; i++) {
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
            CHECK(&t->checks, picture_matches(&pic, w, h, i));
        }
        err[0] = '\0';
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == VIDEO_IO_TRUNCATED);
        CHECK_MSG(t, err, cases[c].expect);
        CHECK(&t->checks, video_reader_frame_index(r) == 3);
        video_reader_close(r);
    }
    unlink(path);

    /* Raw: 2.5 frames. */
    buf b = { 0 };
    for (int i = 0; i < 3; i++) {
        fill_frame(frame, size, i);
        buf_add(&b, frame, i < 2 ? size : size / 2);
    }
    tmp_path(t, "trunc.yuv", path, sizeof(path));
    CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
    free(b.data);
    const video_info raw = { .width = w, .height = h, .fps_num = 25, .fps_den = 1 };
    video_reader *r = NULL;
    CHECK(&t->checks, video_reader_open(&r, path, &raw, err, sizeof(err)) == 0);
    if (r) {
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
        CHECK(&t->checks, picture_matches(&pic, w, h, 0));
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
        CHECK(&t->checks, picture_matches(&pic, w, h, 1));
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == VIDEO_IO_TRUNCATED);
        CHECK_MSG(t, err, "truncated frame 2: 96 of 192 bytes missing");
        video_reader_close(r);
    }
    unlink(path);
}

/* Blanks after the last frame (a trailing newline, as some tools write)
 * end the input cleanly; anything else after them is still an error. */
static void test_trailing_blanks(test_ctx *t)
{
    static const struct {
        const char *tail;
        int status;
    } cases[] = {
        { "\n", 0 }, { "\r\n", 0 }, { "\n\n \t\n", 0 }, { " ", 0 }, { "\nX", VIDEO_IO_ERROR },
        { "\n\n\nFRAMX", VIDEO_IO_ERROR }, { "\0", VIDEO_IO_ERROR },
    };
    const int w = 8, h = 4;
    char path[512], err[256];
    video_picture pic;
    tmp_path(t, "blanks.y4m", path, sizeof(path));
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        buf b = { 0 };
        video_reader *r = NULL;
        make_y4m(&b, "YUV4MPEG2 W8 H4\n", w, h, 2, NULL);
        buf_add(&b, cases[c].tail, strlen(cases[c].tail) + !cases[c].tail[0]);
        CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
        free(b.data);
        CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == 0);
        if (!r)
            continue;
        for (int i = 0; i < 2; i++)
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1 && picture_matches(&pic, w, h, i));
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == cases[c].status);
        if (cases[c].status)
            CHECK_MSG(t, err, "bad frame marker at frame 2");
        video_reader_close(r);
    }
    unlink(path);
}

/* A Y4M file read as raw I420 would encode its header as picture data. */
static void test_raw_that_is_y4m(test_ctx *t)
{
    char path[512], err[256];
    video_picture pic;
    buf b = { 0 };
    make_y4m(&b, "YUV4MPEG2 W8 H4\n", 8, 4, 3, NULL);
    tmp_path(t, "y4m_as_raw.yuv", path, sizeof(path));
    CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
    free(b.data);
    const video_info raw = { .width = 8, .height = 4, .fps_num = 25, .fps_den = 1 };
    video_reader *r = NULL;
    CHECK(&t->checks, video_reader_open(&r, path, &raw, err, sizeof(err)) == 0);
    if (r) {
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == VIDEO_IO_ERROR);
        CHECK_MSG(t, err, "starts with a YUV4MPEG2 header");
        video_reader_close(r);
    }
    unlink(path);
}

static void test_raw(test_ctx *t)
{
    const int w = 32, h = 18;
    const size_t size = (size_t)w * h * 3 / 2;
    char path[512], err[256];
    uint8_t frame[864];
    video_picture pic;
    buf b = { 0 };

    for (int i = 0; i < 4; i++) {
        fill_frame(frame, size, i);
        buf_add(&b, frame, size);
    }
    tmp_path(t, "clip.yuv", path, sizeof(path));
    CHECK(&t->checks, write_file(path, b.data, b.size) == 0);
    free(b.data);

    const video_info raw = { .width = w, .height = h, .fps_num = 24, .fps_den = 1 };
    video_reader *r = NULL;
    CHECK(&t->checks, video_reader_open(&r, path, &raw, err, sizeof(err)) == 0);
    if (r) {
        CHECK(&t->checks, video_reader_info(r)->width == w && video_reader_info(r)->fps_num == 24);
        for (int i = 0; i < 4; i++) {
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
            CHECK(&t->checks, picture_matches(&pic, w, h, i));
        }
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 0);
        CHECK(&t->checks, video_reader_frame_index(r) == 4);
        video_reader_close(r);
    }

    /* A raw input is refused if its given size is. */
    const video_info odd = { .width = 33, .height = 18 };
    const video_info huge = { .width = 99999, .height = 99999 };
    r = NULL;
    CHECK(&t->checks, video_reader_open(&r, path, &odd, err, sizeof(err)) == VIDEO_IO_ERROR && !r);
    CHECK_MSG(t, err, "odd size 33x18");
    CHECK(&t->checks, video_reader_open(&r, path, &huge, err, sizeof(err)) == VIDEO_IO_ERROR && !r);
    CHECK_MSG(t, err, "out of range");
    unlink(path);
}

/* Writer -> reader, Y4M and raw, from strided pictures, must be bit-exact
 * and keep the header fields. */
static void test_round_trip(test_ctx *t)
{
    const int w = 48, h = 34, frames = 5;
    const ptrdiff_t stride[3] = { w + 13, w / 2 + 7, w / 2 + 3 };
    char path[512], err[256];
    uint8_t *planes[3], *packed = malloc((size_t)w * h * 3 / 2);
    video_picture pic;

    for (int p = 0; p < 3; p++)
        planes[p] = malloc((size_t)stride[p] * (p ? h / 2 : h));

    for (int fmt = 0; fmt < 2; fmt++) {
        const video_info info = { .width = w, .height = h, .fps_num = 30000, .fps_den = 1001,
                                  .sar_num = 4, .sar_den = 3, .chroma_siting = VIDEO_CHROMA_LEFT,
                                  .full_range = 1 };
        video_writer *wr = NULL;
        tmp_path(t, fmt ? "rt.yuv" : "rt.y4m", path, sizeof(path));
        CHECK(&t->checks, video_writer_open(&wr, path, &info, err, sizeof(err)) == 0);
        if (!wr)
            continue;
        for (int i = 0; i < frames; i++) {
            clipgen_frame_i420(CLIPGEN_PAN, w, h, i, 77, packed);
            const uint8_t *src = packed;
            for (int p = 0; p < 3; p++) {
                const int pw = p ? w / 2 : w, ph = p ? h / 2 : h;
                memset(planes[p], 0xEE, (size_t)stride[p] * ph); /* padding must not leak */
                for (int y = 0; y < ph; y++, src += pw)
                    memcpy(planes[p] + y * stride[p], src, (size_t)pw);
            }
            CHECK(&t->checks, video_writer_write(wr, (const uint8_t *const *)planes, stride) == 0);
        }
        CHECK(&t->checks, video_writer_close(wr) == 0);

        struct stat st;
        CHECK(&t->checks, stat(path, &st) == 0);
        if (fmt) /* raw: exactly the samples */
            CHECK(&t->checks, st.st_size == (off_t)frames * w * h * 3 / 2);

        video_reader *r = NULL;
        CHECK(&t->checks, video_reader_open(&r, path, fmt ? &info : NULL, err, sizeof(err)) == 0);
        if (!r)
            continue;
        const video_info *ri = video_reader_info(r);
        CHECK(&t->checks, ri->width == w && ri->height == h);
        CHECK(&t->checks, ri->fps_num == 30000 && ri->fps_den == 1001);
        CHECK(&t->checks, ri->sar_num == 4 && ri->sar_den == 3);
        CHECK(&t->checks, ri->chroma_siting == VIDEO_CHROMA_LEFT);
        CHECK(&t->checks, ri->full_range == 1);
        for (int i = 0; i < frames; i++) {
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 1);
            clipgen_frame_i420(CLIPGEN_PAN, w, h, i, 77, packed);
            const uint8_t *ref = packed;
            int same = 1;
            for (int p = 0; p < 3; p++) {
                const int pw = p ? w / 2 : w, ph = p ? h / 2 : h;
                for (int y = 0; y < ph; y++, ref += pw)
                    same &= !memcmp(pic.plane[p] + y * pic.stride[p], ref, (size_t)pw);
            }
            CHECK(&t->checks, same);
        }
        CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 0);
        video_reader_close(r);
        unlink(path);
    }

    /* Unknown rate is written as 25:1; the other sitings survive. */
    static const enum video_chroma_siting sitings[] = { VIDEO_CHROMA_CENTER, VIDEO_CHROMA_TOPLEFT };
    for (int s = 0; s < 2; s++) {
        const video_info info = { .width = 4, .height = 2, .chroma_siting = sitings[s] };
        video_writer *wr = NULL;
        video_reader *r = NULL;
        tmp_path(t, "rate.Y4M", path, sizeof(path));
        CHECK(&t->checks, video_writer_open(&wr, path, &info, err, sizeof(err)) == 0);
        CHECK(&t->checks, video_writer_close(wr) == 0);
        CHECK(&t->checks, video_reader_open(&r, path, NULL, err, sizeof(err)) == 0);
        if (r) {
            CHECK(&t->checks, video_reader_info(r)->fps_num == 25 && video_reader_info(r)->fps_den == 1);
            CHECK(&t->checks, video_reader_info(r)->sar_num == 0 && video_reader_info(r)->full_range == 0);
            CHECK(&t->checks, video_reader_info(r)->chroma_siting == sitings[s]);
            CHECK(&t->checks, video_reader_read(r, &pic, err, sizeof(err)) == 0);
            video_reader_close(r);
        }
        unlink(path);
    }

    for (int p = 0; p < 3; p++)
        free(planes[p]);
    free(packed);
}

static void test_writer_errors(test_ctx *t)
{
    char err[256];
    video_writer *wr = (video_writer *)(uintptr_t)1; /* open must reset it to NULL */
    const video_info odd = { .width = 7, .height = 4 };
    CHECK(&t->checks, video_writer_open(&wr, "/dev/null", &odd, err, sizeof(err)) == VIDEO_IO_ERROR && !wr);
    CHECK_MSG(t, err, "odd size 7x4");

    const video_info info = { .width = 64, .height = 64 };
    CHECK(&t->checks, video_writer_open(&wr, "/nonexistent/dir/out.y4m", &info, err, sizeof(err)) ==
                      VIDEO_IO_ERROR);
    CHECK_MSG(t, err, "cannot create");

    /* A full disk must surface, at the latest when closing. */
    if (access("/dev/full", W_OK) == 0) {
        uint8_t frame[64 * 64 * 3 / 2] = { 0 };
        const uint8_t *const planes[3] = { frame, frame + 4096, frame + 5120 };
        const ptrdiff_t stride[3] = { 64, 32, 32 };
        wr = NULL;
        CHECK(&t->checks, video_writer_open(&wr, "/dev/full", &info, err, sizeof(err)) == 0);
        if (wr) {
            int failed = 0;
            for (int i = 0; i < 200; i++) /* more than the stdio buffer */
                failed |= video_writer_write(wr, planes, stride) < 0;
            CHECK(&t->checks, failed);
            CHECK(&t->checks, video_writer_close(wr) < 0);
        }
    }
}

/* Interoperability with an independent implementation: ffmpeg's Y4M muxer
 * and demuxer. Skipped when ffmpeg is not installed. */
static void test_ffmpeg_interop(test_ctx *t)
{
    const int w = 96, h = 64, frames = 5;
    const size_t fs = (size_t)w * h * 3 / 2;
    char y4m[512], yuv[512], ours[512], back[512], cmd[2048], err[256];
    video_picture pic;

    if (system("ffmpeg -hide_banner -loglevel error -version >/dev/null 2>&1") != 0) {
        printf("ffmpeg not found: skipping the interoperability test\n");
        return;
    }
    tmp_path(t, "ff.y4m", y4m, sizeof(y4m));
    tmp_path(t, "ff.yuv", yuv, sizeof(yuv));
    /* -frames:v is per output, so it is given for both; the finite source
     * duration is a second guard against an endless raw output. */
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -loglevel error -y -f lavfi "
             "-i testsrc2=size=%dx%d:rate=30000/1001:duration=1 -pix_fmt yuv420p "
             "-frames:v %d %s -frames:v %d -f rawvideo %s", w, h, frames, y4m, frames, yuv);
    CHECK(&t->checks, system(cmd) == 0);

    /* ffmpeg's Y4M, read by us, equals ffmpeg's raw output. */
    video_reader *ry = NULL, *rr = NULL;
    const video_info raw = { .width = w, .height = h };
    CHECK(&t->checks, video_reader_open(&ry, y4m, NULL, err, sizeof(err)) == 0);
    CHECK(&t->checks, video_reader_open(&rr, yuv, &raw, err, sizeof(err)) == 0);
    if (ry && rr) {
        CHECK(&t->checks, video_reader_info(ry)->width == w && video_reader_info(ry)->height == h);
        CHECK(&t->checks, video_reader_info(ry)->fps_num == 30000 && video_reader_info(ry)->fps_den == 1001);
        uint8_t *a = malloc(fs);
        for (int i = 0; i < frames; i++) {
            CHECK(&t->checks, video_reader_read(ry, &pic, err, sizeof(err)) == 1);
            for (int p = 0; p < 3; p++) /* copy out: the next read replaces it */
                memcpy(a + (p ? (size_t)w * h * (p + 3) / 4 : 0), pic.plane[p],
                       (size_t)w * h / (p ? 4 : 1));
            CHECK(&t->checks, video_reader_read(rr, &pic, err, sizeof(err)) == 1);
            CHECK(&t->checks, !memcmp(a, pic.plane[0], fs)); /* raw planes are contiguous */
        }
        CHECK(&t->checks, video_reader_read(ry, &pic, err, sizeof(err)) == 0);
        CHECK(&t->checks, video_reader_read(rr, &pic, err, sizeof(err)) == 0);
        free(a);
    }
    video_reader_close(ry);
    video_reader_close(rr);

    /* Our Y4M, read by ffmpeg, gives back the samples we wrote. */
    tmp_path(t, "ours.y4m", ours, sizeof(ours));
    tmp_path(t, "back.yuv", back, sizeof(back));
    const video_info info = { .width = w, .height = h, .fps_num = 24, .fps_den = 1,
                              .chroma_siting = VIDEO_CHROMA_LEFT };
    video_writer *wr = NULL;
    uint8_t *frame = malloc(fs);
    CHECK(&t->checks, video_writer_open(&wr, ours, &info, err, sizeof(err)) == 0);
    for (int i = 0; wr && i < frames; i++) {
        clipgen_frame_i420(CLIPGEN_OBJECT, w, h, i, 5, frame);
        const uint8_t *const planes[3] = { frame, frame + w * h, frame + w * h * 5 / 4 };
        const ptrdiff_t stride[3] = { w, w / 2, w / 2 };
        CHECK(&t->checks, video_writer_write(wr, planes, stride) == 0);
    }
    CHECK(&t->checks, video_writer_close(wr) == 0);
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -loglevel error -y -i %s -f rawvideo %s", ours, back);
    CHECK(&t->checks, system(cmd) == 0);
    FILE *f = fopen(back, "rb");
    CHECK(&t->checks, f != NULL);
    if (f) {
        uint8_t *got = malloc(fs * frames + 1);
        CHECK(&t->checks, fread(got, 1, fs * frames + 1, f) == fs * frames);
        for (int i = 0; i < frames; i++) {
            clipgen_frame_i420(CLIPGEN_OBJECT, w, h, i, 5, frame);
            CHECK(&t->checks, !memcmp(got + fs * i, frame, fs));
        }
        free(got);
        fclose(f);
    }
    free(frame);
    unlink(y4m);
    unlink(yuv);
    unlink(ours);
    unlink(back);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int main(void)
{
    test_ctx t = { .checks = { "test_video_io" } };
    const char *tmp = getenv("TMPDIR");
    snprintf(t.dir, sizeof(t.dir), "%s/hwenc-video-io-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t.dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good_headers(&t);
    test_bad_headers(&t);
    test_bad_frames(&t);
    test_truncated(&t);
    test_trailing_blanks(&t);
    test_raw(&t);
    test_raw_that_is_y4m(&t);
    test_round_trip(&t);
    test_writer_errors(&t);
    test_ffmpeg_interop(&t);
    remove_dir(t.dir);

    return tally_result(&t.checks);
}
