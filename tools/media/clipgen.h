/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Deterministic synthetic test content. Every frame is a pure function of
 * (pattern, size, frame index, seed), so a test can regenerate any frame
 * without keeping the clip around, and a failure reproduces exactly.
 *
 * The moving patterns sample one continuous procedural texture (smooth
 * value noise in several octaves, fine detail, and anti-aliased sharp-edged
 * blocks), so a motion of 1.25 px per frame really is a sub-pixel motion and
 * not a rounded integer shift.
 */
#ifndef HWENC_MEDIA_CLIPGEN_H
#define HWENC_MEDIA_CLIPGEN_H

#include <stdint.h>

enum clipgen_pattern {
    /* Static: every frame is identical (frame_index is ignored). */
    CLIPGEN_GRADIENT_H,    /* luma 0..255 left to right, chroma ramps too */
    CLIPGEN_GRADIENT_V,    /* luma 0..255 top to bottom */
    CLIPGEN_GRADIENT_DIAG, /* luma 0..255 along the diagonal */
    CLIPGEN_CHECKER,       /* 7x7 black/white cells (not macroblock aligned), 5x5 chroma cells */
    CLIPGEN_TEXT,          /* dark 1-2 px glyph strokes on a light page, some coloured lines */
    CLIPGEN_FLAT_BANDS,    /* flat horizontal bands: Y 0, 255, 128, 16, 235 with extreme chroma */
    CLIPGEN_FLAT_0,        /* every sample 0 */
    CLIPGEN_FLAT_255,      /* every sample 255 */
    /* Changing every frame. */
    CLIPGEN_NOISE,         /* uniform noise in all planes, new each frame */
    CLIPGEN_QUADRANTS,     /* diagonal gradient | noise / text | panning texture */
    CLIPGEN_PAN,           /* texture panned by (+1.25, -0.75) px per frame */
    CLIPGEN_PAN_FAST,      /* texture panned by (+13.5, -6.25) px per frame */
    CLIPGEN_ZOOM,          /* texture zoomed in by 1% per frame about the centre */
    CLIPGEN_OBJECT,        /* textured disk (+3.5, +2.25 px/frame) and square (0, -2 px/frame)
                              crossing a static background, leaving and re-entering the frame */
    CLIPGEN_SCENE_CUTS,    /* PAN, with a different texture every 10 frames */
    CLIPGEN_PATTERN_COUNT
};

/* Short lower-case name ("pan", "gradient-h", ...), NULL if out of range. */
const char *clipgen_pattern_name(enum clipgen_pattern p);
/* Inverse of clipgen_pattern_name(); -1 if unknown. */
int clipgen_pattern_from_name(const char *name);

/* Writes one I420 frame: y is w x h with stride w, u and v are w/2 x h/2
 * with stride w/2. w and h must be even and positive. */
void clipgen_frame(enum clipgen_pattern p, int w, int h, int frame_index, uint32_t seed,
                   uint8_t *y, uint8_t *u, uint8_t *v);

/* The same into one tightly packed w * h * 3 / 2 buffer. */
void clipgen_frame_i420(enum clipgen_pattern p, int w, int h, int frame_index, uint32_t seed,
                        uint8_t *frame);

#endif
