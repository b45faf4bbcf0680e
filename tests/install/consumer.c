/* Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A program outside the tree, built against an installed hwenc, as capture
 * software would: it encodes one grey frame and checks for an IDR packet. */
#include <stdio.h>
#include <string.h>

#include <hwenc/hwenc.h>

int main(void)
{
    static unsigned char y[64 * 64], uv[32 * 32];
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = cfg.height = 64;
    memset(y, 128, sizeof(y));
    memset(uv, 128, sizeof(uv));
    hwenc_encoder *enc;
    if (hwenc_open(&cfg, &enc) < 0)
        return 1;
    hwenc_frame f = { .plane = { y, uv, uv }, .stride = { 64, 32, 32 } };
    hwenc_packet pkt;
    int ok = hwenc_send_frame(enc, &f) == 0 && hwenc_receive_packet(enc, &pkt) == 0 && pkt.keyframe;
    hwenc_close(enc);
    printf("%s: hwenc %u\n", ok ? "ok" : "FAIL", hwenc_version());
    return ok ? 0 : 1;
}
