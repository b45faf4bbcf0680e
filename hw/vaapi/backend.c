/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The VA-API backend of the HAL: device and capabilities (device.c), the
 * config, surfaces, context and coded buffers here, and the pictures
 * themselves (picture.c).
 *
 * Pictures in flight, as FFmpeg's vaapi_encode keeps them: send_picture
 * hands a picture to the driver without waiting; receive_packet waits for
 * the oldest only once `depth` pictures are in flight (or when draining),
 * so the driver codes one picture while the next is uploaded. The depth is
 * FFmpeg's async_depth default of 2 where the driver implements vaSyncBuffer
 * (FFmpeg 5.1 keeps a single picture in flight otherwise), and 1 with
 * low_latency: one frame in, one packet out. Each picture in flight owns an
 * input surface and a coded buffer until its wait. Packets leave in coding
 * order; a picture that fails names its frame, and the pictures before it
 * are handed out all the same.
 *
 * Surfaces: one input surface per picture in flight, and one reconstructed
 * surface per DPB slot of the HAL plus one for non-reference pictures; the
 * HAL's slot numbers index e->recon directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/vaapi/backend.h"
#include "hw/core/config.h"
#include "hw/vaapi/internal.h"

static const char *rc_name(uint32_t mode)
{
    switch (mode) {
    case VA_RC_CQP: return "CQP";
    case VA_RC_CBR: return "CBR";
    case VA_RC_VBR: return "VBR";
    case VA_RC_ICQ: return "ICQ";
    case VA_RC_AVBR: return "AVBR";
    default: return "?";
    }
}

static int offers(const vaapi_caps *caps, uint32_t mode)
{
    return caps->rc_modes == VAAPI_ATTR_UNSUPPORTED ? mode == VA_RC_CQP : (caps->rc_modes & mode) != 0;
}

/* The driver's mode for the configured one, falling back as FFmpeg's
 * vaapi_encode_init_rate_control does: a one-pass average bitrate is
 * Intel's AVBR, else VBR, else CBR; constant quality is ICQ, else constant
 * QP (ICQ is missing on Mesa, i965 and iHD's EncSliceLP before Xe2). */
static uint32_t wanted_rc(const vaapi_caps *caps, enum hwenc_rate_control mode)
{
    switch (mode) {
    case HWENC_RC_CQP: return VA_RC_CQP;
    case HWENC_RC_CRF: return offers(caps, VA_RC_ICQ) ? VA_RC_ICQ : VA_RC_CQP;
    case HWENC_RC_CBR: return VA_RC_CBR;
    case HWENC_RC_VBR: return VA_RC_VBR;
    case HWENC_RC_ABR: return offers(caps, VA_RC_AVBR) ? VA_RC_AVBR : offers(caps, VA_RC_VBR) ? VA_RC_VBR : VA_RC_CBR;
    }
    return 0;
}

/* Rates as FFmpeg sends them: CBR at the bitrate; VBR peaks at
 * vbv_maxrate, or at twice the bitrate when none is given; AVBR targets
 * the bitrate alone (iHD reads bits_per_second as the target there). */
