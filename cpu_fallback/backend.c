/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CPU backend of the HAL: rate control picks the QP, the picture
 * encoder codes the picture into the core's one-packet mailbox, after the
 * parameter sets in front of IDR pictures. With nal_hrd the SPS carries
 * the rate control's VBV as its NAL HRD, each picture gets its timing SEI
 * (after a buffering period at IDRs) and, with nal_hrd cbr, filler data
 * after its slices where the buffer would overflow.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/encoder.h"
#include "hw/h264/hrd.h"
#include "hw/core/hal.h"
#include "hw/core/log.h"
#include "hw/core/mailbox.h"
#include "cpu_fallback/ratecontrol.h"

typedef struct cpu_backend {
    const hwenc_config *cfg;
    const h264_sps *sps;
    cpu_encoder *enc;
    ratecontrol rc;
    int hrd;                     /* the SPS has a NAL HRD: timing SEI with every picture */
    int reorder_delay;           /* 1 with B pictures: output one picture after decoding */
    int64_t idr_coding_index;    /* of the last IDR: cpb_removal_delay counts from it */
    int warned_vbv;              /* the VBV overrun was reported */
    uint8_t *out;
    size_t out_capacity;
    hal_mailbox mailbox;
    int roi_shift;               /* added to rate control's QP for this picture's ROI offsets */
    double roi_weight[2 * 51 + 1]; /* 2^(-offset/6) by offset + 51: the picture's ROI shift */
} cpu_backend;

static void cpu_probe(const hwenc_config *config, hwenc_backend_info *info)
{
    (void)config;
    info->available = 1;
    snprintf(info->reason, sizeof(info->reason), "always available");
    snprintf(info->device, sizeof(info->device), "CPU");
    snprintf(info->driver, sizeof(info->driver), "hwenc CPU encoder");
    snprintf(info->capabilities, sizeof(info->capabilities),
             "profiles: Constrained Baseline, Main, High (CABAC, 8x8 transform); slices: I, P, B; refs: 1-16; "
             "rc: CQP CRF ABR CBR VBR; roi: exact per macroblock");
}

static void cpu_close(void *priv)
{
    cpu_backend *b = priv;
    if (!b)
        return;
    cpu_encoder_close(b->enc);
    free(b->out);
    free(b);
}

static int cpu_open(const hal_session *s, void **priv, hal_caps *caps, char *err, size_t err_size)
{
    const hwenc_config *cfg = s->config;
    cpu_backend *b = calloc(1, sizeof(*b));
    if (!b)
        return HWENC_ENOMEM;
    b->cfg = cfg;
    b->sps = s->h264.sps;
    ratecontrol_init(&b->rc, cfg, s->h264.sps->mb_width * s->h264.sps->mb_height, s->h264.sps->mb_height);
    b->hrd = s->h264.sps->vui.nal_hrd_present;
    b->reorder_delay = s->bframes > 0;
    for (int o = -51; o <= 51; o++)
        b->roi_weight[o + 51] = exp2(-o / 6.0);
    const h264_hrd *hrd = &s->h264.sps->vui.nal_hrd;
    if (b->hrd)
        ratecontrol_use_hrd(&b->rc, (double)h264_hrd_bit_rate(hrd), (double)h264_hrd_cpb_size(hrd), hrd->cbr_flag);
    uint32_t cpu_flags;
    if (cpu_flags_limited(cfg->cpu_level, &cpu_flags) < 0) {
        const char *env = getenv("HWENC_CPU_MASK");
        snprintf(err, err_size, "unknown CPU level '%s': use c, sse2, ssse3, sse4.1, avx2 or avx512",
                 env && *env ? env : cfg->cpu_level);
        cpu_close(b);
        return HWENC_EINVAL;
    }
    cpu_encoder_params params = {
        .sps = s->h264.sps,
        .pps = s->h264.pps,
        .dpb_slots = s->dpb_slots,
        .preset = cfg->preset,
        .cpu_flags = cpu_flags,
        .threads = cfg->threads ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN),
    };
    int ret = cpu_encoder_open(&b->enc, &params);
    if (ret < 0) {
        snprintf(err, err_size, "CPU encoder: %s", hwenc_error_string(ret));
        goto fail;
    }
    /* Room for the timing SEI and for the filler of one frame's arrival. */
    b->out_capacity = cpu_encoder_max_picture_size(b->enc) + s->parameter_sets_size;
    if (b->hrd)
        b->out_capacity += 256 + (size_t)(h264_hrd_bit_rate(hrd) * cfg->fps_den / cfg->fps_num / 8) + 16;
    b->out = malloc(b->out_capacity);
    if (!b->out) {
        ret = HWENC_ENOMEM;
        goto fail;
    }
    caps->max_refs = H264_MAX_REFS;
    caps->max_bframes = H264_MAX_REFS;
    caps->roi = (hwenc_roi_caps){ .support = HWENC_ROI_EXACT, .block_size = 16, .min_offset = -51, .max_offset = 51 };
    *priv = b;
    return 0;
