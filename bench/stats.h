/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef HWENC_BENCH_STATS_H
#define HWENC_BENCH_STATS_H

#include <stddef.h>

/* Sorts v in place and returns its p-th percentile (0..100) by the
 * nearest-rank method; the median for even n is the mean of the middle two
 * (stats_median). 0 for n == 0. */
double stats_percentile(double *v, size_t n, double p);
double stats_median(double *v, size_t n);
double stats_min(const double *v, size_t n);

/* Seconds of a monotonic clock. */
double stats_now(void);

#endif
