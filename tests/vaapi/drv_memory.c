/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Surfaces, images and buffers of the test driver.
 *
 * Every vaMapBuffer hands out a fresh anonymous mapping that vaUnmapBuffer
 * copies back and unmaps: an application that writes a surface without
 * mapping it loses the write (and the picture shows it), and one that
 * touches a mapping after unmapping it faults on the spot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/vaapi/drv.h"

#define CTX_STATE(ctx) ((drv_state *)(ctx)->pDriverData)
#define POISON 0x5a /* fresh surface content: any picture coded from it shows */

static size_t nv12_size(int pitch, int rows)
{
    return (size_t)pitch * (size_t)rows * 3 / 2;
}

static int align(int x, int a)
{
    return (x + a - 1) / a * a;
}

/* Surface attributes an encoder's input may carry (va.h): the pixel format
 * and memory type FFmpeg's and GStreamer's frame pools set, and usage
 * hints. Imported memory (DRM PRIME, user pointers) is not modelled. */
static VAStatus check_surface_attribs(drv_state *d, unsigned format, const VASurfaceAttrib *a, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (!(a[i].flags & VA_SURFACE_ATTRIB_SETTABLE))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "vaCreateSurfaces attribute %d without VA_SURFACE_ATTRIB_SETTABLE", (int)a[i].type);
        switch (a[i].type) {
        case VASurfaceAttribPixelFormat:
            if (a[i].value.type != VAGenericValueTypeInteger || (uint32_t)a[i].value.value.i != VA_FOURCC_NV12 ||
                format != VA_RT_FORMAT_YUV420)
                return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
            break;
        case VASurfaceAttribMemoryType:
            if (a[i].value.type != VAGenericValueTypeInteger || a[i].value.value.i != VA_SURFACE_ATTRIB_MEM_TYPE_VA)
                return VA_STATUS_ERROR_ATTR_NOT_SUPPORTED; /* imported memory: not modelled */
            break;
        case VASurfaceAttribUsageHint:
            break;
        default:
            return VA_STATUS_ERROR_ATTR_NOT_SUPPORTED;
        }
    }
    return VA_STATUS_SUCCESS;
}

/* --------------------------------------------------------------- surfaces */

