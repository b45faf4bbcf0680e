/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Y4M and raw I420 frame I/O. A frame is read with one fread into a single
 * tightly packed buffer: large freads bypass stdio's buffer and land in our
 * memory directly, which keeps reading well above a few hundred 1080p frames
 * per second. The header is parsed from one bounded line, and every size is
 * validated before anything is allocated.
 */
#include "tools/media/set_err.h"
#include "tools/media/video_io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Y4M_MAGIC "YUV4MPEG2"
#define Y4M_MAX_LINE 1024
#define IO_BUFFER_SIZE (256 * 1024)

struct video_reader {
    FILE *f;
    int own_file;
    int is_y4m;
    int failed;          /* a previous read returned an error: stay failed */
    video_info info;
    size_t frame_size;
    uint8_t *frame;      /* one tightly packed I420 frame */
    char *iobuf;         /* stdio buffer; must outlive f */
    video_picture pic;
    int64_t frames;
};

struct video_writer {
    FILE *f;
    int own_file;
    int is_y4m;
    int failed;
    int width, height;
    char *iobuf;
};

void media_set_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || !err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

/* Copies a header token for an error message: printable, bounded. */
static const char *token_repr(char *dst, size_t dst_size, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < dst_size; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (n > 0 && o < n && o + 4 >= dst_size) {
        dst[o++] = '.';
        dst[o++] = '.';
        dst[o++] = '.';
    }
    dst[o] = '\0';
    return dst;
}

size_t video_frame_size(int width, int height)
{
    if (width <= 0 || height <= 0 || width > VIDEO_IO_MAX_DIM || height > VIDEO_IO_MAX_DIM ||
        (width & 1) || (height & 1))
        return 0;
    /* Fits easily: at most 16384 * 16384 * 3 / 2 bytes. */
    return (size_t)width * (size_t)height / 2 * 3;
}

int video_info_validate(const video_info *info, char *err, size_t err_size)
{
    if (info->width <= 0 || info->height <= 0 ||
        info->width > VIDEO_IO_MAX_DIM || info->height > VIDEO_IO_MAX_DIM) {
        media_set_err(err, err_size, "size %dx%d out of range (1..%d)",
                info->width, info->height, VIDEO_IO_MAX_DIM);
        return VIDEO_IO_ERROR;
    }
    if ((info->width & 1) || (info->height & 1)) {
        media_set_err(err, err_size, "odd size %dx%d: 4:2:0 needs even width and height",
                info->width, info->height);
        return VIDEO_IO_ERROR;
    }
    return 0;
}

/* Parses an unsigned decimal of n chars; values above limit are reported
 * as limit + 1 so that no overflow can happen. Returns -1 if not a number. */
static int64_t parse_uint(const char *s, size_t n, int64_t limit)
{
    if (n == 0)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v <= limit)
            v = v * 10 + (s[i] - '0');
    }
    return v > limit ? limit + 1 : v;
}

/* "num:den" with both parts in 0..INT32_MAX. */
static int parse_ratio(const char *s, size_t n, int *num, int *den)
{
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return -1;
    size_t n1 = (size_t)(colon - s);
    int64_t a = parse_uint(s, n1, INT32_MAX);
    int64_t b = parse_uint(colon + 1, n - n1 - 1, INT32_MAX);
    if (a < 0 || b < 0 || a > INT32_MAX || b > INT32_MAX)
        return -1;
    *num = (int)a;
    *den = (int)b;
    return 0;
}

static int token_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && !memcmp(s, lit, n);
}

static int parse_dim_tag(const char *tok, size_t n, const char *what, int *out,
                         char *err, size_t err_size)
{
    char repr[48];
    int64_t v = parse_uint(tok + 1, n - 1, VIDEO_IO_MAX_DIM);
    if (v < 0) {
        media_set_err(err, err_size, "bad Y4M %s '%s'", what, token_repr(repr, sizeof(repr), tok, n));
        return VIDEO_IO_ERROR;
    }
    if (v == 0 || v > VIDEO_IO_MAX_DIM) {
        media_set_err(err, err_size, "Y4M %s '%s' out of range (1..%d)", what,
                token_repr(repr, sizeof(repr), tok, n), VIDEO_IO_MAX_DIM);
        return VIDEO_IO_ERROR;
    }
    *out = (int)v;
    return 0;
}

