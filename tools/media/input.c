/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE /* tee(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/media/input.h"

#define Y4M_SIGNATURE "YUV4MPEG2 "
#define Y4M_SIGNATURE_SIZE 10

/* Only a regular file is looked into by name: reading a FIFO would take
 * its first bytes from the reader. Named pipes and devices are Y4M, as
 * before. */
static int is_y4m(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
        return 1;
    char sig[Y4M_SIGNATURE_SIZE] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1; /* the Y4M reader names the error, as before */
    size_t n = fread(sig, 1, sizeof(sig), f);
    fclose(f);
    return n == sizeof(sig) && !memcmp(sig, Y4M_SIGNATURE, sizeof(sig));
}

/* The first bytes of a pipe, left in it for whoever reads it next (this
 * process's reader, or hwenc-media after an exec): tee(2) copies them into
 * a pipe of our own without consuming them. A writer that has written
 * less than the signature so far gets a second to write the rest (a
 * pipe's content stays put, so tee returns the same bytes until more come). */
static ssize_t peek_pipe(int fd, char *buf, size_t size)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    ssize_t n = 0;
    for (int tries = 0; tries < 100; tries++) {
        n = tee(fd, p[1], size, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (size_t)n >= size)
            break;
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
    ssize_t got = n > 0 ? read(p[0], buf, (size_t)n) : n;
    close(p[0]);
    close(p[1]);
    return got;
}

/* What stdin holds: STDIN_Y4M (the default: a terminal, a device, too
 * little data, Y4M itself), STDIN_PIPE or STDIN_FILE for anything else,
 * looked at without taking a byte from it. */
enum stdin_kind { STDIN_Y4M, STDIN_PIPE, STDIN_FILE };

static enum stdin_kind stdin_kind(void)
{
    struct stat sb;
    char sig[Y4M_SIGNATURE_SIZE];
    ssize_t n = -1;
    if (fstat(0, &sb) < 0)
        return STDIN_Y4M;
    if (S_ISFIFO(sb.st_mode))
        n = peek_pipe(0, sig, sizeof(sig));
    else if (S_ISREG(sb.st_mode))
        n = pread(0, sig, sizeof(sig), 0); /* where /dev/stdin starts */
    if (n < (ssize_t)sizeof(sig) || !memcmp(sig, Y4M_SIGNATURE, sizeof(sig)))
        return STDIN_Y4M;
    return S_ISFIFO(sb.st_mode) ? STDIN_PIPE : STDIN_FILE;
}

int media_input_is_container(const char *path, int raw)
{
    if (raw)
        return 0;
    return strcmp(path, "-") ? !is_y4m(path) : stdin_kind() != STDIN_Y4M;
}

int media_container_name(const char *path)
{
    static const char *const names[] = { "mp4", "m4v", "mov", "mkv", "ts", "m2ts", "mts", "avi", "flv", "3gp" };
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcasecmp(dot + 1, names[i]))
            return 1;
    return 0;
}

int media_input_open(media_input *in, const char *path, const video_info *raw, char *err, size_t err_size)
{
    memset(in, 0, sizeof(*in));
    enum stdin_kind kind = raw || strcmp(path, "-") ? STDIN_Y4M : stdin_kind();
    if (raw || (!strcmp(path, "-") && kind == STDIN_Y4M) || (strcmp(path, "-") && is_y4m(path))) {
        int ret = video_reader_open(&in->y4m, path, raw, err, err_size);
        if (ret < 0)
            return ret;
        const video_info *info = video_reader_info(in->y4m);
        in->desc.info = *info;
        /* H.264's unspecified code points (E.2.1) */
        in->desc.primaries = in->desc.transfer = in->desc.matrix = 2;
        in->desc.tb_num = info->fps_num > 0 && info->fps_den > 0 ? info->fps_den : 1;
        in->desc.tb_den = info->fps_num > 0 && info->fps_den > 0 ? info->fps_num : 25;
        in->desc.chroma_sample_loc = info->chroma_siting == VIDEO_CHROMA_LEFT ? 0
                                     : info->chroma_siting == VIDEO_CHROMA_TOPLEFT ? 2 : 1;
        return 0;
    }
    /* A pipe is read as a stream; a file on stdin is opened again, so that
     * it can seek (an MP4 with its index at the end). */
    if (kind != STDIN_Y4M)
        path = kind == STDIN_PIPE ? "pipe:0" : "/dev/stdin";
    if (media_reader_open(&in->media, path, err, err_size) < 0)
        return VIDEO_IO_ERROR;
    in->desc = *media_reader_desc(in->media);
    return 0;
}

int media_input_read(media_input *in, video_picture *pic, int64_t *pts, media_packet_fn fn, void *opaque,
                     char *err, size_t err_size)
{
    if (in->media) {
        int ret = media_reader_read(in->media, pic, pts, fn, opaque, err, err_size);
        /* The first conversion names itself there. */
        const media_video_desc *d = media_reader_desc(in->media);
        snprintf(in->desc.converted, sizeof(in->desc.converted), "%s", d->converted);
        in->desc.pts_fixed = d->pts_fixed;
        in->desc.pts_fixed_first = d->pts_fixed_first;
        return ret;
    }
    *pts = video_reader_frame_index(in->y4m);
    return video_reader_read(in->y4m, pic, err, err_size);
}

void media_input_close(media_input *in)
{
    video_reader_close(in->y4m);
    media_reader_close(in->media);
    in->y4m = NULL;
    in->media = NULL;
}
