/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stddef.h>
#include <string.h>

#include "hw/core/extradata.h"
#include "hw/h264/parse.h"

void extradata_update(stream_extradata *x, const uint8_t *au, size_t size)
{
    static const uint8_t start_code[4] = { 0, 0, 0, 1 };
    stream_extradata next = { .size = 0 };
    int have_sps = 0, have_pps = 0;
    size_t pos = 0;
    h264_nal nal;
    char err[128];
    while (h264_next_nal(au, size, &pos, &nal, err, sizeof(err)) > 0) {
        if (nal.nal_unit_type != 7 && nal.nal_unit_type != 8)
            continue;
        size_t n = nal.size + 1; /* with the NAL header */
        if (next.size + sizeof(start_code) + n > sizeof(next.data))
            return;
        memcpy(next.data + next.size, start_code, sizeof(start_code));
        memcpy(next.data + next.size + sizeof(start_code), nal.payload - 1, n);
        next.size += sizeof(start_code) + n;
        have_sps |= nal.nal_unit_type == 7;
        have_pps |= nal.nal_unit_type == 8;
    }
    if (have_sps && have_pps)
        *x = next;
}

/* Writes byte v at out[n] when it fits: the size is counted either way. */
static size_t put(uint8_t *out, size_t cap, size_t n, unsigned v)
{
    if (n < cap)
        out[n] = (uint8_t)v;
    return n + 1;
}

/* numOfSequenceParameterSets (or PPS) and each set with its 16-bit length. */
static size_t put_sets(uint8_t *out, size_t cap, size_t n, const h264_nal *sets, int count, unsigned count_bits)
{
    n = put(out, cap, n, count_bits | (unsigned)count);
    for (int i = 0; i < count; i++) {
        size_t len = sets[i].size + 1; /* with the NAL header */
        n = put(out, cap, n, (unsigned)(len >> 8));
        n = put(out, cap, n, (unsigned)len);
        for (size_t k = 0; k < len; k++)
            n = put(out, cap, n, sets[i].payload[(ptrdiff_t)k - 1]);
    }
    return n;
}

size_t extradata_avcc(const stream_extradata *x, uint8_t *out, size_t cap)
{
    h264_nal sps[4], pps[4];
    int nsps = 0, npps = 0;
    size_t pos = 0;
    h264_nal nal;
    char err[128];
    while (h264_next_nal(x->data, x->size, &pos, &nal, err, sizeof(err)) > 0) {
        if (nal.nal_unit_type == 7 && nsps < 4 && nal.size >= 3)
            sps[nsps++] = nal;
        else if (nal.nal_unit_type == 8 && npps < 4)
            pps[npps++] = nal;
    }
    if (!nsps || !npps)
        return 0;
    const uint8_t *p = sps[0].payload; /* profile_idc, constraint flags, level_idc */
    size_t n = 0;
    n = put(out, cap, n, 1); /* configurationVersion */
    n = put(out, cap, n, p[0]);
    n = put(out, cap, n, p[1]);
    n = put(out, cap, n, p[2]);
    n = put(out, cap, n, 0xfc | 3); /* reserved, lengthSizeMinusOne: 4-byte lengths */
    n = put_sets(out, cap, n, sps, nsps, 0xe0);
    n = put_sets(out, cap, n, pps, npps, 0);
    /* The profiles with chroma_format_idc in their SPS (14496-15
     * 5.3.3.1.2): hwenc codes 4:2:0 at 8 bits only (hwenc_pixel_format). */
    if (p[0] == 100 || p[0] == 110 || p[0] == 122 || p[0] == 144) {
        n = put(out, cap, n, 0xfc | 1); /* chroma_format */
        n = put(out, cap, n, 0xf8 | 0); /* bit_depth_luma_minus8 */
        n = put(out, cap, n, 0xf8 | 0); /* bit_depth_chroma_minus8 */
        n = put(out, cap, n, 0);        /* numOfSequenceParameterSetExt */
    }
    return n;
}
