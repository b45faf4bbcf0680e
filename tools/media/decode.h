/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * H.264 decoding with libavcodec for the command line (`hwenc validate`)
 * and the tests (tests/common/avdecode.c), so that what the encoders make
 * is judged by a real decoder. Pictures are handed to a callback in output
 * (display) order with what the decoder says about each.
 *
 * Strict mode is the conformance oracle: err_recognition = EXPLODE |
 * CRCCHECK | BITSTREAM | BUFFER | COMPLIANT, and also a failure when
 * libavcodec logs an error (it skips a broken slice header with only a log
 * line), when a picture is flagged corrupt, is not 8-bit 4:2:0 or changes
 * size, and when fewer pictures come out than access units went in (a
 * silently dropped frame is an error too). Single-threaded: frame threading
 * delays error reports and makes them harder to pin on an access unit.
 *
 * This module links libavcodec; the library (libhwenc) never does.
 */
#ifndef HWENC_MEDIA_DECODE_H
#define HWENC_MEDIA_DECODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct media_picture {
    const uint8_t *plane[3];     /* I420, valid during the callback */
    ptrdiff_t stride[3];
    int width, height;           /* cropped */
    int index;                   /* in output order, from 0 */
    int key_frame;               /* the decoder's key-frame flag (IDR or recovery point) */
    char pict_type;              /* 'I', 'P', 'B', ... as the decoder reports it */
    int full_range;              /* JPEG-range samples */
    /* With export_mvs: the picture's motion vectors, and how many take
     * their block at least partly from outside the picture. */
    long mv_count, mv_outside;
} media_picture;

/* Returns 0 to go on; a negative value stops the decode, which returns it. */
typedef int (*media_picture_fn)(void *opaque, const media_picture *pic);

typedef struct media_decode_options {
    int export_mvs;              /* AV_CODEC_FLAG2_EXPORT_MVS */
    int quiet;                   /* keep libavcodec's own messages off stderr */
} media_decode_options;

/* Decodes an Annex B stream strictly (see above), handing every picture
 * to fn. Returns the number of pictures, or a negative value with a
 * message in err (naming the access unit where it can). */
int media_decode_h264(const uint8_t *data, size_t size, const media_decode_options *opt, media_picture_fn fn,
                      void *opaque, char *err, size_t err_size);

#endif
