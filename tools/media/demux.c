/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "tools/media/demux.h"

struct media_reader {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    uint8_t *i420[4];            /* the converted picture, when one is */
    int i420_linesize[4];
    int video;                   /* stream index */
    int draining, eof;
    int64_t pictures, last_pts;
    media_video_desc desc;
};

#define FAIL(...)                                   \
    do {                                            \
        snprintf(err, err_size, __VA_ARGS__);       \
        media_reader_close(r);                      \
        return -1;                                  \
    } while (0)

static int is_i420(enum AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUV420P || f == AV_PIX_FMT_YUVJ420P;
}

/* A code point of H.264 Tables E-3 to E-5 (bit n of defined set if n is
 * one), else 2, unspecified. */
static int vui_code(int v, uint32_t defined)
{
    return v >= 0 && v < 32 && (defined >> v & 1) ? v : 2;
}

/* FFmpeg's colour enums carry the H.273 code points H.264's VUI uses; its
 * chroma locations count from 1 where chroma_sample_loc_type counts from 0. */
static void describe(media_reader *r, const AVStream *st)
{
    const AVCodecParameters *par = st->codecpar;
    media_video_desc *d = &r->desc;
    AVRational sar = par->sample_aspect_ratio.num ? par->sample_aspect_ratio : st->sample_aspect_ratio;
    AVRational rate = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    d->info = (video_info){ .width = par->width, .height = par->height, .fps_num = rate.num, .fps_den = rate.den,
                            .sar_num = sar.num > 0 ? sar.num : 0, .sar_den = sar.num > 0 ? sar.den : 0,
                            .full_range = par->color_range == AVCOL_RANGE_JPEG || par->format == AV_PIX_FMT_YUVJ420P };
    d->tb_num = st->time_base.num;
    d->tb_den = st->time_base.den;
    d->primaries = vui_code(par->color_primaries, 0x401ff6);  /* 1, 2, 4..12, 22 */
    d->transfer = vui_code(par->color_trc, 0x7fff6);          /* 1, 2, 4..18 */
    d->matrix = vui_code(par->color_space, 0x7ff6);
    /* RGB becomes YUV through libswscale, with its default coefficients
     * (BT.601) and range (limited), whatever the RGB was tagged with. */
    const AVPixFmtDescriptor *pix = av_pix_fmt_desc_get(par->format);
    if (par->color_space == AVCOL_SPC_RGB || (pix && pix->flags & AV_PIX_FMT_FLAG_RGB)) {
        d->matrix = AVCOL_SPC_SMPTE170M;
        d->info.full_range = 0;
    }
    d->chroma_sample_loc = par->chroma_location > AVCHROMA_LOC_UNSPECIFIED ? par->chroma_location - 1 : 0;
    d->info.chroma_siting = d->chroma_sample_loc == 0 ? VIDEO_CHROMA_LEFT
                            : d->chroma_sample_loc == 2 ? VIDEO_CHROMA_TOPLEFT : VIDEO_CHROMA_CENTER;
    size_t size = 0;
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (m && size >= sizeof(d->display_matrix)) {
        memcpy(d->display_matrix, m, sizeof(d->display_matrix));
        d->has_display_matrix = 1;
    }
}

static int open_decoder(media_reader *r, char *err, size_t err_size)
{
    const AVStream *st = r->fmt->streams[r->video];
    const AVCodecParameters *par = st->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec) {
        char tag[AV_FOURCC_MAX_STRING_SIZE] = "";
        if (par->codec_tag)
            av_fourcc_make_string(tag, par->codec_tag);
        if (par->codec_id == AV_CODEC_ID_NONE)
            snprintf(err, err_size, "its video codec%s%s%s is unknown to FFmpeg: there is no decoder for it",
                     tag[0] ? " (codec tag " : "", tag, tag[0] ? ")" : "");
        else
            snprintf(err, err_size, "its video codec %s has no decoder in this libavcodec",
                     avcodec_get_name(par->codec_id));
        return -1;
    }
    if (!(r->dec = avcodec_alloc_context3(codec)) || avcodec_parameters_to_context(r->dec, st->codecpar) < 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    r->dec->pkt_timebase = st->time_base;
    int ret = avcodec_open2(r->dec, codec, NULL);
    if (ret < 0) {
        snprintf(err, err_size, "cannot open the %s decoder: %s", codec->name, av_err2str(ret));
        return -1;
    }
    return 0;
}

