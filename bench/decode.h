/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Decoding of the encoders' output with libavcodec's H.264 decoder, so that
 * quality is always measured on what a real decoder shows, never on an
 * encoder's own idea of its reconstruction. Pictures are streamed to a
 * callback in display order, converted to 8-bit I420 if needed.
 */
#ifndef HWENC_BENCH_DECODE_H
#define HWENC_BENCH_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 to continue, negative to stop decoding with that result. */
typedef int (*decode_picture_fn)(void *opaque, const uint8_t *const plane[3],
                                 const ptrdiff_t stride[3], int width, int height);

/* Decodes a whole Annex B stream. Returns the number of pictures, or a
 * negative value with a message in err (a callback's negative value is
 * passed through). */
int decode_h264_stream(const uint8_t *data, size_t size, decode_picture_fn fn, void *opaque,
                       char *err, size_t err_size);

#endif
