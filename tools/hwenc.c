/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The `hwenc` command line: encode a Y4M or raw I420 file to an Annex B
 * .264 file with the best available backend, and list the backends.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "hwenc/hwenc.h"
#include "helper_exec.h"
#include "metrics_dsp.h"
#include "video_io.h"

typedef struct cli_options {
    const char *input, *output, *recon;
    int raw_width, raw_height;
    int fps_num, fps_den;
    int64_t max_frames;
    int quiet;
    hwenc_config cfg;
} cli_options;

/* Source frames wait here until their packet (and its reconstruction)
 * comes back, which hardware backends may delay and B frames reorder:
 * packets carry the display index as pts. With --recon, reconstructions
 * wait here too, to be written in display order. */
#define PENDING_MAX 64

typedef struct pending_frame {
    uint8_t *source;
    uint8_t *recon;              /* allocated on first use */
    int done;                    /* its packet came back */
    int have_recon;
} pending_frame;

typedef struct encode_state {
    const cli_options *opt;
    hwenc_encoder *enc;
    FILE *out;
    video_writer *recon;
    pending_frame pending[PENDING_MAX];
    int64_t pending_first, pending_count;
    size_t frame_size;
    int64_t frames_in, packets, bytes;
    double sse[3];
    psnr_ssim_dsp metrics;       /* for the PSNR summary */
    int64_t psnr_frames;
    int have_recon;
    double start;
} encode_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hwenc encode INPUT -o OUTPUT.264 [options]\n"
            "       hwenc list-backends [--device DEV]\n"
            "       hwenc validate [--backend NAME] [--device DEV] [options]   (hwenc validate --help)\n"
            "\n"
            "INPUT is a Y4M file (4:2:0, 8-bit, progressive) or raw I420 with --size; '-' is stdin.\n"
            "\n"
            "options:\n"
            "  -o, --output FILE     Annex B H.264 output ('-' for stdout)\n"
            "  --backend NAME        auto (default), vaapi, nvenc, vulkan, cpu\n"
            "  --device DEV          render node (/dev/dri/renderD128) or GPU index\n"
            "  --qp N                constant QP of P frames, 0..51 (default 23; I frames get QP-3)\n"
            "  --crf F               constant quality, 0..51 (fractional)\n"
            "  --bitrate K           average bitrate in kb/s (one-pass ABR)\n"
            "  --vbv-maxrate K       VBV peak rate in kb/s (with --bitrate: VBR; equal to it: CBR)\n"
            "  --vbv-bufsize K       VBV buffer in kbit (default one second at the peak rate)\n"
            "  --rc MODE             force cqp, crf, abr, cbr or vbr\n"
            "  --min-keyint N        minimum IDR interval for scene cuts (default keyint/10)\n"
            "  --scenecut N          scene-cut sensitivity 0..100 (default 40; 0 = off)\n"
            "  --no-deblock          switch the in-loop deblocking filter off\n"
            "  --deblock A:B         deblocking strength offsets, -6..6 each (default 0:0)\n"
            "  --low-latency         one frame in, one packet out\n"
            "  --cpu-mask LEVEL      highest SIMD level: c, sse2, ssse3, sse4.1, avx2, avx512\n"
            "  --keyint N            maximum IDR interval in frames (default 250; -1: first frame only)\n"
            "  --ref N               reference frames, 1..16 (default 1)\n"
            "  --bframes N           B frames between P frames, 0..16 (default 0)\n"
            "  --preset NAME         ultrafast, superfast, veryfast, faster, fast, medium (default)\n"
            "  --profile NAME        baseline (Constrained), main, high (default); CPU backend only\n"
            "  --no-cabac            CAVLC instead of CABAC (ultrafast's choice)\n"
            "  --no-8x8dct           4x4 transforms only (ultrafast's choice)\n"
            "  --threads N           CPU threads, 0 = all cores\n"
            "  --size WxH            size of raw input\n"
            "  --fps N[/D]           frame rate of raw input (default 25)\n"
            "  --frames N            encode at most N frames\n"
            "  --recon FILE.y4m      write the encoder's reconstruction\n"
            "  --quiet               no progress line and no summary\n");
}