static VAStatus drv_create_surfaces2(VADriverContextP ctx, unsigned format, unsigned width, unsigned height,
                                     VASurfaceID *surfaces, unsigned num, VASurfaceAttrib *attribs, unsigned num_attribs)
{
    drv_state *d = CTX_STATE(ctx);
    if (format != VA_RT_FORMAT_YUV420)
        return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
    VAStatus st = check_surface_attribs(d, format, attribs, num_attribs);
    if (st != VA_STATUS_SUCCESS)
        return st;
    if (!width || !height || (width & 1) || (height & 1) || width > 8192 || height > 8192)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaCreateSurfaces of %ux%u", width, height);
    for (unsigned i = 0; i < num; i++) {
        VASurfaceID id = drv_new_object(d, OBJ_SURFACE);
        drv_object *o = drv_lookup(d, id, OBJ_SURFACE);
        if (!o)
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        drv_surface *s = &o->u.surface;
        s->width = (int)width;
        s->height = (int)height;
        s->pitch = align(s->width, d->caps.pitch_align);
        s->rows = align(s->height, 2 * d->caps.height_align);
        s->busy_context = VA_INVALID_ID;
        s->data = malloc(nv12_size(s->pitch, s->rows));
        if (!s->data) {
            drv_free_object(d, id);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
        memset(s->data, POISON, nv12_size(s->pitch, s->rows));
        surfaces[i] = id;
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_create_surfaces(VADriverContextP ctx, int width, int height, int format, int num,
                                    VASurfaceID *surfaces)
{
    return drv_create_surfaces2(ctx, (unsigned)format, (unsigned)width, (unsigned)height, surfaces, (unsigned)num,
                                NULL, 0);
}

/* The context that has the surface among its render targets, or NULL. */
static drv_context *used_by_context(drv_state *d, VASurfaceID id, uint32_t *context, int *target)
{
    for (int i = 0; i < DRV_MAX_OBJECTS; i++) {
        const drv_object *o = &d->objects[i];
        if (o->kind != OBJ_CONTEXT)
            continue;
        for (int t = 0; t < o->u.context->num_targets; t++) {
            if (o->u.context->targets[t] == id) {
                *context = (uint32_t)OBJ_CONTEXT << 16 | (uint32_t)(i + 1);
                *target = t;
                return o->u.context;
            }
        }
    }
    return NULL;
}

/* A surface that joined a context created without render targets (as
 * CurrPic) leaves it: Mesa's vlVaDestroySurfaces takes it out of its
 * context's surface set, and GStreamer's vah264enc frees its
 * reconstruction pool before it destroys the context. Its slot and any
 * reference picture in it go with it. */
static void leave_context(drv_context *c, int target, VASurfaceID id)
{
    c->targets[target] = VA_INVALID_SURFACE;
    for (int i = 0; i < c->dpb_count;)
        if (c->dpb[i].surface == id)
            c->dpb[i] = c->dpb[--c->dpb_count];
        else
            i++;
}

static VAStatus drv_destroy_surfaces(VADriverContextP ctx, VASurfaceID *list, int num)
{
    drv_state *d = CTX_STATE(ctx);
    for (int i = 0; i < num; i++) {
        drv_object *o = drv_lookup(d, list[i], OBJ_SURFACE);
        uint32_t context = VA_INVALID_ID;
        if (!o)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "vaDestroySurfaces(0x%x): not a surface", list[i]);
        if (o->u.surface.derived)
            return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                                 "vaDestroySurfaces(0x%x) while an image derived from it is alive", list[i]);
        int target;
        drv_context *c = used_by_context(d, list[i], &context, &target);
        /* va.h (vaDestroySurfaces): "Surfaces can only be destroyed after
         * all contexts using these surfaces have been destroyed": the render
         * targets given to vaCreateContext, and any surface whose picture is
         * still being coded or waited for. */
        if ((c && !c->dynamic_targets) || o->u.surface.busy_context != VA_INVALID_ID || o->u.surface.in_flight)
            return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                                 "vaDestroySurfaces(0x%x) while context 0x%x renders to it or codes its picture (destroy the context first)",
                                 list[i], context);
        if (c)
            leave_context(c, target, list[i]);
        free(o->u.surface.data);
        drv_free_object(d, list[i]);
    }
    return VA_STATUS_SUCCESS;
}

/* The wait for one picture is over: its coded data exist from now on (Mesa
 * fills the coded size in vlVaSyncSurface) and its input surface may take
 * another picture. An injected failure (HWENCTEST_VA_FAIL=sync:N) ends the
 * picture without coded data. */
static VAStatus complete_picture(drv_state *d, drv_buffer *coded, drv_surface *input, const char *how)
{
    int64_t n = coded ? coded->coded_picture : input->in_flight_picture;
    if (input && input->in_flight_picture == n)
        input->in_flight = 0;
    if (!coded)
        return VA_STATUS_SUCCESS;
    drv_trace(d, "sync %s picture=%lld", how, (long long)n);
    if (n == d->caps.fail_sync) {
        drv_trace(d, "inject sync failure n=%lld", (long long)n);
        coded->coded_pending = 0;
        return VA_STATUS_ERROR_ENCODING_ERROR;
    }
    coded->coded_synced = 1;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_sync_surface(VADriverContextP ctx, VASurfaceID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_SURFACE);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "vaSyncSurface(0x%x): not a surface", id);
    if (o->u.surface.busy_context != VA_INVALID_ID)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                             "vaSyncSurface(0x%x) between vaBeginPicture and vaEndPicture (would never return)", id);
    /* Every bitstream encoded from this surface (va.h's note on the sync
     * interfaces): the picture in flight on it. */
    VAStatus st = VA_STATUS_SUCCESS;
    for (int i = 0; i < DRV_MAX_OBJECTS; i++) {
        drv_buffer *b = &d->objects[i].u.buffer;
        if (d->objects[i].kind == OBJ_BUFFER && b->type == VAEncCodedBufferType && b->coded_pending &&
            !b->coded_synced && b->coded_surface == id && o->u.surface.in_flight &&
            b->coded_picture == o->u.surface.in_flight_picture)
            st = complete_picture(d, b, &o->u.surface, "surface");
    }
    o->u.surface.in_flight = 0;
    return st;
}

