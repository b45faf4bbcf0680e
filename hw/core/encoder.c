/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The public encoding API: backend selection, the send/receive state
 * machine, and the hand-off of fully planned pictures to the backend.
 *
 * Without B frames a frame goes to the backend inside hwenc_send_frame and
 * is never copied. With B frames it waits in the reorder queue (a copy)
 * until its mini-GOP is complete, and pictures go to the backend whenever
 * it takes them, from either call.
 *
 * With failover (hwenc_config.failover) every frame is copied on arrival
 * (retain.h) and given to the backend from that copy; when the backend
 * fails, another is opened and given again, from an IDR, every frame whose
 * packet has not been handed out.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/config.h"
#include "hw/core/extradata.h"
#include "hw/core/gop.h"
#include "hw/h264/hrd.h"
#include "hw/core/hal.h"
#include "hw/core/log.h"
#include "hw/core/packet_check.h"
#include "hw/core/registry.h"
#include "hw/core/reorder.h"
#include "hw/core/retain.h"
#include "hw/core/roi.h"
#include "hw/core/test_encode.h"

/* Input time stamps kept for the dts of reordered packets: more than the
 * frames a backend and the reorder queue can hold together. */
#define PTS_HISTORY 64

struct hwenc_encoder {
    hwenc_config cfg;
    char device[256];
    char cpu_level[16];
    const hal_backend *backend;
    void *priv;
    hal_caps caps;

    h264_sps sps;
    h264_pps pps;
    uint8_t parameter_sets[512];
    size_t parameter_sets_size;
    stream_extradata extradata;  /* hwenc_get_extradata */
    gop_state gop;
    h264_syntax h264;            /* the codec part of the plan */
    frame_analysis analysis;
    int bframes;                 /* B pictures the core plans, <= cfg.bframes */
    h264_tools tools;            /* profile, CABAC, 8x8 transform the stream is planned with */
    enum hwenc_backend backend_id; /* the backend the stream is planned for */
    int dts_delay;               /* 1 when packets come in coding order with B pictures */
    reorder_queue reorder;
    int64_t frames_in, packets_out;
    int64_t pts_history[PTS_HISTORY];

    int flushing;
    int finished;
    int failed;
    packet_check check;          /* every packet against the plan (packet_check.h) */
    int check_failed;

    int selection_count;
    hwenc_backend_info selection[REGISTRY_BACKENDS];
    char last_error[1024];       /* room for a failure and why each replacement could not take over */
    char logged_error[1024];     /* the last error given to the log callback, said once */

    /* Failover. Frames from resend_next to frames_in - 1 are retained but
     * not yet given to the backend in use (after a switch, or while it
     * wants packets received first). The backend numbers its frames from
     * index_base, the first frame it coded. */
    int bframes_cap;             /* B frames a (replacement) backend may get */
    retain_queue retained;
    packet_hold held;
    int64_t resend_next;
    int64_t index_base;
    unsigned tried;              /* backends that failed, by bit (1 << id) */
    int exhausted;               /* no backend left: this error stays */
    int failover_count;
    hwenc_failover_info failovers[REGISTRY_BACKENDS];

    /* Region-of-interest offsets of the frames not yet coded (roi.h). */
    roi_store roi;
    char roi_notice[256];
};

/* hwenc_packet gained vbv_overrun in what was padding after qp: the
 * layout that callers built against the header before it stays the same
 * on LP64, so their packets still have room for everything written. */
_Static_assert(sizeof(void *) != 8 || offsetof(hwenc_packet, recon) == 48,
               "hwenc_packet's layout changed: callers' structs would be too small");

static void set_error(hwenc_encoder *enc, const char *msg)
{
    snprintf(enc->last_error, sizeof(enc->last_error), "%s", msg);
}

/* A public call's result: an error it returns goes to the log callback
 * too, once (a failed encoder returns the same error on every call). */
static int returned(hwenc_encoder *enc, int ret)
{
    int failed = ret < 0 && ret != HWENC_EAGAIN && ret != HWENC_EOF;
    if ((failed || ret == HWENC_EOF) && enc->last_error[0] && strcmp(enc->last_error, enc->logged_error)) {
        hal_log(&enc->cfg, HWENC_LOG_ERROR, "%s", enc->last_error);
        memcpy(enc->logged_error, enc->last_error, sizeof(enc->logged_error));
    }
    return ret;
}

/* The profile and tools of the plan: the configuration's, cut to what the
 * backend reported it codes (try_backend). */
static void stream_profile(const hwenc_encoder *enc, h264_stream_desc *d)
{
    d->profile_idc = enc->tools.profile_idc;
    d->cabac = enc->tools.cabac;
    d->transform_8x8 = enc->tools.transform_8x8;
}

/* nal_hrd on the CPU backend: the NAL HRD of its rate control's VBV, which
 * then uses the rate and size as signalled (rounded up). The hardware
 * backends signal what their API lets them (hw/<backend>/README.md). */
static void stream_hrd(hwenc_encoder *enc)
{
    const hwenc_config *c = &enc->cfg;
    if (enc->backend_id != HWENC_BACKEND_CPU || c->nal_hrd == HWENC_NAL_HRD_NONE)
        return;
    /* The VBV of cpu_fallback/ratecontrol.c: CBR at the bitrate, else at
     * the peak; the buffer one second at that rate unless given. */
    uint32_t rate = (uint32_t)(c->rc_mode == HWENC_RC_CBR || !c->vbv_maxrate_kbps ? c->bitrate_kbps
                                                                                   : c->vbv_maxrate_kbps) * 1000u;
    uint32_t size = c->vbv_bufsize_kbits ? (uint32_t)c->vbv_bufsize_kbits * 1000u : rate;
    h264_vui *vui = &enc->sps.vui;
    vui->nal_hrd_present = 1;
    h264_hrd_init(&vui->nal_hrd, rate, size, c->nal_hrd == HWENC_NAL_HRD_CBR);
    vui->low_delay_hrd = 0;
}

