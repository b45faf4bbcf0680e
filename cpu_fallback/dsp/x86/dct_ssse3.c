/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSSE3 zigzag scan: each half of the output gathers from both input
 * registers with one pshufb each (-128 selects zero).
 */
#include <tmmintrin.h>

#include "cpu_fallback/dsp/x86/dct.h"

void zigzag_scan_4x4_ssse3(int16_t out[16], const int16_t in[16])
{
    const __m128i in0 = _mm_loadu_si128((const __m128i *)in);
    const __m128i in1 = _mm_loadu_si128((const __m128i *)(in + 8));
    /* Output 0..7 = in[0 1 4 8 5 2 3 6], output 8..15 = in[9 12 13 10 7 11 14 15]. */
    const __m128i lo0 = _mm_setr_epi8(0, 1, 2, 3, 8, 9, -128, -128, 10, 11, 4, 5, 6, 7, 12, 13);
    const __m128i lo1 = _mm_setr_epi8(-128, -128, -128, -128, -128, -128, 0, 1,
                                      -128, -128, -128, -128, -128, -128, -128, -128);
    const __m128i hi0 = _mm_setr_epi8(-128, -128, -128, -128, -128, -128, -128, -128,
                                      14, 15, -128, -128, -128, -128, -128, -128);
    const __m128i hi1 = _mm_setr_epi8(2, 3, 8, 9, 10, 11, 4, 5, -128, -128, 6, 7, 12, 13, 14, 15);
    _mm_storeu_si128((__m128i *)out, _mm_or_si128(_mm_shuffle_epi8(in0, lo0), _mm_shuffle_epi8(in1, lo1)));
    _mm_storeu_si128((__m128i *)(out + 8), _mm_or_si128(_mm_shuffle_epi8(in0, hi0), _mm_shuffle_epi8(in1, hi1)));
}
