/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The terminal table and the Markdown report share one column layout.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>

#include "hwenc/hwenc.h"

#include "bench/report.h"
#include "bench/stats.h"

const char *report_rate_unit(const bench_options *o)
{
    return o->rate_mode == BENCH_RATE_QP ? "qp" : "kbps";
}

const char *report_num(char *buf, size_t size, double v, int decimals)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.*f", decimals, v);
    return buf;
}

double report_series_fps(const bench_report *r, const char *series, const char *clip)
{
    double v[BENCH_MAX_RATES];
    size_t n = 0;
    for (int k = 0; k < r->m->n_rows && n < BENCH_MAX_RATES; k++) {
        const bench_row *row = &r->m->rows[k];
        if (row->ok && !strcmp(row->series, series) && !strcmp(row->clip_name, clip))
            v[n++] = row->fps_median;
    }
    return n ? stats_median(v, n) : NAN;
}

int report_series_bd(const bench_report *r, const char *series, const char *clip, double *rate,
                     double *psnr)
{
    for (int k = 0; k < r->m->n_rows; k++) {
        const bench_row *row = &r->m->rows[k];
        if (row->bd_ok && !strcmp(row->series, series) && !strcmp(row->clip_name, clip)) {
            *rate = row->bd_rate_pct;
            *psnr = row->bd_psnr_db;
            return 1;
        }
    }
    return 0;
}

/* One line per series and clip: speed and the BD figures; Markdown table
 * rows when md is set. */
static void summary(FILE *f, const bench_report *r, int md)
{
    const bench_matrix *m = r->m;
    const char *fmt = md ? "| %s | %s | %s | %s | %s |\n" : "%-28s %-20s %12s %10s %12s\n";
    char fps[32], rate[32], psnr[32];

    fprintf(f, fmt, "encoder", "clip", "fps (median)", "BD-rate", "BD-PSNR");
    if (md)
        fprintf(f, "| --- | --- | ---: | ---: | ---: |\n");
    for (int c = 0; c < r->o->n_clips; c++) {
        for (int s = 0; s < m->n_series; s++) {
            const char *label = m->series[s].label, *clip = m->clip_names[c];
            double bdr = NAN, bdp = NAN;
            if (!matrix_series_runs(&m->series[s]))
                continue;
            report_series_bd(r, label, clip, &bdr, &bdp);
            report_num(fps, sizeof(fps), report_series_fps(r, label, clip), 1);
            snprintf(rate, sizeof(rate), isfinite(bdr) ? "%+.2f%%" : "-", bdr);
            snprintf(psnr, sizeof(psnr), isfinite(bdp) ? "%+.3f dB" : "-", bdp);
            fprintf(f, fmt, label, clip, fps, rate, psnr);
        }
    }
}