static void rc_rates(const hwenc_config *cfg, vaapi_rc *rc)
{
    rc->qp = cfg->qp;
    rc->quality = (int)(cfg->crf + 0.5);
    if (rc->quality < 1)
        rc->quality = 1;
    if (rc->mode == VA_RC_CQP && cfg->rc_mode == HWENC_RC_CRF)
        rc->qp = rc->quality > 51 ? 51 : rc->quality;
    rc->bitrate_kbps = cfg->bitrate_kbps;
    if (rc->mode == VA_RC_VBR)
        rc->maxrate_kbps = cfg->vbv_maxrate_kbps >= cfg->bitrate_kbps ? cfg->vbv_maxrate_kbps : 2 * cfg->bitrate_kbps;
    else
        rc->maxrate_kbps = cfg->bitrate_kbps;
    /* VBV buffer: one second at the peak rate unless given. */
    rc->bufsize_kbits = cfg->vbv_bufsize_kbits > 0 ? cfg->vbv_bufsize_kbits : rc->maxrate_kbps;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* num/den, or the nearest fraction (continued fractions) whose numerator
 * fits 16 bits and denominator 12: VA carries them in 16-bit halves and
 * iHD masks the denominator to 12 bits (ParseMiscParamFR). FFmpeg reduces
 * to 65535 only; 4095 costs nothing for real frame rates (1001). */
static void reduce_frame_rate(int64_t num, int64_t den, int *out_num, int *out_den)
{
    int64_t g = gcd(num, den);
    num /= g;
    den /= g;
    int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0, n = num, d = den;
    while (d) {
        int64_t a = n / d, p2 = a * p1 + p0, q2 = a * q1 + q0;
        if (p2 > 0xffff || q2 > 0xfff)
            break;
        p0 = p1, q0 = q1, p1 = p2, q1 = q2;
        int64_t r = n - a * d;
        n = d;
        d = r;
    }
    if (!q1) { /* the rate itself exceeds 65535/1 */
        p1 = 0xffff;
        q1 = 1;
    }
    *out_num = (int)p1;
    *out_den = (int)q1;
}

/* The driver's mode for the configured one, or a reason why there is none. */
static int choose_rc(const vaapi_device *dev, const vaapi_caps *caps, const hwenc_config *cfg, vaapi_rc *rc,
                     char *err, size_t err_size)
{
    memset(rc, 0, sizeof(*rc));
    uint32_t want = wanted_rc(caps, cfg->rc_mode);
    if (caps->max_width != VAAPI_ATTR_UNSUPPORTED && caps->max_height != VAAPI_ATTR_UNSUPPORTED &&
        ((int64_t)cfg->width > caps->max_width || (int64_t)cfg->height > caps->max_height)) {
        snprintf(err, err_size, "the VA driver '%s' encodes at most %lldx%lld, not %dx%d", dev->vendor,
                 (long long)caps->max_width, (long long)caps->max_height, cfg->width, cfg->height);
        return HWENC_EUNSUPPORTED;
    }
    if (caps->rc_modes == VAAPI_ATTR_UNSUPPORTED) {
        /* A driver that reports no modes does constant QP only, and must
         * not be given the attribute. */
        if (want != VA_RC_CQP) {
            snprintf(err, err_size, "the VA driver '%s' reports no rate-control modes, so it can only do constant "
                                    "QP; set rc_mode to CQP", dev->vendor);
            return HWENC_EUNSUPPORTED;
        }
        rc->mode = 0;
    } else if (!(caps->rc_modes & want)) {
        char have[128] = "";
        static const uint32_t modes[] = { VA_RC_CQP, VA_RC_CBR, VA_RC_VBR, VA_RC_ICQ, VA_RC_AVBR };
        size_t pos = 0;
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]) && pos < sizeof(have); i++)
            if (caps->rc_modes & modes[i])
                pos += (size_t)snprintf(have + pos, sizeof(have) - pos, " %s", rc_name(modes[i]));
        snprintf(err, err_size, "the VA driver '%s' does not offer %s rate control (it offers:%s); choose one of those",
                 dev->vendor, rc_name(want), have[0] ? have : " none");
        return HWENC_EUNSUPPORTED;
    } else {
        rc->mode = want;
    }
    rc_rates(cfg, rc);
    if (want != VA_RC_CQP && want != VA_RC_ICQ && cfg->bitrate_kbps <= 0) {
        snprintf(err, err_size, "%s rate control needs a bitrate (bitrate_kbps > 0)", rc_name(want));
        return HWENC_EINVAL;
    }
    reduce_frame_rate(cfg->fps_num, cfg->fps_den, &rc->fps_num, &rc->fps_den);
    return 0;
}

static int max_refs(const vaapi_caps *caps)
{
    /* A driver that insists on a non-empty list 1 for every inter picture
     * cannot code our P pictures (we have no generalised-P pictures, which
     * would be B slices with both lists in the past): intra only. */
    if (caps->prediction_direction != VAAPI_ATTR_UNSUPPORTED &&
        (caps->prediction_direction & VA_PREDICTION_DIRECTION_BI_NOT_EMPTY))
        return 0;
    if (caps->max_refs_l0 < 0)
        return 1; /* not reported: every H.264 encoder takes one */
    return caps->max_refs_l0 > H264_MAX_REFS ? H264_MAX_REFS : caps->max_refs_l0;
}

/* B pictures need a Main/High encoder that takes a list 1 and says so:
 * an unreported list-1 size is taken as none. */
