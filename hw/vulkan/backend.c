/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The Vulkan Video backend of the HAL: probing, opening (device, video
 * session, session parameters, images, buffers, query pool, command
 * buffers), the driver's rate control, and the hal_backend entry points.
 * The per-picture work is in vk_encode.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/config.h"
#include "hw/vulkan/vk_backend.h"

/* One second of video is the VBV buffer when the configuration gives none. */
#define DEFAULT_VBV_MS 1000

typedef struct vk_context {
    vk_funcs f;
    VkInstance instance;
    int own_instance;
} vk_context;

static int context_open(vk_context *c, const hwenc_config *cfg, char *err, size_t err_size)
{
    const hwenc_external_device *ext = &cfg->external;
    memset(c, 0, sizeof(*c));
    int ret = vk_funcs_load_loader(&c->f, ext->vk_get_instance_proc_addr, err, err_size);
    if (ret < 0)
        return ret;
    if (ext->vk_instance) {
        if (!ext->vk_get_instance_proc_addr) {
            snprintf(err, err_size, "an application VkInstance needs its vk_get_instance_proc_addr as well");
            vk_funcs_unload(&c->f);
            return HWENC_EINVAL;
        }
        c->instance = (VkInstance)ext->vk_instance;
        ret = vk_funcs_load_instance(&c->f, c->instance, err, err_size);
    } else {
        ret = vk_create_instance(&c->f, &c->instance, err, err_size);
        c->own_instance = ret == 0;
    }
    if (ret < 0)
        vk_funcs_unload(&c->f);
    return ret;
}

static void context_close(vk_context *c)
{
    if (c->own_instance && c->instance)
        c->f.vkDestroyInstance(c->instance, NULL);
    vk_funcs_unload(&c->f);
}

/* The application's physical device, or the one the selector names. */
static int pick_device(vk_context *c, const hwenc_config *cfg, const vk_profile *profile, VkPhysicalDevice *dev,
                       vk_device_caps *caps, int *index, char *err, size_t err_size)
{
    const hwenc_external_device *ext = &cfg->external;
    if (!ext->vk_physical_device)
        return vk_select_device(&c->f, c->instance, cfg->device, profile, dev, caps, index, err, err_size);
    char why[160];
    *dev = (VkPhysicalDevice)ext->vk_physical_device;
    *index = -1;
    int ret = vk_device_query(&c->f, *dev, profile, caps, why, sizeof(why));
    if (ret == HWENC_EUNSUPPORTED)
        snprintf(err, err_size, "the application's Vulkan device %s cannot encode H.264: %s", caps->name, why);
    else if (ret < 0)
        snprintf(err, err_size, "the application's Vulkan device %s: %s", caps->name, why);
    return ret;
}

/* B pictures need a Main or High session and both lists. The list sizes
 * the device reports do not bound what may be asked (a driver may shorten
 * the lists), but with both at 0 it takes no B pictures; hwenc's B
 * pictures name a reference on each side. */
static int device_has_b(const vk_profile *profile, const vk_device_caps *caps)
{
    return profile->h264.stdProfileIdc != STD_VIDEO_H264_PROFILE_IDC_BASELINE &&
           caps->h264.maxBPictureL0ReferenceCount > 0 && caps->h264.maxL1ReferenceCount > 0;
}

/* What the session's profile and the device's stdSyntaxFlags allow:
 * entropy_coding_mode_flag 1 needs ..._ENTROPY_CODING_MODE_FLAG_SET_BIT,
 * transform_8x8_mode_flag 1 ..._TRANSFORM_8X8_MODE_FLAG_SET_BIT (the
 * Vulkan spec: without the bit the implementation may override the flag).
 * RADV reports the 8x8 bit only from VCN 5 (radv_video.c) and ANV reports
 * both (anv_video.c). */
static h264_tools vk_tools(const vk_profile *profile, const vk_device_caps *caps, const char **why)
{
    VkVideoEncodeH264StdFlagsKHR f = caps->h264.stdSyntaxFlags;
    h264_tools t = { .profile_idc = (int)profile->h264.stdProfileIdc,
                     .cabac = !!(f & VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_SET_BIT_KHR),
                     .transform_8x8 = !!(f & VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR) };
    *why = t.profile_idc == H264_PROFILE_BASELINE ? "the Vulkan device encodes no Main or High profile"
           : t.profile_idc == H264_PROFILE_MAIN   ? "the Vulkan device encodes no High profile"
           : !t.cabac ? "the Vulkan device does not report VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_SET_BIT_KHR"
           : !t.transform_8x8
               ? "the Vulkan device does not report VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR"
               : NULL;
    return t;
}

/* Whether the device takes B frames, after the capabilities: they need
 * the Main profile, which the probe does not otherwise ask about. */
