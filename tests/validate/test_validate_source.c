/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The input of `hwenc validate` (tools/validate_source.c): each generated
 * frame carries its index, and the order check reads it back from the
 * decoded picture. The marks must survive the coarsest quantiser (every
 * frame coded at QP 51 by the CPU backend and decoded by libavcodec), tell
 * every frame from every other, and the pan must really move.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/check.h"
#include "tools/media/decode.h"
#include "tools/validate.h"

#define W 160
#define H 128
#define FRAMES 40

typedef struct read_back {
    const validate_source *src;
    int pictures;
} read_back;

static int on_picture(void *opaque, const media_picture *pic)
{
    read_back *rb = opaque;
    int shown = validate_source_read_index(rb->src, pic->plane[0], pic->stride[0]);
    REQUIRE(shown == pic->index, "decoded picture %d shows index %d", pic->index, shown);
    rb->pictures++;
    return 0;
}

int main(void)
{
    validate_source src;
    char err[256];
    REQUIRE(validate_source_generate(&src, W, H, FRAMES, err, sizeof(err)) == 0, "%s", err);
    static uint8_t frame[W * H * 3 / 2], previous[W * H * 3 / 2];
    for (int i = 0; i < FRAMES; i++) {
        validate_source_frame(&src, i, frame);
        REQUIRE(validate_source_read_index(&src, frame, W) == i, "source frame %d", i);
        /* Away from the marks (the top 64 rows), the picture moves. */
        REQUIRE(!i || memcmp(frame + 64 * W, previous + 64 * W, W * (H - 64)), "frames %d and %d are alike", i - 1, i);
        memcpy(previous, frame, sizeof(frame));
    }

    /* Coded at QP 51, B frames and all, the marks still read. */
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_CPU;
    cfg.width = W;
    cfg.height = H;
    cfg.qp = 51;
    cfg.bframes = 2;
    hwenc_encoder *enc;
    REQUIRE(hwenc_open_ex(&cfg, &enc, err, sizeof(err)) == 0, "%s", err);
    uint8_t *stream = NULL;
    size_t size = 0;
    hwenc_packet pkt;
    for (int i = 0; i <= FRAMES; i++) {
        validate_source_frame(&src, i < FRAMES ? i : 0, frame);
        hwenc_frame f = { .plane = { frame, frame + W * H, frame + W * H * 5 / 4 }, .stride = { W, W / 2, W / 2 },
                          .pts = i };
        REQUIRE(hwenc_send_frame(enc, i < FRAMES ? &f : NULL) == 0, "send %d: %s", i, hwenc_last_error(enc));
        while (hwenc_receive_packet(enc, &pkt) == 0) {
            stream = realloc(stream, size + pkt.size);
            REQUIRE(stream, "out of memory");
            memcpy(stream + size, pkt.data, pkt.size);
            size += pkt.size;
        }
    }
    hwenc_close(enc);
    read_back rb = { .src = &src };
    media_decode_options opt = { .quiet = 1 };
    REQUIRE(media_decode_h264(stream, size, &opt, on_picture, &rb, err, sizeof(err)) == FRAMES && rb.pictures == FRAMES,
            "decode: %s", err);
    free(stream);
    validate_source_free(&src);
    printf("validate_source: ok\n");
    return 0;
}
