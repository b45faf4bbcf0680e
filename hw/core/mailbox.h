/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What backends that finish each picture inside send_picture share (the CPU
 * encoder, Vulkan Video): a packet that starts with the picture's metadata
 * and, before an IDR, the parameter sets; and a mailbox that holds one such
 * packet until the core receives it. A backend with pictures in flight
 * (VA-API, NVENC) keeps its own queue.
 */
#ifndef HWENC_HAL_MAILBOX_H
#define HWENC_HAL_MAILBOX_H

#include "hw/core/hal.h"

typedef struct hal_mailbox {
    int full;
    hal_packet pkt;
} hal_mailbox;

/* Clears m's packet for pic, with pic's pts, display index and type, and
 * its data at out; for an IDR, copies the headers (parameter sets) there
 * first. Returns the bytes copied: the coded picture goes after them. */
size_t hal_mailbox_start(hal_mailbox *m, const hal_picture *pic, uint8_t *out, const uint8_t *headers,
                         size_t headers_size);
/* Whether a packet waits: send_picture then returns HWENC_EAGAIN. */
int hal_mailbox_full(const hal_mailbox *m);
/* The packet started and completed (size, qp, ...) is ready. */
void hal_mailbox_post(hal_mailbox *m);
/* hal_backend.receive_packet of such a backend. */
int hal_mailbox_receive(hal_mailbox *m, int drain, hal_packet *pkt);

#endif