static int build_stream(hwenc_encoder *enc, char *err, size_t err_size)
{
    const hwenc_config *c = &enc->cfg;
    h264_stream_desc d = {
        .width = c->width,
        .height = c->height,
        .fps_num = c->fps_num,
        .fps_den = c->fps_den,
        .sar_num = c->sar_num,
        .sar_den = c->sar_den,
        .full_range = c->colour.full_range,
        .colour_primaries = c->colour.primaries,
        .transfer = c->colour.transfer,
        .matrix = c->colour.matrix,
        .chroma_sample_loc = c->colour.chroma_sample_loc,
        /* The future reference of B pictures takes one more place in the DPB. */
        .max_refs = c->ref_frames + (enc->bframes ? 1 : 0),
        .bframes = enc->bframes,
        .bitrate_kbps = c->rc_mode == HWENC_RC_CQP || c->rc_mode == HWENC_RC_CRF
                            ? 0
                            : (c->vbv_maxrate_kbps > c->bitrate_kbps ? c->vbv_maxrate_kbps : c->bitrate_kbps),
        .qp = c->rc_mode == HWENC_RC_CQP ? c->qp : 26,
        .deblock = c->deblock,
    };
    stream_profile(enc, &d);
    if (h264_stream_init(&d, &enc->sps, &enc->pps, err, err_size) < 0)
        return HWENC_EINVAL;
    stream_hrd(enc);
    enc->parameter_sets_size =
        h264_write_parameter_sets(enc->parameter_sets, sizeof(enc->parameter_sets), &enc->sps, &enc->pps);
    return enc->parameter_sets_size ? 0 : HWENC_EINVAL;
}

static int open_backend(hwenc_encoder *enc, const hal_backend *b, hal_caps *caps, char *err, size_t err_size)
{
    hal_session s = {
        .config = &enc->cfg,
        .codec = HWENC_CODEC_H264,
        .h264 = { .sps = &enc->sps, .pps = &enc->pps },
        .parameter_sets = enc->parameter_sets,
        .parameter_sets_size = enc->parameter_sets_size,
        .dpb_slots = enc->sps.max_num_ref_frames + 1,
        .bframes = enc->bframes,
    };
    memset(caps, 0, sizeof(*caps));
    return b->open(&s, &enc->priv, caps, err, err_size);
}

/* Under `auto`, a hardware backend must first code a few small frames as
 * planned; the user's stream never goes to one that cannot. */
static int test_before_trusting(hwenc_encoder *enc, enum hwenc_backend id, hwenc_backend_info *info)
{
    char found[200];
    int ret = test_encode_run(&enc->cfg, id, found, sizeof(found));
    size_t n = strlen(info->reason);
    if (ret < 0) {
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "test encode failed: %s", found);
        return ret == HWENC_ENOMEM ? ret : HWENC_EBACKEND;
    }
    snprintf(info->reason + n, sizeof(info->reason) - n, "; test encode passed: %s", found);
    return 0;
}

static int try_backend(hwenc_encoder *enc, enum hwenc_backend id, int test_first, hwenc_backend_info *info)
{
    registry_probe_one(id, &enc->cfg, info);
    if (!info->available)
        return HWENC_ENOBACKEND;
    if (test_first && test_before_trusting(enc, id, info) < 0)
        return HWENC_EBACKEND;
    const hal_backend *b = hal_backend_get(id);
    char err[256] = "";
    hal_caps caps;
    enc->bframes = enc->bframes_cap;
    enc->backend_id = id;
    enc->tools = config_h264_tools(&enc->cfg, id != HWENC_BACKEND_CPU, enc->bframes);
    const h264_tools asked = enc->tools;
    int ret = build_stream(enc, err, sizeof(err));
    if (ret == 0)
        ret = open_backend(enc, b, &caps, err, sizeof(err));
    /* A backend that takes fewer B frames, or fewer of the profile's tools,
     * gets a stream planned for what it takes (its SPS and PPS differ), so
     * it is opened again; one that decides the picture types plans its
     * own. Baseline, where the device has nothing more, has no B slices. */
    int takes = caps.max_refs > 0 && caps.max_bframes < enc->bframes ? caps.max_bframes : enc->bframes;
    if (ret == 0 && caps.max_refs <= 0)
        takes = 0;
    int fewer_tools = ret == 0 && h264_tools_limit(&enc->tools, &caps.tools);
    if (enc->tools.profile_idc == H264_PROFILE_BASELINE)
        takes = 0;
    if (ret == 0 && caps.decides_types)
        enc->bframes = 0;
    else if (ret == 0 && (takes != enc->bframes || fewer_tools)) {
        b->close(enc->priv);
        enc->priv = NULL;
        enc->bframes = takes;
        ret = build_stream(enc, err, sizeof(err));
        if (ret == 0)
            ret = open_backend(enc, b, &caps, err, sizeof(err));
        /* The second open must take what the first said it codes. */
        if (ret == 0 && h264_tools_limit(&enc->tools, &caps.tools)) {
            b->close(enc->priv);
            snprintf(err, sizeof(err), "internal error: the backend refused the tools it offered");
            ret = HWENC_EBACKEND;
        }
    }
    if (ret < 0) {
        enc->priv = NULL;
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "failed to open: %s", err[0] ? err : hwenc_error_string(ret));
        return ret;
    }
    if (enc->bframes && reorder_init(&enc->reorder, enc->bframes, enc->cfg.width, enc->cfg.height) < 0) {
        reorder_free(&enc->reorder);
        b->close(enc->priv);
        enc->priv = NULL;
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "out of memory for the B-frame queue");
        return HWENC_ENOMEM;
    }
    enc->dts_delay = caps.decides_types ? caps.max_bframes > 0 : enc->bframes > 0;
    if (packet_check_init(&enc->check, enc->cfg.width, enc->cfg.height) < 0) {
        reorder_free(&enc->reorder);
        b->close(enc->priv);
        enc->priv = NULL;
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "out of memory for the packet check");
        return HWENC_ENOMEM;
    }
    if (caps.decides_types)
        packet_check_backend_decides(&enc->check, caps.max_bframes);
    enc->backend = b;
    enc->caps = caps;
    if (id != HWENC_BACKEND_CPU)
        h264_tools_note(&enc->tools, &asked, caps.tools_why, info->reason, sizeof(info->reason));
    int refs = caps.max_refs < enc->cfg.ref_frames ? caps.max_refs : enc->cfg.ref_frames;
    /* H.264 counts a frame's POC in steps of 2, one per field. */
    gop_init(&enc->gop, &enc->cfg, enc->sps.max_num_ref_frames, enc->sps.max_num_ref_frames + 1, refs, 2);
    h264_syntax_init(&enc->h264, &enc->cfg, &enc->sps, &enc->pps);
    return 0;
}

