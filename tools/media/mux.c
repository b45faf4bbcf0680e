/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>

#include "tools/media/mux.h"
#include "tools/media/temp_output.h"

struct media_mux {
    AVFormatContext *oc;
    AVStream *video;
    AVRational video_tb;
    /* Per input stream: the output stream it is copied to, or -1. */
    int *map;
    AVRational *map_tb;
    int map_count;
    AVPacket **waiting;          /* copied packets before the header */
    int waiting_count, waiting_cap;
    int header_written, finished;
    char *tmp_path, *final_path;
};

static int add_video(media_mux *m, const media_video_desc *v)
{
    AVStream *st = m->video = avformat_new_stream(m->oc, NULL);
    if (!st)
        return -1;
    AVCodecParameters *par = st->codecpar;
    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id = AV_CODEC_ID_H264;
    par->width = v->info.width;
    par->height = v->info.height;
    par->sample_aspect_ratio = (AVRational){ v->info.sar_num, v->info.sar_den ? v->info.sar_den : 1 };
    par->color_range = v->info.full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    par->color_primaries = v->primaries;
    par->color_trc = v->transfer;
    par->color_space = v->matrix;
    par->chroma_location = v->chroma_sample_loc + 1;
    par->format = v->info.full_range ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P;
    st->sample_aspect_ratio = par->sample_aspect_ratio;
    st->time_base = m->video_tb = (AVRational){ v->tb_num, v->tb_den };
    if (v->info.fps_num > 0 && v->info.fps_den > 0)
        st->avg_frame_rate = (AVRational){ v->info.fps_num, v->info.fps_den };
    /* libavformat 5.1 stores the display matrix in the mov family only (tkhd). */
    int keeps_matrix = strstr(m->oc->oformat->name, "mp4") || strstr(m->oc->oformat->name, "mov");
    if (v->has_display_matrix && !keeps_matrix)
        fprintf(stderr, "hwenc: the input's rotation (%.0f degrees) is left out: the %s container of this "
                "libavformat cannot store it\n", av_display_rotation_get(v->display_matrix), m->oc->oformat->name);
    if (v->has_display_matrix && keeps_matrix) {
        uint8_t *sd = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, sizeof(v->display_matrix));
        if (!sd)
            return -1;
        memcpy(sd, v->display_matrix, sizeof(v->display_matrix));
    }
    return 0;
}

/* Audio and subtitles are copied when the container takes their codec
 * (avformat_query_codec: 0 is a no; a negative "unknown" is tried, as
 * ffmpeg does); anything left out is named on one line. */
static int add_copies(media_mux *m, const AVFormatContext *in, int in_video, const media_mux_options *opt)
{
    m->map_count = (int)in->nb_streams;
    if (!(m->map = calloc(in->nb_streams, sizeof(*m->map))) || !(m->map_tb = calloc(in->nb_streams, sizeof(*m->map_tb))))
        return -1;
    for (int i = 0; i < m->map_count; i++) {
        const AVStream *ist = in->streams[i];
        enum AVMediaType type = ist->codecpar->codec_type;
        m->map[i] = -1;
        if (i == in_video || (type == AVMEDIA_TYPE_AUDIO && opt->no_audio))
            continue;
        const char *codec = avcodec_get_name(ist->codecpar->codec_id);
        if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE) {
            fprintf(stderr, "hwenc: input stream #%d (%s, %s) is left out: only audio and subtitles are copied\n", i,
                    av_get_media_type_string(type) ? av_get_media_type_string(type) : "data", codec);
            continue;
        }
        if (avformat_query_codec(m->oc->oformat, ist->codecpar->codec_id, FF_COMPLIANCE_NORMAL) == 0) {
            fprintf(stderr, "hwenc: input stream #%d (%s, %s) is left out: the %s container cannot hold it\n", i,
                    av_get_media_type_string(type), codec, m->oc->oformat->name);
            continue;
        }
        AVStream *ost = avformat_new_stream(m->oc, NULL);
        if (!ost || avcodec_parameters_copy(ost->codecpar, ist->codecpar) < 0)
            return -1;
        ost->codecpar->codec_tag = 0;
        ost->time_base = m->map_tb[i] = ist->time_base;
        ost->disposition = ist->disposition;
        if (av_dict_copy(&ost->metadata, ist->metadata, 0) < 0)
            return -1;
        m->map[i] = ost->index;
    }
    return 0;
}

