/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/avdecode.h"
#include "tests/common/roundtrip.h"

typedef struct stream_buffer {
    uint8_t *data;
    size_t size, capacity;
} stream_buffer;

static int append(stream_buffer *b, const uint8_t *data, size_t size)
{
    if (b->size + size > b->capacity) {
        size_t cap = (b->capacity + size) * 2;
        uint8_t *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->capacity = cap;
    }
    memcpy(b->data + b->size, data, size);
    b->size += size;
    return 0;
}

/* Size of the buffer make_input() needs besides the source frame. */
static size_t input_size(const hwenc_config *cfg, const roundtrip_options *opt)
{
    const size_t w = (size_t)cfg->width + (size_t)opt->input_padding, h = (size_t)cfg->height;
    return w * h * 3 / 2 + 2 * (size_t)opt->input_padding * h + 1;
}

/* Copies the I420 planes to rows of the padded stride, starting at an odd
 * address, so the encoder must honour the strides and cannot rely on
 * alignment. */
static void make_padded_input(const hwenc_config *cfg, int pad, const uint8_t *i420, uint8_t *buf, hwenc_frame *f)
{
    const uint8_t *src = i420;
    uint8_t *dst = buf + 1;
    for (int p = 0; p < 3; p++) {
        const int w = p ? cfg->width / 2 : cfg->width, h = p ? cfg->height / 2 : cfg->height;
        f->plane[p] = dst;
        f->stride[p] = w + pad;
        for (int y = 0; y < h; y++, src += w, dst += w + pad) {
            memcpy(dst, src, (size_t)w);
            memset(dst + w, 0xa5, (size_t)pad);
        }
    }
}

/* The frame as the encoder takes it: the source itself, or copied into
 * input packed as NV12 or with padded rows. */
static void make_input(const hwenc_config *cfg, const roundtrip_options *opt, const uint8_t *i420, uint8_t *input,
                       hwenc_frame *f)
{
    int w = cfg->width, h = cfg->height;
    if (opt->input_padding && cfg->pixel_format == HWENC_PIXFMT_I420) {
        make_padded_input(cfg, opt->input_padding, i420, input, f);
        return;
    }
    f->plane[0] = i420;
    f->stride[0] = w;
    if (cfg->pixel_format == HWENC_PIXFMT_NV12) {
        const uint8_t *u = i420 + w * h, *v = u + w * h / 4;
        memcpy(input, i420, (size_t)(w * h));
        for (int i = 0; i < w * h / 4; i++) {
            input[w * h + 2 * i] = u[i];
            input[w * h + 2 * i + 1] = v[i];
        }
        f->plane[0] = input;
        f->plane[1] = input + w * h;
        f->stride[1] = w;
        f->plane[2] = NULL;
        f->stride[2] = 0;
        return;
    }
    f->plane[1] = i420 + w * h;
    f->plane[2] = i420 + w * h * 5 / 4;
    f->stride[1] = f->stride[2] = w / 2;
}

static void store_recon(const hwenc_config *cfg, const hwenc_packet *pkt, uint8_t *dst)
{
    for (int p = 0; p < 3; p++) {
        int w = p ? cfg->width / 2 : cfg->width, h = p ? cfg->height / 2 : cfg->height;
        for (int y = 0; y < h; y++, dst += w)
            memcpy(dst, pkt->recon[p] + y * pkt->recon_stride[p], (size_t)w);
    }
}

static int collect(hwenc_encoder *enc, const hwenc_config *cfg, const roundtrip_options *opt, stream_buffer *bs,
                   uint8_t **recon, roundtrip_result *r)
{
    hwenc_packet pkt;
    int ret;
    size_t fs = (size_t)cfg->width * (size_t)cfg->height * 3 / 2;
    while ((ret = hwenc_receive_packet(enc, &pkt)) == 0) {
        if (append(bs, pkt.data, pkt.size) < 0)
            return -1;
        /* Without B frames packets come in display order; with them, each
         * frame once, with decoding time stamps that increase and never
         * pass the presentation time. */
        int64_t index = pkt.pts;
        if ((!cfg->bframes && index != r->packets) || index < 0 || index >= opt->frames ||
            (r->packets && pkt.dts <= r->last_dts) || pkt.dts > pkt.pts) {
            snprintf(r->message, sizeof(r->message), "packet %d has pts %lld, dts %lld (previous dts %lld)",
                     r->packets, (long long)pkt.pts, (long long)pkt.dts, (long long)r->last_dts);
            return -1;
        }
        r->last_dts = pkt.dts;
        r->keyframes += pkt.keyframe;
        r->b_frames += pkt.type == HWENC_FRAME_B;
        r->vbv_overruns += pkt.vbv_overrun;
        if ((unsigned)pkt.type < sizeof(r->qp_by_type) / sizeof(r->qp_by_type[0]))
            r->qp_by_type[pkt.type] = pkt.qp;
        if (opt->packet_bits)
            opt->packet_bits[index] = (int64_t)pkt.size * 8;
        if (opt->decode_bits && r->packets < opt->frames)
            opt->decode_bits[r->packets] = (int64_t)pkt.size * 8;
        if (pkt.recon[0]) {
            r->have_recon = 1;
            if (recon[index]) {
                snprintf(r->message, sizeof(r->message), "two packets with pts %lld", (long long)index);
                return -1;
            }
            if (!(recon[index] = malloc(fs)))
                return -1;
            store_recon(cfg, &pkt, recon[index]);
        }
        r->packets++;
    }
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return 0;
    snprintf(r->message, sizeof(r->message), "receive failed: %s (%s)", hwenc_error_string(ret),
             hwenc_last_error(enc));
    return -1;
}

