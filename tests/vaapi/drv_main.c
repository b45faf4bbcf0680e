/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The test driver's entry point, object table, capabilities and configs,
 * and the end-of-session audit: at vaTerminate every object must have been
 * destroyed and no call may have broken the contract, or the process
 * aborts with the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vaapi/drv.h"

#define DRV_VENDOR "hwenc test driver (validating, CPU-coded H.264)"
#define CTX_STATE(ctx) ((drv_state *)(ctx)->pDriverData)

static const char *const kind_names[OBJ_KINDS] = { "free", "config", "surface", "context", "buffer", "image" };

VAStatus drv_violation(drv_state *d, VAStatus status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "hwenctest VA driver: contract violation: %s\n", msg);
    if (!d->violations++)
        snprintf(d->first_violation, sizeof(d->first_violation), "%s", msg);
    drv_trace(d, "violation %s", msg);
    return status;
}

void drv_trace(drv_state *d, const char *fmt, ...)
{
    if (!d->trace_path[0])
        return;
    FILE *f = fopen(d->trace_path, "a");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

uint32_t drv_new_object(drv_state *d, enum drv_kind kind)
{
    for (uint32_t i = 0; i < DRV_MAX_OBJECTS; i++) {
        if (d->objects[i].kind == OBJ_FREE) {
            memset(&d->objects[i], 0, sizeof(d->objects[i]));
            d->objects[i].kind = kind;
            /* The kind is part of the ID, so IDs of different kinds never
             * collide and a mix-up is detected, not silently accepted. */
            return (uint32_t)kind << 16 | (i + 1);
        }
    }
    return VA_INVALID_ID;
}

drv_object *drv_lookup(drv_state *d, uint32_t id, enum drv_kind kind)
{
    uint32_t index = (id & 0xffff) - 1;
    if (id == VA_INVALID_ID || (id >> 16) != (uint32_t)kind || index >= DRV_MAX_OBJECTS ||
        d->objects[index].kind != kind)
        return NULL;
    return &d->objects[index];
}

void drv_free_object(drv_state *d, uint32_t id)
{
    uint32_t index = (id & 0xffff) - 1;
    if (index < DRV_MAX_OBJECTS)
        memset(&d->objects[index], 0, sizeof(d->objects[index]));
}

/* ------------------------------------------------------------ capabilities */

#define PACKED_ALL (VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE | \
                    VA_ENC_PACKED_HEADER_MISC | VA_ENC_PACKED_HEADER_RAW_DATA)

