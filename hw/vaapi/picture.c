/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One picture through the driver: the parameter buffers (sequence, rate
 * control, packed headers, picture, slice), vaBeginPicture /
 * vaRenderPicture / vaEndPicture, the wait, and the coded-segment list
 * joined into the packet with bounds and status checks. Parameter buffers
 * belong to us after vaEndPicture (VA-API 1.0) and are destroyed on every
 * path.
 */
#include <stdio.h>
#include <string.h>

#include "hw/vaapi/internal.h"

#define MAX_BUFFERS 16
#define MAX_SEGMENTS 4096 /* a longer list is a corrupt (looping) one */

typedef struct buffer_list {
    VABufferID id[MAX_BUFFERS];
    int count;
} buffer_list;

static int add_buffer(vaapi_encoder *e, buffer_list *list, VABufferType type, size_t size, const void *data,
                      const char *what, char *err, size_t err_size)
{
    if (list->count == MAX_BUFFERS) {
        snprintf(err, err_size, "internal error: more than %d VA buffers for one picture", MAX_BUFFERS);
        return HWENC_EBACKEND;
    }
    VABufferID id;
    VAStatus st = e->dev.va.vaCreateBuffer(e->dev.display, e->context, type, (unsigned)size, 1, (void *)data, &id);
    if (st != VA_STATUS_SUCCESS) {
        char msg[96];
        snprintf(msg, sizeof(msg), "vaCreateBuffer (%s)", what);
        vaapi_error(&e->dev, st, msg, err, err_size);
        return HWENC_EBACKEND;
    }
    list->id[list->count++] = id;
    return 0;
}

/* A misc parameter buffer is its type followed by the payload. */
static int add_misc(vaapi_encoder *e, buffer_list *list, VAEncMiscParameterType type, const void *payload,
                    size_t size, const char *what, char *err, size_t err_size)
{
    uint32_t buf[1 + 64];
    if (size > sizeof(buf) - sizeof(VAEncMiscParameterBuffer)) {
        snprintf(err, err_size, "internal error: misc buffer %s too large", what);
        return HWENC_EBACKEND;
    }
    memset(buf, 0, sizeof(buf));
    buf[0] = (uint32_t)type;
    memcpy(buf + 1, payload, size);
    return add_buffer(e, list, VAEncMiscParameterBufferType, sizeof(VAEncMiscParameterBuffer) + size, buf, what,
                      err, err_size);
}

static int add_packed(vaapi_encoder *e, buffer_list *list, uint32_t type, const uint8_t *data, size_t bits,
                      int emulation_bytes, char *err, size_t err_size)
{
    VAEncPackedHeaderParameterBuffer param = {
        .type = type,
        .bit_length = (uint32_t)bits,
        .has_emulation_bytes = (uint8_t)emulation_bytes,
    };
    int ret = add_buffer(e, list, VAEncPackedHeaderParameterBufferType, sizeof(param), &param,
                         "packed header parameters", err, err_size);
    if (ret < 0)
        return ret;
    return add_buffer(e, list, VAEncPackedHeaderDataBufferType, (bits + 7) / 8, data, "packed header data", err,
                      err_size);
}

static int add_rate_control(vaapi_encoder *e, buffer_list *list, int reset, char *err, size_t err_size)
{
    VAEncMiscParameterRateControl rc;
    VAEncMiscParameterHRD hrd;
    VAEncMiscParameterFrameRate fr;
    vaapi_fill_rate_control(e, reset, &rc);
    vaapi_fill_hrd(e, &hrd);
    vaapi_fill_frame_rate(e, &fr);
    int ret = add_misc(e, list, VAEncMiscParameterTypeRateControl, &rc, sizeof(rc), "rate control", err, err_size);
    /* The HRD buffer goes with the modes that keep one, as FFmpeg sends it. */
    if (ret == 0 && (e->rc.mode == VA_RC_CBR || e->rc.mode == VA_RC_VBR))
        ret = add_misc(e, list, VAEncMiscParameterTypeHRD, &hrd, sizeof(hrd), "HRD", err, err_size);
    if (ret == 0)
        ret = add_misc(e, list, VAEncMiscParameterTypeFrameRate, &fr, sizeof(fr), "frame rate", err, err_size);
    return ret;
}

/* Sequence-level buffers: at every IDR, as drivers (re)start their rate
 * control there. */
