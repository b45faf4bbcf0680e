/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The H.264 part of a planned picture: the syntax the codec-neutral plan
 * (hw/core/gop.c: type, POC, reference or not, DPB slots and lists) implies
 * in H.264, namely frame_num (7.4.3), idr_pic_id, nal_ref_idc and the rest
 * of the slice header, and the frame_num each DPB slot's picture had, which
 * VA-API's frame_idx and Vulkan's reference slot info name references by.
 */
#ifndef HWENC_H264_PICTURE_H
#define HWENC_H264_PICTURE_H

#include "hwenc/hwenc.h"
#include "hw/h264/params.h"

struct hal_picture;

/* A DPB holds max_num_ref_frames pictures and the one being coded. */
#define H264_MAX_SLOTS (H264_MAX_REFS + 1)

typedef struct h264_picture {
    /* Everything but slice_qp, which the backend's rate control sets. */
    h264_slice_header slice;
    int slot_frame_num[H264_MAX_SLOTS];  /* of the reference each slot holds */
} h264_picture;

/* What numbering the syntax carries from picture to picture. */
typedef struct h264_syntax {
    int max_frame_num, max_poc_lsb;
    int default_refs_l0, default_refs_l1; /* num_ref_idx_l*_default_active of the PPS */
    int deblock, deblock_alpha, deblock_beta;
    int frame_num;                       /* of the next reference picture */
    int idr_count;                       /* IDRs so far */
    int last_idr_pic_id;                 /* of the last IDR, when idr_count > 0 */
    int slot_frame_num[H264_MAX_SLOTS];
} h264_syntax;

void h264_syntax_init(h264_syntax *s, const hwenc_config *cfg, const h264_sps *sps, const h264_pps *pps);
/* Fills pic->h264 from the neutral plan, without changing the state (a
 * backend that refuses the picture sees the same syntax again). */
void h264_syntax_plan(const h264_syntax *s, struct hal_picture *pic);
/* Records a picture the backend accepted. */
void h264_syntax_commit(h264_syntax *s, const struct hal_picture *pic);

#endif
