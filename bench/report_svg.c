/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Self-contained SVG plots: inline attributes only, no scripts, no external
 * fonts or styles, so they open anywhere. The RD plot puts the rate on a log
 * axis (rate points are usually geometric); the speed plot is horizontal
 * bars, which leave room for long encoder names.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/bdrate.h"
#include "bench/report.h"

static const char *const palette[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
};
#define PALETTE_SIZE (int)(sizeof(palette) / sizeof(palette[0]))

/* Colour of a series: by its position among the series that run, so the
 * RD plots and the speed plot agree. */
static const char *series_colour(const bench_matrix *m, int s)
{
    int k = 0;
    for (int i = 0; i < s; i++)
        k += matrix_series_runs(&m->series[i]);
    return palette[k % PALETTE_SIZE];
}

typedef struct plot {
    FILE *f;
    double x0, y0, w, h;         /* plot area in pixels */
    double xmin, xmax, ymin, ymax;
    int xlog;
} plot;

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else
            fputc(*s, f);
    }
}

static void text(FILE *f, double x, double y, const char *anchor, int size, const char *extra,
                 const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s>", x, y, anchor,
            size, extra);
    xml_text(f, s);
    fputs("</text>\n", f);
}

static double px(const plot *p, double x)
{
    double t = p->xlog ? (log10(x) - log10(p->xmin)) / (log10(p->xmax) - log10(p->xmin))
                       : (x - p->xmin) / (p->xmax - p->xmin);
    return p->x0 + t * p->w;
}

static double py(const plot *p, double y)
{
    return p->y0 + p->h - (y - p->ymin) / (p->ymax - p->ymin) * p->h;
}

/* A step of 1, 2 or 5 times a power of ten giving about `want` ticks. */
static double nice_step(double range, int want)
{
    double raw = range / want, mag = pow(10, floor(log10(raw)));
    double n = raw / mag;
    return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * mag;
}

static void grid_line(const plot *p, double x1, double y1, double x2, double y2)
{
    fprintf(p->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n",
            x1, y1, x2, y2);
}

static void y_ticks(const plot *p, int decimals)
{
    double step = nice_step(p->ymax - p->ymin, 6);
    char label[32];
    for (double v = ceil(p->ymin / step) * step; v <= p->ymax + step * 1e-6; v += step) {
        double y = py(p, v);
        grid_line(p, p->x0, y, p->x0 + p->w, y);
        snprintf(label, sizeof(label), "%.*f", decimals, v);
        text(p->f, p->x0 - 8, y + 4, "end", 12, "", label);
    }
}

static void x_tick(const plot *p, double v)
{
    char label[32];
    double x = px(p, v);
    grid_line(p, x, p->y0, x, p->y0 + p->h);
    snprintf(label, sizeof(label), "%g", v);
    text(p->f, x, p->y0 + p->h + 18, "middle", 12, "", label);
}

/* Log axis: 1-2-5 in each decade. */
static void x_ticks(const plot *p)
{
    if (!p->xlog) {
        double step = nice_step(p->xmax - p->xmin, 6);
        for (double v = ceil(p->xmin / step) * step; v <= p->xmax + step * 1e-6; v += step)
            x_tick(p, v);
        return;
    }
    if (p->xmax / p->xmin < 10) {
        /* Under a decade: evenly spaced round values read better. */
        double step = nice_step(p->xmax - p->xmin, 5);
        for (double v = ceil(p->xmin / step) * step; v <= p->xmax; v += step)
            x_tick(p, v);
        return;
    }
    static const int mantissa[3] = { 1, 2, 5 };
    for (double dec = pow(10, floor(log10(p->xmin))); dec <= p->xmax; dec *= 10)
        for (int k = 0; k < 3; k++)
            if (dec * mantissa[k] >= p->xmin && dec * mantissa[k] <= p->xmax)
                x_tick(p, dec * mantissa[k]);
}