/* vaSyncBuffer (VA-API 1.9): FFmpeg probes it with VA_INVALID_ID and a
 * zero timeout and takes any answer but UNIMPLEMENTED as "implemented"
 * (vaapi_encode.c), so that probe is answered, not flagged. Waiting for a
 * coded buffer waits for its picture, input read included: Mesa's
 * vlVaSyncBuffer marks the associated input surface done too, and FFmpeg
 * returns the input frame to its pool after this wait alone. */
static VAStatus drv_sync_buffer(VADriverContextP ctx, VABufferID id, uint64_t timeout_ns)
{
    drv_state *d = CTX_STATE(ctx);
    (void)timeout_ns;
    if (id == VA_INVALID_ID)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o || o->u.buffer.type != VAEncCodedBufferType)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaSyncBuffer(0x%x): not a coded buffer", id);
    drv_buffer *b = &o->u.buffer;
    if (!b->coded_pending || b->coded_synced)
        return VA_STATUS_SUCCESS;
    drv_object *s = drv_lookup(d, b->coded_surface, OBJ_SURFACE);
    return complete_picture(d, b, s ? &s->u.surface : NULL, "buffer");
}

/* What an input surface can be (FFmpeg's hwframe constraints read it). */
static VAStatus drv_query_surface_attributes(VADriverContextP ctx, VAConfigID config, VASurfaceAttrib *list,
                                             unsigned *num)
{
    drv_state *d = CTX_STATE(ctx);
    if (!drv_lookup(d, config, OBJ_CONFIG))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONFIG, "vaQuerySurfaceAttributes(0x%x): not a config", config);
    const VASurfaceAttrib attrs[] = {
        { VASurfaceAttribPixelFormat, VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE,
          { VAGenericValueTypeInteger, { .i = VA_FOURCC_NV12 } } },
        { VASurfaceAttribMinWidth, VA_SURFACE_ATTRIB_GETTABLE, { VAGenericValueTypeInteger, { .i = 16 } } },
        { VASurfaceAttribMinHeight, VA_SURFACE_ATTRIB_GETTABLE, { VAGenericValueTypeInteger, { .i = 16 } } },
        { VASurfaceAttribMaxWidth, VA_SURFACE_ATTRIB_GETTABLE,
          { VAGenericValueTypeInteger, { .i = (int)d->caps.max_width } } },
        { VASurfaceAttribMaxHeight, VA_SURFACE_ATTRIB_GETTABLE,
          { VAGenericValueTypeInteger, { .i = (int)d->caps.max_height } } },
        { VASurfaceAttribMemoryType, VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE,
          { VAGenericValueTypeInteger, { .i = VA_SURFACE_ATTRIB_MEM_TYPE_VA } } },
    };
    unsigned n = sizeof(attrs) / sizeof(attrs[0]);
    if (!list) {
        *num = n;
        return VA_STATUS_SUCCESS;
    }
    if (*num < n) {
        *num = n;
        return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
    }
    memcpy(list, attrs, sizeof(attrs));
    *num = n;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_query_surface_status(VADriverContextP ctx, VASurfaceID id, VASurfaceStatus *status)
{
    drv_state *d = CTX_STATE(ctx);
    if (!drv_lookup(d, id, OBJ_SURFACE))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "vaQuerySurfaceStatus(0x%x): not a surface", id);
    *status = VASurfaceReady;
    return VA_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- buffers */