static int max_bframes(const vaapi_caps *caps)
{
    if (caps->profile == VAProfileH264ConstrainedBaseline || caps->max_refs_l1 <= 0 || max_refs(caps) <= 0)
        return 0;
    if (caps->prediction_direction != VAAPI_ATTR_UNSUPPORTED &&
        !(caps->prediction_direction & VA_PREDICTION_DIRECTION_FUTURE))
        return 0;
    return H264_MAX_REFS;
}

/* The profile and tools of the VA profile chosen (query_profiles). CABAC
 * under Main and High: iHD passes entropy_coding_mode_flag to its VME and
 * VDEnc (low-power) encoders (media_ddi_encode_avc.cpp ParsePicParams),
 * Mesa's radeonsi to VCN for Main and up (radeon_vcn_enc.c
 * spec_misc.cabac_enable), and FFmpeg's coder option defaults to CABAC.
 * The 8x8 transform needs VAProfileH264High (iHD clears it under Main and
 * Baseline, CodechalEncodeAvcBase::SetPictureStructs) and packed SPS and
 * PPS: a driver that writes its own (radeonsi, no packed headers) writes
 * whatever it codes, and Mesa's VCN codes the 8x8 transform only from VCN
 * 5.0 (radeon_vcn_enc.c spec_misc.transform_8x8_mode), dropping the flag
 * silently before, with nothing in VA-API that says which. */
static h264_tools vaapi_tools(const vaapi_caps *caps, const char **why)
{
    const int packed_ps = caps->packed_headers != VAAPI_ATTR_UNSUPPORTED &&
                          (caps->packed_headers & VA_ENC_PACKED_HEADER_SEQUENCE) &&
                          (caps->packed_headers & VA_ENC_PACKED_HEADER_PICTURE);
    h264_tools t = { .profile_idc = H264_PROFILE_HIGH, .cabac = 1, .transform_8x8 = packed_ps };
    *why = packed_ps ? NULL : "the VA driver takes no packed SPS and PPS and writes its own, which may leave the 8x8 "
                              "transform out (Mesa's VCN codes it only from VCN 5.0)";
    if (caps->profile == VAProfileH264Main) {
        t.profile_idc = H264_PROFILE_MAIN;
        *why = "the VA driver offers no VAProfileH264High encoder";
    } else if (caps->profile == VAProfileH264ConstrainedBaseline) {
        t.profile_idc = H264_PROFILE_BASELINE;
        *why = "the VA driver offers no VAProfileH264Main or High encoder";
    }
    return t;
}

static void vaapi_probe(const hwenc_config *cfg, hwenc_backend_info *info)
{
    vaapi_device dev;
    vaapi_caps caps;
    vaapi_rc rc;
    char err[256] = "";
    const h264_tools asked = config_h264_tools(cfg, 1, cfg->bframes);
    if (vaapi_device_open(&dev, cfg, asked.profile_idc, &caps, err, sizeof(err)) < 0) {
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "%s", err);
        if (cfg->device)
            snprintf(info->device, sizeof(info->device), "%s", cfg->device);
        return;
    }
    snprintf(info->device, sizeof(info->device), "%s", dev.path);
    snprintf(info->driver, sizeof(info->driver), "%s", dev.vendor);
    vaapi_caps_describe(&caps, info->capabilities, sizeof(info->capabilities));
    if (choose_rc(&dev, &caps, cfg, &rc, err, sizeof(err)) < 0) {
        info->available = 0;
        snprintf(info->reason, sizeof(info->reason), "%s", err);
    } else {
        info->available = 1;
        snprintf(info->reason, sizeof(info->reason), "H.264 %s encoding through %s", vaapi_profile_name(caps.profile),
                 caps.entrypoint == VAEntrypointEncSliceLP ? "EncSliceLP (low power)" : "EncSlice");
        const char *why;
        h264_tools coded = asked, max = vaapi_tools(&caps, &why);
        h264_tools_limit(&coded, &max);
        h264_tools_note(&coded, &asked, why, info->reason, sizeof(info->reason));
    }
    vaapi_device_close(&dev);
}

