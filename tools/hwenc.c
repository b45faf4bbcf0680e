/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The `hwenc` command line: encode a Y4M or raw I420 file to an Annex B
 * .264 file with the best available backend, and list the backends.
 *
 * Nothing is lost without an error: the outputs may not be the input (or
 * each other) under any name, every write and close is checked, an encode
 * without a frame fails, and an input error or SIGINT/SIGTERM still
 * flushes the encoder and finishes the output with every frame read.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/batch.h"
#include "tools/cli_args.h"
#include "tools/encode_stats.h"
#include "hwenc/hwenc.h"
#include "tools/helper_exec.h"
#include "tools/media/input.h"
#if HWENC_WITH_CONTAINERS
#include "tools/media_cmds.h"
#endif
#include "tools/media/metrics.h"
#include "tools/media/mux.h"
#include "tools/roi_file.h"
#include "tools/segment.h"
#include "tools/media/temp_output.h"
#include "tools/media/video_io.h"
#include "tools/options/options.h"

/* Source frames wait here until their packet (and its reconstruction)
 * comes back, which hardware backends may delay and B frames reorder:
 * packets carry the display index as pts. With --recon, reconstructions
 * wait here too, to be written in display order. */
#define PENDING_MAX 64

typedef struct pending_frame {
    uint8_t *source;
    uint8_t *recon;              /* allocated on first use */
    int64_t pts;                 /* the input's, which the packet carries back */
    int done;                    /* its packet came back */
    int have_recon;
} pending_frame;

typedef struct encode_state {
    const cli_options *opt;
    cli_log *log;
    hwenc_encoder *enc;
    const video_info *info;
    FILE *out;                   /* raw Annex B: opened with the first frame read */
    char *out_tmp;               /* its temporary name (temp_output.h), or NULL */
    media_mux *mux;              /* a container: opened before (written to a temporary name) */
    int outputs_open;
    const char *out_name;        /* for messages: the path, or "stdout" */
    video_writer *recon;
    pending_frame pending[PENDING_MAX];
    int64_t pending_first, pending_count;
    size_t frame_size;
    int64_t frames_in, packets, bytes;
    metrics_state metrics;       /* for the PSNR summary */
    roi_file roi;                /* --roi: the rectangles by frame */
    int have_recon;
    int out_failed, recon_failed; /* reported already */
    int input_failed;            /* the frames before the error are encoded */
    int failovers;               /* backend switches so far */
    int64_t vbv_overruns;        /* packets flagged vbv_overrun */
    double start;
} encode_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The library names hwenc_config fields (and values) in its messages; the
 * user of the command line knows them as the options that set them. */
static const struct { const char *field, *option; } field_options[] = {
    { "qp", "--qp" }, { "crf", "--crf" }, { "bitrate_kbps", "--bitrate" }, { "vbv_maxrate_kbps", "--vbv-maxrate" },
    { "vbv_bufsize_kbits", "--vbv-bufsize" }, { "rc_mode", "--rc" }, { "keyint", "--keyint" },
    { "min_keyint", "--min-keyint" }, { "scenecut", "--scenecut" }, { "ref_frames", "--ref" },
    { "bframes", "--bframes" }, { "low_latency", "--low-latency" }, { "threads", "--threads" },
    { "deblock_alpha", "--deblock" }, { "deblock_beta", "--deblock" }, { "cpu_level", "--cpu-mask" },
    { "profile", "--profile" }, { "nal_hrd", "--nal-hrd" }, { "failover_backend", "--failover" },
    { "HWENC_NAL_HRD_NONE", "none" }, { "HWENC_NAL_HRD_VBR", "vbr" }, { "HWENC_NAL_HRD_CBR", "cbr" },
    { "HWENC_RC_CQP", "cqp" }, { "HWENC_RC_CRF", "crf" }, { "HWENC_RC_ABR", "abr" }, { "HWENC_RC_CBR", "cbr" },
    { "HWENC_RC_VBR", "vbr" },
};

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The option for a field named by the word at p (n chars), or NULL; a word
 * that is part of a longer name ("--qp", "cfg.qp", "qp.x") is no field. */
