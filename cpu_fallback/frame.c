/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Padded frame buffers and source loading.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int cpu_frame_alloc(cpu_frame *f, int mb_width, int mb_height, int with_hpel)
{
    memset(f, 0, sizeof(*f));
    size_t offsets[6], total = 0;
    int planes = with_hpel ? 6 : 3;
    for (int p = 0; p < planes; p++) {
        int chroma = p == 1 || p == 2;
        int pad = chroma ? FRAME_PAD_CHROMA : FRAME_PAD_LUMA;
        int w = chroma ? mb_width * 8 : mb_width * 16;
        int h = chroma ? mb_height * 8 : mb_height * 16;
        /* Round the stride to 64 bytes so rows start aligned for SIMD. */
        ptrdiff_t stride = ((ptrdiff_t)w + 2 * pad + 63) & ~(ptrdiff_t)63;
        if (p < 3) {
            f->width[p] = w;
            f->height[p] = h;
            f->stride[p] = stride;
        }
        offsets[p] = total + (size_t)pad * (size_t)stride + (size_t)pad;
        total += (size_t)stride * (size_t)(h + 2 * pad);
    }
    f->buffer = aligned_alloc(64, (total + 63) & ~(size_t)63);
    if (!f->buffer)
        return -1;
    memset(f->buffer, 0, total);
    for (int p = 0; p < 3; p++)
        f->plane[p] = f->buffer + offsets[p];
    for (int p = 3; p < planes; p++)
        f->hpel[p - 3] = f->buffer + offsets[p];
    return 0;
}

void cpu_frame_free(cpu_frame *f)
{
    free(f->buffer);
    memset(f, 0, sizeof(*f));
}

/* Replicates column w-1 and row h-1 into the macroblock-alignment area. */
static void pad_plane(uint8_t *dst, ptrdiff_t dst_stride, int coded_w, int coded_h, int w, int h)
{
    for (int y = 0; y < h; y++) {
        uint8_t *d = dst + y * dst_stride;
        memset(d + w, d[w - 1], (size_t)(coded_w - w));
    }
    for (int y = h; y < coded_h; y++)
        memcpy(dst + y * dst_stride, dst + (h - 1) * dst_stride, (size_t)coded_w);
}

static void load_plane(uint8_t *dst, ptrdiff_t dst_stride, int coded_w, int coded_h,
                       const uint8_t *src, ptrdiff_t src_stride, int w, int h)
{
    for (int y = 0; y < h; y++)
        memcpy(dst + y * dst_stride, src + y * src_stride, (size_t)w);
    pad_plane(dst, dst_stride, coded_w, coded_h, w, h);
}

static void load_nv12_chroma(cpu_frame *f, const uint8_t *uv, ptrdiff_t uv_stride, int cw, int ch)
{
    for (int y = 0; y < ch; y++) {
        const uint8_t *s = uv + y * uv_stride;
        uint8_t *u = f->plane[1] + y * f->stride[1];
        uint8_t *v = f->plane[2] + y * f->stride[2];
        for (int x = 0; x < cw; x++) {
            u[x] = s[2 * x];
            v[x] = s[2 * x + 1];
        }
    }
    for (int p = 1; p < 3; p++)
        pad_plane(f->plane[p], f->stride[p], f->width[p], f->height[p], cw, ch);
}

void cpu_frame_load(cpu_frame *f, const cpu_picture *pic, int width, int height)
{
    load_plane(f->plane[0], f->stride[0], f->width[0], f->height[0], pic->plane[0], pic->stride[0], width, height);
    if (pic->nv12) {
        load_nv12_chroma(f, pic->plane[1], pic->stride[1], width / 2, height / 2);
        return;
    }
    for (int p = 1; p < 3; p++)
        load_plane(f->plane[p], f->stride[p], f->width[p], f->height[p], pic->plane[p], pic->stride[p],
                   width / 2, height / 2);
}
