/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The conformance oracle: every bitstream a test produces is decoded with
 * libavcodec's H.264 decoder, with all of its error checks turned into hard
 * failures, and the pictures are compared with what the encoder says it
 * reconstructed. Also PSNR helpers for quality checks.
 */
#ifndef HWENC_TESTS_AVDECODE_H
#define HWENC_TESTS_AVDECODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct decoded_video {
    int width, height;  /* cropped output size */
    int frame_count;    /* pictures in output order */
    int full_range;     /* the decoder reported full-range (JPEG) samples */
    uint8_t **frames;   /* each I420 tightly packed, width * height * 3 / 2 bytes */
    /* The motion vectors libavcodec exported (AV_CODEC_FLAG2_EXPORT_MVS),
     * and how many of them take their block at least partly from outside
     * the picture (unrestricted vectors on the padded reference). */
    long mv_count, mv_outside;
} decoded_video;

/* Decodes an Annex B H.264 stream with libavcodec (av_parser, then
 * avcodec_send_packet/receive_frame, draining both at the end), with
 * err_recognition = EXPLODE | CRCCHECK | BITSTREAM | BUFFER | COMPLIANT.
 * Also fails when a picture is flagged corrupt, when the output is not 8-bit
 * 4:2:0, when the size changes, when no picture is decoded, and when the
 * number of pictures differs from the number of access units the parser
 * found (a silently dropped frame is an error too). Returns 0 on success,
 * negative with a message in err on any failure; *out is then empty. */
int avdecode_h264(const uint8_t *data, size_t size, decoded_video *out, char *err, size_t err_size);
int avdecode_h264_file(const char *path, decoded_video *out, char *err, size_t err_size);
void decoded_video_free(decoded_video *v);

/* Compares a tightly packed I420 frame with a strided I420 picture of the
 * same size. Returns -1 if identical, else the offset of the first differing
 * byte in the packed frame, and fills *plane, *x, *y (any may be NULL). */
int64_t i420_compare(const uint8_t *packed, const uint8_t *const plane[3], const ptrdiff_t stride[3],
                     int width, int height, int *where_plane, int *where_x, int *where_y);

/* Compares decoded frame i with an I420 picture of the decoded size, as above. */
int64_t decoded_video_compare(const decoded_video *v, int i, const uint8_t *const plane[3],
                              const ptrdiff_t stride[3], int *where_plane, int *where_x,
                              int *where_y);

/* PSNR in dB over all samples of two tightly packed I420 frames (Y, U and V
 * together, from the summed squared error); INFINITY if they are identical. */
double psnr_i420(const uint8_t *a, const uint8_t *b, int w, int h);
/* PSNR of one strided plane; INFINITY if identical. */
double psnr_plane(const uint8_t *a, ptrdiff_t stride_a, const uint8_t *b, ptrdiff_t stride_b,
                  int w, int h);

#endif
