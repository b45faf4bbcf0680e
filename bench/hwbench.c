/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwbench: which H.264 encoder, on this machine, gives the most quality per
 * bit at the speed needed? Runs libhwenc's backends and reference encoders
 * over clips and rate points and writes a table, JSON, CSV, Markdown and
 * SVG plots. Exit status: 0 when every row ran, 1 when any failed, 2 for a
 * command-line error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/log.h>

#include "bench/matrix.h"
#include "bench/report.h"
#include "bench/run.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hwbench [options] CLIP...\n"
        "  CLIP is Y4M or any file FFmpeg reads, decoded and converted to 8-bit 4:2:0\n"
        "  as hwenc encode does\n"
        "  --encoders LIST  comma-separated, each NAME or NAME:PRESET, from\n"
        "                   vaapi, nvenc, vulkan, cpu (libhwenc backends), x264,\n"
        "                   openh264 (presets low, medium, high), lavc:ENCODER (any\n"
        "                   libavcodec H.264 encoder, e.g. lavc:h264_nvenc:p4)\n"
        "                   default: every available backend, x264:ultrafast,\n"
        "                   x264:superfast, openh264\n"
        "  --qp LIST        constant-QP rate points (default 22,27,32,37)\n"
        "  --bitrate LIST   average-bitrate rate points in kb/s instead\n"
        "  --preset LIST    presets for libhwenc and x264 encoders named without one\n"
            "                   a libhwenc preset may carry switches: superfast+cavlc+no8x8+b3\n"
            "                   (cabac 0, transform_8x8 0, 3 B frames; also +cabac, +8x8,\n"
            "                   +baseline, +main, +high)\n"
        "  --repeat N       timed runs per row (default 3); min and median reported\n"
        "  --warmup N       untimed runs first (default 1)\n"
        "  --sessions N     encoders running in parallel (default 1)\n"
        "  --frames N       encode only the first N frames (default all)\n"
        "  --keyint N       IDR interval (default 250)\n"
        "  --threads N      encoder threads, 0 = each encoder's default (default 0)\n"
        "  --bframes N      B frames for libhwenc encoders, 0..16 (default 0; x264\n"
        "                   and OpenH264 keep what their presets choose)\n"
        "  --timeout S      fail a row whose encoding takes over S seconds (default 600)\n"
        "  --anchor NAME    series the BD-rates are against (default the first)\n"
        "  --out DIR        write results.json, results.csv, report.md, rd_CLIP.svg, fps.svg\n"
        "  --list           probe the encoders, print what was found, and exit\n");
}

static int parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_list(const char *s, int min, int max, bench_options *o)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", s);
    o->n_rates = 0;
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if (o->n_rates == BENCH_MAX_RATES || parse_int(p, min, max, &o->rates[o->n_rates++]) < 0)
            return -1;
    return o->n_rates ? 0 : -1;
}

enum { OPT_QP = 256, OPT_BITRATE, OPT_LIST, OPT_BFRAMES };