static int parse_header_token(video_info *info, const char *tok, size_t n,
                              char *err, size_t err_size)
{
    char repr[48];
    switch (tok[0]) {
    case 'W':
        return parse_dim_tag(tok, n, "width", &info->width, err, err_size);
    case 'H':
        return parse_dim_tag(tok, n, "height", &info->height, err, err_size);
    case 'F':
        if (parse_ratio(tok + 1, n - 1, &info->fps_num, &info->fps_den) < 0 ||
            (info->fps_num == 0) != (info->fps_den == 0)) {
            media_set_err(err, err_size, "bad Y4M frame rate '%s'",
                    token_repr(repr, sizeof(repr), tok, n));
            return VIDEO_IO_ERROR;
        }
        return 0;
    case 'A':
        if (parse_ratio(tok + 1, n - 1, &info->sar_num, &info->sar_den) < 0) {
            media_set_err(err, err_size, "bad Y4M pixel aspect ratio '%s'",
                    token_repr(repr, sizeof(repr), tok, n));
            return VIDEO_IO_ERROR;
        }
        if (!info->sar_num || !info->sar_den) /* A0:0 is "unknown" */
            info->sar_num = info->sar_den = 0;
        return 0;
    case 'I':
        if (n == 2 && (tok[1] == 'p' || tok[1] == '?'))
            return 0;
        if (n == 2 && (tok[1] == 't' || tok[1] == 'b' || tok[1] == 'm')) {
            media_set_err(err, err_size, "interlaced Y4M (I%c) is not supported", tok[1]);
            return VIDEO_IO_ERROR;
        }
        media_set_err(err, err_size, "bad Y4M interlacing tag '%s'",
                token_repr(repr, sizeof(repr), tok, n));
        return VIDEO_IO_ERROR;
    case 'C':
        if (token_is(tok, n, "C420jpeg") || token_is(tok, n, "C420"))
            info->chroma_siting = VIDEO_CHROMA_CENTER;
        else if (token_is(tok, n, "C420mpeg2"))
            info->chroma_siting = VIDEO_CHROMA_LEFT;
        else if (token_is(tok, n, "C420paldv"))
            info->chroma_siting = VIDEO_CHROMA_TOPLEFT;
        else {
            media_set_err(err, err_size, "unsupported Y4M colour space '%s' "
                    "(only 4:2:0 8-bit: C420jpeg, C420mpeg2, C420paldv)",
                    token_repr(repr, sizeof(repr), tok, n));
            return VIDEO_IO_ERROR;
        }
        return 0;
    case 'X':
        if (token_is(tok, n, "XCOLORRANGE=FULL"))
            info->full_range = 1;
        else if (token_is(tok, n, "XCOLORRANGE=LIMITED"))
            info->full_range = 0;
        return 0; /* other extensions carry nothing we use */
    default:
        return 0; /* unknown tags are ignored, as the format asks */
    }
}

/* Reads one '\n'-terminated line of at most Y4M_MAX_LINE bytes (without the
 * newline). Returns its length, -1 at EOF before the newline, -2 if longer
 * than the limit, -3 on a read error. */
static int read_line(FILE *f, char *line, size_t *len)
{
    size_t n = 0;
    for (;;) {
        int c = getc(f);
        if (c == EOF) {
            *len = n;
            return ferror(f) ? -3 : -1;
        }
        if (c == '\n')
            break;
        if (n == Y4M_MAX_LINE) {
            *len = n;
            return -2;
        }
        line[n++] = (char)c;
    }
    line[n] = '\0';
    *len = n;
    return 0;
}

static int parse_y4m_header(FILE *f, video_info *info, char *err, size_t err_size)
{
    char line[Y4M_MAX_LINE + 1];
    size_t len;
    const size_t magic_len = strlen(Y4M_MAGIC);
    int ret = read_line(f, line, &len);

    if (ret == -3) {
        media_set_err(err, err_size, "read error: %s", strerror(errno));
        return VIDEO_IO_ERROR;
    }
    if (len < magic_len || memcmp(line, Y4M_MAGIC, magic_len) ||
        (len > magic_len && line[magic_len] != ' ')) {
        if (ret == -1 && len == 0)
            media_set_err(err, err_size, "not a Y4M file: empty input (missing YUV4MPEG2 signature)");
        else
            media_set_err(err, err_size, "not a Y4M file: missing YUV4MPEG2 signature (for raw I420 give --size WxH)");
        return VIDEO_IO_ERROR;
    }
    if (ret == -1) {
        media_set_err(err, err_size, "Y4M header is not terminated by a newline (truncated file?)");
        return VIDEO_IO_ERROR;
    }
    if (ret == -2) {
        media_set_err(err, err_size, "Y4M header line is longer than %d bytes", Y4M_MAX_LINE);
        return VIDEO_IO_ERROR;
    }

    memset(info, 0, sizeof(*info));
    info->chroma_siting = VIDEO_CHROMA_CENTER;
    for (size_t pos = magic_len; pos < len;) {
        while (pos < len && line[pos] == ' ')
            pos++;
        size_t end = pos;
        while (end < len && line[end] != ' ')
            end++;
        if (end > pos) {
            ret = parse_header_token(info, line + pos, end - pos, err, err_size);
            if (ret < 0)
                return ret;
        }
        pos = end;
    }
    if (!info->width) {
        media_set_err(err, err_size, "Y4M header has no width (W)");
        return VIDEO_IO_ERROR;
    }
    if (!info->height) {
        media_set_err(err, err_size, "Y4M header has no height (H)");
        return VIDEO_IO_ERROR;
    }
    return video_info_validate(info, err, err_size);
}

