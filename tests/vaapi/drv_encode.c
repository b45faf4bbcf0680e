/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Contexts and pictures of the test driver. vaRenderPicture copies what
 * each buffer says; vaEndPicture checks the picture against the stream
 * the driver has seen so far (its own model of frame_num, POC and the DPB,
 * H.264 8.2.1 and 8.2.4/8.2.5.3), compares any packed header with the VA
 * parameters, and codes the picture with the CPU encoder into the coded
 * buffer. Reconstruction slots are the context's render targets, by index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/vaapi/drv.h"
#include "tests/common/double_break.h"

#define CTX_STATE(ctx) ((drv_state *)(ctx)->pDriverData)

void drv_context_release(drv_context *c)
{
    if (!c)
        return;
    cpu_encoder_close(c->enc);
    free(c);
}

static VAStatus drv_create_context(VADriverContextP ctx, VAConfigID config, int width, int height, int flag,
                                   VASurfaceID *targets, int num, VAContextID *out)
{
    drv_state *d = CTX_STATE(ctx);
    (void)flag;
    if (!drv_lookup(d, config, OBJ_CONFIG))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONFIG, "vaCreateContext(0x%x): not a config", config);
    if (d->caps.fail_create_context) {
        drv_trace(d, "inject create-context failure");
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    /* Render targets may be left out (va.h: the list "may be NULL"; iHD
     * and Mesa allocate as pictures arrive): FFmpeg passes none, its
     * reconstruction pool grows. Surfaces then join at first use. */
    if (width <= 0 || height <= 0 || num < 0 || num > DRV_MAX_TARGETS || (num && !targets))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaCreateContext %dx%d with %d render targets",
                             width, height, num);
    if ((unsigned)width > d->caps.max_width || (unsigned)height > d->caps.max_height)
        return drv_violation(d, VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED,
                             "vaCreateContext %dx%d beyond MaxPictureWidth/Height %ux%u", width, height,
                             d->caps.max_width, d->caps.max_height);
    for (int i = 0; i < num; i++) {
        drv_object *s = drv_lookup(d, targets[i], OBJ_SURFACE);
        if (!s || s->u.surface.width < width || s->u.surface.height < height)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE,
                                 "vaCreateContext render target 0x%x: not a surface of at least %dx%d", targets[i],
                                 width, height);
    }
    drv_context *c = calloc(1, sizeof(*c));
    if (!c)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    *out = drv_new_object(d, OBJ_CONTEXT);
    drv_object *o = drv_lookup(d, *out, OBJ_CONTEXT);
    if (!o) {
        free(c);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    c->config = config;
    c->width = width;
    c->height = height;
    if (num)
        memcpy(c->targets, targets, sizeof(targets[0]) * (size_t)num);
    c->num_targets = num;
    c->dynamic_targets = !num;
    c->render_target = VA_INVALID_SURFACE;
    c->rc_qp = 30;
    o->u.context = c;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_destroy_context(VADriverContextP ctx, VAContextID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_CONTEXT);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONTEXT, "vaDestroyContext(0x%x): not a context", id);
    if (o->u.context->render_target != VA_INVALID_SURFACE)
        drv_violation(d, VA_STATUS_SUCCESS, "vaDestroyContext(0x%x) between vaBeginPicture and vaEndPicture", id);
    for (int i = 0; i < DRV_MAX_OBJECTS; i++) /* buffers of a context die with it in real drivers too */
        if (d->objects[i].kind == OBJ_BUFFER && d->objects[i].u.buffer.context == id &&
            d->objects[i].u.buffer.type != VAImageBufferType)
            drv_violation(d, VA_STATUS_SUCCESS, "vaDestroyContext(0x%x) before its buffer 0x%x", id,
                          (uint32_t)OBJ_BUFFER << 16 | (uint32_t)(i + 1));
    drv_object *s = drv_lookup(d, o->u.context->render_target, OBJ_SURFACE);
    if (s)
        s->u.surface.busy_context = VA_INVALID_ID;
    if (d->cpu_log_path[0]) {
        FILE *f = fopen(d->cpu_log_path, "a");
        if (f) {
            fprintf(f, "encode_cpu_ns %lld pictures %lld\n", (long long)o->u.context->encode_cpu_ns,
                    (long long)o->u.context->encode_pictures);
            fclose(f);
        }
    }
    drv_context_release(o->u.context);
    drv_free_object(d, id);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_begin_picture(VADriverContextP ctx, VAContextID id, VASurfaceID target)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_CONTEXT);
    drv_object *s = drv_lookup(d, target, OBJ_SURFACE);
    if (!o || !s)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaBeginPicture(0x%x, 0x%x): %s", id, target,
                             !o ? "not a context" : "not a surface");
    drv_context *c = o->u.context;
    if (c->render_target != VA_INVALID_SURFACE)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaBeginPicture twice without vaEndPicture");
    if (!s->u.surface.written)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE,
                             "vaBeginPicture with input surface 0x%x that was never written (map it, or vaPutImage)",
                             target);
    if (s->u.surface.derived)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                             "vaBeginPicture with input surface 0x%x while an image derived from it is alive", target);
    /* va.h: vaEndPicture lets the client "start another Begin/Render/End
     * sequence on a different render target", and only after vaSyncSurface
     * "is it safe to use the render target for a different picture". */
    if (s->u.surface.in_flight)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                             "vaBeginPicture with input surface 0x%x while its picture %lld is still in flight (not "
                             "waited for with vaSyncSurface/vaSyncBuffer)",
                             target, (long long)s->u.surface.in_flight_picture);
    /* The input may be the picture's own size, short of the context's
     * macroblock-aligned one: FFmpeg's hwupload pools are (1920x1080 into a
     * 1920x1088 context), which iHD, i965 and Mesa all encode. */
    if (s->u.surface.width <= c->width - 16 || s->u.surface.height <= c->height - 16)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE,
                             "input surface 0x%x of %dx%d for a %dx%d context (less than its last macroblocks)", target,
                             s->u.surface.width, s->u.surface.height, c->width, c->height);
    c->render_target = target;
    s->u.surface.busy_context = id;
    memset(&c->pic, 0, sizeof(c->pic));
    return VA_STATUS_SUCCESS;
}

/* --------------------------------------------------------------- render */

static VAStatus render_packed_param(drv_state *d, const drv_config *cfg, drv_picture *p, const drv_buffer *b)
{
    const VAEncPackedHeaderParameterBuffer *param = (const void *)b->data;
    static const struct {
        uint32_t type, flag;
    } allowed[] = {
        { VAEncPackedHeaderSequence, VA_ENC_PACKED_HEADER_SEQUENCE },
        { VAEncPackedHeaderPicture, VA_ENC_PACKED_HEADER_PICTURE },
        { VAEncPackedHeaderSlice, VA_ENC_PACKED_HEADER_SLICE },
    };
    if (p->pending_type)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "two packed header parameter buffers without the data buffer between them");
    uint32_t flag = 0;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (allowed[i].type == param->type)
            flag = allowed[i].flag;
    /* Raw data (SEI, AUD) go into the stream as given; va.h offers them
     * under RAW_DATA, and FFmpeg sends its SEI under MISC, which iHD and
     * i965 both report and insert the same way. */
    if (param->type == VAEncPackedHeaderRawData)
        flag = cfg->packed & (VA_ENC_PACKED_HEADER_RAW_DATA | VA_ENC_PACKED_HEADER_MISC);
    if (!flag && param->type != VAEncPackedHeaderRawData)
        return VA_STATUS_ERROR_UNIMPLEMENTED; /* H264_SEI (pre-1.0 libva): not modelled */
    if (!(cfg->packed & flag) || !flag)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed header type %u given, but the config enabled only 0x%x", param->type,
                             cfg->packed);
    if (!param->bit_length || param->bit_length > 4096 * 8)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed header bit_length %u", param->bit_length);
    /* Either way (va.h lets the application say which): hwenc and FFmpeg
     * send escaped SPS, PPS and SEI, GStreamer unescaped ones, which the
     * driver escapes (iHD: bInsertEmulationBytes = !has_emulation_bytes in
     * ParsePackedHeaderParams); slice headers are escaped by FFmpeg, raw
     * from hwenc. */
    p->pending_type = (int)param->type;
    p->pending_bits = param->bit_length;
    p->pending_emulation = param->has_emulation_bytes;
    return VA_STATUS_SUCCESS;
}

/* Removes emulation_prevention_three_bytes from a packed header; returns
 * the bits left. */
static size_t strip_emulation(uint8_t *data, size_t bits)
{
    size_t n = (bits + 7) / 8, out = 0, zeros = 0, removed = 0;
    for (size_t i = 0; i < n; i++) {
        if (zeros >= 2 && data[i] == 3 && i > 4) {
            zeros = 0;
            removed++;
            continue;
        }
        zeros = data[i] == 0 ? zeros + 1 : 0;
        data[out++] = data[i];
    }
    return bits - 8 * removed;
}

/* Annex B NAL units as the driver inserts them: unescaped ones get their
 * emulation_prevention_three_bytes after each start code and NAL header
 * (7.4.1). Returns the size, 0 when it does not fit. */
