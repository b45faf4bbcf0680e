/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "hw/core/mailbox.h"

size_t hal_mailbox_start(hal_mailbox *m, const hal_picture *pic, uint8_t *out, const uint8_t *headers,
                         size_t headers_size)
{
    size_t pos = 0;
    if (pic->type == HWENC_FRAME_IDR && headers_size) {
        memcpy(out, headers, headers_size);
        pos = headers_size;
    }
    memset(&m->pkt, 0, sizeof(m->pkt));
    m->pkt.data = out;
    m->pkt.size = pos;
    m->pkt.pts = pic->pts;
    m->pkt.display_index = pic->display_index;
    m->pkt.type = pic->type;
    return pos;
}

int hal_mailbox_full(const hal_mailbox *m)
{
    return m->full;
}

void hal_mailbox_post(hal_mailbox *m)
{
    m->full = 1;
}

int hal_mailbox_receive(hal_mailbox *m, int drain, hal_packet *pkt)
{
    if (!m->full)
        return drain ? HWENC_EOF : HWENC_EAGAIN;
    *pkt = m->pkt;
    m->full = 0;
    return 0;
}