static int select_backend(hwenc_encoder *enc, char *err, size_t err_size)
{
    enum hwenc_backend wanted = enc->cfg.backend;
    const char *env = getenv("HWENC_BACKEND");
    if (wanted == HWENC_BACKEND_AUTO && env && *env) {
        int id = hwenc_backend_from_name(env);
        if (id < 0) {
            snprintf(err, err_size, "HWENC_BACKEND=%s is not a backend (auto, vaapi, nvenc, vulkan, cpu)", env);
            return HWENC_EINVAL;
        }
        wanted = (enum hwenc_backend)id;
    }
    int last = HWENC_ENOBACKEND;
    for (int i = 0; i < REGISTRY_BACKENDS; i++) {
        enum hwenc_backend id = registry_auto_order[i];
        if (wanted != HWENC_BACKEND_AUTO && id != wanted)
            continue;
        /* An explicit choice is not tested: the caller picked it, perhaps
         * for its device handles. Its packets are checked all the same. */
        int test_first = wanted == HWENC_BACKEND_AUTO && id != HWENC_BACKEND_CPU && !enc->cfg.skip_test_encode;
        hwenc_backend_info *info = &enc->selection[enc->selection_count++];
        last = try_backend(enc, id, test_first, info);
        if (last == 0) {
            size_t n = strlen(info->reason);
            if (wanted != HWENC_BACKEND_AUTO)
                snprintf(info->reason + n, sizeof(info->reason) - n, "; chosen explicitly, so not test-encoded");
            else if (id != HWENC_BACKEND_CPU && enc->cfg.skip_test_encode)
                snprintf(info->reason + n, sizeof(info->reason) - n, "; test encode skipped (skip_test_encode)");
            hal_log(&enc->cfg, HWENC_LOG_INFO, "backend %s: %s", hwenc_backend_name(id), info->reason);
            return 0;
        }
        /* A backend that is there but failed (its test encode, its open)
         * is a fallback the caller should hear of; one that is simply
         * absent is not. */
        hal_log(&enc->cfg, last == HWENC_ENOBACKEND ? HWENC_LOG_INFO : HWENC_LOG_WARNING,
                "backend %s passed over: %s", hwenc_backend_name(id), info->reason);
    }
    size_t n = (size_t)snprintf(err, err_size, "no backend could be opened:");
    for (int i = 0; i < enc->selection_count && n < err_size; i++)
        n += (size_t)snprintf(err + n, err_size - n, " %s: %s;", hwenc_backend_name(enc->selection[i].backend),
                              enc->selection[i].reason);
    return wanted == HWENC_BACKEND_AUTO ? HWENC_ENOBACKEND : (last == HWENC_ENOBACKEND ? HWENC_EUNSUPPORTED : last);
}

int hwenc_open_ex(const hwenc_config *cfg, hwenc_encoder **out, char *err, size_t err_size)
{
    char dummy[8];
    if (!err || !err_size) {
        err = dummy;
        err_size = sizeof(dummy);
    }
    err[0] = 0;
    if (!out) {
        snprintf(err, err_size, "hwenc_open: the output pointer is NULL");
        return HWENC_EINVAL;
    }
    *out = NULL;
    if (!cfg) {
        snprintf(err, err_size, "hwenc_open: the configuration is NULL");
        return HWENC_EINVAL;
    }
    hwenc_config imported;
    int ret = config_import(cfg, &imported, err, err_size);
    if (ret < 0)
        return ret;
    cfg = &imported;
    if ((ret = config_validate(cfg, err, err_size)) < 0) {
        hal_log(cfg, HWENC_LOG_ERROR, "%s", err);
        return ret;
    }
    hwenc_encoder *enc = calloc(1, sizeof(*enc));
    if (!enc)
        return HWENC_ENOMEM;
    enc->cfg = *cfg;
    if (cfg->device) {
        snprintf(enc->device, sizeof(enc->device), "%s", cfg->device);
        enc->cfg.device = enc->device;
    }
    if (cfg->cpu_level) {
        snprintf(enc->cpu_level, sizeof(enc->cpu_level), "%s", cfg->cpu_level);
        enc->cfg.cpu_level = enc->cpu_level;
    }
    if (frame_analysis_init(&enc->analysis, cfg->width, cfg->height, cfg->cpu_level) < 0) {
        hwenc_close(enc);
        return HWENC_ENOMEM;
    }
    /* The stream is built once here for its error message (no level fits),
     * and again for each backend tried, which may take fewer B frames. */
    enc->bframes = enc->bframes_cap = cfg->bframes;
    enc->tools = config_h264_tools(cfg, 0, enc->bframes);
    retain_init(&enc->retained, cfg->width, cfg->height, cfg->pixel_format);
    roi_store_init(&enc->roi, cfg->width, cfg->height);
    hold_init(&enc->held, cfg->width, cfg->height, cfg->want_recon);
    if ((ret = build_stream(enc, err, err_size)) < 0 || (ret = select_backend(enc, err, err_size)) < 0) {
        hal_log(cfg, HWENC_LOG_ERROR, "%s", err);
        hwenc_close(enc);
        return ret;
    }
    *out = enc;
    return 0;
}