static size_t escape_nal_units(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0, zeros = 0, header = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n && !in[i] && !in[i + 1] && in[i + 2] == 1) {
            /* A start code (with its zero_byte): copied, then the NAL header. */
            size_t start = i;
            while (i < n && in[i] != 1)
                i++;
            if (o + (i - start) + 1 > cap)
                return 0;
            memcpy(out + o, in + start, i - start + 1);
            o += i - start + 1;
            zeros = 0;
            header = 1;
            continue;
        }
        if (!header && zeros >= 2 && in[i] <= 3) {
            if (o == cap)
                return 0;
            out[o++] = 3;
            zeros = 0;
        }
        header = 0;
        if (o == cap)
            return 0;
        zeros = in[i] ? 0 : zeros + 1;
        out[o++] = in[i];
    }
    return o;
}

static VAStatus render_packed_data(drv_state *d, drv_picture *p, const drv_buffer *b)
{
    if (!p->pending_type)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed header data buffer without its parameter buffer before it");
    if (b->size != (p->pending_bits + 7) / 8)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed header bit_length %u does not match its %zu data bytes", p->pending_bits, b->size);
    uint8_t escaped[2 * 4096];
    const uint8_t *data = b->data;
    size_t size = b->size;
    if (!p->pending_emulation && p->pending_type != VAEncPackedHeaderSlice) {
        if (p->pending_bits % 8 || !(size = escape_nal_units(b->data, b->size, escaped, sizeof(escaped))))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "unescaped packed header of %u bits that is not whole bytes", p->pending_bits);
        data = escaped;
    }
    if (p->pending_type == VAEncPackedHeaderRawData) {
        if (p->raw_size + size > sizeof(p->raw) || size < 5 || p->pending_bits % 8 || (data[0] | data[1]) ||
            (data[2] != 1 && (data[2] || data[3] != 1)))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "raw packed data of %zu bytes that is not whole Annex B NAL units (or too much)",
                                 size);
        memcpy(p->raw + p->raw_size, data, size);
        p->raw_size += size;
        p->pending_type = 0;
        return VA_STATUS_SUCCESS;
    }
    drv_packed *dst = p->pending_type == VAEncPackedHeaderSequence  ? &p->sps
                      : p->pending_type == VAEncPackedHeaderPicture ? &p->pps
                                                                    : &p->slice_header;
    if (dst->have || size > sizeof(dst->data))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed header of type %d given twice or too big",
                             p->pending_type);
    dst->have = 1;
    dst->bits = p->pending_type == VAEncPackedHeaderSlice ? p->pending_bits : size * 8;
    memcpy(dst->data, data, size);
    if (p->pending_type == VAEncPackedHeaderSlice && p->pending_emulation)
        dst->bits = strip_emulation(dst->data, dst->bits);
    if (p->pending_type == VAEncPackedHeaderSlice && p->num_slices == 0)
        p->slice_header_before_slice = 1;
    p->pending_type = 0;
    return VA_STATUS_SUCCESS;
}

/* VAEncMiscParameterBufferROI. Its regions are read here, at
 * vaRenderPicture, as iHD (ParseMiscParamROI) and Mesa
 * (handleVAEncMiscParameterTypeROI) read them: the buffer only points at
 * the application's array. */
static VAStatus render_roi(drv_state *d, const drv_config *cfg, drv_picture *p,
                           const VAEncMiscParameterBufferROI *r)
{
    VAConfigAttribValEncROI attr = { .value = cfg->entry->roi };
    if (cfg->entry->roi == VA_ATTRIB_NOT_SUPPORTED)
        attr.value = 0;
    if (!r->num_roi)
        return VA_STATUS_SUCCESS;
    /* iHD ParseMiscParamROI: QueryAVCROIMaxNum of 0 -> INVALID_PARAMETER. */
    if (!attr.bits.num_roi_regions)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "ROI buffer with %u regions on a config whose VAConfigAttribEncROI has none", r->num_roi);
    /* Mesa handleVAEncMiscParameterTypeROI: more than its
     * PIPE_ENC_ROI_REGION_NUM_MAX -> FLAG_NOT_SUPPORTED (iHD would drop the
     * extra regions silently); the double refuses past what it reports. */
    if (r->num_roi > attr.bits.num_roi_regions)
        return drv_violation(d, VA_STATUS_ERROR_FLAG_NOT_SUPPORTED,
                             "ROI buffer with %u regions, VAConfigAttribEncROI num_roi_regions is %u", r->num_roi,
                             attr.bits.num_roi_regions);
    /* Mesa (FLAG_NOT_SUPPORTED) and iHD off Android (ParseMiscParamROI,
     * "ROI does not support priority level now") refuse priorities. */
    if (!r->roi_flags.bits.roi_value_is_qp_delta)
        return drv_violation(d, VA_STATUS_ERROR_FLAG_NOT_SUPPORTED,
                             "ROI buffer with roi_value_is_qp_delta 0 (priorities): drivers take delta QPs only");
    if (!r->roi)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "ROI buffer with %u regions and a NULL roi",
                             r->num_roi);
    p->num_roi = r->num_roi;
    memcpy(p->roi, r->roi, r->num_roi * sizeof(*r->roi));
    p->roi_min_delta = r->min_delta_qp;
    p->roi_max_delta = r->max_delta_qp;
    return VA_STATUS_SUCCESS;
}

static VAStatus render_misc(drv_state *d, const drv_config *cfg, drv_picture *p, const drv_buffer *b)
{
    uint32_t type = *(const uint32_t *)b->data;
    const uint8_t *payload = b->data + sizeof(VAEncMiscParameterBuffer);
    if (type == VAEncMiscParameterTypeROI) {
        VAEncMiscParameterBufferROI r;
        memcpy(&r, payload, sizeof(r));
        return render_roi(d, cfg, p, &r);
    } else if (type == VAEncMiscParameterTypeRateControl) {
        p->have_rc = 1;
        memcpy(&p->rc, payload, sizeof(p->rc));
    } else if (type == VAEncMiscParameterTypeHRD) {
        p->have_hrd = 1;
        memcpy(&p->hrd, payload, sizeof(p->hrd));
    } else if (type == VAEncMiscParameterTypeFrameRate) {
        p->have_fr = 1;
        memcpy(&p->fr, payload, sizeof(p->fr));
    } else if (type == VAEncMiscParameterTypeQualityLevel) {
        p->have_quality = 1;
        memcpy(&p->quality, payload, sizeof(p->quality));
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus render_one(drv_state *d, drv_context *c, VAContextID cid, VABufferID id)
{
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaRenderPicture buffer 0x%x: not a buffer", id);
    const drv_buffer *b = &o->u.buffer;
    drv_picture *p = &c->pic;
    const drv_config *cfg = &drv_lookup(d, c->config, OBJ_CONFIG)->u.config;
    if (b->context != cid)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "buffer 0x%x rendered on another context", id);
    if (b->map)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "buffer 0x%x rendered while mapped", id);
    if (p->pending_type && b->type != VAEncPackedHeaderDataBufferType)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed header parameter buffer not followed by its data buffer");
    switch ((int)b->type) {
    case VAEncSequenceParameterBufferType:
        if (p->have_seq++)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "two sequence parameter buffers in a picture");
        memcpy(&p->seq, b->data, sizeof(p->seq));
        return VA_STATUS_SUCCESS;
    case VAEncPictureParameterBufferType:
        if (p->have_pic++)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "two picture parameter buffers in a picture");
        memcpy(&p->pic, b->data, sizeof(p->pic));
        return VA_STATUS_SUCCESS;
    case VAEncSliceParameterBufferType:
        p->num_slices += (int)b->num_elements;
        if (p->num_slices > 1)
            return VA_STATUS_ERROR_UNIMPLEMENTED; /* the double codes one slice per picture */
        memcpy(&p->slice, b->data, sizeof(p->slice));
        return VA_STATUS_SUCCESS;
    case VAEncMiscParameterBufferType: return render_misc(d, cfg, p, b);
    case VAEncPackedHeaderParameterBufferType: return render_packed_param(d, cfg, p, b);
    case VAEncPackedHeaderDataBufferType: return render_packed_data(d, p, b);
    default:
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "buffer 0x%x of type %d cannot be rendered", id,
                             (int)b->type);
    }
}

static VAStatus drv_render_picture(VADriverContextP ctx, VAContextID id, VABufferID *buffers, int num)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_CONTEXT);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONTEXT, "vaRenderPicture(0x%x): not a context", id);
    if (o->u.context->render_target == VA_INVALID_SURFACE)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaRenderPicture outside vaBeginPicture/vaEndPicture");
    for (int i = 0; i < num; i++) {
        VAStatus st = render_one(d, o->u.context, id, buffers[i]);
        if (st != VA_STATUS_SUCCESS) {
            o->u.context->pic.render_failed = 1;
            return st;
        }
    }
    return VA_STATUS_SUCCESS;
}

/* ------------------------------------------------------------ references */

static int frame_num_wrap(const drv_context *c, int frame_num, int curr)
{
    return frame_num > curr ? frame_num - (1 << c->sps.log2_max_frame_num) : frame_num;
}

static const drv_dpb_entry *dpb_find(const drv_context *c, VASurfaceID s)
{
    for (int i = 0; i < c->dpb_count; i++)
        if (c->dpb[i].surface == s)
            return &c->dpb[i];
    return NULL;
}