static double declared_duration(const media_reader *r);

/* For a progress estimate: the container's frame count, else its
 * duration at the nominal rate. */
static int64_t expected_frames(const media_reader *r)
{
    const AVStream *st = r->fmt->streams[r->video];
    double seconds = declared_duration(r);
    if (st->nb_frames > 0)
        return st->nb_frames;
    if (seconds <= 0 && r->fmt->duration > 0)
        seconds = (double)r->fmt->duration / AV_TIME_BASE;
    if (seconds <= 0 || r->desc.info.fps_num <= 0 || r->desc.info.fps_den <= 0)
        return 0;
    return (int64_t)(seconds * r->desc.info.fps_num / r->desc.info.fps_den + 0.5);
}

/* The mov demuxer reads a whole non-seekable input to find an index
 * (moov) that comes after the media, and then cannot go back to the
 * media: the first sample lies before where the reading is. */
static int index_after_media(const AVFormatContext *fmt)
{
    if (!fmt->pb || fmt->pb->seekable & AVIO_SEEKABLE_NORMAL || !strstr(fmt->iformat->name, "mov"))
        return 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(fmt->streams[i], 0);
        if (e && e->pos < avio_tell(fmt->pb))
            return 1;
    }
    return 0;
}

int media_reader_open(media_reader **out, const char *path, char *err, size_t err_size)
{
    media_reader *r = calloc(1, sizeof(*r));
    *out = NULL;
    if (!r || !(r->pkt = av_packet_alloc()) || !(r->frame = av_frame_alloc()))
        FAIL("out of memory");
    av_log_set_level(AV_LOG_ERROR);
    int ret = avformat_open_input(&r->fmt, path, NULL, NULL);
    if (ret < 0)
        FAIL("not a media file FFmpeg can open: %s", av_err2str(ret));
    if (index_after_media(r->fmt))
        FAIL("an MP4 or MOV read from a pipe needs its index (moov) before the media, and this one has it at the "
             "end: give its file name, or make it with --faststart (ffmpeg: -movflags +faststart)");
    if ((ret = avformat_find_stream_info(r->fmt, NULL)) < 0)
        FAIL("cannot read its streams: %s", av_err2str(ret));
    if ((r->video = av_find_best_stream(r->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0)) < 0)
        FAIL("no video stream");
    if (open_decoder(r, err, err_size) < 0) {
        media_reader_close(r);
        return -1;
    }
    describe(r, r->fmt->streams[r->video]);
    r->desc.frames_expected = expected_frames(r);
    if (r->desc.info.width < 1 || r->desc.info.height < 1)
        FAIL("the video stream has no picture size");
    r->last_pts = AV_NOPTS_VALUE;
    *out = r;
    return 0;
}

const media_video_desc *media_reader_desc(const media_reader *r)
{
    return &r->desc;
}

const struct AVFormatContext *media_reader_format(const media_reader *r)
{
    return r->fmt;
}

int media_reader_video_index(const media_reader *r)
{
    return r->video;
}

/* Pictures that are not 8-bit 4:2:0 go through libswscale; the first one
 * says what was converted (for the one line the user sees). */