void drv_buffer_release(drv_buffer *b)
{
    if (b->map)
        munmap(b->map, b->map_size);
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static size_t misc_payload_size(uint32_t type)
{
    switch (type) {
    case VAEncMiscParameterTypeRateControl: return sizeof(VAEncMiscParameterRateControl);
    case VAEncMiscParameterTypeHRD: return sizeof(VAEncMiscParameterHRD);
    case VAEncMiscParameterTypeFrameRate: return sizeof(VAEncMiscParameterFrameRate);
    case VAEncMiscParameterTypeQualityLevel: return sizeof(VAEncMiscParameterBufferQualityLevel);
    default: return 0;
    }
}

/* The size libva's headers define for each parameter type. */
static VAStatus check_buffer(drv_state *d, VABufferType type, unsigned size, unsigned num, const void *data)
{
    size_t want = 0;
    switch (type) {
    case VAEncSequenceParameterBufferType: want = sizeof(VAEncSequenceParameterBufferH264); break;
    case VAEncPictureParameterBufferType: want = sizeof(VAEncPictureParameterBufferH264); break;
    case VAEncSliceParameterBufferType: want = sizeof(VAEncSliceParameterBufferH264); break;
    case VAEncPackedHeaderParameterBufferType: want = sizeof(VAEncPackedHeaderParameterBuffer); break;
    case VAEncPackedHeaderDataBufferType:
        if (!size || size > 4096 || num != 1)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "packed header data buffer of %u x %u bytes",
                                 num, size);
        return VA_STATUS_SUCCESS;
    case VAEncCodedBufferType:
        if (!size || num != 1 || data)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "coded buffer of %u x %u bytes%s", num, size, data ? " with initial data" : "");
        return VA_STATUS_SUCCESS;
    case VAEncMiscParameterBufferType: {
        uint32_t misc = data ? *(const uint32_t *)data : 0;
        want = sizeof(VAEncMiscParameterBuffer) + misc_payload_size(misc);
        if (!data || num != 1 || size < want)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER,
                                 "misc parameter buffer type %u of %u bytes (needs %zu, with data)", misc, size, want);
        return VA_STATUS_SUCCESS;
    }
    default:
        return drv_violation(d, VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE,
                             "vaCreateBuffer of type %d, which H.264 encoding does not use", (int)type);
    }
    if (size != want || num != 1)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "buffer type %d of %u x %u bytes, expected 1 x %zu",
                             (int)type, num, size, want);
    return VA_STATUS_SUCCESS;
}

static VAStatus new_buffer(drv_state *d, VAContextID context, VABufferType type, size_t size, unsigned num,
                           const void *data, VABufferID *id)
{
    *id = drv_new_object(d, OBJ_BUFFER);
    drv_object *o = drv_lookup(d, *id, OBJ_BUFFER);
    if (!o)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    drv_buffer *b = &o->u.buffer;
    b->type = type;
    b->context = context;
    b->size = size;
    b->num_elements = num;
    b->derived_from = VA_INVALID_SURFACE;
    b->data = calloc(1, size * num > 0 ? size * num : 1);
    if (!b->data) {
        drv_free_object(d, *id);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    if (data)
        memcpy(b->data, data, size * num);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_create_buffer(VADriverContextP ctx, VAContextID context, VABufferType type, unsigned size,
                                  unsigned num, void *data, VABufferID *id)
{
    drv_state *d = CTX_STATE(ctx);
    if (!drv_lookup(d, context, OBJ_CONTEXT))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONTEXT, "vaCreateBuffer(type %d) on 0x%x: not a context",
                             (int)type, context);
    VAStatus st = check_buffer(d, type, size, num, data);
    return st != VA_STATUS_SUCCESS ? st : new_buffer(d, context, type, size, num, data, id);
}

static VAStatus drv_buffer_set_num_elements(VADriverContextP ctx, VABufferID id, unsigned num)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaBufferSetNumElements(0x%x): not a buffer", id);
    if (num > o->u.buffer.num_elements || o->u.buffer.map)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    o->u.buffer.num_elements = num;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_buffer_info(VADriverContextP ctx, VABufferID id, VABufferType *type, unsigned *size,
                                unsigned *num)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaBufferInfo(0x%x): not a buffer", id);
    *type = o->u.buffer.type;
    *size = (unsigned)o->u.buffer.size;
    *num = o->u.buffer.num_elements;
    return VA_STATUS_SUCCESS;
}

