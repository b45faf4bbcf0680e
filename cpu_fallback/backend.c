/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CPU backend of the HAL: rate control picks the QP, the picture
 * encoder codes the picture into the core's one-packet mailbox, after the
 * parameter sets in front of IDR pictures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/encoder.h"
#include "hw/core/hal.h"
#include "hw/core/mailbox.h"
#include "cpu_fallback/ratecontrol.h"

typedef struct cpu_backend {
    cpu_encoder *enc;
    ratecontrol rc;
    uint8_t *out;
    size_t out_capacity;
    hal_mailbox mailbox;
} cpu_backend;

static void cpu_probe(const hwenc_config *config, hwenc_backend_info *info)
{
    (void)config;
    info->available = 1;
    snprintf(info->reason, sizeof(info->reason), "always available");
    snprintf(info->device, sizeof(info->device), "CPU");
    snprintf(info->driver, sizeof(info->driver), "hwenc CPU encoder");
    snprintf(info->capabilities, sizeof(info->capabilities),
             "profiles: Constrained Baseline, Main (with B frames); slices: I, P, B; refs: 1-16; "
             "rc: CQP CRF ABR CBR VBR");
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
    ratecontrol_init(&b->rc, cfg, s->h264.sps->mb_width * s->h264.sps->mb_height, s->h264.sps->mb_height);
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
    b->out_capacity = cpu_encoder_max_picture_size(b->enc) + s->parameter_sets_size;
    b->out = malloc(b->out_capacity);
    if (!b->out) {
        ret = HWENC_ENOMEM;
        goto fail;
    }
    caps->max_refs = H264_MAX_REFS;
    caps->max_bframes = H264_MAX_REFS;
    *priv = b;
    return 0;
fail:
    cpu_close(b);
    return ret;
}

static int row_qp(void *opaque, int row, int64_t bits_so_far)
{
    return ratecontrol_row_qp(opaque, row, bits_so_far);
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
    pic.slice.slice_qp = ratecontrol_start_frame(&b->rc, kind, hp->fresh_start, hp->cost.intra, hp->cost.inter);
    pic.row_qp = row_qp;
    pic.row_qp_opaque = &b->rc;

    size_t pos = hal_mailbox_start(&b->mailbox, hp, b->out, hp->parameter_sets, hp->parameter_sets_size);
    cpu_picture_stats stats;
    int64_t size = cpu_encode_picture(b->enc, &pic, b->out + pos, b->out_capacity - pos, &stats);
    if (size < 0) {
        snprintf(err, err_size, "CPU encoder failed on frame %lld: %s", (long long)hp->display_index,
                 hwenc_error_string((int)size));
        return (int)size;
    }

    hal_packet *pkt = &b->mailbox.pkt;
    pkt->size = pos + (size_t)size;
    pkt->qp = (int)lrint(stats.qp_avg);
    cpu_encoder_get_recon(b->enc, hp->recon_slot, pkt->recon, pkt->recon_stride);
    pkt->vbv_overrun = ratecontrol_end_frame(&b->rc, (int64_t)pkt->size * 8, stats.qp_avg);
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