static int copy_chapters(AVFormatContext *oc, const AVFormatContext *in)
{
    if (av_dict_copy(&oc->metadata, in->metadata, 0) < 0)
        return -1;
    if (!in->nb_chapters)
        return 0;
    if (!(oc->chapters = av_calloc(in->nb_chapters, sizeof(*oc->chapters))))
        return -1;
    for (unsigned i = 0; i < in->nb_chapters; i++) {
        const AVChapter *c = in->chapters[i];
        AVChapter *o = oc->chapters[i] = av_mallocz(sizeof(*o));
        if (!o)
            return -1;
        oc->nb_chapters = i + 1;
        *o = (AVChapter){ .id = c->id, .time_base = c->time_base, .start = c->start, .end = c->end };
        if (av_dict_copy(&o->metadata, c->metadata, 0) < 0)
            return -1;
    }
    return 0;
}

int media_mux_open(media_mux **out, const char *path, const media_video_desc *video, const void *input_fmt,
                   int input_video, const media_mux_options *opt, char *err, size_t err_size)
{
    media_mux *m = calloc(1, sizeof(*m));
    const AVFormatContext *in = input_fmt;
    *out = NULL;
    if (!m) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int ret = avformat_alloc_output_context2(&m->oc, NULL, NULL, path);
    if (ret < 0) {
        snprintf(err, err_size, "%s: no container for its extension: %s", path, av_err2str(ret));
        goto fail;
    }
    if (avformat_query_codec(m->oc->oformat, AV_CODEC_ID_H264, FF_COMPLIANCE_NORMAL) == 0) {
        snprintf(err, err_size, "%s: the %s container cannot hold H.264", path, m->oc->oformat->name);
        goto fail;
    }
    if (add_video(m, video) < 0 || (in && (add_copies(m, in, input_video, opt) < 0 || copy_chapters(m->oc, in) < 0))) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    int fd = temp_output_create(path, &m->tmp_path, err, err_size);
    if (fd < 0)
        goto fail;
    close(fd);
    const char *written = m->tmp_path ? m->tmp_path : path;
    av_free(m->oc->url);
    /* movenc's faststart reads the file back by this name. */
    if (!(m->final_path = strdup(path)) || !(m->oc->url = av_strdup(written))) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    if ((ret = avio_open(&m->oc->pb, written, AVIO_FLAG_WRITE)) < 0) {
        snprintf(err, err_size, "cannot create %s: %s", path, av_err2str(ret));
        goto fail;
    }
    if (opt->faststart && av_opt_set(m->oc->priv_data, "movflags", "+faststart", 0) < 0) {
        snprintf(err, err_size, "%s: --faststart needs an mp4 or mov output, not %s", path, m->oc->oformat->name);
        goto fail;
    }
    *out = m;
    return 0;
fail:
    media_mux_close(m);
    return -1;
}

static int write_failed(const media_mux *m, int ret, char *err, size_t err_size)
{
    snprintf(err, err_size, "writing %s failed: %s", m->final_path, av_err2str(ret));
    return -1;
}

/* avio_write() keeps a write error in pb->error and returns nothing, and
 * most muxers do not look at it: it is checked after every packet, so that
 * a full disk stops the encode at once rather than at the trailer. */
static int write_packet(media_mux *m, AVPacket *pkt, AVRational tb, char *err, size_t err_size)
{
    av_packet_rescale_ts(pkt, tb, m->oc->streams[pkt->stream_index]->time_base);
    int ret = av_interleaved_write_frame(m->oc, pkt);
    if (ret < 0 || (ret = m->oc->pb->error) < 0)
        return write_failed(m, ret, err, err_size);
    return 0;
}

