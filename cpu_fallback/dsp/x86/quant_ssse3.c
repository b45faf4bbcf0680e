/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSSE3 quantisation: the SSE2 code with pabsw for the magnitudes.
 */
#include <tmmintrin.h>

#include "cpu_fallback/dsp/x86/quant.h"
#include "cpu_fallback/dsp/x86/quant_template.h"

static inline __m128i abs_epi16(__m128i v)
{
    /* pabsw(-32768) is 0x8000, i.e. 32768 as the unsigned multiplicand. */
    return _mm_abs_epi16(v);
}

QUANT_TEMPLATE(ssse3)