static void vaapi_close(void *priv)
{
    vaapi_encoder *e = priv;
    if (!e)
        return;
    const va_api *va = &e->dev.va;
    VADisplay dpy = e->dev.display;
    if (dpy) {
        /* Pictures still in flight (closed without draining) are waited
         * for before their buffers go, as FFmpeg's vaapi_encode_discard. */
        for (; e->in_flight; e->in_flight--, e->head = (e->head + 1) % e->depth) {
            const vaapi_slot *slot = &e->slots[e->head];
            if (e->sync_buffer)
                va->vaSyncBuffer(dpy, slot->coded, VA_TIMEOUT_INFINITE);
            else
                va->vaSyncSurface(dpy, slot->input);
        }
        if (e->image.image_id != VA_INVALID_ID)
            va->vaDestroyImage(dpy, e->image.image_id);
        for (int i = 0; i < VAAPI_ASYNC_DEPTH; i++)
            if (e->slots[i].coded != VA_INVALID_ID)
                va->vaDestroyBuffer(dpy, e->slots[i].coded);
        if (e->context != VA_INVALID_ID)
            va->vaDestroyContext(dpy, e->context);
        for (int i = 0; i < e->recon_count; i++)
            if (e->recon[i] != VA_INVALID_SURFACE)
                va->vaDestroySurfaces(dpy, &e->recon[i], 1);
        for (int i = 0; i < VAAPI_ASYNC_DEPTH; i++)
            if (e->slots[i].input != VA_INVALID_SURFACE)
                va->vaDestroySurfaces(dpy, &e->slots[i].input, 1);
        if (e->config != VA_INVALID_ID)
            va->vaDestroyConfig(dpy, e->config);
    }
    vaapi_device_close(&e->dev);
    free(e->parameter_sets);
    free(e->out);
    free(e);
}

static int create_config(vaapi_encoder *e, char *err, size_t err_size)
{
    VAConfigAttrib attrs[3];
    int n = 0;
    attrs[n++] = (VAConfigAttrib){ .type = VAConfigAttribRTFormat, .value = VA_RT_FORMAT_YUV420 };
    if (e->rc.mode)
        attrs[n++] = (VAConfigAttrib){ .type = VAConfigAttribRateControl, .value = e->rc.mode };
    if (e->caps.packed_headers != VAAPI_ATTR_UNSUPPORTED)
        attrs[n++] = (VAConfigAttrib){ .type = VAConfigAttribEncPackedHeaders, .value = e->packed };
    VAStatus st = e->dev.va.vaCreateConfig(e->dev.display, e->caps.profile, e->caps.entrypoint, attrs, n, &e->config);
    if (st != VA_STATUS_SUCCESS) {
        e->config = VA_INVALID_ID;
        vaapi_error(&e->dev, st, "vaCreateConfig", err, err_size);
        return HWENC_EBACKEND;
    }
    return 0;
}

static void find_nv12_format(vaapi_encoder *e)
{
    /* The format vaCreateImage gets; without a listed one, the plain
     * NV12 description every driver matches by fourcc. */
    e->nv12 = (VAImageFormat){ .fourcc = VA_FOURCC_NV12, .byte_order = VA_LSB_FIRST, .bits_per_pixel = 12 };
    int max = e->dev.va.vaMaxNumImageFormats(e->dev.display);
    VAImageFormat *formats = max > 0 ? calloc((size_t)max, sizeof(*formats)) : NULL;
    int n = 0;
    if (formats && e->dev.va.vaQueryImageFormats(e->dev.display, formats, &n) == VA_STATUS_SUCCESS)
        for (int i = 0; i < n && i < max; i++)
            if (formats[i].fourcc == VA_FOURCC_NV12)
                e->nv12 = formats[i];
    free(formats);
}

static int create_surface(vaapi_encoder *e, VASurfaceID *id, const char *what, char *err, size_t err_size)
{
    VAStatus st = e->dev.va.vaCreateSurfaces(e->dev.display, VA_RT_FORMAT_YUV420, (unsigned)e->coded_width,
                                             (unsigned)e->coded_height, id, 1, NULL, 0);
    if (st != VA_STATUS_SUCCESS) {
        *id = VA_INVALID_SURFACE;
        char msg[64];
        snprintf(msg, sizeof(msg), "vaCreateSurfaces (%s)", what);
        vaapi_error(&e->dev, st, msg, err, err_size);
        return HWENC_EBACKEND;
    }
    return 0;
}

