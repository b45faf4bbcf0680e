/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "hw/vulkan/vk_device.h"

#define MAX_DEVICES 16
#define MAX_FAMILIES 16
#define MAX_FORMATS 64

static const char *const required_extensions[] = {
    VK_KHR_VIDEO_QUEUE_EXTENSION_NAME,
    VK_KHR_VIDEO_ENCODE_QUEUE_EXTENSION_NAME,
    VK_KHR_VIDEO_ENCODE_H264_EXTENSION_NAME,
};
#define REQUIRED_EXTENSIONS (int)(sizeof(required_extensions) / sizeof(required_extensions[0]))

void vk_profile_init(vk_profile *p, int profile_idc, int low_latency)
{
    memset(p, 0, sizeof(*p));
    p->usage.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_USAGE_INFO_KHR;
    p->usage.videoUsageHints = low_latency ? VK_VIDEO_ENCODE_USAGE_STREAMING_BIT_KHR : VK_VIDEO_ENCODE_USAGE_DEFAULT_KHR;
    p->usage.videoContentHints = VK_VIDEO_ENCODE_CONTENT_DEFAULT_KHR;
    p->usage.tuningMode = low_latency ? VK_VIDEO_ENCODE_TUNING_MODE_LOW_LATENCY_KHR : VK_VIDEO_ENCODE_TUNING_MODE_DEFAULT_KHR;
    p->h264.sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR;
    p->h264.pNext = &p->usage;
    p->h264.stdProfileIdc = (StdVideoH264ProfileIdc)profile_idc; /* the Std values are the profile_idc values */
    p->info.sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR;
    p->info.pNext = &p->h264;
    p->info.videoCodecOperation = VK_VIDEO_CODEC_OPERATION_ENCODE_H264_BIT_KHR;
    p->info.chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR;
    p->info.lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR;
    p->info.chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR;
    p->list.sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR;
    p->list.profileCount = 1;
    p->list.pProfiles = &p->info;
}

int vk_create_instance(vk_funcs *f, VkInstance *instance, char *err, size_t err_size)
{
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "hwenc",
        .applicationVersion = HWENC_VERSION,
        .pEngineName = "hwenc",
        .engineVersion = HWENC_VERSION,
        .apiVersion = VK_API_VERSION_1_3,
    };
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pApplicationInfo = &app,
    };
    VkResult r = f->vkCreateInstance(&info, NULL, instance);
    if (r != VK_SUCCESS) {
        *instance = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateInstance failed (%s)%s", vk_result_name(r),
                 r == VK_ERROR_INCOMPATIBLE_DRIVER ? ": no Vulkan driver is installed" : "");
        return HWENC_EUNSUPPORTED;
    }
    int ret = vk_funcs_load_instance(f, *instance, err, err_size);
    if (ret < 0) {
        PFN_vkDestroyInstance destroy =
            (PFN_vkDestroyInstance)f->vkGetInstanceProcAddr(*instance, "vkDestroyInstance");
        if (destroy)
            destroy(*instance, NULL);
        *instance = VK_NULL_HANDLE;
    }
    return ret;
}

/* 0 when the device has every required extension, 1 when it lacks one
 * (named in *which), or an error: an extension list that cannot be read
 * says nothing about what the device has. */
static int missing_extension(const vk_funcs *f, VkPhysicalDevice dev, const char **which, char *why,
                             size_t why_size)
{
    uint32_t n = 0;
    VkResult r = f->vkEnumerateDeviceExtensionProperties(dev, NULL, &n, NULL);
    VkExtensionProperties *ext = NULL;
    if (r >= 0 && n) {
        ext = calloc(n, sizeof(*ext));
        if (!ext) {
            snprintf(why, why_size, "out of memory for the device's %u extensions", n);
            return HWENC_ENOMEM;
        }
        r = f->vkEnumerateDeviceExtensionProperties(dev, NULL, &n, ext);
    }
    if (r < 0) {
        free(ext);
        snprintf(why, why_size, "vkEnumerateDeviceExtensionProperties failed (%s)", vk_result_name(r));
        return r == VK_ERROR_OUT_OF_HOST_MEMORY ? HWENC_ENOMEM : HWENC_EBACKEND;
    }
    int missing = 0;
    /* Report the encode queue first: it is what most drivers lack. */
    static const int order[REQUIRED_EXTENSIONS] = { 1, 0, 2 };
    for (int k = 0; k < REQUIRED_EXTENSIONS && !missing; k++) {
        const char *name = required_extensions[order[k]];
        int found = 0;
        for (uint32_t i = 0; i < n && !found; i++)
            found = !strcmp(ext[i].extensionName, name);
        if (!found) {
            *which = name;
            missing = 1;
        }
    }
    free(ext);
    return missing;
}