void video_reader_close(video_reader *r)
{
    if (!r)
        return;
    if (r->f && r->own_file)
        fclose(r->f);
    free(r->iobuf);
    free(r->frame);
    free(r);
}

/* Reads the header (or takes the raw size) and allocates the frame. */
static int reader_init(video_reader *r, const video_info *raw, char *err, size_t err_size)
{
    int ret;
    if (raw) {
        r->info = *raw;
        ret = video_info_validate(&r->info, err, err_size);
    } else {
        r->is_y4m = 1;
        ret = parse_y4m_header(r->f, &r->info, err, err_size);
    }
    if (ret < 0)
        return ret;
    r->frame_size = video_frame_size(r->info.width, r->info.height);
    r->frame = malloc(r->frame_size);
    if (!r->frame) {
        media_set_err(err, err_size, "out of memory for a %dx%d frame", r->info.width, r->info.height);
        return VIDEO_IO_NOMEM;
    }
    const size_t luma = (size_t)r->info.width * (size_t)r->info.height;
    r->pic.plane[0] = r->frame;
    r->pic.plane[1] = r->frame + luma;
    r->pic.plane[2] = r->frame + luma + luma / 4;
    r->pic.stride[0] = r->info.width;
    r->pic.stride[1] = r->pic.stride[2] = r->info.width / 2;
    return 0;
}

static int reader_open(video_reader **out, FILE *f, int own_file, const video_info *raw, char *err,
                       size_t err_size)
{
    video_reader *r = calloc(1, sizeof(*r));
    *out = NULL;
    if (!r) {
        if (own_file)
            fclose(f);
        media_set_err(err, err_size, "out of memory");
        return VIDEO_IO_NOMEM;
    }
    r->f = f;
    r->own_file = own_file;
    if (own_file) {
        /* Header parsing uses getc; a big buffer keeps that and the frame
         * markers cheap. Streams of the caller keep their own buffer. */
        r->iobuf = malloc(IO_BUFFER_SIZE);
        if (r->iobuf)
            setvbuf(r->f, r->iobuf, _IOFBF, IO_BUFFER_SIZE);
    }
    int ret = reader_init(r, raw, err, err_size);
    if (ret < 0) {
        video_reader_close(r);
        return ret;
    }
    *out = r;
    return 0;
}

int video_reader_open(video_reader **out, const char *path, const video_info *raw,
                      char *err, size_t err_size)
{
    *out = NULL;
    if (!strcmp(path, "-"))
        return reader_open(out, stdin, 0, raw, err, err_size);
    FILE *f = fopen(path, "rb");
    if (!f) {
        media_set_err(err, err_size, "cannot open '%s': %s", path, strerror(errno));
        return VIDEO_IO_ERROR;
    }
    return reader_open(out, f, 1, raw, err, err_size);
}

int video_reader_open_stream(video_reader **out, FILE *f, const video_info *raw, char *err, size_t err_size)
{
    return reader_open(out, f, 0, raw, err, err_size);
}

const video_info *video_reader_info(const video_reader *r)
{
    return &r->info;
}

int64_t video_reader_frame_index(const video_reader *r)
{
    return r->frames;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether the n bytes in buf and the rest of the input are only blanks and
 * line ends: a newline some writer added after the last frame ends the
 * input cleanly (FFmpeg's demuxer calls it invalid data, and ffmpeg then
 * stops there too). */
static int only_blanks_to_eof(FILE *f, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank(buf[i]))
            return 0;
    int c;
    while ((c = getc(f)) != EOF)
        if (!is_blank(c))
            return 0;
    return !ferror(f);
}

/* Consumes "FRAME[ params]\n". Returns 1 if a marker was read, 0 at a clean
 * end of file, negative on errors. */
