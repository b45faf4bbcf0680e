/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <math.h>
#include <stdio.h>

#include "cpu_fallback/ratecontrol.h"

#define QCOMP 0.6          /* how much QP follows complexity (x264's qcomp) */
#define IP_RATIO 1.4       /* I frames get this much smaller a qscale */
#define PB_RATIO 1.3       /* and B frames this much larger (QP + 2.3) */
#define QP_STEP_MAX 4      /* largest QP change between frames in ABR */
#define VBV_RESERVE 0.1    /* share of the buffer a frame must leave */

static double qp2qscale(double qp)
{
    return 0.85 * pow(2.0, (qp - 12.0) / 6.0);
}

static double qscale2qp(double qscale)
{
    return 12.0 + 6.0 * log2(qscale / 0.85);
}

static int clip_qp(double qp)
{
    int q = (int)lrint(qp);
    return q < 0 ? 0 : q > 51 ? 51 : q;
}

/* The configuration was validated (config_validate) before it got here. */
static void configure_rates(ratecontrol *rc, const hwenc_config *cfg)
{
    rc->bitrate = cfg->bitrate_kbps * 1000.0;
    rc->vbv = cfg->rc_mode == HWENC_RC_CBR || cfg->rc_mode == HWENC_RC_VBR ||
              (cfg->vbv_maxrate_kbps > 0 && cfg->rc_mode != HWENC_RC_CQP);
    if (!rc->vbv)
        return;
    double maxrate = cfg->vbv_maxrate_kbps > 0 ? cfg->vbv_maxrate_kbps * 1000.0 : rc->bitrate;
    if (cfg->rc_mode == HWENC_RC_CBR)
        maxrate = rc->bitrate;
    double bufsize = cfg->vbv_bufsize_kbits > 0 ? cfg->vbv_bufsize_kbits * 1000.0 : maxrate;
    double old_size = rc->vbv_bufsize;
    /* Start 90% full, as x264 does. On reconfiguration keep how full the
     * buffer is, not how many bits it holds: a buffer half its size at half
     * the rate that kept its bits would let the next frame take a second of
     * the new budget, and the rate would move in one frame, not over the
     * buffer. */
    rc->buffer_fill = old_size > 0 ? rc->buffer_fill / old_size * bufsize : bufsize * 0.9;
    rc->vbv_maxrate = maxrate;
    rc->vbv_bufsize = bufsize;
}

void ratecontrol_init(ratecontrol *rc, const hwenc_config *cfg, int mb_count, int mb_rows)
{
    *rc = (ratecontrol){ 0 };
    rc->mode = cfg->rc_mode;
    rc->qp_constant = cfg->qp;
    rc->crf = cfg->crf;
    rc->fps = (double)cfg->fps_num / cfg->fps_den;
    rc->mb_count = mb_count;
    rc->mb_rows = mb_rows;
    configure_rates(rc, cfg);
    /* The complexity a typical frame has, per macroblock, in lowres SATD. */
    double base_cplx = mb_count * 80.0;
    rc->rate_factor_constant = pow(base_cplx, 1.0 - QCOMP) / qp2qscale(rc->crf);
    rc->cplxr_sum = 0.01 * pow(7.0e5, QCOMP) * pow(mb_count, 0.5);
    rc->wanted_bits_window = rc->bitrate / rc->fps;
    rc->last_qscale = qp2qscale(26);
    /* Every kind, B included: an empty predictor would divide 0 by 0. */
    for (int i = 0; i < 3; i++)
        rc->predictor[i] = (size_predictor){ 1.0, 1.0, 0 };
}

void ratecontrol_use_hrd(ratecontrol *rc, double bit_rate, double cpb_size, int filler)
{
    rc->vbv_maxrate = bit_rate;
    rc->vbv_bufsize = cpb_size;
    rc->buffer_fill = cpb_size * 0.9;
    rc->filler = filler;
}

double ratecontrol_buffer_fill(const ratecontrol *rc)
{
    return rc->buffer_fill;
}

int64_t ratecontrol_filler_bits(const ratecontrol *rc, int64_t bits)
{
    if (!rc->filler)
        return 0;
    /* What ratecontrol_end_frame would cap: in the HRD's CBR, an overflow. */
    double excess = fmax(rc->buffer_fill - (double)bits, 0) + rc->vbv_maxrate / rc->fps - rc->vbv_bufsize;
    return excess > 0 ? (int64_t)ceil(excess) : 0;
}