fail:
    cpu_close(b);
    return ret;
}

static int clip_qp(int qp)
{
    return qp < 0 ? 0 : qp > 51 ? 51 : qp;
}

static int row_qp(void *opaque, int row, int64_t bits_so_far)
{
    cpu_backend *b = opaque;
    return clip_qp(ratecontrol_row_qp(&b->rc, row, bits_so_far) + b->roi_shift);
}

/* With a bit-rate target, ROI offsets should move bits within the picture,
 * not add them: the picture's QP rises by what keeps its expected size,
 * with bits taken as 2^(-QP/6) per macroblock (the qscale of a QP doubles
 * every 6), i.e. 6 log2 of the offsets' mean of 2^(-offset/6). Constant QP
 * and constant quality keep their QP: offsets are on top of it there. */
static int roi_qp_shift(const cpu_backend *b, const hal_roi *roi)
{
    if (!roi || b->rc.mode == HWENC_RC_CQP || b->rc.mode == HWENC_RC_CRF)
        return 0;
    const int mbs = roi->mb_width * roi->mb_height;
    double sum = 0;
    for (int i = 0; i < mbs; i++)
        sum += b->roi_weight[roi->mb_offset[i] + 51];
    return (int)lrint(6 * log2(sum / mbs));
}

/* Picture timing (D.2.3) in clock ticks, two a frame (the VUI's
 * time_scale is twice the frame rate): removal in coding order since the
 * buffering period, output in display order after the reorder delay. */
static size_t write_timing_sei(cpu_backend *b, const hal_picture *hp, uint8_t *dst, size_t capacity)
{
    if (hp->type == HWENC_FRAME_IDR)
        b->idr_coding_index = hp->coding_index;
    /* The fullness the rate control plans this picture with, drained at
     * the rate: its removal delay after the arrival starts (C.1.2); never
     * 0, which D.2.2 forbids. */
    double delay = 90000.0 * ratecontrol_buffer_fill(&b->rc) / (double)h264_hrd_bit_rate(&b->sps->vui.nal_hrd);
    h264_sei_timing t = {
        .buffering_period = hp->type == HWENC_FRAME_IDR,
        .initial_cpb_removal_delay = delay < 1 ? 1 : (uint32_t)delay,
        .cpb_removal_delay = (uint32_t)(2 * (hp->coding_index - b->idr_coding_index)),
        .dpb_output_delay = (uint32_t)(2 * (hp->display_index - hp->coding_index + b->reorder_delay)),
    };
    return h264_write_sei_timing(dst, capacity, b->sps, &t);
}

/* nal_hrd cbr: filler after the slices, whole bytes and at least a bit
 * more than the overflow (so rounding never leaves it at the edge). */
static size_t write_filler(cpu_backend *b, uint8_t *dst, size_t capacity, size_t au_size)
{
    int64_t excess = ratecontrol_filler_bits(&b->rc, (int64_t)au_size * 8);
    if (!excess)
        return 0;
    size_t bytes = (size_t)(excess / 8 + 1);
    return h264_write_filler(dst, capacity, bytes < H264_FILLER_MIN ? H264_FILLER_MIN : bytes);
}

static void report_frame(cpu_backend *b, const hal_packet *pkt)
{
    if (pkt->vbv_overrun && !b->warned_vbv) {
        b->warned_vbv = 1;
        hal_log(b->cfg, HWENC_LOG_WARNING,
                "rate control cannot hold the VBV even at QP 51: frame %lld took %zu bits, more than the buffer "
                "held (vbv_bufsize_kbits %.0f at %.0f kb/s); the content is too detailed for bitrate_kbps %d, and the "
                "stream no longer conforms to its VBV/HRD. Said once; every such packet has vbv_overrun set",
                (long long)pkt->display_index, pkt->size * 8, b->rc.vbv_bufsize / 1000, b->rc.vbv_maxrate / 1000,
                b->cfg->bitrate_kbps);
    }
    if (hal_log_wants(b->cfg, HWENC_LOG_DEBUG))
        hal_log(b->cfg, HWENC_LOG_DEBUG, "frame %lld %s: QP %d, %zu bytes; VBV buffer %.0f of %.0f bits",
                (long long)pkt->display_index, hwenc_frame_type_name(pkt->type), pkt->qp, pkt->size,
                b->rc.vbv ? b->rc.buffer_fill : 0, b->rc.vbv ? b->rc.vbv_bufsize : 0);
}