/* 8.2.4.2.1: short-term frames by descending PicNum. */
static int default_list(const drv_context *c, int curr, VASurfaceID *list)
{
    drv_dpb_entry e[H264_MAX_REFS];
    int n = c->dpb_count;
    memcpy(e, c->dpb, sizeof(e[0]) * (size_t)n);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && frame_num_wrap(c, e[j].frame_num, curr) > frame_num_wrap(c, e[j - 1].frame_num, curr);
             j--) {
            drv_dpb_entry t = e[j];
            e[j] = e[j - 1];
            e[j - 1] = t;
        }
    for (int i = 0; i < n; i++)
        list[i] = e[i].surface;
    return n;
}

/* 8.2.4.2.3, frames only: list 0 the pictures before the current one by
 * descending POC, then those after it by ascending POC; list 1 the other
 * way round, its first two swapped if it would equal list 0. */
static int default_b_lists(const drv_context *c, int poc, VASurfaceID *l0, VASurfaceID *l1)
{
    drv_dpb_entry before[H264_MAX_REFS], after[H264_MAX_REFS];
    int nb = 0, na = 0;
    for (int i = 0; i < c->dpb_count; i++) {
        if (c->dpb[i].surface == VA_INVALID_SURFACE)
            continue;
        drv_dpb_entry e = c->dpb[i];
        drv_dpb_entry *side = e.poc < poc ? before : after;
        int *n = e.poc < poc ? &nb : &na, j = (*n)++;
        /* Insertion: before descending, after ascending. */
        while (j > 0 && (e.poc < poc ? side[j - 1].poc < e.poc : side[j - 1].poc > e.poc)) {
            side[j] = side[j - 1];
            j--;
        }
        side[j] = e;
    }
    for (int i = 0; i < nb; i++)
        l0[i] = l1[na + i] = before[i].surface;
    for (int i = 0; i < na; i++)
        l0[nb + i] = l1[i] = after[i].surface;
    int n = nb + na;
    if (n > 1 && !memcmp(l0, l1, sizeof(l0[0]) * (size_t)n)) {
        VASurfaceID t = l1[0];
        l1[0] = l1[1];
        l1[1] = t;
    }
    return n;
}

static VASurfaceID surface_of_pic_num(const drv_context *c, int pic_num, int curr)
{
    for (int i = 0; i < c->dpb_count; i++)
        if (frame_num_wrap(c, c->dpb[i].frame_num, curr) == pic_num)
            return c->dpb[i].surface;
    return VA_INVALID_SURFACE;
}

/* The final list 0 a decoder builds from the default list and the
 * slice's modification commands (8.2.4.3.1). */
static void modified_list(const drv_context *c, const h264_slice_header *sh, int active, VASurfaceID *out)
{
    VASurfaceID list[H264_MAX_REFS + 1];
    VASurfaceID def[H264_MAX_REFS];
    int curr = sh->frame_num, max = 1 << c->sps.log2_max_frame_num;
    int n = default_list(c, curr, def);
    for (int i = 0; i <= active && i <= H264_MAX_REFS; i++)
        list[i] = i < n && i < active ? def[i] : VA_INVALID_SURFACE;
    int pred = curr;
    for (int k = 0, idx = 0; k < sh->num_ref_list_ops && idx < active; k++) {
        int diff = sh->ref_list_ops[k].value + 1;
        int no_wrap = sh->ref_list_ops[k].modification_of_pic_nums_idc == 0 ? pred - diff : pred + diff;
        no_wrap = no_wrap < 0 ? no_wrap + max : no_wrap >= max ? no_wrap - max : no_wrap;
        pred = no_wrap;
        int pic_num = no_wrap > curr ? no_wrap - max : no_wrap;
        VASurfaceID s = surface_of_pic_num(c, pic_num, curr);
        for (int m = active; m > idx; m--)
            list[m] = list[m - 1];
        list[idx++] = s;
        for (int m = idx, w = idx; m <= active; m++)
            if (list[m] != s)
                list[w++] = list[m];
    }
    memcpy(out, list, sizeof(list[0]) * (size_t)active);
}

/* Commands that turn the default list into the wanted one (the driver's
 * own slice header when the application sends none). */
static void plan_list_ops(const drv_context *c, const VAEncSliceParameterBufferH264 *sl, int active,
                          h264_slice_header *sh)
{
    VASurfaceID def[H264_MAX_REFS];
    int curr = sh->frame_num, n = default_list(c, curr, def), same = n >= active;
    for (int i = 0; same && i < active; i++)
        same = def[i] == sl->RefPicList0[i].picture_id;
    sh->num_ref_list_ops = 0;
    if (same)
        return;
    int pred = curr;
    for (int i = 0; i < active; i++) {
        const drv_dpb_entry *e = dpb_find(c, sl->RefPicList0[i].picture_id);
        int pic_num = frame_num_wrap(c, e->frame_num, curr);
        h264_ref_list_op *op = &sh->ref_list_ops[sh->num_ref_list_ops++];
        op->modification_of_pic_nums_idc = pic_num < pred ? 0 : 1;
        op->value = (pic_num < pred ? pred - pic_num : pic_num - pred) - 1;
        pred = pic_num;
    }
}

/* ---------------------------------------------------------------- checks */

static int is_valid_pic(const VAPictureH264 *p)
{
    return p->picture_id != VA_INVALID_SURFACE && !(p->flags & VA_PICTURE_H264_INVALID);
}

static VAStatus check_ref(drv_state *d, const drv_context *c, const VAPictureH264 *p, const char *where, int i)
{
    const drv_dpb_entry *e = dpb_find(c, p->picture_id);
    if (!e)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s[%d] = surface 0x%x holds no reference picture",
                             where, i, p->picture_id);
    if ((int)p->frame_idx != e->frame_num || p->TopFieldOrderCnt != e->poc ||
        !(p->flags & VA_PICTURE_H264_SHORT_TERM_REFERENCE))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "%s[%d]: frame_idx %u POC %d flags 0x%x, but the picture in 0x%x has frame_num %d POC %d",
                             where, i, p->frame_idx, p->TopFieldOrderCnt, p->flags, p->picture_id, e->frame_num, e->poc);
    return VA_STATUS_SUCCESS;
}

static int target_index(const drv_context *c, VASurfaceID s)
{
    for (int i = 0; i < c->num_targets; i++)
        if (c->targets[i] == s)
            return i;
    return -1;
}

static VAStatus check_sequence(drv_state *d, drv_context *c, const drv_config *cfg)
{
    const drv_picture *p = &c->pic;
    if (!p->have_seq) {
        if (!c->have_seq)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "the first picture came without a sequence parameter buffer");
        return VA_STATUS_SUCCESS;
    }
    h264_sps sps;
    if (drv_sps_from_va(&p->seq, cfg->profile, &sps) < 0)
        return VA_STATUS_ERROR_UNIMPLEMENTED;
    if (sps.mb_width * 16 < c->width - 15 || sps.mb_width * 16 > c->width + 15 || sps.mb_height * 16 < c->height - 15 ||
        sps.mb_height * 16 > c->height + 15 || sps.crop_right >= 16 || sps.crop_bottom >= 16)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "sequence of %dx%d macroblocks (crop %d,%d) for a %dx%d context", sps.mb_width,
                             sps.mb_height, sps.crop_right, sps.crop_bottom, c->width, c->height);
    if (sps.log2_max_frame_num > 16 || sps.log2_max_poc_lsb > 16 || sps.max_num_ref_frames > 16)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "sequence with log2_max_frame_num %d, log2_max_poc_lsb %d, %d reference frames",
                             sps.log2_max_frame_num, sps.log2_max_poc_lsb, sps.max_num_ref_frames);
    /* Mesa 22.x (picture_h264_enc.c) computes its GOP coefficient by
     * dividing by intra_idr_period: 0 kills the process with SIGFPE. */
    if (d->caps.idr_period_nonzero && !p->seq.intra_idr_period)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "intra_idr_period 0: Mesa 22.x divides by it (SIGFPE)");
    /* iHD: GopPicSize = intra_period ? intra_period : intra_idr_period, a
     * uint16_t (media_ddi_encode_avc.cpp, codec_def_encode_avc.h). */
    uint32_t gop = p->seq.intra_period ? p->seq.intra_period : p->seq.intra_idr_period;
    if (d->caps.gop_pic_size_16 && gop > 0xffff)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "intra_period %u does not fit iHD's 16-bit GopPicSize (it would be %u)", gop, gop & 0xffff);
    if (cfg->rc_mode == VA_RC_CBR || cfg->rc_mode == VA_RC_VBR || cfg->rc_mode == VA_RC_AVBR) {
        if (!p->seq.bits_per_second)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "rate control 0x%x without bits_per_second in "
                                 "the sequence", cfg->rc_mode);
    }
    drv_trace(d, "seq intra_period=%u intra_idr_period=%u ip_period=%u bps=%u", p->seq.intra_period,
              p->seq.intra_idr_period, p->seq.ip_period, p->seq.bits_per_second);
    c->seq = p->seq;
    c->sps = sps;
    c->have_seq = 1;
    return VA_STATUS_SUCCESS;
}

