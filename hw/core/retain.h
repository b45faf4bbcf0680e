/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What mid-stream failover (hwenc_config.failover) keeps so that another
 * backend can take over without losing or repeating a frame:
 *
 *  - copies of every frame given to the backend whose packet has not yet
 *    been handed out (the caller may reuse its buffers once
 *    hwenc_send_frame returns), in display order;
 *  - packets held back until those handed out cover a display-order
 *    prefix of the frames: an anchor coded before its B pictures waits for
 *    them. The frames not yet handed out are then always the tail of the
 *    display order, so the replacement starts with an IDR at the first of
 *    them and the caller's stream stays decodable and in order.
 */
#ifndef HWENC_HAL_RETAIN_H
#define HWENC_HAL_RETAIN_H

#include "hw/core/hal.h"

typedef struct retained_frame {
    uint8_t *buffer;
    hwenc_frame frame;           /* planes in buffer, pts, force_idr */
    frame_cost cost;
} retained_frame;

typedef struct retain_queue {
    int width, height;
    enum hwenc_pixel_format format;
    retained_frame *frames;      /* a ring of capacity entries from head */
    int capacity, head, count;
    int64_t first;               /* display index of the frame at head */
} retain_queue;

void retain_init(retain_queue *q, int width, int height, enum hwenc_pixel_format format);
void retain_free(retain_queue *q);
/* Copies frame in as display index first + count. 0 or HWENC_ENOMEM. */
int retain_push(retain_queue *q, const hwenc_frame *frame, const frame_cost *cost);
/* The frame of display_index, which must be retained. */
const retained_frame *retain_get(const retain_queue *q, int64_t display_index);
/* Forgets the frames before display_index (their packets are out). */
void retain_drop_before(retain_queue *q, int64_t display_index);

typedef struct held_packet {
    hal_packet pkt;              /* data (and recon) point into the buffers below */
    uint8_t *data, *recon;
    size_t data_alloc;
} held_packet;

typedef struct packet_hold {
    int width, height, with_recon;
    held_packet *packets;        /* in coding order */
    int capacity, count, next;   /* next: the first not yet handed out */
    int releasable;              /* packets from 0 that may be handed out */
    int64_t prefix;              /* frames handed out and releasable: a display-order prefix */
} packet_hold;

void hold_init(packet_hold *h, int width, int height, int with_recon);
void hold_free(packet_hold *h);
/* A checked packet from the backend: 1 when it continues the prefix and
 * nothing is held (hand it out as it is), else 0 after copying it in, or
 * HWENC_ENOMEM. */
int hold_push(packet_hold *h, const hal_packet *pkt);
/* The next packet that may be handed out, or NULL. */
const hal_packet *hold_next(packet_hold *h);
/* Forgets the held packets that do not complete a prefix (their backend
 * failed; frames from prefix on are coded again). */
void hold_discard(packet_hold *h);

#endif