int hwenc_open(const hwenc_config *cfg, hwenc_encoder **enc)
{
    return hwenc_open_ex(cfg, enc, NULL, 0);
}

enum hwenc_backend hwenc_get_backend(const hwenc_encoder *enc)
{
    return enc && enc->backend ? enc->backend->id : HWENC_BACKEND_AUTO;
}

int hwenc_get_selection(const hwenc_encoder *enc, hwenc_backend_info *info, int max)
{
    if (!enc)
        return HWENC_EINVAL;
    for (int i = 0; info && i < enc->selection_count && i < max; i++)
        info[i] = enc->selection[i];
    return enc->selection_count;
}

int hwenc_get_failovers(const hwenc_encoder *enc, hwenc_failover_info *info, int max)
{
    if (!enc)
        return HWENC_EINVAL;
    for (int i = 0; info && i < enc->failover_count && i < max; i++)
        info[i] = enc->failovers[i];
    return enc->failover_count;
}

static int check_frame(hwenc_encoder *enc, const hwenc_frame *f)
{
    const hwenc_config *c = &enc->cfg;
    if (f->cuda_ptr) {
        if (enc->backend->id != HWENC_BACKEND_NVENC) {
            set_error(enc, "CUDA device memory input needs the NVENC backend");
            return HWENC_EUNSUPPORTED;
        }
        if (f->cuda_pitch < c->width || (f->cuda_pitch & 3)) {
            snprintf(enc->last_error, sizeof(enc->last_error),
                     "cuda_pitch %d must be a multiple of 4 and at least the width %d", f->cuda_pitch, c->width);
            return HWENC_EINVAL;
        }
        return 0;
    }
    int planes = c->pixel_format == HWENC_PIXFMT_NV12 ? 2 : 3;
    for (int p = 0; p < planes; p++) {
        ptrdiff_t min_stride = p == 0 || planes == 2 ? c->width : c->width / 2;
        if (!f->plane[p] || f->stride[p] < min_stride) {
            snprintf(enc->last_error, sizeof(enc->last_error),
                     "frame plane %d is NULL or its stride %td is below %td for width %d", p, f->stride[p],
                     min_stride, c->width);
            return HWENC_EINVAL;
        }
    }
    return 0;
}

/* Hands one planned picture to the backend; HWENC_EAGAIN leaves the GOP
 * state as it was. */
static int send_picture(hwenc_encoder *enc, hal_picture *pic)
{
    h264_syntax_plan(&enc->h264, pic);
    if (pic->type == HWENC_FRAME_IDR) {
        pic->parameter_sets = enc->parameter_sets;
        pic->parameter_sets_size = enc->parameter_sets_size;
    }
    /* A backend numbers the frames from the first it was given. */
    hal_picture local = *pic;
    local.display_index -= enc->index_base;
    local.roi = roi_store_picture(&enc->roi, pic->display_index, &enc->caps.roi, hwenc_backend_name(enc->backend->id),
                                  enc->caps.roi_why, enc->roi_notice, sizeof(enc->roi_notice));
    char err[256] = "";
    int ret = enc->backend->send_picture(enc->priv, &local, err, sizeof(err));
    if (ret == HWENC_EAGAIN)
        return ret;
    if (ret == 0)
        ret = packet_check_sent(&enc->check, &local, err, sizeof(err));
    if (ret < 0) {
        enc->failed = 1;
        set_error(enc, err[0] ? err : hwenc_error_string(ret));
        return ret;
    }
    gop_commit(&enc->gop, pic);
    h264_syntax_commit(&enc->h264, pic);
    /* With failover the offsets stay with the retained frame. */
    if (!enc->cfg.failover)
        roi_store_drop(&enc->roi, pic->display_index);
    return 0;
}

/* Without B frames: plan and send the frame at once (no copy). */
static int send_in_order(hwenc_encoder *enc, const hwenc_frame *frame, int64_t index, const frame_cost *cost)
{
    hal_picture pic;
    memset(&pic, 0, sizeof(pic));
    int idr = gop_wants_idr(&enc->gop, index, frame->force_idr, cost);
    gop_plan(&enc->gop, idr ? HWENC_FRAME_IDR : HWENC_FRAME_P, index, &pic);
    pic.cost = *cost;
    pic.fresh_start = frame->force_idr;
    int planes = enc->cfg.pixel_format == HWENC_PIXFMT_NV12 ? 2 : 3;
    for (int p = 0; p < planes; p++) {
        pic.input.plane[p] = frame->plane[p];
        pic.input.stride[p] = frame->stride[p];
    }
    pic.pts = frame->pts;
    if (frame->cuda_ptr) {
        pic.input.kind = HAL_INPUT_CUDA;
        pic.input.cuda_ptr = frame->cuda_ptr;
        pic.input.cuda_pitch = frame->cuda_pitch;
    }
    return send_picture(enc, &pic);
}