static int create_resources(vaapi_encoder *e, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    VADisplay dpy = e->dev.display;
    VASurfaceID targets[VAAPI_ASYNC_DEPTH + H264_MAX_REFS + 2];
    int n = 0, ret;
    for (int i = 0; i < e->depth; i++) {
        if ((ret = create_surface(e, &e->slots[i].input, "input", err, err_size)) < 0)
            return ret;
        targets[n++] = e->slots[i].input;
    }
    for (int i = 0; i < e->recon_count; i++) {
        if ((ret = create_surface(e, &e->recon[i], "reconstruction", err, err_size)) < 0)
            return ret;
        targets[n++] = e->recon[i];
    }
    VAStatus st = va->vaCreateContext(dpy, e->config, e->coded_width, e->coded_height, VA_PROGRESSIVE, targets, n,
                                      &e->context);
    if (st != VA_STATUS_SUCCESS) {
        e->context = VA_INVALID_ID;
        vaapi_error(&e->dev, st, "vaCreateContext", err, err_size);
        return HWENC_EBACKEND;
    }
    /* FFmpeg's size (vaapi_encode_alloc_output_buffer: 3 bytes a sample
     * of the aligned luma plane, twice the raw 4:2:0 picture, plus 64 KiB
     * for headers and SEI): above the worst case of I_PCM macroblocks
     * (384 bytes and a few bits each, escaped). */
    e->coded_size = (size_t)e->coded_width * (size_t)e->coded_height * 3 + 64 * 1024;
    for (int i = 0; i < e->depth; i++) {
        st = va->vaCreateBuffer(dpy, e->context, VAEncCodedBufferType, (unsigned)e->coded_size, 1, NULL,
                                &e->slots[i].coded);
        if (st != VA_STATUS_SUCCESS) {
            e->slots[i].coded = VA_INVALID_ID;
            vaapi_error(&e->dev, st, "vaCreateBuffer (coded buffer)", err, err_size);
            return HWENC_EBACKEND;
        }
    }
    return 0;
}

/* FFmpeg's probe (vaapi_encode_init): any answer but UNIMPLEMENTED to a
 * zero-timeout wait on no buffer means the driver implements vaSyncBuffer. */
static int probe_sync_buffer(const vaapi_device *dev)
{
    return dev->va.vaSyncBuffer &&
           dev->va.vaSyncBuffer(dev->display, VA_INVALID_ID, 0) != VA_STATUS_ERROR_UNIMPLEMENTED;
}

/* ROI as the driver's EncROI attribute allows (va.h VAConfigAttribValEncROI):
 * its regions, with delta QPs, which under rate control need
 * roi_rc_qp_delta_support (under CQP roi_value is always a delta). */
static void roi_caps(const vaapi_encoder *e, hal_caps *caps)
{
    VAConfigAttribValEncROI attr = { .value = e->caps.roi == VAAPI_ATTR_UNSUPPORTED ? 0 : (uint32_t)e->caps.roi };
    const int cqp = e->rc.mode == VA_RC_CQP || e->rc.mode == 0;
    if (e->caps.roi == VAAPI_ATTR_UNSUPPORTED || !attr.bits.num_roi_regions)
        snprintf(caps->roi_why, sizeof(caps->roi_why), "the driver reports no VAConfigAttribEncROI regions");
    else if (!cqp && !attr.bits.roi_rc_qp_delta_support)
        snprintf(caps->roi_why, sizeof(caps->roi_why),
                 "VAConfigAttribEncROI has no delta QP under rate control (roi_rc_qp_delta_support 0)");
    else
        caps->roi = (hwenc_roi_caps){ .support = HWENC_ROI_REGIONS,
                                      .max_regions = attr.bits.num_roi_regions < ROI_MAX_REGIONS
                                                         ? (int)attr.bits.num_roi_regions
                                                         : ROI_MAX_REGIONS,
                                      .block_size = 16, .min_offset = -51, .max_offset = 51 };
    if (caps->roi.support == HWENC_ROI_REGIONS)
        snprintf(caps->roi_why, sizeof(caps->roi_why), "VAConfigAttribEncROI num_roi_regions %d",
                 caps->roi.max_regions);
}

