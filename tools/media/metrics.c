/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/dsp/cpu.h"
#include "tools/media/metrics.h"
#include "cpu_fallback/dsp/metrics_dsp.h"

/* The kernels are the CPU encoder's (cpu_fallback/dsp/metrics_dsp.h, linked from
 * hwenc_core; media.cmake says why they live there): a C reference and SIMD
 * versions chosen from the CPU flags, checked against each other by checkasm. Both compute exact integer sums,
 * so the figures do not depend on which version runs. */
void metrics_dsp_init(metrics_dsp *dsp)
{
    psnr_ssim_dsp k;
    psnr_ssim_dsp_init(&k, cpu_detect());
    /* Plain assignments: a signature that drifted apart fails to compile. */
    dsp->ssd = k.ssd;
    dsp->ssim_4x4xn = k.ssim_4x4xn;
}

double metrics_psnr(uint64_t sse, uint64_t samples)
{
    if (!samples)
        return 0;
    if (!sse)
        return 100;
    double v = 10 * log10(255.0 * 255.0 * (double)samples / (double)sse);
    return v > 100 ? 100 : v;
}

/* SSIM of one 8x8 window from its raw sums over 64 samples. The stabilising
 * constants are (0.01 * 255)^2 and (0.03 * 255)^2 scaled the way x264 and
 * FFmpeg scale them for raw sums (64 and 64 * 63), so results agree with
 * their ssim output rather than differing in the fourth decimal. */
static double ssim_window(int64_t s1, int64_t s2, int64_t ss, int64_t s12)
{
    const int64_t c1 = 416, c2 = 235963; /* .01^2*255^2*64, .03^2*255^2*64*63, rounded */
    int64_t vars = ss * 64 - s1 * s1 - s2 * s2;
    int64_t covar = s12 * 64 - s1 * s2;
    return (double)(2 * s1 * s2 + c1) * (double)(2 * covar + c2) /
           ((double)(s1 * s1 + s2 * s2 + c1) * (double)(vars + c2));
}

double metrics_ssim_plane(const metrics_dsp *dsp, const uint8_t *a, ptrdiff_t a_stride,
                          const uint8_t *b, ptrdiff_t b_stride, int w, int h, int32_t (*tmp)[4])
{
    int bw = w / 4, bh = h / 4;
    int32_t (*prev)[4] = tmp, (*cur)[4] = tmp + bw;
    double total = 0;

    if (bw < 2 || bh < 2)
        return 1;
    dsp->ssim_4x4xn(a, a_stride, b, b_stride, prev, bw);
    for (int y = 1; y < bh; y++) {
        dsp->ssim_4x4xn(a + 4 * y * a_stride, a_stride, b + 4 * y * b_stride, b_stride, cur, bw);
        for (int x = 0; x < bw - 1; x++) {
            int64_t s[4];
            for (int k = 0; k < 4; k++)
                s[k] = (int64_t)prev[x][k] + prev[x + 1][k] + cur[x][k] + cur[x + 1][k];
            total += ssim_window(s[0], s[1], s[2], s[3]);
        }
        int32_t (*t)[4] = prev;
        prev = cur;
        cur = t;
    }
    return total / ((double)(bw - 1) * (bh - 1));
}

int metrics_init(metrics_state *m, int width, int height)
{
    memset(m, 0, sizeof(*m));
    if (width < 1 || height < 1)
        return -1;
    metrics_dsp_init(&m->dsp);
    m->width = width;
    m->height = height;
    m->sums = calloc((size_t)(width / 4 + 1) * 2, sizeof(*m->sums));
    return m->sums ? 0 : -1;
}

void metrics_add_psnr(metrics_state *m, const uint8_t *const ref[3], const ptrdiff_t ref_stride[3],
                      const uint8_t *const dist[3], const ptrdiff_t dist_stride[3])
{
    for (int p = 0; p < 3; p++) {
        int w = p ? (m->width + 1) >> 1 : m->width;
        int h = p ? (m->height + 1) >> 1 : m->height;
        uint64_t sse = m->dsp.ssd(ref[p], ref_stride[p], dist[p], dist_stride[p], w, h);
        uint64_t n = (uint64_t)w * (uint64_t)h;
        m->sse[p] += sse;
        m->samples[p] += n;
        m->psnr_sum[p] += metrics_psnr(sse, n);
    }
    m->frames++;
}

void metrics_add_frame(metrics_state *m, const uint8_t *const ref[3], const ptrdiff_t ref_stride[3],
                       const uint8_t *const dist[3], const ptrdiff_t dist_stride[3])
{
    metrics_add_psnr(m, ref, ref_stride, dist, dist_stride);
    m->ssim_sum += metrics_ssim_plane(&m->dsp, ref[0], ref_stride[0], dist[0], dist_stride[0],
                                      m->width, m->height, m->sums);
}

void metrics_summarize(const metrics_state *m, metrics_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->frames = m->frames;
    if (!m->frames)
        return;
    for (int p = 0; p < 3; p++) {
        out->psnr_avg[p] = m->psnr_sum[p] / m->frames;
        out->psnr_global[p] = metrics_psnr(m->sse[p], m->samples[p]);
    }
    out->ssim_y = m->ssim_sum / m->frames;
}

void metrics_free(metrics_state *m)
{
    free(m->sums);
    m->sums = NULL;
}
