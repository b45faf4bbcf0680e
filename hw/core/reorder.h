/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * B-frame reordering. Input frames wait here (as copies) until their
 * mini-GOP is complete: up to bframes B frames followed by the P (or IDR)
 * frame they predict from. The mini-GOP then leaves in coding order, the
 * anchor first, its B frames after it in display order. An IDR decided
 * inside a waiting run cuts it short: the frame before the IDR becomes the
 * P frame, so that no B frame ever straddles an IDR.
 */
#ifndef HWENC_HAL_REORDER_H
#define HWENC_HAL_REORDER_H

#include "hw/core/gop.h"

typedef struct reorder_frame {
    uint8_t *buffer;
    const uint8_t *plane[3];
    ptrdiff_t stride[3];
    int64_t pts, display_index;
    int force_idr;
    frame_cost cost;
    enum hwenc_frame_type type;  /* once decided */
} reorder_frame;

typedef struct reorder_queue {
    int bframes;
    int capacity;                /* bframes + 1 */
    reorder_frame *frames;       /* capacity entries */
    /* Indices into frames: the waiting ones in display order, then the
     * decided ones in coding order. A frame is in at most one of them. */
    int *waiting, waiting_count;
    int *coding, coding_count, coding_next;
    int *free_list, free_count;
} reorder_queue;

int reorder_init(reorder_queue *q, int bframes, int width, int height);
void reorder_free(reorder_queue *q);
/* New input is taken only once the last mini-GOP has gone to the backend. */
int reorder_can_take(const reorder_queue *q);
/* Copies frame in (the caller has checked it) and queues it. */
void reorder_take(reorder_queue *q, const hwenc_frame *frame, int width, int height,
                  enum hwenc_pixel_format format, int64_t display_index, const frame_cost *cost);
/* Decides the next mini-GOP when the previous one has gone, from the GOP
 * state (which has seen every picture before it): when bframes + 1 frames
 * wait, when an IDR is due among them, or at the end of the stream. */
void reorder_decide(reorder_queue *q, const gop_state *g, int flushing);
/* The next frame in coding order, or NULL; pop it once the backend took it. */
const reorder_frame *reorder_peek(const reorder_queue *q);
void reorder_pop(reorder_queue *q);
int reorder_empty(const reorder_queue *q);

#endif
