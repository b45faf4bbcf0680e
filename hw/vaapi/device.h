/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Finding a VA-API device that encodes H.264: the render nodes in order (or
 * the one the configuration names, or the application's VADisplay), then
 * the driver's profiles, entry points and encode attributes. Probe and open
 * share this, so `list-backends` reports exactly what open would use.
 */
#ifndef HWENC_VAAPI_DEVICE_H
#define HWENC_VAAPI_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"
#include "hw/vaapi/loader.h"

typedef struct vaapi_device {
    va_api va;
    VADisplay display;
    int fd;                      /* -1 when the display belongs to the application */
    int own_display;             /* 1: we initialised it and must terminate it */
    char path[128];
    char vendor[128];
    char libva_error[192];       /* the last message libva printed, for our errors */
} vaapi_device;

/* Profiles we can use, bit per VAProfile we know. */
enum {
    VAAPI_HAVE_CB = 1 << 0,
    VAAPI_HAVE_MAIN = 1 << 1,
    VAAPI_HAVE_HIGH = 1 << 2,
};

#define VAAPI_ATTR_UNSUPPORTED (-1)

/* What vaapi_device_open looks for beyond an H.264 encoder. */
enum {
    VAAPI_WANT_LOW_POWER = 1 << 0, /* EncSliceLP even when EncSlice exists */
    VAAPI_WANT_MAIN = 1 << 1,      /* a Main encoder first (Main stream, B frames) */
    VAAPI_WANT_HIGH = 1 << 2,      /* a High encoder first (High stream) */
};

typedef struct vaapi_caps {
    VAProfile profile;           /* the one we encode with */
    VAEntrypoint entrypoint;     /* VAEntrypointEncSlice or VAEntrypointEncSliceLP */
    unsigned profiles;           /* VAAPI_HAVE_*: profiles with an encode entry point */
    int have_slice, have_slice_lp;
    uint32_t rt_format;          /* VA_RT_FORMAT_* mask */
    int64_t rc_modes;            /* VA_RC_* mask, or VAAPI_ATTR_UNSUPPORTED */
    int64_t packed_headers;      /* VA_ENC_PACKED_HEADER_* mask, or VAAPI_ATTR_UNSUPPORTED */
    int max_refs_l0, max_refs_l1;/* -1: not reported */
    int64_t prediction_direction;/* VA_PREDICTION_DIRECTION_* mask, or VAAPI_ATTR_UNSUPPORTED */
    int64_t quality_range;       /* EncQualityRange: levels 1..range, or VAAPI_ATTR_UNSUPPORTED */
    int64_t max_width, max_height; /* MaxPictureWidth/Height, or VAAPI_ATTR_UNSUPPORTED */
    int64_t roi;                 /* EncROI (VAConfigAttribValEncROI), or VAAPI_ATTR_UNSUPPORTED */
} vaapi_caps;

/*
 * Opens the device cfg selects and queries its H.264 encode capabilities;
 * with no device configured, the first render node that can encode. With
 * profile_idc the stream's profile (H264_PROFILE_*): its VA profile is
 * preferred, then the next lower, then the others (query_profiles). On
 * failure returns a negative hwenc_error with a reason a user can act on
 * in err, and dev holds nothing.
 */
int vaapi_device_open(vaapi_device *dev, const hwenc_config *cfg, int profile_idc, vaapi_caps *caps, char *err,
                      size_t err_size);
void vaapi_device_close(vaapi_device *dev);

/* "profiles: CB Main High; entry: EncSlice EncSliceLP; rc: CQP CBR VBR;
 * packed headers: SPS PPS slice; max refs 4" */
void vaapi_caps_describe(const vaapi_caps *caps, char *dst, size_t size);
const char *vaapi_profile_name(VAProfile profile);

/* "vaCreateContext failed: resource allocation failed (libva: ...)" */
void vaapi_error(const vaapi_device *dev, VAStatus status, const char *what, char *err, size_t err_size);

#endif