/*
 * The profiles of HWENCTEST_VA_PROFILE, for H.264 encoding. Sources:
 *
 * ihd, ihd-lp: Intel media-driver (iHD), media_libva_caps.cpp
 *   CreateEncAttributes: EncSlice rate control CQP CBR VBR MB ICQ VCM QVBR
 *   AVBR; EncSliceLP CQP CBR VBR MB QVBR where FtrEnableMediaKernels (Gen12
 *   and its vainfo reports), no ICQ/AVBR; packed headers SEQUENCE PICTURE
 *   SLICE RAW_DATA MISC; EncQualityRange NUM_TARGET_USAGE_MODES - 1 = 7;
 *   EncMaxRefFrames CODECHAL_ENCODE_NUM_MAX_VME_L0_REF 8 | L1 2 << 16 on
 *   EncSlice, DDI_CODEC_VDENC_MAX_L0/L1_REF_FRAMES 3 | 0 on EncSliceLP
 *   (list 1 on EncSliceLP only from Xe2, not modelled);
 *   media_libva_caps_g12.cpp: AVC MaxPictureWidth/Height CODEC_4K 4096.
 *   media_ddi_encode_avc.cpp: GopPicSize (uint16_t in codec_def_encode_avc.h)
 *   = intra_period ? intra_period : intra_idr_period; ParseMiscParamFR masks
 *   the frame-rate denominator with 0xfff; media_libva.cpp sets vaSyncBuffer.
 *   "ihd" is a Gen12 part with both entry points (Tiger Lake's vainfo),
 *   "ihd-lp" one with EncSliceLP only (DG2/Arc's vainfo).
 * i965: intel-vaapi-driver, i965_drv_video.c: EncSlice; rate control
 *   h264_brc_mode CQP CBR VBR (i965_device_info.c); packed headers SEQUENCE
 *   PICTURE MISC RAW_DATA SLICE; EncMaxRefFrames 4 | 1 << 16 on Gen8/9;
 *   EncQualityRange ENCODER_QUALITY_RANGE_AVC 7 on Gen9; max 4096x4096;
 *   no vaSyncBuffer in its vtable. intra_idr_period 0 means infinite there.
 *   Modelled as Gen9 (Skylake), EncSlice only.
 * radeonsi: Mesa 22.3 (Debian 12), src/gallium/frontends/va/config.c:
 *   EncSlice only; rate control CQP CBR VBR; packed headers NONE for H.264
 *   (the driver writes its own); EncMaxRefFrames 1 when the pipe reports
 *   none; EncQualityRange not reported; vaDeriveImage refused for encode
 *   surfaces; picture_h264_enc.c divides by intra_idr_period (SIGFPE on 0).
 *   Max 4096x2304 (VCN). vaSyncBuffer: Mesa's vlVaSyncBuffer (context.c)
 *   answers UNIMPLEMENTED unless the pipe reports
 *   PIPE_VIDEO_CAP_ENC_SUPPORTS_ASYNC_OPERATION, so FFmpeg waits on the
 *   surface; modelled as not reported (radeonsi's own cap was not read).
 *   CABAC for Main and High (picture_h264_enc.c passes
 *   entropy_coding_mode_flag on, radeon_vcn_enc.c enables it from Main);
 *   no 8x8 transform (radeon_vcn_enc.c: only from VCN 5.0, none in 22.3).
 * Every profile: CABAC refused under Constrained Baseline (H.264 A.2.1),
 *   the 8x8 transform under any VA profile but High (A.2.2; iHD clears it
 *   there, CodechalEncodeAvcBase::SetPictureStructs). iHD (VME and VDEnc,
 *   media_ddi_encode_avc.cpp ParsePicParams) and i965 take both.
 *
 * EncROI (VAConfigAttribValEncROI: regions, priority, delta QP):
 *   ihd EncSlice: media_libva_caps_g12.cpp GetPlatformSpecificAttrib:
 *   ENCODE_DP_AVC_MAX_ROI_NUM_BRC 8, priority 1, delta 1; EncSliceLP:
 *   media_libva_caps.cpp / _g12.cpp: ENCODE_VDENC_AVC_MAX_ROI_NUMBER_ADV 16,
 *   priority 0, delta 1. (iHD's ParseMiscParamROI silently keeps only
 *   QueryAVCROIMaxNum's count: 4, ENCODE_DP_AVC_MAX_ROI_NUMBER, on EncSlice
 *   under CQP; not modelled.) i965: i965_drv_video.c reports 0 on Gen9
 *   EncSlice. radeonsi: Mesa 22.3's config.c was not read for it: modelled
 *   as not reported. default: as ihd's EncSlice on both entry points.
 *
 * Pitch and row alignment of surfaces and images: Intel's Y-tiled NV12
 * (tiles of 128 bytes x 32 rows) and AMD's 256-byte pitch; the exact
 * allocator rules were not read, the double only has to make the pitch and
 * UV offset differ from the width and height, as real drivers' do.
 */
#define ROI_ATTR(regions, priority, delta) ((uint32_t)(regions) | (uint32_t)(priority) << 8 | (uint32_t)(delta) << 9)

