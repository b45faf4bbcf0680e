/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * x86 versions of the psnr_ssim_dsp kernels and the part of
 * psnr_ssim_dsp_init() that installs them.
 */
#ifndef HWENC_CPU_X86_METRICS_H
#define HWENC_CPU_X86_METRICS_H

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/metrics_dsp.h"

decl_plane_ssd_fn(plane_ssd_sse2);
decl_plane_ssd_fn(plane_ssd_avx2);
decl_ssim_4x4xn_fn(ssim_4x4xn_sse2);
decl_ssim_4x4xn_fn(ssim_4x4xn_avx2);

static inline void psnr_ssim_dsp_init_x86(psnr_ssim_dsp *dsp, uint32_t flags)
{
    if (!(flags & CPU_SSE2))
        return;
    dsp->ssd = plane_ssd_sse2;
    dsp->ssim_4x4xn = ssim_4x4xn_sse2;

    if (!(flags & CPU_AVX2))
        return;
    dsp->ssd = plane_ssd_avx2;
    dsp->ssim_4x4xn = ssim_4x4xn_avx2;
}

#endif