static int parse_int(const char *s, const char *name, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "hwenc: %s '%s' must be an integer from %d to %d\n", name, s, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_options(int argc, char **argv, cli_options *o)
{
    enum { OPT_BACKEND = 256, OPT_DEVICE, OPT_QP, OPT_KEYINT, OPT_REF, OPT_PRESET, OPT_THREADS, OPT_SIZE,
           OPT_FPS, OPT_FRAMES, OPT_RECON, OPT_QUIET, OPT_CRF, OPT_BITRATE, OPT_VBV_MAXRATE, OPT_VBV_BUFSIZE,
           OPT_RC, OPT_MIN_KEYINT, OPT_SCENECUT, OPT_NO_DEBLOCK, OPT_LOW_LATENCY, OPT_CPU_MASK, OPT_DEBLOCK,
           OPT_BFRAMES, OPT_PROFILE, OPT_NO_CABAC, OPT_NO_8x8DCT };
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "backend", required_argument, NULL, OPT_BACKEND },
        { "device", required_argument, NULL, OPT_DEVICE },
        { "qp", required_argument, NULL, OPT_QP },
        { "keyint", required_argument, NULL, OPT_KEYINT },
        { "ref", required_argument, NULL, OPT_REF },
        { "bframes", required_argument, NULL, OPT_BFRAMES },
        { "preset", required_argument, NULL, OPT_PRESET },
        { "profile", required_argument, NULL, OPT_PROFILE },
        { "no-cabac", no_argument, NULL, OPT_NO_CABAC },
        { "no-8x8dct", no_argument, NULL, OPT_NO_8x8DCT },
        { "threads", required_argument, NULL, OPT_THREADS },
        { "size", required_argument, NULL, OPT_SIZE },
        { "fps", required_argument, NULL, OPT_FPS },
        { "frames", required_argument, NULL, OPT_FRAMES },
        { "recon", required_argument, NULL, OPT_RECON },
        { "quiet", no_argument, NULL, OPT_QUIET },
        { "crf", required_argument, NULL, OPT_CRF },
        { "bitrate", required_argument, NULL, OPT_BITRATE },
        { "vbv-maxrate", required_argument, NULL, OPT_VBV_MAXRATE },
        { "vbv-bufsize", required_argument, NULL, OPT_VBV_BUFSIZE },
        { "rc", required_argument, NULL, OPT_RC },
        { "min-keyint", required_argument, NULL, OPT_MIN_KEYINT },
        { "scenecut", required_argument, NULL, OPT_SCENECUT },
        { "no-deblock", no_argument, NULL, OPT_NO_DEBLOCK },
        { "deblock", required_argument, NULL, OPT_DEBLOCK },
        { "low-latency", no_argument, NULL, OPT_LOW_LATENCY },
        { "cpu-mask", required_argument, NULL, OPT_CPU_MASK },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, v, rc_forced = -1, have_crf = 0;
    hwenc_config_default(&o->cfg);
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->output = optarg; break;
        case OPT_BACKEND:
            if ((v = hwenc_backend_from_name(optarg)) < 0) {
                fprintf(stderr, "hwenc: unknown backend '%s' (auto, vaapi, nvenc, vulkan, cpu)\n", optarg);
                return -1;
            }
            o->cfg.backend = (enum hwenc_backend)v;
            break;
        case OPT_DEVICE: o->cfg.device = optarg; break;
        case OPT_QP: if (parse_int(optarg, "--qp", 0, 51, &o->cfg.qp) < 0) return -1; break;
        case OPT_KEYINT: if (parse_int(optarg, "--keyint", -1, 1 << 30, &o->cfg.keyint) < 0) return -1; break;
        case OPT_REF: if (parse_int(optarg, "--ref", 1, 16, &o->cfg.ref_frames) < 0) return -1; break;
        case OPT_BFRAMES: if (parse_int(optarg, "--bframes", 0, 16, &o->cfg.bframes) < 0) return -1; break;
        case OPT_THREADS: if (parse_int(optarg, "--threads", 0, 256, &o->cfg.threads) < 0) return -1; break;
        case OPT_PRESET:
            if ((v = hwenc_preset_from_name(optarg)) < 0) {
                fprintf(stderr, "hwenc: unknown preset '%s' (ultrafast, superfast, veryfast, faster, fast, medium)\n",
                        optarg);
                return -1;
            }
            o->cfg.preset = (enum hwenc_preset)v;
            break;
        case OPT_PROFILE:
            if ((v = hwenc_profile_from_name(optarg)) < 0) {
                fprintf(stderr, "hwenc: unknown profile '%s' (baseline, main, high)\n", optarg);
                return -1;
            }
            o->cfg.profile = v;
            break;
        case OPT_NO_CABAC: o->cfg.cabac = 0; break;
        case OPT_NO_8x8DCT: o->cfg.transform_8x8 = 0; break;
        case OPT_SIZE:
            if (sscanf(optarg, "%dx%d", &o->raw_width, &o->raw_height) != 2 || o->raw_width <= 0 ||
                o->raw_height <= 0) {
                fprintf(stderr, "hwenc: --size '%s' must look like 1280x720\n", optarg);
                return -1;
            }
            break;
        case OPT_FPS: {
            int n = sscanf(optarg, "%d/%d", &o->fps_num, &o->fps_den);
            if (n < 1 || o->fps_num <= 0 || (n == 2 && o->fps_den <= 0)) {
                fprintf(stderr, "hwenc: --fps '%s' must look like 25 or 30000/1001\n", optarg);
                return -1;
            }
            if (n == 1)
                o->fps_den = 1;
            break;
        }
        case OPT_FRAMES: {
            int n;
            if (parse_int(optarg, "--frames", 1, 1 << 30, &n) < 0)
                return -1;
            o->max_frames = n;
            break;
        }
        case OPT_RECON: o->recon = optarg; break;
        case OPT_CRF: {
            char *end;
            o->cfg.crf = strtod(optarg, &end);
            if (*end || end == optarg) {
                fprintf(stderr, "hwenc: --crf '%s' must be a number from 0 to 51\n", optarg);
                return -1;
            }
            have_crf = 1;
            break;
        }
        case OPT_BITRATE: if (parse_int(optarg, "--bitrate", 1, 1 << 30, &o->cfg.bitrate_kbps) < 0) return -1; break;
        case OPT_VBV_MAXRATE:
            if (parse_int(optarg, "--vbv-maxrate", 1, 1 << 30, &o->cfg.vbv_maxrate_kbps) < 0)
                return -1;
            break;
        case OPT_VBV_BUFSIZE:
            if (parse_int(optarg, "--vbv-bufsize", 1, 1 << 30, &o->cfg.vbv_bufsize_kbits) < 0)
                return -1;
            break;
        case OPT_RC: {
            static const char *const modes[] = { "cqp", "crf", "abr", "cbr", "vbr" };
            for (int i = 0; i < 5; i++)
                if (!strcmp(optarg, modes[i]))
                    rc_forced = i;
            if (rc_forced < 0) {
                fprintf(stderr, "hwenc: --rc '%s' must be cqp, crf, abr, cbr or vbr\n", optarg);
                return -1;
            }
            break;
        }
        case OPT_MIN_KEYINT: if (parse_int(optarg, "--min-keyint", 1, 1 << 30, &o->cfg.min_keyint) < 0) return -1; break;
        case OPT_SCENECUT: if (parse_int(optarg, "--scenecut", 0, 100, &o->cfg.scenecut) < 0) return -1; break;
        case OPT_NO_DEBLOCK: o->cfg.deblock = 0; break;
        case OPT_DEBLOCK:
            if (sscanf(optarg, "%d:%d", &o->cfg.deblock_alpha, &o->cfg.deblock_beta) != 2) {
                fprintf(stderr, "hwenc: --deblock '%s' must look like -1:1\n", optarg);
                return -1;
            }
            break;
        case OPT_LOW_LATENCY: o->cfg.low_latency = 1; break;
        case OPT_CPU_MASK: o->cfg.cpu_level = optarg; break;
        case OPT_QUIET: o->quiet = 1; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc - 1 || !o->output) {
        usage(stderr);
        return -1;
    }
    /* The mode follows from the options as in x264, unless --rc names it. */
    if (rc_forced >= 0)
        o->cfg.rc_mode = (enum hwenc_rate_control)rc_forced;
    else if (have_crf)
        o->cfg.rc_mode = HWENC_RC_CRF;
    else if (o->cfg.bitrate_kbps && o->cfg.vbv_maxrate_kbps == o->cfg.bitrate_kbps)
        o->cfg.rc_mode = HWENC_RC_CBR;
    else if (o->cfg.bitrate_kbps && o->cfg.vbv_maxrate_kbps)
        o->cfg.rc_mode = HWENC_RC_VBR;
    else if (o->cfg.bitrate_kbps)
        o->cfg.rc_mode = HWENC_RC_ABR;
    o->input = argv[optind];
    return 0;
}

