/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/reorder.h"

static size_t frame_bytes(int width, int height)
{
    return (size_t)width * (size_t)height * 3 / 2;
}

int reorder_init(reorder_queue *q, int bframes, int width, int height)
{
    memset(q, 0, sizeof(*q));
    q->bframes = bframes;
    q->capacity = bframes + 1;
    q->frames = calloc((size_t)q->capacity, sizeof(*q->frames));
    q->waiting = calloc((size_t)q->capacity, sizeof(int));
    q->coding = calloc((size_t)q->capacity, sizeof(int));
    q->free_list = calloc((size_t)q->capacity, sizeof(int));
    if (!q->frames || !q->waiting || !q->coding || !q->free_list)
        return HWENC_ENOMEM;
    for (int i = 0; i < q->capacity; i++) {
        if (!(q->frames[i].buffer = malloc(frame_bytes(width, height))))
            return HWENC_ENOMEM;
        q->free_list[q->free_count++] = i;
    }
    return 0;
}

void reorder_free(reorder_queue *q)
{
    for (int i = 0; q->frames && i < q->capacity; i++)
        free(q->frames[i].buffer);
    free(q->frames);
    free(q->waiting);
    free(q->coding);
    free(q->free_list);
    memset(q, 0, sizeof(*q));
}

int reorder_can_take(const reorder_queue *q)
{
    return q->coding_next == q->coding_count && q->free_count > 0;
}

static void copy_plane(uint8_t *dst, int dst_stride, const uint8_t *src, ptrdiff_t src_stride, int width, int rows)
{
    for (int y = 0; y < rows; y++)
        memcpy(dst + (size_t)y * (size_t)dst_stride, src + y * src_stride, (size_t)width);
}

void reorder_take(reorder_queue *q, const hwenc_frame *frame, int width, int height,
                  enum hwenc_pixel_format format, int64_t display_index, const frame_cost *cost)
{
    int index = q->free_list[--q->free_count];
    reorder_frame *f = &q->frames[index];
    uint8_t *luma = f->buffer, *chroma = luma + (size_t)width * (size_t)height;
    copy_plane(luma, width, frame->plane[0], frame->stride[0], width, height);
    f->plane[0] = luma;
    f->stride[0] = width;
    if (format == HWENC_PIXFMT_NV12) {
        copy_plane(chroma, width, frame->plane[1], frame->stride[1], width, height / 2);
        f->plane[1] = chroma;
        f->stride[1] = width;
        f->plane[2] = NULL;
        f->stride[2] = 0;
    } else {
        size_t chroma_size = (size_t)(width / 2) * (size_t)(height / 2);
        for (int p = 1; p < 3; p++) {
            copy_plane(chroma + (size_t)(p - 1) * chroma_size, width / 2, frame->plane[p], frame->stride[p],
                       width / 2, height / 2);
            f->plane[p] = chroma + (size_t)(p - 1) * chroma_size;
            f->stride[p] = width / 2;
        }
    }
    f->pts = frame->pts;
    f->display_index = display_index;
    f->force_idr = frame->force_idr;
    f->cost = *cost;
    q->waiting[q->waiting_count++] = index;
}

static void schedule(reorder_queue *q, int waiting_pos, enum hwenc_frame_type type)
{
    int index = q->waiting[waiting_pos];
    q->frames[index].type = type;
    q->coding[q->coding_count++] = index;
}

void reorder_decide(reorder_queue *q, const gop_state *g, int flushing)
{
    if (q->coding_next < q->coding_count || !q->waiting_count)
        return;
    q->coding_count = q->coding_next = 0;
    /* The IDR decision of a frame depends on the last IDR before it, which
     * the GOP state knows because every earlier picture has been planned. */
    int idr_at = -1;
    for (int i = 0; i < q->waiting_count && idr_at < 0; i++) {
        const reorder_frame *f = &q->frames[q->waiting[i]];
        if (gop_wants_idr(g, f->display_index, f->force_idr, &f->cost))
            idr_at = i;
    }
    int run;
    if (idr_at == 0) {
        schedule(q, 0, HWENC_FRAME_IDR);
        run = 1;
    } else {
        if (idr_at > 0)
            run = idr_at;
        else if (q->waiting_count == q->capacity || flushing)
            run = q->waiting_count;
        else
            return;
        schedule(q, run - 1, HWENC_FRAME_P);
        for (int i = 0; i < run - 1; i++)
            schedule(q, i, HWENC_FRAME_B);
    }
    q->waiting_count -= run;
    memmove(q->waiting, q->waiting + run, sizeof(int) * (size_t)q->waiting_count);
}

const reorder_frame *reorder_peek(const reorder_queue *q)
{
    return q->coding_next < q->coding_count ? &q->frames[q->coding[q->coding_next]] : NULL;
}

void reorder_pop(reorder_queue *q)
{
    q->free_list[q->free_count++] = q->coding[q->coding_next++];
}

int reorder_empty(const reorder_queue *q)
{
    return q->coding_next == q->coding_count && !q->waiting_count;
}
