/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Frame-type decisions and reference bookkeeping shared by all backends and
 * codecs: IDR placement (first frame, keyint, forced, scene cut), POC, the
 * DPB as a sliding window of short-term references, slot assignment and the
 * default reference lists. The syntax these imply is the codec part's
 * (h264/picture.h).
 */
#ifndef HWENC_HAL_GOP_H
#define HWENC_HAL_GOP_H

#include "hw/core/hal.h"

typedef struct gop_state {
    int keyint;                  /* <= 0: only the first picture is IDR */
    int max_refs;                /* list 0 entries; 0: every picture is intra */
    int window;                  /* max_num_ref_frames: the sliding window (8.2.5.3) */
    int dpb_slots;
    int poc_step;                /* POC units per frame: 2 in H.264, which counts fields */
    int scenecut;                /* 0..100 */
    int min_keyint;

    int64_t frames;              /* pictures planned so far */
    int64_t last_idr;            /* display index of the last IDR */
    int num_refs;
    hal_reference refs[H264_MAX_REFS]; /* most recent first */
} gop_state;

/* window: the references the DPB keeps (the SPS's max_num_ref_frames). */
void gop_init(gop_state *g, const hwenc_config *cfg, int window, int dpb_slots, int max_refs, int poc_step);
/* Whether the frame at display_index must be an IDR: the first frame, a
 * forced one, the end of the keyint, or a scene cut. A frame starts a new
 * scene when predicting it from the previous frame costs nearly as much as
 * coding it alone, with a margin that grows with the distance from the last
 * IDR. */
int gop_wants_idr(const gop_state *g, int64_t display_index, int force, const frame_cost *cost);
/* Describes the picture of display_index coded next, as type (IDR, P or B;
 * P becomes I when the backend takes no references), without changing the
 * state, so that a backend that refuses the picture (EAGAIN) sees the same
 * plan again. B pictures are not references; they predict from the
 * references before them (list 0, nearest first) and the one after them
 * (list 1), which must already be coded. */
void gop_plan(const gop_state *g, enum hwenc_frame_type type, int64_t display_index, hal_picture *pic);
/* Records a picture the backend accepted. */
void gop_commit(gop_state *g, const hal_picture *pic);

#endif
