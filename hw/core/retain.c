/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/retain.h"

void retain_init(retain_queue *q, int width, int height, enum hwenc_pixel_format format)
{
    memset(q, 0, sizeof(*q));
    q->width = width;
    q->height = height;
    q->format = format;
}

void retain_free(retain_queue *q)
{
    for (int i = 0; i < q->capacity; i++)
        free(q->frames[i].buffer);
    free(q->frames);
    memset(q, 0, sizeof(*q));
}

/* Doubles the ring, unrolled so that head is 0 again. */
static int grow(retain_queue *q)
{
    int capacity = q->capacity ? 2 * q->capacity : 8;
    retained_frame *frames = calloc((size_t)capacity, sizeof(*frames));
    if (!frames)
        return HWENC_ENOMEM;
    for (int i = 0; i < q->capacity; i++)
        frames[i] = q->frames[(q->head + i) % q->capacity];
    free(q->frames);
    q->frames = frames;
    q->head = 0;
    q->capacity = capacity;
    return 0;
}

static void copy_plane(uint8_t *dst, int width, const uint8_t *src, ptrdiff_t stride, int rows)
{
    for (int y = 0; y < rows; y++)
        memcpy(dst + (size_t)y * (size_t)width, src + y * stride, (size_t)width);
}

int retain_push(retain_queue *q, const hwenc_frame *frame, const frame_cost *cost)
{
    if (q->count == q->capacity && grow(q) < 0)
        return HWENC_ENOMEM;
    retained_frame *r = &q->frames[(q->head + q->count) % q->capacity];
    size_t luma = (size_t)q->width * (size_t)q->height;
    if (!r->buffer && !(r->buffer = malloc(luma * 3 / 2)))
        return HWENC_ENOMEM;
    memset(&r->frame, 0, sizeof(r->frame));
    copy_plane(r->buffer, q->width, frame->plane[0], frame->stride[0], q->height);
    r->frame.plane[0] = r->buffer;
    r->frame.stride[0] = q->width;
    if (q->format == HWENC_PIXFMT_NV12) {
        copy_plane(r->buffer + luma, q->width, frame->plane[1], frame->stride[1], q->height / 2);
        r->frame.plane[1] = r->buffer + luma;
        r->frame.stride[1] = q->width;
    } else {
        for (int p = 1; p < 3; p++) {
            uint8_t *dst = r->buffer + luma + (size_t)(p - 1) * (luma / 4);
            copy_plane(dst, q->width / 2, frame->plane[p], frame->stride[p], q->height / 2);
            r->frame.plane[p] = dst;
            r->frame.stride[p] = q->width / 2;
        }
    }
    r->frame.pts = frame->pts;
    r->frame.force_idr = frame->force_idr;
    r->cost = *cost;
    q->count++;
    return 0;
}

const retained_frame *retain_get(const retain_queue *q, int64_t display_index)
{
    return &q->frames[(q->head + (int)(display_index - q->first)) % q->capacity];
}

void retain_drop_before(retain_queue *q, int64_t display_index)
{
    while (q->count && q->first < display_index) {
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        q->first++;
    }
}

void hold_init(packet_hold *h, int width, int height, int with_recon)
{
    memset(h, 0, sizeof(*h));
    h->width = width;
    h->height = height;
    h->with_recon = with_recon;
}

void hold_free(packet_hold *h)
{
    for (int i = 0; i < h->capacity; i++) {
        free(h->packets[i].data);
        free(h->packets[i].recon);
    }
    free(h->packets);
    memset(h, 0, sizeof(*h));
}

static int copy_recon(packet_hold *h, held_packet *p, const hal_packet *pkt)
{
    size_t luma = (size_t)h->width * (size_t)h->height;
    if (!p->recon && !(p->recon = malloc(luma * 3 / 2)))
        return HWENC_ENOMEM;
    uint8_t *dst = p->recon;
    for (int plane = 0; plane < 3; plane++) {
        int w = plane ? h->width / 2 : h->width, rows = plane ? h->height / 2 : h->height;
        copy_plane(dst, w, pkt->recon[plane], pkt->recon_stride[plane], rows);
        p->pkt.recon[plane] = dst;
        p->pkt.recon_stride[plane] = w;
        dst += (size_t)w * (size_t)rows;
    }
    return 0;
}

static int copy_in(packet_hold *h, const hal_packet *pkt)
{
    if (h->count == h->capacity) {
        int capacity = h->capacity ? 2 * h->capacity : 4;
        held_packet *packets = realloc(h->packets, sizeof(*packets) * (size_t)capacity);
        if (!packets)
            return HWENC_ENOMEM;
        memset(packets + h->capacity, 0, sizeof(*packets) * (size_t)(capacity - h->capacity));
        h->packets = packets;
        h->capacity = capacity;
    }
    held_packet *p = &h->packets[h->count];
    if (p->data_alloc < pkt->size) {
        uint8_t *data = realloc(p->data, pkt->size);
        if (!data)
            return HWENC_ENOMEM;
        p->data = data;
        p->data_alloc = pkt->size;
    }
    memcpy(p->data, pkt->data, pkt->size);
    p->pkt = *pkt;
    p->pkt.data = p->data;
    memset(p->pkt.recon, 0, sizeof(p->pkt.recon));
    memset(p->pkt.recon_stride, 0, sizeof(p->pkt.recon_stride));
    if (h->with_recon && pkt->recon[0] && copy_recon(h, p, pkt) < 0)
        return HWENC_ENOMEM;
    h->count++;
    return 0;
}

int hold_push(packet_hold *h, const hal_packet *pkt)
{
    if (h->next == h->count && pkt->display_index == h->prefix) {
        h->next = h->count = h->releasable = 0;
        h->prefix++;
        return 1;
    }
    if (h->next == h->count)
        h->next = h->count = h->releasable = 0;
    int ret = copy_in(h, pkt);
    if (ret < 0)
        return ret;
    /* Each frame comes back once (the packet check sees to it), so the
     * held packets cover a prefix when the highest of them closes it. */
    int64_t highest = -1;
    for (int i = h->releasable; i < h->count; i++)
        if (h->packets[i].pkt.display_index > highest)
            highest = h->packets[i].pkt.display_index;
    if (highest == h->prefix + (h->count - h->releasable) - 1) {
        h->prefix = highest + 1;
        h->releasable = h->count;
    }
    return 0;
}

const hal_packet *hold_next(packet_hold *h)
{
    return h->next < h->releasable ? &h->packets[h->next++].pkt : NULL;
}

void hold_discard(packet_hold *h)
{
    h->count = h->releasable;
}
