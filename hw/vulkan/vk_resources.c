/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "hw/vulkan/vk_resources.h"

/* The first memory type allowed by bits with all of want, preferring one
 * that also has nice. */
static int memory_type(const VkPhysicalDeviceMemoryProperties *p, uint32_t bits, VkMemoryPropertyFlags want,
                       VkMemoryPropertyFlags nice)
{
    int found = -1;
    for (uint32_t i = 0; i < p->memoryTypeCount; i++) {
        VkMemoryPropertyFlags flags = p->memoryTypes[i].propertyFlags;
        if (!(bits & (1u << i)) || (flags & want) != want)
            continue;
        if ((flags & nice) == nice)
            return (int)i;
        if (found < 0)
            found = (int)i;
    }
    return found;
}

static int allocate(const vk_memory *m, const VkMemoryRequirements *req, VkMemoryPropertyFlags want,
                    VkMemoryPropertyFlags nice, VkDeviceMemory *memory, VkMemoryPropertyFlags *got, const char *what,
                    char *err, size_t err_size)
{
    int type = memory_type(&m->props, req->memoryTypeBits, want, nice);
    if (type < 0) {
        snprintf(err, err_size, "no suitable memory type for the %s", what);
        return HWENC_EBACKEND;
    }
    VkMemoryAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req->size,
        .memoryTypeIndex = (uint32_t)type,
    };
    VkResult r = m->f->vkAllocateMemory(m->device, &info, NULL, memory);
    if (r != VK_SUCCESS) {
        *memory = VK_NULL_HANDLE;
        snprintf(err, err_size, "allocating %llu bytes for the %s failed (%s)", (unsigned long long)req->size, what,
                 vk_result_name(r));
        return HWENC_ENOMEM;
    }
    if (got)
        *got = m->props.memoryTypes[type].propertyFlags;
    return 0;
}

int vk_buffer_create(const vk_memory *m, VkDeviceSize size, VkBufferUsageFlags usage, const void *profile_list,
                     vk_buffer *b, char *err, size_t err_size)
{
    const vk_funcs *f = m->f;
    memset(b, 0, sizeof(*b));
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .pNext = profile_list,
        .size = size,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult r = f->vkCreateBuffer(m->device, &info, NULL, &b->buffer);
    if (r != VK_SUCCESS) {
        b->buffer = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateBuffer (%llu bytes) failed (%s)", (unsigned long long)size, vk_result_name(r));
        return HWENC_EBACKEND;
    }
    VkMemoryRequirements req;
    f->vkGetBufferMemoryRequirements(m->device, b->buffer, &req);
    VkMemoryPropertyFlags got = 0;
    /* Cached memory makes reading the bitstream back fast. */
    int ret = allocate(m, &req, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
                       VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, &b->memory, &got,
                       "buffer", err, err_size);
    if (ret < 0)
        goto fail;
    b->coherent = !!(got & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    b->size = size;
    if ((r = f->vkBindBufferMemory(m->device, b->buffer, b->memory, 0)) != VK_SUCCESS ||
        (r = f->vkMapMemory(m->device, b->memory, 0, VK_WHOLE_SIZE, 0, (void **)&b->map)) != VK_SUCCESS) {
        snprintf(err, err_size, "binding or mapping buffer memory failed (%s)", vk_result_name(r));
        b->map = NULL;
        ret = HWENC_EBACKEND;
        goto fail;
    }
    return 0;
fail:
    vk_buffer_destroy(m, b);
    return ret;
}

void vk_buffer_destroy(const vk_memory *m, vk_buffer *b)
{
    if (b->map)
        m->f->vkUnmapMemory(m->device, b->memory);
    if (b->buffer)
        m->f->vkDestroyBuffer(m->device, b->buffer, NULL);
    if (b->memory)
        m->f->vkFreeMemory(m->device, b->memory, NULL);
    memset(b, 0, sizeof(*b));
}

void vk_buffer_flush(const vk_memory *m, const vk_buffer *b)
{
    if (b->coherent)
        return;
    VkMappedMemoryRange range = { .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = b->memory,
                                  .size = VK_WHOLE_SIZE };
    m->f->vkFlushMappedMemoryRanges(m->device, 1, &range);
}

void vk_buffer_invalidate(const vk_memory *m, const vk_buffer *b)
{
    if (b->coherent)
        return;
    VkMappedMemoryRange range = { .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = b->memory,
                                  .size = VK_WHOLE_SIZE };
    m->f->vkInvalidateMappedMemoryRanges(m->device, 1, &range);
}

int vk_image_create(const vk_memory *m, uint32_t width, uint32_t height, uint32_t layers, VkImageUsageFlags usage,
                    const void *profile_list, const uint32_t *families, uint32_t family_count, vk_image *img,
                    char *err, size_t err_size)
{
    const vk_funcs *f = m->f;
    memset(img, 0, sizeof(*img));
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .pNext = profile_list,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .extent = { width, height, 1 },
        .mipLevels = 1,
        .arrayLayers = layers,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage,
        .sharingMode = family_count > 1 ? VK_SHARING_MODE_CONCURRENT : VK_SHARING_MODE_EXCLUSIVE,
        .queueFamilyIndexCount = family_count > 1 ? family_count : 0,
        .pQueueFamilyIndices = family_count > 1 ? families : NULL,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    VkResult r = f->vkCreateImage(m->device, &info, NULL, &img->image);
    if (r != VK_SUCCESS) {
        img->image = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateImage (NV12 %ux%u, %u layers) failed (%s)", width, height, layers,
                 vk_result_name(r));
        return HWENC_EBACKEND;
    }
    VkMemoryRequirements req;
    f->vkGetImageMemoryRequirements(m->device, img->image, &req);
    int ret = allocate(m, &req, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &img->memory, NULL, "image", err, err_size);
    if (ret < 0)
        goto fail;
    if ((r = f->vkBindImageMemory(m->device, img->image, img->memory, 0)) != VK_SUCCESS) {
        snprintf(err, err_size, "vkBindImageMemory failed (%s)", vk_result_name(r));
        ret = HWENC_EBACKEND;
        goto fail;
    }
    VkImageViewCreateInfo view = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = img->image,
        .viewType = layers > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D,
        .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, layers },
    };
    if ((r = f->vkCreateImageView(m->device, &view, NULL, &img->view)) != VK_SUCCESS) {
        img->view = VK_NULL_HANDLE;
        snprintf(err, err_size, "vkCreateImageView failed (%s)", vk_result_name(r));
        ret = HWENC_EBACKEND;
        goto fail;
    }
    img->layers = layers;
    return 0;
