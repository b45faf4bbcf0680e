/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Region-of-interest files (`hwenc encode --roi FILE`, hwbench --roi): CSV,
 * one rectangle per line,
 *
 *     first_frame,last_frame,x,y,width,height,qp_offset
 *
 * in luma pixels, frames counted from 0 in the input (before --start-frame
 * skips any), last_frame inclusive or -1 for "to the end"; qp_offset -51..51,
 * negative for better quality. Blank lines, lines starting with '#' and a
 * first line starting with "first_frame" (a header) are skipped. Where
 * rectangles of one frame overlap, the one earlier in the file wins.
 */
#ifndef HWENC_TOOLS_ROI_FILE_H
#define HWENC_TOOLS_ROI_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"

typedef struct roi_file_entry {
    int64_t first, last;         /* last -1: to the end */
    hwenc_roi_rect rect;
    int line;
} roi_file_entry;

typedef struct roi_file {
    char path[256];
    roi_file_entry *entries;
    int count;
} roi_file;

/* Reads path; on error returns -1 with "path:line: what" in err. */
int roi_file_load(roi_file *f, const char *path, char *err, size_t err_size);
/* Checks every rectangle lies in a width x height picture ("path:line: ..."). */
int roi_file_check_size(const roi_file *f, int width, int height, char *err, size_t err_size);
/* The rectangles of frame, in file order, into rects (at most max);
 * returns how many the frame has (more than max: they did not fit). */
int roi_file_rects(const roi_file *f, int64_t frame, hwenc_roi_rect *rects, int max);
void roi_file_free(roi_file *f);

#endif