static int vaapi_open(const hal_session *s, void **priv, hal_caps *caps_out, char *err, size_t err_size)
{
    vaapi_encoder *e = calloc(1, sizeof(*e));
    if (!e)
        return HWENC_ENOMEM;
    e->config = VA_INVALID_ID;
    e->context = VA_INVALID_ID;
    /* Every handle starts invalid, so that a failed open destroys only
     * what it created (0 is a valid VA surface ID). */
    for (int i = 0; i < VAAPI_ASYNC_DEPTH; i++) {
        e->slots[i].input = VA_INVALID_SURFACE;
        e->slots[i].coded = VA_INVALID_ID;
    }
    for (size_t i = 0; i < sizeof(e->recon) / sizeof(e->recon[0]); i++)
        e->recon[i] = VA_INVALID_SURFACE;
    e->image.image_id = VA_INVALID_ID;
    e->cfg = *s->config;
    e->bframes = s->bframes;
    e->cfg.device = NULL; /* the string is the caller's; only open needs it */
    e->codec = &vaapi_codec_h264;
    e->sps = *s->h264.sps;
    e->pps = *s->h264.pps;
    e->width = s->config->width;
    e->height = s->config->height;
    e->coded_width = s->h264.sps->mb_width * 16;
    e->coded_height = s->h264.sps->mb_height * 16;
    e->recon_count = s->dpb_slots + 1;

    int ret = HWENC_EINVAL;
    if (s->dpb_slots < 1 || s->dpb_slots > H264_MAX_REFS + 1) {
        snprintf(err, err_size, "internal error: %d DPB slots", s->dpb_slots);
        goto fail;
    }
    if ((ret = vaapi_device_open(&e->dev, s->config, s->h264.sps->profile_idc, &e->caps, err, err_size)) < 0)
        goto fail;
    if ((ret = choose_rc(&e->dev, &e->caps, s->config, &e->rc, err, err_size)) < 0)
        goto fail;
    if (e->caps.packed_headers != VAAPI_ATTR_UNSUPPORTED)
        e->packed = (uint32_t)e->caps.packed_headers &
                    (VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE);
    /* The timing SEI go as raw data under MISC, as FFmpeg sends its SEI
     * (iHD and i965 take it there), else under RAW_DATA. */
    if (e->caps.packed_headers != VAAPI_ATTR_UNSUPPORTED && vaapi_signals_hrd(e))
        e->packed |= (uint32_t)e->caps.packed_headers & VA_ENC_PACKED_HEADER_MISC
                         ? VA_ENC_PACKED_HEADER_MISC
                         : (uint32_t)e->caps.packed_headers & VA_ENC_PACKED_HEADER_RAW_DATA;
    /* nal_hrd: the HRD this backend can signal is FFmpeg's (timing.c),
     * with cbr_flag 0 and only where hwenc writes the SPS; hwenc asks no
     * driver for filler data (rc_flags.disable_bit_stuffing, which Mesa
     * reads, says nothing of the HRD's cbr_flag), so nal_hrd cbr is
     * refused, and `auto` goes on to a backend that can. */
    const hwenc_config *cfg = s->config;
    if (cfg->nal_hrd == HWENC_NAL_HRD_CBR || (cfg->nal_hrd == HWENC_NAL_HRD_VBR && !vaapi_signals_hrd(e))) {
        snprintf(err, err_size, "nal_hrd %s: %s", cfg->nal_hrd == HWENC_NAL_HRD_CBR ? "cbr" : "vbr",
                 cfg->nal_hrd == HWENC_NAL_HRD_CBR
                     ? "VA-API signals the HRD with cbr_flag 0 and hwenc asks the driver for no filler data"
                     : "this driver writes its own SPS (no packed sequence header), so hwenc cannot put an HRD in it");
        ret = HWENC_EUNSUPPORTED;
        goto fail;
    }
    e->sync_buffer = probe_sync_buffer(&e->dev);
    e->depth = e->sync_buffer && !s->config->low_latency ? VAAPI_ASYNC_DEPTH : 1;
    if ((ret = create_config(e, err, err_size)) < 0 || (ret = create_resources(e, err, err_size)) < 0)
        goto fail;
    find_nv12_format(e);
    /* In front of the coded data: room for the parameter sets when the
     * driver writes none of its own. */
    e->parameter_sets_size = s->parameter_sets_size;
    e->parameter_sets = malloc(s->parameter_sets_size ? s->parameter_sets_size : 1);
    e->out_capacity = e->coded_size + s->parameter_sets_size;
    e->out = malloc(e->out_capacity);
    if (!e->out || !e->parameter_sets) {
        ret = HWENC_ENOMEM;
        goto fail;
    }
    if (s->parameter_sets_size)
        memcpy(e->parameter_sets, s->parameter_sets, s->parameter_sets_size);
    caps_out->max_refs = max_refs(&e->caps);
    caps_out->max_bframes = max_bframes(&e->caps);
    caps_out->tools = vaapi_tools(&e->caps, &caps_out->tools_why);
    roi_caps(e, caps_out);
    *priv = e;
    return 0;
fail:
    vaapi_close(e);
    return ret;
}

