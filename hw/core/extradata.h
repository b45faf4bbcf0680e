/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The codec extradata containers need (hwenc_get_extradata): the SPS and
 * PPS of the stream as the backend really wrote them, taken from the last
 * IDR access unit handed out. They come from the packets rather than from
 * the core's plan because NVENC writes its own parameter sets, and a
 * failover may change them (a new profile).
 */
#ifndef HWENC_CORE_EXTRADATA_H
#define HWENC_CORE_EXTRADATA_H

#include <stddef.h>
#include <stdint.h>

/* An SPS with every VUI field set is well under 256 bytes; the PPS under
 * 64 (7.3.2.1, 7.3.2.2). */
#define EXTRADATA_MAX 1024

typedef struct stream_extradata {
    uint8_t data[EXTRADATA_MAX]; /* Annex B: SPS then PPS, each after 00 00 00 01 */
    size_t size;                 /* 0 before the first IDR */
} stream_extradata;

/* Takes the SPS and PPS from an IDR access unit (already checked as
 * H.264); keeps the previous ones if it has none. */
void extradata_update(stream_extradata *x, const uint8_t *au, size_t size);

/* The same as an AVCDecoderConfigurationRecord (ISO/IEC 14496-15
 * 5.3.3.1, the avcC box): 4-byte NAL lengths, the SPS and PPS with their
 * lengths, and the 4:2:0 8-bit extension the High profiles carry. Returns
 * its size (which may exceed cap: then nothing is written beyond cap), or
 * 0 if x holds no SPS and PPS. */
size_t extradata_avcc(const stream_extradata *x, uint8_t *out, size_t cap);

#endif