static VAStatus check_rate_control(drv_state *d, drv_context *c, const drv_config *cfg)
{
    const drv_picture *p = &c->pic;
    if (p->have_rc) {
        if (!c->have_rc || p->rc.rc_flags.bits.reset)
            c->rc_qp = p->rc.initial_qp >= 1 && p->rc.initial_qp <= 51 ? (int)p->rc.initial_qp : 30;
        c->rc = p->rc;
        c->have_rc = 1;
        drv_trace(d, "rc picture=%lld bps=%u target=%u window=%u icq=%u reset=%u", (long long)c->pictures - 1,
                  p->rc.bits_per_second, p->rc.target_percentage, p->rc.window_size, p->rc.ICQ_quality_factor,
                  p->rc.rc_flags.bits.reset);
    }
    if (p->have_hrd) {
        if (p->hrd.initial_buffer_fullness > p->hrd.buffer_size)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "HRD fullness %u above the buffer size %u",
                                 p->hrd.initial_buffer_fullness, p->hrd.buffer_size);
        c->have_hrd = 1;
        drv_trace(d, "hrd buffer=%u initial=%u", p->hrd.buffer_size, p->hrd.initial_buffer_fullness);
    }
    if (p->have_fr) {
        if (!(p->fr.framerate & 0xffff) || !(p->fr.framerate >> 16))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "frame rate 0x%x", p->fr.framerate);
        /* iHD's ParseMiscParamFR masks the denominator with 0xfff. */
        if (d->caps.frame_rate_den_12 && (p->fr.framerate >> 16) > 0xfff)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "frame-rate denominator %u does not fit iHD's 12 bits", p->fr.framerate >> 16);
        c->fr = p->fr;
        drv_trace(d, "framerate %u/%u", p->fr.framerate & 0xffff, p->fr.framerate >> 16);
    }
    if (p->have_quality) {
        if (d->caps.quality_range != VA_ATTRIB_NOT_SUPPORTED && p->quality.quality_level > d->caps.quality_range)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "quality_level %u above EncQualityRange %u",
                                 p->quality.quality_level, d->caps.quality_range);
        drv_trace(d, "quality level=%u", p->quality.quality_level);
    }
    switch (cfg->rc_mode) {
    case VA_RC_CBR:
    case VA_RC_VBR:
        if (!c->have_rc || !c->rc.bits_per_second || !c->have_hrd || !c->fr.framerate)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "bitrate rate control without rate-control, HRD and frame-rate buffers");
        if ((cfg->rc_mode == VA_RC_CBR && c->rc.target_percentage != 100) || c->rc.target_percentage > 100 ||
            !c->rc.target_percentage)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "target_percentage %u",
                                 c->rc.target_percentage);
        break;
    case VA_RC_AVBR:
        /* iHD reads bits_per_second as the target, target_percentage as
         * the accuracy and window_size as the convergence (ParseMiscParamRC). */
        if (!c->have_rc || !c->rc.bits_per_second || !c->rc.target_percentage || c->rc.target_percentage > 100 ||
            !c->rc.window_size || !c->fr.framerate)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "AVBR without a target, accuracy 1..100 %%, convergence and frame rate");
        break;
    case VA_RC_ICQ:
        if (!c->have_rc || c->rc.ICQ_quality_factor < 1 || c->rc.ICQ_quality_factor > 51)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "ICQ without a quality factor 1..51");
        c->rc_qp = (int)c->rc.ICQ_quality_factor;
        break;
    default:
        break;
    }
    return VA_STATUS_SUCCESS;
}

/* frame_num and POC against the previous picture (7.4.3, 8.2.1). */
static VAStatus check_order(drv_state *d, drv_context *c, int idr)
{
    const VAEncPictureParameterBufferH264 *pp = &c->pic.pic;
    const VAEncSliceParameterBufferH264 *sl = &c->pic.slice;
    int max_fn = 1 << c->sps.log2_max_frame_num, max_lsb = 1 << c->sps.log2_max_poc_lsb;
    int poc = pp->CurrPic.TopFieldOrderCnt;
    /* CurrPic's frame_idx and BottomFieldOrderCnt go unread for a frame:
     * Mesa's vlVaHandleVAEncPictureParameterBufferTypeH264 takes
     * frame_num and TopFieldOrderCnt (frame_idx only for long-term
     * pictures), and GStreamer's vah264enc leaves both 0. */
    if (!is_valid_pic(&pp->CurrPic))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "CurrPic: surface 0x%x, flags 0x%x",
                             pp->CurrPic.picture_id, pp->CurrPic.flags);
    if (c->sps.poc_type == 0 && sl->pic_order_cnt_lsb != (poc & (max_lsb - 1)))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "pic_order_cnt_lsb %u for POC %d",
                             sl->pic_order_cnt_lsb, poc);
    if (idr) {
        if (pp->frame_num || sl->slice_type != H264_SLICE_I || (c->sps.poc_type == 0 && poc != sl->pic_order_cnt_lsb))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "IDR picture with frame_num %u, slice type %u, POC %d",
                                 pp->frame_num, sl->slice_type, poc);
        if (c->have_prev && c->have_idr && c->prev_was_idr && sl->idr_pic_id == c->last_idr_pic_id)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "consecutive IDR pictures with idr_pic_id %u",
                                 sl->idr_pic_id);
        return VA_STATUS_SUCCESS;
    }
    if (!c->have_prev)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "the first picture is not an IDR picture");
    int want = c->prev_ref ? (c->prev_frame_num + 1) % max_fn : c->prev_frame_num;
    if (pp->frame_num != want)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "frame_num %u, expected %d (gaps are not allowed)",
                             pp->frame_num, want);
    /* Anchors (I, P) come in display order; B pictures fall between. */
    if (sl->slice_type != H264_SLICE_B && poc <= c->max_anchor_poc)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "POC %d of an I or P picture not above the %d of the last one", poc, c->max_anchor_poc);
    if (sl->slice_type == H264_SLICE_B && (poc >= c->max_anchor_poc || poc <= 0))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "POC %d of a B picture outside 0 .. %d, the anchors around it", poc, c->max_anchor_poc);
    return VA_STATUS_SUCCESS;
}

static VAStatus check_references(drv_state *d, drv_context *c, const drv_config *cfg, int *active)
{
    const VAEncPictureParameterBufferH264 *pp = &c->pic.pic;
    const VAEncSliceParameterBufferH264 *sl = &c->pic.slice;
    VAStatus st;
    /* A surface may be reused while the decoder still keeps the picture
     * that was in it (a DPB larger than the references in use): the
     * picture stays in the model, but nothing can refer to it any more. */
    for (int i = 0; i < c->dpb_count; i++)
        if (c->dpb[i].surface == pp->CurrPic.picture_id)
            c->dpb[i].surface = VA_INVALID_SURFACE;
    for (int i = 0; i < 16; i++)
        if (is_valid_pic(&pp->ReferenceFrames[i]) &&
            (st = check_ref(d, c, &pp->ReferenceFrames[i], "ReferenceFrames", i)) != VA_STATUS_SUCCESS)
            return st;
    *active = 0;
    c->active_l1 = 0;
    if (sl->slice_type == H264_SLICE_I)
        return VA_STATUS_SUCCESS;
    if (sl->slice_type != H264_SLICE_P && sl->slice_type != H264_SLICE_B)
        return VA_STATUS_ERROR_UNIMPLEMENTED;
    int b = sl->slice_type == H264_SLICE_B;
    if (!b && d->caps.bi_not_empty)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "a P slice, but this driver reports BI_NOT_EMPTY: every inter slice needs list 1");
    if (b && (!cfg->entry->max_refs_l1 || d->caps.cb_only))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "a B slice, but this configuration reports no list 1 (EncMaxRefFrames, profile)");
    if (b && !sl->direct_spatial_mv_pred_flag)
        return VA_STATUS_ERROR_UNIMPLEMENTED; /* the CPU encoder predicts direct MVs spatially */
    *active = (sl->num_ref_idx_active_override_flag ? sl->num_ref_idx_l0_active_minus1 : pp->num_ref_idx_l0_active_minus1) + 1;
    c->active_l1 = b ? (sl->num_ref_idx_active_override_flag ? sl->num_ref_idx_l1_active_minus1
                                                              : pp->num_ref_idx_l1_active_minus1) + 1
                     : 0;
    if (*active > c->dpb_count || *active > cfg->entry->max_refs || c->active_l1 > cfg->entry->max_refs_l1 ||
        c->active_l1 > c->dpb_count)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "%d + %d active references with %d in the DPB (EncMaxRefFrames %d, %d)", *active,
                             c->active_l1, c->dpb_count, cfg->entry->max_refs, cfg->entry->max_refs_l1);
    for (int list = 0; list < 2; list++) {
        const VAPictureH264 *entries = list ? sl->RefPicList1 : sl->RefPicList0;
        int n = list ? c->active_l1 : *active;
        const char *name = list ? "RefPicList1" : "RefPicList0";
        for (int i = 0; i < 32; i++) {
            const VAPictureH264 *r = &entries[i];
            if (i < n && (st = check_ref(d, c, r, name, i)) != VA_STATUS_SUCCESS)
                return st;
            if (i >= n && is_valid_pic(r))
                return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s[%d] valid beyond the %d active", name,
                                     i, n);
            if (i < n) {
                int listed = 0;
                for (int k = 0; k < 16; k++)
                    listed |= is_valid_pic(&pp->ReferenceFrames[k]) && pp->ReferenceFrames[k].picture_id == r->picture_id;
                if (!listed)
                    return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s[%d] (0x%x) is missing from ReferenceFrames",
                                         name, i, r->picture_id);
            }
        }
    }
    if (b) {
        /* The double writes no list modification for B slices: the lists
         * must be the default ones, which is what a B picture between two
         * anchors uses. */
        VASurfaceID l0[H264_MAX_REFS], l1[H264_MAX_REFS];
        int n = default_b_lists(c, pp->CurrPic.TopFieldOrderCnt, l0, l1);
        for (int i = 0; i < *active; i++)
            if (i >= n || l0[i] != sl->RefPicList0[i].picture_id)
                return VA_STATUS_ERROR_UNIMPLEMENTED;
        for (int i = 0; i < c->active_l1; i++)
            if (i >= n || l1[i] != sl->RefPicList1[i].picture_id)
                return VA_STATUS_ERROR_UNIMPLEMENTED;
    }
    return VA_STATUS_SUCCESS;
}