static void copy_i420(uint8_t *dst, const uint8_t *const plane[3], const ptrdiff_t stride[3], int width, int height)
{
    for (int p = 0; p < 3; p++) {
        int w = p ? width / 2 : width, h = p ? height / 2 : height;
        for (int y = 0; y < h; y++) {
            memcpy(dst, plane[p] + y * stride[p], (size_t)w);
            dst += w;
        }
    }
}

/* Writes the reconstructions of the frames at the head of the queue whose
 * packets have come back, in display order, and frees their places. */
static int retire_frames(encode_state *st)
{
    const hwenc_config *cfg = &st->opt->cfg;
    while (st->pending_count && st->pending[st->pending_first % PENDING_MAX].done) {
        pending_frame *f = &st->pending[st->pending_first % PENDING_MAX];
        if (st->recon && f->have_recon) {
            const uint8_t *plane[3] = { f->recon, f->recon + cfg->width * cfg->height,
                                        f->recon + cfg->width * cfg->height * 5 / 4 };
            ptrdiff_t stride[3] = { cfg->width, cfg->width / 2, cfg->width / 2 };
            if (video_writer_write(st->recon, plane, stride) < 0) {
                fprintf(stderr, "hwenc: writing %s failed\n", st->opt->recon);
                return -1;
            }
        }
        f->done = f->have_recon = 0;
        st->pending_first++;
        st->pending_count--;
    }
    return 0;
}

