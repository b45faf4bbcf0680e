/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc validate`: the command line, the matrix, and the summary.
 *
 * For each size: every rate-control mode with B frames off and on (a mode
 * the device does not offer is reported as such, not as a failure), forced
 * IDRs with and without B frames, keyint -1, a bitrate change half way
 * (CBR, else VBR, else ABR), and low latency.
 *
 * Exit status: 0 every case passed (or was not offered), 1 a case failed,
 * 2 a usage or input error, 3 no backend to validate.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include <libavcodec/avcodec.h>

#include "tools/validate.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_NO_BACKEND 3

typedef struct validate_options {
    enum hwenc_backend backend;  /* AUTO: every available hardware backend */
    const char *device;
    const char *input;
    const char *output_dir;
    int sizes[VALIDATE_MAX_SIZES][2];
    int size_count;
    int frames;
    int qp;
} validate_options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hwenc validate [--backend NAME] [--device DEV] [--input CLIP.y4m] [--sizes WxH[,WxH...]]\n"
            "                      [--frames N] [--qp N] [--output-dir DIR]\n"
            "\n"
            "Runs every available hardware backend (or --backend NAME, cpu included) through a fixed\n"
            "matrix of encodes, decodes each stream with libavcodec and checks frame count and order,\n"
            "key frames, bitrate and PSNR against the CPU backend. Writes DIR/validate.json and\n"
            "DIR/validate.md (attach both to a bug report). Exit status: 0 passed, 1 a check failed,\n"
            "2 usage error, 3 no backend to validate.\n"
            "\n"
            "  --backend NAME    vaapi, nvenc, vulkan or cpu (default: every available hardware backend)\n"
            "  --device DEV      render node (/dev/dri/renderD128) or GPU index\n"
            "  --input FILE      a Y4M clip instead of the generated pattern (its own size; --sizes ignored)\n"
            "  --sizes LIST      picture sizes (default 1920x1080,1280x720,352x288)\n"
            "  --frames N        frames per encode, 6 or more (default 150: 6 s, so that rate control settles)\n"
            "  --qp N            QP of the constant-QP cases, 0..51 (default 26)\n"
            "  --output-dir DIR  where the reports go, created if missing (default .)\n");
}

static int parse_sizes(const char *arg, validate_options *o)
{
    const char *p = arg;
    o->size_count = 0;
    while (*p) {
        int w, h, n;
        if (o->size_count == VALIDATE_MAX_SIZES || sscanf(p, "%dx%d%n", &w, &h, &n) != 2 || w < 64 || h < 64 ||
            w > 8192 || h > 8192 || (w | h) & 1 || (p[n] && p[n] != ',')) {
            fprintf(stderr, "hwenc validate: --sizes '%s' must be up to %d even sizes from 64x64 to 8192x8192, "
                    "like 1280x720,352x288\n", arg, VALIDATE_MAX_SIZES);
            return -1;
        }
        o->sizes[o->size_count][0] = w;
        o->sizes[o->size_count++][1] = h;
        p += n + (p[n] == ',');
    }
    return o->size_count ? 0 : -1;
}

static int parse_number(const char *arg, const char *name, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || end == arg || v < lo || v > hi) {
        fprintf(stderr, "hwenc validate: %s '%s' must be an integer from %d to %d\n", name, arg, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_options(int argc, char **argv, validate_options *o)
{
    enum { OPT_BACKEND = 256, OPT_DEVICE, OPT_INPUT, OPT_SIZES, OPT_FRAMES, OPT_QP, OPT_OUTPUT_DIR };
    static const struct option longopts[] = {
        { "backend", required_argument, NULL, OPT_BACKEND },
        { "device", required_argument, NULL, OPT_DEVICE },
        { "input", required_argument, NULL, OPT_INPUT },
        { "sizes", required_argument, NULL, OPT_SIZES },
        { "frames", required_argument, NULL, OPT_FRAMES },
        { "qp", required_argument, NULL, OPT_QP },
        { "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    *o = (validate_options){ .backend = HWENC_BACKEND_AUTO, .output_dir = ".", .frames = 150, .qp = 26 };
    parse_sizes("1920x1080,1280x720,352x288", o);
    int c, v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_BACKEND:
            if ((v = hwenc_backend_from_name(optarg)) <= 0) {
                fprintf(stderr, "hwenc validate: --backend '%s' must be vaapi, nvenc, vulkan or cpu\n", optarg);
                return -1;
            }
            o->backend = (enum hwenc_backend)v;
            break;
        case OPT_DEVICE: o->device = optarg; break;
        case OPT_INPUT: o->input = optarg; break;
        case OPT_SIZES: if (parse_sizes(optarg, o) < 0) return -1; break;
        case OPT_FRAMES: if (parse_number(optarg, "--frames", 6, 100000, &o->frames) < 0) return -1; break;
        case OPT_QP: if (parse_number(optarg, "--qp", 0, 51, &o->qp) < 0) return -1; break;
        case OPT_OUTPUT_DIR: o->output_dir = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "hwenc validate: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the machine */

static void describe_machine(validate_report *r, int argc, char **argv)
{
    size_t n = (size_t)snprintf(r->command, sizeof(r->command), "hwenc validate");
    for (int i = 1; i < argc && n < sizeof(r->command); i++)
        n += (size_t)snprintf(r->command + n, sizeof(r->command) - n, " %s", argv[i]);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->date, sizeof(r->date), "%Y-%m-%d %H:%M:%S UTC", &tm);
    unsigned v = hwenc_version(), lavc = avcodec_version();
    snprintf(r->versions, sizeof(r->versions), "hwenc %u.%u.%u, libavcodec %u.%u.%u (the decoder of the checks)",
             v >> 16, (v >> 8) & 255, v & 255, lavc >> 16, (lavc >> 8) & 255, lavc & 255);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(r->system, sizeof(r->system), "%s %s %s", u.sysname, u.release, u.machine);
    /* NVIDIA's kernel module names the driver release; no API reports it. */
    FILE *f = fopen("/proc/driver/nvidia/version", "r");
    if (f) {
        if (fgets(r->nvidia_module, sizeof(r->nvidia_module), f))
            r->nvidia_module[strcspn(r->nvidia_module, "\n")] = 0;
        fclose(f);
    }
}

/* ---------------------------------------------------------------- the matrix */

static const struct {
    enum hwenc_rate_control rc;
    const char *name;
} rate_modes[] = {
    { HWENC_RC_CQP, "cqp" }, { HWENC_RC_CBR, "cbr" }, { HWENC_RC_VBR, "vbr" }, { HWENC_RC_ABR, "abr" },
    { HWENC_RC_CRF, "crf" },
};

static const char *rc_name(enum hwenc_rate_control rc)
{
    for (size_t i = 0; i < sizeof(rate_modes) / sizeof(rate_modes[0]); i++)
        if (rate_modes[i].rc == rc)
            return rate_modes[i].name;
    return "?";
}

static validate_case make_case(int w, int h, enum hwenc_rate_control rc, int bframes, const char *what)
{
    validate_case c = { .width = w, .height = h, .rc = rc, .bframes = bframes };
    snprintf(c.name, sizeof(c.name), "%dx%d %s b%d%s%s", w, h, rc_name(rc), bframes, what ? " " : "", what ? what : "");
    c.force_idr = what && !strcmp(what, "forced-idr");
    c.single_idr = what && !strcmp(what, "keyint-1");
    c.reconfigure = what && !strcmp(what, "reconfigure");
    c.low_latency = what && !strcmp(what, "low-latency");
    return c;
}

/* The mode the bitrate change is tried in: the first of CBR, VBR, ABR the
 * backend offered at this size. */
static enum hwenc_rate_control reconfigure_mode(const validate_backend_report *b, int first_case)
{
    static const enum hwenc_rate_control order[] = { HWENC_RC_CBR, HWENC_RC_VBR, HWENC_RC_ABR };
    for (size_t i = 0; i < 3; i++)
        for (int k = first_case; k < b->case_count; k++)
            if (b->cases[k].rc == order[i] && b->results[k].status != VALIDATE_NOT_OFFERED)
                return order[i];
    return HWENC_RC_CBR;
}

/* The CPU references of one input, made once for all backends. */
typedef struct reference_cache {
    int count;
    validate_reference entries[2];
} reference_cache;

static const validate_reference *cpu_reference(reference_cache *cache, const validate_case *c,
                                               const validate_settings *set, const validate_source *src)
{
    for (int i = 0; i < cache->count; i++)
        if (cache->entries[i].bframes == c->bframes)
            return &cache->entries[i];
    validate_reference *e = &cache->entries[cache->count++];
    *e = (validate_reference){ .width = c->width, .height = c->height, .bframes = c->bframes };
    validate_make_reference(e, set, src);
    if (!e->ok)
        fprintf(stderr, "hwenc validate: the CPU backend's reference encode of %dx%d failed: %s\n", c->width,
                c->height, e->error);
    return e;
}

static void run_one(validate_backend_report *b, const validate_case *c, const validate_settings *set,
                    const validate_source *src, reference_cache *refs)
{
    if (b->case_count == VALIDATE_MAX_CASES)
        return;
    const validate_reference *ref = cpu_reference(refs, c, set, src);
    validate_result *r = &b->results[b->case_count];
    b->cases[b->case_count++] = *c;
    validate_run_case(b->info.backend, c, set, src, ref, r);
    static const char *const status[] = { "pass", "FAIL", "not offered" };
    fprintf(stderr, "hwenc validate: %s %-36s %s%s%s\n", hwenc_backend_name(b->info.backend), c->name,
            status[r->status], r->message[0] ? ": " : "", r->message);
    b->passed += r->status == VALIDATE_PASS;
    b->failed += r->status == VALIDATE_FAIL;
    b->not_offered += r->status == VALIDATE_NOT_OFFERED;
}

static void run_size(validate_backend_report *b, const validate_settings *set, const validate_source *src,
                     reference_cache *refs)
{
    int w = src->width, h = src->height, first = b->case_count;
    for (size_t m = 0; m < sizeof(rate_modes) / sizeof(rate_modes[0]); m++)
        for (int bf = 0; bf <= 2; bf += 2) {
            validate_case c = make_case(w, h, rate_modes[m].rc, bf, NULL);
            run_one(b, &c, set, src, refs);
        }
    validate_case extra[] = {
        make_case(w, h, HWENC_RC_CQP, 0, "forced-idr"),
        make_case(w, h, HWENC_RC_CQP, 2, "forced-idr"),
        make_case(w, h, HWENC_RC_CQP, 2, "keyint-1"),
        make_case(w, h, reconfigure_mode(b, first), 0, "reconfigure"),
        make_case(w, h, HWENC_RC_CQP, 0, "low-latency"),
    };
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
        run_one(b, &extra[i], set, src, refs);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* What opening costs: the backend alone, and its test encode (which `auto`
 * runs before it trusts a hardware backend). */
static void time_open(validate_backend_report *b, const char *device)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = b->info.backend;
    cfg.device = device;
    cfg.width = 1280;
    cfg.height = 720;
    hwenc_encoder *enc = NULL;
    double start = now_ms();
    if (hwenc_open(&cfg, &enc) == 0)
        b->open_ms = now_ms() - start;
    hwenc_close(enc);
    b->test_encode_ret = hwenc_test_encode(&cfg, b->info.backend, b->test_encode, sizeof(b->test_encode));
}

/* Size by size (each input made once), every backend; returns -1 when the
 * input cannot be made. */
static int run_matrix(validate_report *r, const validate_options *o, const validate_settings *set)
{
    char err[512];
    validate_source src;
    for (int i = 0; i < r->backend_count; i++)
        time_open(r->backends[i], o->device);
    for (int i = 0; i < (o->input ? 1 : o->size_count); i++) {
        int ret = o->input ? validate_source_load(&src, o->input, o->frames, err, sizeof(err))
                           : validate_source_generate(&src, o->sizes[i][0], o->sizes[i][1], o->frames, err,
                                                      sizeof(err));
        if (ret < 0) {
            fprintf(stderr, "hwenc validate: %s\n", err);
            return -1;
        }
        if (!r->input[0] || o->input)
            snprintf(r->input, sizeof(r->input), "%s", src.description);
        reference_cache refs = { 0 };
        for (int k = 0; k < r->backend_count; k++)
            run_size(r->backends[k], set, &src, &refs);
        validate_source_free(&src);
    }
    return 0;
}

/* ---------------------------------------------------------------- main */

static int pick_backends(validate_report *r, const validate_options *o)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.device = o->device;
    cfg.width = o->size_count ? o->sizes[0][0] : 1280;
    cfg.height = o->size_count ? o->sizes[0][1] : 720;
    r->probed = hwenc_probe(&cfg, r->probe, HWENC_BACKEND_COUNT);
    size_t n = 0;
    for (int i = 0; i < r->probed; i++) {
        const hwenc_backend_info *p = &r->probe[i];
        int wanted = o->backend == HWENC_BACKEND_AUTO ? p->backend != HWENC_BACKEND_CPU : p->backend == o->backend;
        if (wanted && p->available) {
            validate_backend_report *b = calloc(1, sizeof(*b));
            if (!b)
                return -1;
            b->info = *p;
            r->backends[r->backend_count++] = b;
        } else if (wanted && n < sizeof(r->no_backend)) {
            n += (size_t)snprintf(r->no_backend + n, sizeof(r->no_backend) - n, "%s%s: %s", n ? "; " : "",
                                  hwenc_backend_name(p->backend), p->reason);
        }
    }
    if (!r->backend_count && o->backend == HWENC_BACKEND_AUTO && n < sizeof(r->no_backend))
        snprintf(r->no_backend + n, sizeof(r->no_backend) - n, " (no hardware backend is available; "
                 "--backend cpu validates the CPU encoder)");
    return 0;
}

/* mkdir -p */
static int make_directory(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_reports(const validate_report *r, const char *dir, char *json, char *md, size_t size)
{
    char err[512];
    snprintf(json, size, "%s/validate.json", dir);
    snprintf(md, size, "%s/validate.md", dir);
    if (validate_write_json(r, json, err, sizeof(err)) < 0 || validate_write_markdown(r, md, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc validate: %s\n", err);
        return -1;
    }
    return 0;
}

static void print_summary(const validate_report *r)
{
    for (int i = 0; i < r->backend_count; i++) {
        const validate_backend_report *b = r->backends[i];
        printf("%s: %s (%s): %d cases, %d passed, %d failed, %d not offered; test encode %s\n",
               hwenc_backend_name(b->info.backend), b->info.device,
               b->info.driver[0] ? b->info.driver : "no driver string",
               b->case_count, b->passed, b->failed, b->not_offered, b->test_encode_ret == 0 ? "passed" : "FAILED");
        for (int k = 0; k < b->case_count; k++)
            if (b->results[k].status == VALIDATE_FAIL)
                printf("  FAIL %s: %s\n", b->cases[k].name, b->results[k].message);
        if (b->test_encode_ret != 0)
            printf("  FAIL test encode: %s\n", b->test_encode);
    }
}

int validate_main(int argc, char **argv)
{
    validate_options o;
    if (parse_options(argc, argv, &o) < 0)
        return EXIT_USAGE;
    struct stat st;
    if (make_directory(o.output_dir) < 0) {
        fprintf(stderr, "hwenc validate: cannot create %s: %s\n", o.output_dir, strerror(errno));
        return EXIT_USAGE;
    }
    if (stat(o.output_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hwenc validate: --output-dir %s is not a directory\n", o.output_dir);
        return EXIT_USAGE;
    }
    validate_report *r = calloc(1, sizeof(*r));
    if (!r || pick_backends(r, &o) < 0) {
        fprintf(stderr, "hwenc validate: out of memory\n");
        free(r);
        return EXIT_FAILED;
    }
    describe_machine(r, argc, argv);
    validate_settings set = { .frames = o.frames, .qp = o.qp, .device = o.device };
    r->frames = o.frames;
    r->qp = o.qp;
    int status = r->backend_count ? 0 : EXIT_NO_BACKEND;
    if (r->backend_count && run_matrix(r, &o, &set) < 0)
        status = EXIT_USAGE;
    for (int i = 0; i < r->backend_count && status == 0; i++)
        if (r->backends[i]->failed || r->backends[i]->test_encode_ret != 0)
            status = EXIT_FAILED;
    char json[1024], md[1024];
    if (status != EXIT_USAGE && write_reports(r, o.output_dir, json, md, sizeof(json)) < 0)
        status = EXIT_FAILED;
    else if (status != EXIT_USAGE) {
        if (!r->backend_count)
            printf("hwenc validate: nothing to validate: %s\n", r->no_backend);
        print_summary(r);
        printf("%s; wrote %s and %s: attach both to a bug report\n",
               status == 0 ? "PASSED" : status == EXIT_FAILED ? "FAILED" : "NOTHING VALIDATED", json, md);
    }
    for (int i = 0; i < r->backend_count; i++)
        free(r->backends[i]);
    free(r);
    return status;
}
