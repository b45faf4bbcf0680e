/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * H.264 parameter sets and slice headers: the structures every backend
 * shares, their derivation from a configuration, and their writers (7.3.2.1,
 * 7.3.2.2, 7.3.3, Annex E). The HAL owns these; the CPU encoder, the VA-API
 * packed headers and the Vulkan session parameters all use them.
 */
#ifndef HWENC_H264_PARAMS_H
#define HWENC_H264_PARAMS_H

#include <stdint.h>

#include "hw/h264/bitstream.h"

#define H264_MAX_REFS 16
#define H264_MAX_REORDER_OPS 32

enum h264_profile {
    H264_PROFILE_BASELINE = 66,  /* written with constraint_set1 = Constrained Baseline */
    H264_PROFILE_MAIN = 77,
    H264_PROFILE_HIGH = 100,
};

enum h264_slice_type {
    H264_SLICE_P = 0,
    H264_SLICE_B = 1,
    H264_SLICE_I = 2,
};

/* hrd_parameters() of E.1.2 with one CPB (cpb_cnt_minus1 = 0), as every
 * encoder here writes it; hrd.h fills it from a bitrate and buffer size. */
typedef struct h264_hrd {
    int bit_rate_scale, cpb_size_scale;
    uint32_t bit_rate_value_minus1, cpb_size_value_minus1;
    int cbr_flag;
    int initial_cpb_removal_delay_length;  /* bits, 1..32 */
    int cpb_removal_delay_length;
    int dpb_output_delay_length;
    int time_offset_length;                /* 0..31 */
} h264_hrd;

typedef struct h264_vui {
    int aspect_ratio_info_present;
    int sar_width, sar_height;           /* written as Extended_SAR unless a table entry fits */
    int extended_sar;                    /* Extended_SAR even then (GStreamer's SPS); 0 in hwenc's */
    int video_signal_type_present;
    int video_full_range;
    int colour_description_present;
    int colour_primaries, transfer_characteristics, matrix_coefficients;
    int chroma_loc_info_present;
    int chroma_sample_loc_type;
    int timing_info_present;
    uint32_t num_units_in_tick, time_scale;
    int fixed_frame_rate;
    int nal_hrd_present;
    h264_hrd nal_hrd;
    int low_delay_hrd;                   /* written when nal_hrd_present */
    int pic_struct_present;              /* 0 in hwenc's streams; others' (GStreamer's) set it */
    int bitstream_restriction;
    int max_bytes_per_pic_denom, max_bits_per_mb_denom; /* 0 (no limit) in hwenc's streams */
    int max_num_reorder_frames, max_dec_frame_buffering;
} h264_vui;

typedef struct h264_sps {
    int profile_idc;
    int constraint_set_flags;            /* bit 0 = constraint_set0_flag, ... */
    int level_idc;                       /* 9 = level 1b is never used; 10 * level otherwise */
    int sps_id;
    int log2_max_frame_num;              /* 4..16 */
    int poc_type;                        /* 0 or 2 */
    int log2_max_poc_lsb;                /* 4..16, poc_type 0 */
    int max_num_ref_frames;
    int mb_width, mb_height;
    int direct_8x8_inference;
    int crop_left, crop_right, crop_top, crop_bottom;  /* in luma samples (even) */
    int vui_present;
    h264_vui vui;
} h264_sps;

typedef struct h264_pps {
    int pps_id, sps_id;
    int entropy_coding_mode;             /* 0 = CAVLC */
    int num_ref_idx_l0_default_active;
    int num_ref_idx_l1_default_active;
    int weighted_pred, weighted_bipred_idc;
    int pic_init_qp;
    int chroma_qp_index_offset;
    int deblocking_filter_control_present;
    int constrained_intra_pred;
    int transform_8x8_mode;
} h264_pps;

typedef struct h264_ref_list_op {
    int modification_of_pic_nums_idc;    /* 0: subtract, 1: add, 2: long term */
    int value;                           /* abs_diff_pic_num_minus1 or long_term_pic_num */
} h264_ref_list_op;

