/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "tools/media/input.h"
#include "tools/media/join.h"
#include "tools/media/timeline.h"

#define FAIL(...) do { snprintf(err, err_size, __VA_ARGS__); goto fail; } while (0)

typedef struct join_au {
    int64_t offset;
    int size;
    int idr;
    int poc;
    int64_t display;             /* index in presentation order over the joined stream */
} join_au;

typedef struct join_segment {
    const char *path;
    join_au *au;
    int64_t count;
} join_segment;

typedef struct join_state {
    const media_join_options *o;
    join_segment *seg;
    int64_t frames;
    const media_timeline *tl;
    int delay;
    uint8_t params[4096];        /* SPS and PPS of the first segment, Annex B */
    int params_size;
    /* writing */
    int cur_seg;
    int64_t cur_au, decode_index;
    uint8_t *buf;
    size_t buf_size;
} join_state;

static int read_whole(const char *path, uint8_t **data, size_t *size, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    *data = NULL;
    *size = 0;
    if (!f) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    for (;;) {
        if (*size + 65536 > cap) {
            cap = cap ? 2 * cap : 1 << 20;
            uint8_t *p = realloc(*data, cap + AV_INPUT_BUFFER_PADDING_SIZE);
            if (!p) {
                snprintf(err, err_size, "%s: out of memory", path);
                goto fail;
            }
            *data = p;
        }
        size_t n = fread(*data + *size, 1, cap - *size, f);
        *size += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, err_size, "%s: reading failed: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    memset(*data + *size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    return 0;
fail:
    fclose(f);
    free(*data);
    *data = NULL;
    return -1;
}

/* Calls fn on each NAL unit (without start code or trailing zero bytes). */
static void for_each_nal(const uint8_t *p, size_t size, void (*fn)(void *, const uint8_t *, size_t), void *opaque)
{
    size_t i = 0, start = SIZE_MAX;
    while (i + 3 <= size) {
        if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1) {
            if (start != SIZE_MAX) {
                size_t end = i;
                while (end > start && p[end - 1] == 0)
                    end--;
                fn(opaque, p + start, end - start);
            }
            i += 3;
            start = i;
        } else {
            i++;
        }
    }
    if (start != SIZE_MAX && start < size) {
        size_t end = size;
        while (end > start && p[end - 1] == 0)
            end--;
        fn(opaque, p + start, end - start);
    }
}

typedef struct nal_scan {
    int idr;
    uint8_t *params;
    int params_size, params_cap, overflow;
} nal_scan;

static void scan_nal(void *opaque, const uint8_t *nal, size_t size)
{
    nal_scan *s = opaque;
    if (!size)
        return;
    int type = nal[0] & 0x1f;
    if (type == 5)
        s->idr = 1;
    if ((type == 7 || type == 8) && s->params) {
        if ((size_t)s->params_size + 4 + size > (size_t)s->params_cap) {
            s->overflow = 1;
            return;
        }
        memcpy(s->params + s->params_size, "\0\0\0\1", 4);
        memcpy(s->params + s->params_size + 4, nal, size);
        s->params_size += 4 + (int)size;
    }
}

static int push_au(join_segment *s, int64_t *cap, int64_t offset, int size, int poc)
{
    if (s->count == *cap) {
        int64_t n = *cap ? 2 * *cap : 256;
        join_au *a = realloc(s->au, (size_t)n * sizeof(*a));
        if (!a)
            return -1;
        s->au = a;
        *cap = n;
    }
    s->au[s->count++] = (join_au){ .offset = offset, .size = size, .poc = poc };
    return 0;
}

/* Splits a segment into access units with libavcodec's H.264 parser,
 * which also gives each one's POC (output_picture_number). */
