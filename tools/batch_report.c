/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The per-file numbers of a batch: read from each child's --stats, written
 * into batch.json and batch.csv in the output directory, each under a
 * temporary name first, like the outputs. A file skipped as complete by
 * --resume is described by `hwenc probe` on its output (frames, duration,
 * bitrate, its size); its encode ran in an earlier batch, so its backend,
 * device, speed and PSNR are not known.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/batch.h"
#include "tools/json_write.h"

const char *batch_status_name(enum batch_status s)
{
    static const char *const names[] = { "not started", "running", "done", "skipped", "failed", "interrupted" };
    return names[s];
}

/* One "key": value member a line, as encode_stats.c writes them. */
static void read_member(batch_file *f, const char *key, const char *value)
{
    static const char *const psnr_keys[4] = { "psnr_y", "psnr_u", "psnr_v", "psnr" };
    if (!strcmp(key, "backend") && value[0] == '"')
        json_read_string(value + 1, f->backend, sizeof(f->backend));
    else if (!strcmp(key, "device") && value[0] == '"')
        json_read_string(value + 1, f->device_name, sizeof(f->device_name));
    else if (!strcmp(key, "frames"))
        f->frames = strtoll(value, NULL, 10);
    else if (!strcmp(key, "bytes"))
        f->bytes = strtoll(value, NULL, 10);
    else if (!strcmp(key, "duration_s"))
        f->duration = strtod(value, NULL);
    else if (!strcmp(key, "fps"))
        f->fps = strtod(value, NULL);
    else if (!strcmp(key, "bitrate_kbps"))
        f->bitrate = strtod(value, NULL);
    for (int p = 0; p < 4; p++)
        if (!strcmp(key, psnr_keys[p]) && strncmp(value, "null", 4)) {
            f->psnr[p] = strtod(value, NULL);
            f->have_psnr = 1;
        }
}

int batch_read_stats(batch_file *f)
{
    FILE *in = fopen(f->stats, "r");
    if (!in)
        return -1;
    char line[1024], key[64];
    int n = 0;
    while (fgets(line, sizeof(line), in)) {
        const char *p = strchr(line, '"');
        if (!p || json_read_string(p + 1, key, sizeof(key)) < 0)
            continue;
        const char *colon = strstr(p + 1 + strlen(key), ":");
        if (!colon)
            continue;
        read_member(f, key, colon + 1 + strspn(colon + 1, " "));
        n++;
    }
    fclose(in);
    f->have_stats = n > 0 && f->frames > 0;
    return f->have_stats ? 0 : -1;
}

static const char *device_label(const batch *b, const batch_file *f)
{
    if (f->device_name[0])
        return f->device_name;
    if (f->device < 0)
        return NULL;
    return b->devices[f->device].name[0] ? b->devices[f->device].name : "cpu";
}

/* One column of a file's line in batch.json and batch.csv: text (NULL when
 * there is none), or a number with its decimals (unknown: null, or an
 * empty CSV field). Both reports take their columns from file_cells. */
typedef struct report_cell {
    const char *name;
    const char *text;
    double number;
    int decimals, is_number, known;
} report_cell;

enum { REPORT_COLUMNS_MAX = 15 };

static report_cell text_cell(const char *name, const char *text)
{
    return (report_cell){ .name = name, .text = text };
}

static report_cell number_cell(const char *name, double v, int decimals, int known)
{
    return (report_cell){ .name = name, .number = v, .decimals = decimals, .is_number = 1, .known = known };
}

/* The columns of f, in report order; the PSNR ones only with --psnr.
 * Returns their count. */
static int file_cells(const batch *b, const batch_file *f, report_cell cell[REPORT_COLUMNS_MAX])
{
    static const char *const psnr_keys[4] = { "psnr_y", "psnr_u", "psnr_v", "psnr" };
    int ran = f->have_stats, n = 0;
    cell[n++] = text_cell("input", f->input);
    cell[n++] = text_cell("output", f->output);
    cell[n++] = text_cell("status", batch_status_name(f->status));
    cell[n++] = text_cell("backend", f->backend[0] ? f->backend
                                     : f->device >= 0 ? hwenc_backend_name(b->devices[f->device].backend) : NULL);
    cell[n++] = text_cell("device", device_label(b, f));
    cell[n++] = number_cell("frames", (double)f->frames, 0, ran);
    cell[n++] = number_cell("duration_s", f->duration, 3, ran);
    cell[n++] = number_cell("fps", f->fps, 2, ran && f->status != BATCH_SKIPPED);
    cell[n++] = number_cell("bytes", (double)f->bytes, 0, ran || f->status == BATCH_SKIPPED);
    cell[n++] = number_cell("bitrate_kbps", f->bitrate, 2, ran);
    for (int p = 0; p < 4 && b->opt.psnr; p++)
        cell[n++] = number_cell(psnr_keys[p], f->psnr[p], 3, f->have_psnr);
    cell[n++] = text_cell("error", f->error[0] ? f->error : NULL);
    return n;
}

