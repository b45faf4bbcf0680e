/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 motion compensation: block copy and average, quarter-pel luma from
 * the precomputed half-pel planes, frame border extension, and the 2x2
 * downscale of the analysis pictures.
 * pavgb is exactly (a + b + 1) >> 1, so every quarter-pel position is one
 * instruction per 16 samples.
 */
#include <emmintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/mc.h"

/* Row loops specialised by width; the widths motion compensation uses
 * (16, 8, 4) take one vector per row, others fall back to wider-to-narrower
 * pieces. */
static inline void copy_row(uint8_t *dst, const uint8_t *src, int w)
{
    int x = 0;
    for (; x + 16 <= w; x += 16)
        _mm_storeu_si128((__m128i *)(dst + x), _mm_loadu_si128((const __m128i *)(src + x)));
    if (x + 8 <= w) {
        _mm_storel_epi64((__m128i *)(dst + x), _mm_loadl_epi64((const __m128i *)(src + x)));
        x += 8;
    }
    if (x < w)
        memcpy(dst + x, src + x, (size_t)(w - x));
}

static inline void avg_row(uint8_t *dst, const uint8_t *a, const uint8_t *b, int w)
{
    int x = 0;
    for (; x + 16 <= w; x += 16)
        _mm_storeu_si128((__m128i *)(dst + x), _mm_avg_epu8(_mm_loadu_si128((const __m128i *)(a + x)),
                                                             _mm_loadu_si128((const __m128i *)(b + x))));
    if (x + 8 <= w) {
        _mm_storel_epi64((__m128i *)(dst + x), _mm_avg_epu8(_mm_loadl_epi64((const __m128i *)(a + x)),
                                                            _mm_loadl_epi64((const __m128i *)(b + x))));
        x += 8;
    }
    if (x + 4 <= w) {
        _mm_storeu_si32(dst + x, _mm_avg_epu8(_mm_loadu_si32(a + x), _mm_loadu_si32(b + x)));
        x += 4;
    }
    for (; x < w; x++)
        dst[x] = (uint8_t)((a[x] + b[x] + 1) >> 1);
}

decl_pixel_copy_fn(pixel_copy_sse2)
{
    switch (w) {
    case 16:
        for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride)
            _mm_storeu_si128((__m128i *)dst, _mm_loadu_si128((const __m128i *)src));
        return;
    case 8:
        for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride)
            _mm_storel_epi64((__m128i *)dst, _mm_loadl_epi64((const __m128i *)src));
        return;
    case 4:
        for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride)
            _mm_storeu_si32(dst, _mm_loadu_si32(src));
        return;
    default:
        for (int y = 0; y < h; y++, dst += dst_stride, src += src_stride)
            copy_row(dst, src, w);
    }
}

decl_pixel_avg_fn(pixel_avg_sse2)
{
    switch (w) {
    case 16:
        for (int y = 0; y < h; y++, dst += dst_stride, src1 += src1_stride, src2 += src2_stride)
            _mm_storeu_si128((__m128i *)dst, _mm_avg_epu8(_mm_loadu_si128((const __m128i *)src1),
                                                          _mm_loadu_si128((const __m128i *)src2)));
        return;
    case 8:
        for (int y = 0; y < h; y++, dst += dst_stride, src1 += src1_stride, src2 += src2_stride)
            _mm_storel_epi64((__m128i *)dst, _mm_avg_epu8(_mm_loadl_epi64((const __m128i *)src1),
                                                          _mm_loadl_epi64((const __m128i *)src2)));
        return;
    case 4:
        for (int y = 0; y < h; y++, dst += dst_stride, src1 += src1_stride, src2 += src2_stride)
            _mm_storeu_si32(dst, _mm_avg_epu8(_mm_loadu_si32(src1), _mm_loadu_si32(src2)));
        return;
    default:
        for (int y = 0; y < h; y++, dst += dst_stride, src1 += src1_stride, src2 += src2_stride)
            avg_row(dst, src1, src2, w);
    }
}

