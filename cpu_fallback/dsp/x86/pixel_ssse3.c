/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSSE3 SATD: the SSE2 transform with pabsw for the magnitudes.
 */
#include <string.h>
#include <tmmintrin.h>

#include "cpu_fallback/dsp/x86/pixel.h"

static inline __m128i load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return _mm_cvtsi32_si128(v);
}

static inline __m128i load8(const uint8_t *p)
{
    return _mm_loadl_epi64((const __m128i *)p);
}

static inline int hsum_epi32(__m128i v)
{
    v = _mm_add_epi32(v, _mm_unpackhi_epi64(v, v));
    v = _mm_add_epi32(v, _mm_shufflelo_epi16(v, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtsi128_si32(v);
}

static inline __m128i abs_epi16(__m128i v)
{
    return _mm_abs_epi16(v);
}

#include "cpu_fallback/dsp/x86/satd_template.h"

DEF_SATD_ALL(ssse3)
