/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CPU feature detection with cpuid and xgetbv. A feature counts only when
 * the OS also saves its register state (XCR0), or using it would fault.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/dsp/cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* XCR0 bits: SSE (XMM), AVX (upper YMM), AVX-512 opmask, ZMM_Hi256, Hi16_ZMM. */
#define XCR0_YMM 0x06u
#define XCR0_ZMM 0xe6u

static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    /* xgetbv as bytes: the mnemonic needs -mxsave, which the rest of the
     * file must not be built with. */
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

uint32_t cpu_detect(void)
{
    uint32_t eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return 0;
    uint32_t flags = 0;
    if (edx & bit_SSE2)
        flags |= CPU_SSE2;
    if (ecx & bit_SSSE3)
        flags |= CPU_SSSE3;
    if (ecx & bit_SSE4_1)
        flags |= CPU_SSE41;

    const int have_osxsave = (ecx & bit_OSXSAVE) && (ecx & bit_AVX);
    const uint64_t xcr0 = have_osxsave ? read_xcr0() : 0;

    uint32_t max_leaf = __get_cpuid_max(0, NULL);
    if (max_leaf < 7)
        return flags;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (ebx & bit_BMI2)
        flags |= CPU_BMI2;
    if ((ebx & bit_AVX2) && (xcr0 & XCR0_YMM) == XCR0_YMM)
        flags |= CPU_AVX2;
    const uint32_t avx512 = bit_AVX512F | bit_AVX512BW | bit_AVX512DQ | bit_AVX512VL;
    if ((ebx & avx512) == avx512 && (xcr0 & XCR0_ZMM) == XCR0_ZMM && (flags & CPU_AVX2))
        flags |= CPU_AVX512;
    return flags;
}

#else

uint32_t cpu_detect(void)
{
    return 0;
}

#endif

int cpu_mask_for_level(const char *name, uint32_t *mask)
{
    /* BMI2 shipped with AVX2 on every x86 design that matters, so it joins
     * the AVX2 level rather than having one of its own. */
    static const struct {
        const char *name;
        uint32_t mask;
    } levels[] = {
        { "c", 0 },
        { "sse2", CPU_SSE2 },
        { "ssse3", CPU_SSE2 | CPU_SSSE3 },
        { "sse4.1", CPU_SSE2 | CPU_SSSE3 | CPU_SSE41 },
        { "avx2", CPU_SSE2 | CPU_SSSE3 | CPU_SSE41 | CPU_AVX2 | CPU_BMI2 },
        { "avx512", CPU_SSE2 | CPU_SSSE3 | CPU_SSE41 | CPU_AVX2 | CPU_BMI2 | CPU_AVX512 },
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (!strcmp(name, levels[i].name)) {
            *mask = levels[i].mask;
            return 0;
        }
    return -1;
}

int cpu_flags_limited(const char *level, uint32_t *flags)
{
    const char *env = getenv("HWENC_CPU_MASK");
    uint32_t allowed;
    *flags = cpu_detect();
    if (env && *env)
        level = env;
    if (!level || !*level)
        return 0;
    if (cpu_mask_for_level(level, &allowed) < 0)
        return -1;
    *flags &= allowed;
    return 0;
}