/* The coded picture as a segment list, several segments in the split-coded
 * variant (one cut inside the first NAL header, one empty segment). */
static size_t layout_coded(const drv_state *d, const drv_buffer *b, uint8_t *map, size_t map_size)
{
    size_t n = b->coded_bytes, cuts[4], count = 0;
    if (d->caps.split_coded && n > 8) {
        cuts[count++] = 5;
        cuts[count++] = 0;
        cuts[count++] = (n - 5) / 2;
        cuts[count++] = n - 5 - (n - 5) / 2;
    } else {
        cuts[count++] = n;
    }
    VACodedBufferSegment *seg = (VACodedBufferSegment *)map;
    uint8_t *data = map + count * sizeof(*seg);
    size_t pos = 0;
    if (map_size < count * sizeof(*seg) + n)
        return 0;
    for (size_t i = 0; i < count; i++) {
        memset(&seg[i], 0, sizeof(seg[i]));
        seg[i].size = (uint32_t)cuts[i];
        seg[i].buf = data + pos;
        seg[i].status = i == 0 ? b->coded_status : 0;
        seg[i].next = i + 1 < count ? &seg[i + 1] : NULL;
        memcpy(data + pos, b->data + pos, cuts[i]);
        pos += cuts[i];
    }
    return count;
}

static VAStatus map_derived(drv_state *d, drv_buffer *b, uint8_t *map)
{
    drv_object *s = drv_lookup(d, b->derived_from, OBJ_SURFACE);
    if (!s)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "image buffer of a destroyed surface mapped");
    if (s->u.surface.busy_context != VA_INVALID_ID)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY, "derived image mapped while its surface is being coded");
    /* va.h (vaSyncSurface): only after the wait "is it safe to use the
     * render target for a different picture"; before it the encoder may
     * still be reading the previous one. */
    if (s->u.surface.in_flight)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                             "image derived from 0x%x mapped while its picture %lld is in flight (not waited for)",
                             b->derived_from, (long long)s->u.surface.in_flight_picture);
    memcpy(map, s->u.surface.data, nv12_size(s->u.surface.pitch, s->u.surface.rows));
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_map_buffer(VADriverContextP ctx, VABufferID id, void **pbuf)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaMapBuffer(0x%x): not a buffer", id);
    drv_buffer *b = &o->u.buffer;
    if (b->map)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaMapBuffer(0x%x) of a buffer already mapped", id);
    int coded = b->type == VAEncCodedBufferType;
    if (coded && !b->coded_pending)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER,
                             "vaMapBuffer(0x%x) of a coded buffer no picture was coded into", id);
    /* Coded data exist once the picture is waited for: Mesa fills the
     * coded size in vlVaSyncSurface; FFmpeg and libva's h264encode sync
     * first. */
    if (coded && !b->coded_synced)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER,
                             "vaMapBuffer(0x%x) of a coded buffer before vaSyncSurface/vaSyncBuffer of its picture", id);
    size_t size = coded ? 4 * sizeof(VACodedBufferSegment) + b->coded_bytes : b->size * b->num_elements;
    b->map_size = size ? size : 1;
    void *map = mmap(NULL, b->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    b->map = map;
    VAStatus st = VA_STATUS_SUCCESS;
    if (coded)
        layout_coded(d, b, b->map, b->map_size);
    else if (b->derived_from != VA_INVALID_SURFACE)
        st = map_derived(d, b, b->map);
    else
        memcpy(b->map, b->data, b->size * b->num_elements);
    if (st != VA_STATUS_SUCCESS) {
        munmap(b->map, b->map_size);
        b->map = NULL;
        return st;
    }
    *pbuf = b->map;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_unmap_buffer(VADriverContextP ctx, VABufferID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaUnmapBuffer(0x%x): not a buffer", id);
    drv_buffer *b = &o->u.buffer;
    if (!b->map)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaUnmapBuffer(0x%x) of a buffer not mapped", id);
    if (b->type == VAEncCodedBufferType) {
        b->coded_pending = 0;
        b->coded_synced = 0;
    } else if (b->derived_from != VA_INVALID_SURFACE) {
        drv_object *s = drv_lookup(d, b->derived_from, OBJ_SURFACE);
        if (s) {
            memcpy(s->u.surface.data, b->map, nv12_size(s->u.surface.pitch, s->u.surface.rows));
            s->u.surface.written = 1;
        }
    } else {
        memcpy(b->data, b->map, b->size * b->num_elements);
    }
    munmap(b->map, b->map_size);
    b->map = NULL;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_destroy_buffer(VADriverContextP ctx, VABufferID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_BUFFER);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER, "vaDestroyBuffer(0x%x): not a buffer", id);
    if (o->u.buffer.type == VAImageBufferType)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_BUFFER,
                             "vaDestroyBuffer(0x%x) of an image's buffer (vaDestroyImage owns it)", id);
    if (o->u.buffer.map)
        drv_violation(d, VA_STATUS_SUCCESS, "vaDestroyBuffer(0x%x) of a mapped buffer", id);
    drv_buffer_release(&o->u.buffer);
    drv_free_object(d, id);
    return VA_STATUS_SUCCESS;
}