static int is_forced(const roundtrip_options *opt, int i)
{
    for (const int *p = opt->force_idr_frames; p && *p >= 0; p++)
        if (*p == i)
            return 1;
    return 0;
}

static int check_decoded(const hwenc_config *cfg, const roundtrip_options *opt, uint8_t **source,
                         uint8_t **recon, const stream_buffer *bs, roundtrip_result *r)
{
    decoded_video dec = { 0 };
    char err[256];
    if (avdecode_h264(bs->data, bs->size, &dec, err, sizeof(err)) < 0) {
        snprintf(r->message, sizeof(r->message), "libavcodec: %s", err);
        return -1;
    }
    int ret = -1;
    r->decoded = dec.frame_count;
    r->mv_count = dec.mv_count;
    r->mv_outside = dec.mv_outside;
    if (dec.frame_count != opt->frames || dec.width != cfg->width || dec.height != cfg->height) {
        snprintf(r->message, sizeof(r->message), "decoded %d frames of %dx%d, expected %d of %dx%d",
                 dec.frame_count, dec.width, dec.height, opt->frames, cfg->width, cfg->height);
        goto done;
    }
    r->bitexact = r->have_recon;
    r->psnr_y_min = 1e9;
    for (int i = 0; i < dec.frame_count; i++) {
        double psnr = psnr_plane(dec.frames[i], cfg->width, source[i], cfg->width, cfg->width, cfg->height);
        r->psnr_y_avg += psnr / dec.frame_count;
        if (psnr < r->psnr_y_min)
            r->psnr_y_min = psnr;
        if (!r->have_recon)
            continue;
        int plane, x, y;
        if (!recon[i]) {
            snprintf(r->message, sizeof(r->message), "frame %d came back without a reconstruction", i);
            r->bitexact = 0;
            goto done;
        }
        const uint8_t *rp[3] = { recon[i], recon[i] + cfg->width * cfg->height,
                                 recon[i] + cfg->width * cfg->height * 5 / 4 };
        const ptrdiff_t rs[3] = { cfg->width, cfg->width / 2, cfg->width / 2 };
        if (decoded_video_compare(&dec, i, rp, rs, &plane, &x, &y) >= 0) {
            r->bitexact = 0;
            snprintf(r->message, sizeof(r->message),
                     "frame %d: decoder output differs from the reconstruction at plane %d (%d,%d), macroblock (%d,%d)",
                     i, plane, x, y, plane ? x / 8 : x / 16, plane ? y / 8 : y / 16);
            goto done;
        }
    }
    ret = 0;
done:
    decoded_video_free(&dec);
    return ret;
}

int roundtrip_run(const hwenc_config *cfg, const roundtrip_options *opt, roundtrip_result *r)
{
    size_t fs = (size_t)cfg->width * (size_t)cfg->height * 3 / 2;
    uint8_t **source = calloc((size_t)opt->frames, sizeof(*source));
    uint8_t **recon = calloc((size_t)opt->frames, sizeof(*recon));
    uint8_t *input = malloc(input_size(cfg, opt));
    stream_buffer bs = { 0 };
    hwenc_encoder *enc = NULL;
    int ret = -1, err;

    memset(r, 0, sizeof(*r));
    memset(r->qp_by_type, -1, sizeof(r->qp_by_type));
    r->frames = opt->frames;
    if (!source || !recon || !input)
        goto done;
    if ((err = hwenc_open_ex(cfg, &enc, r->message, sizeof(r->message))) < 0)
        goto done;
    for (int i = 0; i < opt->frames; i++) {
        hwenc_frame f = { .pts = i, .force_idr = is_forced(opt, i) };
        if (opt->reconfigure_at > 0 && i == opt->reconfigure_at && (err = hwenc_reconfigure(enc, opt->reconfigure)) < 0) {
            snprintf(r->message, sizeof(r->message), "reconfigure: %s (%s)", hwenc_error_string(err),
                     hwenc_last_error(enc));
            goto done;
        }
        if (!(source[i] = malloc(fs)))
            goto done;
        clipgen_frame_i420(opt->pattern, cfg->width, cfg->height, i, opt->seed, source[i]);
        make_input(cfg, opt, source[i], input, &f);
        while ((err = hwenc_send_frame(enc, &f)) == HWENC_EAGAIN)
            if (collect(enc, cfg, opt, &bs, recon, r) < 0)
                goto done;
        if (err < 0) {
            snprintf(r->message, sizeof(r->message), "send frame %d: %s (%s)", i, hwenc_error_string(err),
                     hwenc_last_error(enc));
            goto done;
        }
        if (collect(enc, cfg, opt, &bs, recon, r) < 0)
            goto done;
    }
    if (hwenc_send_frame(enc, NULL) < 0 || collect(enc, cfg, opt, &bs, recon, r) < 0)
        goto done;
    r->bytes = bs.size;
    if (opt->dump_path) {
        FILE *f = fopen(opt->dump_path, "wb");
        if (!f || fwrite(bs.data, 1, bs.size, f) != bs.size) {
            snprintf(r->message, sizeof(r->message), "cannot write %s", opt->dump_path);
            if (f)
                fclose(f);
            goto done;
        }
        fclose(f);
    }
    if (r->packets != opt->frames) {
        snprintf(r->message, sizeof(r->message), "%d packets for %d frames", r->packets, opt->frames);
        goto done;
    }
    ret = check_decoded(cfg, opt, source, recon, &bs, r);
done:
    hwenc_close(enc);
    for (int i = 0; i < opt->frames; i++) {
        if (source)
            free(source[i]);
        if (recon)
            free(recon[i]);
    }
    free(source);
    free(recon);
    free(input);
    free(bs.data);
    return ret;
}
