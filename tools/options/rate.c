/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Options of `hwenc encode`: rate control. The mode follows from the
 * options as in x264 unless --rc names it, and every option the chosen mode
 * would not use is refused rather than dropped.
 */
#include <getopt.h>
#include <string.h>

#include "tools/cli_args.h"
#include "tools/options/options.h"

static const int big = 1 << 30;
static const char *const rc_names[] = { "cqp", "crf", "abr", "cbr", "vbr" };
static const char *const rc_descriptions[] = { "constant QP", "constant quality", "average bitrate",
                                               "constant bitrate", "variable bitrate" };

static int set_qp(cli_options *o, const char *arg)
{
    o->given.qp = 1;
    return cli_parse_int("--qp", arg, 0, 51, &o->cfg.qp);
}

static int set_crf(cli_options *o, const char *arg)
{
    o->given.crf = 1;
    return cli_parse_real("--crf", arg, 0, 51, &o->cfg.crf);
}

static int set_bitrate(cli_options *o, const char *arg)
{
    o->given.bitrate = 1;
    return cli_parse_int("--bitrate", arg, 1, big, &o->cfg.bitrate_kbps);
}

static int set_vbv_maxrate(cli_options *o, const char *arg)
{
    o->given.vbv_maxrate = 1;
    return cli_parse_int("--vbv-maxrate", arg, 1, big, &o->cfg.vbv_maxrate_kbps);
}

static int set_vbv_bufsize(cli_options *o, const char *arg)
{
    o->given.vbv_bufsize = 1;
    return cli_parse_int("--vbv-bufsize", arg, 1, big, &o->cfg.vbv_bufsize_kbits);
}

static int set_rc(cli_options *o, const char *arg)
{
    for (int i = 0; i < 5; i++)
        if (!strcmp(arg, rc_names[i]))
            o->given.rc = i;
    if (o->given.rc < 0) {
        fprintf(stderr, "hwenc: --rc '%s' must be cqp, crf, abr, cbr or vbr\n", arg);
        return -1;
    }
    return 0;
}

static int set_nal_hrd(cli_options *o, const char *arg)
{
    static const char *const names[] = { "none", "vbr", "cbr" };
    for (int i = 0; i < 3; i++) {
        if (!strcmp(arg, names[i])) {
            o->cfg.nal_hrd = (enum hwenc_nal_hrd)i;
            return 0;
        }
    }
    fprintf(stderr, "hwenc: --nal-hrd '%s' must be none, vbr or cbr\n", arg);
    return -1;
}

static int set_roi(cli_options *o, const char *arg)
{
    o->roi = arg;
    return 0;
}

/* Sets the mode and returns the option that chose it, NULL for the default. */
static const char *choose_rc_mode(const given_options *g, hwenc_config *cfg)
{
    static const char *const rc_options[] = { "--rc cqp", "--rc crf", "--rc abr", "--rc cbr", "--rc vbr" };
    if (g->rc >= 0) {
        cfg->rc_mode = (enum hwenc_rate_control)g->rc;
        return rc_options[g->rc];
    }
    if (g->crf) {
        cfg->rc_mode = HWENC_RC_CRF;
        return "--crf";
    }
    if (!cfg->bitrate_kbps)
        return NULL; /* the default, constant QP */
    if (cfg->vbv_maxrate_kbps == cfg->bitrate_kbps)
        cfg->rc_mode = HWENC_RC_CBR;
    else if (cfg->vbv_maxrate_kbps)
        cfg->rc_mode = HWENC_RC_VBR;
    else
        cfg->rc_mode = HWENC_RC_ABR;
    return "--bitrate";
}

/* Every rate-control option the chosen mode would not use is refused,
 * naming the option that chose the mode. */
static int check_rc(cli_options *o)
{
    const given_options *g = &o->given;
    const char *chosen_by = choose_rc_mode(g, &o->cfg);
    enum hwenc_rate_control m = o->cfg.rc_mode;
    int vbv = m != HWENC_RC_CQP;
    const struct { int given, used; const char *option; } opts[] = {
        { g->qp, m == HWENC_RC_CQP, "--qp" },
        { g->crf, m == HWENC_RC_CRF, "--crf" },
        { g->bitrate, m >= HWENC_RC_ABR, "--bitrate" },
        { g->vbv_maxrate, vbv, "--vbv-maxrate" },
        /* Constant quality keeps a buffer only under a peak rate. */
        { g->vbv_bufsize, vbv && (m != HWENC_RC_CRF || g->vbv_maxrate), "--vbv-bufsize" },
    };
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (!opts[i].given || opts[i].used)
            continue;
        if (chosen_by)
            fprintf(stderr, "hwenc: %s and %s contradict each other: %s selects %s (%s), which does not use %s\n",
                    opts[i].option, chosen_by, chosen_by, rc_descriptions[m], rc_names[m], opts[i].option);
        else
            fprintf(stderr, "hwenc: %s needs a rate-controlled mode (--bitrate%s): the default constant QP "
                    "does not use it\n", opts[i].option, i == 4 ? ", or --crf with --vbv-maxrate" : " or --crf");
        return -1;
    }
    return 0;
}

static const cli_option options[] = {
    { "qp", 0, required_argument, set_qp },
    { "crf", 0, required_argument, set_crf },
    { "bitrate", 0, required_argument, set_bitrate },
    { "vbv-maxrate", 0, required_argument, set_vbv_maxrate },
    { "vbv-bufsize", 0, required_argument, set_vbv_bufsize },
    { "rc", 0, required_argument, set_rc },
    { "nal-hrd", 0, required_argument, set_nal_hrd },
    { "roi", 0, required_argument, set_roi },
    { NULL, 0, 0, NULL },
};

const cli_option_topic cli_options_rate = {
    .options = options,
    .check = check_rc,
    .help = "rate control:\n"
            "  --qp N                constant QP of P frames, 0..51 (default 23; I frames get QP-3)\n"
            "  --crf F               constant quality, 0..51 (fractional)\n"
            "  --bitrate K           average bitrate in kb/s (one-pass ABR)\n"
            "  --vbv-maxrate K       VBV peak rate in kb/s (with --bitrate: VBR; equal to it: CBR)\n"
            "  --vbv-bufsize K       VBV buffer in kbit (default one second at the peak rate)\n"
            "  --rc MODE             force cqp, crf, abr, cbr or vbr\n"
            "  --nal-hrd MODE        none (default), vbr or cbr: HRD parameters and buffering-period and\n"
            "                        picture-timing SEI (x264's --nal-hrd); cbr pads with filler data\n"
            "                        to exactly --bitrate (needs --rc cbr); CPU backend, see the\n"
            "                        backends' READMEs for the others\n"
            "  --roi FILE            region-of-interest QP offsets, CSV lines\n"
            "                        first_frame,last_frame,x,y,width,height,qp_offset (pixels; last_frame -1:\n"
            "                        to the end; offset -51..51, negative = better); README: Regions of interest\n",
};
