/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Rate control of the CPU backend (the hardware backends use their
 * driver's). Modes: constant QP; constant quality (CRF); one-pass average
 * bitrate; CBR and VBR with a VBV buffer model, which also re-plans the QP
 * of every macroblock row so the buffer never underflows. doc/ratecontrol.md
 * explains the model.
 */
#ifndef HWENC_CPU_RATECONTROL_H
#define HWENC_CPU_RATECONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"

enum rc_frame_kind {
    RC_FRAME_I,
    RC_FRAME_P,
    RC_FRAME_B,
};

/* Frame size model: bits = coeff * complexity / qscale, learnt per type. */
typedef struct size_predictor {
    double coeff;
    double count;
    int64_t frames;              /* learnt from; 0: still the initial guess */
} size_predictor;

typedef struct ratecontrol {
    enum hwenc_rate_control mode;
    int qp_constant;
    double crf;
    double fps;
    int mb_count, mb_rows;
    double bitrate;              /* bits per second (ABR, CBR, VBR) */

    /* Complexity, blurred over recent frames as x264 does. */
    double cplx_sum, cplx_count;
    /* One-pass ABR: bits wanted so far against what the model spent. */
    double rate_factor_constant; /* CRF */
    double wanted_bits_window, cplxr_sum;
    double total_bits, wanted_bits;
    double last_qscale;
    int64_t frames;

    /* VBV. */
    int vbv;
    double vbv_maxrate, vbv_bufsize, buffer_fill;
    int filler;                  /* pad to the rate: the buffer never overflows (nal_hrd cbr) */
    size_predictor predictor[3];     /* by rc_frame_kind */

    /* The frame being coded. */
    int frame_kind;              /* enum rc_frame_kind */
    double frame_cplx, frame_qscale;
    int frame_qp, row_qp;
    double frame_max_bits;
} ratecontrol;

/* cfg was validated by the HAL (config_validate). */
void ratecontrol_init(ratecontrol *rc, const hwenc_config *cfg, int mb_count, int mb_rows);
/* The VBV as the stream's NAL HRD signals it (nal_hrd): its rate and
 * size (the configured ones rounded up), starting 90% full as always;
 * with filler, the stream is padded to the rate (ratecontrol_filler_bits). */
void ratecontrol_use_hrd(ratecontrol *rc, double bit_rate, double cpb_size, int filler);
/* Bits in the VBV buffer when the next frame is removed. */
double ratecontrol_buffer_fill(const ratecontrol *rc);
/* With filler: the bits to add to a frame of `bits` so that the bits
 * arriving until the next removal do not overflow the buffer; else 0. */
int64_t ratecontrol_filler_bits(const ratecontrol *rc, int64_t bits);
/* New bitrate and VBV settings, in effect from the next frame. */
int ratecontrol_reconfigure(ratecontrol *rc, const hwenc_config *cfg, char *err, size_t err_size);
/* QP of the next frame from its lowres complexity (intra and inter costs).
 * B frames (not references) get a coarser QP than the P frame coded just
 * before them, their anchor. A fresh start (a forced IDR) forgets the
 * complexity of the frames before it, so constant quality codes the frames
 * from there as if the stream began there; the bit totals of ABR, CBR and
 * VBR and the VBV buffer carry on, as the target is the whole stream's. */
int ratecontrol_start_frame(ratecontrol *rc, enum rc_frame_kind kind, int fresh_start, int64_t cost_intra,
                            int64_t cost_inter);
/* QP for macroblock row `row` given the bits of the rows before it. */
int ratecontrol_row_qp(ratecontrol *rc, int row, int64_t bits_so_far);
/* Returns 1 when the frame took more bits than the VBV buffer held (an
 * underflow: the rate cannot be held), else 0. */
int ratecontrol_end_frame(ratecontrol *rc, int64_t bits, double qp_avg);

#endif
