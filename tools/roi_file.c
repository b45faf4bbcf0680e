/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Region-of-interest CSV files (roi_file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/roi_file.h"

static const char *const field_names[7] = { "first_frame", "last_frame", "x", "y", "width", "height", "qp_offset" };

/* Parses one line's seven integers; returns -1 with the reason in err. */
static int parse_line(char *line, long long v[7], char *err, size_t err_size)
{
    char *p = line;
    for (int i = 0; i < 7; i++) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *end;
        errno = 0;
        v[i] = strtoll(p, &end, 10);
        if (end == p || errno) {
            snprintf(err, err_size, "%s is not an integer", field_names[i]);
            return -1;
        }
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
        if (i < 6 && *p++ != ',') {
            snprintf(err, err_size, "%d fields where first_frame,last_frame,x,y,width,height,qp_offset has 7", i + 1);
            return -1;
        }
    }
    if (*p && *p != '\n' && *p != '\r') {
        snprintf(err, err_size, "more than the 7 fields first_frame,last_frame,x,y,width,height,qp_offset");
        return -1;
    }
    return 0;
}

static int check_values(const long long v[7], char *err, size_t err_size)
{
    const long long big = 1 << 30;
    if (v[0] < 0 || v[0] > big)
        snprintf(err, err_size, "first_frame %lld is not a frame number", v[0]);
    else if (v[1] != -1 && (v[1] < v[0] || v[1] > big))
        snprintf(err, err_size, "last_frame %lld is before first_frame %lld (or not -1, to the end)", v[1], v[0]);
    else if (v[2] < 0 || v[3] < 0 || v[2] > big || v[3] > big)
        snprintf(err, err_size, "x %lld, y %lld: a rectangle starts inside the picture", v[2], v[3]);
    else if (v[4] <= 0 || v[5] <= 0 || v[4] > big || v[5] > big)
        snprintf(err, err_size, "width %lld, height %lld: a rectangle is not empty", v[4], v[5]);
    else if (v[6] < -51 || v[6] > 51)
        snprintf(err, err_size, "qp_offset %lld is outside -51..51", v[6]);
    else
        return 0;
    return -1;
}

int roi_file_load(roi_file *f, const char *path, char *err, size_t err_size)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s", path);
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512], why[256];
    int capacity = 0, ret = 0;
    for (int n = 1; fgets(line, sizeof(line), in); n++) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n' || *p == '\r' || *p == '#' || (n == 1 && !strncmp(p, "first_frame", 11)))
            continue;
        long long v[7];
        if (!strchr(line, '\n') && !feof(in)) {
            snprintf(err, err_size, "%s:%d: line longer than %zu characters", path, n, sizeof(line) - 2);
            ret = -1;
            break;
        }
        if (parse_line(p, v, why, sizeof(why)) < 0 || check_values(v, why, sizeof(why)) < 0) {
            snprintf(err, err_size, "%s:%d: %s", path, n, why);
            ret = -1;
            break;
        }
        if (f->count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            roi_file_entry *e = realloc(f->entries, (size_t)capacity * sizeof(*e));
            if (!e) {
                snprintf(err, err_size, "%s: out of memory", path);
                ret = -1;
                break;
            }
            f->entries = e;
        }
        f->entries[f->count++] = (roi_file_entry){
            .first = v[0], .last = v[1], .line = n,
            .rect = { (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[6] },
        };
    }
    if (ret == 0 && ferror(in)) {
        snprintf(err, err_size, "%s: read error", path);
        ret = -1;
    }
    fclose(in);
    if (ret < 0)
        roi_file_free(f);
    return ret;
}

int roi_file_check_size(const roi_file *f, int width, int height, char *err, size_t err_size)
{
    for (int i = 0; i < f->count; i++) {
        const hwenc_roi_rect *r = &f->entries[i].rect;
        if (r->x + r->width > width || r->y + r->height > height) {
            snprintf(err, err_size, "%s:%d: rectangle x %d, y %d, width %d, height %d reaches outside the %dx%d picture",
                     f->path, f->entries[i].line, r->x, r->y, r->width, r->height, width, height);
            return -1;
        }
    }
    return 0;
}

int roi_file_rects(const roi_file *f, int64_t frame, hwenc_roi_rect *rects, int max)
{
    int n = 0;
    for (int i = 0; i < f->count; i++) {
        const roi_file_entry *e = &f->entries[i];
        if (frame >= e->first && (e->last < 0 || frame <= e->last) && n++ < max)
            rects[n - 1] = e->rect;
    }
    return n;
}

void roi_file_free(roi_file *f)
{
    free(f->entries);
    f->entries = NULL;
    f->count = 0;
}