static void describe_b_frames(const vk_context *c, VkPhysicalDevice dev, int low_latency, char *out, size_t size)
{
    vk_profile main_profile;
    vk_device_caps caps;
    char why[160];
    size_t n = strlen(out);
    vk_profile_init(&main_profile, H264_PROFILE_MAIN, low_latency);
    if (n >= size)
        return;
    if (vk_device_query(&c->f, dev, &main_profile, &caps, why, sizeof(why)) < 0)
        snprintf(out + n, size - n, "; no B frames (no Main profile)");
    else if (!device_has_b(&main_profile, &caps))
        snprintf(out + n, size - n, "; no B frames (Main without B pictures)");
    else
        snprintf(out + n, size - n, "; B frames (Main): L0 %u, L1 %u", caps.h264.maxBPictureL0ReferenceCount,
                 caps.h264.maxL1ReferenceCount);
}

static void vk_probe(const hwenc_config *cfg, hwenc_backend_info *info)
{
    vk_context c;
    vk_profile profile;
    vk_device_caps caps;
    VkPhysicalDevice dev;
    int index;
    if (context_open(&c, cfg, info->reason, sizeof(info->reason)) < 0)
        return;
    vk_profile_init(&profile, H264_PROFILE_BASELINE, cfg->low_latency);
    if (pick_device(&c, cfg, &profile, &dev, &caps, &index, info->reason, sizeof(info->reason)) == 0) {
        /* The profile the stream would be coded in: the configuration's,
         * else the next lower the device encodes. */
        const h264_tools asked = config_h264_tools(cfg, 1, cfg->bframes);
        vk_profile coded_profile;
        vk_device_caps coded_caps = caps;
        static const int lower[] = { H264_PROFILE_HIGH, H264_PROFILE_MAIN };
        for (size_t i = 0; i < sizeof(lower) / sizeof(lower[0]); i++) {
            char unused[160];
            vk_profile_init(&coded_profile, lower[i], cfg->low_latency);
            if (lower[i] <= asked.profile_idc &&
                vk_device_query(&c.f, dev, &coded_profile, &coded_caps, unused, sizeof(unused)) == 0)
                break;
            vk_profile_init(&coded_profile, H264_PROFILE_BASELINE, cfg->low_latency);
            coded_caps = caps;
        }
        const char *why;
        h264_tools coded = asked, max = vk_tools(&coded_profile, &coded_caps, &why);
        h264_tools_limit(&coded, &max);
        info->available = 1;
        if (index >= 0)
            snprintf(info->reason, sizeof(info->reason), "Vulkan device %d encodes H.264", index);
        else
            snprintf(info->reason, sizeof(info->reason), "the application's Vulkan device encodes H.264");
        snprintf(info->device, sizeof(info->device), "%s", caps.name);
        snprintf(info->driver, sizeof(info->driver), "%s", caps.driver);
        vk_describe_caps(&caps, info->capabilities, sizeof(info->capabilities));
        describe_b_frames(&c, dev, cfg->low_latency, info->capabilities, sizeof(info->capabilities));
        h264_tools_note(&coded, &asked, why, info->reason, sizeof(info->reason));
    }
    context_close(&c);
}

void vk_rc_link(vk_rc_state *rc)
{
    rc->h264.pNext = NULL;
    rc->h264_layer.pNext = NULL;
    if (rc->info.layerCount) {
        rc->info.pNext = &rc->h264;
        rc->info.pLayers = &rc->layer;
        rc->layer.pNext = &rc->h264_layer;
    } else {
        rc->info.pNext = NULL;
        rc->info.pLayers = NULL;
        rc->layer.pNext = NULL;
    }
}

static const char *rc_modes_text(VkVideoEncodeRateControlModeFlagsKHR modes, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", modes & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR ? " CQP" : "",
             modes & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR ? " CBR" : "",
             modes & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR ? " VBR" : "");
    return buf[0] ? buf + 1 : "none";
}

static void rc_set_bitrate(vk_rc_state *rc, uint64_t average, uint64_t peak, int vbv_kbits)
{
    rc->layer.averageBitrate = average;
    rc->layer.maxBitrate = peak;
    rc->info.virtualBufferSizeInMs =
        vbv_kbits > 0 && average ? (uint32_t)((uint64_t)vbv_kbits * 1000 * 1000 / average) : DEFAULT_VBV_MS;
    if (!rc->info.virtualBufferSizeInMs)
        rc->info.virtualBufferSizeInMs = 1;
    rc->info.initialVirtualBufferSizeInMs = rc->info.virtualBufferSizeInMs * 3 / 4;
}

