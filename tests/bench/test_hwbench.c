/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * End to end: runs the hwbench binary on a tiny generated clip with two
 * encoders and two rate points, then checks every field of results.json
 * (with a parser of its own), the CSV, the Markdown and the SVGs; then a run
 * with bad input, which must fail the right rows and still run the rest.
 *
 * usage: test_hwbench HWBENCH ENCODER_A,ENCODER_B
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/common/check.h"
#include "tests/bench/mini_json.h"

#define W 64
#define H 64
#define FRAMES 5
#define FPS 25

static tally checks = { "test_hwbench" };

static int write_clip(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", W, H, FPS);
    for (int t = 0; t < FRAMES; t++) {
        fputs("FRAME\n", f);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                fputc((x * 3 + y * 2 + t * 4 + ((x / 8 + y / 8 + t) % 2) * 40 + (x * y * 7 + t) % 13) & 255, f);
        for (int i = 0; i < W * H / 4; i++)
            fputc(100 + (i * 5 + t) % 50, f);
        for (int i = 0; i < W * H / 4; i++)
            fputc(150 - (i * 3 + t * 2) % 40, f);
    }
    return fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number at key, or NAN if missing or not a number. */
static double num(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    return v && v->type == JSON_NUMBER ? v->number : NAN;
}

static const char *str(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

static int is_null(const json_value *obj, const char *key)
{
    const json_value *v = json_get(obj, key);
    return v && v->type == JSON_NULL;
}

static void check_yuv(const json_value *row, const char *key, double lo, double hi)
{
    const json_value *o = json_get(row, key);
    CHECK(&checks, o && o->type == JSON_OBJECT && o->n == 3, "%s is not {y,u,v}", key);
    for (int i = 0; o && i < 3; i++) {
        double v = num(o, (const char *[]){ "y", "u", "v" }[i]);
        CHECK(&checks, v > lo && v <= hi, "%s.%d = %f out of (%g, %g]", key, i, v, lo, hi);
    }
}

static void check_speed(const json_value *row, double baseline_kb)
{
    const json_value *fps = json_get(row, "fps"), *runs = json_get(fps, "runs");
    const json_value *sess = json_get(row, "session_fps"), *lat = json_get(row, "latency_ms");
    double med = num(fps, "median"), min = num(fps, "min");

    CHECK(&checks, med > 0 && min > 0 && min <= med, "fps median %f min %f", med, min);
    CHECK(&checks, runs && runs->type == JSON_ARRAY && runs->n == 2, "fps.runs must hold the 2 repeats");
    double lowest = INFINITY;
    for (int i = 0; runs && i < runs->n; i++)
        lowest = fmin(lowest, runs->items[i].number);
    CHECK(&checks, fabs(lowest - min) < 1e-6 * min, "fps.min %f is not the least run %f", min, lowest);
    CHECK(&checks, sess && sess->type == JSON_ARRAY && sess->n == 1 && sess->items[0].number > 0, "session_fps");
    CHECK(&checks, num(row, "cpu_ms_per_frame") > 0, "cpu_ms_per_frame");
    double p50 = num(lat, "p50"), p95 = num(lat, "p95"), p99 = num(lat, "p99");
    CHECK(&checks, p50 >= 0 && p50 <= p95 && p95 <= p99, "latency %f %f %f", p50, p95, p99);
    CHECK(&checks, num(row, "peak_rss_kb") > baseline_kb, "peak_rss_kb %f not above the baseline %f",
                   num(row, "peak_rss_kb"), baseline_kb);
}

static void check_ok_row(const json_value *row, double baseline_kb)
{
    CHECK(&checks, !strcmp(str(row, "status") ? str(row, "status") : "", "ok"), "row failed: %s",
                   str(row, "reason") ? str(row, "reason") : "?");
    CHECK(&checks, is_null(row, "reason"), "reason of an ok row must be null");
    CHECK(&checks, str(row, "encoder") && str(row, "preset") && str(row, "clip_path"), "names");
    CHECK(&checks, !strcmp(str(row, "clip") ? str(row, "clip") : "", "clip"), "clip name");
    CHECK(&checks, !strcmp(str(row, "rate_mode") ? str(row, "rate_mode") : "", "qp"), "rate_mode");
    CHECK(&checks, num(row, "width") == W && num(row, "height") == H && num(row, "frames") == FRAMES,
                   "size %g x %g, %g frames", num(row, "width"), num(row, "height"), num(row, "frames"));
    CHECK(&checks, num(row, "fps_num") == FPS && num(row, "fps_den") == 1, "frame rate");
    CHECK(&checks, num(row, "sessions") == 1 && num(row, "repeats") == 2, "sessions/repeats");
    check_speed(row, baseline_kb);
    double bytes = num(row, "bytes"), kbps = num(row, "bitrate_kbps");
    CHECK(&checks, bytes > 0 && fabs(kbps - bytes * 8 / ((double)FRAMES / FPS) / 1000) < 1e-6 * kbps,
                   "bitrate %f kb/s does not match %f bytes", kbps, bytes);
    check_yuv(row, "psnr_avg", 20, 100);
    check_yuv(row, "psnr_global", 20, 100);
    /* The mean of per-frame PSNRs is never below the PSNR of the mean error. */
    CHECK(&checks, num(json_get(row, "psnr_avg"), "y") >= num(json_get(row, "psnr_global"), "y") - 1e-9,
                   "psnr_avg.y below psnr_global.y");
    CHECK(&checks, num(row, "ssim_y") > 0.5 && num(row, "ssim_y") <= 1, "ssim_y %f", num(row, "ssim_y"));
    const json_value *bdr = json_get(row, "bd_rate_pct"), *bdp = json_get(row, "bd_psnr_db");
    CHECK(&checks, bdr && bdp && (bdr->type == JSON_NUMBER || bdr->type == JSON_NULL) && bdr->type == bdp->type,
                   "bd fields");
}

/* Rows come in rate-point order (qp 26 then 34) for each series. */
static void check_rows(const json_value *rows, const char *series[2], double baseline_kb)
{
    CHECK(&checks, rows && rows->type == JSON_ARRAY && rows->n == 4, "expected 4 rows");
    for (int i = 0; rows && i < rows->n && i < 4; i++) {
        const json_value *row = &rows->items[i];
        CHECK(&checks, !strcmp(str(row, "series") ? str(row, "series") : "", series[i / 2]), "row %d series", i);
        CHECK(&checks, num(row, "rate") == (i % 2 ? 34 : 26), "row %d rate", i);
        check_ok_row(row, baseline_kb);
        if (i % 2) {
            const json_value *lo = &rows->items[i - 1];
            CHECK(&checks, num(lo, "bitrate_kbps") > num(row, "bitrate_kbps"), "qp 26 must cost more bits than 34");
            CHECK(&checks, num(json_get(lo, "psnr_avg"), "y") > num(json_get(row, "psnr_avg"), "y"),
                           "qp 26 must give a higher PSNR than 34");
        }
        if (i < 2)
            CHECK(&checks, num(row, "bd_rate_pct") == 0 && num(row, "bd_psnr_db") == 0, "the anchor's BD must be 0");
    }
}

static void check_json(const char *path, const char *series[2])
{
    char err[128];
    char *text = read_file(path);
    json_value *doc = text ? json_parse(text, err, sizeof(err)) : NULL;
    CHECK(&checks, doc, "%s: %s", path, text ? err : "missing");
    if (!doc) {
        free(text);
        return;
    }
    CHECK(&checks, !strcmp(str(doc, "format") ? str(doc, "format") : "", "hwbench-1"), "format");
    CHECK(&checks, str(doc, "date") && strlen(str(doc, "date")) == 20, "date");
    CHECK(&checks, str(doc, "machine") && str(doc, "versions"), "machine/versions");
    const json_value *set = json_get(doc, "settings"), *rates = json_get(set, "rates");
    CHECK(&checks, !strcmp(str(set, "rate_mode") ? str(set, "rate_mode") : "", "qp"), "settings.rate_mode");
    CHECK(&checks, rates && rates->n == 2 && rates->items[0].number == 26 && rates->items[1].number == 34, "rates");
    CHECK(&checks, num(set, "warmup") == 1 && num(set, "repeat") == 2 && num(set, "sessions") == 1 &&
                   num(set, "frames") == 0 && num(set, "keyint") == 250 && num(set, "threads") == 0, "settings");
    CHECK(&checks, num(set, "baseline_rss_kb") > 0, "baseline_rss_kb");
    CHECK(&checks, !strcmp(str(set, "anchor") ? str(set, "anchor") : "", series[0]), "anchor");
    const json_value *enc = json_get(doc, "encoders");
    CHECK(&checks, enc && enc->type == JSON_ARRAY && enc->n == 2, "encoders");
    for (int i = 0; enc && i < enc->n; i++) {
        const json_value *e = &enc->items[i], *avail = json_get(e, "available"), *ran = json_get(e, "run");
        CHECK(&checks, str(e, "series") && str(e, "info") && avail && avail->type == JSON_BOOL && avail->boolean &&
                       ran && ran->type == JSON_BOOL && ran->boolean, "encoder %d", i);
    }
    check_rows(json_get(doc, "rows"), series, num(set, "baseline_rss_kb"));
    json_free(doc);
    free(text);
}

/* Splits CSV lines on commas outside quotes; returns the field count. */
static int csv_fields(const char *line)
{
    int n = 1, quoted = 0;
    for (; *line && *line != '\n'; line++) {
        if (*line == '"')
            quoted = !quoted;
        else if (*line == ',' && !quoted)
            n++;
    }
    return n;
}

static void check_files(const char *dir, const char *series[2])
{
    char path[512];
    snprintf(path, sizeof(path), "%s/results.csv", dir);
    char *csv = read_file(path);
    int lines = 0, header = csv ? csv_fields(csv) : 0;
    for (const char *p = csv; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
        CHECK(&checks, csv_fields(p) == header, "CSV line %d has %d fields, header %d", lines, csv_fields(p), header);
        lines++;
    }
    CHECK(&checks, csv && header == 30 && lines == 5, "CSV: %d columns, %d lines", header, lines);
    free(csv);

    snprintf(path, sizeof(path), "%s/report.md", dir);
    char *md = read_file(path);
    CHECK(&checks, md && strstr(md, "| encoder |") && strstr(md, "rd_clip.svg") && strstr(md, "fps.svg"), "report.md");
    free(md);
    const char *svgs[2] = { "rd_clip.svg", "fps.svg" };
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, svgs[i]);
        char *svg = read_file(path);
        CHECK(&checks, svg && !strncmp(svg, "<?xml", 5) && strstr(svg, "</svg>") && strstr(svg, series[0]) &&
                       strstr(svg, series[1]) && strstr(svg, i ? "<rect" : "<polyline"), "%s", path);
        free(svg);
    }
}