static const char *option_of_field(const char *msg, const char *p, size_t n)
{
    if (p > msg && (p[-1] == '-' || p[-1] == '.'))
        return NULL;
    if ((p[n] == '.' || p[n] == '-') && is_word_char(p[n + 1]))
        return NULL;
    for (size_t i = 0; i < sizeof(field_options) / sizeof(field_options[0]); i++)
        if (strlen(field_options[i].field) == n && !memcmp(p, field_options[i].field, n))
            return field_options[i].option;
    return NULL;
}

/* MESSAGE with its field names as options, and a newline. */
static void print_translated(const char *msg)
{
    for (const char *p = msg; *p;) {
        size_t n = 0;
        while (is_word_char(p[n]))
            n++;
        if (!n) {
            fputc(*p++, stderr);
            continue;
        }
        const char *option = option_of_field(msg, p, n);
        if (option)
            fputs(option, stderr);
        else
            fwrite(p, 1, n, stderr);
        p += n;
    }
    fputc('\n', stderr);
}

/* Prints "hwenc: PREFIX: MESSAGE" with the field names in MESSAGE as options. */
static void print_library_error(const char *prefix, const char *msg)
{
    fprintf(stderr, "hwenc: %s: ", prefix);
    print_translated(msg);
}

/* hwenc_config.log_callback: warnings (and with -v info, -vv debug) on
 * stderr in the command line's terms. Errors come back from the calls
 * too, and are printed there with what was being done. */
static void log_message(void *opaque, enum hwenc_log_level level, const char *msg)
{
    cli_log *log = opaque;
    if (level == HWENC_LOG_ERROR)
        return;
    if (log->progress_line) {
        fputc('\n', stderr);
        log->progress_line = 0;
    }
    fputs(level == HWENC_LOG_DEBUG ? "hwenc: debug: " : "hwenc: ", stderr);
    print_translated(msg);
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
                fprintf(stderr, "hwenc: writing %s failed: %s\n", st->opt->recon, strerror(errno));
                st->recon_failed = 1;
                return -1;
            }
        }
        f->done = f->have_recon = 0;
        st->pending_first++;
        st->pending_count--;
    }
    return 0;
}

static int write_packet(encode_state *st, const hwenc_packet *pkt)
{
    char err[512];
    if (!st->mux) {
        if (fwrite(pkt->data, 1, pkt->size, st->out) == pkt->size)
            return 0;
        fprintf(stderr, "hwenc: writing %s failed: %s\n", st->out_name, strerror(errno));
        st->out_failed = 1;
        return -1;
    }
    uint8_t extradata[1024];
    int n = hwenc_get_extradata(st->enc, extradata, sizeof(extradata));
    if (n < 0 || (size_t)n > sizeof(extradata)) {
        fprintf(stderr, "hwenc: the stream does not begin with its SPS and PPS (%s)\n", hwenc_error_string(n));
        return -1;
    }
    if (media_mux_write_video(st->mux, pkt->data, pkt->size, pkt->pts, pkt->dts, pkt->keyframe, extradata,
                              (size_t)n, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s\n", err);
        st->out_failed = 1;
        return -1;
    }
    return 0;
}

/* The frame in flight whose pts the packet carries, or NULL. */
static pending_frame *find_pending(encode_state *st, int64_t pts)
{
    for (int64_t i = st->pending_first; i < st->pending_first + st->pending_count; i++)
        if (st->pending[i % PENDING_MAX].pts == pts)
            return &st->pending[i % PENDING_MAX];
    return NULL;
}

static int handle_packet(encode_state *st, const hwenc_packet *pkt)
{
    const hwenc_config *cfg = &st->opt->cfg;
    if (write_packet(st, pkt) < 0)
        return -1;
    st->bytes += (int64_t)pkt->size;
    st->packets++;
    st->vbv_overruns += pkt->vbv_overrun;
    pending_frame *f = find_pending(st, pkt->pts);
    if (!f) {
        fprintf(stderr, "hwenc: the encoder returned a packet with pts %lld, which is no frame in flight\n",
                (long long)pkt->pts);
        return -1;
    }
    f->done = 1;
    if (pkt->recon[0]) {
        st->have_recon = 1;
        const uint8_t *src = f->source;
        const uint8_t *sp[3] = { src, src + cfg->width * cfg->height, src + cfg->width * cfg->height * 5 / 4 };
        ptrdiff_t ss[3] = { cfg->width, cfg->width / 2, cfg->width / 2 };
        metrics_add_psnr(&st->metrics, sp, ss, (const uint8_t *const *)pkt->recon, pkt->recon_stride);
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

/* The library says each failover (a warning, through log_message);
 * the summary counts them. */
static void count_failovers(encode_state *st)
{
    st->failovers = hwenc_get_failovers(st->enc, NULL, 0);
}

static int drain_packets(encode_state *st)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(st->enc, &pkt)) == 0) {
        count_failovers(st);
        if (handle_packet(st, &pkt) < 0)
            return -1;
    }
    count_failovers(st);
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return 0;
    char prefix[128];
    snprintf(prefix, sizeof(prefix), "encoding failed (%s)", hwenc_error_string(ret));
    print_library_error(prefix, hwenc_last_error(st->enc));
    return -1;
}

