/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Options of `hwenc encode`: the GOP (IDRs, scene cuts, references, B
 * frames, latency) and the coding tools (preset, profile, entropy coder,
 * transform, deblocking, threads).
 */
#include <getopt.h>

#include "tools/cli_args.h"
#include "tools/options/options.h"

static const int big = 1 << 30;

static int set_keyint(cli_options *o, const char *arg)
{
    if (cli_parse_int("--keyint", arg, -1, big, &o->cfg.keyint) < 0)
        return -1;
    if (o->cfg.keyint == 0) {
        fprintf(stderr, "hwenc: --keyint 0 is invalid: use a positive interval, or -1 for a single IDR\n");
        return -1;
    }
    return 0;
}

static int set_min_keyint(cli_options *o, const char *arg)
{
    return cli_parse_int("--min-keyint", arg, 1, big, &o->cfg.min_keyint);
}

static int set_scenecut(cli_options *o, const char *arg)
{
    return cli_parse_int("--scenecut", arg, 0, 100, &o->cfg.scenecut);
}

static int set_ref(cli_options *o, const char *arg)
{
    return cli_parse_int("--ref", arg, 1, 16, &o->cfg.ref_frames);
}

static int set_bframes(cli_options *o, const char *arg)
{
    return cli_parse_int("--bframes", arg, 0, 16, &o->cfg.bframes);
}

static int set_low_latency(cli_options *o, const char *arg)
{
    (void)arg;
    o->cfg.low_latency = 1;
    return 0;
}

static int set_preset(cli_options *o, const char *arg)
{
    int v = hwenc_preset_from_name(arg);
    if (v < 0) {
        fprintf(stderr, "hwenc: unknown preset '%s' (ultrafast, superfast, veryfast, faster, fast, medium)\n", arg);
        return -1;
    }
    o->cfg.preset = (enum hwenc_preset)v;
    return 0;
}

static int set_profile(cli_options *o, const char *arg)
{
    int v = hwenc_profile_from_name(arg);
    if (v < 0) {
        fprintf(stderr, "hwenc: unknown profile '%s' (baseline, main, high)\n", arg);
        return -1;
    }
    o->cfg.profile = v;
    return 0;
}

static int set_no_cabac(cli_options *o, const char *arg)
{
    (void)arg;
    o->cfg.cabac = 0;
    return 0;
}

static int set_no_8x8dct(cli_options *o, const char *arg)
{
    (void)arg;
    o->cfg.transform_8x8 = 0;
    return 0;
}

static int set_no_deblock(cli_options *o, const char *arg)
{
    (void)arg;
    o->cfg.deblock = 0;
    o->given.no_deblock = 1;
    return 0;
}

static int set_deblock(cli_options *o, const char *arg)
{
    int pair[2];
    int ret = cli_parse_ints("--deblock", arg, ':', 2, 2, -6, 6, "A:B like -1:1, each -6 to 6", pair) < 0 ? -1 : 0;
    o->cfg.deblock_alpha = pair[0];
    o->cfg.deblock_beta = pair[1];
    o->given.deblock_offsets = 1;
    return ret;
}

static int set_threads(cli_options *o, const char *arg)
{
    return cli_parse_int("--threads", arg, 0, 256, &o->cfg.threads);
}

static int check_coding(cli_options *o)
{
    if (o->given.no_deblock && o->given.deblock_offsets) {
        fprintf(stderr, "hwenc: --no-deblock and --deblock contradict each other: the offsets need the filter on\n");
        return -1;
    }
    return 0;
}

static const cli_option options[] = {
    { "keyint", 0, required_argument, set_keyint },
    { "min-keyint", 0, required_argument, set_min_keyint },
    { "scenecut", 0, required_argument, set_scenecut },
    { "ref", 0, required_argument, set_ref },
    { "bframes", 0, required_argument, set_bframes },
    { "low-latency", 0, no_argument, set_low_latency },
    { "preset", 0, required_argument, set_preset },
    { "profile", 0, required_argument, set_profile },
    { "no-cabac", 0, no_argument, set_no_cabac },
    { "no-8x8dct", 0, no_argument, set_no_8x8dct },
    { "no-deblock", 0, no_argument, set_no_deblock },
    { "deblock", 0, required_argument, set_deblock },
    { "threads", 0, required_argument, set_threads },
    { NULL, 0, 0, NULL },
};

const cli_option_topic cli_options_coding = {
    .options = options,
    .check = check_coding,
    .help = "GOP and coding tools:\n"
            "  --keyint N            maximum IDR interval in frames (default 250; -1: first frame only)\n"
            "  --min-keyint N        minimum IDR interval for scene cuts (default keyint/10)\n"
            "  --scenecut N          scene-cut sensitivity 0..100 (default 40; 0 = off)\n"
            "  --ref N               reference frames, 1..16 (default 1)\n"
            "  --bframes N           B frames between P frames, 0..16 (default 0)\n"
            "  --low-latency         one frame in, one packet out\n"
            "  --preset NAME         ultrafast, superfast, veryfast, faster, fast, medium (default)\n"
            "  --profile NAME        baseline (Constrained), main, high (default)\n"
            "  --no-cabac            CAVLC instead of CABAC (ultrafast's choice)\n"
            "  --no-8x8dct           4x4 transforms only (ultrafast's choice)\n"
            "  --no-deblock          switch the in-loop deblocking filter off\n"
            "  --deblock A:B         deblocking strength offsets, -6..6 each (default 0:0)\n"
            "  --threads N           CPU threads, 0 = all cores\n",
};