/* Runs a hwbench command whose results include failed rows, which must end
 * with exit status 1, and parses the results.json it wrote under dir/name.
 * The caller frees the document and *text. */
static json_value *run_with_failed_rows(const char *cmd, const char *dir, const char *name, char **text)
{
    char path[512], err[128];
    CHECK(&checks, run(cmd) == 1, "%s run must exit with 1", name);
    snprintf(path, sizeof(path), "%s/%s/results.json", dir, name);
    *text = read_file(path);
    return *text ? json_parse(*text, err, sizeof(err)) : NULL;
}

/* Bad input: an unknown encoder, a non-H.264 libavcodec encoder and a
 * missing clip fail their rows; the good row still runs; exit status 1. */
static void check_bad_input(const char *hwbench, const char *dir, const char *good)
{
    char cmd[2048], *text;
    snprintf(cmd, sizeof(cmd),
             "'%s' --encoders nosuch,lavc:mpeg4,%s --qp 30 --repeat 1 --warmup 0 --out '%s/bad' "
             "'%s/clip.y4m' '%s/missing.y4m' >'%s/bad.txt' 2>&1",
             hwbench, good, dir, dir, dir, dir);
    json_value *doc = run_with_failed_rows(cmd, dir, "bad", &text);
    const json_value *rows = json_get(doc, "rows");
    CHECK(&checks, rows && rows->n == 6, "bad-input rows");
    for (int i = 0; rows && i < rows->n; i++) {
        const json_value *row = &rows->items[i];
        const char *reason = str(row, "reason"), *status = str(row, "status");
        int good_row = i == 2;
        const char *want = i >= 3 ? "unreadable clip" : i == 0 ? "unknown encoder" : "not an H.264 encoder";
        CHECK(&checks, status && !strcmp(status, good_row ? "ok" : "failed"), "bad-input row %d status", i);
        CHECK(&checks, good_row ? is_null(row, "reason") : reason && strstr(reason, want), "row %d reason: %s", i,
                       reason ? reason : "null");
        CHECK(&checks, good_row || (is_null(json_get(row, "fps"), "median") && is_null(row, "bitrate_kbps") &&
                                    is_null(json_get(row, "psnr_avg"), "y") && is_null(row, "ssim_y")),
                       "a failed row's measurements must be null");
    }
    json_free(doc);
    free(text);
}

