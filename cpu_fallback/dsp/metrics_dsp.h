/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Kernels for objective quality: the squared error of a plane (PSNR) and
 * the per-4x4 sums SSIM is built from. The CLI summary and hwbench
 * accumulate these; the signatures match tools/media/metrics.h's metrics_dsp so
 * its pointers can be filled from here. SIMD versions in x86/ overwrite the
 * C ones in psnr_ssim_dsp_init().
 */
#ifndef HWENC_CPU_METRICS_DSP_H
#define HWENC_CPU_METRICS_DSP_H

#include <stddef.h>
#include <stdint.h>

/* Sum of squared differences over a w x h area, w in 1..16384, h >= 1
 * (rows are summed in 32 bits: 16384 * 255^2 < 2^32). */
#define decl_plane_ssd_fn(name) \
    uint64_t (name)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride, \
                    int w, int h)
typedef decl_plane_ssd_fn(*plane_ssd_fn);

/* For n >= 1 horizontally adjacent 4x4 blocks starting at a and b:
 * sums[i] = { sum a, sum b, sum a*a + b*b, sum a*b } over block i. */
#define decl_ssim_4x4xn_fn(name) \
    void (name)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride, \
                int32_t (*sums)[4], int n)
typedef decl_ssim_4x4xn_fn(*ssim_4x4xn_fn);

typedef struct psnr_ssim_dsp {
    plane_ssd_fn ssd;
    ssim_4x4xn_fn ssim_4x4xn;
} psnr_ssim_dsp;

void psnr_ssim_dsp_init(psnr_ssim_dsp *dsp, uint32_t cpu_flags);

#endif