static void find_families(const vk_funcs *f, VkPhysicalDevice dev, vk_device_caps *caps)
{
    VkQueueFamilyProperties2 props[MAX_FAMILIES];
    VkQueueFamilyVideoPropertiesKHR video[MAX_FAMILIES];
    uint32_t n = 0;
    f->vkGetPhysicalDeviceQueueFamilyProperties2(dev, &n, NULL);
    if (n > MAX_FAMILIES)
        n = MAX_FAMILIES;
    for (uint32_t i = 0; i < n; i++) {
        video[i] = (VkQueueFamilyVideoPropertiesKHR){ .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR };
        props[i] = (VkQueueFamilyProperties2){ .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2, .pNext = &video[i] };
    }
    f->vkGetPhysicalDeviceQueueFamilyProperties2(dev, &n, props);
    caps->encode_family = caps->upload_family = -1;
    for (uint32_t i = 0; i < n && caps->encode_family < 0; i++)
        if ((props[i].queueFamilyProperties.queueFlags & VK_QUEUE_VIDEO_ENCODE_BIT_KHR) &&
            (video[i].videoCodecOperations & VK_VIDEO_CODEC_OPERATION_ENCODE_H264_BIT_KHR))
            caps->encode_family = (int)i;
    if (caps->encode_family < 0)
        return;
    /* Graphics and compute queues can always copy, whether or not they say
     * so; video queues only when they have the transfer bit. */
    const VkQueueFlags copy = VK_QUEUE_TRANSFER_BIT | VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
    if (props[caps->encode_family].queueFamilyProperties.queueFlags & copy) {
        caps->upload_family = caps->encode_family;
        return;
    }
    for (uint32_t i = 0; i < n && caps->upload_family < 0; i++)
        if (props[i].queueFamilyProperties.queueFlags & copy)
            caps->upload_family = (int)i;
}

/* The usage an optimal-tiling 2D NV12 image of the profile may have
 * (VkVideoFormatPropertiesKHR::imageUsageFlags), 0 when NV12 is not among
 * the formats for usage. An image for the profile must stay within what
 * the query reports (VUID-VkImageCreateInfo-pNext-06811); the backend's
 * images have no create flags, which every format allows. */
static VkImageUsageFlags nv12_usage(const vk_funcs *f, VkPhysicalDevice dev, const vk_profile *profile,
                                    VkImageUsageFlags usage)
{
    VkPhysicalDeviceVideoFormatInfoKHR info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_FORMAT_INFO_KHR,
        .pNext = &profile->list,
        .imageUsage = usage,
    };
    VkVideoFormatPropertiesKHR props[MAX_FORMATS];
    uint32_t n = 0;
    if (f->vkGetPhysicalDeviceVideoFormatPropertiesKHR(dev, &info, &n, NULL) != VK_SUCCESS)
        return 0;
    if (n > MAX_FORMATS)
        n = MAX_FORMATS;
    for (uint32_t i = 0; i < n; i++)
        props[i] = (VkVideoFormatPropertiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_FORMAT_PROPERTIES_KHR };
    if (f->vkGetPhysicalDeviceVideoFormatPropertiesKHR(dev, &info, &n, props) < 0)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (props[i].format == VK_FORMAT_G8_B8R8_2PLANE_420_UNORM && props[i].imageType == VK_IMAGE_TYPE_2D &&
            props[i].imageTiling == VK_IMAGE_TILING_OPTIMAL)
            return props[i].imageUsageFlags;
    return 0;
}

