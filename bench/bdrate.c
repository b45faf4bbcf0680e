/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdlib.h>

#include "bench/bdrate.h"

static int sign_of(double v)
{
    return (v > 0) - (v < 0);
}

/* One-sided three-point estimate at an end, clamped so the curve keeps its
 * shape (no overshoot past three times the secant slope). */
static double pchip_end_slope(double h0, double h1, double m0, double m1)
{
    double d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if (sign_of(d) != sign_of(m0))
        return 0;
    if (sign_of(m0) != sign_of(m1) && fabs(d) > 3 * fabs(m0))
        return 3 * m0;
    return d;
}

int bd_pchip_init(bd_pchip *p, const double *x, const double *y, int n)
{
    double h[BD_MAX_POINTS], m[BD_MAX_POINTS];

    if (n < 2 || n > BD_MAX_POINTS)
        return -1;
    p->n = n;
    for (int i = 0; i < n; i++) {
        p->x[i] = x[i];
        p->y[i] = y[i];
    }
    for (int i = 0; i < n - 1; i++) {
        h[i] = x[i + 1] - x[i];
        if (!(h[i] > 0))
            return -1;
        m[i] = (y[i + 1] - y[i]) / h[i];
    }
    if (n == 2) {
        p->d[0] = p->d[1] = m[0];
        return 0;
    }
    /* Interior: weighted harmonic mean of the neighbouring secants, zero at
     * a local extremum, which is what keeps the interpolant monotone. */
    for (int i = 1; i < n - 1; i++) {
        if (m[i - 1] * m[i] <= 0) {
            p->d[i] = 0;
        } else {
            double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
            p->d[i] = (w1 + w2) / (w1 / m[i - 1] + w2 / m[i]);
        }
    }
    p->d[0] = pchip_end_slope(h[0], h[1], m[0], m[1]);
    p->d[n - 1] = pchip_end_slope(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
    return 0;
}

static int pchip_segment(const bd_pchip *p, double x)
{
    int k = 0;
    while (k < p->n - 2 && x > p->x[k + 1])
        k++;
    return k;
}

double bd_pchip_eval(const bd_pchip *p, double x)
{
    int k = pchip_segment(p, x);
    double h = p->x[k + 1] - p->x[k], s = (x - p->x[k]) / h;
    double s2 = s * s, s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * p->y[k] + (s3 - 2 * s2 + s) * h * p->d[k] +
           (3 * s2 - 2 * s3) * p->y[k + 1] + (s3 - s2) * h * p->d[k + 1];
}

/* Integral of segment k from its left end to x, from the antiderivatives of
 * the four cubic Hermite basis functions. */
static double pchip_segment_integral(const bd_pchip *p, int k, double x)
{
    double h = p->x[k + 1] - p->x[k], s = (x - p->x[k]) / h;
    double s2 = s * s, s3 = s2 * s, s4 = s3 * s;
    double i00 = s - s3 + s4 / 2, i10 = s2 / 2 - 2 * s3 / 3 + s4 / 4;
    double i01 = s3 - s4 / 2, i11 = s4 / 4 - s3 / 3;
    return h * (p->y[k] * i00 + h * p->d[k] * i10 + p->y[k + 1] * i01 + h * p->d[k + 1] * i11);
}

static double pchip_integral_from_start(const bd_pchip *p, double x)
{
    int k = pchip_segment(p, x);
    double sum = 0;
    for (int i = 0; i < k; i++)
        sum += pchip_segment_integral(p, i, p->x[i + 1]);
    return sum + pchip_segment_integral(p, k, x);
}

double bd_pchip_integrate(const bd_pchip *p, double a, double b)
{
    return pchip_integral_from_start(p, b) - pchip_integral_from_start(p, a);
}

typedef struct xy {
    double x, y;
} xy;

static int cmp_xy(const void *a, const void *b)
{
    double d = ((const xy *)a)->x - ((const xy *)b)->x;
    return (d > 0) - (d < 0);
}

/* Builds the interpolant of the curve with log(rate) as x (rate_is_x) or as y,
 * sorting the points by x. */
static int curve_pchip(bd_pchip *p, const bd_point *pt, int n, int rate_is_x)
{
    xy v[BD_MAX_POINTS];
    double x[BD_MAX_POINTS], y[BD_MAX_POINTS];

    if (n < 2 || n > BD_MAX_POINTS)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!(pt[i].rate > 0) || !isfinite(pt[i].psnr))
            return -1;
        double lr = log(pt[i].rate);
        v[i].x = rate_is_x ? lr : pt[i].psnr;
        v[i].y = rate_is_x ? pt[i].psnr : lr;
    }
    qsort(v, (size_t)n, sizeof(*v), cmp_xy);
    for (int i = 0; i < n; i++) {
        x[i] = v[i].x;
        y[i] = v[i].y;
    }
    return bd_pchip_init(p, x, y, n);
}

/* Mean of (test - anchor) over the x interval both interpolants cover. */
static int mean_difference(const bd_point *anchor, int n_anchor, const bd_point *test,
                           int n_test, int rate_is_x, double *diff)
{
    bd_pchip pa, pt;

    if (curve_pchip(&pa, anchor, n_anchor, rate_is_x) < 0 ||
        curve_pchip(&pt, test, n_test, rate_is_x) < 0)
        return -1;
    double lo = fmax(pa.x[0], pt.x[0]);
    double hi = fmin(pa.x[pa.n - 1], pt.x[pt.n - 1]);
    if (!(hi > lo))
        return -1;
    *diff = (bd_pchip_integrate(&pt, lo, hi) - bd_pchip_integrate(&pa, lo, hi)) / (hi - lo);
    return 0;
}

int bd_rate(const bd_point *anchor, int n_anchor, const bd_point *test, int n_test,
            double *percent)
{
    double d;
    if (mean_difference(anchor, n_anchor, test, n_test, 0, &d) < 0)
        return -1;
    *percent = (exp(d) - 1) * 100;
    return 0;
}

int bd_psnr(const bd_point *anchor, int n_anchor, const bd_point *test, int n_test,
            double *db)
{
    return mean_difference(anchor, n_anchor, test, n_test, 1, db);
}
