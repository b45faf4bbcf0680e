/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The Vulkan entry points the backend uses, loaded at run time: the loader
 * (libvulkan.so.1) is opened with dlopen, or the application hands in its
 * own vkGetInstanceProcAddr; everything else comes from
 * vkGetInstanceProcAddr / vkGetDeviceProcAddr, so hwenc runs on machines
 * without Vulkan and never links it.
 */
#ifndef HWENC_VK_FUNCS_H
#define HWENC_VK_FUNCS_H

#include <stddef.h>

#include "hw/vulkan/vk_video_encode.h"

#define VK_GLOBAL_FUNCS(X) \
    X(vkCreateInstance)

#define VK_INSTANCE_FUNCS(X) \
    X(vkDestroyInstance) \
    X(vkEnumeratePhysicalDevices) \
    X(vkGetPhysicalDeviceProperties) \
    X(vkGetPhysicalDeviceProperties2) \
    X(vkGetPhysicalDeviceQueueFamilyProperties2) \
    X(vkGetPhysicalDeviceMemoryProperties) \
    X(vkEnumerateDeviceExtensionProperties) \
    X(vkCreateDevice) \
    X(vkGetDeviceProcAddr)

/* Video queries: absent from loaders and drivers without video support,
 * which the device checks then report. */
#define VK_INSTANCE_VIDEO_FUNCS(X) \
    X(vkGetPhysicalDeviceVideoCapabilitiesKHR) \
    X(vkGetPhysicalDeviceVideoFormatPropertiesKHR) \
    X(vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR)

#define VK_DEVICE_FUNCS(X) \
    X(vkDestroyDevice) \
    X(vkGetDeviceQueue) \
    X(vkDeviceWaitIdle) \
    X(vkQueueSubmit2) \
    X(vkCreateFence) \
    X(vkDestroyFence) \
    X(vkWaitForFences) \
    X(vkResetFences) \
    X(vkCreateSemaphore) \
    X(vkDestroySemaphore) \
    X(vkAllocateMemory) \
    X(vkFreeMemory) \
    X(vkMapMemory) \
    X(vkUnmapMemory) \
    X(vkFlushMappedMemoryRanges) \
    X(vkInvalidateMappedMemoryRanges) \
    X(vkCreateBuffer) \
    X(vkDestroyBuffer) \
    X(vkGetBufferMemoryRequirements) \
    X(vkBindBufferMemory) \
    X(vkCreateImage) \
    X(vkDestroyImage) \
    X(vkGetImageMemoryRequirements) \
    X(vkBindImageMemory) \
    X(vkCreateImageView) \
    X(vkDestroyImageView) \
    X(vkCreateCommandPool) \
    X(vkDestroyCommandPool) \
    X(vkAllocateCommandBuffers) \
    X(vkFreeCommandBuffers) \
    X(vkBeginCommandBuffer) \
    X(vkEndCommandBuffer) \
    X(vkResetCommandBuffer) \
    X(vkCmdPipelineBarrier2) \
    X(vkCmdCopyBufferToImage) \
    X(vkCreateQueryPool) \
    X(vkDestroyQueryPool) \
    X(vkGetQueryPoolResults) \
    X(vkCmdResetQueryPool) \
    X(vkCmdBeginQuery) \
    X(vkCmdEndQuery) \
    X(vkCreateVideoSessionKHR) \
    X(vkDestroyVideoSessionKHR) \
    X(vkGetVideoSessionMemoryRequirementsKHR) \
    X(vkBindVideoSessionMemoryKHR) \
    X(vkCreateVideoSessionParametersKHR) \
    X(vkDestroyVideoSessionParametersKHR) \
    X(vkGetEncodedVideoSessionParametersKHR) \
    X(vkCmdBeginVideoCodingKHR) \
    X(vkCmdEndVideoCodingKHR) \
    X(vkCmdControlVideoCodingKHR) \
    X(vkCmdEncodeVideoKHR)

#define VK_FUNC_MEMBER(name) PFN_##name name;

typedef struct vk_funcs {
    void *library;                       /* dlopen handle, NULL when the application gave the loader */
    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
    VK_GLOBAL_FUNCS(VK_FUNC_MEMBER)
    VK_INSTANCE_FUNCS(VK_FUNC_MEMBER)
    VK_INSTANCE_VIDEO_FUNCS(VK_FUNC_MEMBER)
    VK_DEVICE_FUNCS(VK_FUNC_MEMBER)
} vk_funcs;

/* Opens libvulkan.so.1, or uses get_instance_proc_addr when not NULL.
 * Returns 0 or a negative hwenc_error with a reason in err. */
int vk_funcs_load_loader(vk_funcs *f, void *get_instance_proc_addr, char *err, size_t err_size);
int vk_funcs_load_instance(vk_funcs *f, VkInstance instance, char *err, size_t err_size);
/* 1 when all three video queries were found. */
int vk_funcs_have_video_queries(const vk_funcs *f);
int vk_funcs_load_device(vk_funcs *f, VkDevice device, char *err, size_t err_size);
/* Closes the loader if this module opened it. */
void vk_funcs_unload(vk_funcs *f);

/* "VK_ERROR_DEVICE_LOST" and the like. */
const char *vk_result_name(VkResult r);

#endif
