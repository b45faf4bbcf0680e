/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc batch`: its options and the order of its stages (batch.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/batch.h"
#include "tools/cli_args.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hwenc batch INPUT... -d OUTDIR [options] [-- encode options]\n"
            "\n"
            "Encodes every INPUT (a file, or each file of a directory, by name; hidden files and\n"
            "subdirectories are left out) into OUTDIR, several at once. Each output is named after its\n"
            "input: the file name without its extension, then '.' and --format; inputs of the same\n"
            "name get -2, -3, ... in the order given. Everything after '--' goes to each `hwenc encode`\n"
            "(e.g. -- --preset fast --bitrate 2000).\n"
            "\n"
            "options:\n"
            "  -d, --output-dir DIR        where the outputs go (it must exist)\n"
            "  --list FILE                 more inputs, one path a line\n"
            "  --format EXT                extension of the outputs (default 264)\n"
            "  -j, --jobs N                encodes at once (default: the sum of the devices' sessions,\n"
            "                              one on the CPU, two on a GPU without a known limit)\n"
            "  --devices all|LIST          render nodes or GPU indices to use, comma-separated, or\n"
            "                              'cpu' (default all: every device a backend can encode on)\n"
            "  --sessions-per-device N     at most N encodes at once on each device (a GeForce's NVENC\n"
            "                              session limit is kept even above it)\n"
            "  --backend NAME              auto (default), vaapi, nvenc, vulkan, cpu\n"
            "  --resume                    skip inputs whose output exists (the default): an output\n"
            "                              gets its final name only once its encode succeeded\n"
            "  --no-resume                 encode every input again\n"
            "  --psnr                      measure the PSNR of each output\n"
            "  --quiet                     no progress line\n"
            "\n"
            "OUTDIR gets batch.json and batch.csv, one entry per input. The exit status is 0 only if\n"
            "every input was encoded or skipped as complete.\n");
}

/* The options that each child gets from the batch itself. getopt_long
 * takes any unambiguous prefix of a long option, so prefixes count too. */
static int check_encode_args(char **args, int count)
{
    static const char *const owned[] = { "output", "stats", "recon", "device", "backend" };
    for (int i = 0; i < count; i++) {
        const char *a = args[i];
        int bad = !strncmp(a, "-o", 2);
        size_t n = strcspn(a + 2, "=");
        for (size_t k = 0; !bad && !strncmp(a, "--", 2) && n && k < sizeof(owned) / sizeof(owned[0]); k++)
            bad = !strncmp(owned[k], a + 2, n) && n <= strlen(owned[k]);
        if (bad) {
            fprintf(stderr, "hwenc batch: '%s' after '--': the batch sets the output, --stats, --device and "
                            "--backend of each encode itself (--recon has no place in a batch)\n", a);
            return -1;
        }
    }
    return 0;
}

static int check_format(const char *format)
{
    for (const char *p = format; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9')) {
            fprintf(stderr, "hwenc batch: --format '%s' must be an extension such as 264, mp4 or mkv\n", format);
            return -1;
        }
    if (!*format) {
        fprintf(stderr, "hwenc batch: --format must not be empty\n");
        return -1;
    }
    return 0;
}

/* Parses argv up to "--"; returns the index of the first input, or -1. */
static int parse_options(int argc, char **argv, batch_options *o)
{
    enum { OPT_LIST = 256, OPT_FORMAT, OPT_DEVICES, OPT_SESSIONS, OPT_BACKEND, OPT_RESUME, OPT_NO_RESUME,
           OPT_PSNR, OPT_QUIET };
    static const struct option longopts[] = {
        { "output-dir", required_argument, NULL, 'd' },
        { "jobs", required_argument, NULL, 'j' },
        { "list", required_argument, NULL, OPT_LIST },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "devices", required_argument, NULL, OPT_DEVICES },
        { "sessions-per-device", required_argument, NULL, OPT_SESSIONS },
        { "backend", required_argument, NULL, OPT_BACKEND },
        { "resume", no_argument, NULL, OPT_RESUME },
        { "no-resume", no_argument, NULL, OPT_NO_RESUME },
        { "psnr", no_argument, NULL, OPT_PSNR },
        { "quiet", no_argument, NULL, OPT_QUIET },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, v;
    o->format = "264";
    o->resume = 1;
    while ((c = getopt_long(argc, argv, "d:j:h", longopts, NULL)) != -1) {
        int ret = 0;
        switch (c) {
        case 'd': o->outdir = optarg; break;
        case 'j': ret = cli_parse_int("--jobs", optarg, 1, 1024, &o->jobs); break;
        case OPT_LIST: o->list = optarg; break;
        case OPT_FORMAT: o->format = optarg; ret = check_format(optarg); break;
        case OPT_DEVICES: o->devices = optarg; break;
        case OPT_SESSIONS: ret = cli_parse_int("--sessions-per-device", optarg, 1, 1024, &o->sessions_per_device); break;
        case OPT_BACKEND:
            if ((v = hwenc_backend_from_name(optarg)) < 0) {
                fprintf(stderr, "hwenc batch: unknown backend '%s' (auto, vaapi, nvenc, vulkan, cpu)\n", optarg);
                return -1;
            }
            o->backend = (enum hwenc_backend)v;
            o->backend_given = v != HWENC_BACKEND_AUTO;
            break;
        case OPT_RESUME: o->resume = 1; break;
        case OPT_NO_RESUME: o->resume = 0; break;
        case OPT_PSNR: o->psnr = 1; break;
        case OPT_QUIET: o->quiet = 1; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
        if (ret < 0)
            return -1;
    }
    if (!o->outdir) {
        fprintf(stderr, "hwenc batch: no output directory: give -d OUTDIR\n");
        return -1;
    }
    return optind;
}

static int summarize(const batch *b)
{
    int bad = 0;
    for (int i = 0; i < b->file_count; i++) {
        const batch_file *f = &b->files[i];
        if (f->status == BATCH_DONE || f->status == BATCH_SKIPPED)
            continue;
        bad++;
        if (f->status == BATCH_FAILED)
            fprintf(stderr, "hwenc batch: %s failed: %s\n", f->input, f->error);
    }
    if (b->interrupted)
        fprintf(stderr, "hwenc batch: stopped by %s: %d of %d inputs are not complete; run the same command again "
                        "to encode them\n", b->interrupted == SIGINT ? "SIGINT" : "SIGTERM", bad, b->file_count);
    if (!b->opt.quiet)
        fprintf(stderr, "hwenc batch: report in %s/batch.json and %s/batch.csv\n", b->opt.outdir, b->opt.outdir);
    return bad;
}

int cmd_batch(int argc, char **argv)
{
    batch b = { 0 };
    int end = 1, lock_fd = -1, ret = 2;
    while (end < argc && strcmp(argv[end], "--"))
        end++;
    int first = parse_options(end, argv, &b.opt);
    if (first < 0)
        return 2;
    if (end < argc) {
        b.opt.encode_args = argv + end + 1;
        b.opt.encode_argc = argc - end - 1;
    }
    if (check_encode_args(b.opt.encode_args, b.opt.encode_argc) < 0 || batch_make_workdir(&b) < 0 ||
        batch_collect_inputs(&b, argv + first, end - first) < 0)
        goto done;
    ret = 1;
    if (batch_prepare_outdir(&b, &lock_fd) < 0 || batch_find_devices(&b) < 0 || batch_run(&b) < 0)
        goto done;
    int report_failed = batch_write_report(&b) < 0;
    int bad = summarize(&b);
    ret = b.interrupted ? 128 + b.interrupted : bad || report_failed;
done:
    if (lock_fd >= 0)
        close(lock_fd);
    free(b.devices);
    batch_free_inputs(&b);
    return ret;
}