/* ----------------------------------------------------------------- images */

static const VAImageFormat nv12_format = { .fourcc = VA_FOURCC_NV12, .byte_order = VA_LSB_FIRST, .bits_per_pixel = 12 };

static VAStatus drv_query_image_formats(VADriverContextP ctx, VAImageFormat *list, int *num)
{
    (void)ctx;
    list[0] = nv12_format;
    *num = 1;
    return VA_STATUS_SUCCESS;
}

/* pitch and rows: the plane layout, padded as the profile's driver pads it. */
static VAStatus new_image(drv_state *d, int w, int h, int pitch, int rows, VASurfaceID derived_from, VAImage *image)
{
    VABufferID buf;
    VAStatus st = new_buffer(d, VA_INVALID_ID, VAImageBufferType, nv12_size(pitch, rows), 1, NULL, &buf);
    if (st != VA_STATUS_SUCCESS)
        return st;
    drv_lookup(d, buf, OBJ_BUFFER)->u.buffer.derived_from = derived_from;
    VAImageID id = drv_new_object(d, OBJ_IMAGE);
    drv_object *o = drv_lookup(d, id, OBJ_IMAGE);
    if (!o) {
        drv_buffer_release(&drv_lookup(d, buf, OBJ_BUFFER)->u.buffer);
        drv_free_object(d, buf);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    VAImage *im = &o->u.image.image;
    memset(im, 0, sizeof(*im));
    im->image_id = id;
    im->format = nv12_format;
    im->buf = buf;
    im->width = (uint16_t)w;
    im->height = (uint16_t)h;
    im->data_size = (uint32_t)nv12_size(pitch, rows);
    im->num_planes = 2;
    im->pitches[0] = im->pitches[1] = (uint32_t)pitch;
    im->offsets[0] = 0;
    im->offsets[1] = (uint32_t)(pitch * rows);
    o->u.image.derived_from = derived_from;
    *image = *im;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_create_image(VADriverContextP ctx, VAImageFormat *format, int width, int height, VAImage *image)
{
    drv_state *d = CTX_STATE(ctx);
    if (format->fourcc != VA_FOURCC_NV12)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    if (width <= 0 || height <= 0 || (width & 1) || (height & 1))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaCreateImage of %dx%d", width, height);
    return new_image(d, width, height, align(width, d->caps.pitch_align), align(height, 2 * d->caps.height_align),
                     VA_INVALID_SURFACE, image);
}

static VAStatus drv_derive_image(VADriverContextP ctx, VASurfaceID surface, VAImage *image)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *s = drv_lookup(d, surface, OBJ_SURFACE);
    if (!s)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_SURFACE, "vaDeriveImage(0x%x): not a surface", surface);
    if (d->caps.no_derive) {
        drv_trace(d, "derive refused");
        return VA_STATUS_ERROR_OPERATION_FAILED; /* as radeonsi */
    }
    VAStatus st = new_image(d, s->u.surface.width, s->u.surface.height, s->u.surface.pitch, s->u.surface.rows, surface,
                            image);
    if (st == VA_STATUS_SUCCESS)
        s->u.surface.derived++;
    return st;
}