static int rc_init(vk_backend *b, const hwenc_config *cfg, char *err, size_t err_size)
{
    vk_rc_state *rc = &b->rc_next;
    VkVideoEncodeRateControlModeFlagsKHR modes = b->caps.encode.rateControlModes;
    VkVideoEncodeRateControlModeFlagBitsKHR mode;
    const char *name;
    memset(rc, 0, sizeof(*rc));
    switch (cfg->rc_mode) {
    case HWENC_RC_CQP: mode = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR; name = "CQP"; break;
    case HWENC_RC_CBR: mode = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR; name = "CBR"; break;
    case HWENC_RC_VBR:
    case HWENC_RC_ABR: mode = VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR; name = "VBR"; break;
    default:
        snprintf(err, err_size, "CRF is a mode of the CPU encoder; Vulkan Video offers CQP, CBR and VBR");
        return HWENC_EUNSUPPORTED;
    }
    if (!(modes & mode)) {
        char buf[32];
        snprintf(err, err_size, "the Vulkan device has no %s rate control (it offers: %s)", name,
                 rc_modes_text(modes, buf, sizeof(buf)));
        return HWENC_EUNSUPPORTED;
    }
    rc->info.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR;
    rc->info.rateControlMode = mode;
    rc->h264.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_INFO_KHR;
    /* Every keyint frames an IDR, none in between; without keyint, one
     * IDR ever: the infinite GOP is UINT32_MAX (0 would leave the GOP to
     * the implementation). */
    rc->h264.gopFrameCount = cfg->keyint > 0 ? (uint32_t)cfg->keyint : UINT32_MAX;
    rc->h264.idrPeriod = rc->h264.gopFrameCount;
    /* B runs are shorter than the GOP they sit in
     * (VUID-VkVideoEncodeH264RateControlInfoKHR-consecutiveBFrameCount-08285). */
    rc->h264.consecutiveBFrameCount = (uint32_t)b->bframes;
    if (rc->h264.consecutiveBFrameCount >= rc->h264.gopFrameCount)
        rc->h264.consecutiveBFrameCount = rc->h264.gopFrameCount - 1;
    rc->h264.temporalLayerCount = 1;
    /* No flags: scene cuts and forced IDRs make the GOP irregular, and a
     * reference pattern needs REGULAR_GOP
     * (VUID-VkVideoEncodeH264RateControlInfoKHR-flags-08281). */
    rc->h264.flags = 0;
    rc->layer.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_LAYER_INFO_KHR;
    rc->layer.frameRateNumerator = (uint32_t)cfg->fps_num;
    rc->layer.frameRateDenominator = (uint32_t)cfg->fps_den;
    rc->h264_layer.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_RATE_CONTROL_LAYER_INFO_KHR;

    if (mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR) {
        if (cfg->qp < b->caps.h264.minQp || cfg->qp > b->caps.h264.maxQp) {
            snprintf(err, err_size, "QP %d is outside the Vulkan device's range %d..%d", cfg->qp, b->caps.h264.minQp,
                     b->caps.h264.maxQp);
            return HWENC_EUNSUPPORTED;
        }
        b->qp = cfg->qp;
    } else {
        uint64_t average = (uint64_t)cfg->bitrate_kbps * 1000;
        uint64_t peak = average;
        if (mode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR)
            peak = cfg->vbv_maxrate_kbps > cfg->bitrate_kbps ? (uint64_t)cfg->vbv_maxrate_kbps * 1000
                   : cfg->rc_mode == HWENC_RC_ABR          ? 2 * average /* ABR has no peak: allow twice */
                                                           : average;
        if (peak > b->caps.encode.maxBitrate)
            peak = b->caps.encode.maxBitrate;
        if (average == 0 || average > b->caps.encode.maxBitrate) {
            snprintf(err, err_size, "bitrate %d kbps is outside the Vulkan device's range 1..%llu kbps",
                     cfg->bitrate_kbps, (unsigned long long)(b->caps.encode.maxBitrate / 1000));
            return HWENC_EUNSUPPORTED;
        }
        rc->info.layerCount = 1;
        rc_set_bitrate(rc, average, peak, cfg->vbv_bufsize_kbits);
        b->gop_remaining = b->caps.h264.requiresGopRemainingFrames || b->caps.h264.prefersGopRemainingFrames;
    }
    b->keyint = cfg->keyint;
    vk_rc_link(rc);
    b->rc_pending = 1;
    return 0;
}

