/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CPU H.264 picture encoder: it encodes one picture at a time from
 * explicit parameters (slice header, reference slots, reconstruction slot),
 * as the hardware APIs do. The CPU backend drives it from the HAL, and the
 * test doubles of the hardware backends drive it from the parameters their
 * API received, so every path produces real bitstreams.
 */
#ifndef HWENC_CPU_ENCODER_H
#define HWENC_CPU_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "hw/h264/params.h"

typedef struct cpu_encoder cpu_encoder;

typedef struct cpu_encoder_params {
    const h264_sps *sps;
    const h264_pps *pps;
    int dpb_slots;           /* reconstruction slots the caller may name, >= 1 */
    int preset;              /* enum hwenc_preset */
    uint32_t cpu_flags;      /* SIMD levels to use (cpu_detect() & mask) */
    int threads;             /* slices coded in parallel; <= 1: one slice */
} cpu_encoder_params;

/* Returns 0, or a negative hwenc_error. */
int cpu_encoder_open(cpu_encoder **out, const cpu_encoder_params *params);
void cpu_encoder_close(cpu_encoder *enc);

/* Runs fn(arg, i) for i = 0 .. count - 1 on the encoder's slice threads
 * (not while a picture is being encoded) and returns when all are done:
 * each thread runs one contiguous run of i, in increasing order. */
void cpu_encoder_run_parallel(cpu_encoder *enc, void (*fn)(void *arg, int index), void *arg, int count);

typedef struct cpu_picture {
    /* I420 (nv12 = 0) or NV12 (nv12 = 1) source of the cropped size. */
    const uint8_t *plane[3];
    ptrdiff_t stride[3];
    int nv12;
    /* The complete slice header, slice_qp included. */
    h264_slice_header slice;
    /* Slot to reconstruct into; -1 for a non-reference picture (a scratch
     * frame is used and overwritten by the next such picture). */
    int recon_slot;
    /* Reference picture list 0 as slots, in list order. */
    int num_refs;
    int ref_slots[H264_MAX_REFS];
    int num_refs_l1;
    int ref_slots_l1[H264_MAX_REFS];
    /* Optional: the QP of each macroblock row from the slice data written
     * so far (rate control with a buffer model); NULL keeps slice_qp. */
    int (*row_qp)(void *opaque, int row, int64_t bits_so_far);
    void *row_qp_opaque;
    /* Optional: a QP offset (-51..51) per macroblock, raster order, added
     * to the row's QP (region of interest); NULL: none. */
    const int8_t *mb_qp_offset;
    /* An IDR that starts the stream afresh (hal_picture.fresh_start): the
     * encoder forgets what earlier pictures taught it (learnt CABAC states,
     * the slice plan's row work). */
    int fresh_start;
} cpu_picture;

typedef struct cpu_picture_stats {
    int bits;                /* bits of slice data written */
    int intra_mbs, skip_mbs, pcm_mbs;
    double qp_avg;
} cpu_picture_stats;

/*
 * Encodes one picture as one slice NAL unit in Annex B form into out.
 * Returns the number of bytes written, or a negative hwenc_error.
 * out_capacity must be at least cpu_encoder_max_picture_size().
 */
int64_t cpu_encode_picture(cpu_encoder *enc, const cpu_picture *pic, uint8_t *out, size_t out_capacity,
                           cpu_picture_stats *stats);
size_t cpu_encoder_max_picture_size(const cpu_encoder *enc);

/* The reconstruction in slot (or the scratch frame for -1), cropped size. */
void cpu_encoder_get_recon(const cpu_encoder *enc, int slot, const uint8_t *plane[3], ptrdiff_t stride[3]);

#endif
