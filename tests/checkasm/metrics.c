/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * checkasm for psnr_ssim_dsp: plane SSD at every width from 1 up (the SIMD
 * versions have tails) and the widest documented width at maximal error,
 * and the SSIM 4x4 sums for runs of 1..40 blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/checkasm/checkasm.h"
#include "cpu_fallback/dsp/metrics_dsp.h"

#define ITERATIONS 64
#define MAX_W 16384

static void fill(uint8_t *a, uint8_t *b, size_t size, int iteration)
{
    if (iteration < 2) {
        memset(a, iteration ? 255 : 0, size);
        memset(b, iteration ? 0 : 255, size);
    } else {
        checkasm_fill_random(a, size);
        checkasm_fill_random(b, size);
    }
}

static void check_ssd(const psnr_ssim_dsp *dsp, uint8_t *a, uint8_t *b)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->ssd, "plane_ssd")))
        return;
    const plane_ssd_fn ref = (plane_ssd_fn)ref_fn;
    for (int i = 0; i < 4 * ITERATIONS; i++) {
        fill(a, b, 2 * MAX_W, i);
        int w, h;
        ptrdiff_t sa, sb;
        if (i < 4) { /* the largest rows, with the largest errors */
            w = MAX_W;
            h = 2;
            sa = sb = MAX_W;
        } else {
            w = i < 4 + 130 ? i - 3 : checkasm_rand_range(1, 300);
            h = checkasm_rand_range(1, 6);
            sa = checkasm_rand_range(w, w + 33);
            sb = checkasm_rand_range(w, w + 33);
            if ((size_t)(sa > sb ? sa : sb) * (size_t)h > 2 * MAX_W)
                h = 1;
        }
        const uint64_t expect = ref(a, sa, b, sb, w, h), got = dsp->ssd(a, sa, b, sb, w, h);
        if (expect != got) {
            checkasm_fail("%dx%d: got %llu, expected %llu", w, h, (unsigned long long)got,
                          (unsigned long long)expect);
            break;
        }
    }
    checkasm_fill_random(a, 2 * MAX_W);
    checkasm_fill_random(b, 2 * MAX_W);
    CHECKASM_BENCH(dsp->ssd(a, 1920, b, 1920, 1920, 8));
}

static void check_ssim(const psnr_ssim_dsp *dsp, uint8_t *a, uint8_t *b)
{
    checkasm_func ref_fn;
    if (!(ref_fn = check_func(dsp->ssim_4x4xn, "ssim_4x4xn")))
        return;
    const ssim_4x4xn_fn ref = (ssim_4x4xn_fn)ref_fn;
    int32_t s_ref[41][4], s_new[41][4];
    for (int i = 0; i < ITERATIONS; i++) {
        fill(a, b, 2 * MAX_W, i);
        const int n = i < 40 ? i + 1 : checkasm_rand_range(1, 40);
        const ptrdiff_t sa = checkasm_rand_range(4 * n, 4 * n + 40), sb = checkasm_rand_range(4 * n, 4 * n + 40);
        checkasm_guard_fill(s_ref, sizeof(s_ref));
        checkasm_guard_fill(s_new, sizeof(s_new));
        ref(a, sa, b, sb, s_ref, n);
        dsp->ssim_4x4xn(a, sa, b, sb, s_new, n);
        if (checkasm_check_int32("sums", &s_ref[0][0], &s_new[0][0], (size_t)(4 * n)) ||
            checkasm_guard_check(s_new[n], sizeof(s_new[0]), "after sums")) {
            checkasm_fail("n %d", n);
            break;
        }
    }
    CHECKASM_BENCH(dsp->ssim_4x4xn(a, 1920, b, 1920, s_new, 40));
}

void checkasm_check_metrics(void)
{
    psnr_ssim_dsp dsp;
    psnr_ssim_dsp_init(&dsp, checkasm_cpu_flags());
    uint8_t *a = malloc(2 * MAX_W), *b = malloc(2 * MAX_W);
    if (a && b) {
        check_ssd(&dsp, a, b);
        check_ssim(&dsp, a, b);
    } else {
        checkasm_fail("out of memory");
    }
    free(a);
    free(b);
}
