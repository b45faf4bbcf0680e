/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The encoder's IDR placement without encoding: the same lowres analysis
 * (analysis.h) and the same rule (gop_wants_idr) the encoder applies to
 * every frame it is sent, so a planner can cut an input where the encoder
 * itself would start a new scene.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hw/core/analysis.h"
#include "hw/core/config.h"
#include "hw/core/gop.h"
#include "hwenc/hwenc.h"

struct hwenc_scene_detector {
    hwenc_config cfg;
    frame_analysis analysis;
    gop_state gop;
    int64_t frames;
};

int hwenc_scene_detector_open(const hwenc_config *cfg, hwenc_scene_detector **out, char *err, size_t err_size)
{
    *out = NULL;
    hwenc_scene_detector *d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, err_size, "out of memory");
        return HWENC_ENOMEM;
    }
    if (config_import(cfg, &d->cfg, err, err_size) < 0 || config_validate(&d->cfg, err, err_size) < 0) {
        free(d);
        return HWENC_EINVAL;
    }
    if (frame_analysis_init(&d->analysis, d->cfg.width, d->cfg.height, d->cfg.cpu_level) < 0) {
        free(d);
        snprintf(err, err_size, "out of memory");
        return HWENC_ENOMEM;
    }
    /* Only the IDR rule is used: references and POC play no part in it. */
    gop_init(&d->gop, &d->cfg, 1, 2, 1, 2);
    *out = d;
    return 0;
}

int hwenc_scene_detector_push(hwenc_scene_detector *d, const hwenc_frame *frame)
{
    if (!d || !frame || !frame->plane[0] || frame->stride[0] < d->cfg.width)
        return HWENC_EINVAL;
    frame_cost cost;
    frame_analysis_run(&d->analysis, frame->plane[0], frame->stride[0], d->cfg.width, d->cfg.height, NULL, NULL,
                       &cost);
    int idr = gop_wants_idr(&d->gop, d->frames, frame->force_idr, &cost);
    if (idr)
        d->gop.last_idr = d->frames;
    d->gop.frames++;
    d->frames++;
    return idr;
}

void hwenc_scene_detector_close(hwenc_scene_detector *d)
{
    if (!d)
        return;
    frame_analysis_free(&d->analysis);
    free(d);
}
