/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The options of `hwenc encode`, by topic: each topic file (io.c,
 * backend.c, rate.c, coding.c) owns its options' table, their lines of the
 * usage and the checks among them; options.c runs getopt over all of them.
 * A new option is one row and one small function in its topic's file.
 */
#ifndef HWENC_TOOLS_OPTIONS_H
#define HWENC_TOOLS_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "hwenc/hwenc.h"
#include "tools/media/mux.h"
#include "tools/segment.h"

/* Where the library's messages go: stderr, after the progress line when
 * one is showing. */
typedef struct cli_log {
    int progress_line;           /* a progress line without its newline is on stderr */
} cli_log;

/* What the command line set, to refuse options that the others would make
 * meaningless instead of dropping them silently. */
typedef struct given_options {
    int qp, crf, bitrate, vbv_maxrate, vbv_bufsize;
    int deblock_offsets, no_deblock, size, fps;
    int rc;                      /* the mode --rc names, or -1 */
} given_options;

typedef struct cli_options {
    const char *input, *output, *recon;
    const char *stats;           /* --stats FILE */
    int psnr;                    /* --psnr: the PSNR goes into --stats */
    const char *roi;             /* --roi FILE (roi_file.h) */
    int raw_width, raw_height;
    int fps_num, fps_den;
    int64_t max_frames;
    int quiet;
    int verbose;                 /* -v: the library's info, -vv: its debug messages too */
    cli_log log;                 /* the library's messages (hwenc_config.log_callback) */
    segment_options seg;
    media_mux_options mux;       /* --faststart, --no-audio */
    hwenc_config cfg;
    given_options given;
} cli_options;

/* One long option: set() applies its argument (NULL for none) and returns
 * 0, or -1 after printing what is wrong. short_name is 0 or its letter. */
typedef struct cli_option {
    const char *name;
    int short_name;
    int has_arg;                 /* getopt's no_argument, required_argument, optional_argument */
    int (*set)(cli_options *o, const char *arg);
} cli_option;

typedef struct cli_option_topic {
    const cli_option *options;   /* ends with a NULL name */
    const char *help;            /* its lines of the usage */
    int (*check)(cli_options *o); /* once all are read; NULL if none */
} cli_option_topic;

extern const cli_option_topic cli_options_io, cli_options_backend, cli_options_rate, cli_options_coding;

/* Fills o from the command line of `hwenc encode` (argv[0] is "encode"),
 * with the library's defaults for what is not given. Returns 0, 1 after
 * printing the usage for --help, or -1 after printing the error. */
int cli_options_parse(int argc, char **argv, cli_options *o);

void cli_options_usage(FILE *f);

#endif
