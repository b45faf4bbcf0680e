/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The JSON has one member per line, so that `hwenc batch` (encode_stats_read
 * in batch_child.c) reads it without a JSON library; the key names are the
 * columns of the batch report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/encode_stats.h"
#include "tools/json_write.h"

/* PSNR of Y, U, V (FFmpeg's global PSNR of each plane) and of the three
 * planes together: their summed squared error over all their samples. */
static void stats_psnr(const metrics_state *m, double psnr[4])
{
    metrics_summary sum;
    metrics_summarize(m, &sum);
    for (int p = 0; p < 3; p++)
        psnr[p] = sum.psnr_global[p];
    psnr[3] = metrics_psnr(m->sse[0] + m->sse[1] + m->sse[2], m->samples[0] + m->samples[1] + m->samples[2]);
}

/* The device of the backend in use, as the library's selection names it. */
static const char *device_of(const hwenc_encoder *enc, enum hwenc_backend backend, hwenc_backend_info *info, int max)
{
    int n = hwenc_get_selection(enc, info, max);
    for (int i = 0; i < n && i < max; i++)
        if (info[i].backend == backend && info[i].device[0])
            return info[i].device;
    return backend == HWENC_BACKEND_CPU ? "cpu" : NULL;
}

static void write_members(FILE *f, const hwenc_encoder *enc, const encode_stats *s)
{
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    enum hwenc_backend backend = hwenc_get_backend(enc);
    double video_seconds = (double)s->frames * s->fps_den / s->fps_num;
    int have_psnr = s->want_psnr && s->metrics && s->metrics->frames > 0;
    double psnr[4] = { 0 };
    if (have_psnr)
        stats_psnr(s->metrics, psnr);

    fputs("{\n  \"input\": ", f);
    json_write_string(f, s->input);
    fputs(",\n  \"output\": ", f);
    json_write_string(f, s->output);
    fputs(",\n  \"backend\": ", f);
    json_write_string(f, hwenc_backend_name(backend));
    fputs(",\n  \"device\": ", f);
    json_write_string(f, device_of(enc, backend, info, HWENC_BACKEND_COUNT));
    fprintf(f, ",\n  \"width\": %d,\n  \"height\": %d,\n  \"frames\": %lld,\n  \"duration_s\": ", s->width, s->height,
            (long long)s->frames);
    json_write_number(f, video_seconds, 3, 1);
    fputs(",\n  \"encode_s\": ", f);
    json_write_number(f, s->encode_seconds, 3, 1);
    fputs(",\n  \"fps\": ", f);
    json_write_number(f, s->frames / s->encode_seconds, 2, s->encode_seconds > 0);
    fprintf(f, ",\n  \"bytes\": %lld,\n  \"bitrate_kbps\": ", (long long)s->bytes);
    json_write_number(f, s->bytes * 8.0 / video_seconds / 1000.0, 2, video_seconds > 0);
    fprintf(f, ",\n  \"vbv_overruns\": %lld", (long long)s->vbv_overruns);
    static const char *const names[4] = { "psnr_y", "psnr_u", "psnr_v", "psnr" };
    for (int p = 0; p < 4 && s->want_psnr; p++) {
        fprintf(f, ",\n  \"%s\": ", names[p]);
        json_write_number(f, psnr[p], 3, have_psnr);
    }
    fputs("\n}\n", f);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!strcmp(a, b))
        return 1;
    return strcmp(b, "-") && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino && !S_ISCHR(sa.st_mode);
}

int encode_stats_check_path(const char *path, const char *input, const char *output)
{
    if (!path)
        return 0;
    if (!strcmp(path, "-") || same_file(path, input) || same_file(path, output)) {
        fprintf(stderr, "hwenc: --stats %s is %s: give a file of its own\n", path,
                !strcmp(path, "-") ? "not a file" : same_file(path, input) ? "the input" : "the output");
        return -1;
    }
    return 0;
}

int encode_stats_write(const char *path, const hwenc_encoder *enc, const encode_stats *s)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "hwenc: cannot create --stats %s: %s\n", path, strerror(errno));
        return -1;
    }
    write_members(f, enc, s);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        fprintf(stderr, "hwenc: writing --stats %s failed: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}
