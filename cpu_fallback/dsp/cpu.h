/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 CPU feature detection. The DSP init functions take these flags and
 * fill their tables with the best version each flag allows; the same code
 * runs on any x86-64 machine.
 */
#ifndef HWENC_CPU_CPU_H
#define HWENC_CPU_CPU_H

#include <stdint.h>

enum cpu_flag {
    CPU_SSE2 = 1 << 0,
    CPU_SSSE3 = 1 << 1,
    CPU_SSE41 = 1 << 2,
    CPU_AVX2 = 1 << 3,      /* with OS support for the YMM state */
    CPU_BMI2 = 1 << 4,
    CPU_AVX512 = 1 << 5,    /* F, BW, DQ, VL, with OS support for the ZMM state */
};

/* The flags of this CPU (0 on other architectures). */
uint32_t cpu_detect(void);

/* The flags allowed at and below a level, by name: "c", "sse2", "ssse3",
 * "sse4.1", "avx2", "avx512". Returns 0 and sets *mask, or -1 for an unknown
 * name. Levels are cumulative, as each SIMD version may use the ones below. */
int cpu_mask_for_level(const char *name, uint32_t *mask);

/* This CPU's flags as limited by the HWENC_CPU_MASK environment variable
 * (tests, reproducibility) or, without it, by level (NULL or "" for none).
 * Returns 0, or -1 for an unknown level name with *flags unlimited. */
int cpu_flags_limited(const char *level, uint32_t *flags);

#endif
