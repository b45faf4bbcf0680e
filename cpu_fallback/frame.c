/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Padded frame buffers and source loading.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/internal.h"

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

/* One row of the coded area from source row y (rows past the picture
 * repeat its last row), with the last column replicated to the right. */
static void load_row(const cpu_frame *f, const cpu_picture *pic, int p, int y, int w, int h)
{
    int sy = y < h ? y : h - 1;
    uint8_t *d = f->plane[p] + y * f->stride[p];
    if (p && pic->nv12) {
        const uint8_t *s = pic->plane[1] + sy * pic->stride[1] + (p - 1);
        for (int x = 0; x < w; x++)
            d[x] = s[2 * x];
    } else {
        memcpy(d, pic->plane[p] + sy * pic->stride[p], (size_t)w);
    }
    memset(d + w, d[w - 1], (size_t)(f->width[p] - w));
}

void cpu_frame_load_rows(cpu_frame *f, const cpu_picture *pic, int width, int height, int mb_row0, int mb_row1)
{
    for (int p = 0; p < 3; p++) {
        int size = p ? 8 : 16, w = p ? width / 2 : width, h = p ? height / 2 : height;
        for (int y = mb_row0 * size; y < mb_row1 * size; y++)
            load_row(f, pic, p, y, w, h);
    }
}