static int vaapi_send_picture(void *priv, const hal_picture *pic, char *err, size_t err_size)
{
    vaapi_encoder *e = priv;
    if (e->in_flight == e->depth)
        return HWENC_EAGAIN;
    if (pic->recon_slot >= e->recon_count - 1 || pic->num_refs > H264_MAX_REFS || pic->num_refs_l1 > H264_MAX_REFS ||
        pic->num_dpb > H264_MAX_REFS) {
        snprintf(err, err_size, "internal error: slot %d of %d", pic->recon_slot, e->recon_count - 1);
        return HWENC_EINVAL;
    }
    int ret = vaapi_submit_picture(e, &e->slots[(e->head + e->in_flight) % e->depth], pic, err, err_size);
    if (ret < 0)
        return ret;
    e->in_flight++;
    return 0;
}

/* The oldest picture, once the pipeline is full or drained: its packet,
 * or its error (it leaves the pipeline either way, so the pictures after
 * it still come out). */
static int vaapi_receive_packet(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size)
{
    vaapi_encoder *e = priv;
    if (!e->in_flight)
        return drain ? HWENC_EOF : HWENC_EAGAIN;
    if (!drain && e->in_flight < e->depth)
        return HWENC_EAGAIN;
    vaapi_slot *slot = &e->slots[e->head];
    e->head = (e->head + 1) % e->depth;
    e->in_flight--;
    int ret = vaapi_finish_picture(e, slot, err, err_size);
    if (ret < 0)
        return ret;
    *pkt = e->pkt;
    return 0;
}

int vaapi_reconfigure(void *priv, const hwenc_config *cfg, char *err, size_t err_size)
{
    vaapi_encoder *e = priv;
    if (cfg->rc_mode != e->cfg.rc_mode) {
        snprintf(err, err_size, "the rate-control mode cannot change while encoding (open a new encoder)");
        return HWENC_EINVAL;
    }
    if (e->rc.mode != VA_RC_CBR && e->rc.mode != VA_RC_VBR && e->rc.mode != VA_RC_AVBR) {
        snprintf(err, err_size, "a new bitrate needs CBR, VBR or ABR rate control, not %s",
                 e->rc.mode ? rc_name(e->rc.mode) : "CQP");
        return HWENC_EINVAL;
    }
    if (cfg->bitrate_kbps <= 0 || cfg->vbv_maxrate_kbps < 0 || cfg->vbv_bufsize_kbits < 0) {
        snprintf(err, err_size, "invalid bitrate %d kbit/s (maxrate %d, buffer %d kbit)", cfg->bitrate_kbps,
                 cfg->vbv_maxrate_kbps, cfg->vbv_bufsize_kbits);
        return HWENC_EINVAL;
    }
    rc_rates(cfg, &e->rc);
    e->cfg.bitrate_kbps = cfg->bitrate_kbps;
    e->cfg.vbv_maxrate_kbps = cfg->vbv_maxrate_kbps;
    e->cfg.vbv_bufsize_kbits = cfg->vbv_bufsize_kbits;
    e->rc_pending = 1;
    return 0;
}

const hal_backend hal_backend_vaapi = {
    .id = HWENC_BACKEND_VAAPI,
    .probe = vaapi_probe,
    .open = vaapi_open,
    .send_picture = vaapi_send_picture,
    .receive_packet = vaapi_receive_packet,
    .reconfigure = vaapi_reconfigure,
    .close = vaapi_close,
};