/* --------------------------------------------------------- packed headers */

static int profile_fits(VAProfile profile, const h264_sps *s)
{
    int cb = s->profile_idc == H264_PROFILE_BASELINE && (s->constraint_set_flags & 2);
    if (profile == VAProfileH264ConstrainedBaseline)
        return cb;
    if (profile == VAProfileH264Main)
        return cb || s->profile_idc == H264_PROFILE_MAIN;
    return cb || s->profile_idc == H264_PROFILE_MAIN || s->profile_idc == H264_PROFILE_HIGH;
}

/* The fields VA carries must agree; colour description and the like are
 * the application's alone. */
static const char *sps_mismatch(const h264_sps *a, const h264_sps *v)
{
    if (a->level_idc != v->level_idc) return "level_idc";
    if (a->sps_id != v->sps_id) return "seq_parameter_set_id";
    if (a->log2_max_frame_num != v->log2_max_frame_num) return "log2_max_frame_num";
    if (a->poc_type != v->poc_type) return "pic_order_cnt_type";
    if (a->poc_type == 0 && a->log2_max_poc_lsb != v->log2_max_poc_lsb) return "log2_max_pic_order_cnt_lsb";
    if (a->max_num_ref_frames != v->max_num_ref_frames) return "max_num_ref_frames";
    if (a->mb_width != v->mb_width || a->mb_height != v->mb_height) return "picture size in macroblocks";
    if (a->direct_8x8_inference != v->direct_8x8_inference) return "direct_8x8_inference_flag";
    if (a->crop_left != v->crop_left || a->crop_right != v->crop_right || a->crop_top != v->crop_top ||
        a->crop_bottom != v->crop_bottom)
        return "frame cropping";
    if (a->vui_present != v->vui_present) return "vui_parameters_present_flag";
    if (!a->vui_present) return NULL;
    const h264_vui *x = &a->vui, *y = &v->vui;
    if (x->aspect_ratio_info_present != y->aspect_ratio_info_present ||
        (x->aspect_ratio_info_present && (x->sar_width != y->sar_width || x->sar_height != y->sar_height)))
        return "sample aspect ratio";
    if (x->timing_info_present != y->timing_info_present ||
        (x->timing_info_present && (x->num_units_in_tick != y->num_units_in_tick || x->time_scale != y->time_scale)))
        /* fixed_frame_rate_flag is not compared: iHD sets it to 1 whatever
         * vui_fields says (media_ddi_encode_avc.cpp), and FFmpeg 5.1 sends
         * 0 there while its own SPS says 1. */
        return "timing info";
    if (x->bitstream_restriction != y->bitstream_restriction) return "bitstream_restriction_flag";
    return NULL;
}

/* The same parameter-set NAL unit, whatever non-zero nal_ref_idc each
 * carries (7.4.1: any but 0 for an SPS or PPS; hwenc and FFmpeg write 3,
 * GStreamer 1). */
static int same_parameter_set(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t h = 0;
    while (h < n && a[h] != 1)
        h++;
    if (++h >= n || !(a[h] & 0x60) || !(b[h] & 0x60) || memcmp(a, b, h) || (a[h] ^ b[h]) & 0x9f)
        return 0;
    return !memcmp(a + h + 1, b + h + 1, n - h - 1);
}

static VAStatus check_packed_sps(drv_state *d, const drv_context *c, const drv_config *cfg, const drv_packed *pk)
{
    char msg[160];
    h264_sps s;
    size_t bytes = pk->bits / 8;
    if (pk->bits % 8 || drv_parse_sps(pk->data, bytes, &s, msg, sizeof(msg)) < 0)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s", pk->bits % 8 ? "packed SPS not whole bytes" : msg);
    const char *field = sps_mismatch(&s, &c->sps);
    if (field)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed SPS disagrees with the sequence parameters: %s",
                             field);
    if (!profile_fits(cfg->profile, &s))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed SPS profile_idc %d for VA profile %d",
                             s.profile_idc, (int)cfg->profile);
    uint8_t again[512];
    size_t n = drv_write_nal(again, sizeof(again), H264_NAL_SPS, &s, NULL);
    if (n != bytes || !same_parameter_set(again, pk->data, n))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed SPS (%zu bytes) does not read back to the same bits (%zu bytes)", bytes, n);
    return VA_STATUS_SUCCESS;
}

static VAStatus check_packed_pps(drv_state *d, const drv_context *c, const drv_packed *pk)
{
    char msg[160];
    h264_pps p;
    size_t bytes = pk->bits / 8;
    if (pk->bits % 8 || drv_parse_pps(pk->data, bytes, &p, msg, sizeof(msg)) < 0)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s", pk->bits % 8 ? "packed PPS not whole bytes" : msg);
    if (memcmp(&p, &c->pps, sizeof(p)))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed PPS disagrees with the picture parameters (id %d/%d, init QP %d/%d, refs %d/%d)",
                             p.pps_id, c->pps.pps_id, p.pic_init_qp, c->pps.pic_init_qp,
                             p.num_ref_idx_l0_default_active, c->pps.num_ref_idx_l0_default_active);
    uint8_t again[512];
    size_t n = drv_write_nal(again, sizeof(again), H264_NAL_PPS, NULL, &p);
    if (n != bytes || !same_parameter_set(again, pk->data, n))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed PPS does not read back to the same bits");
    return VA_STATUS_SUCCESS;
}

/* Start of the next NAL unit's start code (with its zero_byte) at or after
 * pos, or size. */
static size_t next_start_code(const uint8_t *data, size_t size, size_t pos)
{
    for (size_t i = pos; i + 3 <= size; i++)
        if (!data[i] && !data[i + 1] && data[i + 2] == 1)
            return i > pos && !data[i - 1] ? i - 1 : i;
    return size;
}

/* A packed sequence header may hold several NAL units: FFmpeg sends its
 * SPS and PPS (and an AUD first when asked) as one VAEncPackedHeaderSequence,
 * which iHD and i965 insert as given. Each unit is checked on its own. */
static VAStatus check_packed_sequence(drv_state *d, const drv_context *c, const drv_config *cfg, const drv_packed *pk,
                                      int *has_pps)
{
    size_t size = pk->bits / 8;
    if (pk->bits % 8)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed sequence header not whole bytes");
    int sps = 0;
    *has_pps = 0;
    for (size_t pos = next_start_code(pk->data, size, 0); pos < size;) {
        size_t code = pos;
        while (code < size && !pk->data[code])
            code++;
        size_t end = next_start_code(pk->data, size, code + 1);
        int type = code + 1 < size ? pk->data[code + 1] & 0x1f : -1;
        drv_packed one = { .have = 1, .bits = (end - pos) * 8 };
        memcpy(one.data, pk->data + pos, end - pos);
        VAStatus st = VA_STATUS_SUCCESS;
        if (type == H264_NAL_SPS && !sps++)
            st = check_packed_sps(d, c, cfg, &one);
        else if (type == H264_NAL_PPS && !(*has_pps)++)
            st = check_packed_pps(d, c, &one);
        else if (type != H264_NAL_AUD || pos)
            st = drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                               "packed sequence header holds NAL unit type %d at byte %zu (SPS, PPS, a leading AUD)",
                               type, pos);
        if (st != VA_STATUS_SUCCESS)
            return st;
        pos = end;
    }
    if (!sps)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed sequence header without an SPS");
    return VA_STATUS_SUCCESS;
}

static size_t write_slice_header_bits(const drv_context *c, const h264_slice_header *sh, uint8_t *dst, size_t cap)
{
    h264_bitstream bs;
    bs_init(&bs, dst, cap);
    bs_write_bits(&bs, 32, 1);
    bs_write_bits(&bs, 1, 0);
    bs_write_bits(&bs, 2, (uint32_t)sh->nal_ref_idc);
    bs_write_bits(&bs, 5, (uint32_t)sh->nal_unit_type);
    h264_write_slice_header(&bs, &c->sps, &c->pps, sh);
    size_t bits = bs_bit_count(&bs);
    bs_align_zero(&bs);
    bs_flush(&bs);
    return bits;
}