int vk_backend_set_bitrate(void *priv, int bitrate_kbps, int vbv_maxrate_kbps, char *err, size_t err_size)
{
    vk_backend *b = priv;
    vk_rc_state *rc = &b->rc_next;
    if (!rc->info.layerCount) {
        snprintf(err, err_size, "the bitrate can change only in CBR or VBR mode");
        return HWENC_ESTATE;
    }
    uint64_t average = (uint64_t)(bitrate_kbps > 0 ? bitrate_kbps : 0) * 1000;
    uint64_t peak = rc->info.rateControlMode == VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR ? average
                    : vbv_maxrate_kbps > bitrate_kbps ? (uint64_t)vbv_maxrate_kbps * 1000
                                                      : average;
    if (average == 0 || peak > b->caps.encode.maxBitrate) {
        snprintf(err, err_size, "bitrate %d kbps (peak %llu kbps) is outside the Vulkan device's range 1..%llu kbps",
                 bitrate_kbps, (unsigned long long)(peak / 1000),
                 (unsigned long long)(b->caps.encode.maxBitrate / 1000));
        return HWENC_EINVAL;
    }
    /* Keep the buffer's duration: the driver's model is in milliseconds. */
    uint32_t ms = rc->info.virtualBufferSizeInMs;
    rc_set_bitrate(rc, average, peak, 0);
    rc->info.virtualBufferSizeInMs = ms;
    rc->info.initialVirtualBufferSizeInMs = ms * 3 / 4;
    b->rc_pending = 1;
    return 0;
}

static uint32_t pick_quality_level(const vk_backend *b, enum hwenc_preset preset)
{
    uint32_t levels = b->caps.encode.maxQualityLevels ? b->caps.encode.maxQualityLevels : 1;
    /* The slowest preset asks for the highest level. */
    return (uint32_t)preset * (levels - 1) / (HWENC_PRESET_COUNT - 1);
}

static int check_quality_level(vk_backend *b, char *err, size_t err_size)
{
    VkPhysicalDeviceVideoEncodeQualityLevelInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR,
        .pVideoProfile = &b->profile.info,
        .qualityLevel = b->quality_level,
    };
    VkVideoEncodeH264QualityLevelPropertiesKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_QUALITY_LEVEL_PROPERTIES_KHR,
    };
    VkVideoEncodeQualityLevelPropertiesKHR props = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_PROPERTIES_KHR,
        .pNext = &h264,
    };
    VkResult r = b->f.vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR(b->physical, &info, &props);
    if (r != VK_SUCCESS) {
        snprintf(err, err_size, "quality level %u: vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR failed (%s)",
                 b->quality_level, vk_result_name(r));
        return HWENC_EBACKEND;
    }
    return 0;
}

static int open_device(vk_backend *b, vk_context *c, const hwenc_config *cfg, char *err, size_t err_size)
{
    const hwenc_external_device *ext = &cfg->external;
    int index, ret = pick_device(c, cfg, &b->profile, &b->physical, &b->caps, &index, err, err_size);
    if (ret < 0)
        return ret;
    if (ext->vk_device) {
        if (ext->vk_encode_queue_family < 0 || !ext->vk_physical_device || !ext->vk_instance) {
            snprintf(err, err_size,
                     "an application VkDevice needs its VkInstance, VkPhysicalDevice and encode queue family");
            return HWENC_EINVAL;
        }
        if ((ret = vk_check_app_device(ext, err, err_size)) < 0)
            return ret;
        if (b->caps.upload_family != b->caps.encode_family) {
            snprintf(err, err_size, "the application's encode queue cannot copy pictures (no transfer support)");
            return HWENC_EUNSUPPORTED;
        }
        b->device = (VkDevice)ext->vk_device;
        b->caps.encode_family = b->caps.upload_family = ext->vk_encode_queue_family;
    } else {
        if ((ret = vk_create_device(&b->f, b->physical, &b->caps, &b->device, err, err_size)) < 0)
            return ret;
        b->own_device = 1;
    }
    if ((ret = vk_funcs_load_device(&b->f, b->device, err, err_size)) < 0)
        return ret;
    b->f.vkGetDeviceQueue(b->device, (uint32_t)b->caps.encode_family,
                          ext->vk_device ? (uint32_t)ext->vk_encode_queue_index : 0, &b->encode_queue);
    b->upload_queue = b->encode_queue;
    if (b->caps.upload_family != b->caps.encode_family)
        b->f.vkGetDeviceQueue(b->device, (uint32_t)b->caps.upload_family, 0, &b->upload_queue);
    b->mem.f = &b->f;
    b->mem.device = b->device;
    b->f.vkGetPhysicalDeviceMemoryProperties(b->physical, &b->mem.props);
    return 0;
}

/* The device for the stream's profile, else the next lower one: High,
 * then Main, then Constrained Baseline (which takes no B frames), as
 * FFmpeg's vulkan_encode_h264 falls back when the device has no High.
 * The HAL plans the stream again for the profile the session has
 * (hal_caps.tools). */
static int open_device_for(vk_backend *b, vk_context *c, const hal_session *s, char *err, size_t err_size)
{
    static const int lower[] = { H264_PROFILE_HIGH, H264_PROFILE_MAIN, H264_PROFILE_BASELINE };
    int ret = HWENC_EUNSUPPORTED;
    for (size_t i = 0; i < sizeof(lower) / sizeof(lower[0]) && ret == HWENC_EUNSUPPORTED; i++) {
        if (lower[i] > s->h264.sps->profile_idc)
            continue;
        vk_profile_init(&b->profile, lower[i], s->config->low_latency);
        ret = open_device(b, c, s->config, err, err_size);
    }
    return ret;
}