typedef struct h264_slice_header {
    int nal_unit_type;                   /* H264_NAL_SLICE or H264_NAL_IDR_SLICE */
    int nal_ref_idc;
    int first_mb;
    int slice_type;                      /* enum h264_slice_type */
    int slice_type_fixed;                /* written as slice_type + 5: every slice of the picture has this type */
    int frame_num;
    int idr_pic_id;
    int poc_lsb;
    int num_ref_idx_active_override;
    int num_ref_idx_l0_active;
    int num_ref_idx_l1_active;
    int direct_spatial_mv_pred;
    int num_ref_list_ops;                /* ref_pic_list_modification of list 0 */
    h264_ref_list_op ref_list_ops[H264_MAX_REORDER_OPS];
    int num_ref_list_ops_l1;             /* and of list 1 (B slices) */
    h264_ref_list_op ref_list_ops_l1[H264_MAX_REORDER_OPS];
    int num_unmark;                      /* non-IDR dec_ref_pic_marking: MMCO 1 commands (0: sliding window) */
    int unmark_diff_minus1[H264_MAX_REFS]; /* difference_of_pic_nums_minus1 of each */
    int no_output_of_prior_pics;         /* IDR dec_ref_pic_marking */
    int long_term_reference;
    int cabac_init_idc;                  /* 0..2, CABAC P and B slices */
    int slice_qp;                        /* written as slice_qp_delta against the PPS */
    int disable_deblocking_filter_idc;   /* 0 on, 1 off, 2 off across slice edges */
    int slice_alpha_c0_offset_div2;
    int slice_beta_offset_div2;
} h264_slice_header;

/* A stream's profile and the tools it codes with. */
typedef struct h264_tools {
    int profile_idc;                     /* H264_PROFILE_BASELINE (Constrained), MAIN or HIGH */
    int cabac;                           /* entropy_coding_mode_flag */
    int transform_8x8;                   /* transform_8x8_mode_flag */
} h264_tools;

/* "High, CABAC, 8x8 transform", "Constrained Baseline, CAVLC". */
void h264_tools_describe(const h264_tools *t, char *out, size_t size);
/* Takes from t what max (a device's tools; profile_idc 0: no limit) lacks,
 * and what the profile left forbids. Returns 1 when it took anything. */
int h264_tools_limit(h264_tools *t, const h264_tools *max);
/* Appends "; coding <coded>" to out, and ", not <asked>: <why>" when the
 * two differ. */
void h264_tools_note(const h264_tools *coded, const h264_tools *asked, const char *why, char *out, size_t size);

/* What the derivation of the sequence needs from a configuration. */
typedef struct h264_stream_desc {
    int width, height;
    int fps_num, fps_den;
    int sar_num, sar_den;
    int full_range, colour_primaries, transfer, matrix, chroma_sample_loc;
    int profile_idc;
    int cabac;                           /* entropy_coding_mode_flag (not Baseline) */
    int transform_8x8;                   /* transform_8x8_mode_flag (High only) */
    int max_refs;
    int bframes;
    int bitrate_kbps;                    /* peak, 0 if unknown: used for the level */
    int qp;                              /* pic_init_qp */
    int deblock;
} h264_stream_desc;

/* Smallest level (Table A-1) whose limits hold frame size, MB rate, DPB size
 * and bitrate; 0 if none does. */
int h264_level_for(int width, int height, int fps_num, int fps_den, int max_refs, int bitrate_kbps);
/* Returns 0, or a negative value with a reason in err when no level fits. */
int h264_stream_init(const h264_stream_desc *desc, h264_sps *sps, h264_pps *pps, char *err, size_t err_size);

void h264_write_sps(h264_bitstream *bs, const h264_sps *sps);
void h264_write_pps(h264_bitstream *bs, const h264_pps *pps);
/* slice_header() of 7.3.3, not byte aligned (slice data follows). */
void h264_write_slice_header(h264_bitstream *bs, const h264_sps *sps, const h264_pps *pps,
                             const h264_slice_header *sh);

/* SPS and PPS NAL units in Annex B into dst; returns the size or 0 if it does
 * not fit. */
size_t h264_write_parameter_sets(uint8_t *dst, size_t capacity, const h264_sps *sps, const h264_pps *pps);

#endif