static void describe_driver(const vk_funcs *f, VkPhysicalDevice dev, vk_device_caps *caps)
{
    VkPhysicalDeviceDriverProperties driver = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES };
    VkPhysicalDeviceProperties2 props = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
    VkPhysicalDeviceProperties base;
    f->vkGetPhysicalDeviceProperties(dev, &base);
    /* The driver properties are core in 1.2; older devices may not fill them. */
    if (base.apiVersion >= VK_API_VERSION_1_2)
        props.pNext = &driver;
    f->vkGetPhysicalDeviceProperties2(dev, &props);
    caps->api_version = base.apiVersion;
    snprintf(caps->name, sizeof(caps->name), "%s", base.deviceName);
    unsigned v = base.driverVersion;
    if (driver.driverName[0])
        snprintf(caps->driver, sizeof(caps->driver), "%s %s (Vulkan %u.%u.%u)", driver.driverName, driver.driverInfo,
                 VK_API_VERSION_MAJOR(base.apiVersion), VK_API_VERSION_MINOR(base.apiVersion),
                 VK_API_VERSION_PATCH(base.apiVersion));
    else if (base.vendorID == 0x10de) /* NVIDIA packs 10.8.8.6 bits */
        snprintf(caps->driver, sizeof(caps->driver), "NVIDIA %u.%u (Vulkan %u.%u)", (v >> 22) & 0x3ff,
                 (v >> 14) & 0xff, VK_API_VERSION_MAJOR(base.apiVersion), VK_API_VERSION_MINOR(base.apiVersion));
    else
        snprintf(caps->driver, sizeof(caps->driver), "driver %u.%u.%u (Vulkan %u.%u)", VK_API_VERSION_MAJOR(v),
                 VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v), VK_API_VERSION_MAJOR(base.apiVersion),
                 VK_API_VERSION_MINOR(base.apiVersion));
}