static const struct option long_options[] = {
    { "encoders", required_argument, NULL, 'e' }, { "qp", required_argument, NULL, OPT_QP },
    { "bitrate", required_argument, NULL, OPT_BITRATE }, { "preset", required_argument, NULL, 'p' },
    { "repeat", required_argument, NULL, 'r' }, { "warmup", required_argument, NULL, 'w' },
    { "sessions", required_argument, NULL, 's' }, { "frames", required_argument, NULL, 'f' },
    { "keyint", required_argument, NULL, 'k' }, { "threads", required_argument, NULL, 't' },
    { "timeout", required_argument, NULL, 'T' }, { "anchor", required_argument, NULL, 'a' },
    { "out", required_argument, NULL, 'o' }, { "list", no_argument, NULL, OPT_LIST },
    { "bframes", required_argument, NULL, OPT_BFRAMES },
    { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
};

/* Returns 0, 1 for --list, or -1 with a message printed. */
static int parse_args(int argc, char **argv, bench_options *o)
{
    int c, idx = 0, bad = 0, list = 0;
    *o = (bench_options){ .rate_mode = BENCH_RATE_QP, .rates = { 22, 27, 32, 37 }, .n_rates = 4,
                          .repeat = 3, .warmup = 1, .sessions = 1, .keyint = 250, .timeout = 600 };
    while (!bad && (c = getopt_long(argc, argv, "h", long_options, &idx)) != -1) {
        switch (c) {
        case 'e': o->encoders = optarg; break;
        case 'p': o->presets = optarg; break;
        case 'a': o->anchor = optarg; break;
        case 'o': o->out_dir = optarg; break;
        case OPT_QP: o->rate_mode = BENCH_RATE_QP; bad = parse_list(optarg, 0, 51, o); break;
        case OPT_BITRATE: o->rate_mode = BENCH_RATE_BITRATE; bad = parse_list(optarg, 1, 1000000, o); break;
        case 'r': bad = parse_int(optarg, 1, BENCH_MAX_REPEATS, &o->repeat); break;
        case 'w': bad = parse_int(optarg, 0, 100, &o->warmup); break;
        case 's': bad = parse_int(optarg, 1, BENCH_MAX_SESSIONS, &o->sessions); break;
        case 'f': bad = parse_int(optarg, 0, 1 << 30, &o->frames); break;
        case 'k': bad = parse_int(optarg, 1, 1 << 20, &o->keyint); break;
        case 't': bad = parse_int(optarg, 0, 1024, &o->threads); break;
        case OPT_BFRAMES: bad = parse_int(optarg, 0, 16, &o->bframes); break;
        case 'T': bad = parse_int(optarg, 0, 1 << 20, &o->timeout); break;
        case OPT_LIST: list = 1; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
        if (bad)
            fprintf(stderr, "hwbench: bad value for --%s: %s\n", long_options[idx].name, optarg);
    }
    o->clips = (const char *const *)argv + optind;
    o->n_clips = argc - optind;
    if (!bad && !list && (o->n_clips < 1 || o->n_clips > BENCH_MAX_CLIPS)) {
        fprintf(stderr, "hwbench: give 1 to %d clips (Y4M files)\n", BENCH_MAX_CLIPS);
        bad = 1;
    }
    return bad ? -1 : list;
}

static void list_encoders(const bench_matrix *m)
{
    for (int s = 0; s < m->n_series; s++)
        printf("%-24s %-13s %s\n", m->series[s].label,
               m->series[s].available ? "available" : "unavailable", m->series[s].info);
}

static int written(int ret, const char *path)
{
    if (ret < 0)
        fprintf(stderr, "hwbench: cannot write %s: %s\n", path, strerror(errno));
    return ret < 0;
}

static int write_outputs(const bench_report *r, const char *dir)
{
    char path[4096];
    int failed = 0;

    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "hwbench: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/results.json", dir);
    failed |= written(report_json(path, r), path);
    snprintf(path, sizeof(path), "%s/results.csv", dir);
    failed |= written(report_csv(path, r), path);
    snprintf(path, sizeof(path), "%s/report.md", dir);
    failed |= written(report_markdown(path, r), path);
    for (int c = 0; c < r->o->n_clips; c++) {
        snprintf(path, sizeof(path), "%s/rd_%s.svg", dir, r->m->clip_names[c]);
        failed |= written(report_svg_rd(path, r, c), path);
    }
    snprintf(path, sizeof(path), "%s/fps.svg", dir);
    failed |= written(report_svg_fps(path, r), path);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    bench_options o;
    bench_matrix *m = calloc(1, sizeof(*m));
    bench_report r;
    char err[512];
    int mode = parse_args(argc, argv, &o), status = 2;

    if (!m || mode < 0)
        goto done;
    av_log_set_level(AV_LOG_ERROR); /* the encoders' statistics would drown the progress */
    if (matrix_build(m, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwbench: %s\n", err);
        goto done;
    }
    if (mode == 1) {
        list_encoders(m);
        status = 0;
        goto done;
    }
    int failed = matrix_run(m, &o);
    if (failed < 0) {
        fprintf(stderr, "hwbench: out of memory\n");
        goto done;
    }
    matrix_compare(m);
    report_init(&r, m, &o);
    r.baseline_rss_kb = bench_baseline_rss_kb();
    report_table(stdout, &r);
    status = failed ? 1 : 0;
    if (o.out_dir && write_outputs(&r, o.out_dir) < 0)
        status = 1;
done:
    if (m)
        matrix_free(m);
    free(m);
    return status;
}