/* With B frames: sends what the reorder queue has decided, in coding
 * order, until the backend wants its packets received first. */
static int send_decided(hwenc_encoder *enc)
{
    for (;;) {
        /* The end of the stream is near only once every frame is queued. */
        reorder_decide(&enc->reorder, &enc->gop, enc->flushing && enc->resend_next >= enc->frames_in);
        const reorder_frame *f = reorder_peek(&enc->reorder);
        if (!f)
            return 0;
        hal_picture pic;
        memset(&pic, 0, sizeof(pic));
        gop_plan(&enc->gop, f->type, f->display_index, &pic);
        pic.cost = f->cost;
        pic.fresh_start = f->force_idr;
        for (int p = 0; p < 3; p++) {
            pic.input.plane[p] = f->plane[p];
            pic.input.stride[p] = f->stride[p];
        }
        pic.pts = f->pts;
        int ret = send_picture(enc, &pic);
        if (ret == HWENC_EAGAIN)
            return 0;
        if (ret < 0)
            return ret;
        reorder_pop(&enc->reorder);
    }
}

/* Gives the backend the frames it has not had yet: the retained ones
 * after a failover or an earlier HWENC_EAGAIN, and with B frames the
 * decided pictures of the reorder queue. Returns 0 once it has them all or
 * wants packets received first. */
static int feed_pending(hwenc_encoder *enc)
{
    for (;;) {
        int ret;
        if (enc->bframes && (ret = send_decided(enc)) < 0)
            return ret;
        if (enc->resend_next >= enc->frames_in)
            return 0;
        const retained_frame *r = retain_get(&enc->retained, enc->resend_next);
        if (enc->bframes) {
            if (!reorder_can_take(&enc->reorder))
                return 0;
            reorder_take(&enc->reorder, &r->frame, enc->cfg.width, enc->cfg.height, enc->cfg.pixel_format,
                         enc->resend_next, &r->cost);
        } else {
            ret = send_in_order(enc, &r->frame, enc->resend_next, &r->cost);
            if (ret == HWENC_EAGAIN)
                return 0;
            if (ret < 0)
                return ret;
        }
        enc->resend_next++;
    }
}

/* The next backend to take over from origin: the one named in
 * failover_backend, then those after origin in `auto` order; each once. */
static enum hwenc_backend next_candidate(const hwenc_encoder *enc, enum hwenc_backend origin)
{
    enum hwenc_backend named = enc->cfg.failover_backend;
    if (named != HWENC_BACKEND_AUTO && !(enc->tried & (1u << named)))
        return named;
    int after = 0;
    for (int i = 0; i < REGISTRY_BACKENDS; i++) {
        enum hwenc_backend id = registry_auto_order[i];
        if (after && !(enc->tried & (1u << id)))
            return id;
        after |= id == origin;
    }
    return HWENC_BACKEND_AUTO;
}

/* The backend in use failed with error (its reason in last_error): closes
 * it and opens the next that will, which then codes every frame not yet
 * handed out, from an IDR. The packets held back but not completing a
 * prefix go; the frames are all retained. */
static int fail_over(hwenc_encoder *enc, int error)
{
    hwenc_failover_info *f = &enc->failovers[enc->failover_count];
    memset(f, 0, sizeof(*f));
    f->from = enc->backend->id;
    f->frame = enc->held.prefix;
    size_t n = (size_t)snprintf(f->reason, sizeof(f->reason), "%s", enc->last_error);
    enc->tried |= 1u << f->from;
    enc->backend->close(enc->priv);
    enc->backend = NULL;
    enc->priv = NULL;
    reorder_free(&enc->reorder);
    packet_check_free(&enc->check);
    hold_discard(&enc->held);
    int idr_count = enc->h264.idr_count, last_idr_pic_id = enc->h264.last_idr_pic_id;
    /* From display order to coding order would need a dts before the last
     * one handed out. */
    if (!enc->dts_delay)
        enc->bframes_cap = 0;
    /* device names a device of the backend opened first (a render node,
     * a GPU index): the others take their first. */
    enc->cfg.device = NULL;
    for (enum hwenc_backend id; (id = next_candidate(enc, f->from)) != HWENC_BACKEND_AUTO;) {
        enc->tried |= 1u << id;
        hwenc_backend_info info;
        int test_first = id != HWENC_BACKEND_CPU && !enc->cfg.skip_test_encode;
        if (try_backend(enc, id, test_first, &info) == 0) {
            /* Consecutive IDRs need different idr_pic_id (7.4.3). */
            enc->h264.idr_count = idr_count;
            enc->h264.last_idr_pic_id = last_idr_pic_id;
            enc->index_base = enc->resend_next = f->frame;
            enc->failed = 0;
            f->to = id;
            enc->failover_count++;
            hal_log(&enc->cfg, HWENC_LOG_WARNING, "failover: the %s backend failed: %s", hwenc_backend_name(f->from),
                    f->reason);
            hal_log(&enc->cfg, HWENC_LOG_WARNING, "failover: %s goes on from frame %lld with an IDR; no frame is lost",
                    hwenc_backend_name(id), (long long)f->frame);
            /* Said as a warning: not an error of the call that hits it. */
            memcpy(enc->logged_error, enc->last_error, sizeof(enc->logged_error));
            return 0;
        }
        if (n < sizeof(f->reason))
            n += (size_t)snprintf(f->reason + n, sizeof(f->reason) - n, "; %s could not take over: %s",
                                  hwenc_backend_name(id), info.reason);
    }
    snprintf(enc->last_error, sizeof(enc->last_error), "%s; no backend is left to fail over to", f->reason);
    enc->failed = 1;
    return enc->exhausted = error == HWENC_EDEVICE_LOST ? error : HWENC_EBACKEND;
}