static int query_video_caps(const vk_funcs *f, VkPhysicalDevice dev, const vk_profile *profile, vk_device_caps *caps,
                            char *why, size_t why_size)
{
    caps->h264 = (VkVideoEncodeH264CapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_CAPABILITIES_KHR };
    caps->encode = (VkVideoEncodeCapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_CAPABILITIES_KHR,
                                                   .pNext = &caps->h264 };
    caps->video = (VkVideoCapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_CAPABILITIES_KHR, .pNext = &caps->encode };
    VkResult r = f->vkGetPhysicalDeviceVideoCapabilitiesKHR(dev, &profile->info, &caps->video);
    caps->video.pNext = caps->encode.pNext = caps->h264.pNext = NULL;
    if (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY) {
        /* A failure, not the answer that the profile is unsupported. */
        snprintf(why, why_size, "vkGetPhysicalDeviceVideoCapabilitiesKHR failed (%s)", vk_result_name(r));
        return r == VK_ERROR_OUT_OF_HOST_MEMORY ? HWENC_ENOMEM : HWENC_EBACKEND;
    }
    if (r != VK_SUCCESS) {
        snprintf(why, why_size, "no H.264 encode for profile_idc %d, 4:2:0 8-bit (%s)",
                 (int)profile->h264.stdProfileIdc, vk_result_name(r));
        return HWENC_EUNSUPPORTED;
    }
    if (strcmp(caps->video.stdHeaderVersion.extensionName, VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME) ||
        caps->video.stdHeaderVersion.specVersion < VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION) {
        uint32_t v = caps->video.stdHeaderVersion.specVersion;
        snprintf(why, why_size, "the driver implements std-video H.264 encode %u.%u.%u, not the final 1.0.0",
                 v >> 22, (v >> 12) & 0x3ff, v & 0xfff);
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

int vk_device_query(const vk_funcs *f, VkPhysicalDevice dev, const vk_profile *profile, vk_device_caps *caps,
                    char *why, size_t why_size)
{
    memset(caps, 0, sizeof(*caps));
    describe_driver(f, dev, caps);
    const char *missing = NULL;
    int ret = missing_extension(f, dev, &missing, why, why_size);
    if (ret < 0)
        return ret;
    if (ret) {
        snprintf(why, why_size, "no %s", missing);
        return HWENC_EUNSUPPORTED;
    }
    if (caps->api_version < VK_API_VERSION_1_3) {
        snprintf(why, why_size, "Vulkan %u.%u, 1.3 is needed", VK_API_VERSION_MAJOR(caps->api_version),
                 VK_API_VERSION_MINOR(caps->api_version));
        return HWENC_EUNSUPPORTED;
    }
    if (!vk_funcs_have_video_queries(f)) {
        snprintf(why, why_size, "the Vulkan loader lacks the video encode queries");
        return HWENC_EUNSUPPORTED;
    }
    find_families(f, dev, caps);
    if (caps->encode_family < 0) {
        snprintf(why, why_size, "no queue family encodes H.264");
        return HWENC_EUNSUPPORTED;
    }
    if (caps->upload_family < 0) {
        snprintf(why, why_size, "no queue family can copy pictures to the encoder");
        return HWENC_EUNSUPPORTED;
    }
    ret = query_video_caps(f, dev, profile, caps, why, why_size);
    if (ret < 0)
        return ret;
    const VkImageUsageFlags src = VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    VkImageUsageFlags usage = nv12_usage(f, dev, profile, src);
    if (!(usage & VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR)) {
        snprintf(why, why_size, "NV12 is not an encode source format");
        return HWENC_EUNSUPPORTED;
    }
    if (!(usage & VK_IMAGE_USAGE_TRANSFER_DST_BIT)) {
        snprintf(why, why_size, "the NV12 encode source cannot be a transfer destination, so pictures cannot be "
                 "uploaded to it");
        return HWENC_EUNSUPPORTED;
    }
    if (caps->video.maxDpbSlots &&
        !(nv12_usage(f, dev, profile, VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR) & VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR)) {
        snprintf(why, why_size, "NV12 is not a DPB format");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

static int parse_index(const char *s, int *index)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || end == s || v < 0 || v >= MAX_DEVICES)
        return -1;
    *index = (int)v;
    return 0;
}

int vk_select_device(const vk_funcs *f, VkInstance instance, const char *selector, const vk_profile *profile,
                     VkPhysicalDevice *out, vk_device_caps *caps, int *index, char *err, size_t err_size)
{
    VkPhysicalDevice devs[MAX_DEVICES];
    uint32_t n = MAX_DEVICES;
    VkResult r = f->vkEnumeratePhysicalDevices(instance, &n, devs);
    if (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY) {
        /* Not an answer about the devices: another profile or backend
         * must not be tried in their place. */
        snprintf(err, err_size, "vkEnumeratePhysicalDevices failed (%s)", vk_result_name(r));
        return r == VK_ERROR_OUT_OF_HOST_MEMORY ? HWENC_ENOMEM : HWENC_EBACKEND;
    }
    if (r < 0 || n == 0) {
        snprintf(err, err_size, "no Vulkan device found (%s)", r < 0 ? vk_result_name(r) : "no driver reported one");
        return HWENC_EUNSUPPORTED;
    }
    int wanted = -1;
    if (selector && *selector && parse_index(selector, &wanted) < 0) {
        snprintf(err, err_size, "Vulkan device '%s' is not a device index (0, 1, ...)", selector);
        return HWENC_EINVAL;
    }
    if (wanted >= (int)n) {
        snprintf(err, err_size, "Vulkan device index %d is out of range: %u device%s found", wanted, n, n > 1 ? "s" : "");
        return HWENC_EINVAL;
    }
    char why[MAX_DEVICES][128];
    int lack_encode_queue = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (wanted >= 0 && (int)i != wanted)
            continue;
        int ret = vk_device_query(f, devs[i], profile, caps, why[i], sizeof(why[i]));
        if (ret == 0) {
            *out = devs[i];
            *index = (int)i;
            return 0;
        }
        if (ret != HWENC_EUNSUPPORTED) {
            /* Not an answer about the device: passing it over would
             * silently pick another device or profile. */
            snprintf(err, err_size, "Vulkan device %u: %s", i, why[i]);
            return ret;
        }
        lack_encode_queue += !strcmp(why[i], "no " VK_KHR_VIDEO_ENCODE_QUEUE_EXTENSION_NAME);
        char phrase[sizeof(why[i])];
        snprintf(phrase, sizeof(phrase), "%s", why[i]);
        snprintf(why[i], sizeof(why[i]), "%.60s: %s", caps->name, phrase);
    }
    size_t len;
    if (wanted >= 0)
        len = (size_t)snprintf(err, err_size, "Vulkan device %d cannot encode H.264: %s", wanted, why[wanted]);
    else if (lack_encode_queue == (int)n)
        len = (size_t)snprintf(err, err_size, "no Vulkan device exposes VK_KHR_video_encode_queue "
                                              "(lavapipe and most older drivers do not); found:");
    else
        len = (size_t)snprintf(err, err_size, "no Vulkan device can encode H.264:");
    for (uint32_t i = 0; wanted < 0 && i < n && len < err_size; i++)
        len += (size_t)snprintf(err + len, err_size - len, "%s %s", i ? ";" : "", why[i]);
    return HWENC_EUNSUPPORTED;
}

int vk_create_device(const vk_funcs *f, VkPhysicalDevice dev, const vk_device_caps *caps, VkDevice *out,
                     char *err, size_t err_size)
{
    static const float priority = 1.0f;
    VkDeviceQueueCreateInfo queues[2] = {
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = (uint32_t)caps->encode_family,
          .queueCount = 1, .pQueuePriorities = &priority },
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = (uint32_t)caps->upload_family,
          .queueCount = 1, .pQueuePriorities = &priority },
    };
    /* vkQueueSubmit2 and vkCmdPipelineBarrier2 carry the video stage and
     * access bits that the first synchronization API lacks. */
    VkPhysicalDeviceVulkan13Features features13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
        .synchronization2 = VK_TRUE,
    };
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = &features13,
        .queueCreateInfoCount = caps->upload_family == caps->encode_family ? 1 : 2,
        .pQueueCreateInfos = queues,
        .enabledExtensionCount = REQUIRED_EXTENSIONS,
        .ppEnabledExtensionNames = required_extensions,
    };
    VkResult r = f->vkCreateDevice(dev, &info, NULL, out);
    if (r != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateDevice on %s failed (%s)", caps->name, vk_result_name(r));
        return r == VK_ERROR_OUT_OF_HOST_MEMORY ? HWENC_ENOMEM : HWENC_EBACKEND;
    }
    return 0;
}