static void keep_source(encode_state *st, const video_picture *pic, int64_t pts)
{
    const hwenc_config *cfg = &st->opt->cfg;
    pending_frame *f = &st->pending[(st->pending_first + st->pending_count) % PENDING_MAX];
    copy_i420(f->source, (const uint8_t *const *)pic->plane, pic->stride, cfg->width, cfg->height);
    f->pts = pts;
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
    st->log->progress_line = !final;
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
    fprintf(stderr, "backend: %s%s\n", hwenc_backend_name(hwenc_get_backend(st->enc)),
            st->failovers ? " (after failover, see above)" : "");
    fprintf(stderr, "frames: %lld, %.2f kb/s, %.1f fps\n", (long long)st->packets,
            seconds > 0 ? st->bytes * 8.0 / seconds / 1000.0 : 0.0,
            elapsed > 0 ? (double)st->frames_in / elapsed : 0.0);
    if (st->vbv_overruns)
        fprintf(stderr, "VBV: %lld frames over the buffer even at QP 51 (the stream does not conform to it)\n",
                (long long)st->vbv_overruns);
    if (st->have_recon && st->metrics.frames) {
        metrics_summary sum;
        metrics_summarize(&st->metrics, &sum);
        fprintf(stderr, "PSNR (global): Y %.3f  U %.3f  V %.3f\n", sum.psnr_global[0], sum.psnr_global[1],
                sum.psnr_global[2]);
    }
}

/* SIGINT and SIGTERM end an encode without losing it: the first stops the
 * reading, and the frames read are encoded, the encoder flushed and the
 * outputs finished before hwenc exits with 128 + the signal's number; a
 * second signal ends the process at once. */
static volatile sig_atomic_t stop_signal;
static const int stop_signals[2] = { SIGINT, SIGTERM };