static int add_sequence(vaapi_encoder *e, buffer_list *list, char *err, size_t err_size)
{
    vaapi_codec_buffer seq;
    e->codec->fill_sequence(e, &seq);
    int ret = add_buffer(e, list, VAEncSequenceParameterBufferType, e->codec->sequence_size, &seq,
                         "sequence parameters", err, err_size);
    if (ret == 0 && e->rc.mode != VA_RC_CQP && e->rc.mode != 0) {
        ret = add_rate_control(e, list, 0, err, err_size);
        e->rc_pending = 0;
    }
    if (ret == 0 && e->caps.quality_range > 0) {
        VAEncMiscParameterBufferQualityLevel q = { .quality_level = (uint32_t)vaapi_quality_level(e) };
        ret = add_misc(e, list, VAEncMiscParameterTypeQualityLevel, &q, sizeof(q), "quality level", err, err_size);
    }
    return ret;
}

/* The packed SPS and PPS, after the picture parameters. */
static int add_parameter_sets(vaapi_encoder *e, buffer_list *list, char *err, size_t err_size)
{
    int ret = 0;
    uint8_t nal[512];
    vaapi_update_hrd(e);
    if (e->packed & VA_ENC_PACKED_HEADER_SEQUENCE) {
        size_t size = e->codec->write_sequence_header(e, nal, sizeof(nal));
        ret = size ? add_packed(e, list, VAEncPackedHeaderSequence, nal, size * 8, 1, err, err_size) : HWENC_EBACKEND;
    }
    if (ret == 0 && (e->packed & VA_ENC_PACKED_HEADER_PICTURE)) {
        size_t size = e->codec->write_picture_header(e, nal, sizeof(nal));
        ret = size ? add_packed(e, list, VAEncPackedHeaderPicture, nal, size * 8, 1, err, err_size) : HWENC_EBACKEND;
    }
    if (ret == HWENC_EBACKEND && !err[0])
        snprintf(err, err_size, "internal error: the parameter sets do not fit 512 bytes");
    return ret;
}

/* The picture's ROI regions in pixels, last as FFmpeg's vaapi_encode_issue
 * sends them, with its bounds on the deltas (INT8_MIN..INT8_MAX: ours are
 * within -51..51 already) and roi_value_is_qp_delta, the only kind iHD and
 * Mesa take. The regions stay in e->roi until vaEndPicture. */
static int add_roi(vaapi_encoder *e, buffer_list *list, const hal_roi *roi, char *err, size_t err_size)
{
    for (int i = 0; i < roi->num_regions; i++) {
        const roi_region *g = &roi->regions[i];
        int x = g->x * 16, y = g->y * 16;
        int right = (g->x + g->width) * 16 < e->width ? (g->x + g->width) * 16 : e->width;
        int bottom = (g->y + g->height) * 16 < e->height ? (g->y + g->height) * 16 : e->height;
        e->roi[i] = (VAEncROI){
            .roi_rectangle = { .x = (int16_t)x, .y = (int16_t)y, .width = (uint16_t)(right - x),
                               .height = (uint16_t)(bottom - y) },
            .roi_value = (int8_t)g->qp_offset,
        };
    }
    VAEncMiscParameterBufferROI param = {
        .num_roi = (uint32_t)roi->num_regions,
        .max_delta_qp = INT8_MAX,
        .min_delta_qp = INT8_MIN,
        .roi = e->roi,
        .roi_flags.bits.roi_value_is_qp_delta = 1,
    };
    return add_misc(e, list, VAEncMiscParameterTypeROI, &param, sizeof(param), "ROI", err, err_size);
}

/* In FFmpeg's order (vaapi_encode_issue): sequence-level buffers at IDRs,
 * the picture parameters, then the packed headers and the slice. */
