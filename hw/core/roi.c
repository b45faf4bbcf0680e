/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Region-of-interest offsets: checking, the per-macroblock map, the store
 * that keeps each frame's map until its picture is coded, and the
 * reduction to a region-based API's few rectangles.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/roi.h"

/* Beyond this many candidate rectangles, merging pairwise costs too much:
 * they are first gathered into one bounding box per offset value. */
#define ROI_MERGE_CANDIDATES 128

int roi_check(const hwenc_roi *roi, int width, int height, char *err, size_t err_size)
{
    if (roi->struct_size != sizeof(hwenc_roi)) {
        snprintf(err, err_size, "hwenc_roi.struct_size %u is not sizeof(hwenc_roi) %zu", (unsigned)roi->struct_size,
                 sizeof(hwenc_roi));
        return HWENC_EINVAL;
    }
    const size_t mbs = (size_t)((width + 15) / 16) * (size_t)((height + 15) / 16);
    if (roi->num_rects && roi->mb_qp_offsets) {
        snprintf(err, err_size, "hwenc_roi: give rects or mb_qp_offsets, not both");
        return HWENC_EINVAL;
    }
    if (roi->num_rects < 0 || (roi->num_rects && !roi->rects)) {
        snprintf(err, err_size, "hwenc_roi.num_rects %d needs as many hwenc_roi.rects", roi->num_rects);
        return HWENC_EINVAL;
    }
    for (int i = 0; i < roi->num_rects; i++) {
        const hwenc_roi_rect *r = &roi->rects[i];
        if (r->qp_offset < -ROI_MAX_OFFSET || r->qp_offset > ROI_MAX_OFFSET) {
            snprintf(err, err_size, "hwenc_roi.rects[%d].qp_offset %d is outside -51..51", i, r->qp_offset);
            return HWENC_EINVAL;
        }
        if (r->width <= 0 || r->height <= 0 || r->x < 0 || r->y < 0 || r->x > width - r->width ||
            r->y > height - r->height) {
            snprintf(err, err_size,
                     "hwenc_roi.rects[%d] (x %d, y %d, width %d, height %d) is not a non-empty rectangle inside "
                     "the %dx%d picture",
                     i, r->x, r->y, r->width, r->height, width, height);
            return HWENC_EINVAL;
        }
    }
    if (roi->mb_qp_offsets) {
        if (roi->mb_qp_offsets_size != mbs) {
            snprintf(err, err_size,
                     "hwenc_roi.mb_qp_offsets_size %zu is not the %zu macroblocks of a %dx%d picture "
                     "(%d x %d)",
                     roi->mb_qp_offsets_size, mbs, width, height, (width + 15) / 16, (height + 15) / 16);
            return HWENC_EINVAL;
        }
        for (size_t i = 0; i < mbs; i++)
            if (roi->mb_qp_offsets[i] < -ROI_MAX_OFFSET || roi->mb_qp_offsets[i] > ROI_MAX_OFFSET) {
                snprintf(err, err_size, "hwenc_roi.mb_qp_offsets[%zu] %d is outside -51..51", i,
                         roi->mb_qp_offsets[i]);
                return HWENC_EINVAL;
            }
    } else if (roi->mb_qp_offsets_size) {
        snprintf(err, err_size, "hwenc_roi.mb_qp_offsets_size %zu without mb_qp_offsets", roi->mb_qp_offsets_size);
        return HWENC_EINVAL;
    }
    return 0;
}

/* A pixel rectangle as the macroblocks it touches (as Intel's media-driver
 * maps VA-API ROI rectangles: left and top rounded down, right and bottom
 * up). */
static roi_region region_of_rect(const hwenc_roi_rect *r)
{
    int x0 = r->x / 16, y0 = r->y / 16;
    int x1 = (r->x + r->width + 15) / 16, y1 = (r->y + r->height + 15) / 16;
    return (roi_region){ x0, y0, x1 - x0, y1 - y0, r->qp_offset };
}

static void paint(const roi_region *regions, int count, int mb_width, int8_t *map)
{
    /* The first region covering a macroblock wins: paint the last first. */
    for (int i = count - 1; i >= 0; i--) {
        const roi_region *g = &regions[i];
        for (int y = g->y; y < g->y + g->height; y++)
            memset(map + (size_t)y * (size_t)mb_width + (size_t)g->x, (int8_t)g->qp_offset, (size_t)g->width);
    }
}

void roi_fill_map(const hwenc_roi *roi, int mb_width, int mb_height, int8_t *map)
{
    const size_t mbs = (size_t)mb_width * (size_t)mb_height;
    if (roi->mb_qp_offsets) {
        memcpy(map, roi->mb_qp_offsets, mbs);
        return;
    }
    memset(map, 0, mbs);
    for (int i = roi->num_rects - 1; i >= 0; i--) {
        roi_region g = region_of_rect(&roi->rects[i]);
        paint(&g, 1, mb_width, map);
    }
}

/* Runs of equal nonzero offsets, greedily: each as wide, then as tall, as
 * the map allows. */
