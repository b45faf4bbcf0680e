/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwbench's outputs: a table for the terminal, JSON and CSV for machines, a
 * Markdown report for people, and SVG plots (RD curves per clip, speed per
 * encoder) that need nothing but a browser.
 */
#ifndef HWENC_BENCH_REPORT_H
#define HWENC_BENCH_REPORT_H

#include <stdio.h>

#include "bench/matrix.h"

typedef struct bench_report {
    const bench_matrix *m;
    const bench_options *o;
    char machine[256];  /* CPU model and core count */
    char versions[256]; /* libhwenc and libavcodec versions */
    char date[32];      /* UTC, ISO 8601 */
    long baseline_rss_kb; /* peak memory of an idle child: hwbench's share of each row's */
} bench_report;

/* Fills machine, versions and date. */
void report_init(bench_report *r, const bench_matrix *m, const bench_options *o);

void report_table(FILE *f, const bench_report *r);
/* The file writers return 0 or -1 (errno set). */
int report_json(const char *path, const bench_report *r);
int report_csv(const char *path, const bench_report *r);
int report_markdown(const char *path, const bench_report *r);
int report_svg_rd(const char *path, const bench_report *r, int clip);
int report_svg_fps(const char *path, const bench_report *r);

/* Helpers shared by the writers. */
const char *report_rate_unit(const bench_options *o); /* "qp" or "kbps" */
/* Median over the rate points of the ok rows' median fps; NAN if none. */
double report_series_fps(const bench_report *r, const char *series, const char *clip);
/* The BD figures of a series on a clip; 0 if there are none. */
int report_series_bd(const bench_report *r, const char *series, const char *clip, double *rate,
                     double *psnr);
/* Formats v with the given decimals, or "-" when not finite. */
const char *report_num(char *buf, size_t size, double v, int decimals);

#endif