/* A rate point the encoder refuses (1 Gbit/s is beyond every level at
 * this size) fails its row with the encoder's reason; the next rate point
 * still runs; exit status 1. */
static void check_refused_rate(const char *hwbench, const char *dir)
{
    char cmd[2048], *text;
    snprintf(cmd, sizeof(cmd),
             "'%s' --encoders cpu --bitrate 1000000,300 --repeat 1 --warmup 0 --out '%s/refused' '%s/clip.y4m' "
             ">'%s/refused.txt' 2>&1",
             hwbench, dir, dir, dir);
    json_value *doc = run_with_failed_rows(cmd, dir, "refused", &text);
    const json_value *rows = json_get(doc, "rows");
    CHECK(&checks, rows && rows->n == 2, "refused-rate rows");
    if (rows && rows->n == 2) {
        const char *reason = str(&rows->items[0], "reason");
        CHECK(&checks, str(&rows->items[0], "status") && !strcmp(str(&rows->items[0], "status"), "failed") && reason &&
                           strstr(reason, "kb/s exceeds every H.264 level"),
                       "1 Gbit/s row: %s", reason ? reason : "no reason");
        CHECK(&checks, is_null(&rows->items[0], "bitrate_kbps"), "the refused row's bitrate must be null");
        CHECK(&checks, str(&rows->items[1], "status") && !strcmp(str(&rows->items[1], "status"), "ok") &&
                           num(&rows->items[1], "bitrate_kbps") > 0,
                       "the 300 kb/s row after the refused one must run");
    }
    json_free(doc);
    free(text);
}