int ratecontrol_reconfigure(ratecontrol *rc, const hwenc_config *cfg, char *err, size_t err_size)
{
    if (cfg->rc_mode != rc->mode) {
        snprintf(err, err_size, "the rate-control mode cannot change while encoding");
        return HWENC_EINVAL;
    }
    if (rc->mode == HWENC_RC_CQP || rc->mode == HWENC_RC_CRF) {
        rc->qp_constant = cfg->qp;
        rc->crf = cfg->crf;
        rc->rate_factor_constant = pow(rc->mb_count * 80.0, 1.0 - QCOMP) / qp2qscale(rc->crf);
        return 0;
    }
    configure_rates(rc, cfg);
    /* Count only what comes from now on against the new target, so the
     * correction for the past does not fight the change. */
    rc->total_bits = rc->wanted_bits = 0;
    rc->wanted_bits_window = rc->bitrate / rc->fps;
    rc->cplxr_sum = rc->wanted_bits_window * rc->last_qscale / pow(fmax(rc->frame_cplx, 1.0), 1.0 - QCOMP);
    return 0;
}

static double predict_bits(const size_predictor *p, double cplx, double qscale)
{
    return p->coeff * cplx / (qscale * p->count);
}

static void update_predictor(size_predictor *p, double cplx, double qscale, double bits)
{
    if (cplx <= 0)
        return;
    /* Exponential decay, so the model follows changes of content. */
    p->count = p->count * 0.5 + 1.0;
    p->coeff = p->coeff * 0.5 + bits * qscale / cplx;
    p->frames++;
}

/* Raises qscale until the predicted frame leaves VBV_RESERVE of the buffer. */
static double vbv_clip(ratecontrol *rc, double qscale)
{
    const size_predictor *p = &rc->predictor[rc->frame_kind];
    rc->frame_max_bits = rc->buffer_fill - rc->vbv_bufsize * VBV_RESERVE;
    /* Half a frame's arrival at least, so a nearly empty buffer does not
     * force QP 51, but never more than the buffer holds. */
    double limit = fmax(rc->frame_max_bits, fmin(rc->vbv_maxrate / rc->fps * 0.5, rc->buffer_fill * 0.5));
    while (qscale < qp2qscale(51) && predict_bits(p, rc->frame_cplx, qscale) > limit)
        qscale *= 1.06;
    /* CBR may spend more to hold its rate, aiming at a buffer half full:
     * the excess over half spread over a second of frames, so no frame
     * bursts; below half the aim falls twice as fast, to nothing extra at
     * an empty buffer (spending beyond the ABR plan there underflowed). */
    if (rc->mode == HWENC_RC_CBR) {
        double excess = rc->buffer_fill - rc->vbv_bufsize * 0.5;
        double target = rc->vbv_maxrate / rc->fps + (excess > 0 ? excess : 2.0 * excess) / rc->fps;
        while (qscale > qp2qscale(0) && predict_bits(p, rc->frame_cplx, qscale / 1.06) < target &&
               predict_bits(p, rc->frame_cplx, qscale / 1.06) < limit)
            qscale /= 1.06;
    }
    return qscale;
}

static double abr_qscale(ratecontrol *rc, double blurred)
{
    double rate_factor = rc->wanted_bits_window / rc->cplxr_sum;
    double qscale = pow(blurred, 1.0 - QCOMP) / rate_factor;
    /* Steer the total towards the target: a buffer of two seconds. */
    double abr_buffer = 2.0 * rc->bitrate;
    double overflow = 1.0 + (rc->total_bits - rc->wanted_bits) / abr_buffer;
    qscale *= fmin(fmax(overflow, 0.5), 2.0);
    double step = pow(2.0, QP_STEP_MAX / 6.0);
    if (rc->frames > 0)
        qscale = fmin(fmax(qscale, rc->last_qscale / step), rc->last_qscale * step);
    return qscale;
}

/* qscale relative to a P frame's. */
static double kind_ratio(enum rc_frame_kind kind)
{
    return kind == RC_FRAME_I ? 1.0 / IP_RATIO : kind == RC_FRAME_B ? PB_RATIO : 1.0;
}

