/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Frame input/output for the CLI, hwbench and the tests: YUV4MPEG2 (Y4M)
 * reading and writing, and headerless raw I420 (.yuv). Only 8-bit 4:2:0
 * progressive video is handled, because that is all the encoder takes; any
 * other Y4M header is refused with a message that names what was found.
 */
#ifndef HWENC_TOOLS_VIDEO_IO_H
#define HWENC_TOOLS_VIDEO_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VIDEO_IO_MAX_DIM 16384

/* Return codes (negative) of the reader and writer functions. */
enum video_io_status {
    VIDEO_IO_ERROR = -1,     /* I/O error, malformed input, bad arguments */
    VIDEO_IO_TRUNCATED = -2, /* the last frame of the input is incomplete */
    VIDEO_IO_NOMEM = -3,
};

enum video_chroma_siting {
    VIDEO_CHROMA_CENTER,  /* C420jpeg, C420 or no C tag */
    VIDEO_CHROMA_LEFT,    /* C420mpeg2 */
    VIDEO_CHROMA_TOPLEFT, /* C420paldv */
};

typedef struct video_info {
    int width, height;    /* luma samples */
    int fps_num, fps_den; /* 0/0 if unknown -> callers default 25/1 */
    int sar_num, sar_den; /* 0/0 if unknown */
    enum video_chroma_siting chroma_siting;
    int full_range;       /* from the XCOLORRANGE=FULL extension, else 0 */
} video_info;

/* I420, 8-bit: plane[0] is luma (width x height), plane[1] Cb and plane[2]
 * Cr (width/2 x height/2 each). */
typedef struct video_picture {
    uint8_t *plane[3];
    ptrdiff_t stride[3];
} video_picture;

/* Bytes of one tightly packed I420 frame, or 0 if the size is invalid. */
size_t video_frame_size(int width, int height);

/* Checks width/height as the reader does; on failure returns VIDEO_IO_ERROR
 * and explains in err. */
int video_info_validate(const video_info *info, char *err, size_t err_size);

typedef struct video_reader video_reader;

/* path "-" reads stdin. raw == NULL: the input is Y4M; otherwise it is raw
 * I420 with raw's size and rate. Returns 0 or a negative video_io_status. */
int video_reader_open(video_reader **out, const char *path, const video_info *raw,
                      char *err, size_t err_size);
/* The same on a stream the caller opened (a pipe, fmemopen); the caller
 * closes it after video_reader_close. */
int video_reader_open_stream(video_reader **out, FILE *f, const video_info *raw, char *err, size_t err_size);
const video_info *video_reader_info(const video_reader *r);

/* Returns 1 when a frame was read into the reader-owned picture *pic (valid
 * until the next call), 0 at a clean end of file, VIDEO_IO_TRUNCATED when
 * the last frame is incomplete (err says which frame and how many bytes were
 * missing; the caller warns and stops), other negative values on errors
 * (err filled). Frame numbers in messages count from 0. */
int video_reader_read(video_reader *r, video_picture *pic, char *err, size_t err_size);

/* Frames returned so far. */
int64_t video_reader_frame_index(const video_reader *r);
void video_reader_close(video_reader *r);

typedef struct video_writer video_writer;

/* path "-" writes stdout. The output is Y4M if path ends in ".y4m" or is
 * "-", raw I420 otherwise. fps 0/0 is written as 25:1. */
int video_writer_open(video_writer **out, const char *path, const video_info *info,
                      char *err, size_t err_size);
/* The same on a stream the caller opened and closes after
 * video_writer_close (which flushes it); y4m: Y4M, else raw I420. */
int video_writer_open_stream(video_writer **out, FILE *f, int y4m, const video_info *info, char *err,
                             size_t err_size);
/* Returns 0 or VIDEO_IO_ERROR. */
int video_writer_write(video_writer *w, const uint8_t *const plane[3], const ptrdiff_t stride[3]);
/* Returns <0 if any write or the close failed. */
int video_writer_close(video_writer *w);

#endif
