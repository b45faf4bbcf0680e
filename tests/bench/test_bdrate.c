/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * BD-rate and BD-PSNR against independently computed worked examples, plus
 * invariants that hold for any correct implementation.
 */
#include <math.h>
#include <stdio.h>

#include "bench/bdrate.h"

static int failures;

static void check(int cond, const char *what, double got, double want)
{
    if (!cond) {
        fprintf(stderr, "FAIL %s: got %.10f want %.10f\n", what, got, want);
        failures++;
    }
}

typedef struct example {
    bd_point anchor[5], test[5];
    int na, nt;
    double rate, psnr;
} example;

/* Expected values computed offline with SciPy 1.10.1 (Debian 12
 * python3-scipy): scipy.interpolate.PchipInterpolator on (PSNR, ln rate) and
 * (ln rate, PSNR), PchipInterpolator.integrate over the common interval,
 * BD-rate = (exp(mean difference) - 1) * 100. The third example has curves of
 * different lengths and partial overlap. */
static const example examples[] = {
    { { { 1000, 33.0 }, { 1800, 35.5 }, { 3200, 38.0 }, { 6000, 40.2 } },
      { { 900, 33.2 }, { 1600, 35.6 }, { 2900, 38.2 }, { 5600, 40.5 } },
      4, 4, -13.7281475845, 0.5937881772 },
    { { { 400, 30.1 }, { 800, 33.9 }, { 1600, 36.8 }, { 3200, 39.0 } },
      { { 520, 29.5 }, { 1000, 32.7 }, { 1900, 35.9 }, { 4100, 38.6 } },
      4, 4, 53.1346337983, -1.8539117719 },
    { { { 100, 28.0 }, { 250, 33.0 }, { 700, 36.0 } },
      { { 120, 27.5 }, { 200, 31.0 }, { 400, 34.2 }, { 900, 37.0 }, { 2000, 38.1 } },
      3, 5, 18.8577849706, -0.7056880974 },
};

static void test_examples(void)
{
    for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
        const example *e = &examples[i];
        double r = NAN, p = NAN;
        int ok = bd_rate(e->anchor, e->na, e->test, e->nt, &r) == 0;
        check(ok && fabs(r - e->rate) < 1e-6, "worked example bd_rate", r, e->rate);
        ok = bd_psnr(e->anchor, e->na, e->test, e->nt, &p) == 0;
        check(ok && fabs(p - e->psnr) < 1e-6, "worked example bd_psnr", p, e->psnr);
    }
}

static void test_invariants(void)
{
    const example *e = &examples[0];
    bd_point half[4], shifted[4], shuffled[4] = { e->anchor[2], e->anchor[0], e->anchor[3], e->anchor[1] };
    double r = NAN, p = NAN;

    check(bd_rate(e->anchor, 4, e->anchor, 4, &r) == 0 && fabs(r) < 1e-9, "identical rate", r, 0);
    check(bd_psnr(e->anchor, 4, e->anchor, 4, &p) == 0 && fabs(p) < 1e-9, "identical psnr", p, 0);
    check(bd_rate(e->anchor, 4, shuffled, 4, &r) == 0 && fabs(r) < 1e-9, "order-free", r, 0);

    /* Half the rate at every PSNR is -50 % whatever the interpolant; 0.7 dB
     * more at every rate is +0.7 dB. */
    for (int i = 0; i < 4; i++) {
        half[i] = e->anchor[i];
        half[i].rate /= 2;
        shifted[i] = e->anchor[i];
        shifted[i].psnr += 0.7;
    }
    check(bd_rate(e->anchor, 4, half, 4, &r) == 0 && fabs(r + 50) < 1e-9, "half rate", r, -50);
    check(bd_rate(half, 4, e->anchor, 4, &r) == 0 && fabs(r - 100) < 1e-9, "double rate", r, 100);
    check(bd_psnr(e->anchor, 4, shifted, 4, &p) == 0 && fabs(p - 0.7) < 1e-9, "psnr shift", p, 0.7);

    /* No overlap, too few points, bad rates. */
    bd_point far[2] = { { 10, 50 }, { 20, 52 } }, one[1] = { { 100, 30 } }, zero[2] = { { 0, 30 }, { 10, 31 } };
    check(bd_rate(e->anchor, 4, far, 2, &r) < 0, "no overlap refused", 0, 0);
    check(bd_rate(e->anchor, 4, one, 1, &r) < 0, "one point refused", 0, 0);
    check(bd_psnr(e->anchor, 4, zero, 2, &p) < 0, "zero rate refused", 0, 0);
}

/* The interpolant must reproduce the knots, stay monotone between monotone
 * data, and its integral must agree with a fine midpoint sum. */
static void test_pchip(void)
{
    const double x[5] = { 0, 1, 2.5, 3, 6 }, y[5] = { 1, 2, 2, 5, 5.5 };
    bd_pchip p;
    check(bd_pchip_init(&p, x, y, 5) == 0, "pchip init", 0, 0);
    for (int i = 0; i < 5; i++)
        check(fabs(bd_pchip_eval(&p, x[i]) - y[i]) < 1e-12, "pchip knot", bd_pchip_eval(&p, x[i]), y[i]);
    double prev = bd_pchip_eval(&p, 0), sum = 0;
    const int steps = 600000;
    for (int i = 1; i <= steps; i++) {
        double v = bd_pchip_eval(&p, 6.0 * i / steps);
        check(v >= prev - 1e-12, "pchip monotone", v, prev);
        prev = v;
        sum += bd_pchip_eval(&p, 6.0 * (i - 0.5) / steps) * 6.0 / steps;
    }
    double in = bd_pchip_integrate(&p, 0, 6);
    check(fabs(in - sum) < 1e-8, "pchip integral", in, sum);
    double part = bd_pchip_integrate(&p, 0.5, 2.7) + bd_pchip_integrate(&p, 2.7, 6);
    check(fabs(part - bd_pchip_integrate(&p, 0.5, 6)) < 1e-12, "pchip additive", part, 0);
    const double bad[3] = { 0, 1, 1 };
    check(bd_pchip_init(&p, bad, y, 3) < 0, "repeated x refused", 0, 0);
}

int main(void)
{
    test_examples();
    test_invariants();
    test_pchip();
    if (failures)
        return 1;
    printf("bdrate: all tests passed\n");
    return 0;
}