static int map_runs(const int8_t *map, int mb_width, int mb_height, roi_region *out, int max)
{
    uint8_t *covered = calloc((size_t)mb_width * (size_t)mb_height, 1);
    int n = 0;
    if (!covered)
        return -1;
    for (int y = 0; y < mb_height && n <= max; y++)
        for (int x = 0; x < mb_width && n <= max; x++) {
            size_t i = (size_t)y * (size_t)mb_width + (size_t)x;
            int v = map[i];
            if (!v || covered[i])
                continue;
            int w = 1, h = 1;
            while (x + w < mb_width && map[i + (size_t)w] == v && !covered[i + (size_t)w])
                w++;
            for (int ok = 1; ok && y + h < mb_height; h += ok) {
                const size_t row = i + (size_t)h * (size_t)mb_width;
                for (int k = 0; k < w && ok; k++)
                    ok = map[row + (size_t)k] == v && !covered[row + (size_t)k];
            }
            for (int r = 0; r < h; r++)
                memset(covered + i + (size_t)r * (size_t)mb_width, 1, (size_t)w);
            if (n < max)
                out[n] = (roi_region){ x, y, w, h, v };
            n++;
        }
    free(covered);
    return n;
}

/* One bounding box per offset value, smallest first (small, specific
 * regions take priority over broad ones). */