static void frame_and_titles(const plot *p, const char *title, const char *xlabel, const char *ylabel)
{
    FILE *f = p->f;
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"#333333\"/>\n", p->x0, p->y0, p->w, p->h);
    text(f, p->x0 + p->w / 2, 24, "middle", 16, " font-weight=\"bold\"", title);
    text(f, p->x0 + p->w / 2, p->y0 + p->h + 42, "middle", 13, "", xlabel);
    char rot[96];
    snprintf(rot, sizeof(rot), " transform=\"rotate(-90 %.1f %.1f)\"", 18.0, p->y0 + p->h / 2);
    text(f, 18, p->y0 + p->h / 2, "middle", 13, rot, ylabel);
}

static FILE *svg_open(const char *path, int w, int h)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", w, h, w, h);
    return f;
}

static int svg_close(FILE *f)
{
    fputs("</svg>\n", f);
    return fclose(f);
}

/* Range of the ok rows of a clip, padded so markers sit inside the frame. */
static int rd_range(const bench_report *r, const char *clip, plot *p)
{
    int n = 0;
    p->xmin = p->ymin = INFINITY;
    p->xmax = p->ymax = -INFINITY;
    for (int k = 0; k < r->m->n_rows; k++) {
        const bench_row *row = &r->m->rows[k];
        if (!row->ok || strcmp(row->clip_name, clip) || !(row->bitrate_kbps > 0))
            continue;
        p->xmin = fmin(p->xmin, row->bitrate_kbps);
        p->xmax = fmax(p->xmax, row->bitrate_kbps);
        p->ymin = fmin(p->ymin, row->psnr_avg[0]);
        p->ymax = fmax(p->ymax, row->psnr_avg[0]);
        n++;
    }
    if (!n) {
        p->xmin = 100, p->xmax = 1000, p->ymin = 30, p->ymax = 40;
        return 0;
    }
    p->xmin /= 1.15, p->xmax *= 1.15;
    double pad = fmax((p->ymax - p->ymin) * 0.08, 0.5);
    p->ymin = floor(p->ymin - pad), p->ymax = ceil(p->ymax + pad);
    return n;
}

/* The curve through a series' points: the same monotone cubic the BD
 * figures integrate (PSNR over log rate), or straight segments when the
 * points do not allow it. */
static void rd_curve(const plot *p, const bench_row *rows, const int *idx, int n, const char *col)
{
    double x[BD_MAX_POINTS], y[BD_MAX_POINTS];
    bd_pchip pc;

    for (int i = 0; i < n && i < BD_MAX_POINTS; i++) {
        x[i] = log(rows[idx[i]].bitrate_kbps);
        y[i] = rows[idx[i]].psnr_avg[0];
    }
    fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
    if (n >= 2 && n <= BD_MAX_POINTS && bd_pchip_init(&pc, x, y, n) == 0) {
        for (int k = 0; k <= 120; k++) {
            double lx = x[0] + (x[n - 1] - x[0]) * k / 120;
            fprintf(p->f, "%.1f,%.1f ", px(p, exp(lx)), py(p, bd_pchip_eval(&pc, lx)));
        }
    } else {
        for (int i = 0; i < n; i++)
            fprintf(p->f, "%.1f,%.1f ", px(p, rows[idx[i]].bitrate_kbps), py(p, y[i]));
    }
    fprintf(p->f, "\"/>\n");
}

static void rd_series(const plot *p, const bench_report *r, const char *clip, int s, double legend_y)
{
    const bench_series *se = &r->m->series[s];
    const char *col = series_colour(r->m, s);
    double bd_rate = NAN;
    char label[192];

    /* Rows of a series are in rate-point order; sort by bitrate for the line. */
    int idx[BENCH_MAX_RATES], n = 0;
    for (int k = 0; k < r->m->n_rows && n < BENCH_MAX_RATES; k++) {
        const bench_row *row = &r->m->rows[k];
        if (row->ok && !strcmp(row->series, se->label) && !strcmp(row->clip_name, clip)) {
            int j = n++;
            while (j > 0 && r->m->rows[idx[j - 1]].bitrate_kbps > row->bitrate_kbps) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = k;
            if (row->bd_ok)
                bd_rate = row->bd_rate_pct;
        }
    }
    rd_curve(p, r->m->rows, idx, n, col);
    for (int i = 0; i < n; i++)
        fprintf(p->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
                px(p, r->m->rows[idx[i]].bitrate_kbps), py(p, r->m->rows[idx[i]].psnr_avg[0]), col);

    double lx = p->x0 + p->w + 16;
    fprintf(p->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
            lx, legend_y - 4, lx + 22, legend_y - 4, col);
    if (s == r->m->anchor)
        snprintf(label, sizeof(label), "%s (anchor)", se->label);
    else if (isfinite(bd_rate))
        snprintf(label, sizeof(label), "%s (BD-rate %+.1f%%)", se->label, bd_rate);
    else
        snprintf(label, sizeof(label), "%s%s", se->label, n ? "" : " (no data)");
    text(p->f, lx + 28, legend_y, "start", 12, "", label);
}