static const struct {
    const char *name;
    drv_caps caps;
} profiles[] = {
    { "default", { .slice = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_ICQ, 4, 1, ROI_ATTR(8, 1, 1) },
                   .slice_lp = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_ICQ, 4, 1, ROI_ATTR(8, 1, 1) },
                   .packed = PACKED_ALL & ~VA_ENC_PACKED_HEADER_RAW_DATA, .quality_range = VA_ATTRIB_NOT_SUPPORTED,
                   .max_width = 8192, .max_height = 8192, .pitch_align = 1, .height_align = 1, .sync_buffer = 1 } },
    { "ihd", { .slice = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_MB | VA_RC_ICQ | VA_RC_VCM | VA_RC_QVBR |
                             VA_RC_AVBR, 8, 2, ROI_ATTR(8, 1, 1) },
               .slice_lp = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_MB | VA_RC_QVBR, 3, 0, ROI_ATTR(16, 0, 1) },
               .packed = PACKED_ALL, .quality_range = 7, .max_width = 4096, .max_height = 4096, .pitch_align = 128,
               .height_align = 32, .sync_buffer = 1, .gop_pic_size_16 = 1, .frame_rate_den_12 = 1 } },
    { "ihd-lp", { .slice_lp = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_MB | VA_RC_QVBR, 3, 0, ROI_ATTR(16, 0, 1) },
                  .packed = PACKED_ALL, .quality_range = 7, .max_width = 4096, .max_height = 4096, .pitch_align = 128,
                  .height_align = 32, .sync_buffer = 1, .gop_pic_size_16 = 1, .frame_rate_den_12 = 1 } },
    { "i965", { .slice = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR, 4, 1, 0 }, .packed = PACKED_ALL, .quality_range = 7,
                .max_width = 4096, .max_height = 4096, .pitch_align = 128, .height_align = 32 } },
    { "radeonsi", { .slice = { 1, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR, 1, 0, VA_ATTRIB_NOT_SUPPORTED }, .packed = VA_ENC_PACKED_HEADER_NONE,
                    .quality_range = VA_ATTRIB_NOT_SUPPORTED, .max_width = 4096, .max_height = 2304,
                    .pitch_align = 256, .height_align = 16, .no_derive = 1, .idr_period_nonzero = 1,
                    .no_8x8 = 1 } },
};

static const drv_entry_caps *entry_caps(const drv_state *d, VAEntrypoint e)
{
    const drv_entry_caps *c = e == VAEntrypointEncSlice ? &d->caps.slice : e == VAEntrypointEncSliceLP ? &d->caps.slice_lp
                                                                                                      : NULL;
    return c && c->offered ? c : NULL;
}

static int profile_supported(const drv_state *d, VAProfile p)
{
    return (p == VAProfileH264ConstrainedBaseline && !d->caps.main_only) ||
           (p == VAProfileH264Main && !d->caps.cb_only) || (p == VAProfileH264High && !d->caps.cb_only && !d->caps.no_high);
}

static uint32_t attribute_value(const drv_state *d, VAEntrypoint entrypoint, VAConfigAttribType type)
{
    const drv_entry_caps *e = entry_caps(d, entrypoint);
    switch (type) {
    case VAConfigAttribRTFormat: return VA_RT_FORMAT_YUV420;
    case VAConfigAttribRateControl: return d->caps.no_rc_attr ? VA_ATTRIB_NOT_SUPPORTED : e->rc_modes;
    case VAConfigAttribEncPackedHeaders: return d->caps.no_packed_attr ? VA_ATTRIB_NOT_SUPPORTED : d->caps.packed;
    /* List 0 in the low 16 bits, list 1 in the high ones (va.h). */
    case VAConfigAttribEncMaxRefFrames: return (uint32_t)e->max_refs | (uint32_t)e->max_refs_l1 << 16;
    case VAConfigAttribPredictionDirection:
        return VA_PREDICTION_DIRECTION_PREVIOUS | (e->max_refs_l1 ? VA_PREDICTION_DIRECTION_FUTURE : 0) |
               (d->caps.bi_not_empty ? VA_PREDICTION_DIRECTION_BI_NOT_EMPTY : 0);
    case VAConfigAttribEncQualityRange: return d->caps.quality_range;
    case VAConfigAttribMaxPictureWidth: return d->caps.max_width;
    case VAConfigAttribMaxPictureHeight: return d->caps.max_height;
    case VAConfigAttribEncROI: return e->roi;
    default: return VA_ATTRIB_NOT_SUPPORTED;
    }
}

