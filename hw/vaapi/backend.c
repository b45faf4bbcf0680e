/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The VA-API backend of the HAL: device and capabilities (device.c), the
 * config, surfaces, context and coded buffer here, one picture at a time
 * (picture.c). Pictures are coded synchronously: send_picture returns once
 * the driver has finished, so a failure belongs to the frame that caused it
 * and every packet before it has already been handed out.
 *
 * Surfaces: one input surface, and one reconstructed surface per DPB slot
 * of the HAL plus one for non-reference pictures; the HAL's slot numbers
 * index e->recon directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "internal.h"

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

static void vaapi_probe(const hwenc_config *cfg, hwenc_backend_info *info)
{
    vaapi_device dev;
    vaapi_caps caps;
    vaapi_rc rc;
    char err[256] = "";
    if (vaapi_device_open(&dev, cfg, cfg->bframes > 0, &caps, err, sizeof(err)) < 0) {
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
        if (e->image.image_id != VA_INVALID_ID)
            va->vaDestroyImage(dpy, e->image.image_id);
        if (e->coded != VA_INVALID_ID)
            va->vaDestroyBuffer(dpy, e->coded);
        if (e->context != VA_INVALID_ID)
            va->vaDestroyContext(dpy, e->context);
        for (int i = 0; i < e->recon_count; i++)
            if (e->recon[i] != VA_INVALID_SURFACE)
                va->vaDestroySurfaces(dpy, &e->recon[i], 1);
        if (e->input != VA_INVALID_SURFACE)
            va->vaDestroySurfaces(dpy, &e->input, 1);
        if (e->config != VA_INVALID_ID)
            va->vaDestroyConfig(dpy, e->config);
    }
    vaapi_device_close(&e->dev);
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

static int create_resources(vaapi_encoder *e, int dpb_slots, char *err, size_t err_size)
{
    const va_api *va = &e->dev.va;
    VADisplay dpy = e->dev.display;
    unsigned w = (unsigned)e->coded_width, h = (unsigned)e->coded_height;
    VAStatus st = va->vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, w, h, &e->input, 1, NULL, 0);
    if (st != VA_STATUS_SUCCESS) {
        e->input = VA_INVALID_SURFACE;
        vaapi_error(&e->dev, st, "vaCreateSurfaces (input)", err, err_size);
        return HWENC_EBACKEND;
    }
    VASurfaceID targets[H264_MAX_REFS + 3];
    targets[0] = e->input;
    for (int i = 0; i < e->recon_count; i++) {
        st = va->vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, w, h, &e->recon[i], 1, NULL, 0);
        if (st != VA_STATUS_SUCCESS) {
            e->recon[i] = VA_INVALID_SURFACE;
            vaapi_error(&e->dev, st, "vaCreateSurfaces (reconstruction)", err, err_size);
            return HWENC_EBACKEND;
        }
        targets[1 + i] = e->recon[i];
    }
    (void)dpb_slots;
    st = va->vaCreateContext(dpy, e->config, (int)w, (int)h, VA_PROGRESSIVE, targets, 1 + e->recon_count,
                             &e->context);
    if (st != VA_STATUS_SUCCESS) {
        e->context = VA_INVALID_ID;
        vaapi_error(&e->dev, st, "vaCreateContext", err, err_size);
        return HWENC_EBACKEND;
    }
    /* Worst case: every macroblock as I_PCM (384 bytes and a few bits),
     * with emulation prevention, plus room for headers and SEI. */
    size_t mbs = (size_t)e->sps.mb_width * (size_t)e->sps.mb_height;
    e->coded_size = mbs * 400 * 3 / 2 + 64 * 1024;
    st = va->vaCreateBuffer(dpy, e->context, VAEncCodedBufferType, (unsigned)e->coded_size, 1, NULL, &e->coded);
    if (st != VA_STATUS_SUCCESS) {
        e->coded = VA_INVALID_ID;
        vaapi_error(&e->dev, st, "vaCreateBuffer (coded buffer)", err, err_size);
        return HWENC_EBACKEND;
    }
    return 0;
}

static int vaapi_open(const hal_session *s, void **priv, hal_caps *caps_out, char *err, size_t err_size)
{
    vaapi_encoder *e = calloc(1, sizeof(*e));
    if (!e)
        return HWENC_ENOMEM;
    e->config = VA_INVALID_ID;
    e->context = VA_INVALID_ID;
    e->input = VA_INVALID_SURFACE;
    e->coded = VA_INVALID_ID;
    e->image.image_id = VA_INVALID_ID;
    e->cfg = *s->config;
    e->bframes = s->bframes;
    e->cfg.device = NULL; /* the string is the caller's; only open needs it */
    e->sps = *s->sps;
    e->pps = *s->pps;
    e->width = s->config->width;
    e->height = s->config->height;
    e->coded_width = s->sps->mb_width * 16;
    e->coded_height = s->sps->mb_height * 16;
    e->recon_count = s->dpb_slots + 1;

    int ret = HWENC_EINVAL;
    if (s->dpb_slots < 1 || s->dpb_slots > H264_MAX_REFS + 1) {
        snprintf(err, err_size, "internal error: %d DPB slots", s->dpb_slots);
        goto fail;
    }
    if ((ret = vaapi_device_open(&e->dev, s->config, s->sps->profile_idc != H264_PROFILE_BASELINE, &e->caps, err,
                                 err_size)) < 0)
        goto fail;
    if ((ret = choose_rc(&e->dev, &e->caps, s->config, &e->rc, err, err_size)) < 0)
        goto fail;
    if (e->caps.packed_headers != VAAPI_ATTR_UNSUPPORTED)
        e->packed = (uint32_t)e->caps.packed_headers &
                    (VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE);
    if ((ret = create_config(e, err, err_size)) < 0 || (ret = create_resources(e, s->dpb_slots, err, err_size)) < 0)
        goto fail;
    find_nv12_format(e);
    /* In front of the coded data: room for the parameter sets when the
     * driver writes none of its own. */
    e->out_capacity = e->coded_size + s->parameter_sets_size;
    e->out = malloc(e->out_capacity);
    if (!e->out) {
        ret = HWENC_ENOMEM;
        goto fail;
    }
    caps_out->max_refs = max_refs(&e->caps);
    caps_out->max_bframes = max_bframes(&e->caps);
    *priv = e;
    return 0;
fail:
    vaapi_close(e);
    return ret;
}

static int vaapi_send_picture(void *priv, const hal_picture *pic, char *err, size_t err_size)
{
    vaapi_encoder *e = priv;
    if (e->have_packet)
        return HWENC_EAGAIN;
    if (pic->recon_slot >= e->recon_count - 1 || pic->num_refs > H264_MAX_REFS || pic->num_refs_l1 > H264_MAX_REFS ||
        pic->num_dpb > H264_MAX_REFS) {
        snprintf(err, err_size, "internal error: slot %d of %d", pic->recon_slot, e->recon_count - 1);
        return HWENC_EINVAL;
    }
    memset(&e->pkt, 0, sizeof(e->pkt));
    int ret = vaapi_encode_picture(e, pic, err, err_size);
    if (ret < 0)
        return ret;
    e->pkt.pts = pic->pts;
    e->pkt.display_index = pic->display_index;
    e->pkt.type = pic->type;
    e->have_packet = 1;
    return 0;
}

static int vaapi_receive_packet(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size)
{
    vaapi_encoder *e = priv;
    (void)err;
    (void)err_size;
    if (!e->have_packet)
        return drain ? HWENC_EOF : HWENC_EAGAIN;
    *pkt = e->pkt;
    e->have_packet = 0;
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