static int handle_packet(encode_state *st, const hwenc_packet *pkt)
{
    const hwenc_config *cfg = &st->opt->cfg;
    if (fwrite(pkt->data, 1, pkt->size, st->out) != pkt->size) {
        fprintf(stderr, "hwenc: writing %s failed: %s\n", st->opt->output, strerror(errno));
        return -1;
    }
    st->bytes += (int64_t)pkt->size;
    st->packets++;
    if (pkt->pts < st->pending_first || pkt->pts >= st->pending_first + st->pending_count) {
        fprintf(stderr, "hwenc: the encoder returned a packet with pts %lld, which is no frame in flight\n",
                (long long)pkt->pts);
        return -1;
    }
    pending_frame *f = &st->pending[pkt->pts % PENDING_MAX];
    f->done = 1;
    if (pkt->recon[0]) {
        st->have_recon = 1;
        const uint8_t *src = f->source;
        const uint8_t *sp[3] = { src, src + cfg->width * cfg->height, src + cfg->width * cfg->height * 5 / 4 };
        ptrdiff_t ss[3] = { cfg->width, cfg->width / 2, cfg->width / 2 };
        for (int p = 0; p < 3; p++) {
            int w = p ? cfg->width / 2 : cfg->width, h = p ? cfg->height / 2 : cfg->height;
            st->sse[p] += (double)st->metrics.ssd(sp[p], ss[p], pkt->recon[p], pkt->recon_stride[p], w, h);
        }
        st->psnr_frames++;
        if (st->recon) {
            if (!f->recon && !(f->recon = malloc(st->frame_size))) {
                fprintf(stderr, "hwenc: out of memory\n");
                return -1;
            }
            copy_i420(f->recon, pkt->recon, pkt->recon_stride, cfg->width, cfg->height);
            f->have_recon = 1;
        }
    }
    return retire_frames(st);
}

static int drain_packets(encode_state *st)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(st->enc, &pkt)) == 0)
        if (handle_packet(st, &pkt) < 0)
            return -1;
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return 0;
    fprintf(stderr, "hwenc: encoding failed: %s (%s)\n", hwenc_last_error(st->enc), hwenc_error_string(ret));
    return -1;
}

static void keep_source(encode_state *st, const video_picture *pic)
{
    const hwenc_config *cfg = &st->opt->cfg;
    pending_frame *f = &st->pending[(st->pending_first + st->pending_count) % PENDING_MAX];
    copy_i420(f->source, (const uint8_t *const *)pic->plane, pic->stride, cfg->width, cfg->height);
    st->pending_count++;
}

static void show_progress(const encode_state *st, int64_t total, int final)
{
    const hwenc_config *cfg = &st->opt->cfg;
    double elapsed = now_seconds() - st->start;
    double fps = elapsed > 0 ? (double)st->frames_in / elapsed : 0;
    double kbps = st->packets ? st->bytes * 8.0 * cfg->fps_num / cfg->fps_den / (double)st->packets / 1000.0 : 0;
    char eta[32] = "";
    if (total > 0 && fps > 0 && !final)
        snprintf(eta, sizeof(eta), ", eta %.0fs", (double)(total - st->frames_in) / fps);
    fprintf(stderr, "\r%lld frames, %.1f fps, %.1f kb/s%s   %s", (long long)st->frames_in, fps, kbps, eta,
            final ? "\n" : "");
}