fail:
    vk_image_destroy(m, img);
    return ret;
}

void vk_image_destroy(const vk_memory *m, vk_image *img)
{
    if (img->view)
        m->f->vkDestroyImageView(m->device, img->view, NULL);
    if (img->image)
        m->f->vkDestroyImage(m->device, img->image, NULL);
    if (img->memory)
        m->f->vkFreeMemory(m->device, img->memory, NULL);
    memset(img, 0, sizeof(*img));
}

int vk_session_memory_bind(const vk_memory *m, VkVideoSessionKHR session, VkDeviceMemory *memory, uint32_t *count,
                           char *err, size_t err_size)
{
    const vk_funcs *f = m->f;
    VkVideoSessionMemoryRequirementsKHR req[VK_MAX_SESSION_MEMORY];
    VkBindVideoSessionMemoryInfoKHR bind[VK_MAX_SESSION_MEMORY];
    uint32_t n = 0;
    *count = 0;
    VkResult r = f->vkGetVideoSessionMemoryRequirementsKHR(m->device, session, &n, NULL);
    if (r != VK_SUCCESS || n > VK_MAX_SESSION_MEMORY) {
        snprintf(err, err_size, "vkGetVideoSessionMemoryRequirementsKHR failed (%s, %u bindings)", vk_result_name(r), n);
        return HWENC_EBACKEND;
    }
    for (uint32_t i = 0; i < n; i++)
        req[i] = (VkVideoSessionMemoryRequirementsKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_MEMORY_REQUIREMENTS_KHR };
    if ((r = f->vkGetVideoSessionMemoryRequirementsKHR(m->device, session, &n, req)) != VK_SUCCESS) {
        snprintf(err, err_size, "vkGetVideoSessionMemoryRequirementsKHR failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    for (uint32_t i = 0; i < n; i++) {
        int ret = allocate(m, &req[i].memoryRequirements, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &memory[i], NULL,
                           "video session", err, err_size);
        if (ret < 0)
            return ret;
        *count = i + 1;
        bind[i] = (VkBindVideoSessionMemoryInfoKHR){
            .sType = VK_STRUCTURE_TYPE_BIND_VIDEO_SESSION_MEMORY_INFO_KHR,
            .memoryBindIndex = req[i].memoryBindIndex,
            .memory = memory[i],
            .memoryOffset = 0,
            .memorySize = req[i].memoryRequirements.size,
        };
    }
    if (n && (r = f->vkBindVideoSessionMemoryKHR(m->device, session, n, bind)) != VK_SUCCESS) {
        snprintf(err, err_size, "vkBindVideoSessionMemoryKHR failed (%s)", vk_result_name(r));
        return HWENC_EBACKEND;
    }
    return 0;
}