/* Feeds the backend, failing over as often as backends fail. */
static int feed_or_fail_over(hwenc_encoder *enc)
{
    for (;;) {
        int ret = feed_pending(enc);
        if (ret >= 0 || !enc->failed || enc->exhausted)
            return ret;
        if ((ret = fail_over(enc, ret)) < 0)
            return ret;
    }
}

/* With failover: the frame is copied first and given to the backend from
 * the copy, after any frames still waiting for it. */
static int send_with_failover(hwenc_encoder *enc, const hwenc_frame *frame)
{
    int ret = feed_or_fail_over(enc);
    if (ret < 0 || !frame)
        return ret;
    if (enc->resend_next < enc->frames_in)
        return HWENC_EAGAIN;
    frame_cost cost = { 0 };
    frame_analysis_run(&enc->analysis, frame->plane[0], frame->stride[0], enc->cfg.width, enc->cfg.height,
                       enc->backend->run_parallel, enc->priv, &cost);
    if ((ret = retain_push(&enc->retained, frame, &cost)) < 0) {
        set_error(enc, "out of memory for the copy of a frame kept for failover");
        return ret;
    }
    enc->pts_history[enc->frames_in % PTS_HISTORY] = frame->pts;
    enc->frames_in++;
    ret = feed_or_fail_over(enc);
    return ret < 0 ? ret : 0;
}

static int send_frame(hwenc_encoder *enc, const hwenc_frame *frame)
{
    if (enc->failed)
        return HWENC_ESTATE;
    if (enc->flushing) {
        set_error(enc, "hwenc_send_frame after a flush: open a new encoder to encode more");
        return HWENC_ESTATE;
    }
    if (!frame) {
        enc->flushing = 1;
        if (enc->cfg.failover)
            return send_with_failover(enc, NULL);
        return enc->bframes ? send_decided(enc) : 0;
    }
    int ret = check_frame(enc, frame);
    if (ret < 0)
        return ret;
    if (enc->cfg.failover) {
        if (frame->cuda_ptr) {
            set_error(enc, "CUDA device memory input cannot be kept for failover: set failover 0");
            return HWENC_EUNSUPPORTED;
        }
        return send_with_failover(enc, frame);
    }
    if (enc->bframes) {
        if (frame->cuda_ptr) {
            set_error(enc, "CUDA device memory input cannot wait for B-frame reordering: use bframes 0");
            return HWENC_EUNSUPPORTED;
        }
        if ((ret = send_decided(enc)) < 0)
            return ret;
        if (!reorder_can_take(&enc->reorder))
            return HWENC_EAGAIN;
    }

    /* Frames in device memory cannot be looked at: no scene cuts for them. */
    frame_cost cost = { 0 };
    if (!frame->cuda_ptr)
        frame_analysis_run(&enc->analysis, frame->plane[0], frame->stride[0], enc->cfg.width, enc->cfg.height,
                           enc->backend->run_parallel, enc->priv, &cost);
    if (!enc->bframes) {
        if ((ret = send_in_order(enc, frame, enc->frames_in, &cost)) < 0)
            return ret;
    } else {
        reorder_take(&enc->reorder, frame, enc->cfg.width, enc->cfg.height, enc->cfg.pixel_format,
                     enc->frames_in, &cost);
        if ((ret = send_decided(enc)) < 0)
            return ret;
    }
    enc->pts_history[enc->frames_in % PTS_HISTORY] = frame->pts;
    enc->resend_next = ++enc->frames_in;
    return 0;
}

int hwenc_send_frame(hwenc_encoder *enc, const hwenc_frame *frame)
{
    if (!enc)
        return HWENC_EINVAL;
    return returned(enc, send_frame(enc, frame));
}

int hwenc_send_frame_roi(hwenc_encoder *enc, const hwenc_frame *frame, const hwenc_roi *roi)
{
    if (!enc || !roi)
        return hwenc_send_frame(enc, frame);
    if (!frame) {
        set_error(enc, "hwenc_send_frame_roi: a flush (frame NULL) takes no ROI");
        return HWENC_EINVAL;
    }
    char err[256];
    int ret = roi_check(roi, enc->cfg.width, enc->cfg.height, err, sizeof(err));
    if (ret < 0) {
        set_error(enc, err);
        return ret;
    }
    const int64_t index = enc->frames_in;
    if ((ret = roi_store_put(&enc->roi, index, roi)) < 0) {
        set_error(enc, "out of memory for a frame's ROI offsets");
        return ret;
    }
    ret = hwenc_send_frame(enc, frame);
    if (enc->frames_in == index)
        roi_store_drop(&enc->roi, index);
    return ret;
}

int hwenc_get_roi_caps(const hwenc_encoder *enc, hwenc_roi_caps *caps)
{
    if (!enc || !caps)
        return HWENC_EINVAL;
    if (!enc->backend)
        return HWENC_EBACKEND;
    *caps = enc->caps.roi;
    return 0;
}

const char *hwenc_roi_notice(const hwenc_encoder *enc)
{
    return enc ? enc->roi_notice : "";
}

/* Decoding time stamps. Without reordering dts = pts. With B frames (not
 * references, so one picture of reorder delay) the k-th packet in decoding
 * order gets the pts of the (k-1)-th frame in display order, and the first
 * packet one frame interval before its pts: every dts is then at most its
 * pts and they increase. */