static int split_units(join_segment *s, const uint8_t *data, size_t size, char *err, size_t err_size)
{
    AVCodecParserContext *parser = av_parser_init(AV_CODEC_ID_H264);
    AVCodecContext *avctx = avcodec_alloc_context3(NULL);
    int64_t cap = 0, offset = 0;
    size_t pos = 0;
    if (!parser || !avctx)
        FAIL("out of memory");
    for (;;) {
        uint8_t *out;
        int out_size, n = av_parser_parse2(parser, avctx, &out, &out_size, pos < size ? data + pos : NULL,
                                           pos < size ? (int)(size - pos < INT32_MAX ? size - pos : INT32_MAX) : 0,
                                           AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        if (n < 0)
            FAIL("%s: the H.264 parser failed at byte %zu", s->path, pos);
        pos += (size_t)n;
        if (out_size) {
            if (push_au(s, &cap, offset, out_size, parser->output_picture_number) < 0)
                FAIL("out of memory");
            offset += out_size;
        }
        if (pos >= size && !n && !out_size)
            break;
    }
    if ((size_t)offset != size)
        FAIL("%s: the access units found cover %lld of its %zu bytes", s->path, (long long)offset, size);
    av_parser_close(parser);
    avcodec_free_context(&avctx);
    return 0;
fail:
    av_parser_close(parser);
    avcodec_free_context(&avctx);
    return -1;
}

static int cmp_poc(const void *a, const void *b)
{
    const join_au *x = *(join_au *const *)a, *y = *(join_au *const *)b;
    return (x->poc > y->poc) - (x->poc < y->poc);
}

/* Presentation order within each IDR period (POC restarts at an IDR;
 * hwenc's GOPs are closed, so no picture crosses one). */
static int order_periods(join_segment *s, int64_t first_display, char *err, size_t err_size)
{
    join_au **sorted = malloc((size_t)s->count * sizeof(*sorted));
    if (!sorted) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    for (int64_t start = 0, end; start < s->count; start = end) {
        for (end = start + 1; end < s->count && !s->au[end].idr; end++)
            ;
        for (int64_t i = start; i < end; i++)
            sorted[i - start] = &s->au[i];
        qsort(sorted, (size_t)(end - start), sizeof(*sorted), cmp_poc);
        for (int64_t i = 0; i < end - start; i++) {
            if (i && sorted[i]->poc == sorted[i - 1]->poc) {
                snprintf(err, err_size, "%s: two pictures with POC %d after the IDR at its access unit %lld",
                         s->path, sorted[i]->poc, (long long)start);
                free(sorted);
                return -1;
            }
            sorted[i]->display = first_display + start + i;
        }
    }
    free(sorted);
    return 0;
}

/* Reads one segment's access units and checks what a join without
 * re-encoding needs: an IDR first, with the SPS/PPS of the first segment. */
static int scan_segment(join_state *st, int index, char *err, size_t err_size)
{
    join_segment *s = &st->seg[index];
    uint8_t *data;
    size_t size;
    uint8_t params[sizeof(st->params)];
    if (read_whole(s->path, &data, &size, err, err_size) < 0)
        return -1;
    if (!size)
        FAIL("%s: the segment is empty", s->path);
    if (split_units(s, data, size, err, err_size) < 0)
        goto fail;
    for (int64_t i = 0; i < s->count; i++) {
        nal_scan scan = { .params = i ? NULL : params, .params_cap = (int)sizeof(params) };
        for_each_nal(data + s->au[i].offset, (size_t)s->au[i].size, scan_nal, &scan);
        s->au[i].idr = scan.idr;
        if (i)
            continue;
        if (!scan.idr)
            FAIL("%s: the segment does not start with an IDR picture: it cannot be joined without re-encoding "
                 "(encode it with --force-idr at its first frame, as hwenc encode --start-frame does)", s->path);
        if (scan.overflow || !scan.params_size)
            FAIL("%s: the first access unit carries %s", s->path,
                 scan.overflow ? "more SPS/PPS data than a join handles" : "no SPS and PPS");
        if (!index) {
            memcpy(st->params, params, (size_t)scan.params_size);
            st->params_size = scan.params_size;
        } else if (scan.params_size != st->params_size || memcmp(params, st->params, (size_t)scan.params_size)) {
            FAIL("%s: its SPS/PPS differ from those of %s: the segments were encoded with different settings "
                 "and cannot share one stream", s->path, st->seg[0].path);
        }
    }
    if (order_periods(s, st->frames, err, err_size) < 0)
        goto fail;
    st->frames += s->count;
    free(data);
    return 0;
fail:
    free(data);
    return -1;
}

/* The dts delay the stream needs: the most any picture is decoded ahead
 * of its place in presentation order. */
static int reorder_delay(const join_state *st)
{
    int64_t k = 0, delay = 0;
    for (int i = 0; i < st->o->segment_count; i++)
        for (int64_t j = 0; j < st->seg[i].count; j++, k++)
            if (k - st->seg[i].au[j].display > delay)
                delay = k - st->seg[i].au[j].display;
    return (int)delay;
}

static int64_t frame_time(const join_state *st, int64_t i)
{
    const int64_t *t = st->tl->pts;
    if (i >= 0)
        return t[i];
    int64_t step = st->tl->frames > 1 ? t[1] - t[0] : 1;
    return t[0] + i * step;
}

static int64_t next_dts(const join_state *st)
{
    return frame_time(st, st->decode_index - st->delay);
}

/* Writes the next access unit, loading its segment when it starts one. */
static int write_next(join_state *st, media_mux *mux, FILE *raw, char *err, size_t err_size)
{
    join_segment *s = &st->seg[st->cur_seg];
    if (!st->cur_au) {
        free(st->buf);
        st->buf = NULL;
        if (read_whole(s->path, &st->buf, &st->buf_size, err, err_size) < 0)
            return -1;
        int64_t end = s->au[s->count - 1].offset + s->au[s->count - 1].size;
        if ((int64_t)st->buf_size != end) {
            snprintf(err, err_size, "%s changed while it was joined", s->path);
            return -1;
        }
    }
    const join_au *a = &s->au[st->cur_au];
    const uint8_t *data = st->buf + a->offset;
    if (raw) {
        if (fwrite(data, 1, (size_t)a->size, raw) != (size_t)a->size) {
            snprintf(err, err_size, "writing %s failed: %s", st->o->output, strerror(errno));
            return -1;
        }
    } else {
        int64_t pts = frame_time(st, a->display), dts = next_dts(st);
        if (media_mux_write_video(mux, data, (size_t)a->size, pts, dts, a->idr, st->params, (size_t)st->params_size,
                                  err, err_size) < 0)
            return -1;
    }
    st->decode_index++;
    if (++st->cur_au == s->count) {
        st->cur_au = 0;
        st->cur_seg++;
    }
    return 0;
}

static int video_left(const join_state *st)
{
    return st->decode_index < st->frames;
}

/* The source's other streams, each packet written after the video whose
 * dts is not later, so that the muxer's interleaving holds little. */
static int copy_streams(join_state *st, media_mux *mux, char *err, size_t err_size)
{
    AVFormatContext *fmt = NULL;
    AVPacket *pkt = av_packet_alloc();
    AVRational vtb = { st->tl->desc.tb_num, st->tl->desc.tb_den };
    int ret = pkt ? avformat_open_input(&fmt, st->o->source, NULL, NULL) : AVERROR(ENOMEM);
    if (ret < 0 || (ret = avformat_find_stream_info(fmt, NULL)) < 0)
        FAIL("%s: cannot read its streams: %s", st->o->source, av_err2str(ret));
    while ((ret = av_read_frame(fmt, pkt)) >= 0) {
        if (pkt->stream_index == st->tl->video_stream) {
            av_packet_unref(pkt);
            continue;
        }
        int64_t t = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
        AVRational tb = fmt->streams[pkt->stream_index]->time_base;
        while (video_left(st) && t != AV_NOPTS_VALUE && av_compare_ts(next_dts(st), vtb, t, tb) <= 0)
            if (write_next(st, mux, NULL, err, err_size) < 0)
                goto fail;
        if (media_mux_write_copy(mux, pkt, err, err_size) < 0)
            goto fail;
        av_packet_unref(pkt);
    }
    if (ret != AVERROR_EOF)
        FAIL("%s: reading it failed: %s", st->o->source, av_err2str(ret));
    while (video_left(st))
        if (write_next(st, mux, NULL, err, err_size) < 0)
            goto fail;
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return 0;
fail:
    av_packet_free(&pkt);
    avformat_close_input(&fmt);
    return -1;
}

static int write_container(join_state *st, char *err, size_t err_size)
{
    media_mux *mux = NULL;
    AVFormatContext *fmt = NULL;
    int ret;
    if (st->tl->container) {
        /* The stream descriptions (and chapters) of the copied streams. */
        if ((ret = avformat_open_input(&fmt, st->o->source, NULL, NULL)) < 0 ||
            (ret = avformat_find_stream_info(fmt, NULL)) < 0)
            FAIL("%s: cannot read its streams: %s", st->o->source, av_err2str(ret));
    }
    if (media_mux_open(&mux, st->o->output, &st->tl->desc, fmt, st->tl->video_stream, &st->o->mux, err,
                       err_size) < 0)
        goto fail;
    if (fmt) {
        if (copy_streams(st, mux, err, err_size) < 0)
            goto fail;
    } else {
        while (video_left(st))
            if (write_next(st, mux, NULL, err, err_size) < 0)
                goto fail;
    }
    if (media_mux_finish(mux, err, err_size) < 0)
        goto fail;
    media_mux_close(mux);
    avformat_close_input(&fmt);
    return 0;
fail:
    media_mux_close(mux);
    avformat_close_input(&fmt);
    return -1;
}

/* Raw Annex B: the access units in order, written under a temporary name
 * and renamed when complete. */
static int write_raw(join_state *st, char *err, size_t err_size)
{
    size_t n = strlen(st->o->output) + 32;
    char *tmp = malloc(n);
    FILE *f = NULL;
    if (!tmp)
        FAIL("out of memory");
    snprintf(tmp, n, "%s.join-%ld", st->o->output, (long)getpid());
    if (!(f = fopen(tmp, "wb")))
        FAIL("cannot create %s: %s", tmp, strerror(errno));
    while (video_left(st))
        if (write_next(st, NULL, f, err, err_size) < 0)
            goto fail;
    int close_ret = fclose(f);
    f = NULL;
    if (close_ret != 0)
        FAIL("writing %s failed: %s", st->o->output, strerror(errno));
    if (rename(tmp, st->o->output) < 0)
        FAIL("cannot rename %s to %s: %s", tmp, st->o->output, strerror(errno));
    free(tmp);
    return 0;
fail:
    if (f)
        fclose(f);
    if (tmp)
        unlink(tmp);
    free(tmp);
    return -1;
}

int media_join(const media_join_options *o, media_join_result *res, char *err, size_t err_size)
{
    join_state st = { .o = o };
    media_timeline tl = { 0 };
    int ret = -1;
    if (o->segment_count < 1)
        FAIL("no segment to join");
    if (!(st.seg = calloc((size_t)o->segment_count, sizeof(*st.seg))))
        FAIL("out of memory");
    for (int i = 0; i < o->segment_count; i++) {
        st.seg[i].path = o->segments[i];
        if (scan_segment(&st, i, err, err_size) < 0)
            goto fail;
    }
    char terr[512];
    if (media_timeline_read(&tl, o->source, terr, sizeof(terr)) < 0)
        FAIL("%s: %s", o->source, terr);
    if (tl.frames != st.frames)
        FAIL("the %d segments hold %lld frames, the source %s %lld: a segment is missing, extra or incomplete "
             "(nothing was written)", o->segment_count, (long long)st.frames, o->source, (long long)tl.frames);
    st.tl = &tl;
    st.delay = reorder_delay(&st);
    if (media_container_name(o->output) ? write_container(&st, err, err_size) < 0 : write_raw(&st, err, err_size) < 0)
        goto fail;
    res->frames = st.frames;
    res->segments = o->segment_count;
    res->reorder_delay = st.delay;
    ret = 0;
fail:
    if (st.seg)
        for (int i = 0; i < o->segment_count; i++)
            free(st.seg[i].au);
    free(st.seg);
    free(st.buf);
    media_timeline_free(&tl);
    return ret;
}
