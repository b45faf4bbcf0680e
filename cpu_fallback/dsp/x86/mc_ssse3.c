/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSSE3 motion compensation: the half-pel planes and eighth-pel chroma.
 *
 * hpel_filter works per chunk of a row like the C version: a vertical pass
 * keeps the unclipped 16-bit intermediates (the h1 of 8-242), from which
 * both h (rounded, clipped) and j (second, horizontal pass) follow. The
 * byte passes multiply tap pairs with pmaddubsw. j's sum reaches 52 * 10710
 * and would need 32 bits, but its shifts can be split so that 16 do
 * (tap6_mid). The passes never read or write beyond what the C version
 * does: the last vector of a row is moved back to end at the row end and
 * recomputes a few samples instead.
 */
#include <tmmintrin.h>

#include "cpu_fallback/dsp/x86/mc.h"

/* The helpers pass rows in small arrays for brevity; inlined, with their
 * loops unrolled, the arrays become registers. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Output columns per chunk: bounds the stack buffer of intermediates. */
#define CHUNK 256

ALWAYS_INLINE int tap6_scalar(const uint8_t *p, ptrdiff_t step)
{
    return p[-2 * step] - 5 * p[-step] + 20 * p[0] + 20 * p[step] - 5 * p[2 * step] + p[3 * step];
}

ALWAYS_INLINE uint8_t clip_u8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Rows narrower than one vector (never in a real frame, which the margins
 * make at least 16 + 90 wide). */
static void hpel_row_scalar(uint8_t *dh, uint8_t *dv, uint8_t *dc, const uint8_t *s, ptrdiff_t stride,
                            int width)
{
    int m[16 + MC_HPEL_READ_BEFORE + MC_HPEL_READ_AFTER];
    for (int x = -MC_HPEL_READ_BEFORE; x < width + MC_HPEL_READ_AFTER; x++)
        m[x + MC_HPEL_READ_BEFORE] = tap6_scalar(s + x, stride);
    for (int x = 0; x < width; x++) {
        const int *t = m + x + MC_HPEL_READ_BEFORE;
        dh[x] = clip_u8((tap6_scalar(s + x, 1) + 16) >> 5);
        dv[x] = clip_u8((t[0] + 16) >> 5);
        dc[x] = clip_u8((t[-2] - 5 * t[-1] + 20 * t[0] + 20 * t[1] - 5 * t[2] + t[3] + 512) >> 10);
    }
}

/* The 6-tap sum of r[0..5] (unrounded, -2550..10710) for the byte columns
 * an unpack of half hi selects: one multiply-add per tap pair, which
 * cannot saturate (each pair lies in -1275..10200). */
ALWAYS_INLINE __m128i tap6_u8(const __m128i r[6], int hi)
{
    const __m128i k_1_m5 = _mm_set1_epi16((int16_t)(((uint16_t)(uint8_t)-5 << 8) | 1));
    const __m128i k_20_20 = _mm_set1_epi16((20 << 8) | 20);
    const __m128i k_m5_1 = _mm_set1_epi16((int16_t)((1 << 8) | (uint8_t)-5));
    __m128i p[3];
    #pragma GCC unroll 4
    for (int k = 0; k < 3; k++)
        p[k] = hi ? _mm_unpackhi_epi8(r[2 * k], r[2 * k + 1]) : _mm_unpacklo_epi8(r[2 * k], r[2 * k + 1]);
    return _mm_add_epi16(_mm_add_epi16(_mm_maddubs_epi16(p[0], k_1_m5), _mm_maddubs_epi16(p[1], k_20_20)),
                         _mm_maddubs_epi16(p[2], k_m5_1));
}