static VAStatus drv_query_profiles(VADriverContextP ctx, VAProfile *list, int *num)
{
    drv_state *d = CTX_STATE(ctx);
    int n = 0;
    if (!d->caps.main_only)
        list[n++] = VAProfileH264ConstrainedBaseline;
    if (!d->caps.cb_only) {
        list[n++] = VAProfileH264Main;
        if (!d->caps.no_high)
            list[n++] = VAProfileH264High;
    }
    *num = n;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_query_entrypoints(VADriverContextP ctx, VAProfile profile, VAEntrypoint *list, int *num)
{
    drv_state *d = CTX_STATE(ctx);
    *num = 0;
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (d->caps.slice.offered)
        list[(*num)++] = VAEntrypointEncSlice;
    if (d->caps.slice_lp.offered)
        list[(*num)++] = VAEntrypointEncSliceLP;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_get_config_attributes(VADriverContextP ctx, VAProfile profile, VAEntrypoint entrypoint,
                                          VAConfigAttrib *list, int num)
{
    drv_state *d = CTX_STATE(ctx);
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (!entry_caps(d, entrypoint))
        return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
    for (int i = 0; i < num; i++)
        list[i].value = attribute_value(d, entrypoint, list[i].type);
    return VA_STATUS_SUCCESS;
}

static const char *profile_name(VAProfile p)
{
    return p == VAProfileH264ConstrainedBaseline ? "CB" : p == VAProfileH264Main ? "Main" : "High";
}

static VAStatus check_config_attribute(drv_state *d, const VAConfigAttrib *a, drv_config *c)
{
    uint32_t supported = attribute_value(d, c->entrypoint, a->type);
    if (supported == VA_ATTRIB_NOT_SUPPORTED)
        return drv_violation(d, VA_STATUS_ERROR_ATTR_NOT_SUPPORTED,
                             "vaCreateConfig with attribute %d, which vaGetConfigAttributes reports unsupported",
                             (int)a->type);
    switch (a->type) {
    case VAConfigAttribRateControl: {
        /* One mode (va.h), which iHD may refine with per-macroblock control. */
        uint32_t mode = a->value & ~(uint32_t)VA_RC_MB;
        if (!mode || (mode & (mode - 1)) || (a->value & ~supported))
            return drv_violation(d, VA_STATUS_ERROR_INVALID_VALUE,
                                 "vaCreateConfig RateControl 0x%x is not one of the offered modes 0x%x", a->value,
                                 supported);
        c->rc_mode = mode;
        break;
    }
    case VAConfigAttribEncPackedHeaders:
        if (a->value & ~supported)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_VALUE,
                                 "vaCreateConfig EncPackedHeaders 0x%x beyond the offered 0x%x", a->value, supported);
        c->packed = a->value;
        break;
    case VAConfigAttribRTFormat:
        if (a->value != VA_RT_FORMAT_YUV420)
            return drv_violation(d, VA_STATUS_ERROR_INVALID_VALUE, "vaCreateConfig RTFormat 0x%x", a->value);
        break;
    default:
        break;
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_create_config(VADriverContextP ctx, VAProfile profile, VAEntrypoint entrypoint,
                                  VAConfigAttrib *list, int num, VAConfigID *id)
{
    drv_state *d = CTX_STATE(ctx);
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (!entry_caps(d, entrypoint))
        return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
    drv_config c = { .profile = profile, .entrypoint = entrypoint, .rc_mode = VA_RC_CQP,
                     .entry = entry_caps(d, entrypoint) };
    for (int i = 0; i < num; i++) {
        VAStatus st = check_config_attribute(d, &list[i], &c);
        if (st != VA_STATUS_SUCCESS)
            return st;
    }
    *id = drv_new_object(d, OBJ_CONFIG);
    if (*id == VA_INVALID_ID)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    drv_lookup(d, *id, OBJ_CONFIG)->u.config = c;
    drv_trace(d, "config profile=%s entry=%s rc=0x%x packed=0x%x", profile_name(profile),
              entrypoint == VAEntrypointEncSliceLP ? "EncSliceLP" : "EncSlice", c.rc_mode, c.packed);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_destroy_config(VADriverContextP ctx, VAConfigID id)
{
    drv_state *d = CTX_STATE(ctx);
    if (!drv_lookup(d, id, OBJ_CONFIG))
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONFIG, "vaDestroyConfig(0x%x): not a config", id);
    drv_free_object(d, id);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_query_config_attributes(VADriverContextP ctx, VAConfigID id, VAProfile *profile,
                                            VAEntrypoint *entrypoint, VAConfigAttrib *list, int *num)
{
    drv_state *d = CTX_STATE(ctx);
    drv_object *o = drv_lookup(d, id, OBJ_CONFIG);
    if (!o)
        return drv_violation(d, VA_STATUS_ERROR_INVALID_CONFIG, "vaQueryConfigAttributes(0x%x): not a config", id);
    *profile = o->u.config.profile;
    *entrypoint = o->u.config.entrypoint;
    list[0] = (VAConfigAttrib){ .type = VAConfigAttribRTFormat, .value = VA_RT_FORMAT_YUV420 };
    list[1] = (VAConfigAttrib){ .type = VAConfigAttribRateControl, .value = o->u.config.rc_mode };
    list[2] = (VAConfigAttrib){ .type = VAConfigAttribEncPackedHeaders, .value = o->u.config.packed };
    *num = 3;
    return VA_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ audit */

static VAStatus drv_terminate(VADriverContextP ctx)
{
    drv_state *d = CTX_STATE(ctx);
    int leaks = 0;
    for (int i = 0; i < DRV_MAX_OBJECTS; i++) {
        drv_object *o = &d->objects[i];
        if (o->kind == OBJ_FREE)
            continue;
        uint32_t id = (uint32_t)o->kind << 16 | (uint32_t)(i + 1);
        fprintf(stderr, "hwenctest VA driver: leaked at vaTerminate: %s 0x%x\n", kind_names[o->kind], id);
        leaks++;
        if (o->kind == OBJ_CONTEXT)
            drv_context_release(o->u.context);
        else if (o->kind == OBJ_SURFACE)
            free(o->u.surface.data);
        else if (o->kind == OBJ_BUFFER)
            drv_buffer_release(&o->u.buffer);
    }
    drv_trace(d, "terminate leaks=%d violations=%d", leaks, d->violations);
    int fail = leaks || d->violations;
    if (fail)
        fprintf(stderr, "hwenctest VA driver: %d objects leaked, %d contract violations%s%s\n", leaks, d->violations,
                d->violations ? "; first: " : "", d->first_violation);
    const char *no_abort = getenv("HWENCTEST_VA_NO_ABORT");
    free(d);
    ctx->pDriverData = NULL;
    if (fail && !(no_abort && *no_abort == '1'))
        abort();
    return VA_STATUS_SUCCESS;
}

/* --------------------------------------------------------------- set-up */

/* Returns 0, or -1 for an unknown profile name. */
static int parse_caps(drv_caps *c)
{
    const char *name = getenv("HWENCTEST_VA_PROFILE");
    size_t p = 0;
    if (name && *name)
        while (p < sizeof(profiles) / sizeof(profiles[0]) && strcmp(profiles[p].name, name))
            p++;
    if (p == sizeof(profiles) / sizeof(profiles[0])) {
        fprintf(stderr, "hwenctest VA driver: unknown HWENCTEST_VA_PROFILE '%s'\n", name);
        return -1;
    }
    *c = profiles[p].caps;
    snprintf(c->profile, sizeof(c->profile), "%s", profiles[p].name);
    c->fail_end_picture = -1;
    c->fail_sync = -1;
    const char *env = getenv("HWENCTEST_VA_CAPS");
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", env ? env : "");
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "no-packed")) c->packed = VA_ENC_PACKED_HEADER_NONE;
        else if (!strcmp(t, "no-packed-attr")) c->no_packed_attr = 1;
        else if (!strcmp(t, "lp-only")) c->slice.offered = 0, c->slice_lp.offered = 1;
        else if (!strcmp(t, "cqp-only")) c->slice.rc_modes = c->slice_lp.rc_modes = VA_RC_CQP;
        else if (!strcmp(t, "no-rc-attr")) c->no_rc_attr = 1;
        else if (!strcmp(t, "no-derive")) c->no_derive = 1;
        else if (!strcmp(t, "split-coded")) c->split_coded = 1;
        else if (!strcmp(t, "main-only")) c->main_only = 1;
        else if (!strcmp(t, "no-headers")) c->no_headers = 1;
        else if (!strcmp(t, "cb-only")) c->cb_only = 1;
        else if (!strcmp(t, "no-high")) c->no_high = 1;
        else if (!strcmp(t, "no-b")) c->slice.max_refs_l1 = c->slice_lp.max_refs_l1 = 0;
        else if (!strcmp(t, "bi-not-empty")) c->bi_not_empty = 1;
        else if (!strncmp(t, "refs=", 5)) c->slice.max_refs = c->slice_lp.max_refs = atoi(t + 5);
        else if (!strncmp(t, "roi=", 4)) c->slice.roi = c->slice_lp.roi = ROI_ATTR(atoi(t + 4), 0, 1);
        else fprintf(stderr, "hwenctest VA driver: unknown HWENCTEST_VA_CAPS entry '%s'\n", t);
    }
    const char *fail = getenv("HWENCTEST_VA_FAIL");
    if (fail && !strcmp(fail, "create-context"))
        c->fail_create_context = 1;
    else if (fail && !strncmp(fail, "end-picture:", 12))
        c->fail_end_picture = atoll(fail + 12);
    else if (fail && !strncmp(fail, "sync:", 5))
        c->fail_sync = atoll(fail + 5);
    return 0;
}

static VAStatus drv_unimplemented(void)
{
    return VA_STATUS_ERROR_UNIMPLEMENTED;
}

/* libva requires every classic entry point to be present; the ones an
 * encoder never uses answer UNIMPLEMENTED. */
static void set_stubs(struct VADriverVTable *vt)
{
    void **slot = (void **)vt;
    size_t count = offsetof(struct VADriverVTable, reserved) / sizeof(void *);
    for (size_t i = 0; i < count; i++)
        if (!slot[i])
            slot[i] = (void *)drv_unimplemented;
}

#define DRV_INIT_NAME2(major, minor) __vaDriverInit_##major##_##minor
#define DRV_INIT_NAME(major, minor) DRV_INIT_NAME2(major, minor)

/* libva looks for __vaDriverInit_1_<its minor>, then older minors; this is
 * built against the installed headers, so the newest name matches. */
VAStatus DRV_INIT_NAME(VA_MAJOR_VERSION, VA_MINOR_VERSION)(VADriverContextP ctx);
__attribute__((visibility("default"))) VAStatus DRV_INIT_NAME(VA_MAJOR_VERSION, VA_MINOR_VERSION)(VADriverContextP ctx)
{
    drv_state *d = calloc(1, sizeof(*d));
    if (!d)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    if (parse_caps(&d->caps) < 0) {
        free(d);
        return VA_STATUS_ERROR_INVALID_VALUE;
    }
    const char *cpu_log = getenv("HWENCTEST_ENCODE_CPU_LOG");
    snprintf(d->cpu_log_path, sizeof(d->cpu_log_path), "%s", cpu_log ? cpu_log : "");
    const char *trace = getenv("HWENCTEST_VA_TRACE");
    snprintf(d->trace_path, sizeof(d->trace_path), "%s", trace ? trace : "");
    ctx->pDriverData = d;
    ctx->version_major = VA_MAJOR_VERSION;
    ctx->version_minor = VA_MINOR_VERSION;
    ctx->max_profiles = 3;
    ctx->max_entrypoints = 2;
    ctx->max_attributes = 16;
    ctx->max_image_formats = 1;
    ctx->max_subpic_formats = 1;
    ctx->max_display_attributes = 1;
    ctx->str_vendor = DRV_VENDOR;

    struct VADriverVTable *vt = ctx->vtable;
    vt->vaTerminate = drv_terminate;
    vt->vaQueryConfigProfiles = drv_query_profiles;
    vt->vaQueryConfigEntrypoints = drv_query_entrypoints;
    vt->vaGetConfigAttributes = drv_get_config_attributes;
    vt->vaCreateConfig = drv_create_config;
    vt->vaDestroyConfig = drv_destroy_config;
    vt->vaQueryConfigAttributes = drv_query_config_attributes;
    drv_init_memory_vtable(vt, d->caps.sync_buffer);
    drv_init_encode_vtable(vt);
    set_stubs(vt);
    drv_trace(d, "init profile=%s caps=%s", d->caps.profile,
              getenv("HWENCTEST_VA_CAPS") ? getenv("HWENCTEST_VA_CAPS") : "");
    return VA_STATUS_SUCCESS;
}
