/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/vaapi/device.h"
#include "hw/h264/params.h"

/* DRM render nodes are minors 128..191 (drm_drv.h: DRM_MINOR_RENDER). */
#define RENDER_NODE_FIRST 128
#define RENDER_NODE_LAST 191

static void on_libva_error(void *user, const char *message)
{
    vaapi_device *dev = user;
    snprintf(dev->libva_error, sizeof(dev->libva_error), "%s", message);
    size_t n = strlen(dev->libva_error);
    while (n && (dev->libva_error[n - 1] == '\n' || dev->libva_error[n - 1] == ' '))
        dev->libva_error[--n] = 0;
}

/* libva prints its info messages on stdout, where the CLI may be writing
 * the stream: keep them out. */
static void on_libva_info(void *user, const char *message)
{
    (void)user;
    (void)message;
}

void vaapi_error(const vaapi_device *dev, VAStatus status, const char *what, char *err, size_t err_size)
{
    const char *text = dev->va.vaErrorStr ? dev->va.vaErrorStr(status) : "unknown error";
    if (dev->libva_error[0])
        snprintf(err, err_size, "%s failed: %s (libva: %s)", what, text, dev->libva_error);
    else
        snprintf(err, err_size, "%s failed: %s", what, text);
}

const char *vaapi_profile_name(VAProfile profile)
{
    switch (profile) {
    case VAProfileH264ConstrainedBaseline: return "Constrained Baseline";
    case VAProfileH264Main: return "Main";
    case VAProfileH264High: return "High";
    default: return "unknown";
    }
}

static int has_entry(const VAEntrypoint *list, int n, VAEntrypoint e)
{
    for (int i = 0; i < n; i++)
        if (list[i] == e)
            return 1;
    return 0;
}

/* Finds the profiles with an encode entry point and picks the stream's:
 * High for a High stream (CABAC and the 8x8 transform), as FFmpeg's
 * h264_vaapi tries High, Main, Constrained Baseline in that order
 * (vaapi_encode_h264_profiles); a Main stream takes Main, else High (a
 * superset: iHD's High encoder codes what the picture parameters say); a
 * Constrained Baseline stream (CAVLC, no B slices, no 8x8 transform) takes
 * CB, else Main or High, which every decoder of those decodes. Falling
 * back to a lower profile is the core's (hal_caps.tools). */
static int query_profiles(vaapi_device *dev, unsigned wants, vaapi_caps *caps, char *err, size_t err_size)
{
    static const struct {
        VAProfile profile;
        unsigned bit;
    } wanted[] = {
        { VAProfileH264ConstrainedBaseline, VAAPI_HAVE_CB },
        { VAProfileH264Main, VAAPI_HAVE_MAIN },
        { VAProfileH264High, VAAPI_HAVE_HIGH },
    };
    const va_api *va = &dev->va;
    int max_profiles = va->vaMaxNumProfiles(dev->display);
    int max_entries = va->vaMaxNumEntrypoints(dev->display);
    VAProfile *profiles = calloc((size_t)(max_profiles > 0 ? max_profiles : 1), sizeof(*profiles));
    VAEntrypoint *entries = calloc((size_t)(max_entries > 0 ? max_entries : 1), sizeof(*entries));
    int ret = HWENC_ENOMEM, n = 0, chosen = 0;
    if (!profiles || !entries)
        goto done;
    VAStatus st = va->vaQueryConfigProfiles(dev->display, profiles, &n);
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(dev, st, "vaQueryConfigProfiles", err, err_size);
        ret = HWENC_EBACKEND;
        goto done;
    }
    static const uint8_t order_cb[] = { 0, 1, 2 }, order_main[] = { 1, 2, 0 }, order_high[] = { 2, 1, 0 };
    const uint8_t *order = wants & VAAPI_WANT_HIGH ? order_high : wants & VAAPI_WANT_MAIN ? order_main : order_cb;
    for (size_t k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++) {
        size_t w = order[k];
        int listed = 0, ne = 0;
        for (int i = 0; i < n && i < max_profiles; i++)
            listed |= profiles[i] == wanted[w].profile;
        if (!listed || va->vaQueryConfigEntrypoints(dev->display, wanted[w].profile, entries, &ne) != VA_STATUS_SUCCESS)
            continue;
        int slice = has_entry(entries, ne, VAEntrypointEncSlice);
        int lp = has_entry(entries, ne, VAEntrypointEncSliceLP);
        if (!slice && !lp)
            continue;
        caps->profiles |= wanted[w].bit;
        if (chosen)
            continue;
        chosen = 1;
        caps->profile = wanted[w].profile;
        caps->have_slice = slice;
        caps->have_slice_lp = lp;
        /* The low-power (fixed-function) encoder when asked for or when it
         * is all there is, as on some Intel parts. */
        caps->entrypoint = (lp && ((wants & VAAPI_WANT_LOW_POWER) || !slice)) ? VAEntrypointEncSliceLP
                                                                              : VAEntrypointEncSlice;
    }
    if (!chosen) {
        snprintf(err, err_size,
                 "the VA driver '%s' exposes no H.264 encode entry point (on AMD, Mesa may be built without "
                 "-Dvideo-codecs=h264enc; on Intel, install intel-media-va-driver-non-free or i965-va-driver)",
                 dev->vendor);
        ret = HWENC_EUNSUPPORTED;
        goto done;
    }
    ret = 0;