static int build_buffers(vaapi_encoder *e, const hal_picture *pic, VASurfaceID recon, VABufferID coded,
                         buffer_list *list, char *err, size_t err_size)
{
    int ret = 0;
    int idr = pic->type == HWENC_FRAME_IDR;
    if (idr)
        ret = add_sequence(e, list, err, err_size);
    if (ret == 0 && e->rc_pending) {
        /* A new bitrate between IDRs: the driver restarts its model. */
        ret = add_rate_control(e, list, 1, err, err_size);
        e->rc_pending = 0;
    }
    if (ret < 0)
        return ret;
    vaapi_codec_buffer pp;
    e->codec->fill_picture(e, pic, recon, coded, &pp);
    ret = add_buffer(e, list, VAEncPictureParameterBufferType, e->codec->picture_size, &pp, "picture parameters", err,
                     err_size);
    if (ret == 0 && idr)
        ret = add_parameter_sets(e, list, err, err_size);
    if (ret == 0 && e->sps.vui.nal_hrd_present && (e->packed & (VA_ENC_PACKED_HEADER_MISC | VA_ENC_PACKED_HEADER_RAW_DATA))) {
        uint8_t sei[128];
        size_t size = vaapi_write_timing_sei(e, pic, sei, sizeof(sei));
        ret = size ? add_packed(e, list, VAEncPackedHeaderRawData, sei, size * 8, 1, err, err_size) : HWENC_EBACKEND;
        if (!size)
            snprintf(err, err_size, "internal error: the timing SEI does not fit %zu bytes", sizeof(sei));
    }
    if (ret < 0)
        return ret;
    int slice_qp = e->codec->picture_qp(e, pic);
    if (e->packed & VA_ENC_PACKED_HEADER_SLICE) {
        uint8_t header[256];
        size_t bits = e->codec->write_slice_header(e, pic, slice_qp, header, sizeof(header));
        if (!bits) {
            snprintf(err, err_size, "internal error: the slice header does not fit %zu bytes", sizeof(header));
            return HWENC_EBACKEND;
        }
        /* Not emulation-prevented: the driver does that over the whole
         * slice NAL unit, header and data together. */
        ret = add_packed(e, list, VAEncPackedHeaderSlice, header, bits, 0, err, err_size);
        if (ret < 0)
            return ret;
    }
    vaapi_codec_buffer sp;
    e->codec->fill_slice(e, pic, slice_qp, &sp);
    ret = add_buffer(e, list, VAEncSliceParameterBufferType, e->codec->slice_size, &sp, "slice parameters", err,
                     err_size);
    if (ret == 0 && pic->roi && pic->roi->num_regions)
        ret = add_roi(e, list, pic->roi, err, err_size);
    return ret;
}

static int has_sps(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 3 < size; i++)
        if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1f) == H264_NAL_SPS)
            return 1;
    return 0;
}

/* Joins the coded segments after the parameter sets already in e->out. */
static int read_segments(vaapi_encoder *e, const VACodedBufferSegment *seg, size_t pos, int *qp, char *err,
                         size_t err_size)
{
    int count = 0;
    *qp = -1;
    for (; seg; seg = seg->next) {
        if (++count > MAX_SEGMENTS) {
            snprintf(err, err_size, "the VA driver returned more than %d coded segments (a corrupt list)",
                     MAX_SEGMENTS);
            return HWENC_EBACKEND;
        }
        if (seg->status & VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK) {
            snprintf(err, err_size, "the coded picture did not fit the %zu-byte coded buffer", e->coded_size);
            return HWENC_EBACKEND;
        }
        if (seg->status & VA_CODED_BUF_STATUS_BAD_BITSTREAM) {
            snprintf(err, err_size, "the VA driver flagged its coded picture as a bad bitstream");
            return HWENC_EBACKEND;
        }
        if (seg->size > e->coded_size || seg->size > e->out_capacity - pos) {
            snprintf(err, err_size, "the VA driver returned a coded segment of %u bytes, more than the %zu-byte "
                                    "coded buffer holds", seg->size, e->coded_size);
            return HWENC_EBACKEND;
        }
        if (seg->size && !seg->buf) {
            snprintf(err, err_size, "the VA driver returned a coded segment of %u bytes without data", seg->size);
            return HWENC_EBACKEND;
        }
        if (seg->size)
            memcpy(e->out + pos, seg->buf, seg->size);
        pos += seg->size;
        if (count == 1 && (seg->status & VA_CODED_BUF_STATUS_PICTURE_AVE_QP_MASK))
            *qp = (int)(seg->status & VA_CODED_BUF_STATUS_PICTURE_AVE_QP_MASK);
    }
    e->pkt.size = pos;
    return 0;
}