/* hwbench reads what the CLI reads: the clip as 4:2:2 in Matroska (FFV1,
 * lossless) is converted to 4:2:0, said once, and measured at its size and
 * frame count. */
static void check_container_input(const char *hwbench, const char *dir)
{
    char cmd[2048], path[512], err[128];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -nostdin -loglevel error -y -i '%s/clip.y4m' -c:v ffv1 -pix_fmt yuv422p '%s/clip422.mkv'", dir,
             dir);
    if (run(cmd) != 0) {
        CHECK(&checks, 0, "ffmpeg could not write %s/clip422.mkv", dir);
        return;
    }
    snprintf(cmd, sizeof(cmd),
             "'%s' --encoders cpu --qp 30 --repeat 1 --warmup 0 --out '%s/mkv' '%s/clip422.mkv' >'%s/mkv.txt' "
             "2>'%s/mkv.log'",
             hwbench, dir, dir, dir, dir);
    CHECK(&checks, run(cmd) == 0, "hwbench on an mkv clip; see %s/mkv.log", dir);
    snprintf(path, sizeof(path), "%s/mkv.log", dir);
    char *log = read_file(path);
    CHECK(&checks, log && strstr(log, "converted yuv422p -> yuv420p"), "the conversion is said: %s", log ? log : "");
    free(log);
    snprintf(path, sizeof(path), "%s/mkv/results.json", dir);
    char *text = read_file(path);
    json_value *doc = text ? json_parse(text, err, sizeof(err)) : NULL;
    const json_value *rows = json_get(doc, "rows");
    CHECK(&checks, rows && rows->n == 1, "one row for the mkv clip");
    if (rows && rows->n == 1) {
        const json_value *row = &rows->items[0];
        CHECK(&checks, str(row, "status") && !strcmp(str(row, "status"), "ok"), "the mkv row runs");
        CHECK(&checks, num(row, "width") == W && num(row, "height") == H && num(row, "frames") == FRAMES,
              "mkv clip: %g x %g, %g frames", num(row, "width"), num(row, "height"), num(row, "frames"));
    }
    json_free(doc);
    free(text);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/hwbench-e2e-XXXXXX", path[512], cmd[2048], list[256];
    const char *series[2];

    if (argc != 3 || !mkdtemp(dir)) {
        fprintf(stderr, "usage: test_hwbench HWBENCH ENCODER_A,ENCODER_B\n");
        return 2;
    }
    snprintf(list, sizeof(list), "%s", argv[2]);
    char *comma = strchr(list, ',');
    if (!comma)
        return 2;
    *comma = 0;
    series[0] = list;
    series[1] = comma + 1;
    snprintf(path, sizeof(path), "%s/clip.y4m", dir);
    if (write_clip(path) < 0)
        return 1;
    snprintf(cmd, sizeof(cmd),
             "'%s' --encoders %s --qp 26,34 --repeat 2 --warmup 1 --out '%s/out' '%s' >'%s/table.txt' 2>'%s/log.txt'",
             argv[1], argv[2], dir, path, dir, dir);
    int status = run(cmd);
    CHECK(&checks, status == 0, "hwbench exited with %d; see %s/log.txt", status, dir);
    snprintf(path, sizeof(path), "%s/table.txt", dir);
    char *table = read_file(path);
    CHECK(&checks, table && strstr(table, "PSNR") && strstr(table, series[0]) && strstr(table, series[1]), "stdout table");
    free(table);
    snprintf(path, sizeof(path), "%s/out/results.json", dir);
    check_json(path, series);
    snprintf(path, sizeof(path), "%s/out", dir);
    check_files(path, series);
    check_bad_input(argv[1], dir, series[1]);
    check_refused_rate(argv[1], dir);
    check_container_input(argv[1], dir);
    if (checks.fail) {
        fprintf(stderr, "%d failures; files kept in %s\n", checks.fail, dir);
        return 1;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (run(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    printf("hwbench end to end: all checks passed\n");
    return 0;
}