/* References within the device's limits. The session keeps the max_active
 * most recent references and reconstructs each picture into one more slot
 * (vk_dpb.h), so it needs max_active + 1 slots. A B picture names list 0
 * (at most maxBPictureL0ReferenceCount) and one list-1 picture, both
 * active together; P pictures of that stream use the same list 0. */
static void plan_references(vk_backend *b, const hal_session *s)
{
    const VkVideoCapabilitiesKHR *vc = &b->caps.video;
    const VkVideoEncodeH264CapabilitiesKHR *h264 = &b->caps.h264;
    int slots = s->dpb_slots < (int)vc->maxDpbSlots ? s->dpb_slots : (int)vc->maxDpbSlots;
    int active = (int)vc->maxActiveReferencePictures;
    int refs = s->h264.sps->max_num_ref_frames;
    refs = refs < active ? refs : active;
    refs = refs < (int)h264->maxPPictureL0ReferenceCount ? refs : (int)h264->maxPPictureL0ReferenceCount;
    int b_refs = refs < (int)h264->maxBPictureL0ReferenceCount ? refs : (int)h264->maxBPictureL0ReferenceCount;
    b_refs = b_refs < active - 1 ? b_refs : active - 1;
    b_refs = b_refs < slots - 2 ? b_refs : slots - 2;
    b->bframes = 0;
    if (s->bframes && device_has_b(&b->profile, &b->caps) && b_refs > 0) {
        b->bframes = s->bframes;
        refs = b_refs;
    }
    refs = refs < slots - 1 ? refs : slots - 1;
    b->max_refs = refs > 0 ? refs : 0;
    b->max_active = b->max_refs ? b->max_refs + (b->bframes ? 1 : 0) : 0;
    /* No references: no DPB at all (maxDpbSlots and
     * maxActiveReferencePictures are both zero or both not,
     * VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04850). */
    vk_dpb_init(&b->dpb_map, b->max_refs ? slots : 0, b->max_active);
}

/* The source image covers the coded size in whole encode input granules:
 * the encoder may read it in those units (encodeInputPictureGranularity;
 * ANV reports 32x32), and FFmpeg sizes its input surfaces the same way. */
static void plan_source(vk_backend *b)
{
    VkExtent2D g = b->caps.encode.encodeInputPictureGranularity;
    uint32_t gw = g.width ? g.width : 1, gh = g.height ? g.height : 1;
    b->src_width = (b->coded_width + gw - 1) / gw * gw;
    b->src_height = (b->coded_height + gh - 1) / gh * gh;
    /* NV12 halves both dimensions for chroma. */
    b->src_width += b->src_width & 1;
    b->src_height += b->src_height & 1;
}

/* Sizes, DPB slots and references within what the device can do. */
static int plan_session(vk_backend *b, const hal_session *s, char *err, size_t err_size)
{
    const VkVideoCapabilitiesKHR *vc = &b->caps.video;
    b->width = s->config->width;
    b->height = s->config->height;
    b->coded_width = (uint32_t)s->h264.sps->mb_width * 16;
    b->coded_height = (uint32_t)s->h264.sps->mb_height * 16;
    if (b->coded_width < vc->minCodedExtent.width || b->coded_height < vc->minCodedExtent.height ||
        b->coded_width > vc->maxCodedExtent.width || b->coded_height > vc->maxCodedExtent.height) {
        snprintf(err, err_size, "%dx%d is outside the Vulkan encoder's sizes %ux%u to %ux%u", b->width, b->height,
                 vc->minCodedExtent.width, vc->minCodedExtent.height, vc->maxCodedExtent.width,
                 vc->maxCodedExtent.height);
        return HWENC_EUNSUPPORTED;
    }
    if (vk_std_level(s->h264.sps->level_idc) > b->caps.h264.maxLevelIdc) {
        snprintf(err, err_size, "the stream needs H.264 level %d.%d, above the Vulkan encoder's maximum",
                 s->h264.sps->level_idc / 10, s->h264.sps->level_idc % 10);
        return HWENC_EUNSUPPORTED;
    }
    plan_references(b, s);
    plan_source(b);
    return 0;
}

/* A driver may rewrite the parameter sets it is given (hasOverrides: RADV
 * always rewrites the PPS's pic_init_qp); its versions go in front of the
 * IDRs, so the slices the backend describes follow its PPS: slice_qp_delta
 * from its pic_init_qp, the list sizes against its defaults. Deblocking
 * off or offset needs the PPS's deblocking_filter_control_present_flag. */