static VAStatus drv_destroy_image(VADriverContextP ctx, VAImageID id)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_IMAGE);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_IMAGE, "vaDestroyImage(0x%x): not an image", id);
    drv_object *b = drv_lookup(d, o->u.image.image.buf, OBJ_BUFFER);
    if (b && b->u.buffer.map)
        drv_violation(d, VA_STATUS_SUCCESS, "vaDestroyImage(0x%x) while its buffer is mapped", id);
    if (b) {
        drv_buffer_release(&b->u.buffer);
        drv_free_object(d, o->u.image.image.buf);
    }
    drv_object *s = drv_lookup(d, o->u.image.derived_from, OBJ_SURFACE);
    if (s)
        s->u.surface.derived--;
    drv_free_object(d, id);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_put_image(VADriverContextP ctx, VASurfaceID surface, VAImageID image, int sx, int sy,
                              unsigned sw, unsigned sh, int dx, int dy, unsigned dw, unsigned dh)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *s = drv_lookup(d, surface, OBJ_SURFACE);
    drv_object *im = drv_lookup(d, image, OBJ_IMAGE);
    if (!s || !im)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaPutImage(0x%x, 0x%x): %s", surface, image,
                             !s ? "not a surface" : "not an image");
    drv_surface *sf = &s->u.surface;
    const VAImage *vi = &im->u.image.image;
    drv_object *b = drv_lookup(d, vi->buf, OBJ_BUFFER);
    if (!b)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaPutImage(0x%x): the image has no buffer", image);
    if (sf->busy_context != VA_INVALID_ID)
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY, "vaPutImage to 0x%x while it is being coded", surface);
    if (sf->in_flight) /* va.h, vaSyncSurface: see map_derived */
        return drv_violation(d, VA_STATUS_ERROR_SURFACE_BUSY,
                             "vaPutImage to 0x%x while its picture %lld is in flight (not waited for)", surface,
                             (long long)sf->in_flight_picture);
    if (sw != dw || sh != dh)
        return VA_STATUS_ERROR_UNIMPLEMENTED; /* no scaling */
    if (sx < 0 || sy < 0 || dx < 0 || dy < 0 || (sx | sy | dx | dy | (int)sw | (int)sh) & 1 ||
        sx + (int)sw > vi->width || sy + (int)sh > vi->height || dx + (int)sw > sf->width || dy + (int)sh > sf->height)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaPutImage rectangle out of bounds");
    /* A mapped image is read as mapped: GStreamer's va allocator puts the
     * image before it unmaps it, and Mesa's vlVaMapBuffer hands out an
     * image buffer's own memory, so the put sees what was written. */
    const uint8_t *src = b->u.buffer.map ? b->u.buffer.map : b->u.buffer.data;
    for (unsigned y = 0; y < sh; y++)
        memcpy(sf->data + (size_t)(dy + (int)y) * (size_t)sf->pitch + (size_t)dx,
               src + vi->offsets[0] + (size_t)(sy + (int)y) * vi->pitches[0] + (size_t)sx, sw);
    uint8_t *dst_uv = sf->data + (size_t)sf->pitch * (size_t)sf->rows;
    for (unsigned y = 0; y < sh / 2; y++)
        memcpy(dst_uv + (size_t)(dy / 2 + (int)y) * (size_t)sf->pitch + (size_t)dx,
               src + vi->offsets[1] + (size_t)(sy / 2 + (int)y) * vi->pitches[1] + (size_t)sx, sw);
    sf->written = 1;
    drv_trace(d, "putimage 0x%x", surface);
    return VA_STATUS_SUCCESS;
}