decl_get_luma_fn(get_luma_sse2)
{
    const uint8_t *p0, *p1;
    if (mc_qpel_sources(planes, stride, mvx, mvy, &p0, &p1))
        pixel_avg_sse2(dst, dst_stride, p0, stride, p1, stride, w, h);
    else
        pixel_copy_sse2(dst, dst_stride, p0, stride, w, h);
}

/* Fills n >= 16 bytes with overlapping stores; the last store ends at n. */
static inline void fill_bytes(uint8_t *dst, __m128i v, int n)
{
    int x = 0;
    for (; x + 16 < n; x += 16)
        _mm_storeu_si128((__m128i *)(dst + x), v);
    _mm_storeu_si128((__m128i *)(dst + n - 16), v);
}

decl_frame_expand_border_fn(frame_expand_border_sse2)
{
    if (pad < 16) {
        for (int y = y0; y < y1; y++) {
            uint8_t *row = plane + y * stride;
            memset(row - pad, row[0], (size_t)pad);
            memset(row + width, row[width - 1], (size_t)pad);
        }
    } else {
        for (int y = y0; y < y1; y++) {
            uint8_t *row = plane + y * stride;
            fill_bytes(row - pad, _mm_set1_epi8((char)row[0]), pad);
            fill_bytes(row + width, _mm_set1_epi8((char)row[width - 1]), pad);
        }
    }
    /* The widened first and last rows fill the corners too. The C
     * library's copy moves these long rows faster than 16-byte steps. */
    const int row_len = width + 2 * pad;
    const uint8_t *first = plane - pad;
    const uint8_t *last = plane + (height - 1) * stride - pad;
    for (int y = 1; y <= pad; y++) {
        if (y0 == 0)
            memcpy(plane - y * stride - pad, first, (size_t)row_len);
        if (y1 == height)
            memcpy(plane + (height - 1 + y) * stride - pad, last, (size_t)row_len);
    }
}

/* Sums of horizontal sample pairs of 16 bytes as 8 words. */
static inline __m128i pair_sums(__m128i v)
{
    const __m128i low_bytes = _mm_set1_epi16(0x00ff);
    return _mm_add_epi16(_mm_and_si128(v, low_bytes), _mm_srli_epi16(v, 8));
}

/* 8 outputs from 16 samples of each of two rows: (a + b + c + d + 2) >> 2
 * in words, which cannot overflow (4 * 255 + 2). */
static inline __m128i downscale_8(const uint8_t *s0, const uint8_t *s1)
{
    const __m128i sum = _mm_add_epi16(pair_sums(_mm_loadu_si128((const __m128i *)s0)),
                                      pair_sums(_mm_loadu_si128((const __m128i *)s1)));
    return _mm_srli_epi16(_mm_add_epi16(sum, _mm_set1_epi16(2)), 2);
}

decl_downscale_2x2_fn(downscale_2x2_sse2)
{
    for (int y = 0; y < h; y++, dst += dst_stride, src += 2 * src_stride) {
        const uint8_t *below = src + src_stride;
        int x = 0;
        for (; x + 16 <= w; x += 16)
            _mm_storeu_si128((__m128i *)(dst + x), _mm_packus_epi16(downscale_8(src + 2 * x, below + 2 * x),
                                                                     downscale_8(src + 2 * x + 16, below + 2 * x + 16)));
        if (x + 8 <= w) {
            const __m128i v = downscale_8(src + 2 * x, below + 2 * x);
            _mm_storel_epi64((__m128i *)(dst + x), _mm_packus_epi16(v, v));
            x += 8;
        }
        for (; x < w; x++)
            dst[x] = (uint8_t)((src[2 * x] + src[2 * x + 1] + below[2 * x] + below[2 * x + 1] + 2) >> 2);
    }
}
