/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwenc/hwenc.h"
#include "tools/media/input.h"
#include "tools/media/demux.h"
#include "tools/json_write.h"
#include "tools/media/join.h"
#include "tools/media_cmds.h"
#include "tools/media/timeline.h"

static void probe_usage(FILE *f)
{
    fprintf(f, "usage: hwenc probe INPUT\n"
               "Prints INPUT's video as JSON: file, codec, width, height, frames, fps (nominal, NUM/DEN),\n"
               "time_base, first_pts, duration_s, video_bytes, bitrate_kbps, and container (false for\n"
               "Y4M). fps, time_base and first_pts are null for a raw H.264 stream, whose frames have\n"
               "no times. Nothing is decoded: a Y4M file is read through, a container's video packets\n"
               "are counted. hwenc slurm plans segments from it; hwenc batch describes the outputs an\n"
               "earlier run completed with it.\n");
}

/* t is NULL for a stream whose frames have no times (raw H.264): its
 * frames are libavformat's packet count and the times are null. */
static void print_probe(const char *path, const media_timeline *t, const media_probe_info *info)
{
    fputs("{\n  \"file\": ", stdout);
    json_write_string(stdout, path);
    fputs(",\n  \"codec\": ", stdout);
    json_write_string(stdout, info->codec);
    if (t) {
        const media_video_desc *d = &t->desc;
        printf(",\n  \"width\": %d,\n  \"height\": %d,\n  \"frames\": %lld,\n  \"fps\": \"%d/%d\",\n"
               "  \"time_base\": \"%d/%d\",\n  \"first_pts\": %lld",
               d->info.width, d->info.height, (long long)t->frames, d->info.fps_num > 0 ? d->info.fps_num : 25,
               d->info.fps_num > 0 ? d->info.fps_den : 1, d->tb_num, d->tb_den,
               (long long)(t->frames ? t->pts[0] : 0));
    } else {
        printf(",\n  \"width\": %d,\n  \"height\": %d,\n  \"frames\": %lld,\n  \"fps\": null,\n"
               "  \"time_base\": null,\n  \"first_pts\": null",
               info->width, info->height, (long long)info->frames);
    }
    fputs(",\n  \"duration_s\": ", stdout);
    json_write_number(stdout, info->seconds, 3, info->seconds > 0);
    printf(",\n  \"video_bytes\": %lld,\n  \"bitrate_kbps\": ", (long long)info->bytes);
    json_write_number(stdout, info->bytes * 8.0 / info->seconds / 1000.0, 2, info->seconds > 0);
    printf(",\n  \"container\": %s\n}\n", !t || t->container ? "true" : "false");
}

/* The codec, bytes and duration come from libavformat's view of the file,
 * the frames and times from the timeline (what a join and a planner use)
 * where the frames have times. */
