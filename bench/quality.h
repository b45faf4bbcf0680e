/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Quality of an encoded stream: decoded with libavcodec and compared frame
 * by frame with the source file, which is read again rather than kept in
 * memory, so the process measuring does not grow with the clip.
 */
#ifndef HWENC_BENCH_QUALITY_H
#define HWENC_BENCH_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "tools/media/metrics.h"

/* Compares the first `frames` source frames with the decoded stream, which
 * must hold exactly that many pictures of the source's size. Returns 0, or
 * -1 with err. */
int bench_quality(const char *clip_path, int frames, const uint8_t *stream, size_t size,
                  metrics_summary *out, char *err, size_t err_size);

#endif
