/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <string.h>

#include "hw/core/extradata.h"
#include "hw/h264/parse.h"

void extradata_update(stream_extradata *x, const uint8_t *au, size_t size)
{
    static const uint8_t start_code[4] = { 0, 0, 0, 1 };
    stream_extradata next = { .size = 0 };
    int have_sps = 0, have_pps = 0;
    size_t pos = 0;
    h264_nal nal;
    char err[128];
    while (h264_next_nal(au, size, &pos, &nal, err, sizeof(err)) > 0) {
        if (nal.nal_unit_type != 7 && nal.nal_unit_type != 8)
            continue;
        size_t n = nal.size + 1; /* with the NAL header */
        if (next.size + sizeof(start_code) + n > sizeof(next.data))
            return;
        memcpy(next.data + next.size, start_code, sizeof(start_code));
        memcpy(next.data + next.size + sizeof(start_code), nal.payload - 1, n);
        next.size += sizeof(start_code) + n;
        have_sps |= nal.nal_unit_type == 7;
        have_pps |= nal.nal_unit_type == 8;
    }
    if (have_sps && have_pps)
        *x = next;
}