static int cpu_send_picture(void *priv, const hal_picture *hp, char *err, size_t err_size)
{
    cpu_backend *b = priv;
    if (hal_mailbox_full(&b->mailbox))
        return HWENC_EAGAIN;
    cpu_picture pic = {
        .nv12 = hp->input.plane[2] == NULL,
        .slice = hp->h264.slice,
        .recon_slot = hp->recon_slot,
        .num_refs = hp->num_refs,
        .fresh_start = hp->fresh_start,
    };
    for (int p = 0; p < 3; p++) {
        pic.plane[p] = hp->input.plane[p];
        pic.stride[p] = hp->input.stride[p];
    }
    for (int i = 0; i < hp->num_refs; i++)
        pic.ref_slots[i] = hp->refs[i].slot;
    pic.num_refs_l1 = hp->num_refs_l1;
    for (int i = 0; i < hp->num_refs_l1; i++)
        pic.ref_slots_l1[i] = hp->refs_l1[i].slot;
    enum rc_frame_kind kind = hp->type == HWENC_FRAME_IDR || hp->type == HWENC_FRAME_I ? RC_FRAME_I
                              : hp->type == HWENC_FRAME_B                              ? RC_FRAME_B
                                                                                       : RC_FRAME_P;
    b->roi_shift = roi_qp_shift(b, hp->roi);
    pic.slice.slice_qp =
        clip_qp(ratecontrol_start_frame(&b->rc, kind, hp->fresh_start, hp->cost.intra, hp->cost.inter) + b->roi_shift);
    pic.row_qp = row_qp;
    pic.row_qp_opaque = b;
    pic.mb_qp_offset = hp->roi ? hp->roi->mb_offset : NULL;

    size_t pos = hal_mailbox_start(&b->mailbox, hp, b->out, hp->parameter_sets, hp->parameter_sets_size);
    if (b->hrd) {
        size_t sei = write_timing_sei(b, hp, b->out + pos, b->out_capacity - pos);
        if (!sei) {
            snprintf(err, err_size, "CPU encoder: no room for the timing SEI of frame %lld", (long long)hp->display_index);
            return HWENC_EINVAL;
        }
        pos += sei;
    }
    cpu_picture_stats stats;
    int64_t size = cpu_encode_picture(b->enc, &pic, b->out + pos, b->out_capacity - pos, &stats);
    if (size < 0) {
        snprintf(err, err_size, "CPU encoder failed on frame %lld: %s", (long long)hp->display_index,
                 hwenc_error_string((int)size));
        return (int)size;
    }

    hal_packet *pkt = &b->mailbox.pkt;
    pkt->size = pos + (size_t)size;
    pkt->size += write_filler(b, b->out + pkt->size, b->out_capacity - pkt->size, pkt->size);
    pkt->qp = (int)lrint(stats.qp_avg);
    cpu_encoder_get_recon(b->enc, hp->recon_slot, pkt->recon, pkt->recon_stride);
    pkt->vbv_overrun = ratecontrol_end_frame(&b->rc, (int64_t)pkt->size * 8, stats.qp_avg);
    report_frame(b, pkt);
    hal_mailbox_post(&b->mailbox);
    return 0;
}

static int cpu_receive_packet(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size)
{
    cpu_backend *b = priv;
    (void)err;
    (void)err_size;
    return hal_mailbox_receive(&b->mailbox, drain, pkt);
}

static int cpu_reconfigure(void *priv, const hwenc_config *cfg, char *err, size_t err_size)
{
    cpu_backend *b = priv;
    return ratecontrol_reconfigure(&b->rc, cfg, err, err_size);
}

static void cpu_run_parallel(void *priv, void (*fn)(void *arg, int index), void *arg, int count)
{
    cpu_backend *b = priv;
    cpu_encoder_run_parallel(b->enc, fn, arg, count);
}

const hal_backend hal_backend_cpu = {
    .id = HWENC_BACKEND_CPU,
    .probe = cpu_probe,
    .open = cpu_open,
    .send_picture = cpu_send_picture,
    .receive_packet = cpu_receive_packet,
    .reconfigure = cpu_reconfigure,
    .run_parallel = cpu_run_parallel,
    .close = cpu_close,
};
