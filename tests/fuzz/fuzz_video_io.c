/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Fuzzes the Y4M and raw I420 readers (tools/media/video_io.c). The first byte
 * chooses the format (and for raw input the next ones the size); the rest
 * is the file. Besides running clean under the sanitizers, the reader must
 * keep its promises: sizes it reports are valid, it never returns more
 * frames than the bytes hold, a failed reader stays failed, and what it
 * read comes back identical through the writer and the reader again.
 */
#include <stdio.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "tools/media/video_io.h"

#define MAX_FRAMES 64

typedef struct frames {
    video_info info;
    int count;
    size_t frame_size;
    uint8_t *data;               /* count packed frames */
} frames;

/* Reads up to MAX_FRAMES frames, checking the reader on the way. Returns
 * the last status of video_reader_read, or the open's failure. */
static int read_all(FILE *f, const video_info *raw, size_t input_size, frames *out)
{
    char err[256] = "";
    video_reader *r = NULL;
    int ret = video_reader_open_stream(&r, f, raw, err, sizeof(err));
    memset(out, 0, sizeof(*out));
    if (ret < 0) {
        FUZZ_REQUIRE(!r && err[0], "a failed open leaves a reader or no message");
        return ret;
    }
    const video_info *info = video_reader_info(r);
    out->info = *info;
    FUZZ_REQUIRE(info->width > 0 && info->height > 0 && info->width <= VIDEO_IO_MAX_DIM &&
                     info->height <= VIDEO_IO_MAX_DIM && !((info->width | info->height) & 1),
                 "size %dx%d", info->width, info->height);
    FUZZ_REQUIRE((info->fps_num == 0) == (info->fps_den == 0) && info->fps_num >= 0 && info->fps_den >= 0,
                 "frame rate %d/%d", info->fps_num, info->fps_den);
    FUZZ_REQUIRE((info->sar_num == 0) == (info->sar_den == 0) && info->sar_num >= 0 && info->sar_den >= 0,
                 "aspect ratio %d:%d", info->sar_num, info->sar_den);
    out->frame_size = video_frame_size(info->width, info->height);
    FUZZ_REQUIRE(out->frame_size == (size_t)info->width * info->height * 3 / 2, "frame size");

    video_picture pic;
    while (out->count < MAX_FRAMES && (ret = video_reader_read(r, &pic, err, sizeof(err))) == 1) {
        FUZZ_REQUIRE((size_t)(out->count + 1) * out->frame_size <= input_size, "more frames than bytes");
        FUZZ_REQUIRE(video_reader_frame_index(r) == out->count + 1, "frame index");
        uint8_t *grown = realloc(out->data, (size_t)(out->count + 1) * out->frame_size);
        FUZZ_REQUIRE(grown, "out of memory");
        out->data = grown;
        uint8_t *dst = out->data + (size_t)out->count * out->frame_size;
        for (int p = 0; p < 3; p++) {
            int w = p ? info->width / 2 : info->width, h = p ? info->height / 2 : info->height;
            FUZZ_REQUIRE(pic.stride[p] >= w, "plane %d stride %td below %d", p, pic.stride[p], w);
            for (int y = 0; y < h; y++, dst += w)
                memcpy(dst, pic.plane[p] + y * pic.stride[p], (size_t)w);
        }
        out->count++;
    }
    if (ret < 0) {
        FUZZ_REQUIRE(err[0], "an error without a message");
        FUZZ_REQUIRE(ret == VIDEO_IO_TRUNCATED || ret == VIDEO_IO_ERROR || ret == VIDEO_IO_NOMEM, "status %d", ret);
        if (ret != VIDEO_IO_TRUNCATED)
            FUZZ_REQUIRE(video_reader_read(r, &pic, err, sizeof(err)) < 0, "a failed reader read again");
    } else if (ret == 0) {
        FUZZ_REQUIRE(video_reader_read(r, &pic, err, sizeof(err)) == 0, "a finished reader read again");
    }
    video_reader_close(r);
    return ret;
}

/* Writes the frames with the writer and reads them back: the same header
 * fields (a missing rate is written as 25:1) and the same samples. */
static void check_round_trip(const frames *in, int y4m)
{
    char *buf = NULL, err[256];
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    FUZZ_REQUIRE(f, "open_memstream");
    video_writer *w = NULL;
    FUZZ_REQUIRE(video_writer_open_stream(&w, f, y4m, &in->info, err, sizeof(err)) == 0, "writer: %s", err);
    const int width = in->info.width, height = in->info.height;
    for (int i = 0; i < in->count; i++) {
        const uint8_t *frame = in->data + (size_t)i * in->frame_size;
        const uint8_t *plane[3] = { frame, frame + width * height, frame + width * height * 5 / 4 };
        const ptrdiff_t stride[3] = { width, width / 2, width / 2 };
        FUZZ_REQUIRE(video_writer_write(w, plane, stride) == 0, "write frame %d", i);
    }
    FUZZ_REQUIRE(video_writer_close(w) == 0, "writer close");
    fclose(f);

    if (!size) { /* raw, no frame: nothing to read back */
        free(buf);
        return;
    }
    FILE *back = fmemopen(buf, size, "rb");
    FUZZ_REQUIRE(back, "fmemopen");
    frames again;
    int ret = read_all(back, y4m ? NULL : &in->info, size, &again);
    fclose(back);
    FUZZ_REQUIRE(ret >= 0 && again.count == in->count, "read back: status %d, %d of %d frames", ret, again.count,
                 in->count);
    video_info want = in->info;
    if (!y4m) {
        want = again.info; /* raw carries no header */
        want.width = in->info.width;
        want.height = in->info.height;
    } else if (!want.fps_num) {
        want.fps_num = 25;
        want.fps_den = 1;
    }
    FUZZ_REQUIRE(!memcmp(&want, &again.info, sizeof(want)), "header fields changed in a round trip");
    FUZZ_REQUIRE(!in->count || !memcmp(in->data, again.data, (size_t)in->count * in->frame_size),
                 "samples changed in a round trip");
    free(again.data);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    const int raw = fuzz_u8(&in) & 1;
    video_info raw_info = { 0 };
    if (raw) {
        raw_info.width = (int)fuzz_range(&in, 1, 64) * 2;
        raw_info.height = (int)fuzz_range(&in, 1, 64) * 2;
        raw_info.fps_num = 25;
        raw_info.fps_den = 1;
    }
    if (!in.size)
        return 0;
    FILE *f = fmemopen((void *)in.data, in.size, "rb");
    FUZZ_REQUIRE(f, "fmemopen");
    frames got;
    read_all(f, raw ? &raw_info : NULL, in.size, &got);
    fclose(f);
    /* Also the frames before an error. */
    if (got.frame_size)
        check_round_trip(&got, !raw);
    free(got.data);
    return 0;
}
