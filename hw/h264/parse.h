/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The reading side of bitstream.h and params.h: Annex B NAL units, and the
 * parts of the SPS, PPS and slice header (7.3.2.1, 7.3.2.2, 7.3.3) that say
 * which picture a slice belongs to. The HAL checks what hardware hands back
 * with it, without a decoder (the library links none).
 *
 * Everything here reads untrusted bytes: every read is bounds-checked and
 * every value range-checked, and a failure says which syntax element was
 * wrong.
 */
#ifndef HWENC_H264_PARSE_H
#define HWENC_H264_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct h264_nal {
    int nal_unit_type;
    int nal_ref_idc;
    const uint8_t *payload;      /* after the NAL header, emulation prevention still in */
    size_t size;
} h264_nal;

/* Finds the NAL unit at *pos in Annex B data and moves *pos past it.
 * Returns 1 with *nal filled, 0 at the end of the data, or -1 with a
 * reason in err when the data is not Annex B H.264 there (no start code,
 * forbidden_zero_bit set, an empty NAL unit). */
int h264_next_nal(const uint8_t *data, size_t size, size_t *pos, h264_nal *nal, char *err, size_t err_size);

#define H264_MAX_SPS 32
#define H264_MAX_PPS 256

/* What the slice headers and the picture order count need from an SPS. */
typedef struct h264_sps_info {
    int sps_id;
    int profile_idc;
    int separate_colour_plane;
    int log2_max_frame_num;
    int poc_type;
    int log2_max_poc_lsb;            /* poc_type 0 */
    int delta_pic_order_always_zero; /* poc_type 1 */
    int offset_for_non_ref_pic;
    int offset_for_top_to_bottom_field;
    int num_ref_frames_in_poc_cycle;
    int offset_for_ref_frame[255];
    int max_num_ref_frames;
    int gaps_in_frame_num_allowed;
    int frame_mbs_only;
    int width, height;               /* after cropping */
} h264_sps_info;

typedef struct h264_pps_info {
    int pps_id, sps_id;
    int bottom_field_pic_order_in_frame_present;
} h264_pps_info;

typedef struct h264_slice_info {
    int nal_unit_type, nal_ref_idc;
    int first_mb;
    int slice_type;                  /* 0..4 (P, B, I, SP, SI); 5..9 are folded onto them */
    int pps_id;
    int frame_num;
    int field_pic;
    int idr_pic_id;
    int poc_lsb;
    int delta_poc_bottom;
    int delta_poc[2];
} h264_slice_info;

/* The parameter sets seen so far, by id; a new one replaces the old. */
typedef struct h264_param_sets {
    h264_sps_info sps[H264_MAX_SPS];
    h264_pps_info pps[H264_MAX_PPS];
    uint8_t have_sps[H264_MAX_SPS];
    uint8_t have_pps[H264_MAX_PPS];
} h264_param_sets;

/* Each returns 0, or -1 with the element at fault in err. The SPS and PPS
 * are parsed into ps. A slice header is parsed up to its picture order
 * count fields, with the PPS and SPS it names, which must be in ps. */
int h264_parse_sps(const h264_nal *nal, h264_param_sets *ps, char *err, size_t err_size);
int h264_parse_pps(const h264_nal *nal, h264_param_sets *ps, char *err, size_t err_size);
int h264_parse_slice(const h264_nal *nal, const h264_param_sets *ps, h264_slice_info *slice, char *err,
                     size_t err_size);

#endif
