/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Region-of-interest QP offsets (hwenc_send_frame_roi): checks what the
 * caller gave, turns it into one offset per macroblock, keeps it with its
 * frame until the backend has coded it, and reduces it to the few
 * rectangles a region-based API (VA-API) takes.
 */
#ifndef HWENC_HAL_ROI_H
#define HWENC_HAL_ROI_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"

#define ROI_MAX_OFFSET 51
/* Most regions a backend may ask for (VA-API drivers report 4 to 32). */
#define ROI_MAX_REGIONS 64

/* A rectangle in whole macroblocks. */
typedef struct roi_region {
    int x, y, width, height;
    int qp_offset;
} roi_region;

/* What a backend gets with a picture (hal_picture.roi). */
typedef struct hal_roi {
    const int8_t *mb_offset;     /* mb_width * mb_height offsets, raster order, -51..51 */
    int mb_width, mb_height;
    /* For HWENC_ROI_REGIONS backends: at most caps.max_regions regions in
     * priority order (the first covering a macroblock wins). */
    const roi_region *regions;
    int num_regions;
} hal_roi;

/* Checks roi against a width x height picture; on error writes what is
 * wrong, naming the field, into err and returns HWENC_EINVAL. */
int roi_check(const hwenc_roi *roi, int width, int height, char *err, size_t err_size);

/* The offset of every macroblock of a checked roi into map (mb_width *
 * mb_height entries). */
void roi_fill_map(const hwenc_roi *roi, int mb_width, int mb_height, int8_t *map);

/* At most max regions (in whole macroblocks, priority order) that give the
 * map as nearly as they can: the caller's rectangles when it gave at most
 * max, else the map's runs of equal offsets, merged pairwise (the pair
 * whose bounding box adds the fewest macroblocks, with their area-weighted
 * mean offset) until max remain. Returns their number; *exact says
 * whether they reproduce the map. out has room for max. */
int roi_to_regions(const hwenc_roi *roi, const int8_t *map, int mb_width, int mb_height, int max, roi_region *out,
                   int *exact);

/* The frames' maps, by display index, until their pictures are coded. */
typedef struct roi_entry {
    int64_t display_index;
    int8_t *map;
    hwenc_roi_rect *rects;       /* the caller's, NULL when it gave a map */
    int num_rects;
} roi_entry;

typedef struct roi_store {
    int mb_width, mb_height;
    roi_entry *entries;
    int count, capacity;
    /* The picture being sent (roi_store_picture). */
    hal_roi pic;
    roi_region regions[ROI_MAX_REGIONS];
    int8_t *clamped;
} roi_store;

void roi_store_init(roi_store *s, int width, int height);
void roi_store_free(roi_store *s);
/* Copies a checked roi for the frame display_index. */
int roi_store_put(roi_store *s, int64_t display_index, const hwenc_roi *roi);
const roi_entry *roi_store_get(const roi_store *s, int64_t display_index);
void roi_store_drop(roi_store *s, int64_t display_index);
void roi_store_drop_before(roi_store *s, int64_t display_index);

/* The offsets of frame display_index as a backend with caps takes them,
 * valid until the next call; NULL when the frame has none or the backend
 * takes none. The first time a frame's offsets are not honoured exactly
 * (ignored, merged, clamped), says how in notice, unless notice already
 * says something; why is the backend's reason. */
const hal_roi *roi_store_picture(roi_store *s, int64_t display_index, const hwenc_roi_caps *caps,
                                 const char *backend, const char *why, char *notice, size_t notice_size);

#endif
