/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Options of `hwenc encode`: input, output and what is written beside it.
 */
#include <getopt.h>

#include "tools/cli_args.h"
#include "tools/media/mux.h"
#include "tools/media/video_io.h"
#include "tools/options/options.h"

static const int big = 1 << 30;

static int set_output(cli_options *o, const char *arg)
{
    o->output = arg;
    return 0;
}

static int set_faststart(cli_options *o, const char *arg)
{
    (void)arg;
    o->mux.faststart = 1;
    return 0;
}

static int set_no_audio(cli_options *o, const char *arg)
{
    (void)arg;
    o->mux.no_audio = 1;
    return 0;
}

static int set_size(cli_options *o, const char *arg)
{
    int pair[2];
    int ret = cli_parse_ints("--size", arg, 'x', 2, 2, 1, VIDEO_IO_MAX_DIM, "WxH like 1280x720, each 1 to 16384", pair);
    o->raw_width = pair[0];
    o->raw_height = pair[1];
    o->given.size = 1;
    return ret < 0 ? -1 : 0;
}

static int set_fps(cli_options *o, const char *arg)
{
    int pair[2];
    int n = cli_parse_ints("--fps", arg, '/', 1, 2, 1, big, "N or N/D like 25 or 30000/1001, each 1 to 2^30", pair);
    o->fps_num = pair[0];
    o->fps_den = n == 2 ? pair[1] : 1;
    o->given.fps = 1;
    return n < 0 ? -1 : 0;
}

static int set_frames(cli_options *o, const char *arg)
{
    int v;
    int ret = cli_parse_int("--frames", arg, 1, big, &v);
    o->max_frames = v;
    return ret;
}

static int set_start_frame(cli_options *o, const char *arg)
{
    int v;
    int ret = cli_parse_int("--start-frame", arg, 0, big, &v);
    o->seg.start_frame = v;
    return ret;
}

static int set_force_idr(cli_options *o, const char *arg)
{
    return segment_parse_idr_frames(&o->seg, arg);
}

static int set_recon(cli_options *o, const char *arg)
{
    o->recon = arg;
    return 0;
}

static int set_quiet(cli_options *o, const char *arg)
{
    (void)arg;
    o->quiet = 1;
    return 0;
}

static int set_verbose(cli_options *o, const char *arg)
{
    (void)arg;
    o->verbose++;
    return 0;
}

static int set_stats(cli_options *o, const char *arg)
{
    o->stats = arg;
    return 0;
}

static int set_psnr(cli_options *o, const char *arg)
{
    (void)arg;
    o->psnr = 1;
    return 0;
}

static int check_io(cli_options *o)
{
    if (o->given.fps && !o->given.size) {
        fprintf(stderr, "hwenc: --fps sets the rate of raw input (with --size); a Y4M file gives its own\n");
        return -1;
    }
    if (o->mux.faststart && !media_container_name(o->output)) {
        fprintf(stderr, "hwenc: --faststart needs an .mp4 or .mov output, not raw H.264\n");
        return -1;
    }
    return 0;
}

static const cli_option options[] = {
    { "output", 'o', required_argument, set_output },
    { "faststart", 0, no_argument, set_faststart },
    { "no-audio", 0, no_argument, set_no_audio },
    { "size", 0, required_argument, set_size },
    { "fps", 0, required_argument, set_fps },
    { "frames", 0, required_argument, set_frames },
    { "start-frame", 0, required_argument, set_start_frame },
    { "force-idr", 0, required_argument, set_force_idr },
    { "recon", 0, required_argument, set_recon },
    { "verbose", 'v', no_argument, set_verbose },
    { "quiet", 0, no_argument, set_quiet },
    { "stats", 0, required_argument, set_stats },
    { "psnr", 0, no_argument, set_psnr },
    { NULL, 0, 0, NULL },
};

const cli_option_topic cli_options_io = {
    .options = options,
    .check = check_io,
    .help = "input and output:\n"
            "  -o, --output FILE     .mp4, .mkv, .mov, .ts, ...: that container; .264, .h264, any other\n"
            "                        name or '-' (stdout): raw Annex B H.264. A file is written under a\n"
            "                        temporary name beside it, renamed when complete\n"
            "  --faststart           mp4/mov: the index (moov) before the media, for progressive playback\n"
            "  --no-audio            leave the input's audio streams out\n"
            "  --size WxH            size of raw input\n"
            "  --fps N[/D]           frame rate of raw input (default 25)\n"
            "  --frames N            encode at most N frames\n"
            "  --start-frame N       skip the first N frames of the input (a segment of a chunked encode)\n"
            "  --force-idr LIST      make these input frames IDRs, e.g. 250,500 (segment starts)\n"
            "  --recon FILE.y4m      write the encoder's reconstruction\n"
            "  -v, --verbose         say which backend was chosen and why (-vv: every frame's QP,\n"
            "                        size and VBV fill)\n"
            "  --quiet               no progress line, no summary and no warnings (errors only)\n"
            "  --stats FILE          write a JSON summary of the encode (backend, device, frames, fps, bitrate)\n"
            "  --psnr                put the PSNR into --stats\n",
};
