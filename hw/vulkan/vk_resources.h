/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Memory, buffers and images for video: the host-visible staging and
 * bitstream buffers, the NV12 source image and the DPB image (one array
 * layer per slot, which every implementation accepts), and the memory of
 * the video session itself.
 */
#ifndef HWENC_VK_RESOURCES_H
#define HWENC_VK_RESOURCES_H

#include <stddef.h>

#include "hw/vulkan/vk_funcs.h"

typedef struct vk_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;                    /* persistently mapped */
    VkDeviceSize size;
    int coherent;
} vk_buffer;

typedef struct vk_image {
    VkImage image;
    VkDeviceMemory memory;
    VkImageView view;                /* 2D for one layer, 2D array for more */
    uint32_t layers;
} vk_image;

typedef struct vk_memory {
    const vk_funcs *f;
    VkDevice device;
    VkPhysicalDeviceMemoryProperties props;
} vk_memory;

/* A buffer for video use (profile_list in its pNext), host visible. */
int vk_buffer_create(const vk_memory *m, VkDeviceSize size, VkBufferUsageFlags usage, const void *profile_list,
                     vk_buffer *b, char *err, size_t err_size);
void vk_buffer_destroy(const vk_memory *m, vk_buffer *b);
/* Makes host writes visible to the device, or device writes to the host,
 * for non-coherent memory. */
void vk_buffer_flush(const vk_memory *m, const vk_buffer *b);
void vk_buffer_invalidate(const vk_memory *m, const vk_buffer *b);

/* An optimal-tiling NV12 image; families lists the queue families that use
 * it (concurrent sharing when there are two). */
int vk_image_create(const vk_memory *m, uint32_t width, uint32_t height, uint32_t layers, VkImageUsageFlags usage,
                    const void *profile_list, const uint32_t *families, uint32_t family_count, vk_image *img,
                    char *err, size_t err_size);
void vk_image_destroy(const vk_memory *m, vk_image *img);

#define VK_MAX_SESSION_MEMORY 8

/* Allocates and binds every memory binding the session asks for. */
int vk_session_memory_bind(const vk_memory *m, VkVideoSessionKHR session, VkDeviceMemory *memory, uint32_t *count,
                           char *err, size_t err_size);

#endif
