/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Frames into VA surfaces. vaDeriveImage maps the surface itself (no copy
 * on the GPU side); drivers that cannot (radeonsi returns
 * OPERATION_FAILED) get an NV12 image filled in memory and vaPutImage. The
 * macroblock padding beyond the cropped size is filled by repeating the
 * last column and row, which codes cheaper than whatever was there.
 */
#include <stdio.h>
#include <string.h>

#include "hw/vaapi/internal.h"

typedef struct nv12_dst {
    uint8_t *y, *uv;
    size_t pitch_y, pitch_uv;
} nv12_dst;

static void copy_luma(const vaapi_encoder *e, const hal_picture *pic, const nv12_dst *d)
{
    int w = e->width, h = e->height;
    for (int y = 0; y < e->coded_height; y++) {
        const uint8_t *src = pic->input.plane[0] + (ptrdiff_t)(y < h ? y : h - 1) * pic->input.stride[0];
        uint8_t *dst = d->y + (size_t)y * d->pitch_y;
        memcpy(dst, src, (size_t)w);
        memset(dst + w, src[w - 1], (size_t)(e->coded_width - w));
    }
}

static void copy_chroma(const vaapi_encoder *e, const hal_picture *pic, const nv12_dst *d)
{
    int cw = e->width / 2, ch = e->height / 2;
    int nv12 = pic->input.plane[2] == NULL;
    for (int y = 0; y < e->coded_height / 2; y++) {
        int sy = y < ch ? y : ch - 1;
        uint8_t *dst = d->uv + (size_t)y * d->pitch_uv;
        if (nv12) {
            memcpy(dst, pic->input.plane[1] + (ptrdiff_t)sy * pic->input.stride[1], (size_t)cw * 2);
        } else {
            const uint8_t *u = pic->input.plane[1] + (ptrdiff_t)sy * pic->input.stride[1];
            const uint8_t *v = pic->input.plane[2] + (ptrdiff_t)sy * pic->input.stride[2];
            for (int x = 0; x < cw; x++) {
                dst[2 * x] = u[x];
                dst[2 * x + 1] = v[x];
            }
        }
        for (int x = cw; x < e->coded_width / 2; x++) {
            dst[2 * x] = dst[2 * cw - 2];
            dst[2 * x + 1] = dst[2 * cw - 1];
        }
    }
}

/* The image must hold the coded size in NV12; a driver that says
 * otherwise would have us write out of its buffer. */
static int image_fits(const vaapi_encoder *e, const VAImage *im)
{
    if (im->format.fourcc != VA_FOURCC_NV12 || im->num_planes < 2 || im->width < e->coded_width ||
        im->height < e->coded_height || im->pitches[0] < (uint32_t)e->coded_width ||
        im->pitches[1] < (uint32_t)e->coded_width)
        return 0;
    uint64_t end_y = (uint64_t)im->offsets[0] + (uint64_t)im->pitches[0] * (uint64_t)e->coded_height;
    uint64_t end_uv = (uint64_t)im->offsets[1] + (uint64_t)im->pitches[1] * (uint64_t)(e->coded_height / 2);
    return end_y <= im->data_size && end_uv <= im->data_size;
}

static int fill_image(vaapi_encoder *e, const VAImage *im, const hal_picture *pic, char *err, size_t err_size)
{
    void *map = NULL;
    VAStatus st = e->dev.va.vaMapBuffer(e->dev.display, im->buf, &map);
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(&e->dev, st, "vaMapBuffer of the upload image", err, err_size);
        return HWENC_EBACKEND;
    }
    nv12_dst d = {
        .y = (uint8_t *)map + im->offsets[0],
        .uv = (uint8_t *)map + im->offsets[1],
        .pitch_y = im->pitches[0],
        .pitch_uv = im->pitches[1],
    };
    copy_luma(e, pic, &d);
    copy_chroma(e, pic, &d);
    st = e->dev.va.vaUnmapBuffer(e->dev.display, im->buf);
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(&e->dev, st, "vaUnmapBuffer of the upload image", err, err_size);
        return HWENC_EBACKEND;
    }
    return 0;
}

/* Returns 1 when the frame went in through a derived image, 0 when
 * deriving is not possible (then never tried again), negative on errors. */
static int upload_derived(vaapi_encoder *e, VASurfaceID surface, const hal_picture *pic, char *err, size_t err_size)
{
    VAImage im;
    if (e->dev.va.vaDeriveImage(e->dev.display, surface, &im) != VA_STATUS_SUCCESS) {
        e->derive_broken = 1;
        return 0;
    }
    int ret = 0;
    if (image_fits(e, &im))
        ret = fill_image(e, &im, pic, err, err_size) < 0 ? HWENC_EBACKEND : 1;
    else
        e->derive_broken = 1;
    e->dev.va.vaDestroyImage(e->dev.display, im.image_id);
    return ret;
}

static int upload_put(vaapi_encoder *e, VASurfaceID surface, const hal_picture *pic, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    VAStatus st;
    if (e->image.image_id == VA_INVALID_ID) {
        st = va->vaCreateImage(e->dev.display, &e->nv12, e->coded_width, e->coded_height, &e->image);
        if (st != VA_STATUS_SUCCESS) {
            e->image.image_id = VA_INVALID_ID;
            vaapi_error(&e->dev, st, "vaCreateImage (NV12, after vaDeriveImage was refused)", err, err_size);
            return HWENC_EBACKEND;
        }
        if (!image_fits(e, &e->image)) {
            snprintf(err, err_size, "the VA driver made an NV12 image too small for %dx%d", e->coded_width,
                     e->coded_height);
            return HWENC_EBACKEND;
        }
    }
    int ret = fill_image(e, &e->image, pic, err, err_size);
    if (ret < 0)
        return ret;
    st = va->vaPutImage(e->dev.display, surface, e->image.image_id, 0, 0, (unsigned)e->coded_width,
                        (unsigned)e->coded_height, 0, 0, (unsigned)e->coded_width, (unsigned)e->coded_height);
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(&e->dev, st, "vaPutImage", err, err_size);
        return HWENC_EBACKEND;
    }
    return 0;
}

int vaapi_upload(vaapi_encoder *e, VASurfaceID surface, const hal_picture *pic, char *err, size_t err_size)
{
    if (!e->derive_broken) {
        int ret = upload_derived(e, surface, pic, err, err_size);
        if (ret != 0)
            return ret < 0 ? ret : 0;
    }
    return upload_put(e, surface, pic, err, err_size);
}
