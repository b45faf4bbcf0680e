/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Bjøntegaard delta metrics between two rate-distortion curves. Both follow
 * the usual practice: monotone piecewise cubic (PCHIP) interpolation, rate on
 * a log scale, integrated over the interval both curves cover.
 */
#ifndef HWENC_BENCH_BDRATE_H
#define HWENC_BENCH_BDRATE_H

typedef struct bd_point {
    double rate; /* bits per second, any unit, > 0 */
    double psnr; /* dB */
} bd_point;

/* Average rate difference of test against anchor at equal quality, in per
 * cent (negative: test needs fewer bits). Returns 0 on success, -1 when the
 * curves cannot be compared (fewer than 2 points, rates <= 0, repeated
 * quality values, or no overlap). */
int bd_rate(const bd_point *anchor, int n_anchor, const bd_point *test, int n_test,
            double *percent);

/* Average quality difference of test against anchor at equal rate, in dB
 * (positive: test is better). Same return values as bd_rate(). */
int bd_psnr(const bd_point *anchor, int n_anchor, const bd_point *test, int n_test,
            double *db);

/* Monotone piecewise cubic Hermite interpolant through (x[i], y[i]) with x
 * strictly increasing, 2 <= n <= BD_MAX_POINTS: the slopes are those of
 * Fritsch and Carlson as used by SciPy's PchipInterpolator. */
#define BD_MAX_POINTS 64
typedef struct bd_pchip {
    int n;
    double x[BD_MAX_POINTS], y[BD_MAX_POINTS], d[BD_MAX_POINTS];
} bd_pchip;

int bd_pchip_init(bd_pchip *p, const double *x, const double *y, int n);
double bd_pchip_eval(const bd_pchip *p, double x);
/* Exact integral of the interpolant from a to b, both within [x[0], x[n-1]]. */
double bd_pchip_integrate(const bd_pchip *p, double a, double b);

#endif