static int to_i420(media_reader *r, video_picture *pic, char *err, size_t err_size)
{
    AVFrame *f = r->frame;
    if (f->width != r->desc.info.width || f->height != r->desc.info.height) {
        snprintf(err, err_size, "frame %lld: the picture size changes from %dx%d to %dx%d", (long long)r->pictures,
                 r->desc.info.width, r->desc.info.height, f->width, f->height);
        return VIDEO_IO_ERROR;
    }
    if (is_i420(f->format)) {
        for (int p = 0; p < 3; p++) {
            pic->plane[p] = f->data[p];
            pic->stride[p] = f->linesize[p];
        }
        return 0;
    }
    if (!r->i420[0]) {
        if (av_image_alloc(r->i420, r->i420_linesize, f->width, f->height, AV_PIX_FMT_YUV420P, 32) < 0)
            return VIDEO_IO_NOMEM;
        snprintf(r->desc.converted, sizeof(r->desc.converted), "%s -> yuv420p",
                 av_get_pix_fmt_name(f->format) ? av_get_pix_fmt_name(f->format) : "?");
    }
    r->sws = sws_getCachedContext(r->sws, f->width, f->height, f->format, f->width, f->height, AV_PIX_FMT_YUV420P,
                                  SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
    if (!r->sws) {
        snprintf(err, err_size, "libswscale cannot convert %s to yuv420p", av_get_pix_fmt_name(f->format));
        return VIDEO_IO_ERROR;
    }
    sws_scale(r->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, r->i420, r->i420_linesize);
    for (int p = 0; p < 3; p++) {
        pic->plane[p] = r->i420[p];
        pic->stride[p] = r->i420_linesize[p];
    }
    return 0;
}

/* The container's time stamp; where it is missing or does not increase
 * (broken files), one tick after the previous, so that the encoder's
 * pts stay strictly increasing. */
static int64_t picture_pts(media_reader *r)
{
    int64_t pts = r->frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE || (r->last_pts != AV_NOPTS_VALUE && pts <= r->last_pts)) {
        if (r->last_pts != AV_NOPTS_VALUE && !r->desc.pts_fixed++)
            r->desc.pts_fixed_first = r->pictures;
        pts = r->last_pts == AV_NOPTS_VALUE ? 0 : r->last_pts + 1;
    }
    return r->last_pts = pts;
}

/* How long the container says the video lasts, in seconds, or -1: the
 * stream's duration, else the DURATION tag FFmpeg's Matroska muxer
 * writes (Matroska has no per-track duration field). */
static double declared_duration(const media_reader *r)
{
    const AVStream *st = r->fmt->streams[r->video];
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        return (double)st->duration * av_q2d(st->time_base);
    const AVDictionaryEntry *tag = av_dict_get(st->metadata, "DURATION", NULL, 0);
    unsigned h, m;
    double sec;
    if (tag && sscanf(tag->value, "%u:%u:%lf", &h, &m, &sec) == 3)
        return h * 3600.0 + m * 60.0 + sec;
    return -1;
}

/* A file cut short ends cleanly for most demuxers (a Matroska file cut in
 * a cluster, a transport stream cut between packets): its end is found
 * where the pictures stop well before the duration its header declares. */
static int check_complete(const media_reader *r, char *err, size_t err_size)
{
    const AVStream *st = r->fmt->streams[r->video];
    double declared = declared_duration(r);
    double frame = r->desc.info.fps_num > 0 ? (double)r->desc.info.fps_den / r->desc.info.fps_num : 0;
    if (declared <= 0 || !frame || r->last_pts == AV_NOPTS_VALUE)
        return 0;
    int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    double end = (double)(r->last_pts - start) * av_q2d(st->time_base) + frame;
    if (end >= declared - 1.5 * frame)
        return 0;
    snprintf(err, err_size, "the file ends after frame %lld, at %.3f s of the %.3f s its header declares: "
             "it is truncated", (long long)r->pictures - 1, end, declared);
    return r->pictures ? VIDEO_IO_TRUNCATED : VIDEO_IO_ERROR;
}

static int damaged(const media_reader *r, int ret, const char *what, char *err, size_t err_size)
{
    snprintf(err, err_size, "%s at frame %lld: %s", what, (long long)r->pictures, av_err2str(ret));
    return r->pictures ? VIDEO_IO_TRUNCATED : VIDEO_IO_ERROR;
}

/* Feeds the decoder one packet of the video stream, handing the others to
 * fn. Returns 0, or a negative status. */
static int feed(media_reader *r, media_packet_fn fn, void *opaque, char *err, size_t err_size)
{
    int ret = av_read_frame(r->fmt, r->pkt);
    if (ret == AVERROR_EOF || (ret < 0 && avio_feof(r->fmt->pb) && !r->fmt->pb->error)) {
        r->draining = 1;
        return avcodec_send_packet(r->dec, NULL) < 0 ? VIDEO_IO_ERROR : 0;
    }
    if (ret < 0)
        return damaged(r, ret, "read error", err, err_size);
    if (r->pkt->stream_index != r->video) {
        ret = fn ? fn(opaque, r->pkt) : 0;
        av_packet_unref(r->pkt);
        return ret < 0 ? ret : 0;
    }
    ret = avcodec_send_packet(r->dec, r->pkt);
    av_packet_unref(r->pkt);
    return ret < 0 && ret != AVERROR(EAGAIN) ? damaged(r, ret, "undecodable data", err, err_size) : 0;
}