int cmd_probe(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
            probe_usage(stdout);
            return 0;
        }
        probe_usage(stderr);
        return 2;
    }
    media_timeline t;
    media_probe_info info;
    char err[1024];
    if (media_probe(argv[1], &info, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s: %s\n", argv[1], err);
        return 1;
    }
    int timed = media_timeline_read(&t, argv[1], err, sizeof(err)) == 0;
    print_probe(argv[1], timed ? &t : NULL, &info);
    if (timed)
        media_timeline_free(&t);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hwenc: writing stdout failed: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static void join_usage(FILE *f)
{
    fprintf(f,
            "usage: hwenc join --source INPUT -o OUTPUT [--faststart] [--no-audio] [--quiet] SEGMENT.264...\n"
            "\n"
            "Joins segments encoded alone from INPUT (hwenc encode --start-frame/--frames: raw Annex B,\n"
            "each opening with an IDR, all with the same SPS/PPS), in the order given, without\n"
            "re-encoding. OUTPUT .mp4, .mkv, .ts, ... gets the video with INPUT's timestamps (a variable\n"
            "frame rate survives; a Y4M input's frame rate) and INPUT's audio and subtitles copied\n"
            "packet for packet; any other name gets raw Annex B. The segments' frames must add up to\n"
            "INPUT's frames, or nothing is written.\n");
}

int cmd_join(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "source", required_argument, NULL, 's' }, { "output", required_argument, NULL, 'o' },
        { "faststart", no_argument, NULL, 'f' },     { "no-audio", no_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },         { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    media_join_options o = { 0 };
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o.source = optarg; break;
        case 'o': o.output = optarg; break;
        case 'f': o.mux.faststart = 1; break;
        case 'n': o.mux.no_audio = 1; break;
        case 'q': quiet = 1; break;
        case 'h': join_usage(stdout); return 0;
        default: join_usage(stderr); return 2;
        }
    }
    if (!o.source || !o.output || optind >= argc) {
        fprintf(stderr, "hwenc join: %s\n", !o.source ? "--source names the input the segments come from"
                                            : !o.output ? "-o names the joined output" : "no segment to join");
        join_usage(stderr);
        return 2;
    }
    o.segments = argv + optind;
    o.segment_count = argc - optind;
    for (int i = 0; i < o.segment_count; i++)
        if (!strcmp(o.segments[i], o.output) || !strcmp(o.source, o.output)) {
            fprintf(stderr, "hwenc join: -o %s would overwrite an input\n", o.output);
            return 2;
        }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    media_join_result res;
    char err[1024];
    if (media_join(&o, &res, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc join: %s\n", err);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet)
        fprintf(stderr, "hwenc join: %s: %lld frames from %d segments (dts delay %d) in %.3f s\n", o.output,
                res.frames, res.segments, res.reorder_delay,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return 0;
}

static void scenes_usage(FILE *f)
{
    fprintf(f,
            "usage: hwenc scenes INPUT [--scenecut N] [--min-frames M] [--max-frames K] [--cpu-mask LEVEL]\n"
            "\n"
            "Prints, on one line separated by commas, the frames where an encoder with --scenecut N\n"
            "(default 40), --min-keyint M (default 25) and --keyint K (default: none, -1) would place\n"
            "an IDR: frame 0, the scene cuts at least M frames after the last, and a frame K after it\n"
            "where no cut came first. The frames are analysed as the encoder analyses them; nothing is\n"
            "encoded. `hwenc slurm submit --split scenes` starts its segments there.\n");
}

static int scenes_number(const char *arg, const char *name, int min, int max, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < min || v > max) {
        fprintf(stderr, "hwenc scenes: %s '%s' must be a whole number %d to %d\n", name, arg, min, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cmd_scenes(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "scenecut", required_argument, NULL, 's' },   { "min-frames", required_argument, NULL, 'm' },
        { "max-frames", required_argument, NULL, 'k' }, { "cpu-mask", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },             { NULL, 0, NULL, 0 },
    };
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.keyint = -1;
    cfg.min_keyint = 25;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': if (scenes_number(optarg, "--scenecut", 1, 100, &cfg.scenecut) < 0) return 2; break;
        case 'm': if (scenes_number(optarg, "--min-frames", 1, 1 << 30, &cfg.min_keyint) < 0) return 2; break;
        case 'k': if (scenes_number(optarg, "--max-frames", 1, 1 << 30, &cfg.keyint) < 0) return 2; break;
        case 'c': cfg.cpu_level = optarg; break;
        case 'h': scenes_usage(stdout); return 0;
        default: scenes_usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        scenes_usage(stderr);
        return 2;
    }
    const char *path = argv[optind];
    media_input in;
    char err[1024];
    if (media_input_open(&in, path, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc scenes: %s: %s\n", path, err);
        return 1;
    }
    cfg.width = in.desc.info.width;
    cfg.height = in.desc.info.height;
    hwenc_scene_detector *d = NULL;
    int ret = 1, r;
    if (hwenc_scene_detector_open(&cfg, &d, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc scenes: %s\n", err);
        goto done;
    }
    video_picture pic;
    int64_t pts;
    const char *sep = "";
    int64_t n = 0;
    while ((r = media_input_read(&in, &pic, &pts, NULL, NULL, err, sizeof(err))) == 1) {
        hwenc_frame frame = { .plane = { pic.plane[0], pic.plane[1], pic.plane[2] },
                              .stride = { pic.stride[0], pic.stride[1], pic.stride[2] } };
        int idr = hwenc_scene_detector_push(d, &frame);
        if (idr < 0) {
            fprintf(stderr, "hwenc scenes: %s: frame %lld: %s\n", path, (long long)n, hwenc_error_string(idr));
            goto done;
        }
        if (idr) {
            printf("%s%lld", sep, (long long)n);
            sep = ",";
        }
        n++;
    }
    if (r < 0) {
        fprintf(stderr, "hwenc scenes: %s: %s\n", path, err);
        goto done;
    }
    printf("\n");
    ret = fflush(stdout) || ferror(stdout);
    if (ret)
        fprintf(stderr, "hwenc scenes: writing stdout failed\n");
done:
    hwenc_scene_detector_close(d);
    media_input_close(&in);
    return ret;
}