static int packet_dts(hwenc_encoder *enc, int64_t pts, int64_t *dts)
{
    int64_t k = enc->packets_out;
    if (!enc->dts_delay) {
        *dts = pts;
        return 0;
    }
    if (enc->frames_in - k + 1 > PTS_HISTORY) {
        set_error(enc, "more frames in flight than the time-stamp history holds");
        return HWENC_EBACKEND;
    }
    if (k == 0)
        *dts = enc->frames_in > 1 ? 2 * enc->pts_history[0] - enc->pts_history[1] : pts;
    else
        *dts = enc->pts_history[(k - 1) % PTS_HISTORY];
    return 0;
}

static int receive_from_backend(hwenc_encoder *enc, hal_packet *hp)
{
    char err[256] = "";
    for (;;) {
        /* After a failure the packets the backend already made are still
         * handed out, as in a flush. */
        int unfed = enc->resend_next < enc->frames_in || (enc->bframes && !reorder_empty(&enc->reorder));
        int drain = enc->failed || (enc->flushing && !unfed);
        int ret = enc->backend->receive_packet(enc->priv, drain, hp, err, sizeof(err));
        if (ret == HWENC_EOF && drain)
            enc->finished = 1;
        if (ret == HWENC_EAGAIN && !enc->failed && unfed) {
            /* The backend may have been waiting for this receive to take
             * the next picture. */
            int64_t before = enc->gop.frames;
            int sent = feed_pending(enc);
            if (sent < 0)
                return sent;
            if (enc->gop.frames != before)
                continue;
        }
        if (ret < 0 && ret != HWENC_EAGAIN && ret != HWENC_EOF) {
            enc->failed = 1;
            set_error(enc, err[0] ? err : hwenc_error_string(ret));
        }
        return ret;
    }
}

/* A packet that is not what was planned ends the encode: what follows it
 * could not be decoded as the user expects. */
static int check_packet(hwenc_encoder *enc, int ret, const hal_packet *hp)
{
    char err[512] = "";
    int backend_failed = enc->failed;
    if (ret == 0)
        ret = packet_check_packet(&enc->check, hp, err, sizeof(err));
    else if (ret == HWENC_EOF && !enc->failed) /* after a failure, pictures are missing for a reason given */
        ret = packet_check_finish(&enc->check, err, sizeof(err)) < 0 ? HWENC_EBACKEND : HWENC_EOF;
    if (ret != HWENC_EBACKEND || !err[0])
        return ret;
    enc->failed = enc->check_failed = 1;
    size_t n = strlen(enc->last_error);
    if (backend_failed)
        /* A picture the backend coded after the one that failed may
         * predict from it: handing it out would give the caller a stream
         * that does not decode. The failure's own message stays first. */
        snprintf(enc->last_error + n, sizeof(enc->last_error) - n,
                 "; frame %lld, coded after it, is left out: it may predict from the lost picture",
                 (long long)hp->display_index);
    else
        snprintf(enc->last_error, sizeof(enc->last_error), "%s backend: %s", hwenc_backend_name(enc->backend->id),
                 err);
    return ret;
}

/* With failover: a packet is handed out once the packets out cover a
 * display-order prefix (retain.h); a failed backend, or a packet that is
 * not what was planned, makes the next backend take over. */
static int receive_with_failover(hwenc_encoder *enc, hal_packet *hp)
{
    for (;;) {
        const hal_packet *held = hold_next(&enc->held);
        if (held) {
            *hp = *held;
            return 0;
        }
        if (enc->exhausted)
            return enc->exhausted;
        if (enc->finished)
            return HWENC_EOF;
        char err[512] = "";
        int ret = receive_from_backend(enc, hp);
        if (ret == 0 && packet_check_packet(&enc->check, hp, err, sizeof(err)) < 0)
            ret = HWENC_EBACKEND;
        else if (ret == HWENC_EOF && packet_check_finish(&enc->check, err, sizeof(err)) < 0)
            ret = HWENC_EBACKEND;
        if (err[0]) {
            snprintf(enc->last_error, sizeof(enc->last_error), "%s backend: %s", hwenc_backend_name(enc->backend->id),
                     err);
            enc->failed = 1;
            enc->finished = 0;
        }
        if (enc->failed && enc->flushing && enc->held.prefix == enc->frames_in) {
            /* Every frame is out: nothing is left to code again. */
            enc->finished = 1;
            return HWENC_EOF;
        }
        if (enc->failed) {
            if ((ret = fail_over(enc, ret)) < 0 || (ret = feed_or_fail_over(enc)) < 0)
                return ret;
            continue;
        }
        if (ret < 0)
            return ret;
        hp->display_index += enc->index_base;
        ret = hold_push(&enc->held, hp);
        if (ret < 0) {
            enc->failed = 1;
            enc->exhausted = ret;
            set_error(enc, "out of memory for a packet held for failover");
            return ret;
        }
        retain_drop_before(&enc->retained, enc->held.prefix);
        roi_store_drop_before(&enc->roi, enc->held.prefix);
        if (ret == 1)
            return 0;
    }
}

static int receive_packet(hwenc_encoder *enc, hwenc_packet *pkt)
{
    if (enc->check_failed)
        return HWENC_EBACKEND;
    if (enc->finished)
        return HWENC_EOF;
    /* The first packet's dts needs the second frame's pts. */
    if (enc->dts_delay && enc->packets_out == 0 && enc->frames_in < 2 && !enc->flushing && !enc->failed)
        return HWENC_EAGAIN;
    hal_packet hp;
    int ret = enc->cfg.failover ? receive_with_failover(enc, &hp)
                                : check_packet(enc, receive_from_backend(enc, &hp), &hp);
    if (ret < 0)
        return ret;
    memset(pkt, 0, sizeof(*pkt));
    if ((ret = packet_dts(enc, hp.pts, &pkt->dts)) < 0)
        return ret;
    enc->packets_out++;
    pkt->data = hp.data;
    pkt->size = hp.size;
    pkt->pts = hp.pts;
    pkt->type = hp.type;
    pkt->keyframe = hp.type == HWENC_FRAME_IDR;
    if (pkt->keyframe)
        extradata_update(&enc->extradata, hp.data, hp.size);
    pkt->qp = hp.qp;
    pkt->vbv_overrun = hp.vbv_overrun;
    if (enc->cfg.want_recon)
        for (int p = 0; p < 3; p++) {
            pkt->recon[p] = hp.recon[p];
            pkt->recon_stride[p] = hp.recon_stride[p];
        }
    return 0;
}