static int read_frame_marker(video_reader *r, char *err, size_t err_size)
{
    static const char marker[] = "FRAME";
    char buf[5], repr[48];
    const long long idx = (long long)r->frames;
    size_t n = fread(buf, 1, sizeof(buf), r->f);

    if (n < sizeof(buf) && ferror(r->f)) {
        media_set_err(err, err_size, "read error at frame %lld: %s", idx, strerror(errno));
        return VIDEO_IO_ERROR;
    }
    if (n == 0 || only_blanks_to_eof(r->f, buf, n))
        return 0;
    if (memcmp(buf, marker, n)) {
        media_set_err(err, err_size, "bad frame marker at frame %lld: expected 'FRAME', found '%s'",
                idx, token_repr(repr, sizeof(repr), buf, n));
        return VIDEO_IO_ERROR;
    }
    if (n < sizeof(buf)) {
        media_set_err(err, err_size, "truncated frame %lld: the input ends inside its FRAME marker", idx);
        return VIDEO_IO_TRUNCATED;
    }
    int c = getc(r->f);
    if (c == ' ') {
        /* Per-frame parameters: nothing we use, but bound the skip. */
        int i = 0;
        while ((c = getc(r->f)) != '\n' && c != EOF && ++i < Y4M_MAX_LINE)
            ;
        if (c != '\n' && c != EOF) {
            media_set_err(err, err_size, "frame %lld: FRAME parameters longer than %d bytes",
                    idx, Y4M_MAX_LINE);
            return VIDEO_IO_ERROR;
        }
    }
    if (c == EOF) {
        if (ferror(r->f)) {
            media_set_err(err, err_size, "read error at frame %lld: %s", idx, strerror(errno));
            return VIDEO_IO_ERROR;
        }
        media_set_err(err, err_size, "truncated frame %lld: the input ends inside its FRAME header", idx);
        return VIDEO_IO_TRUNCATED;
    }
    if (c != '\n') {
        buf[0] = (char)c;
        media_set_err(err, err_size, "bad frame marker at frame %lld: 'FRAME' followed by '%s'",
                idx, token_repr(repr, sizeof(repr), buf, 1));
        return VIDEO_IO_ERROR;
    }
    return 1;
}

int video_reader_read(video_reader *r, video_picture *pic, char *err, size_t err_size)
{
    int ret;
    if (r->failed) {
        media_set_err(err, err_size, "reader already stopped at frame %lld", (long long)r->frames);
        return VIDEO_IO_ERROR;
    }
    if (r->is_y4m) {
        ret = read_frame_marker(r, err, err_size);
        if (ret <= 0)
            goto done;
    }
    size_t got = fread(r->frame, 1, r->frame_size, r->f);
    if (!r->is_y4m && r->frames == 0 && got >= strlen(Y4M_MAGIC) + 1 &&
        !memcmp(r->frame, Y4M_MAGIC " ", strlen(Y4M_MAGIC) + 1)) {
        media_set_err(err, err_size, "the raw input starts with a %s header: it is a Y4M file, not raw I420 "
                "(read it without a raw size)", Y4M_MAGIC);
        ret = VIDEO_IO_ERROR;
        goto done;
    }
    if (got < r->frame_size) {
        if (ferror(r->f)) {
            media_set_err(err, err_size, "read error at frame %lld: %s",
                    (long long)r->frames, strerror(errno));
            ret = VIDEO_IO_ERROR;
        } else if (got == 0 && !r->is_y4m) {
            ret = 0;
        } else {
            media_set_err(err, err_size, "truncated frame %lld: %zu of %zu bytes missing",
                    (long long)r->frames, r->frame_size - got, r->frame_size);
            ret = VIDEO_IO_TRUNCATED;
        }
        goto done;
    }
    r->frames++;
    *pic = r->pic;
    return 1;

done:
    if (ret < 0)
        r->failed = 1;
    return ret;
}

static int ends_with_y4m(const char *path)
{
    size_t n = strlen(path);
    if (n < 4)
        return 0;
    const char *ext = path + n - 4;
    static const char lower[] = ".y4m", upper[] = ".Y4M";
    for (int i = 0; i < 4; i++)
        if (ext[i] != lower[i] && ext[i] != upper[i])
            return 0;
    return 1;
}

static const char *siting_tag(enum video_chroma_siting s)
{
    switch (s) {
    case VIDEO_CHROMA_LEFT:    return "C420mpeg2";
    case VIDEO_CHROMA_TOPLEFT: return "C420paldv";
    case VIDEO_CHROMA_CENTER:
    default:                   return "C420jpeg";
    }
}