done:
    free(profiles);
    free(entries);
    return ret;
}

static int64_t attr_value(const VAConfigAttrib *a)
{
    return a->value == VA_ATTRIB_NOT_SUPPORTED ? VAAPI_ATTR_UNSUPPORTED : (int64_t)a->value;
}

static int query_attributes(vaapi_device *dev, vaapi_caps *caps, char *err, size_t err_size)
{
    VAConfigAttrib a[] = {
        { .type = VAConfigAttribRTFormat },
        { .type = VAConfigAttribRateControl },
        { .type = VAConfigAttribEncPackedHeaders },
        { .type = VAConfigAttribEncMaxRefFrames },
        { .type = VAConfigAttribPredictionDirection },
    };
    int count = (int)(sizeof(a) / sizeof(a[0]));
    VAStatus st = dev->va.vaGetConfigAttributes(dev->display, caps->profile, caps->entrypoint, a, count);
    if (st != VA_STATUS_SUCCESS) {
        /* Drivers older than VA-API 1.9 may refuse the attribute they do
         * not know rather than mark it unsupported. */
        a[4].value = VA_ATTRIB_NOT_SUPPORTED;
        st = dev->va.vaGetConfigAttributes(dev->display, caps->profile, caps->entrypoint, a, count - 1);
    }
    if (st != VA_STATUS_SUCCESS) {
        vaapi_error(dev, st, "vaGetConfigAttributes", err, err_size);
        return HWENC_EBACKEND;
    }
    /* Unreported RT format: every H.264 encoder does 4:2:0. */
    caps->rt_format = a[0].value == VA_ATTRIB_NOT_SUPPORTED ? VA_RT_FORMAT_YUV420 : a[0].value;
    caps->rc_modes = attr_value(&a[1]);
    caps->packed_headers = attr_value(&a[2]);
    caps->max_refs_l0 = caps->max_refs_l1 = -1;
    if (a[3].value != VA_ATTRIB_NOT_SUPPORTED) {
        caps->max_refs_l0 = (int)(a[3].value & 0xffff);
        caps->max_refs_l1 = (int)(a[3].value >> 16 & 0xffff);
    }
    caps->prediction_direction = attr_value(&a[4]);
    /* Asked apart, so a driver that refuses one it does not know costs
     * only these: the quality range (presets) and the largest picture. */
    VAConfigAttrib b[] = {
        { .type = VAConfigAttribEncQualityRange },
        { .type = VAConfigAttribMaxPictureWidth },
        { .type = VAConfigAttribMaxPictureHeight },
    };
    if (dev->va.vaGetConfigAttributes(dev->display, caps->profile, caps->entrypoint, b, 3) != VA_STATUS_SUCCESS)
        b[0].value = b[1].value = b[2].value = VA_ATTRIB_NOT_SUPPORTED;
    caps->quality_range = attr_value(&b[0]);
    caps->max_width = attr_value(&b[1]);
    caps->max_height = attr_value(&b[2]);
    /* Apart again: iHD answers INVALID_PARAMETER for EncROI on some entry
     * points (media_libva_caps_g12.cpp) instead of marking it unsupported. */
    VAConfigAttrib roi = { .type = VAConfigAttribEncROI };
    if (dev->va.vaGetConfigAttributes(dev->display, caps->profile, caps->entrypoint, &roi, 1) != VA_STATUS_SUCCESS)
        roi.value = VA_ATTRIB_NOT_SUPPORTED;
    caps->roi = attr_value(&roi);
    if (!(caps->rt_format & VA_RT_FORMAT_YUV420)) {
        snprintf(err, err_size, "the VA driver '%s' cannot encode 4:2:0 (RT formats 0x%x)", dev->vendor,
                 caps->rt_format);
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

static int query_caps(vaapi_device *dev, unsigned wants, vaapi_caps *caps, char *err, size_t err_size)
{
    memset(caps, 0, sizeof(*caps));
    const char *vendor = dev->va.vaQueryVendorString(dev->display);
    snprintf(dev->vendor, sizeof(dev->vendor), "%s", vendor ? vendor : "unknown");
    int ret = query_profiles(dev, wants, caps, err, err_size);
    return ret < 0 ? ret : query_attributes(dev, caps, err, err_size);
}

static void close_display(vaapi_device *dev)
{
    if (dev->display && dev->own_display)
        dev->va.vaTerminate(dev->display);
    dev->display = NULL;
    dev->own_display = 0;
    if (dev->fd >= 0)
        close(dev->fd);
    dev->fd = -1;
}

static int open_node(vaapi_device *dev, const char *path, unsigned wants, vaapi_caps *caps, char *err,
                     size_t err_size)
{
    snprintf(dev->path, sizeof(dev->path), "%s", path);
    dev->libva_error[0] = 0;
    dev->fd = open(path, O_RDWR | O_CLOEXEC);
    if (dev->fd < 0) {
        int e = errno;
        snprintf(err, err_size, "cannot open %s: %s%s", path, strerror(e),
                 e == EACCES || e == EPERM ? " (add the user to the 'render' or 'video' group)" : "");
        return HWENC_EUNSUPPORTED;
    }
    dev->display = dev->va.vaGetDisplayDRM(dev->fd);
    if (!dev->display) {
        snprintf(err, err_size, "%s is not a DRM device (libva's vaGetDisplayDRM refused it)", path);
        close_display(dev);
        return HWENC_EUNSUPPORTED;
    }
    dev->own_display = 1;
    dev->va.vaSetErrorCallback(dev->display, on_libva_error, dev);
    dev->va.vaSetInfoCallback(dev->display, on_libva_info, dev);
    int major = 0, minor = 0;
    VAStatus st = dev->va.vaInitialize(dev->display, &major, &minor);
    if (st != VA_STATUS_SUCCESS) {
        char what[192];
        snprintf(what, sizeof(what), "vaInitialize on %s", path);
        vaapi_error(dev, st, what, err, err_size);
        size_t n = strlen(err);
        snprintf(err + n, err_size - n,
                 "; is the VA driver for this GPU installed? (Intel: intel-media-va-driver or i965-va-driver, "
                 "AMD: mesa-va-drivers; LIBVA_DRIVER_NAME picks one)");
        close_display(dev);
        return HWENC_EUNSUPPORTED;
    }
    int ret = query_caps(dev, wants, caps, err, err_size);
    if (ret < 0)
        close_display(dev);
    return ret;
}

static int open_first_node(vaapi_device *dev, unsigned wants, vaapi_caps *caps, char *err, size_t err_size)
{
    int found = 0, failed = 0, ret = HWENC_EUNSUPPORTED;
    char first[256] = "";
    for (int minor = RENDER_NODE_FIRST; minor <= RENDER_NODE_LAST; minor++) {
        char path[64];
        struct stat sb;
        snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
        if (stat(path, &sb) < 0)
            continue;
        found++;
        char node_err[256] = "";
        ret = open_node(dev, path, wants, caps, node_err, sizeof(node_err));
        if (ret == 0)
            return 0;
        if (!failed++)
            snprintf(first, sizeof(first), "%s", node_err);
    }
    if (!found)
        snprintf(err, err_size, "no /dev/dri render node (no GPU with a kernel DRM driver, or /dev/dri is not "
                                "shared with this container)");
    else if (failed > 1)
        snprintf(err, err_size, "%s (and %d more render nodes failed)", first, failed - 1);
    else
        snprintf(err, err_size, "%s", first);
    return ret == HWENC_ENOMEM ? ret : HWENC_EUNSUPPORTED;
}

int vaapi_device_open(vaapi_device *dev, const hwenc_config *cfg, int profile_idc, vaapi_caps *caps, char *err,
                      size_t err_size)
{
    memset(dev, 0, sizeof(*dev));
    dev->fd = -1;
    int ret = va_api_load(&dev->va, err, err_size);
    if (ret < 0)
        return ret;
    unsigned wants = (cfg->low_latency ? VAAPI_WANT_LOW_POWER : 0) |
                     (profile_idc == H264_PROFILE_HIGH   ? VAAPI_WANT_HIGH
                      : profile_idc == H264_PROFILE_MAIN ? VAAPI_WANT_MAIN
                                                         : 0);
    if (cfg->external.va_display) {
        /* The application's display: initialised by it, terminated by it,
         * its message callbacks left alone. */
        dev->display = cfg->external.va_display;
        snprintf(dev->path, sizeof(dev->path), "application VADisplay");
        ret = query_caps(dev, wants, caps, err, err_size);
        if (ret < 0)
            dev->display = NULL;
    } else if (cfg->device && cfg->device[0]) {
        ret = open_node(dev, cfg->device, wants, caps, err, err_size);
    } else {
        ret = open_first_node(dev, wants, caps, err, err_size);
    }
    if (ret < 0)
        va_api_unload(&dev->va);
    return ret;
}

void vaapi_device_close(vaapi_device *dev)
{
    if (!dev->va.libva)
        return;
    close_display(dev);
    va_api_unload(&dev->va);
}

static size_t append(char *dst, size_t size, size_t pos, const char *text)
{
    if (pos < size)
        pos += (size_t)snprintf(dst + pos, size - pos, "%s", text);
    return pos;
}

void vaapi_caps_describe(const vaapi_caps *c, char *dst, size_t size)
{
    static const struct {
        int64_t bit;
        const char *name;
    } rc[] = {
        { VA_RC_CQP, " CQP" }, { VA_RC_CBR, " CBR" },   { VA_RC_VBR, " VBR" },
        { VA_RC_ICQ, " ICQ" }, { VA_RC_QVBR, " QVBR" }, { VA_RC_AVBR, " AVBR" },
    };
    size_t pos = 0;
    dst[0] = 0;
    pos = append(dst, size, pos, "profiles:");
    if (c->profiles & VAAPI_HAVE_CB)
        pos = append(dst, size, pos, " CB");
    if (c->profiles & VAAPI_HAVE_MAIN)
        pos = append(dst, size, pos, " Main");
    if (c->profiles & VAAPI_HAVE_HIGH)
        pos = append(dst, size, pos, " High");
    pos = append(dst, size, pos, "; entry:");
    if (c->have_slice)
        pos = append(dst, size, pos, c->entrypoint == VAEntrypointEncSlice ? " EncSlice*" : " EncSlice");
    if (c->have_slice_lp)
        pos = append(dst, size, pos, c->entrypoint == VAEntrypointEncSliceLP ? " EncSliceLP*" : " EncSliceLP");
    pos = append(dst, size, pos, "; rc:");
    if (c->rc_modes == VAAPI_ATTR_UNSUPPORTED)
        pos = append(dst, size, pos, " CQP (not reported)");
    for (size_t i = 0; c->rc_modes != VAAPI_ATTR_UNSUPPORTED && i < sizeof(rc) / sizeof(rc[0]); i++)
        if (c->rc_modes & rc[i].bit)
            pos = append(dst, size, pos, rc[i].name);
    pos = append(dst, size, pos, "; packed headers:");
    if (c->packed_headers == VAAPI_ATTR_UNSUPPORTED || !(c->packed_headers & (VA_ENC_PACKED_HEADER_SEQUENCE |
                                                                               VA_ENC_PACKED_HEADER_PICTURE |
                                                                               VA_ENC_PACKED_HEADER_SLICE)))
        pos = append(dst, size, pos, " none");
    if (c->packed_headers != VAAPI_ATTR_UNSUPPORTED) {
        if (c->packed_headers & VA_ENC_PACKED_HEADER_SEQUENCE)
            pos = append(dst, size, pos, " SPS");
        if (c->packed_headers & VA_ENC_PACKED_HEADER_PICTURE)
            pos = append(dst, size, pos, " PPS");
        if (c->packed_headers & VA_ENC_PACKED_HEADER_SLICE)
            pos = append(dst, size, pos, " slice");
    }
    char refs[64];
    if (c->max_refs_l0 < 0)
        snprintf(refs, sizeof(refs), "; max refs not reported");
    else
        snprintf(refs, sizeof(refs), "; max refs %d (list 1: %d)", c->max_refs_l0,
                 c->max_refs_l1 > 0 ? c->max_refs_l1 : 0);
    pos = append(dst, size, pos, refs);
    VAConfigAttribValEncROI roi = { .value = c->roi == VAAPI_ATTR_UNSUPPORTED ? 0 : (uint32_t)c->roi };
    char text[64] = "; roi: none";
    if (roi.bits.num_roi_regions)
        snprintf(text, sizeof(text), "; roi: %u regions%s", roi.bits.num_roi_regions,
                 roi.bits.roi_rc_qp_delta_support ? "" : " (CQP only)");
    append(dst, size, pos, text);
}