int ratecontrol_start_frame(ratecontrol *rc, enum rc_frame_kind kind, int fresh_start, int64_t cost_intra,
                            int64_t cost_inter)
{
    rc->frame_kind = kind;
    if (rc->mode == HWENC_RC_CQP) {
        /* --qp is the P-frame QP; I and B frames get their offsets. */
        double qp = rc->qp_constant + 6.0 * log2(kind_ratio(kind));
        rc->frame_qp = rc->row_qp = clip_qp(qp);
        return rc->frame_qp;
    }
    double qscale;
    if (kind == RC_FRAME_B && rc->frames > 0) {
        /* The anchor's qscale, which was planned with the complexity of the
         * stretch the B frame lies in. */
        rc->frame_cplx = fmax((double)cost_inter, 1.0);
        qscale = rc->last_qscale * PB_RATIO;
    } else {
        /* I frames are judged by the inter complexity too, as P frames
         * would be, then given the IP_RATIO advantage. */
        int first = !rc->frames || fresh_start;
        double cplx = (double)(kind == RC_FRAME_I && first ? cost_intra : cost_inter);
        rc->frame_cplx = fmax(cplx, 1.0);
        if (fresh_start)
            rc->cplx_sum = rc->cplx_count = 0;
        rc->cplx_sum = rc->cplx_sum * 0.5 + rc->frame_cplx;
        rc->cplx_count = rc->cplx_count * 0.5 + 1.0;
        double blurred = rc->cplx_sum / rc->cplx_count;
        qscale = rc->mode == HWENC_RC_CRF ? pow(blurred, 1.0 - QCOMP) / rc->rate_factor_constant
                                          : abr_qscale(rc, blurred);
        qscale *= kind_ratio(kind);
    }
    if (rc->vbv)
        qscale = vbv_clip(rc, qscale);
    rc->frame_qscale = qscale;
    rc->frame_qp = rc->row_qp = clip_qp(qscale2qp(qscale));
    return rc->frame_qp;
}

int ratecontrol_row_qp(ratecontrol *rc, int row, int64_t bits_so_far)
{
    if (!rc->vbv || row == 0)
        return rc->row_qp;
    /* Project the frame from the rows so far, and move the QP one step at a
     * time against the buffer limit. */
    double projected = (double)bits_so_far * rc->mb_rows / row;
    double limit = rc->buffer_fill - rc->vbv_bufsize * VBV_RESERVE * 0.5;
    if (projected > limit && rc->row_qp < 51)
        rc->row_qp += projected > 1.5 * limit ? 3 : 1;
    else if (projected < limit * 0.5 && rc->row_qp > rc->frame_qp)
        rc->row_qp--;
    if (rc->row_qp > 51)
        rc->row_qp = 51;
    /* The buffer itself is the hard limit: never let the rows run it dry. */
    if (bits_so_far > rc->buffer_fill * 0.8)
        rc->row_qp = 51;
    return rc->row_qp;
}

int ratecontrol_end_frame(ratecontrol *rc, int64_t bits, double qp_avg)
{
    if (rc->mode == HWENC_RC_CQP)
        return 0;
    double qscale = qp2qscale(qp_avg);
    update_predictor(&rc->predictor[rc->frame_kind], rc->frame_cplx, qscale, (double)bits);
    /* A kind not seen yet starts from what this frame taught, not from the
     * initial guess: the first P frame after the IDR, planned with
     * coeff 1, came out at most of the buffer. */
    for (int k = 0; k < 3; k++)
        if (!rc->predictor[k].frames)
            rc->predictor[k] = (size_predictor){ rc->predictor[rc->frame_kind].coeff,
                                                 rc->predictor[rc->frame_kind].count, 0 };
    double blurred = rc->cplx_sum / rc->cplx_count;
    /* In P-frame terms, so that the rate factor is the same for all. */
    double p_qscale = qscale / kind_ratio(rc->frame_kind);
    rc->cplxr_sum += (double)bits * p_qscale / pow(blurred, 1.0 - QCOMP);
    rc->wanted_bits_window += rc->bitrate / rc->fps;
    rc->total_bits += (double)bits;
    rc->wanted_bits += rc->bitrate / rc->fps;
    if (rc->frame_kind != RC_FRAME_B)
        rc->last_qscale = p_qscale;
    rc->frames++;
    if (!rc->vbv)
        return 0;
    int overrun = (double)bits > rc->buffer_fill;
    /* A decoder waits for the late picture, which leaves the buffer empty. */
    rc->buffer_fill = fmax(rc->buffer_fill - (double)bits, 0);
    rc->buffer_fill = fmin(rc->buffer_fill + rc->vbv_maxrate / rc->fps, rc->vbv_bufsize);
    return overrun;
}