/* What the application says its device enabled: a VkPhysicalDeviceFeatures2
 * chain with synchronization2 in it. */
static int features_have_sync2(const void *features)
{
    typedef struct chain { VkStructureType sType; const struct chain *pNext; } chain;
    const chain *c = features;
    if (!c || c->sType != VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2)
        return 0;
    for (c = c->pNext; c; c = c->pNext) {
        if (c->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES &&
            ((const VkPhysicalDeviceVulkan13Features *)(const void *)c)->synchronization2)
            return 1;
        if (c->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES &&
            ((const VkPhysicalDeviceSynchronization2Features *)(const void *)c)->synchronization2)
            return 1;
    }
    return 0;
}

int vk_check_app_device(const hwenc_external_device *ext, char *err, size_t err_size)
{
    for (int k = 0; k < REQUIRED_EXTENSIONS; k++) {
        int found = 0;
        for (int i = 0; i < ext->vk_enabled_extension_count && ext->vk_enabled_extensions && !found; i++)
            found = ext->vk_enabled_extensions[i] && !strcmp(ext->vk_enabled_extensions[i], required_extensions[k]);
        if (!found) {
            snprintf(err, err_size, "the application's VkDevice does not list %s among its enabled extensions "
                     "(hwenc_config.external.vk_enabled_extensions)", required_extensions[k]);
            return HWENC_EUNSUPPORTED;
        }
    }
    if (!features_have_sync2(ext->vk_device_features)) {
        snprintf(err, err_size, "the application's VkDevice was not created with synchronization2 "
                 "(hwenc_config.external.vk_device_features), which the video barriers need");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

void vk_describe_caps(const vk_device_caps *caps, char *out, size_t size)
{
    VkVideoEncodeRateControlModeFlagsKHR rc = caps->encode.rateControlModes;
    snprintf(out, size, "H.264 Constrained Baseline encode up to %ux%u; DPB %u slots, %u refs; rc:%s%s%s; %u quality levels; max %llu kbps",
             caps->video.maxCodedExtent.width,
             caps->video.maxCodedExtent.height, caps->video.maxDpbSlots, caps->video.maxActiveReferencePictures,
             rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_DISABLED_BIT_KHR ? " CQP" : "",
             rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_CBR_BIT_KHR ? " CBR" : "",
             rc & VK_VIDEO_ENCODE_RATE_CONTROL_MODE_VBR_BIT_KHR ? " VBR" : "", caps->encode.maxQualityLevels,
             (unsigned long long)(caps->encode.maxBitrate / 1000));
}