static int adopt_driver_pps(vk_backend *b, int overridden, char *err, size_t err_size)
{
    vk_pps_fields pps = {
        .pic_init_qp = b->pps->pic_init_qp,
        .num_ref_idx_l0_default_active = b->pps->num_ref_idx_l0_default_active,
        .num_ref_idx_l1_default_active = b->pps->num_ref_idx_l1_default_active,
        .deblocking_filter_control_present = b->pps->deblocking_filter_control_present,
    };
    if (overridden && vk_params_parse_pps(b->headers, b->headers_size, &pps) < 0) {
        snprintf(err, err_size, "the Vulkan driver changed the PPS into one hwenc cannot read");
        return HWENC_EBACKEND;
    }
    if (!pps.deblocking_filter_control_present && b->deblock_control) {
        snprintf(err, err_size, "the Vulkan driver's PPS drops deblocking_filter_control_present_flag, so the "
                 "deblock settings cannot be sent");
        return HWENC_EUNSUPPORTED;
    }
    b->driver_pic_init_qp = pps.pic_init_qp;
    b->driver_refs_l0 = pps.num_ref_idx_l0_default_active;
    b->driver_refs_l1 = pps.num_ref_idx_l1_default_active;
    return 0;
}

/* The std-video values the driver must keep as given. A driver may
 * override the values its stdSyntaxFlags do not promise to use
 * (VkVideoEncodeH264StdFlagBitsKHR). deblock = 0 asks for
 * disable_deblocking_filter_idc 1, which the std enum names
 * STD_VIDEO_H264_DISABLE_DEBLOCKING_FILTER_IDC_ENABLED (the disabling is
 * enabled) and VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR
 * promises; a device without it (RADV) is refused rather than left to
 * ignore the setting. The default, deblocking on, is what every driver
 * does unasked. */
