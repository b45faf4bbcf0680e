/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/media/input.h"

#include "bench/bdrate.h"
#include "bench/matrix.h"
#include "bench/run.h"
#include "bench/stats.h"

int matrix_series_runs(const bench_series *s)
{
    return s->available || s->requested;
}

/* "x264:ultrafast" -> encoder "x264", preset "ultrafast";
 * "lavc:h264_nvenc:p4" -> "lavc:h264_nvenc", "p4". */
static void split_spec(const char *spec, char *enc, size_t enc_size, char *preset, size_t preset_size)
{
    const char *start = strncmp(spec, "lavc:", 5) ? spec : spec + 5;
    const char *colon = strchr(start, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(enc, enc_size, "%.*s", (int)n, spec);
    snprintf(preset, preset_size, "%s", colon ? colon + 1 : "");
}

static int add_series(bench_matrix *m, const char *enc, const char *preset, int requested,
                      char *err, size_t err_size)
{
    if (m->n_series == BENCH_MAX_SERIES) {
        snprintf(err, err_size, "more than %d encoder series", BENCH_MAX_SERIES);
        return -1;
    }
    bench_series *s = &m->series[m->n_series++];
    memset(s, 0, sizeof(*s));
    snprintf(s->encoder, sizeof(s->encoder), "%s", enc);
    snprintf(s->preset, sizeof(s->preset), "%s", preset);
    snprintf(s->label, sizeof(s->label), "%s%s%s", enc, preset[0] ? ":" : "", preset);
    s->requested = requested;
    /* An unknown encoder is not a command-line error: it becomes failed rows. */
    s->available = bench_encoder_lookup(enc, &s->def, s->info, sizeof(s->info)) == 0;
    return 0;
}

static int add_spec(bench_matrix *m, const char *spec, const char *presets, int requested,
                    char *err, size_t err_size)
{
    char enc[64], preset[32], list[512];
    bench_encoder_def def;

    split_spec(spec, enc, sizeof(enc), preset, sizeof(preset));
    int x264_presets = bench_encoder_lookup(enc, &def, list, sizeof(list)) == 0 && def.x264_presets;
    if (preset[0] || !presets || !x264_presets)
        return add_series(m, enc, preset, requested, err, err_size);
    snprintf(list, sizeof(list), "%s", presets);
    for (char *save = NULL, *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if (add_series(m, enc, p, requested, err, err_size) < 0)
            return -1;
    return 0;
}

typedef struct probe_result {
    int available[BENCH_MAX_SERIES];
    char info[BENCH_MAX_SERIES][256];
} probe_result;

static void probe_all(void *arg, void *result)
{
    const bench_matrix *m = arg;
    probe_result *r = result;
    for (int i = 0; i < m->n_series; i++) {
        const bench_series *s = &m->series[i];
        if (s->available)
            r->available[i] = s->def.ops->probe(&s->def, r->info[i], sizeof(r->info[i]));
        else
            snprintf(r->info[i], sizeof(r->info[i]), "%s", s->info);
    }
}

static int find_anchor(const bench_matrix *m, const char *name)
{
    for (int i = 0; i < m->n_series; i++)
        if (!strcmp(m->series[i].label, name))
            return i;
    for (int i = 0; i < m->n_series; i++)
        if (!strcmp(m->series[i].encoder, name))
            return i;
    return -1;
}

int matrix_build(bench_matrix *m, const bench_options *o, char *err, size_t err_size)
{
    /* The whole list, however long: a fixed buffer cut series off. */
    char *list = o->encoders ? strdup(o->encoders) : NULL;
    probe_result *probe = calloc(1, sizeof(*probe));
    int ret = -1;

    memset(m, 0, sizeof(*m));
    if (!probe || (o->encoders && !list)) {
        snprintf(err, err_size, "out of memory");
        free(list);
        free(probe);
        return -1;
    }
    if (o->encoders) {
        for (char *save = NULL, *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
            if (add_spec(m, p, o->presets, 1, err, err_size) < 0)
                goto done;
    } else {
        for (int i = 0; bench_default_encoders[i]; i++)
            if (add_spec(m, bench_default_encoders[i], o->presets, 0, err, err_size) < 0)
                goto done;
    }
    if (bench_run_isolated(probe_all, m, probe, sizeof(*probe), err, err_size) < 0)
        goto done;
    for (int i = 0; i < m->n_series; i++) {
        m->series[i].available = probe->available[i];
        snprintf(m->series[i].info, sizeof(m->series[i].info), "%s", probe->info[i]);
    }
    m->anchor = -1;
    for (int i = 0; i < m->n_series && m->anchor < 0; i++)
        if (matrix_series_runs(&m->series[i]))
            m->anchor = i;
    if (o->anchor && (m->anchor = find_anchor(m, o->anchor)) < 0) {
        snprintf(err, err_size, "--anchor %s is none of the encoders being run", o->anchor);
        goto done;
    }
    if (m->anchor >= 0 && !matrix_series_runs(&m->series[m->anchor])) {
        snprintf(err, err_size, "the anchor %s is not available: %s", m->series[m->anchor].label,
                 m->series[m->anchor].info);
        goto done;
    }
    ret = 0;
done:
    free(list);
    free(probe);
    return ret;
}

/* File-name-safe clip names, unique within the run. */
static void name_clips(bench_matrix *m, const bench_options *o)
{
    for (int c = 0; c < o->n_clips; c++) {
        const char *base = strrchr(o->clips[c], '/');
        char name[48];
        base = base ? base + 1 : o->clips[c];
        size_t n = strcspn(base, ".");
        snprintf(name, sizeof(name), "%.*s", (int)(n ? n : strlen(base)), base);
        for (char *p = name; *p; p++)
            if (!(*p == '-' || *p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= 'A' && *p <= 'Z')))
                *p = '_';
        snprintf(m->clip_names[c], sizeof(m->clip_names[c]), "%s", name);
        for (int k = 0, dup = 2; k < c; k++)
            if (!strcmp(m->clip_names[k], m->clip_names[c])) {
                snprintf(m->clip_names[c], sizeof(m->clip_names[c]), "%s_%d", name, dup++);
                k = -1;
            }
    }
}

static void init_row(bench_row *row, const bench_series *s, const bench_options *o, int clip,
                     const char *clip_name, int rate)
{
    memset(row, 0, sizeof(*row));
    snprintf(row->series, sizeof(row->series), "%s", s->label);
    snprintf(row->encoder, sizeof(row->encoder), "%s", s->encoder);
    snprintf(row->preset, sizeof(row->preset), "%s", s->preset);
    snprintf(row->clip, sizeof(row->clip), "%s", o->clips[clip]);
    snprintf(row->clip_name, sizeof(row->clip_name), "%s", clip_name);
    row->rate_mode = o->rate_mode;
    row->rate = rate;
    row->sessions = o->sessions;
}

static void format_duration(char *buf, size_t size, double s)
{
    int t = (int)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%d:%02d", t / 60, t % 60);
}

/* The time left assumes the rows still to run take as long as the ones
 * that ran an encode so far. */
static void progress(const bench_row *row, int index, int total, double elapsed, int ran)
{
    char el[16], left[24] = "?";
    if (ran > 0)
        format_duration(left, sizeof(left), elapsed / ran * (total - index));
    format_duration(el, sizeof(el), elapsed);
    fprintf(stderr, "[%d/%d] %s %s=%d %s (elapsed %s, about %s left)\n", index + 1, total,
            row->series, row->rate_mode == BENCH_RATE_QP ? "qp" : "kbps", row->rate,
            row->clip_name, el, left);
}

static void report_row(const bench_row *row)
{
    if (row->ok)
        fprintf(stderr, "    %.1f fps, %.1f kb/s, PSNR-Y %.2f dB, SSIM-Y %.4f\n", row->fps_median,
                row->bitrate_kbps, row->psnr_avg[0], row->ssim_y);
    else
        fprintf(stderr, "    FAILED: %s\n", row->reason);
}

static int clip_readable(const char *path, char *err, size_t err_size)
{
    media_input in;
    if (media_input_open(&in, path, NULL, err, err_size) < 0)
        return 0;
    media_input_close(&in);
    return 1;
}

/* Fills one row: failed up front when the clip or the encoder is missing,
 * else measured. Returns 1 if an encode ran. */
static int run_row(bench_row *row, const bench_series *se, const bench_options *o, const char *clip,
                   const char *clip_err)
{
    if (clip_err) {
        snprintf(row->reason, sizeof(row->reason), "unreadable clip: %.230s", clip_err);
        return 0;
    }
    if (!se->available) {
        snprintf(row->reason, sizeof(row->reason), "encoder unavailable: %.230s", se->info);
        return 0;
    }
    bench_job job = { .def = &se->def, .clip_path = clip, .warmup = o->warmup,
                      .repeats = o->repeat, .sessions = o->sessions, .max_frames = o->frames,
                      .timeout_s = o->timeout };
    job.params = (bench_enc_params){ .preset = se->preset[0] ? se->preset : NULL,
                                     .rate_mode = o->rate_mode, .rate = row->rate,
                                     .keyint = o->keyint, .threads = o->threads, .bframes = o->bframes };
    bench_run_row(&job, row);
    return 1;
}

int matrix_run(bench_matrix *m, const bench_options *o)
{
    int per_clip = 0, failed = 0, ran = 0;
    double t0 = stats_now();

    name_clips(m, o);
    for (int s = 0; s < m->n_series; s++)
        per_clip += matrix_series_runs(&m->series[s]) ? o->n_rates : 0;
    m->rows = calloc((size_t)(per_clip * o->n_clips) + 1, sizeof(*m->rows));
    if (!m->rows)
        return -1;
    for (int c = 0; c < o->n_clips; c++) {
        char clip_err[256];
        int readable = clip_readable(o->clips[c], clip_err, sizeof(clip_err));
        for (int s = 0; s < m->n_series; s++) {
            const bench_series *se = &m->series[s];
            for (int r = 0; matrix_series_runs(se) && r < o->n_rates; r++) {
                bench_row *row = &m->rows[m->n_rows];
                init_row(row, se, o, c, m->clip_names[c], o->rates[r]);
                progress(row, m->n_rows, per_clip * o->n_clips, stats_now() - t0, ran);
                m->n_rows++;
                ran += run_row(row, se, o, o->clips[c], readable ? NULL : clip_err);
                failed += !row->ok;
                report_row(row);
            }
        }
    }
    return failed;
}

/* The ok rows of one series on one clip as RD points (kb/s, PSNR-Y). */
static int series_points(const bench_matrix *m, const char *series, const char *clip, bd_point *pt)
{
    int n = 0;
    for (int i = 0; i < m->n_rows && n < BD_MAX_POINTS; i++) {
        const bench_row *r = &m->rows[i];
        if (r->ok && !strcmp(r->series, series) && !strcmp(r->clip_name, clip))
            pt[n++] = (bd_point){ r->bitrate_kbps, r->psnr_avg[0] };
    }
    return n;
}

void matrix_compare(bench_matrix *m)
{
    bd_point anchor[BD_MAX_POINTS], test[BD_MAX_POINTS];

    if (m->anchor < 0)
        return;
    for (int i = 0; i < m->n_rows; i++) {
        bench_row *r = &m->rows[i];
        int na = series_points(m, m->series[m->anchor].label, r->clip_name, anchor);
        int nt = series_points(m, r->series, r->clip_name, test);
        r->bd_ok = bd_rate(anchor, na, test, nt, &r->bd_rate_pct) == 0 &&
                   bd_psnr(anchor, na, test, nt, &r->bd_psnr_db) == 0;
    }
}

void matrix_free(bench_matrix *m)
{
    free(m->rows);
    m->rows = NULL;
}