static int read_coded(vaapi_encoder *e, const vaapi_slot *slot, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    size_t reserved = slot->type == HWENC_FRAME_IDR ? e->parameter_sets_size : 0;
    void *map = NULL;
    VAStatus st = va->vaMapBuffer(e->dev.display, slot->coded, &map);
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(&e->dev, st, "vaMapBuffer of the coded buffer", err, err_size);
        return HWENC_EBACKEND;
    }
    int qp;
    int ret = map ? read_segments(e, map, reserved, &qp, err, err_size) : HWENC_EBACKEND;
    if (!map)
        snprintf(err, err_size, "the VA driver mapped the coded buffer to NULL");
    st = va->vaUnmapBuffer(e->dev.display, slot->coded);
    if (ret == 0 && st != VA_STATUS_SUCCESS) {
        vaapi_error(&e->dev, st, "vaUnmapBuffer of the coded buffer", err, err_size);
        ret = HWENC_EBACKEND;
    }
    if (ret < 0)
        return ret;
    /* The parameter sets were reserved in front. A driver without packed
     * headers writes its own SPS/PPS at IDRs; only when it wrote none do
     * ours go in, so the stream always starts decodable. */
    const uint8_t *coded = e->out + reserved;
    size_t coded_bytes = e->pkt.size - reserved;
    if (!coded_bytes) {
        snprintf(err, err_size, "the VA driver returned an empty coded picture");
        return HWENC_EBACKEND;
    }
    e->pkt.data = e->out;
    if (reserved && !has_sps(coded, coded_bytes)) {
        memcpy(e->out, e->parameter_sets, reserved);
    } else {
        e->pkt.data = coded;
        e->pkt.size = coded_bytes;
    }
    e->pkt.qp = qp >= 0 ? qp : slot->qp;
    return 0;
}

int vaapi_submit_picture(vaapi_encoder *e, vaapi_slot *slot, const hal_picture *pic, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    VADisplay dpy = e->dev.display;
    buffer_list list = { .count = 0 };
    VASurfaceID recon = e->recon[pic->recon_slot >= 0 ? pic->recon_slot : e->recon_count - 1];
    long long n = (long long)pic->display_index;
    char what[64];
    VAStatus st;

    e->dev.libva_error[0] = 0;
    if (pic->type == HWENC_FRAME_IDR)
        e->idr_coded_picture = e->coded_pictures;
    int ret = vaapi_upload(e, slot->input, pic, err, err_size);
    if (ret == 0)
        ret = build_buffers(e, pic, recon, slot->coded, &list, err, err_size);
    if (ret < 0)
        goto done;
    if ((st = va->vaBeginPicture(dpy, e->context, slot->input)) != VA_STATUS_SUCCESS) {
        snprintf(what, sizeof(what), "vaBeginPicture on frame %lld", n);
        goto va_fail;
    }
    st = va->vaRenderPicture(dpy, e->context, list.id, list.count);
    if (st != VA_STATUS_SUCCESS) {
        /* The picture was begun: end it so the context stays usable. */
        va->vaEndPicture(dpy, e->context);
        snprintf(what, sizeof(what), "vaRenderPicture on frame %lld", n);
        goto va_fail;
    }
    if ((st = va->vaEndPicture(dpy, e->context)) != VA_STATUS_SUCCESS) {
        snprintf(what, sizeof(what), "vaEndPicture on frame %lld", n);
        goto va_fail;
    }
    e->coded_pictures++;
    slot->pts = pic->pts;
    slot->display_index = pic->display_index;
    slot->type = pic->type;
    slot->qp = e->rc.mode == VA_RC_CQP || e->rc.mode == 0 ? e->codec->picture_qp(e, pic) : -1;
    goto done;
va_fail:
    vaapi_error(&e->dev, st, what, err, err_size);
    ret = HWENC_EBACKEND;
done:
    for (int i = 0; i < list.count; i++)
        va->vaDestroyBuffer(dpy, list.id[i]);
    return ret;
}

/* The wait FFmpeg uses (vaapi_encode_wait): vaSyncBuffer on the coded
 * buffer where the driver implements it, else vaSyncSurface on the input. */
int vaapi_finish_picture(vaapi_encoder *e, vaapi_slot *slot, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    char what[96];
    e->dev.libva_error[0] = 0;
    memset(&e->pkt, 0, sizeof(e->pkt));
    VAStatus st = e->sync_buffer ? va->vaSyncBuffer(e->dev.display, slot->coded, VA_TIMEOUT_INFINITE)
                                 : va->vaSyncSurface(e->dev.display, slot->input);
    if (st != VA_STATUS_SUCCESS) {
        snprintf(what, sizeof(what), "%s on frame %lld", e->sync_buffer ? "vaSyncBuffer" : "vaSyncSurface",
                 (long long)slot->display_index);
        vaapi_error(&e->dev, st, what, err, err_size);
        return HWENC_EBACKEND;
    }
    int ret = read_coded(e, slot, err, err_size);
    if (ret < 0) {
        /* Name the frame whose coded data were bad. */
        char inner[256];
        snprintf(inner, sizeof(inner), "%s", err);
        snprintf(err, err_size, "frame %lld: %s", (long long)slot->display_index, inner);
        return ret;
    }
    e->pkt.pts = slot->pts;
    e->pkt.display_index = slot->display_index;
    e->pkt.type = slot->type;
    return 0;
}