static int value_boxes(const int8_t *map, int mb_width, int mb_height, roi_region *out)
{
    int n = 0;
    for (int v = -ROI_MAX_OFFSET; v <= ROI_MAX_OFFSET; v++) {
        int x0 = mb_width, y0 = mb_height, x1 = -1, y1 = -1;
        for (int y = 0; y < mb_height; y++)
            for (int x = 0; x < mb_width; x++)
                if (v && map[(size_t)y * (size_t)mb_width + (size_t)x] == v) {
                    x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
                }
        if (x1 >= 0)
            out[n++] = (roi_region){ x0, y0, x1 - x0 + 1, y1 - y0 + 1, v };
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && out[j].width * out[j].height < out[j - 1].width * out[j - 1].height; j--) {
            roi_region t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

static roi_region bounding(const roi_region *a, const roi_region *b)
{
    int x0 = a->x < b->x ? a->x : b->x, y0 = a->y < b->y ? a->y : b->y;
    int x1 = a->x + a->width > b->x + b->width ? a->x + a->width : b->x + b->width;
    int y1 = a->y + a->height > b->y + b->height ? a->y + a->height : b->y + b->height;
    return (roi_region){ x0, y0, x1 - x0, y1 - y0, 0 };
}

/* Merges pairs until max regions remain: each time the pair whose
 * bounding box adds the fewest macroblocks, into the earlier one's place,
 * with their offsets' area-weighted mean. */
static int merge_down(roi_region *g, int n, int max)
{
    while (n > max) {
        int bi = 0, bj = 1;
        long best = LONG_MAX;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                roi_region b = bounding(&g[i], &g[j]);
                long added = (long)b.width * b.height - (long)g[i].width * g[i].height -
                             (long)g[j].width * g[j].height;
                if (added < best)
                    best = added, bi = i, bj = j;
            }
        long ai = (long)g[bi].width * g[bi].height, aj = (long)g[bj].width * g[bj].height;
        long sum = g[bi].qp_offset * ai + g[bj].qp_offset * aj, area = ai + aj;
        roi_region m = bounding(&g[bi], &g[bj]);
        m.qp_offset = (int)((sum + (sum < 0 ? -area / 2 : area / 2)) / area);
        g[bi] = m;
        memmove(&g[bj], &g[bj + 1], (size_t)(n - bj - 1) * sizeof(*g));
        n--;
    }
    return n;
}

int roi_to_regions(const hwenc_roi *roi, const int8_t *map, int mb_width, int mb_height, int max, roi_region *out,
                   int *exact)
{
    *exact = 0;
    if (max <= 0)
        return 0;
    roi_region cand[ROI_MERGE_CANDIDATES];
    int n;
    if (roi->num_rects && roi->num_rects <= ROI_MERGE_CANDIDATES) {
        for (n = 0; n < roi->num_rects; n++)
            cand[n] = region_of_rect(&roi->rects[n]);
    } else {
        n = map_runs(map, mb_width, mb_height, cand, ROI_MERGE_CANDIDATES);
        if (n < 0 || n > ROI_MERGE_CANDIDATES)
            n = value_boxes(map, mb_width, mb_height, cand);
    }
    n = merge_down(cand, n, max);
    memcpy(out, cand, (size_t)n * sizeof(*out));

    const size_t mbs = (size_t)mb_width * (size_t)mb_height;
    int8_t *painted = calloc(mbs, 1);
    if (painted) {
        paint(out, n, mb_width, painted);
        *exact = !memcmp(painted, map, mbs);
        free(painted);
    }
    return n;
}

void roi_store_init(roi_store *s, int width, int height)
{
    memset(s, 0, sizeof(*s));
    s->mb_width = (width + 15) / 16;
    s->mb_height = (height + 15) / 16;
}

static void entry_free(roi_entry *e)
{
    free(e->map);
    free(e->rects);
}

void roi_store_free(roi_store *s)
{
    for (int i = 0; i < s->count; i++)
        entry_free(&s->entries[i]);
    free(s->entries);
    free(s->clamped);
    memset(s, 0, sizeof(*s));
}

int roi_store_put(roi_store *s, int64_t display_index, const hwenc_roi *roi)
{
    if (s->count == s->capacity) {
        int cap = s->capacity ? 2 * s->capacity : 8;
        roi_entry *e = realloc(s->entries, (size_t)cap * sizeof(*e));
        if (!e)
            return HWENC_ENOMEM;
        s->entries = e;
        s->capacity = cap;
    }
    roi_entry e = { .display_index = display_index, .num_rects = roi->num_rects };
    e.map = malloc((size_t)s->mb_width * (size_t)s->mb_height);
    if (roi->num_rects)
        e.rects = malloc((size_t)roi->num_rects * sizeof(*e.rects));
    if (!e.map || (roi->num_rects && !e.rects)) {
        entry_free(&e);
        return HWENC_ENOMEM;
    }
    roi_fill_map(roi, s->mb_width, s->mb_height, e.map);
    if (roi->num_rects)
        memcpy(e.rects, roi->rects, (size_t)roi->num_rects * sizeof(*e.rects));
    s->entries[s->count++] = e;
    return 0;
}

const roi_entry *roi_store_get(const roi_store *s, int64_t display_index)
{
    for (int i = 0; i < s->count; i++)
        if (s->entries[i].display_index == display_index)
            return &s->entries[i];
    return NULL;
}

static void drop_where(roi_store *s, int64_t index, int before)
{
    int n = 0;
    for (int i = 0; i < s->count; i++) {
        roi_entry *e = &s->entries[i];
        if (before ? e->display_index < index : e->display_index == index)
            entry_free(e);
        else
            s->entries[n++] = *e;
    }
    s->count = n;
}

void roi_store_drop(roi_store *s, int64_t display_index)
{
    drop_where(s, display_index, 0);
}

void roi_store_drop_before(roi_store *s, int64_t display_index)
{
    drop_where(s, display_index, 1);
}

static hwenc_roi entry_request(const roi_entry *e, size_t mbs)
{
    hwenc_roi r = { .struct_size = sizeof(r), .rects = e->rects, .num_rects = e->num_rects };
    if (!e->rects) {
        r.mb_qp_offsets = e->map;
        r.mb_qp_offsets_size = mbs;
    }
    return r;
}

const hal_roi *roi_store_picture(roi_store *s, int64_t display_index, const hwenc_roi_caps *caps,
                                 const char *backend, const char *why, char *notice, size_t notice_size)
{
    const roi_entry *e = roi_store_get(s, display_index);
    if (!e)
        return NULL;
    const size_t mbs = (size_t)s->mb_width * (size_t)s->mb_height;
    const long long frame = (long long)display_index;
    const int say = notice_size && !notice[0];
    memset(&s->pic, 0, sizeof(s->pic));
    s->pic.mb_width = s->mb_width;
    s->pic.mb_height = s->mb_height;
    s->pic.mb_offset = e->map;
    switch (caps->support) {
    case HWENC_ROI_NONE:
        if (say)
            snprintf(notice, notice_size, "%s does not honour ROI (%s): frame %lld was coded without its QP offsets",
                     backend, why, frame);
        return NULL;
    case HWENC_ROI_EXACT:
        break;
    case HWENC_ROI_REGIONS: {
        hwenc_roi req = entry_request(e, mbs);
        int max = caps->max_regions < ROI_MAX_REGIONS ? caps->max_regions : ROI_MAX_REGIONS, exact;
        s->pic.num_regions = roi_to_regions(&req, e->map, s->mb_width, s->mb_height, max, s->regions, &exact);
        s->pic.regions = s->regions;
        if (say && !exact)
            snprintf(notice, notice_size,
                     "%s takes at most %d ROI regions (%s): frame %lld's offsets were merged into %d rectangles",
                     backend, max, why, frame, s->pic.num_regions);
        break;
    }
    case HWENC_ROI_MAP: {
        if (!s->clamped && !(s->clamped = malloc(mbs)))
            return NULL;
        int clamped = 0;
        for (size_t i = 0; i < mbs; i++) {
            int v = e->map[i];
            v = v < caps->min_offset ? caps->min_offset : v > caps->max_offset ? caps->max_offset : v;
            clamped |= v != e->map[i];
            s->clamped[i] = (int8_t)v;
        }
        s->pic.mb_offset = s->clamped;
        if (say && clamped)
            snprintf(notice, notice_size, "%s takes ROI offsets %d..%d (%s): frame %lld's were clamped to them",
                     backend, caps->min_offset, caps->max_offset, why, frame);
        break;
    }
    }
    return &s->pic;
}