/* Frames in a regular Y4M file, estimated from its size (0 if unknown). */
static int64_t estimate_frames(const char *path, size_t frame_size)
{
    struct stat sb;
    if (!strcmp(path, "-") || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
        return 0;
    return (int64_t)sb.st_size / (int64_t)(frame_size + 6);
}

static void print_summary(const encode_state *st)
{
    const hwenc_config *cfg = &st->opt->cfg;
    double elapsed = now_seconds() - st->start;
    double seconds = (double)st->packets * cfg->fps_den / cfg->fps_num;
    fprintf(stderr, "backend: %s\n", hwenc_backend_name(hwenc_get_backend(st->enc)));
    fprintf(stderr, "frames: %lld, %.2f kb/s, %.1f fps\n", (long long)st->packets,
            seconds > 0 ? st->bytes * 8.0 / seconds / 1000.0 : 0.0,
            elapsed > 0 ? (double)st->frames_in / elapsed : 0.0);
    if (st->have_recon && st->psnr_frames) {
        double n[3] = { (double)cfg->width * cfg->height, (double)cfg->width * cfg->height / 4,
                        (double)cfg->width * cfg->height / 4 };
        double psnr[3];
        for (int p = 0; p < 3; p++) {
            double mse = st->sse[p] / (n[p] * (double)st->psnr_frames);
            psnr[p] = mse > 0 ? 10.0 * log10(255.0 * 255.0 / mse) : 99.0;
        }
        fprintf(stderr, "PSNR (global): Y %.3f  U %.3f  V %.3f\n", psnr[0], psnr[1], psnr[2]);
    }
}

static int encode_loop(encode_state *st, video_reader *reader)
{
    const cli_options *o = st->opt;
    int64_t total = estimate_frames(o->input, st->frame_size);
    if (o->max_frames && (total == 0 || total > o->max_frames))
        total = o->max_frames;
    int show = !o->quiet && isatty(2);
    double last_shown = 0;
    char err[256];
    video_picture pic;
    int ret;

    while (!o->max_frames || st->frames_in < o->max_frames) {
        ret = video_reader_read(reader, &pic, err, sizeof(err));
        if (ret == 0)
            break;
        if (ret == VIDEO_IO_TRUNCATED) {
            fprintf(stderr, "hwenc: warning: %s; the %lld complete frames are encoded\n", err,
                    (long long)st->frames_in);
            break;
        }
        if (ret < 0) {
            fprintf(stderr, "hwenc: %s: %s\n", o->input, err);
            return -1;
        }
        if (st->pending_count == PENDING_MAX) {
            fprintf(stderr, "hwenc: the backend holds more than %d frames\n", PENDING_MAX);
            return -1;
        }
        hwenc_frame frame = { .pts = st->frames_in };
        for (int p = 0; p < 3; p++) {
            frame.plane[p] = pic.plane[p];
            frame.stride[p] = pic.stride[p];
        }
        keep_source(st, &pic);
        while ((ret = hwenc_send_frame(st->enc, &frame)) == HWENC_EAGAIN)
            if (drain_packets(st) < 0)
                return -1;
        if (ret < 0) {
            fprintf(stderr, "hwenc: frame %lld: %s (%s)\n", (long long)st->frames_in, hwenc_last_error(st->enc),
                    hwenc_error_string(ret));
            drain_packets(st);
            return -1;
        }
        st->frames_in++;
        if (drain_packets(st) < 0)
            return -1;
        if (show && now_seconds() - last_shown > 0.25) {
            show_progress(st, total, 0);
            last_shown = now_seconds();
        }
    }
    if (hwenc_send_frame(st->enc, NULL) < 0 || drain_packets(st) < 0)
        return -1;
    if (show)
        show_progress(st, total, 1);
    return 0;
}

static int cmd_encode(int argc, char **argv)
{
    cli_options o = { 0 };
    encode_state st = { .opt = &o };
    psnr_ssim_dsp_init(&st.metrics, cpu_detect());
    video_reader *reader = NULL;
    char err[1024];
    int ret = 1;

    if (parse_options(argc, argv, &o) < 0)
        return 2;
    video_info raw = { .width = o.raw_width, .height = o.raw_height, .fps_num = o.fps_num ? o.fps_num : 25,
                       .fps_den = o.fps_num ? o.fps_den : 1 };
    if (video_reader_open(&reader, o.input, o.raw_width ? &raw : NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s: %s\n", o.input, err);
        return 1;
    }
    const video_info *info = video_reader_info(reader);
    o.cfg.width = info->width;
    o.cfg.height = info->height;
    if (info->fps_num > 0 && info->fps_den > 0) {
        o.cfg.fps_num = info->fps_num;
        o.cfg.fps_den = info->fps_den;
    }
    o.cfg.sar_num = info->sar_num;
    o.cfg.sar_den = info->sar_den;
    o.cfg.colour.full_range = info->full_range;
    o.cfg.colour.chroma_sample_loc = info->chroma_siting == VIDEO_CHROMA_LEFT ? 0
                                     : info->chroma_siting == VIDEO_CHROMA_TOPLEFT ? 2 : 1;
    o.cfg.want_recon = 1;

    int open_ret = hwenc_open_ex(&o.cfg, &st.enc, err, sizeof(err));
    if (open_ret < 0) {
        fprintf(stderr, "hwenc: cannot open an encoder: %s\n", err);
        goto done;
    }
    st.frame_size = video_frame_size(info->width, info->height);
    for (int i = 0; i < PENDING_MAX; i++)
        if (!(st.pending[i].source = malloc(st.frame_size))) {
            fprintf(stderr, "hwenc: out of memory\n");
            goto done;
        }
    st.out = strcmp(o.output, "-") ? fopen(o.output, "wb") : stdout;
    if (!st.out) {
        fprintf(stderr, "hwenc: cannot create %s: %s\n", o.output, strerror(errno));
        goto done;
    }
    if (o.recon && video_writer_open(&st.recon, o.recon, info, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s: %s\n", o.recon, err);
        goto done;
    }
    st.start = now_seconds();
    if (encode_loop(&st, reader) < 0)
        goto done;
    if (o.recon && !st.have_recon)
        fprintf(stderr, "hwenc: warning: the %s backend gives no reconstruction; %s is empty\n",
                hwenc_backend_name(hwenc_get_backend(st.enc)), o.recon);
    if (!o.quiet)
        print_summary(&st);
    ret = 0;
done:
    if (st.out && st.out != stdout && fclose(st.out) != 0 && ret == 0) {
        fprintf(stderr, "hwenc: closing %s failed: %s\n", o.output, strerror(errno));
        ret = 1;
    }
    if (st.recon && video_writer_close(st.recon) < 0 && ret == 0)
        ret = 1;
    for (int i = 0; i < PENDING_MAX; i++) {
        free(st.pending[i].source);
        free(st.pending[i].recon);
    }
    hwenc_close(st.enc);
    video_reader_close(reader);
    return ret;
}

static int cmd_list_backends(int argc, char **argv)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = 1280;
    cfg.height = 720;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--device") && i + 1 < argc) {
            cfg.device = argv[++i];
        } else {
            fprintf(stderr, "usage: hwenc list-backends [--device DEV]\n");
            return 2;
        }
    }
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_probe(&cfg, info, HWENC_BACKEND_COUNT);
    printf("%-8s %-10s %-28s %s\n", "backend", "available", "device", "reason");
    for (int i = 0; i < n; i++) {
        printf("%-8s %-10s %-28s %s\n", hwenc_backend_name(info[i].backend), info[i].available ? "yes" : "no",
               info[i].device[0] ? info[i].device : "-", info[i].reason);
        if (info[i].driver[0])
            printf("%-8s %-10s driver: %s\n", "", "", info[i].driver);
        if (info[i].capabilities[0])
            printf("%-8s %-10s caps: %s\n", "", "", info[i].capabilities);
        /* What `auto` would find before trusting this backend. */
        char found[256];
        if (info[i].available && info[i].backend != HWENC_BACKEND_CPU)
            printf("%-8s %-10s test encode: %s: %s\n", "", "",
                   hwenc_test_encode(&cfg, info[i].backend, found, sizeof(found)) == 0 ? "passed" : "FAILED", found);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "encode"))
        return cmd_encode(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list-backends"))
        return cmd_list_backends(argc - 1, argv + 1);
    if (!strcmp(argv[1], "validate"))
        return exec_helper("hwenc-validate", argc - 1, argv + 1);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "hwenc: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
