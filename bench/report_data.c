/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * JSON and CSV. Every row has every field; measurements of a failed row
 * are null (JSON) or empty (CSV), so consumers need no special cases.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/report.h"

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A number, or null when the row failed or the value is not finite. */
static void json_num(FILE *f, int valid, double v)
{
    if (valid && isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fprintf(f, "null");
}

static void json_key(FILE *f, const char *key)
{
    fprintf(f, ", \"%s\": ", key);
}

static void json_array(FILE *f, int valid, const double *v, int n)
{
    if (!valid) {
        fprintf(f, "null");
        return;
    }
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        fprintf(f, i ? ", " : "");
        json_num(f, 1, v[i]);
    }
    fputc(']', f);
}

static void json_yuv(FILE *f, int valid, const double v[3])
{
    fprintf(f, "{\"y\": ");
    json_num(f, valid, v[0]);
    fprintf(f, ", \"u\": ");
    json_num(f, valid, v[1]);
    fprintf(f, ", \"v\": ");
    json_num(f, valid, v[2]);
    fputc('}', f);
}

static void field_str(FILE *f, const char *key, const char *v)
{
    json_key(f, key);
    json_str(f, v);
}

static void field_num(FILE *f, const char *key, int valid, double v)
{
    json_key(f, key);
    json_num(f, valid, v);
}

static void json_row(FILE *f, const bench_row *r, const bench_options *o)
{
    int ok = r->ok;
    fprintf(f, "    {\"series\": ");
    json_str(f, r->series);
    field_str(f, "encoder", r->encoder);
    field_str(f, "preset", r->preset);
    field_str(f, "clip", r->clip_name);
    field_str(f, "clip_path", r->clip);
    field_str(f, "rate_mode", report_rate_unit(o));
    field_num(f, "rate", 1, r->rate);
    field_str(f, "status", ok ? "ok" : "failed");
    json_key(f, "reason");
    if (ok)
        fprintf(f, "null");
    else
        json_str(f, r->reason);
    fprintf(f, ",\n     ");
    fprintf(f, "\"width\": ");
    json_num(f, ok, r->width);
    field_num(f, "height", ok, r->height);
    field_num(f, "frames", ok, r->frames);
    field_num(f, "fps_num", ok, r->fps_num);
    field_num(f, "fps_den", ok, r->fps_den);
    field_num(f, "sessions", 1, r->sessions);
    field_num(f, "repeats", ok, r->repeats);
    fprintf(f, ",\n     \"fps\": {\"median\": ");
    json_num(f, ok, r->fps_median);
    field_num(f, "min", ok, r->fps_min);
    json_key(f, "runs");
    json_array(f, ok, r->fps_runs, r->repeats);
    fprintf(f, "}");
    json_key(f, "session_fps");
    json_array(f, ok, r->session_fps, r->sessions);
    field_num(f, "cpu_ms_per_frame", ok, r->cpu_ms_per_frame);
    fprintf(f, ",\n     \"latency_ms\": {\"p50\": ");
    json_num(f, ok, r->latency_ms[0]);
    field_num(f, "p95", ok, r->latency_ms[1]);
    field_num(f, "p99", ok, r->latency_ms[2]);
    fprintf(f, "}");
    field_num(f, "peak_rss_kb", ok, (double)r->peak_rss_kb);
    field_num(f, "bytes", ok, (double)r->stream_bytes);
    field_num(f, "bitrate_kbps", ok, r->bitrate_kbps);
    fprintf(f, ",\n     \"psnr_avg\": ");
    json_yuv(f, ok, r->psnr_avg);
    json_key(f, "psnr_global");
    json_yuv(f, ok, r->psnr_global);
    field_num(f, "ssim_y", ok, r->ssim_y);
    field_num(f, "bd_rate_pct", r->bd_ok, r->bd_rate_pct);
    field_num(f, "bd_psnr_db", r->bd_ok, r->bd_psnr_db);
    fprintf(f, "}");
}