static void cpu_model(char *buf, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    snprintf(buf, size, "unknown CPU");
    while (f && fgets(line, sizeof(line), f)) {
        const char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            snprintf(buf, size, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
}

void report_init(bench_report *r, const bench_matrix *m, const bench_options *o)
{
    char cpu[160];
    struct utsname u;
    time_t now = time(NULL);
    struct tm tm;
    unsigned v = hwenc_version();

    memset(r, 0, sizeof(*r));
    r->m = m;
    r->o = o;
    cpu_model(cpu, sizeof(cpu));
    if (uname(&u) < 0)
        snprintf(u.release, sizeof(u.release), "?");
    snprintf(r->machine, sizeof(r->machine), "%s, %ld logical CPUs, Linux %.40s", cpu,
             sysconf(_SC_NPROCESSORS_ONLN), u.release);
    snprintf(r->versions, sizeof(r->versions), "libhwenc %u.%u.%u, %s", v >> 16, (v >> 8) & 255,
             v & 255, LIBAVCODEC_IDENT);
    gmtime_r(&now, &tm);
    strftime(r->date, sizeof(r->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum column {
    COL_ENCODER, COL_CLIP, COL_RATE, COL_FPS, COL_FPS_MIN, COL_SESSION_FPS, COL_CPU, COL_LATENCY,
    COL_RSS, COL_KBPS, COL_PSNR, COL_PSNR_GLOBAL, COL_SSIM, COL_BD_RATE, COL_BD_PSNR, COL_STATUS,
    COLUMNS
};
enum { CELL = 128 };

static const char *const headers[COLUMNS] = {
    "encoder", "clip", "rate", "fps med", "fps min", "fps per session", "cpu ms/f",
    "lat p50/95/99 ms", "RSS MB", "kb/s", "PSNR Y/U/V", "PSNR-Y glob", "SSIM-Y", "BD-rate",
    "BD-PSNR", "status",
};

/* The per-session column only means something with several sessions. */
static int column_shown(const bench_options *o, int c)
{
    return c != COL_SESSION_FPS || o->sessions > 1;
}

static void session_cell(char *cell, const bench_row *row)
{
    size_t len = 0;
    cell[0] = 0;
    for (int i = 0; i < row->sessions && len + 16 < CELL; i++)
        len += (size_t)snprintf(cell + len, CELL - len, "%s%.1f", i ? "/" : "", row->session_fps[i]);
}

/* The cells of one row, as text. */
static void row_cells(const bench_row *row, const bench_options *o, char cells[COLUMNS][CELL])
{
    char a[32], b[32], c[32];
    for (int i = 0; i < COLUMNS; i++)
        snprintf(cells[i], CELL, "-");
    snprintf(cells[COL_ENCODER], CELL, "%s", row->series);
    snprintf(cells[COL_CLIP], CELL, "%s", row->clip_name);
    snprintf(cells[COL_RATE], CELL, "%s %d", report_rate_unit(o), row->rate);
    snprintf(cells[COL_STATUS], CELL, "%s", row->ok ? "ok" : "FAILED");
    if (!row->ok)
        return;
    snprintf(cells[COL_FPS], CELL, "%.1f", row->fps_median);
    snprintf(cells[COL_FPS_MIN], CELL, "%.1f", row->fps_min);
    session_cell(cells[COL_SESSION_FPS], row);
    snprintf(cells[COL_CPU], CELL, "%.2f", row->cpu_ms_per_frame);
    snprintf(cells[COL_LATENCY], CELL, "%.1f/%.1f/%.1f", row->latency_ms[0], row->latency_ms[1],
             row->latency_ms[2]);
    snprintf(cells[COL_RSS], CELL, "%.1f", row->peak_rss_kb / 1024.0);
    snprintf(cells[COL_KBPS], CELL, "%.1f", row->bitrate_kbps);
    snprintf(cells[COL_PSNR], CELL, "%s/%s/%s", report_num(a, sizeof(a), row->psnr_avg[0], 2),
             report_num(b, sizeof(b), row->psnr_avg[1], 2), report_num(c, sizeof(c), row->psnr_avg[2], 2));
    snprintf(cells[COL_PSNR_GLOBAL], CELL, "%.2f", row->psnr_global[0]);
    snprintf(cells[COL_SSIM], CELL, "%.4f", row->ssim_y);
    if (row->bd_ok) {
        snprintf(cells[COL_BD_RATE], CELL, "%+.2f%%", row->bd_rate_pct);
        snprintf(cells[COL_BD_PSNR], CELL, "%+.3f dB", row->bd_psnr_db);
    }
}

static void table_line(FILE *f, const bench_options *o, const char *const *cells, const int *width)
{
    const char *sep = "";
    for (int i = 0; i < COLUMNS; i++) {
        if (!column_shown(o, i))
            continue;
        /* Names left-aligned, numbers right-aligned. */
        fprintf(f, "%s%*s", sep, i <= COL_CLIP ? -width[i] : width[i], cells[i]);
        sep = "  ";
    }
    fputc('\n', f);
}

void report_table(FILE *f, const bench_report *r)
{
    char cells[COLUMNS][CELL];
    const char *text[COLUMNS];
    int width[COLUMNS];
    const bench_matrix *m = r->m;

    for (int i = 0; i < COLUMNS; i++) {
        width[i] = (int)strlen(headers[i]);
        text[i] = cells[i];
    }
    for (int k = 0; k < m->n_rows; k++) {
        row_cells(&m->rows[k], r->o, cells);
        for (int i = 0; i < COLUMNS; i++)
            width[i] = (int)strlen(cells[i]) > width[i] ? (int)strlen(cells[i]) : width[i];
    }
    table_line(f, r->o, headers, width);
    for (int k = 0; k < m->n_rows; k++) {
        row_cells(&m->rows[k], r->o, cells);
        table_line(f, r->o, text, width);
    }
    for (int k = 0; k < m->n_rows; k++)
        if (!m->rows[k].ok)
            fprintf(f, "FAILED %s %s %s %d: %s\n", m->rows[k].series, m->rows[k].clip_name,
                    report_rate_unit(r->o), m->rows[k].rate, m->rows[k].reason);
    fprintf(f, "\n");
    summary(f, r, 0);
    if (m->anchor >= 0)
        fprintf(f, "BD-rate and BD-PSNR: PSNR-Y (mean of frames) against %s, PCHIP on log rate.\n",
                m->series[m->anchor].label);
    for (int s = 0; s < m->n_series; s++)
        if (!matrix_series_runs(&m->series[s]))
            fprintf(f, "not run: %s: %s\n", m->series[s].label, m->series[s].info);
}

static void md_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '<' || *s == '`')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static void md_results(FILE *f, const bench_report *r)
{
    char cells[COLUMNS][CELL];
    fprintf(f, "|");
    for (int i = 0; i < COLUMNS; i++)
        if (column_shown(r->o, i))
            fprintf(f, " %s |", headers[i]);
    fprintf(f, "\n|");
    for (int i = 0; i < COLUMNS; i++)
        if (column_shown(r->o, i))
            fprintf(f, "%s", i <= COL_CLIP || i == COL_STATUS ? " --- |" : " ---: |");
    fprintf(f, "\n");
    for (int k = 0; k < r->m->n_rows; k++) {
        row_cells(&r->m->rows[k], r->o, cells);
        fprintf(f, "|");
        for (int i = 0; i < COLUMNS; i++) {
            if (!column_shown(r->o, i))
                continue;
            fputc(' ', f);
            md_escape(f, cells[i]);
            fprintf(f, " |");
        }
        fprintf(f, "\n");
    }
}

static void md_encoders(FILE *f, const bench_report *r)
{
    fprintf(f, "| encoder | runs | found / reason |\n| --- | --- | --- |\n");
    for (int s = 0; s < r->m->n_series; s++) {
        const bench_series *se = &r->m->series[s];
        fprintf(f, "| ");
        md_escape(f, se->label);
        fprintf(f, " | %s | ", se->available ? "yes" : se->requested ? "fails" : "no");
        md_escape(f, se->info);
        fprintf(f, " |\n");
    }
}

int report_markdown(const char *path, const bench_report *r)
{
    const bench_options *o = r->o;
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# hwbench report\n\n");
    fprintf(f, "- date: %s\n- machine: %s\n- versions: %s\n", r->date, r->machine, r->versions);
    fprintf(f, "- runs: %d warm-up, %d timed (fps: median and minimum), %d session%s in parallel\n",
            o->warmup, o->repeat, o->sessions, o->sessions > 1 ? "s" : "");
    fprintf(f, "- peak memory (RSS MB) is of the process running the row, which holds the clip; "
               "hwbench alone accounts for %.1f MB of it\n", r->baseline_rss_kb / 1024.0);
    fprintf(f, "- quality: decoded with libavcodec, compared with the source; PSNR Y/U/V is the mean of "
               "per-frame values, PSNR-Y glob from the summed error\n\n");
    fprintf(f, "## Encoders\n\n");
    md_encoders(f, r);
    fprintf(f, "\n## Summary\n\n");
    summary(f, r, 1);
    fprintf(f, "\n## Results\n\n");
    md_results(f, r);
    if (r->m->anchor >= 0)
        fprintf(f, "\nBD-rate and BD-PSNR against `%s` (PSNR-Y, monotone cubic interpolation on log rate).\n",
                r->m->series[r->m->anchor].label);
    fprintf(f, "\n## Failures\n\n");
    int failures = 0;
    for (int k = 0; k < r->m->n_rows; k++) {
        const bench_row *row = &r->m->rows[k];
        if (row->ok)
            continue;
        fprintf(f, "- %s on %s at %s %d: ", row->series, row->clip_name, report_rate_unit(o), row->rate);
        md_escape(f, row->reason);
        fprintf(f, "\n");
        failures++;
    }
    if (!failures)
        fprintf(f, "None.\n");
    fprintf(f, "\n## Plots\n\n");
    for (int c = 0; c < o->n_clips; c++)
        fprintf(f, "![RD curves, %s](rd_%s.svg)\n\n", r->m->clip_names[c], r->m->clip_names[c]);
    fprintf(f, "![Speed](fps.svg)\n");
    return fclose(f);
}