int hwenc_receive_packet(hwenc_encoder *enc, hwenc_packet *pkt)
{
    if (!enc || !pkt)
        return HWENC_EINVAL;
    return returned(enc, receive_packet(enc, pkt));
}

int hwenc_get_extradata(const hwenc_encoder *enc, uint8_t *buf, size_t size)
{
    if (!enc || (size && !buf))
        return HWENC_EINVAL;
    if (!enc->extradata.size)
        return HWENC_EAGAIN;
    if (size >= enc->extradata.size)
        memcpy(buf, enc->extradata.data, enc->extradata.size);
    return (int)enc->extradata.size;
}

int hwenc_get_extradata_avcc(const hwenc_encoder *enc, uint8_t *buf, size_t size)
{
    if (!enc || (size && !buf))
        return HWENC_EINVAL;
    if (!enc->extradata.size)
        return HWENC_EAGAIN;
    uint8_t record[EXTRADATA_MAX + 16];
    size_t n = extradata_avcc(&enc->extradata, record, sizeof(record));
    if (!n || n > sizeof(record))
        return HWENC_EBACKEND; /* the backend's SPS/PPS (checked when the IDR came) cannot be: never expected */
    if (size >= n)
        memcpy(buf, record, n);
    return (int)n;
}

/* Everything that shapes the stream must stay as it was opened. */
static int same_stream(const hwenc_config *a, const hwenc_config *b)
{
    return a->codec == b->codec && a->width == b->width && a->height == b->height && a->fps_num == b->fps_num &&
           a->fps_den == b->fps_den && a->pixel_format == b->pixel_format && a->rc_mode == b->rc_mode &&
           a->preset == b->preset && a->keyint == b->keyint && a->ref_frames == b->ref_frames &&
           a->bframes == b->bframes && a->deblock == b->deblock && a->low_latency == b->low_latency &&
           a->nal_hrd == b->nal_hrd;
}

static int reconfigure(hwenc_encoder *enc, const hwenc_config *cfg)
{
    if (enc->failed || enc->flushing)
        return HWENC_ESTATE;
    char err[256] = "";
    hwenc_config imported;
    int ret = config_import(cfg, &imported, err, sizeof(err));
    if (ret == 0)
        ret = config_validate(&imported, err, sizeof(err));
    if (ret < 0) {
        set_error(enc, err);
        return ret;
    }
    cfg = &imported;
    if (!same_stream(&enc->cfg, cfg)) {
        set_error(enc, "hwenc_reconfigure changes only bitrate_kbps, vbv_maxrate_kbps, vbv_bufsize_kbits, qp and crf; "
                       "size, rate, format, mode, preset, keyint, references and nal_hrd must stay");
        return HWENC_EINVAL;
    }
    /* x264 refuses this too: the SPS has said the rate and the buffer. */
    if (cfg->nal_hrd != HWENC_NAL_HRD_NONE &&
        (cfg->bitrate_kbps != enc->cfg.bitrate_kbps || cfg->vbv_maxrate_kbps != enc->cfg.vbv_maxrate_kbps ||
         cfg->vbv_bufsize_kbits != enc->cfg.vbv_bufsize_kbits)) {
        set_error(enc, "with nal_hrd the stream's SPS states the rate and the buffer: hwenc_reconfigure cannot change "
                       "bitrate_kbps, vbv_maxrate_kbps or vbv_bufsize_kbits; open the encoder with nal_hrd HWENC_NAL_HRD_NONE to "
                       "change them");
        return HWENC_EUNSUPPORTED;
    }
    if (!enc->backend->reconfigure) {
        set_error(enc, "this backend cannot change its rate while encoding");
        return HWENC_EUNSUPPORTED;
    }
    ret = enc->backend->reconfigure(enc->priv, cfg, err, sizeof(err));
    if (ret < 0) {
        set_error(enc, err[0] ? err : hwenc_error_string(ret));
        return ret;
    }
    enc->cfg.bitrate_kbps = cfg->bitrate_kbps;
    enc->cfg.vbv_maxrate_kbps = cfg->vbv_maxrate_kbps;
    enc->cfg.vbv_bufsize_kbits = cfg->vbv_bufsize_kbits;
    enc->cfg.qp = cfg->qp;
    enc->cfg.crf = cfg->crf;
    return 0;
}

int hwenc_reconfigure(hwenc_encoder *enc, const hwenc_config *cfg)
{
    if (!enc || !cfg)
        return HWENC_EINVAL;
    return returned(enc, reconfigure(enc, cfg));
}

const char *hwenc_last_error(const hwenc_encoder *enc)
{
    return enc ? enc->last_error : "no encoder";
}

void hwenc_close(hwenc_encoder *enc)
{
    if (!enc)
        return;
    if (enc->backend)
        enc->backend->close(enc->priv);
    frame_analysis_free(&enc->analysis);
    reorder_free(&enc->reorder);
    packet_check_free(&enc->check);
    retain_free(&enc->retained);
    hold_free(&enc->held);
    roi_store_free(&enc->roi);
    free(enc);
}