int report_svg_rd(const char *path, const bench_report *r, int clip)
{
    const char *name = r->m->clip_names[clip];
    plot p = { .x0 = 70, .y0 = 40, .w = 560, .h = 400, .xlog = 1 };
    char title[128];

    if (!(p.f = svg_open(path, 900, 500)))
        return -1;
    rd_range(r, name, &p);
    y_ticks(&p, p.ymax - p.ymin < 4 ? 1 : 0);
    x_ticks(&p);
    snprintf(title, sizeof(title), "Rate-distortion: %s", name);
    frame_and_titles(&p, title, "bitrate (kb/s, log scale)", "PSNR-Y (dB)");
    text(p.f, p.x0 + p.w + 16, p.y0 + 4, "start", 13, " font-weight=\"bold\"", "encoder");
    for (int s = 0, shown = 0; s < r->m->n_series; s++)
        if (matrix_series_runs(&r->m->series[s]))
            rd_series(&p, r, name, s, p.y0 + 26 + 20 * shown++);
    return svg_close(p.f);
}

int report_svg_fps(const char *path, const bench_report *r)
{
    const bench_matrix *m = r->m;
    int bars = 0;
    double vmax = 0;
    char label[192], num[32];

    for (int c = 0; c < r->o->n_clips; c++)
        for (int s = 0; s < m->n_series; s++)
            if (matrix_series_runs(&m->series[s])) {
                double v = report_series_fps(r, m->series[s].label, m->clip_names[c]);
                vmax = isfinite(v) && v > vmax ? v : vmax;
                bars++;
            }
    plot p = { .x0 = 260, .y0 = 40, .w = 520, .h = 28.0 * (bars ? bars : 1) + 10,
               .xmin = 0, .xmax = vmax > 0 ? vmax * 1.12 : 1, .ymin = 0, .ymax = 1 };
    if (!(p.f = svg_open(path, 900, (int)(p.h + 110))))
        return -1;
    x_ticks(&p);
    frame_and_titles(&p, r->o->sessions > 1 ? "Encoding speed, all sessions together" : "Encoding speed",
                     "frames per second (median of runs and rate points)", "");
    int i = 0;
    for (int c = 0; c < r->o->n_clips; c++) {
        for (int s = 0; s < m->n_series; s++) {
            if (!matrix_series_runs(&m->series[s]))
                continue;
            double v = report_series_fps(r, m->series[s].label, m->clip_names[c]), y = p.y0 + 8 + 28.0 * i++;
            if (r->o->n_clips > 1)
                snprintf(label, sizeof(label), "%s, %s", m->series[s].label, m->clip_names[c]);
            else
                snprintf(label, sizeof(label), "%s", m->series[s].label);
            text(p.f, p.x0 - 8, y + 15, "end", 12, "", label);
            if (!isfinite(v)) {
                text(p.f, p.x0 + 6, y + 15, "start", 12, " fill=\"#aa0000\"", "failed");
                continue;
            }
            fprintf(p.f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>\n",
                    p.x0, y, px(&p, v) - p.x0, series_colour(m, s));
            text(p.f, px(&p, v) + 5, y + 15, "start", 12, "", report_num(num, sizeof(num), v, 1));
        }
    }
    return svg_close(p.f);
}