int media_reader_read(media_reader *r, video_picture *pic, int64_t *pts, media_packet_fn fn, void *opaque,
                      char *err, size_t err_size)
{
    for (;;) {
        if (r->eof)
            return 0;
        av_frame_unref(r->frame);
        int ret = avcodec_receive_frame(r->dec, r->frame);
        if (ret == 0) {
            if (r->frame->flags & AV_FRAME_FLAG_CORRUPT || r->frame->decode_error_flags)
                return damaged(r, AVERROR_INVALIDDATA, "a damaged picture", err, err_size);
            if ((ret = to_i420(r, pic, err, err_size)) < 0)
                return ret;
            *pts = picture_pts(r);
            r->pictures++;
            return 1;
        }
        if (ret == AVERROR_EOF) {
            r->eof = 1;
            return check_complete(r, err, err_size);
        }
        if (ret != AVERROR(EAGAIN))
            return damaged(r, ret, "undecodable data", err, err_size);
        if ((ret = feed(r, fn, opaque, err, err_size)) < 0)
            return ret;
    }
}

void media_reader_close(media_reader *r)
{
    if (!r)
        return;
    av_freep(&r->i420[0]);
    sws_freeContext(r->sws);
    av_frame_free(&r->frame);
    av_packet_free(&r->pkt);
    avcodec_free_context(&r->dec);
    avformat_close_input(&r->fmt);
    free(r);
}

/* The duration: the stream's own (mp4, mov), else the span of the video
 * packets' time stamps, else (raw H.264) the packet count at its rate. */
int media_probe(const char *path, media_probe_info *info, char *err, size_t err_size)
{
    AVFormatContext *fmt = NULL;
    AVPacket *pkt = av_packet_alloc();
    int ret = -1;
    memset(info, 0, sizeof(*info));
    av_log_set_level(AV_LOG_ERROR);
    if (!pkt) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int lav = avformat_open_input(&fmt, path, NULL, NULL);
    if (lav < 0 || (lav = avformat_find_stream_info(fmt, NULL)) < 0) {
        snprintf(err, err_size, "not a media file FFmpeg can read: %s", av_err2str(lav));
        goto done;
    }
    int video = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (video < 0) {
        snprintf(err, err_size, "no video stream");
        goto done;
    }
    const AVStream *st = fmt->streams[video];
    snprintf(info->codec, sizeof(info->codec), "%s", avcodec_get_name(st->codecpar->codec_id));
    info->width = st->codecpar->width;
    info->height = st->codecpar->height;
    int64_t first = AV_NOPTS_VALUE, end = AV_NOPTS_VALUE;
    while ((lav = av_read_frame(fmt, pkt)) >= 0) {
        if (pkt->stream_index == video) {
            info->frames++;
            info->bytes += pkt->size;
            if (pkt->pts != AV_NOPTS_VALUE) {
                first = first == AV_NOPTS_VALUE || pkt->pts < first ? pkt->pts : first;
                end = end == AV_NOPTS_VALUE || pkt->pts + pkt->duration > end ? pkt->pts + pkt->duration : end;
            }
        }
        av_packet_unref(pkt);
    }
    if (lav != AVERROR_EOF) {
        snprintf(err, err_size, "read error after %lld video packets: %s", (long long)info->frames, av_err2str(lav));
        goto done;
    }
    AVRational rate = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        info->seconds = (double)st->duration * av_q2d(st->time_base);
    else if (first != AV_NOPTS_VALUE && end > first)
        info->seconds = (double)(end - first) * av_q2d(st->time_base);
    else if (rate.num > 0 && rate.den > 0)
        info->seconds = (double)info->frames / av_q2d(rate);
    ret = 0;
done:
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return ret;
}