static int check_std_syntax(const vk_backend *b, const hwenc_config *cfg, char *err, size_t err_size)
{
    if (!cfg->deblock && !(b->caps.h264.stdSyntaxFlags & VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR)) {
        snprintf(err, err_size, "the Vulkan device may override deblocking off (deblock = 0): it does not report "
                 "VK_VIDEO_ENCODE_H264_STD_DEBLOCKING_FILTER_ENABLED_BIT_KHR for disable_deblocking_filter_idc 1");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

static int create_session(vk_backend *b, char *err, size_t err_size)
{
    static const VkExtensionProperties std_header = {
        .extensionName = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME,
        .specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION,
    };
    VkVideoEncodeH264SessionCreateInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_CREATE_INFO_KHR,
    };
    VkVideoSessionCreateInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .pNext = &h264,
        .queueFamilyIndex = (uint32_t)b->caps.encode_family,
        .pVideoProfile = &b->profile.info,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = { b->coded_width, b->coded_height },
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = (uint32_t)b->dpb_map.slots,
        .maxActiveReferencePictures = (uint32_t)b->max_active,
        .pStdHeaderVersion = &std_header,
    };
    VkResult r = b->f.vkCreateVideoSessionKHR(b->device, &info, NULL, &b->session);
    if (r != VK_SUCCESS) {
        b->session = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateVideoSessionKHR failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    int ret = vk_session_memory_bind(&b->mem, b->session, b->session_memory, &b->session_memory_count, err, err_size);
    if (ret < 0)
        return ret;
    vk_std_params_init(&b->std, b->sps, b->pps);
    if ((ret = vk_params_create(&b->f, b->device, b->session, &b->std, b->quality_level, &b->params, err,
                                err_size)) < 0)
        return ret;
    int overridden;
    if ((ret = vk_params_read_back(&b->f, b->device, b->params, &b->std, b->headers, sizeof(b->headers),
                                   &b->headers_size, &overridden, err, err_size)) < 0)
        return ret;
    return adopt_driver_pps(b, overridden, err, err_size);
}

static int create_command_buffer(vk_backend *b, int family, VkCommandPool *pool, VkCommandBuffer *cmd, char *err,
                                 size_t err_size)
{
    VkCommandPoolCreateInfo pool_info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = (uint32_t)family,
    };
    VkResult r = b->f.vkCreateCommandPool(b->device, &pool_info, NULL, pool);
    if (r != VK_SUCCESS) {
        *pool = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateCommandPool failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = *pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    if ((r = b->f.vkAllocateCommandBuffers(b->device, &alloc, cmd)) != VK_SUCCESS) {
        *cmd = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkAllocateCommandBuffers failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    return 0;
}

static int create_sync(vk_backend *b, char *err, size_t err_size)
{
    VkQueryPoolVideoEncodeFeedbackCreateInfoKHR feedback = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_VIDEO_ENCODE_FEEDBACK_CREATE_INFO_KHR,
        .pNext = &b->profile.info,
        .encodeFeedbackFlags = VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BUFFER_OFFSET_BIT_KHR |
                               VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BYTES_WRITTEN_BIT_KHR,
    };
    VkQueryPoolCreateInfo query = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .pNext = &feedback,
        .queryType = VK_QUERY_TYPE_VIDEO_ENCODE_FEEDBACK_KHR,
        .queryCount = 1,
    };
    VkFenceCreateInfo fence = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    VkSemaphoreCreateInfo sem = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO };
    VkResult r;
    if ((b->caps.encode.supportedEncodeFeedbackFlags & feedback.encodeFeedbackFlags) != feedback.encodeFeedbackFlags) {
        snprintf(err, err_size, "the Vulkan encoder does not report bitstream offsets and sizes");
        return HWENC_EUNSUPPORTED;
    }
    if ((r = b->f.vkCreateQueryPool(b->device, &query, NULL, &b->query)) != VK_SUCCESS) {
        b->query = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateQueryPool (encode feedback) failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    if ((r = b->f.vkCreateFence(b->device, &fence, NULL, &b->fence)) != VK_SUCCESS) {
        b->fence = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateFence failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    if (b->caps.upload_family != b->caps.encode_family &&
        (r = b->f.vkCreateSemaphore(b->device, &sem, NULL, &b->uploaded)) != VK_SUCCESS) {
        b->uploaded = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateSemaphore failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    return 0;
}

static int create_resources(vk_backend *b, char *err, size_t err_size)
{
    const void *list = &b->profile.list;
    uint32_t families[2] = { (uint32_t)b->caps.encode_family, (uint32_t)b->caps.upload_family };
    uint32_t family_count = families[0] == families[1] ? 1 : 2;
    VkDeviceSize frame_size = (VkDeviceSize)b->src_width * b->src_height * 3 / 2;
    VkDeviceSize align = b->caps.video.minBitstreamBufferSizeAlignment ? b->caps.video.minBitstreamBufferSizeAlignment : 1;
    /* Room for an intra picture at QP 0 with every macroblock as PCM. */
    VkDeviceSize bitstream_size = (frame_size + frame_size / 8 + 4096 + align - 1) / align * align;
    int ret = vk_image_create(&b->mem, b->src_width, b->src_height, 1,
                              VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_TRANSFER_DST_BIT, list, families,
                              family_count, &b->src, err, err_size);
    if (ret == 0 && b->dpb_map.slots > 0)
        ret = vk_image_create(&b->mem, b->coded_width, b->coded_height, (uint32_t)b->dpb_map.slots,
                              VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR, list, families, 1, &b->dpb, err, err_size);
    if (ret == 0)
        ret = vk_buffer_create(&b->mem, frame_size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, NULL, &b->staging, err,
                               err_size);
    if (ret == 0)
        ret = vk_buffer_create(&b->mem, bitstream_size, VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR, list, &b->bitstream,
                               err, err_size);
    if (ret == 0)
        ret = create_command_buffer(b, b->caps.encode_family, &b->encode_pool, &b->encode_cmd, err, err_size);
    if (ret == 0 && b->caps.upload_family != b->caps.encode_family)
        ret = create_command_buffer(b, b->caps.upload_family, &b->upload_pool, &b->upload_cmd, err, err_size);
    if (ret == 0)
        ret = create_sync(b, err, err_size);
    if (ret < 0)
        return ret;
    b->out_capacity = b->headers_size + (size_t)bitstream_size;
    b->out = malloc(b->out_capacity);
    return b->out ? 0 : HWENC_ENOMEM;
}

static void vk_close(void *priv)
{
    vk_backend *b = priv;
    if (!b)
        return;
    const vk_funcs *f = &b->f;
    if (b->device) {
        /* After a device loss this fails, and destroying is still allowed. */
        if (f->vkDeviceWaitIdle)
            f->vkDeviceWaitIdle(b->device);
        if (b->uploaded)
            f->vkDestroySemaphore(b->device, b->uploaded, NULL);
        if (b->fence)
            f->vkDestroyFence(b->device, b->fence, NULL);
        if (b->query)
            f->vkDestroyQueryPool(b->device, b->query, NULL);
        if (b->upload_pool)
            f->vkDestroyCommandPool(b->device, b->upload_pool, NULL);
        if (b->encode_pool)
            f->vkDestroyCommandPool(b->device, b->encode_pool, NULL);
        if (b->mem.f) {
            vk_buffer_destroy(&b->mem, &b->bitstream);
            vk_buffer_destroy(&b->mem, &b->staging);
            vk_image_destroy(&b->mem, &b->dpb);
            vk_image_destroy(&b->mem, &b->src);
        }
        if (b->params)
            f->vkDestroyVideoSessionParametersKHR(b->device, b->params, NULL);
        if (b->session)
            f->vkDestroyVideoSessionKHR(b->device, b->session, NULL);
        for (uint32_t i = 0; i < b->session_memory_count; i++)
            f->vkFreeMemory(b->device, b->session_memory[i], NULL);
        if (b->own_device)
            f->vkDestroyDevice(b->device, NULL);
    }
    if (b->own_instance && b->instance)
        f->vkDestroyInstance(b->instance, NULL);
    vk_funcs_unload(&b->f);
    free(b->out);
    free(b);
}

static int vk_open(const hal_session *s, void **priv, hal_caps *caps, char *err, size_t err_size)
{
    const hwenc_config *cfg = s->config;
    /* Vulkan Video codes slices only: hwenc writes the SPS and could write
     * SEI and filler, but the rate control is the driver's, and no query
     * says how full its buffer is, which the buffering period and the
     * filler of nal_hrd must know. Refused; `auto` goes on. */
    if (cfg->nal_hrd != HWENC_NAL_HRD_NONE) {
        snprintf(err, err_size, "nal_hrd %s: Vulkan Video does not report its rate control's buffer fullness, which "
                 "the HRD's buffering period and filler need", cfg->nal_hrd == HWENC_NAL_HRD_CBR ? "cbr" : "vbr");
        return HWENC_EUNSUPPORTED;
    }
    vk_backend *b = calloc(1, sizeof(*b));
    if (!b)
        return HWENC_ENOMEM;
    vk_context c;
    int ret = context_open(&c, cfg, err, err_size);
    if (ret < 0) {
        free(b);
        return ret;
    }
    /* The backend owns the loader and instance from here on. */
    b->f = c.f;
    b->instance = c.instance;
    b->own_instance = c.own_instance;
    b->sps = s->h264.sps;
    b->pps = s->h264.pps;
    if ((ret = open_device_for(b, &c, s, err, err_size)) < 0 || (ret = plan_session(b, s, err, err_size)) < 0 ||
        (ret = rc_init(b, cfg, err, err_size)) < 0)
        goto fail;
    b->quality_level = pick_quality_level(b, cfg->preset);
    b->deblock_control = !cfg->deblock || cfg->deblock_alpha || cfg->deblock_beta;
    caps->max_refs = b->max_refs;
    caps->max_bframes = b->bframes;
    caps->tools = vk_tools(&b->profile, &b->caps, &caps->tools_why);
    /* A stream with more than the session codes is planned again by the
     * HAL, which closes this one first: no session for it. */
    h264_tools stream = { s->h264.sps->profile_idc, s->h264.pps->entropy_coding_mode, s->h264.pps->transform_8x8_mode };
    if (h264_tools_limit(&stream, &caps->tools)) {
        *priv = b;
        return 0;
    }
    if ((ret = check_std_syntax(b, cfg, err, err_size)) < 0 || (ret = check_quality_level(b, err, err_size)) < 0 ||
        (ret = create_session(b, err, err_size)) < 0 ||
        (ret = create_resources(b, err, err_size)) < 0)
        goto fail;
    /* Not yet: VK_KHR_video_encode_quantization_map postdates the Vulkan
     * headers this backend declares its encode API beside (1.3.239). */
    snprintf(caps->roi_why, sizeof(caps->roi_why), "VK_KHR_video_encode_quantization_map is not implemented");
    *priv = b;
    return 0;
fail:
    vk_close(b);
    return ret;
}

static int vk_send_picture(void *priv, const hal_picture *pic, char *err, size_t err_size)
{
    vk_backend *b = priv;
    if (hal_mailbox_full(&b->mailbox))
        return HWENC_EAGAIN;
    if (b->lost) {
        snprintf(err, err_size, "the Vulkan device was lost; close the encoder");
        return HWENC_EDEVICE_LOST;
    }
    int ret = vk_encode_picture(b, pic, err, err_size);
    if (ret < 0)
        return ret;
    hal_mailbox_post(&b->mailbox);
    b->frames++;
    return 0;
}

static int vk_receive_packet(void *priv, int drain, hal_packet *pkt, char *err, size_t err_size)
{
    vk_backend *b = priv;
    (void)err;
    (void)err_size;
    return hal_mailbox_receive(&b->mailbox, drain, pkt);
}

static int vk_reconfigure(void *priv, const hwenc_config *cfg, char *err, size_t err_size)
{
    return vk_backend_set_bitrate(priv, cfg->bitrate_kbps, cfg->vbv_maxrate_kbps, err, err_size);
}

const hal_backend hal_backend_vulkan = {
    .id = HWENC_BACKEND_VULKAN,
    .probe = vk_probe,
    .open = vk_open,
    .send_picture = vk_send_picture,
    .receive_packet = vk_receive_packet,
    .reconfigure = vk_reconfigure,
    .close = vk_close,
};