static void on_stop_signal(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

/* Installs the handler, except for a signal ignored since hwenc started
 * (nohup, a shell's background jobs). While hwenc waits for input, the
 * signal interrupts the read; everywhere else system calls restart,
 * because stdio drops buffered output when a write is interrupted. */
static void catch_stop_signals(int interrupt_reads)
{
    for (int i = 0; i < 2; i++) {
        struct sigaction sa;
        if (sigaction(stop_signals[i], NULL, &sa) < 0 || sa.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop_signal;
        sa.sa_flags = interrupt_reads ? 0 : SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(stop_signals[i], &sa, NULL);
    }
}

/* What identifies a file whatever its name (symbolic or hard links,
 * "dir/../x"): its device and inode; for a file that does not exist yet,
 * those of its directory and its name there. "-" is the standard stream fd. */
typedef struct file_identity {
    int exists, known;
    dev_t dev;
    ino_t ino;
    mode_t mode;
    const char *name;            /* in the directory, for a file to be created */
} file_identity;

static file_identity identify_file(const char *path, int fd)
{
    struct stat sb;
    file_identity id = { 0 };
    if (!strcmp(path, "-") ? fstat(fd, &sb) == 0 : stat(path, &sb) == 0) {
        id = (file_identity){ 1, 1, sb.st_dev, sb.st_ino, sb.st_mode, NULL };
    } else if (errno == ENOENT) {
        const char *slash = strrchr(path, '/');
        char dir[4096];
        snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
        if (stat(dir, &sb) == 0)
            id = (file_identity){ 0, 1, sb.st_dev, sb.st_ino, sb.st_mode, slash ? slash + 1 : path };
    }
    return id;
}

/* Writing to a character device (/dev/null, a terminal) destroys nothing. */
static int same_file(file_identity a, file_identity b)
{
    if (!a.known || !b.known || a.exists != b.exists || a.dev != b.dev || a.ino != b.ino)
        return 0;
    return a.exists ? !S_ISCHR(a.mode) : !strcmp(a.name, b.name);
}

static const char *stream_name(const char *path, const char *std_name)
{
    return strcmp(path, "-") ? path : std_name;
}

/* Refuses outputs that would overwrite the input or each other, before
 * anything is opened for writing. */
static int check_output_files(const cli_options *o)
{
    const char *in_name = stream_name(o->input, "stdin"), *out_name = stream_name(o->output, "stdout");
    file_identity in = identify_file(o->input, 0), out = identify_file(o->output, 1);
    if (same_file(in, out)) {
        fprintf(stderr, "hwenc: -o %s is the same file as the input %s: writing it would destroy the input\n",
                out_name, in_name);
        return -1;
    }
    if (!o->recon)
        return 0;
    const char *recon_name = stream_name(o->recon, "stdout");
    file_identity recon = identify_file(o->recon, 1);
    if (same_file(in, recon)) {
        fprintf(stderr, "hwenc: --recon %s is the same file as the input %s: writing it would destroy the input\n",
                recon_name, in_name);
        return -1;
    }
    if (same_file(out, recon) || (!strcmp(o->output, "-") && !strcmp(o->recon, "-"))) {
        fprintf(stderr, "hwenc: -o %s and --recon %s are the same file: the two streams would overwrite each other\n",
                out_name, recon_name);
        return -1;
    }
    return 0;
}

static int open_outputs(encode_state *st)
{
    const cli_options *o = st->opt;
    char err[1024];
    if (!st->mux && !strcmp(o->output, "-")) {
        st->out = stdout;
    } else if (!st->mux) {
        int fd = temp_output_create(o->output, &st->out_tmp, err, sizeof(err));
        if (fd < 0 || !(st->out = fdopen(fd, "wb"))) {
            fprintf(stderr, "hwenc: %s\n", fd < 0 ? err : strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    if (o->recon && video_writer_open(&st->recon, o->recon, st->info, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s: %s\n", stream_name(o->recon, "stdout"), err);
        return -1;
    }
    return 0;
}

/* Closes the outputs; a failure not reported yet is reported here. A
 * file output gets its final name only when complete: the frames read
 * were all encoded and written; else its temporary is removed. */
static int close_outputs(encode_state *st, int complete)
{
    int ret = 0;
    char err[512];
    if (st->mux && complete && !st->out_failed && media_mux_finish(st->mux, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s\n", err);
        ret = -1;
    }
    media_mux_close(st->mux);
    st->mux = NULL;
    if (st->out && fclose(st->out) != 0) {
        if (!st->out_failed)
            fprintf(stderr, "hwenc: writing %s failed: %s\n", st->out_name, strerror(errno));
        st->out_failed = 1;
        ret = -1;
    }
    st->out = NULL;
    if (st->out_tmp && complete && !st->out_failed && rename(st->out_tmp, st->opt->output) < 0) {
        fprintf(stderr, "hwenc: cannot rename the finished %s to %s: %s\n", st->out_tmp, st->opt->output,
                strerror(errno));
        ret = -1;
    } else if (st->out_tmp && (!complete || st->out_failed)) {
        unlink(st->out_tmp);
    }
    free(st->out_tmp);
    st->out_tmp = NULL;
    if (st->recon && video_writer_close(st->recon) < 0) {
        if (!st->recon_failed)
            fprintf(stderr, "hwenc: writing %s failed: %s\n", stream_name(st->opt->recon, "stdout"),
                    strerror(errno));
        ret = -1;
    }
    st->recon = NULL;
    return ret;
}

/* Reads the next frame: 1, or 0 at the end of the input (a truncated last
 * frame, after a warning) or when a signal stopped the reading, or -1 after
 * reporting an input error. */
/* Packets of the streams a container input has besides its video: copied
 * to a container output. */
static int copy_packet(void *opaque, struct AVPacket *pkt)
{
    encode_state *st = opaque;
    char err[512];
    if (!st->mux)
        return 0;
    if (media_mux_write_copy(st->mux, pkt, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s\n", err);
        st->out_failed = 1;
        return VIDEO_IO_ERROR;
    }
    return 0;
}

static int read_frame(encode_state *st, media_input *in, video_picture *pic, int64_t *pts)
{
    const char *in_name = stream_name(st->opt->input, "stdin");
    char err[256];
    if (stop_signal)
        return 0;
    catch_stop_signals(1);
    int ret = stop_signal ? 0 : media_input_read(in, pic, pts, copy_packet, st, err, sizeof(err));
    catch_stop_signals(0);
    if (ret > 0 && !st->frames_in && in->desc.converted[0])
        fprintf(stderr, "hwenc: %s: converted %s\n", in_name, in->desc.converted);
    if (st->out_failed)
        return -1;
    if (ret >= 0 || stop_signal)
        return ret > 0;
    if (ret == VIDEO_IO_TRUNCATED && st->frames_in) {
        fprintf(stderr, "hwenc: warning: %s: %s; the %lld complete frames are encoded\n", in_name, err,
                (long long)st->frames_in);
        return 0;
    }
    fprintf(stderr, "hwenc: %s: %s\n", in_name, err);
    return ret == VIDEO_IO_TRUNCATED ? 0 : -1;
}

/* Encodes until the input ends, fails or a signal stops it, then flushes
 * the encoder. Returns -1 if the encoder or an output failed; an input
 * error sets input_failed, after the frames before it are encoded. */
static int encode_loop(encode_state *st, media_input *in)
{
    const cli_options *o = st->opt;
    int64_t total = in->desc.frames_expected > o->seg.start_frame ? in->desc.frames_expected - o->seg.start_frame
                    : in->media                                     ? 0
                                                                    : estimate_frames(o->input, st->frame_size);
    if (o->max_frames && (total == 0 || total > o->max_frames))
        total = o->max_frames;
    int show = !o->quiet && isatty(2);
    double last_shown = 0;
    video_picture pic;
    int64_t pts;
    int ret;

    while (!o->max_frames || st->frames_in < o->max_frames) {
        ret = read_frame(st, in, &pic, &pts);
        if (ret < 0)
            st->input_failed = 1;
        if (ret <= 0)
            break;
        /* Created only now, so that an input without a frame leaves no file. */
        if (!st->outputs_open && open_outputs(st) < 0)
            return -1;
        st->outputs_open = 1;
        if (st->pending_count == PENDING_MAX) {
            fprintf(stderr, "hwenc: the backend holds more than %d frames\n", PENDING_MAX);
            return -1;
        }
        hwenc_frame frame = { .pts = pts,
                              .force_idr = segment_forces_idr(&o->seg, o->seg.start_frame + st->frames_in) };
        for (int p = 0; p < 3; p++) {
            frame.plane[p] = pic.plane[p];
            frame.stride[p] = pic.stride[p];
        }
        keep_source(st, &pic, pts);
        hwenc_roi_rect rects[256];
        hwenc_roi roi = { .struct_size = sizeof(roi), .rects = rects };
        const int64_t number = o->seg.start_frame + st->frames_in;
        if (o->roi && (roi.num_rects = roi_file_rects(&st->roi, number, rects, 256)) > 256) {
            fprintf(stderr, "hwenc: %s: frame %lld has %d rectangles, more than 256\n", o->roi, (long long)number,
                    roi.num_rects);
            return -1;
        }
        while ((ret = hwenc_send_frame_roi(st->enc, &frame, roi.num_rects ? &roi : NULL)) == HWENC_EAGAIN)
            if (drain_packets(st) < 0)
                return -1;
        if (ret < 0) {
            char prefix[128];
            snprintf(prefix, sizeof(prefix), "frame %lld (%s)", (long long)st->frames_in, hwenc_error_string(ret));
            print_library_error(prefix, hwenc_last_error(st->enc));
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
    if (!st->frames_in)
        return 0;
    if ((ret = hwenc_send_frame(st->enc, NULL)) < 0) {
        print_library_error("flushing the encoder failed", hwenc_last_error(st->enc));
        return -1;
    }
    if (drain_packets(st) < 0)
        return -1;
    if (show)
        show_progress(st, total, 1);
    return 0;
}

static int vui_or_unspecified(int code)
{
    return code == 2 ? 0 : code;
}

static void set_colour(hwenc_colour *c, const media_video_desc *d)
{
    c->primaries = vui_or_unspecified(d->primaries);
    c->transfer = vui_or_unspecified(d->transfer);
    c->matrix = vui_or_unspecified(d->matrix);
    c->chroma_sample_loc = d->chroma_sample_loc;
}

static int cmd_encode(int argc, char **argv)
{
    cli_options o = { 0 };
    encode_state st = { .opt = &o, .log = &o.log };
    media_input in = { 0 };
    char err[1024];
    int failed = 1;

    int parsed = cli_options_parse(argc, argv, &o);
    if (parsed != 0 || check_output_files(&o) < 0 || encode_stats_check_path(o.stats, o.input, o.output) < 0) {
        segment_options_free(&o.seg);
        return parsed > 0 ? 0 : 2; /* --help is not an error */
    }
#if !HWENC_WITH_CONTAINERS
    /* Before anything is opened or read: hwenc-media is this program with
     * FFmpeg linked (helper_exec.h says why that is a program of its own).
     * argv - 1 is main's, so that it gets "encode" too. */
    if (media_input_is_container(o.input, o.raw_width) || media_container_name(o.output)) {
        segment_options_free(&o.seg);
        return exec_helper("hwenc-media", argc + 1, argv - 1);
    }
#endif
    st.out_name = stream_name(o.output, "stdout");
    if ((!strcmp(o.output, "-") || (o.recon && !strcmp(o.recon, "-"))) && fcntl(1, F_GETFD) < 0) {
        fprintf(stderr, "hwenc: stdout is closed: there is nowhere to write the stream\n");
        return 1;
    }
    catch_stop_signals(0);
    video_info raw = { .width = o.raw_width, .height = o.raw_height, .fps_num = o.fps_num ? o.fps_num : 25,
                       .fps_den = o.fps_num ? o.fps_den : 1 };
    if (media_input_open(&in, o.input, o.raw_width ? &raw : NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s: %s\n", stream_name(o.input, "stdin"), err);
        segment_options_free(&o.seg);
        return 1;
    }
    const video_info *info = st.info = &in.desc.info;
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
    if (in.media) /* Y4M says nothing of these; 2 is "unspecified" */
        set_colour(&o.cfg.colour, &in.desc);
    o.cfg.want_recon = 1;
    if (metrics_init(&st.metrics, info->width, info->height) < 0) {
        fprintf(stderr, "hwenc: out of memory\n");
        goto done;
    }

    o.cfg.log_callback = log_message;
    o.cfg.log_opaque = &o.log;
    o.cfg.log_level = o.quiet ? HWENC_LOG_ERROR : o.verbose >= 2 ? HWENC_LOG_DEBUG
                                                : o.verbose ? HWENC_LOG_INFO : HWENC_LOG_WARNING;
    if (o.roi && (roi_file_load(&st.roi, o.roi, err, sizeof(err)) < 0 ||
                  roi_file_check_size(&st.roi, info->width, info->height, err, sizeof(err)) < 0)) {
        fprintf(stderr, "hwenc: --roi %s\n", err);
        goto done;
    }
    if (hwenc_open_ex(&o.cfg, &st.enc, err, sizeof(err)) < 0) {
        print_library_error("cannot open an encoder", err);
        goto done;
    }
    if (media_container_name(o.output) &&
        media_mux_open(&st.mux, o.output, &in.desc, in.media ? media_reader_format(in.media) : NULL,
                       in.media ? media_reader_video_index(in.media) : -1, &o.mux, err, sizeof(err)) < 0) {
        fprintf(stderr, "hwenc: %s\n", err);
        goto done;
    }
    st.frame_size = video_frame_size(info->width, info->height);
    for (int i = 0; i < PENDING_MAX; i++)
        if (!(st.pending[i].source = malloc(st.frame_size))) {
            fprintf(stderr, "hwenc: out of memory\n");
            goto done;
        }
    st.start = now_seconds();
    if (segment_skip_to_start(&o.seg, &in, stream_name(o.input, "stdin")) < 0)
        goto done;
    failed = encode_loop(&st, &in) < 0;
    if (in.desc.pts_fixed)
        fprintf(stderr, "hwenc: warning: %s: %lld frames from frame %lld on have a time stamp that is missing or not "
                "above the previous one; each was given the previous one's plus one tick (%d/%d s)\n",
                stream_name(o.input, "stdin"), (long long)in.desc.pts_fixed, (long long)in.desc.pts_fixed_first,
                in.desc.tb_num, in.desc.tb_den);
    if (close_outputs(&st, !failed && st.frames_in) < 0)
        failed = 1;
    if (failed)
        goto done;
    if (!st.frames_in) {
        if (!stop_signal && !st.input_failed)
            fprintf(stderr, "hwenc: %s: no complete frame to encode; nothing was written\n",
                    stream_name(o.input, "stdin"));
        failed = !stop_signal;
        goto done;
    }
    if (o.recon && !st.have_recon)
        fprintf(stderr, "hwenc: warning: the %s backend gives no reconstruction; %s is empty\n",
                hwenc_backend_name(hwenc_get_backend(st.enc)), o.recon);
    if (!o.quiet)
        print_summary(&st);
    if (o.roi && hwenc_roi_notice(st.enc)[0])
        fprintf(stderr, "hwenc: --roi: %s\n", hwenc_roi_notice(st.enc));
    if (o.stats) {
        encode_stats stats = { o.input, o.output, o.cfg.width, o.cfg.height, o.cfg.fps_num, o.cfg.fps_den,
                               st.packets, st.bytes, now_seconds() - st.start,
                               st.have_recon ? &st.metrics : NULL, o.psnr, st.vbv_overruns };
        if (encode_stats_write(o.stats, st.enc, &stats) < 0)
            failed = 1;
    }
    if (st.input_failed) {
        fprintf(stderr, "hwenc: the %lld frames before the input error are encoded in %s\n", (long long)st.frames_in,
                st.out_name);
        failed = 1;
    }
done:
    close_outputs(&st, 0);
    for (int i = 0; i < PENDING_MAX; i++) {
        free(st.pending[i].source);
        free(st.pending[i].recon);
    }
    hwenc_close(st.enc);
    metrics_free(&st.metrics);
    roi_file_free(&st.roi);
    media_input_close(&in);
    segment_options_free(&o.seg);
    if (failed)
        return 1;
    if (stop_signal) {
        fprintf(stderr, "hwenc: stopped by %s: %s\n", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                st.frames_in ? "the frames read are encoded" : "no frame was read; nothing was written");
        return 128 + stop_signal;
    }
    return 0;
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
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hwenc: writing stdout failed: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

/* `hwenc probe FILE`: the numbers `hwenc batch` reports for an output an
 * earlier run made, read from the file (its packets, not decoded). */
int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_options_usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "encode"))
        return cmd_encode(argc - 1, argv + 1);
    if (!strcmp(argv[1], "batch"))
        return cmd_batch(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list-backends"))
        return cmd_list_backends(argc - 1, argv + 1);
    if (!strcmp(argv[1], "probe") || !strcmp(argv[1], "join") || !strcmp(argv[1], "scenes")) {
#if HWENC_WITH_CONTAINERS
        return argv[1][0] == 'p'   ? cmd_probe(argc - 1, argv + 1)
               : argv[1][0] == 'j' ? cmd_join(argc - 1, argv + 1)
                                   : cmd_scenes(argc - 1, argv + 1);
#else
        return exec_helper("hwenc-media", argc, argv);
#endif
    }
    if (!strcmp(argv[1], "validate"))
        return exec_helper("hwenc-validate", argc - 1, argv + 1);
    if (!strcmp(argv[1], "slurm"))
        return exec_helper("hwenc-slurm", argc - 1, argv + 1);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        cli_options_usage(stdout);
        return 0;
    }
    fprintf(stderr, "hwenc: unknown command '%s'\n", argv[1]);
    cli_options_usage(stderr);
    return 2;
}
