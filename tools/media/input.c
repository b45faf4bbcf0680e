/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "tools/media/input.h"

/* Only a regular file is looked into: reading a pipe would take its first
 * bytes from the reader. Pipes and devices are Y4M, as before. */
static int is_y4m(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
        return 1;
    char sig[10] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1; /* the Y4M reader names the error, as before */
    size_t n = fread(sig, 1, sizeof(sig), f);
    fclose(f);
    return n == sizeof(sig) && !memcmp(sig, "YUV4MPEG2 ", sizeof(sig));
}

int media_input_is_container(const char *path, int raw)
{
    return !raw && strcmp(path, "-") && !is_y4m(path);
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
    if (raw || !strcmp(path, "-") || is_y4m(path)) {
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
        snprintf(in->desc.converted, sizeof(in->desc.converted), "%s", media_reader_desc(in->media)->converted);
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