static const char *slice_mismatch(const drv_context *c, const h264_slice_header *a, const h264_slice_header *v,
                                  int active, int cqp, const VAEncSliceParameterBufferH264 *sl)
{
    if (a->nal_unit_type != v->nal_unit_type) return "nal_unit_type (IDR or not)";
    if (!a->nal_ref_idc != !v->nal_ref_idc) return "nal_ref_idc (reference or not)";
    if (a->first_mb != v->first_mb) return "first_mb_in_slice";
    if (a->slice_type != v->slice_type) return "slice_type";
    if (a->frame_num != v->frame_num) return "frame_num";
    if (a->nal_unit_type == H264_NAL_IDR_SLICE && a->idr_pic_id != v->idr_pic_id) return "idr_pic_id";
    if (c->sps.poc_type == 0 && a->poc_lsb != v->poc_lsb) return "pic_order_cnt_lsb";
    if (cqp && a->slice_qp != v->slice_qp) return "slice_qp_delta";
    if (c->pps.entropy_coding_mode && a->slice_type != H264_SLICE_I && a->cabac_init_idc != v->cabac_init_idc)
        return "cabac_init_idc";
    if (a->disable_deblocking_filter_idc != v->disable_deblocking_filter_idc ||
        (a->disable_deblocking_filter_idc != 1 && (a->slice_alpha_c0_offset_div2 != v->slice_alpha_c0_offset_div2 ||
                                                   a->slice_beta_offset_div2 != v->slice_beta_offset_div2)))
        return "deblocking filter parameters";
    if (a->slice_type == H264_SLICE_B) {
        if (a->num_ref_idx_l0_active != active || a->num_ref_idx_l1_active != c->active_l1)
            return "num_ref_idx_l0/l1_active";
        if (a->direct_spatial_mv_pred != sl->direct_spatial_mv_pred_flag) return "direct_spatial_mv_pred_flag";
        if (a->num_ref_list_ops || a->num_ref_list_ops_l1)
            return "ref_pic_list_modification in a B slice (the lists must be the default ones)";
        return NULL;
    }
    if (a->slice_type != H264_SLICE_P)
        return NULL;
    if (a->num_ref_idx_l0_active != active) return "num_ref_idx_l0_active";
    VASurfaceID list[H264_MAX_REFS];
    modified_list(c, a, active, list);
    for (int i = 0; i < active; i++)
        if (list[i] != sl->RefPicList0[i].picture_id)
            return "reference list 0 after ref_pic_list_modification (differs from RefPicList0)";
    return NULL;
}

static VAStatus check_packed_slice(drv_state *d, const drv_context *c, const drv_packed *pk, const h264_slice_header *own,
                                   int active, int cqp, h264_slice_header *out)
{
    char msg[160];
    int64_t bits = drv_parse_slice_header(pk->data, (pk->bits + 7) / 8, &c->sps, &c->pps, out, msg, sizeof(msg));
    if (bits < 0)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "%s", msg);
    if ((size_t)bits != pk->bits)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed slice header bit_length %zu, but its syntax ends after %lld bits", pk->bits,
                             (long long)bits);
    const char *field = slice_mismatch(c, out, own, active, cqp, &c->pic.slice);
    if (field)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "packed slice header disagrees with the VA parameters: %s", field);
    uint8_t again[512];
    size_t n = write_slice_header_bits(c, out, again, sizeof(again));
    size_t whole = n / 8, rest = n % 8;
    if (n != pk->bits || memcmp(again, pk->data, whole) ||
        (rest && (again[whole] ^ pk->data[whole]) >> (8 - rest)))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed slice header does not read back to the same bits");
    return VA_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- coding */

static void own_slice_header(const drv_context *c, int active, h264_slice_header *sh)
{
    const VAEncPictureParameterBufferH264 *pp = &c->pic.pic;
    const VAEncSliceParameterBufferH264 *sl = &c->pic.slice;
    int idr = pp->pic_fields.bits.idr_pic_flag;
    memset(sh, 0, sizeof(*sh));
    sh->nal_unit_type = idr ? H264_NAL_IDR_SLICE : H264_NAL_SLICE;
    sh->nal_ref_idc = pp->pic_fields.bits.reference_pic_flag ? (idr ? 3 : 2) : 0;
    sh->first_mb = (int)sl->macroblock_address;
    sh->slice_type = sl->slice_type;
    sh->frame_num = pp->frame_num;
    sh->idr_pic_id = sl->idr_pic_id;
    sh->poc_lsb = sl->pic_order_cnt_lsb;
    if (sl->slice_type == H264_SLICE_P) {
        sh->num_ref_idx_active_override = sl->num_ref_idx_active_override_flag;
        sh->num_ref_idx_l0_active = active;
        plan_list_ops(c, sl, active, sh);
    } else if (sl->slice_type == H264_SLICE_B) {
        sh->direct_spatial_mv_pred = sl->direct_spatial_mv_pred_flag;
        sh->num_ref_idx_active_override = sl->num_ref_idx_active_override_flag;
        sh->num_ref_idx_l0_active = active;
        sh->num_ref_idx_l1_active = c->active_l1;
    }
    sh->cabac_init_idc = sl->cabac_init_idc;
    sh->slice_qp = pp->pic_init_qp + sl->slice_qp_delta;
    sh->disable_deblocking_filter_idc = sl->disable_deblocking_filter_idc;
    sh->slice_alpha_c0_offset_div2 = sl->slice_alpha_c0_offset_div2;
    sh->slice_beta_offset_div2 = sl->slice_beta_offset_div2;
}

static VAStatus open_encoder(drv_context *c, int idr)
{
    if (c->enc && !memcmp(&c->enc_sps, &c->sps, sizeof(c->sps)) && !memcmp(&c->enc_pps, &c->pps, sizeof(c->pps)))
        return VA_STATUS_SUCCESS;
    if (c->enc && !idr)
        return VA_STATUS_ERROR_UNIMPLEMENTED; /* new parameter sets only at IDRs */
    cpu_encoder_close(c->enc);
    c->enc = NULL;
    cpu_encoder_params params = {
        .sps = &c->sps,
        .pps = &c->pps,
        .dpb_slots = c->dynamic_targets ? DRV_DYNAMIC_TARGETS : c->num_targets,
        .preset = 0,
        .cpu_flags = 0,
    };
    if (cpu_encoder_open(&c->enc, &params) < 0)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    c->enc_sps = c->sps;
    c->enc_pps = c->pps;
    return VA_STATUS_SUCCESS;
}

static size_t put_header(const drv_packed *pk, int own_allowed, int type, const drv_context *c, uint8_t *dst,
                         size_t cap)
{
    if (pk->have) {
        memcpy(dst, pk->data, pk->bits / 8);
        return pk->bits / 8;
    }
    return own_allowed ? drv_write_nal(dst, cap, type, &c->sps, &c->pps) : 0;
}

/* The QP offset of every macroblock from the picture's ROI regions, as
 * iHD's ParseMiscParamROI maps them: clamped into the frame (right and
 * bottom to its last pixel), left and top rounded down to macroblocks,
 * right and bottom up; each value clamped to min/max_delta_qp as Mesa's
 * handleVAEncMiscParameterTypeROI does; where regions overlap, the first
 * in the array wins (va.h, VAEncROI). */
static int8_t *roi_offsets(const drv_context *c)
{
    const int mbw = c->sps.mb_width, mbh = c->sps.mb_height;
    int8_t *map = calloc((size_t)mbw * (size_t)mbh, 1);
    if (!map)
        return NULL;
    for (int i = (int)c->pic.num_roi - 1; i >= 0; i--) {
        const VARectangle *r = &c->pic.roi[i].roi_rectangle;
        int left = r->x < c->width - 1 ? r->x : c->width - 1, top = r->y < c->height - 1 ? r->y : c->height - 1;
        int right = left + r->width < c->width - 1 ? left + r->width : c->width - 1;
        int bottom = top + r->height < c->height - 1 ? top + r->height : c->height - 1;
        int v = c->pic.roi[i].roi_value;
        v = v < c->pic.roi_min_delta ? c->pic.roi_min_delta : v > c->pic.roi_max_delta ? c->pic.roi_max_delta : v;
        for (int y = top / 16; y < (bottom + 15) / 16 && y < mbh; y++)
            for (int x = left / 16; x < (right + 15) / 16 && x < mbw; x++)
                map[y * mbw + x] = (int8_t)v;
    }
    return map;
}