static void write_json_file(FILE *o, const batch *b, const batch_file *f)
{
    report_cell cell[REPORT_COLUMNS_MAX];
    int n = file_cells(b, f, cell);
    for (int i = 0; i < n; i++) {
        fprintf(o, "%s\"%s\": ", i ? ", " : "    {", cell[i].name);
        if (cell[i].is_number)
            json_write_number(o, cell[i].number, cell[i].decimals, cell[i].known);
        else
            json_write_string(o, cell[i].text);
    }
    fputs("}", o);
}

static void write_json(FILE *o, const batch *b)
{
    int count[BATCH_INTERRUPTED + 1] = { 0 };
    for (int i = 0; i < b->file_count; i++)
        count[b->files[i].status]++;
    fputs("{\n  \"output_directory\": ", o);
    json_write_string(o, b->opt.outdir);
    fputs(",\n  \"interrupted_by\": ", o);
    json_write_string(o, !b->interrupted ? NULL : b->interrupted == SIGINT ? "SIGINT" : "SIGTERM");
    fprintf(o, ",\n  \"files\": %d, \"done\": %d, \"skipped\": %d, \"failed\": %d, \"interrupted\": %d, "
               "\"not_started\": %d,\n  \"jobs\": %d,\n  \"devices\": [\n",
            b->file_count, count[BATCH_DONE], count[BATCH_SKIPPED], count[BATCH_FAILED], count[BATCH_INTERRUPTED],
            count[BATCH_PENDING], b->opt.jobs);
    for (int i = 0; i < b->device_count; i++) {
        const batch_device *d = &b->devices[i];
        fputs("    {\"device\": ", o);
        json_write_string(o, d->name[0] ? d->name : "cpu");
        fputs(", \"backend\": ", o);
        json_write_string(o, hwenc_backend_name(d->backend));
        fputs(", \"session_limit\": ", o);
        json_write_number(o, d->sessions, 0, d->sessions > 0);
        fputs(", \"limit_source\": ", o);
        json_write_string(o, d->limit_source[0] ? d->limit_source : NULL);
        fprintf(o, ", \"most_sessions_at_once\": %d}%s\n", d->peak, i + 1 < b->device_count ? "," : "");
    }
    fputs("  ],\n  \"results\": [\n", o);
    for (int i = 0; i < b->file_count; i++) {
        write_json_file(o, b, &b->files[i]);
        fputs(i + 1 < b->file_count ? ",\n" : "\n", o);
    }
    fputs("  ]\n}\n", o);
}

/* The header names the columns of file_cells; an empty batch has a
 * header too. */
static void write_csv(FILE *o, const batch *b)
{
    report_cell cell[REPORT_COLUMNS_MAX];
    batch_file none = { .device = -1 };
    int n = file_cells(b, &none, cell);
    for (int i = 0; i < n; i++)
        fprintf(o, "%s%s", i ? "," : "", cell[i].name);
    fputs("\r\n", o);
    for (int f = 0; f < b->file_count; f++) {
        file_cells(b, &b->files[f], cell);
        for (int i = 0; i < n; i++) {
            if (i)
                fputc(',', o);
            if (!cell[i].is_number)
                csv_write_field(o, cell[i].text);
            else if (cell[i].known)
                fprintf(o, "%.*f", cell[i].decimals, cell[i].number);
        }
        fputs("\r\n", o);
    }
}

static int write_file(const batch *b, const char *name, void (*write)(FILE *, const batch *))
{
    char temp[4096], path[4096];
    snprintf(temp, sizeof(temp), "%s/" BATCH_TEMP_PREFIX "%s", b->opt.outdir, name);
    snprintf(path, sizeof(path), "%s/%s", b->opt.outdir, name);
    FILE *o = fopen(temp, "w");
    if (!o) {
        fprintf(stderr, "hwenc batch: cannot create %s: %s\n", temp, strerror(errno));
        return -1;
    }
    write(o, b);
    int failed = ferror(o);
    if (fclose(o) != 0 || failed || rename(temp, path) < 0) {
        fprintf(stderr, "hwenc batch: writing the report %s failed: %s\n", path, strerror(errno));
        unlink(temp);
        return -1;
    }
    return 0;
}

int batch_write_report(const batch *b)
{
    int ret = write_file(b, "batch.json", write_json);
    return write_file(b, "batch.csv", write_csv) < 0 ? -1 : ret;
}
