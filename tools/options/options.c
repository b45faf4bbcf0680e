/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * getopt over the option tables of every topic, see options.h.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tools/options/options.h"

static const cli_option_topic *const topics[] = {
    &cli_options_io, &cli_options_backend, &cli_options_rate, &cli_options_coding,
};
#define TOPICS (sizeof(topics) / sizeof(topics[0]))
#define MAX_OPTIONS 96

void cli_options_usage(FILE *f)
{
    fputs("usage: hwenc encode INPUT -o OUTPUT [options]\n"
          "       hwenc batch INPUT... -d OUTDIR [batch options] [-- encode options]   (hwenc batch --help)\n"
          "       hwenc list-backends [--device DEV]\n"
          "       hwenc validate [--backend NAME] [--device DEV] [options]   (hwenc validate --help)\n"
          "       hwenc probe INPUT   (its video as JSON: codec, size, frames, rate, duration, bitrate)\n"
          "       hwenc scenes INPUT [--scenecut N] [--min-frames M]   (where the encoder cuts scenes)\n"
          "       hwenc join --source INPUT -o OUTPUT SEGMENT...   (segments into one file; --help)\n"
          "       hwenc slurm submit|status --dir SHARED ...   (chunked or batch encodes on Slurm; --help)\n"
          "\n"
          "INPUT is a Y4M file (4:2:0, 8-bit, progressive), raw I420 with --size, or any file FFmpeg\n"
          "reads (mp4, mkv, mov, ts, ...: decoded in software; other pixel formats are converted to\n"
          "8-bit 4:2:0; audio and subtitles are copied to a container output). '-' is stdin: Y4M,\n"
          "raw with --size, or a streamable container (mkv, ts; mp4 only with its index first).\n",
          f);
    for (size_t t = 0; t < TOPICS; t++)
        fprintf(f, "\n%s", topics[t]->help);
}

/* getopt's table: every topic's options, each with its index as val (above
 * any short option's letter). */
static int build_table(struct option *longopts, const cli_option **by_index, char *shortopts, size_t short_size)
{
    int n = 0;
    size_t s = 0;
    for (size_t t = 0; t < TOPICS; t++) {
        for (const cli_option *opt = topics[t]->options; opt->name; opt++) {
            if (n == MAX_OPTIONS - 1)
                abort(); /* the tables outgrew MAX_OPTIONS: a build-time fact, not an input */
            by_index[n] = opt;
            longopts[n] = (struct option){ opt->name, opt->has_arg, NULL, 256 + n };
            if (opt->short_name && s + 3 < short_size) {
                shortopts[s++] = (char)opt->short_name;
                if (opt->has_arg == required_argument)
                    shortopts[s++] = ':';
            }
            n++;
        }
    }
    longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[n] = (struct option){ NULL, 0, NULL, 0 };
    shortopts[s++] = 'h';
    shortopts[s] = 0;
    return n;
}

static int short_option_index(const struct option *longopts, const cli_option *const *by_index, int c)
{
    for (int i = 0; longopts[i].name; i++)
        if (longopts[i].val >= 256 && by_index[longopts[i].val - 256]->short_name == c)
            return longopts[i].val - 256;
    return -1;
}

int cli_options_parse(int argc, char **argv, cli_options *o)
{
    struct option longopts[MAX_OPTIONS + 1];
    const cli_option *by_index[MAX_OPTIONS];
    char shortopts[32];
    build_table(longopts, by_index, shortopts, sizeof(shortopts));

    hwenc_config_default(&o->cfg);
    o->given = (given_options){ .rc = -1 };
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'h') {
            cli_options_usage(stdout);
            return 1;
        }
        int index = c >= 256 ? c - 256 : short_option_index(longopts, by_index, c);
        if (index < 0) {
            cli_options_usage(stderr);
            return -1;
        }
        if (by_index[index]->set(o, optarg) < 0)
            return -1;
    }
    if (optind != argc - 1 || !o->output) {
        cli_options_usage(stderr);
        return -1;
    }
    o->input = argv[optind];
    /* Rate control first: its choice decides which other options are used. */
    static const cli_option_topic *const check_order[] = {
        &cli_options_rate, &cli_options_coding, &cli_options_io, &cli_options_backend,
    };
    for (size_t t = 0; t < TOPICS; t++)
        if (check_order[t]->check && check_order[t]->check(o) < 0)
            return -1;
    return 0;
}
