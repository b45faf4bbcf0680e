/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Finding a Vulkan device that encodes H.264: the instance, the H.264
 * encode video profile, the capability queries (video, encode, H.264
 * encode, picture formats), the choice of device and queue families, and
 * the logical device.
 */
#ifndef HWENC_VK_DEVICE_H
#define HWENC_VK_DEVICE_H

#include <stddef.h>

#include "hwenc/hwenc.h"
#include "hw/vulkan/vk_funcs.h"

/* The H.264 encode profile, with its pNext chain. Self-referential: build
 * it in place with vk_profile_init and never copy it. */
typedef struct vk_profile {
    VkVideoProfileInfoKHR info;
    VkVideoEncodeH264ProfileInfoKHR h264;
    VkVideoEncodeUsageInfoKHR usage;
    VkVideoProfileListInfoKHR list;      /* a list of just this profile, for images and buffers */
} vk_profile;

void vk_profile_init(vk_profile *p, int profile_idc, int low_latency);

/* What one physical device can do with the profile (pNext pointers cleared). */
typedef struct vk_device_caps {
    VkVideoCapabilitiesKHR video;
    VkVideoEncodeCapabilitiesKHR encode;
    VkVideoEncodeH264CapabilitiesKHR h264;
    int encode_family;                   /* queue family with VK_QUEUE_VIDEO_ENCODE_BIT_KHR and H.264 */
    int upload_family;                   /* family for the NV12 upload; == encode_family if it can copy */
    uint32_t api_version;
    char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    char driver[128];
} vk_device_caps;

/* Queries dev; returns 0, or a negative hwenc_error with why it cannot
 * encode (a phrase, e.g. "no VK_KHR_video_encode_queue"). */
int vk_device_query(const vk_funcs *f, VkPhysicalDevice dev, const vk_profile *profile, vk_device_caps *caps,
                    char *why, size_t why_size);

int vk_create_instance(vk_funcs *f, VkInstance *instance, char *err, size_t err_size);

/* Picks the device named by selector (an index, or NULL/"" for the first
 * that can encode) and fills caps and *index. */
int vk_select_device(const vk_funcs *f, VkInstance instance, const char *selector, const vk_profile *profile,
                     VkPhysicalDevice *out, vk_device_caps *caps, int *index, char *err, size_t err_size);

/* A logical device with the encode extensions and one queue of the encode
 * family (and of the upload family when it differs). */
int vk_create_device(const vk_funcs *f, VkPhysicalDevice dev, const vk_device_caps *caps, VkDevice *out,
                     char *err, size_t err_size);

/* Whether the application's device (hwenc_config.external) was created
 * with what the backend needs, as the application declares it: the video
 * encode extensions and synchronization2. Returns 0 or HWENC_EUNSUPPORTED
 * with the reason in err. */
int vk_check_app_device(const hwenc_external_device *ext, char *err, size_t err_size);

/* One line each for hwenc_backend_info. */
void vk_describe_caps(const vk_device_caps *caps, char *out, size_t size);

#endif