static VAStatus code_picture(drv_state *d, drv_context *c, const drv_config *cfg, const h264_slice_header *sh,
                             int active, drv_buffer *coded, size_t *bytes)
{
    const VAEncPictureParameterBufferH264 *pp = &c->pic.pic;
    const VAEncSliceParameterBufferH264 *sl = &c->pic.slice;
    int idr = pp->pic_fields.bits.idr_pic_flag;
    VAStatus st = open_encoder(c, idr);
    if (st != VA_STATUS_SUCCESS)
        return st;
    if (idr)
        drv_trace(d, "tools profile_idc=%d cabac=%d transform_8x8=%d", c->sps.profile_idc, c->pps.entropy_coding_mode,
                  c->pps.transform_8x8_mode);
    drv_surface *src = &drv_lookup(d, c->render_target, OBJ_SURFACE)->u.surface;
    int8_t *roi_map = NULL;
    if (c->pic.num_roi && !(roi_map = roi_offsets(c)))
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    uint8_t *padded = NULL;
    const uint8_t *luma = src->data, *chroma = src->data + (size_t)src->pitch * (size_t)src->rows;
    int stride = src->pitch;
    if (src->width < c->width || src->height < c->height) {
        /* A picture-sized input: the hardware reads the missing edge as the
         * last column and row again. */
        padded = malloc((size_t)c->width * (size_t)c->height * 3 / 2);
        if (!padded) {
            free(roi_map);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
        for (int plane = 0; plane < 2; plane++) {
            const uint8_t *from = plane ? chroma : luma;
            uint8_t *to = padded + (plane ? (size_t)c->width * (size_t)c->height : 0);
            int rows = plane ? c->height / 2 : c->height, have = plane ? src->height / 2 : src->height;
            for (int y = 0; y < rows; y++) {
                const uint8_t *row = from + (size_t)(y < have ? y : have - 1) * (size_t)src->pitch;
                uint8_t *out = to + (size_t)y * (size_t)c->width;
                memcpy(out, row, (size_t)src->width);
                for (int x = src->width; x < c->width; x++)
                    out[x] = out[x - (plane ? 2 : 1)];
            }
        }
        luma = padded;
        chroma = padded + (size_t)c->width * (size_t)c->height;
        stride = c->width;
    }
    cpu_picture pic = {
        .mb_qp_offset = roi_map,
        .plane = { luma, chroma, NULL },
        .stride = { stride, stride, 0 },
        .nv12 = 1,
        .slice = *sh,
        .recon_slot = pp->pic_fields.bits.reference_pic_flag ? target_index(c, pp->CurrPic.picture_id) : -1,
        .num_refs = active,
    };
    for (int i = 0; i < active; i++)
        pic.ref_slots[i] = target_index(c, sl->RefPicList0[i].picture_id);
    /* HWENCTEST_VA_BREAK (drv.h) */
    enum double_break brk = double_break_from_env("HWENCTEST_VA_BREAK");
    pic.slice.poc_lsb = double_break_poc_lsb(brk, c->pictures - 1, sh->poc_lsb, c->sps.log2_max_poc_lsb);
    pic.num_refs_l1 = c->active_l1;
    for (int i = 0; i < c->active_l1; i++)
        pic.ref_slots_l1[i] = target_index(c, sl->RefPicList1[i].picture_id);
    size_t cap = cpu_encoder_max_picture_size(c->enc) + 1024, pos = 0;
    uint8_t *out = malloc(cap);
    if (!out) {
        free(padded);
        free(roi_map);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    if (idr) {
        int own = !d->caps.no_headers;
        pos += put_header(&c->pic.sps, own && !(cfg->packed & VA_ENC_PACKED_HEADER_SEQUENCE), H264_NAL_SPS, c, out, cap);
        pos += put_header(&c->pic.pps, own && !(cfg->packed & VA_ENC_PACKED_HEADER_PICTURE) && !c->pic.pps_in_sequence,
                          H264_NAL_PPS, c, out + pos, cap - pos);
    }
    /* Raw packed data (SEI) after the parameter sets, before the slice. */
    if (c->pic.raw_size && c->pic.raw_size <= cap - pos) {
        memcpy(out + pos, c->pic.raw, c->pic.raw_size);
        pos += c->pic.raw_size;
    }
    cpu_picture_stats stats;
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    int64_t size = cpu_encode_picture(c->enc, &pic, out + pos, cap - pos, &stats);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    free(roi_map);
    c->encode_cpu_ns += (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
    c->encode_pictures++;
    free(padded);
    if (size < 0) {
        free(out);
        drv_trace(d, "cpu encoder failed: %s", size == HWENC_EUNSUPPORTED ? "unsupported" : "error");
        return VA_STATUS_ERROR_ENCODING_ERROR;
    }
    pos = double_break_coded(brk, c->pictures - 1, out, pos + (size_t)size);
    coded->coded_status = (uint32_t)sh->slice_qp & VA_CODED_BUF_STATUS_PICTURE_AVE_QP_MASK;
    coded->coded_bytes = pos;
    if (pos > coded->size) {
        coded->coded_status |= VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK;
        coded->coded_bytes = coded->size;
    }
    memcpy(coded->data, out, coded->coded_bytes);
    coded->coded_pending = 1;
    coded->coded_synced = 0;
    coded->coded_surface = c->render_target;
    coded->coded_picture = c->pictures - 1;
    free(out);
    *bytes = pos;
    return VA_STATUS_SUCCESS;
}

/* Sliding-window marking (8.2.5.3). */
/* Reference marking (8.2.5): the slice's MMCO 1 commands (8.2.5.4.1),
 * else the sliding window (8.2.5.3). */
static void update_dpb(drv_context *c, int idr, int ref, const h264_slice_header *sh)
{
    const VAEncPictureParameterBufferH264 *pp = &c->pic.pic;
    for (int k = 0; ref && !idr && k < sh->num_unmark; k++) {
        int pic_num = pp->frame_num - (sh->unmark_diff_minus1[k] + 1);
        for (int i = 0; i < c->dpb_count; i++)
            if (frame_num_wrap(c, c->dpb[i].frame_num, pp->frame_num) == pic_num) {
                c->dpb[i] = c->dpb[--c->dpb_count];
                break;
            }
    }
    if (ref) {
        int max = c->sps.max_num_ref_frames > 0 ? c->sps.max_num_ref_frames : 1;
        if (c->dpb_count == max) {
            int oldest = 0, curr = pp->frame_num;
            for (int i = 1; i < c->dpb_count; i++)
                if (frame_num_wrap(c, c->dpb[i].frame_num, curr) < frame_num_wrap(c, c->dpb[oldest].frame_num, curr))
                    oldest = i;
            c->dpb[oldest] = c->dpb[--c->dpb_count];
        }
        c->dpb[c->dpb_count++] = (drv_dpb_entry){ pp->CurrPic.picture_id, pp->frame_num, pp->CurrPic.TopFieldOrderCnt };
    }
    c->prev_frame_num = pp->frame_num;
    c->prev_ref = ref;
    c->prev_poc = pp->CurrPic.TopFieldOrderCnt;
    if (idr)
        c->max_anchor_poc = pp->CurrPic.TopFieldOrderCnt;
    else if (c->pic.slice.slice_type != H264_SLICE_B && pp->CurrPic.TopFieldOrderCnt > c->max_anchor_poc)
        c->max_anchor_poc = pp->CurrPic.TopFieldOrderCnt;
    c->prev_was_idr = idr;
    c->have_prev = 1;
    if (idr) {
        c->last_idr_pic_id = c->pic.slice.idr_pic_id;
        c->have_idr = 1;
    }
}

/* A toy bitrate loop: the application's buffers must arrive, not a good
 * rate control. */
static void update_rate_control(drv_context *c, const drv_config *cfg, size_t bytes)
{
    if ((cfg->rc_mode != VA_RC_CBR && cfg->rc_mode != VA_RC_VBR) || !c->have_rc)
        return;
    double fps = (double)(c->fr.framerate & 0xffff) / (double)(c->fr.framerate >> 16 ? c->fr.framerate >> 16 : 1);
    double target = c->rc.bits_per_second * (c->rc.target_percentage / 100.0) / (fps > 0 ? fps : 25);
    double bits = (double)bytes * 8;
    int step = bits > 1.5 * target ? 3 : bits > 1.1 * target ? 1 : bits < 0.5 * target ? -3 : bits < 0.9 * target ? -1 : 0;
    int lo = c->rc.min_qp ? (int)c->rc.min_qp : 1, hi = c->rc.max_qp ? (int)c->rc.max_qp : 51;
    c->rc_qp = c->rc_qp + step < lo ? lo : c->rc_qp + step > hi ? hi : c->rc_qp + step;
}

/* CABAC and the 8x8 transform, by VA profile and driver. The CPU encoder
 * codes both; weighted prediction it does not, so it says so rather than
 * code a stream that disagrees with the PPS. */
static VAStatus check_coding_tools(drv_state *d, const drv_context *c, const drv_config *cfg)
{
    /* H.264 A.2.1: Constrained Baseline has entropy_coding_mode_flag 0;
     * Mesa's radeonsi turns CABAC off below Main (radeon_vcn_enc.c,
     * spec_misc.cabac_enable), so the slices would disagree with the PPS. */
    if (c->pps.entropy_coding_mode && cfg->profile == VAProfileH264ConstrainedBaseline)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "entropy_coding_mode_flag 1 under VAProfileH264ConstrainedBaseline (A.2.1: CAVLC only)");
    /* A.2.2: no transform_8x8_mode_flag below High; iHD clears it under
     * Main and Baseline (CodechalEncodeAvcBase::SetPictureStructs), so a
     * packed PPS that says 1 would describe slices coded without it. */
    if (c->pps.transform_8x8_mode && cfg->profile != VAProfileH264High)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "transform_8x8_mode_flag 1 under VA profile %d: only VAProfileH264High codes it",
                             (int)cfg->profile);
    /* Mesa's VCN codes the 8x8 transform only from VCN 5.0 and drops the
     * flag silently before (radeon_vcn_enc.c spec_misc.transform_8x8_mode;
     * 22.3 has no 8x8 at all), writing a PPS without it. */
    if (c->pps.transform_8x8_mode && d->caps.no_8x8)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "transform_8x8_mode_flag 1, but this driver (%s) codes no 8x8 transform", d->caps.profile);
    if (c->pps.weighted_pred || c->pps.weighted_bipred_idc) {
        drv_trace(d, "unimplemented: weighted prediction %d/%d", c->pps.weighted_pred, c->pps.weighted_bipred_idc);
        return VA_STATUS_ERROR_UNIMPLEMENTED;
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus end_picture(drv_state *d, drv_context *c, const drv_config *cfg)
{
    drv_picture *p = &c->pic;
    const VAEncPictureParameterBufferH264 *pp = &p->pic;
    const VAEncSliceParameterBufferH264 *sl = &p->slice;
    VAStatus st;
    if (p->pending_type)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed header parameters without their data");
    if (!p->have_pic || p->num_slices != 1)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "picture with %d picture and %d slice parameter buffers",
                             p->have_pic, p->num_slices);
    drv_object *co = drv_lookup(d, pp->coded_buf, OBJ_BUFFER);
    if (!co || co->u.buffer.type != VAEncCodedBufferType || co->u.buffer.map)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "coded_buf 0x%x: %s", pp->coded_buf,
                             !co || co->u.buffer.type != VAEncCodedBufferType ? "not a coded buffer" : "still mapped");
    /* A coded buffer holds one picture's data, readable only after its
     * wait (Mesa fills the size in vlVaSyncSurface; iHD queues a status
     * report per coded buffer): a second picture into it before that wait
     * overwrites the first before anyone can read it. FFmpeg gives every
     * picture in flight its own buffer (output_buffer_pool). */
    if (co->u.buffer.coded_pending && !co->u.buffer.coded_synced)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER,
                             "coded_buf 0x%x still holds picture %lld, which was not waited for", pp->coded_buf,
                             (long long)co->u.buffer.coded_picture);
    if ((st = check_sequence(d, c, cfg)) != VA_STATUS_SUCCESS || (st = check_rate_control(d, c, cfg)) != VA_STATUS_SUCCESS)
        return st;
    drv_pps_from_va(pp, &c->pps);
    if ((st = check_coding_tools(d, c, cfg)) != VA_STATUS_SUCCESS)
        return st;
    int idr = pp->pic_fields.bits.idr_pic_flag, ref = pp->pic_fields.bits.reference_pic_flag != 0, active = 0;
    if (idr && !ref)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "IDR picture that is not a reference");
    drv_object *cur = drv_lookup(d, pp->CurrPic.picture_id, OBJ_SURFACE);
    if (target_index(c, pp->CurrPic.picture_id) < 0 && c->dynamic_targets && cur &&
        cur->u.surface.width >= c->width && cur->u.surface.height >= c->height) {
        /* The CPU encoder has a fixed set of slots: a new surface takes
         * the slot of one that holds no reference picture any more. */
        int slot = c->num_targets < DRV_DYNAMIC_TARGETS ? c->num_targets++ : -1;
        for (int i = 0; slot < 0 && i < c->num_targets; i++)
            if (!dpb_find(c, c->targets[i]))
                slot = i;
        if (slot < 0)
            return VA_STATUS_ERROR_UNIMPLEMENTED; /* every slot holds a reference */
        c->targets[slot] = pp->CurrPic.picture_id;
    }
    if (target_index(c, pp->CurrPic.picture_id) < 0)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "CurrPic 0x%x is not a render target of the context",
                             pp->CurrPic.picture_id);
    if (sl->macroblock_address || (int)sl->num_macroblocks != c->sps.mb_width * c->sps.mb_height ||
        sl->pic_parameter_set_id != pp->pic_parameter_set_id || sl->disable_deblocking_filter_idc > 2 ||
        sl->slice_alpha_c0_offset_div2 < -6 || sl->slice_alpha_c0_offset_div2 > 6 || sl->slice_beta_offset_div2 < -6 ||
        sl->slice_beta_offset_div2 > 6 || pp->pic_init_qp + sl->slice_qp_delta < 0 || pp->pic_init_qp + sl->slice_qp_delta > 51 ||
        sl->cabac_init_idc > 2)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                             "slice: macroblocks %u+%u of %d, PPS %u/%u, deblocking %u (%d, %d), QP %d, "
                             "cabac_init_idc %u",
                             sl->macroblock_address, sl->num_macroblocks, c->sps.mb_width * c->sps.mb_height,
                             sl->pic_parameter_set_id, pp->pic_parameter_set_id, sl->disable_deblocking_filter_idc,
                             sl->slice_alpha_c0_offset_div2, sl->slice_beta_offset_div2,
                             pp->pic_init_qp + sl->slice_qp_delta, sl->cabac_init_idc);
    if ((st = check_order(d, c, idr)) != VA_STATUS_SUCCESS)
        return st;
    if (idr)
        c->dpb_count = 0;
    if ((st = check_references(d, c, cfg, &active)) != VA_STATUS_SUCCESS)
        return st;

    int pps_in_sequence = 0;
    if (p->sps.have && (st = check_packed_sequence(d, c, cfg, &p->sps, &pps_in_sequence)) != VA_STATUS_SUCCESS)
        return st;
    p->pps_in_sequence = pps_in_sequence;
    if (p->pps.have && (st = check_packed_pps(d, c, &p->pps)) != VA_STATUS_SUCCESS)
        return st;
    int cqp = cfg->rc_mode == VA_RC_CQP;
    h264_slice_header sh;
    own_slice_header(c, active, &sh);
    if (cfg->packed & VA_ENC_PACKED_HEADER_SLICE) {
        h264_slice_header packed;
        if (!p->slice_header.have)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "packed slice headers are enabled in the config, but picture %lld has none",
                                 (long long)c->pictures - 1);
        if ((st = check_packed_slice(d, c, &p->slice_header, &sh, active, cqp, &packed)) != VA_STATUS_SUCCESS)
            return st;
        sh = packed;
    }
    if (!cqp)
        sh.slice_qp = c->rc_qp; /* the driver's rate control decides */
    size_t bytes = 0;
    if ((st = code_picture(d, c, cfg, &sh, active, &co->u.buffer, &bytes)) != VA_STATUS_SUCCESS)
        return st;
    char refs[128] = "";
    for (int i = 0, pos = 0; i < active && pos < (int)sizeof(refs); i++)
        pos += snprintf(refs + pos, sizeof(refs) - (size_t)pos, "%s%d", i ? "," : "",
                        target_index(c, sl->RefPicList0[i].picture_id));
    drv_trace(d, "picture n=%lld type=%s frame_num=%u poc=%d slot=%d refs=%s qp=%d bytes=%zu packed=%s%s%s ops=%d",
              (long long)c->pictures - 1,
              idr ? "IDR" : sl->slice_type == H264_SLICE_P ? "P" : sl->slice_type == H264_SLICE_B ? "B" : "I", pp->frame_num,
              pp->CurrPic.TopFieldOrderCnt, target_index(c, pp->CurrPic.picture_id), refs, sh.slice_qp, bytes,
              p->sps.have ? "S" : "-", p->pps.have ? "P" : "-", p->slice_header.have ? "H" : "-", sh.num_ref_list_ops);
    update_dpb(c, idr, ref, &sh);
    update_rate_control(c, cfg, bytes);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_end_picture(VADriverContextP ctx, VAContextID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_CONTEXT);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONTEXT, "vaEndPicture(0x%x): not a context", id);
    drv_context *c = o->u.context;
    /* FFmpeg (vaapi_encode_issue) and GStreamer end a picture whose
     * vaBeginPicture or vaRenderPicture failed, to reset the context. va.h
     * does not forbid it and the drivers answer with an error and a reset
     * state: iHD's EndPicture runs EncodeInCodecHal with no current render
     * target and clears the picture parameters (ENCODING_ERROR); Mesa's
     * vlVaEndPicture finds no surface for the target (INVALID_SURFACE).
     * So: an error, traced, and no contract violation. */
    if (c->render_target == VA_INVALID_SURFACE) {
        drv_trace(d, "end without begin");
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    drv_object *s = drv_lookup(d, c->render_target, OBJ_SURFACE);
    int64_t n = c->pictures++;
    VAStatus st;
    if (c->pic.render_failed) {
        drv_trace(d, "end of a picture whose render failed n=%lld", (long long)n);
        st = VA_STATUS_ERROR_ENCODING_ERROR;
    } else if (n == d->caps.fail_end_picture) {
        drv_trace(d, "inject end-picture failure n=%lld", (long long)n);
        st = VA_STATUS_ERROR_ENCODING_ERROR;
    } else {
        st = end_picture(d, c, &drv_lookup(d, c->config, OBJ_CONFIG)->u.config);
    }
    if (s) {
        s->u.surface.busy_context = VA_INVALID_ID;
        if (st == VA_STATUS_SUCCESS) {
            s->u.surface.in_flight = 1;
            s->u.surface.in_flight_picture = n;
        }
    }
    c->render_target = VA_INVALID_SURFACE;
    return st;
}

void drv_init_encode_vtable(struct VADriverVTable *vt)
{
    vt->vaCreateContext = drv_create_context;
    vt->vaDestroyContext = drv_destroy_context;
    vt->vaBeginPicture = drv_begin_picture;
    vt->vaRenderPicture = drv_render_picture;
    vt->vaEndPicture = drv_end_picture;
}