/* Surface data into an image (GStreamer's va allocator reads the surface
 * before it writes one it could not derive, as on radeonsi). */
static VAStatus drv_get_image(VADriverContextP ctx, VASurfaceID surface, int x, int y, unsigned w, unsigned h,
                              VAImageID image)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *s = drv_lookup(d, surface, OBJ_SURFACE);
    drv_object *im = drv_lookup(d, image, OBJ_IMAGE);
    if (!s || !im)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaGetImage(0x%x, 0x%x): %s", surface, image,
                             !s ? "not a surface" : "not an image");
    const drv_surface *sf = &s->u.surface;
    const VAImage *vi = &im->u.image.image;
    drv_object *b = drv_lookup(d, vi->buf, OBJ_BUFFER);
    if (!b)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaGetImage(0x%x): the image has no buffer", image);
    if (x < 0 || y < 0 || ((x | y | (int)w | (int)h) & 1) || x + (int)w > sf->width || y + (int)h > sf->height ||
        w > vi->width || h > vi->height)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_PARAMETER, "vaGetImage rectangle out of bounds");
    uint8_t *dst = b->u.buffer.map ? b->u.buffer.map : b->u.buffer.data; /* as vaPutImage reads it */
    const uint8_t *uv = sf->data + (size_t)sf->pitch * (size_t)sf->rows;
    for (unsigned r = 0; r < h; r++)
        memcpy(dst + vi->offsets[0] + (size_t)r * vi->pitches[0],
               sf->data + (size_t)(y + (int)r) * (size_t)sf->pitch + (size_t)x, w);
    for (unsigned r = 0; r < h / 2; r++)
        memcpy(dst + vi->offsets[1] + (size_t)r * vi->pitches[1],
               uv + (size_t)(y / 2 + (int)r) * (size_t)sf->pitch + (size_t)x, w);
    return VA_STATUS_SUCCESS;
}

void drv_init_memory_vtable(struct VADriverVTable *vt, int sync_buffer)
{
    if (sync_buffer)
        vt->vaSyncBuffer = drv_sync_buffer;
    vt->vaQuerySurfaceAttributes = drv_query_surface_attributes;
    vt->vaCreateSurfaces = drv_create_surfaces;
    vt->vaCreateSurfaces2 = drv_create_surfaces2;
    vt->vaDestroySurfaces = drv_destroy_surfaces;
    vt->vaSyncSurface = drv_sync_surface;
    vt->vaQuerySurfaceStatus = drv_query_surface_status;
    vt->vaCreateBuffer = drv_create_buffer;
    vt->vaBufferSetNumElements = drv_buffer_set_num_elements;
    vt->vaBufferInfo = drv_buffer_info;
    vt->vaMapBuffer = drv_map_buffer;
    vt->vaUnmapBuffer = drv_unmap_buffer;
    vt->vaDestroyBuffer = drv_destroy_buffer;
    vt->vaQueryImageFormats = drv_query_image_formats;
    vt->vaCreateImage = drv_create_image;
    vt->vaDeriveImage = drv_derive_image;
    vt->vaDestroyImage = drv_destroy_image;
    vt->vaPutImage = drv_put_image;
    vt->vaGetImage = drv_get_image;
}