static void json_settings(FILE *f, const bench_report *r)
{
    const bench_options *o = r->o;
    fprintf(f, "  \"settings\": {\"rate_mode\": \"%s\", \"rates\": [", report_rate_unit(o));
    for (int i = 0; i < o->n_rates; i++)
        fprintf(f, "%s%d", i ? ", " : "", o->rates[i]);
    fprintf(f, "], \"warmup\": %d, \"repeat\": %d, \"sessions\": %d, \"frames\": %d, "
               "\"keyint\": %d, \"threads\": %d, \"bframes\": %d, \"baseline_rss_kb\": %ld, \"anchor\": ",
            o->warmup, o->repeat, o->sessions, o->frames, o->keyint, o->threads, o->bframes, r->baseline_rss_kb);
    if (r->m->anchor >= 0)
        json_str(f, r->m->series[r->m->anchor].label);
    else
        fprintf(f, "null");
    fprintf(f, "},\n");
}

int report_json(const char *path, const bench_report *r)
{
    const bench_matrix *m = r->m;
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "{\n  \"format\": \"hwbench-1\",\n  \"date\": ");
    json_str(f, r->date);
    fprintf(f, ",\n  \"machine\": ");
    json_str(f, r->machine);
    fprintf(f, ",\n  \"versions\": ");
    json_str(f, r->versions);
    fprintf(f, ",\n");
    json_settings(f, r);
    fprintf(f, "  \"encoders\": [\n");
    for (int s = 0; s < m->n_series; s++) {
        const bench_series *se = &m->series[s];
        fprintf(f, "    {\"series\": ");
        json_str(f, se->label);
        fprintf(f, ", \"available\": %s, \"run\": %s", se->available ? "true" : "false",
                matrix_series_runs(se) ? "true" : "false");
        field_str(f, "info", se->info);
        fprintf(f, "}%s\n", s + 1 < m->n_series ? "," : "");
    }
    fprintf(f, "  ],\n  \"rows\": [\n");
    for (int k = 0; k < m->n_rows; k++) {
        json_row(f, &m->rows[k], r->o);
        fprintf(f, "%s\n", k + 1 < m->n_rows ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return fclose(f);
}

static void csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, int valid, double v)
{
    fputc(',', f);
    if (valid && isfinite(v))
        fprintf(f, "%.10g", v);
}

int report_csv(const char *path, const bench_report *r)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "series,encoder,preset,clip,rate_mode,rate,status,reason,width,height,frames,"
               "sessions,fps_median,fps_min,cpu_ms_per_frame,latency_p50_ms,latency_p95_ms,"
               "latency_p99_ms,peak_rss_kb,bytes,bitrate_kbps,psnr_y,psnr_u,psnr_v,"
               "psnr_global_y,psnr_global_u,psnr_global_v,ssim_y,bd_rate_pct,bd_psnr_db\n");
    for (int k = 0; k < r->m->n_rows; k++) {
        const bench_row *row = &r->m->rows[k];
        int ok = row->ok;
        const char *text[4] = { row->series, row->encoder, row->preset, row->clip_name };
        for (int i = 0; i < 4; i++) {
            fprintf(f, i ? "," : "");
            csv_str(f, text[i]);
        }
        fprintf(f, ",%s,%d,%s,", report_rate_unit(r->o), row->rate, ok ? "ok" : "failed");
        csv_str(f, ok ? "" : row->reason);
        const double v[] = { row->width, row->height, row->frames, row->sessions, row->fps_median,
                             row->fps_min, row->cpu_ms_per_frame, row->latency_ms[0],
                             row->latency_ms[1], row->latency_ms[2], (double)row->peak_rss_kb,
                             (double)row->stream_bytes, row->bitrate_kbps, row->psnr_avg[0],
                             row->psnr_avg[1], row->psnr_avg[2], row->psnr_global[0],
                             row->psnr_global[1], row->psnr_global[2], row->ssim_y };
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
            csv_num(f, ok || i == 3, v[i]);
        csv_num(f, row->bd_ok, row->bd_rate_pct);
        csv_num(f, row->bd_ok, row->bd_psnr_db);
        fputc('\n', f);
    }
    return fclose(f);
}
