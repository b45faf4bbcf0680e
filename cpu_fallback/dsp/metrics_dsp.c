/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference quality-metric kernels.
 */
#include "cpu_fallback/dsp/metrics_dsp.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/metrics.h"
#endif

static decl_plane_ssd_fn(plane_ssd_c)
{
    uint64_t sum = 0;
    for (int y = 0; y < h; y++, a += a_stride, b += b_stride) {
        uint32_t row = 0;
        for (int x = 0; x < w; x++) {
            const int d = a[x] - b[x];
            row += (uint32_t)(d * d);
        }
        sum += row;
    }
    return sum;
}

static decl_ssim_4x4xn_fn(ssim_4x4xn_c)
{
    for (int i = 0; i < n; i++, a += 4, b += 4) {
        int32_t s1 = 0, s2 = 0, ss = 0, s12 = 0;
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) {
                const int va = a[y * a_stride + x], vb = b[y * b_stride + x];
                s1 += va;
                s2 += vb;
                ss += va * va + vb * vb;
                s12 += va * vb;
            }
        sums[i][0] = s1;
        sums[i][1] = s2;
        sums[i][2] = ss;
        sums[i][3] = s12;
    }
}

void psnr_ssim_dsp_init(psnr_ssim_dsp *dsp, uint32_t cpu_flags)
{
    dsp->ssd = plane_ssd_c;
    dsp->ssim_4x4xn = ssim_4x4xn_c;
#if HWENC_ARCH_X86
    psnr_ssim_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