/*
 * 8 j samples (before the clip to 0..255) from intermediates m[-2 .. 10],
 * in 16-bit arithmetic. With a, b, c the sums of the outer, middle and
 * inner tap pairs (each within -5100..21420), j = floor((a - 5b + 20c +
 * 512) / 1024), and floor((floor((a - b) / 4) - b + c) / 4) + c equals
 * floor((a - 5b + 20c) / 16) (floors of floors by integers nest), so j is
 * that plus 32, shifted by 6. a - b and c - b stay within +-26520; only
 * their quarter-and-sum can leave 16 bits (up to +-33150), so it saturates,
 * which it can only do where c is above 21036 or below -4717: j clips to
 * 255 or 0 there either way.
 */
ALWAYS_INLINE __m128i tap6_mid(const int16_t *m)
{
    const __m128i a = _mm_add_epi16(_mm_loadu_si128((const __m128i *)(m - 2)),
                                    _mm_loadu_si128((const __m128i *)(m + 3)));
    const __m128i b = _mm_add_epi16(_mm_loadu_si128((const __m128i *)(m - 1)),
                                    _mm_loadu_si128((const __m128i *)(m + 2)));
    const __m128i c = _mm_add_epi16(_mm_loadu_si128((const __m128i *)m),
                                    _mm_loadu_si128((const __m128i *)(m + 1)));
    const __m128i u = _mm_adds_epi16(_mm_srai_epi16(_mm_sub_epi16(a, b), 2), _mm_sub_epi16(c, b));
    const __m128i v = _mm_add_epi16(_mm_srai_epi16(u, 2), c);
    return _mm_srai_epi16(_mm_add_epi16(v, _mm_set1_epi16(32)), 6);
}

static void hpel_chunk(uint8_t *dh, uint8_t *dv, uint8_t *dc, const uint8_t *s, ptrdiff_t stride, int n,
                       int16_t *m)
{
    const __m128i r16 = _mm_set1_epi16(16);
    /* Vertical intermediates for columns -2 .. n + 2. Each loop's last
     * vector ends exactly at its last column (n >= 16). */
    const int last_m = n + MC_HPEL_READ_AFTER - 16, last = n - 16;
    for (int x = -MC_HPEL_READ_BEFORE;; x += 16) {
        x = x < last_m ? x : last_m;
        __m128i r[6];
        #pragma GCC unroll 8
        for (int k = 0; k < 6; k++)
            r[k] = _mm_loadu_si128((const __m128i *)(s + x + (k - 2) * stride));
        _mm_storeu_si128((__m128i *)(m + x), tap6_u8(r, 0));
        _mm_storeu_si128((__m128i *)(m + x + 8), tap6_u8(r, 1));
        if (x == last_m)
            break;
    }
    for (int x = 0;; x += 16) {
        x = x < last ? x : last;
        __m128i r[6];
        #pragma GCC unroll 8
        for (int k = 0; k < 6; k++)
            r[k] = _mm_loadu_si128((const __m128i *)(s + x + k - 2));
        __m128i b_lo = _mm_srai_epi16(_mm_add_epi16(tap6_u8(r, 0), r16), 5);
        __m128i b_hi = _mm_srai_epi16(_mm_add_epi16(tap6_u8(r, 1), r16), 5);
        _mm_storeu_si128((__m128i *)(dh + x), _mm_packus_epi16(b_lo, b_hi));

        __m128i h_lo = _mm_srai_epi16(_mm_add_epi16(_mm_loadu_si128((const __m128i *)(m + x)), r16), 5);
        __m128i h_hi = _mm_srai_epi16(_mm_add_epi16(_mm_loadu_si128((const __m128i *)(m + x + 8)), r16), 5);
        _mm_storeu_si128((__m128i *)(dv + x), _mm_packus_epi16(h_lo, h_hi));

        _mm_storeu_si128((__m128i *)(dc + x), _mm_packus_epi16(tap6_mid(m + x), tap6_mid(m + x + 8)));
        if (x == last)
            break;
    }
}