static int write_header(media_mux *m, const uint8_t *extradata, size_t size, char *err, size_t err_size)
{
    AVCodecParameters *par = m->video->codecpar;
    if (!(par->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE))) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    memcpy(par->extradata, extradata, size);
    par->extradata_size = (int)size;
    int ret = avformat_write_header(m->oc, NULL);
    if (ret >= 0 && m->oc->pb->error < 0)
        ret = m->oc->pb->error;
    if (ret < 0) {
        snprintf(err, err_size, "%s: cannot write the %s header: %s", m->final_path, m->oc->oformat->name,
                 av_err2str(ret));
        return -1;
    }
    m->header_written = 1;
    for (int i = 0; i < m->waiting_count; i++) {
        AVPacket *p = m->waiting[i];
        ret = write_packet(m, p, m->map_tb[p->stream_index], err, err_size);
        if (ret < 0)
            return -1;
        av_packet_free(&m->waiting[i]);
    }
    m->waiting_count = 0;
    return 0;
}

int media_mux_write_video(media_mux *m, const uint8_t *data, size_t size, int64_t pts, int64_t dts, int keyframe,
                          const uint8_t *extradata, size_t extradata_size, char *err, size_t err_size)
{
    if (!m->header_written && write_header(m, extradata, extradata_size, err, err_size) < 0)
        return -1;
    AVPacket *pkt = av_packet_alloc();
    if (!pkt || av_new_packet(pkt, (int)size) < 0) {
        av_packet_free(&pkt);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    memcpy(pkt->data, data, size);
    pkt->pts = pts;
    pkt->dts = dts;
    pkt->flags = keyframe ? AV_PKT_FLAG_KEY : 0;
    pkt->stream_index = m->video->index;
    int ret = write_packet(m, pkt, m->video_tb, err, err_size);
    av_packet_free(&pkt);
    return ret;
}

int media_mux_write_copy(media_mux *m, AVPacket *pkt, char *err, size_t err_size)
{
    int in = pkt->stream_index;
    if (in < 0 || in >= m->map_count || m->map[in] < 0)
        return 0;
    AVPacket *p = av_packet_alloc();
    if (!p) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    av_packet_move_ref(p, pkt);
    p->stream_index = m->map[in];
    p->pos = -1;
    if (m->header_written) {
        int ret = write_packet(m, p, m->map_tb[in], err, err_size);
        av_packet_free(&p);
        return ret;
    }
    if (m->waiting_count == m->waiting_cap) {
        int cap = m->waiting_cap ? 2 * m->waiting_cap : 64;
        AVPacket **w = realloc(m->waiting, (size_t)cap * sizeof(*w));
        if (!w) {
            av_packet_free(&p);
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        m->waiting = w;
        m->waiting_cap = cap;
    }
    m->waiting[m->waiting_count++] = p;
    return 0;
}

/* avio_closep() returns only the close's status, not that of the flush
 * before it: the flush's error is taken from pb->error first. */
int media_mux_finish(media_mux *m, char *err, size_t err_size)
{
    int ret = av_write_trailer(m->oc);
    if (ret < 0)
        return write_failed(m, ret, err, err_size);
    avio_flush(m->oc->pb);
    if ((ret = m->oc->pb->error) < 0 || (ret = avio_closep(&m->oc->pb)) < 0)
        return write_failed(m, ret, err, err_size);
    if (m->tmp_path && rename(m->tmp_path, m->final_path) < 0) {
        snprintf(err, err_size, "cannot rename the finished %s to %s: %s", m->tmp_path, m->final_path, strerror(errno));
        return -1;
    }
    m->finished = 1;
    return 0;
}

void media_mux_close(media_mux *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->waiting_count; i++)
        av_packet_free(&m->waiting[i]);
    free(m->waiting);
    if (m->oc)
        avio_closep(&m->oc->pb);
    if (m->tmp_path && !m->finished)
        unlink(m->tmp_path);
    avformat_free_context(m->oc);
    free(m->map);
    free(m->map_tb);
    free(m->tmp_path);
    free(m->final_path);
    free(m);
}