static int write_y4m_header(FILE *f, const video_info *info)
{
    int fps_num = info->fps_num, fps_den = info->fps_den;
    if (fps_num <= 0 || fps_den <= 0)
        fps_num = 25, fps_den = 1;
    if (fprintf(f, "%s W%d H%d F%d:%d Ip", Y4M_MAGIC, info->width, info->height,
                fps_num, fps_den) < 0)
        return VIDEO_IO_ERROR;
    if (info->sar_num > 0 && info->sar_den > 0 &&
        fprintf(f, " A%d:%d", info->sar_num, info->sar_den) < 0)
        return VIDEO_IO_ERROR;
    if (fprintf(f, " %s%s\n", siting_tag(info->chroma_siting),
                info->full_range ? " XCOLORRANGE=FULL" : "") < 0)
        return VIDEO_IO_ERROR;
    return 0;
}

static int writer_free(video_writer *w)
{
    int ret = w->failed ? VIDEO_IO_ERROR : 0;
    if (w->f) {
        if (w->own_file) {
            if (fclose(w->f))
                ret = VIDEO_IO_ERROR;
        } else if (fflush(w->f) || ferror(w->f)) {
            ret = VIDEO_IO_ERROR;
        }
    }
    free(w->iobuf);
    free(w);
    return ret;
}

static int writer_open(video_writer **out, FILE *f, int own_file, int y4m, const char *name,
                       const video_info *info, char *err, size_t err_size)
{
    video_writer *w = calloc(1, sizeof(*w));
    *out = NULL;
    if (!w) {
        if (own_file)
            fclose(f);
        media_set_err(err, err_size, "out of memory");
        return VIDEO_IO_NOMEM;
    }
    w->f = f;
    w->own_file = own_file;
    w->is_y4m = y4m;
    w->width = info->width;
    w->height = info->height;
    if (own_file) {
        w->iobuf = malloc(IO_BUFFER_SIZE);
        if (w->iobuf)
            setvbuf(w->f, w->iobuf, _IOFBF, IO_BUFFER_SIZE);
    }
    if (w->is_y4m && write_y4m_header(w->f, info) < 0) {
        media_set_err(err, err_size, "cannot write the Y4M header to '%s': %s", name, strerror(errno));
        writer_free(w);
        return VIDEO_IO_ERROR;
    }
    *out = w;
    return 0;
}

int video_writer_open(video_writer **out, const char *path, const video_info *info,
                      char *err, size_t err_size)
{
    *out = NULL;
    int ret = video_info_validate(info, err, err_size);
    if (ret < 0)
        return ret;
    if (!strcmp(path, "-"))
        return writer_open(out, stdout, 0, 1, "stdout", info, err, err_size);
    FILE *f = fopen(path, "wb");
    if (!f) {
        media_set_err(err, err_size, "cannot create '%s': %s", path, strerror(errno));
        return VIDEO_IO_ERROR;
    }
    return writer_open(out, f, 1, ends_with_y4m(path), path, info, err, err_size);
}

int video_writer_open_stream(video_writer **out, FILE *f, int y4m, const video_info *info, char *err,
                             size_t err_size)
{
    *out = NULL;
    int ret = video_info_validate(info, err, err_size);
    return ret < 0 ? ret : writer_open(out, f, 0, y4m, "the stream", info, err, err_size);
}

static int write_plane(FILE *f, const uint8_t *src, ptrdiff_t stride, int width, int height)
{
    if (stride == width)
        return fwrite(src, 1, (size_t)width * (size_t)height, f) == (size_t)width * (size_t)height
               ? 0 : VIDEO_IO_ERROR;
    for (int y = 0; y < height; y++, src += stride)
        if (fwrite(src, 1, (size_t)width, f) != (size_t)width)
            return VIDEO_IO_ERROR;
    return 0;
}

int video_writer_write(video_writer *w, const uint8_t *const plane[3], const ptrdiff_t stride[3])
{
    if (w->failed)
        return VIDEO_IO_ERROR;
    if (w->is_y4m && fwrite("FRAME\n", 1, 6, w->f) != 6)
        goto fail;
    for (int p = 0; p < 3; p++) {
        const int pw = p ? w->width / 2 : w->width;
        const int ph = p ? w->height / 2 : w->height;
        if (write_plane(w->f, plane[p], stride[p], pw, ph) < 0)
            goto fail;
    }
    return 0;
fail:
    w->failed = 1;
    return VIDEO_IO_ERROR;
}

int video_writer_close(video_writer *w)
{
    return w ? writer_free(w) : 0;
}