decl_hpel_filter_fn(hpel_filter_ssse3)
{
    int16_t mid[MC_HPEL_READ_BEFORE + CHUNK + MC_HPEL_READ_AFTER];
    int16_t *const m = mid + MC_HPEL_READ_BEFORE;
    for (int y = 0; y < height; y++) {
        const ptrdiff_t o = y * stride;
        if (width < 16) {
            hpel_row_scalar(dst_h + o, dst_v + o, dst_c + o, src + o, stride, width);
            continue;
        }
        for (int x0 = 0; x0 < width; x0 += CHUNK) {
            /* A short last chunk starts earlier so it is a whole vector. */
            const int x = width - x0 < 16 ? width - 16 : x0;
            const int n = width - x < CHUNK ? width - x : CHUNK;
            hpel_chunk(dst_h + o + x, dst_v + o + x, dst_c + o + x, src + o + x, stride, n, m);
        }
    }
}

/* 8-270 as two pmaddubsw: the horizontal pairs (s[x], s[x + 1]) of a row
 * times (A, B) plus those of the next row times (C, D). The weights are at
 * most 64 and the sum at most 64 * 255, so no step saturates. */
ALWAYS_INLINE __m128i chroma_pairs8(const uint8_t *s)
{
    return _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)s), _mm_loadl_epi64((const __m128i *)(s + 1)));
}

ALWAYS_INLINE __m128i chroma_pairs4(const uint8_t *s)
{
    return _mm_unpacklo_epi8(_mm_loadu_si32(s), _mm_loadu_si32(s + 1));
}

ALWAYS_INLINE __m128i chroma_pairs2(const uint8_t *s)
{
    /* Three samples s[0..2] as pairs (s0, s1), (s1, s2). */
    const __m128i v = _mm_cvtsi32_si128(s[0] | s[1] << 8 | s[2] << 16);
    return _mm_unpacklo_epi8(v, _mm_srli_epi32(v, 8));
}

ALWAYS_INLINE __m128i chroma_round(__m128i top, __m128i bot, __m128i wab, __m128i wcd)
{
    __m128i sum = _mm_add_epi16(_mm_maddubs_epi16(top, wab), _mm_maddubs_epi16(bot, wcd));
    return _mm_srli_epi16(_mm_add_epi16(sum, _mm_set1_epi16(32)), 6);
}

decl_mc_chroma_fn(mc_chroma_ssse3)
{
    const int xf = mvx & 7, yf = mvy & 7;
    const int wa = (8 - xf) * (8 - yf), wb = xf * (8 - yf);
    const int wc = (8 - xf) * yf, wd = xf * yf;
    const __m128i wab = _mm_set1_epi16((int16_t)(wa | wb << 8));
    const __m128i wcd = _mm_set1_epi16((int16_t)(wc | wd << 8));
    src += (ptrdiff_t)(mvy >> 3) * src_stride + (mvx >> 3);

    if (w == 8) {
        __m128i top = chroma_pairs8(src);
        for (int y = 0; y < h; y++, dst += dst_stride) {
            src += src_stride;
            const __m128i bot = chroma_pairs8(src);
            const __m128i v = chroma_round(top, bot, wab, wcd);
            _mm_storel_epi64((__m128i *)dst, _mm_packus_epi16(v, v));
            top = bot;
        }
    } else if (w == 4) {
        __m128i top = chroma_pairs4(src);
        for (int y = 0; y < h; y++, dst += dst_stride) {
            src += src_stride;
            const __m128i bot = chroma_pairs4(src);
            const __m128i v = chroma_round(top, bot, wab, wcd);
            _mm_storeu_si32(dst, _mm_packus_epi16(v, v));
            top = bot;
        }
    } else {
        __m128i top = chroma_pairs2(src);
        for (int y = 0; y < h; y++, dst += dst_stride) {
            src += src_stride;
            const __m128i bot = chroma_pairs2(src);
            const __m128i v = chroma_round(top, bot, wab, wcd);
            const int px = _mm_cvtsi128_si32(_mm_packus_epi16(v, v));
            dst[0] = (uint8_t)px;
            dst[1] = (uint8_t)(px >> 8);
            top = bot;
        }
    }
}
