/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The test device's objects: queues, memory, buffers, images and views,
 * fences and semaphores, command pools, query pools, video sessions and
 * their parameters. Creation checks structure types, pNext chains and the
 * video profile; use checks that memory is bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vulkan/icd.h"

#define SESSION_BINDINGS 2   /* two, so the backend's binding loop is exercised */

static icd_device *device_of(VkDevice d, const char *what)
{
    return icd_lookup(d, ICD_DEVICE, what);
}

static void check_stype(VkStructureType got, VkStructureType want, const char *what)
{
    if (got != want)
        icd_error("VUID-sType-sType", "%s: sType %d, expected %d", what, (int)got, (int)want);
}

static VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice device, uint32_t family, uint32_t index, VkQueue *out)
{
    icd_device *dev = device_of(device, "vkGetDeviceQueue");
    icd_queue *q = dev ? icd_find_queue(dev, family) : NULL;
    if (!q || index != 0)
        icd_error("VUID-vkGetDeviceQueue-queueFamilyIndex-00384", "queue %u of family %u was not created", index,
                  family);
    *out = (VkQueue)q;
}

static VKAPI_ATTR VkResult VKAPI_CALL DeviceWaitIdle(VkDevice device)
{
    icd_device *dev = device_of(device, "vkDeviceWaitIdle");
    return dev && dev->lost ? VK_ERROR_DEVICE_LOST : VK_SUCCESS;
}

/* ------------------------------------------------------------------ memory */

static VKAPI_ATTR VkResult VKAPI_CALL AllocateMemory(VkDevice device, const VkMemoryAllocateInfo *info,
                                                     const VkAllocationCallbacks *a, VkDeviceMemory *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkAllocateMemory");
    check_stype(info->sType, VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, "VkMemoryAllocateInfo");
    if (info->memoryTypeIndex != 0)
        icd_error("VUID-vkAllocateMemory-pAllocateInfo-01714", "memory type %u does not exist", info->memoryTypeIndex);
    icd_memory *m = icd_new(ICD_MEMORY, sizeof(*m), dev);
    if (!m || !(m->data = calloc(1, (size_t)info->allocationSize))) {
        icd_delete(m, ICD_MEMORY);
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    }
    m->size = info->allocationSize;
    *out = (VkDeviceMemory)m;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL FreeMemory(VkDevice device, VkDeviceMemory memory, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    icd_memory *m = memory ? icd_lookup(memory, ICD_MEMORY, "vkFreeMemory") : NULL;
    if (!m)
        return;
    free(m->data);
    icd_delete(m, ICD_MEMORY);
}

static VKAPI_ATTR VkResult VKAPI_CALL MapMemory(VkDevice device, VkDeviceMemory memory, VkDeviceSize offset,
                                                VkDeviceSize size, VkMemoryMapFlags flags, void **out)
{
    (void)device;
    (void)flags;
    icd_memory *m = icd_lookup(memory, ICD_MEMORY, "vkMapMemory");
    if (!m)
        return VK_ERROR_MEMORY_MAP_FAILED;
    if (m->mapped)
        icd_error("VUID-vkMapMemory-memory-00678", "memory is already mapped");
    if (offset >= m->size || (size != VK_WHOLE_SIZE && offset + size > m->size))
        icd_error("VUID-vkMapMemory-size-00681", "range beyond the allocation");
    m->mapped = 1;
    *out = m->data + offset;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL UnmapMemory(VkDevice device, VkDeviceMemory memory)
{
    (void)device;
    icd_memory *m = icd_lookup(memory, ICD_MEMORY, "vkUnmapMemory");
    if (m && !m->mapped)
        icd_error("VUID-vkUnmapMemory-memory-00689", "memory is not mapped");
    if (m)
        m->mapped = 0;
}

static VKAPI_ATTR VkResult VKAPI_CALL FlushMappedMemoryRanges(VkDevice device, uint32_t n,
                                                              const VkMappedMemoryRange *ranges)
{
    (void)device;
    for (uint32_t i = 0; i < n; i++) {
        check_stype(ranges[i].sType, VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, "VkMappedMemoryRange");
        icd_memory *m = icd_lookup(ranges[i].memory, ICD_MEMORY, "vkFlush/InvalidateMappedMemoryRanges");
        if (m && !m->mapped)
            icd_error("VUID-VkMappedMemoryRange-memory-00684", "memory is not mapped");
    }
    return VK_SUCCESS;
}

/* ----------------------------------------------------------------- buffers */

static int check_profile_list(const void *pnext, const char *what)
{
    const VkVideoProfileListInfoKHR *list = icd_chain_find(pnext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
    if (!list || list->profileCount < 1) {
        icd_error("VUID-video-profile-list", "%s: video usage without a VkVideoProfileListInfoKHR", what);
        return 0;
    }
    for (uint32_t i = 0; i < list->profileCount; i++)
        if (!icd_check_profile(&list->pProfiles[i], what))
            return 0;
    return 1;
}

static VKAPI_ATTR VkResult VKAPI_CALL CreateBuffer(VkDevice device, const VkBufferCreateInfo *info,
                                                   const VkAllocationCallbacks *a, VkBuffer *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateBuffer");
    check_stype(info->sType, VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, "VkBufferCreateInfo");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR };
    icd_chain_check("VkBufferCreateInfo", info->pNext, allowed, 1);
    if ((info->usage & (VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR | VK_BUFFER_USAGE_VIDEO_ENCODE_SRC_BIT_KHR)) &&
        !check_profile_list(info->pNext, "vkCreateBuffer"))
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    if (!info->size)
        icd_error("VUID-VkBufferCreateInfo-size-00912", "size is 0");
    icd_buffer *b = icd_new(ICD_BUFFER, sizeof(*b), dev);
    if (!b)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    b->size = info->size;
    b->usage = info->usage;
    *out = (VkBuffer)b;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyBuffer(VkDevice device, VkBuffer buffer, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (buffer && icd_lookup(buffer, ICD_BUFFER, "vkDestroyBuffer"))
        icd_delete(buffer, ICD_BUFFER);
}

static VKAPI_ATTR void VKAPI_CALL GetBufferMemoryRequirements(VkDevice device, VkBuffer buffer, VkMemoryRequirements *r)
{
    (void)device;
    icd_buffer *b = icd_lookup(buffer, ICD_BUFFER, "vkGetBufferMemoryRequirements");
    r->size = b ? b->size : 0;
    r->alignment = 64;
    r->memoryTypeBits = 1;
}

static VKAPI_ATTR VkResult VKAPI_CALL BindBufferMemory(VkDevice device, VkBuffer buffer, VkDeviceMemory memory,
                                                       VkDeviceSize offset)
{
    (void)device;
    icd_buffer *b = icd_lookup(buffer, ICD_BUFFER, "vkBindBufferMemory");
    icd_memory *m = icd_lookup(memory, ICD_MEMORY, "vkBindBufferMemory");
    if (!b || !m)
        return VK_ERROR_UNKNOWN;
    if (b->memory)
        icd_error("VUID-vkBindBufferMemory-buffer-07459", "buffer memory is already bound");
    if (offset + b->size > m->size)
        icd_error("VUID-vkBindBufferMemory-size-01037", "buffer does not fit in the memory");
    b->memory = m;
    b->offset = offset;
    return VK_SUCCESS;
}

/* ------------------------------------------------------------------ images */

static VKAPI_ATTR VkResult VKAPI_CALL CreateImage(VkDevice device, const VkImageCreateInfo *info,
                                                  const VkAllocationCallbacks *a, VkImage *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateImage");
    check_stype(info->sType, VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, "VkImageCreateInfo");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR };
    icd_chain_check("VkImageCreateInfo", info->pNext, allowed, 1);
    const VkImageUsageFlags video = VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR;
    if ((info->usage & video) && !check_profile_list(info->pNext, "vkCreateImage"))
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    /* An image for the profile has one of the formats, usages and create
     * flags vkGetPhysicalDeviceVideoFormatPropertiesKHR reports for it. */
    if ((info->usage & video) && ((info->usage & ~icd_format_usage()) || info->flags))
        icd_error("VUID-VkImageCreateInfo-pNext-06811",
                  "usage 0x%x, flags 0x%x: the video format properties allow usage 0x%x and no create flags",
                  info->usage, info->flags, icd_format_usage());
    if (info->format != VK_FORMAT_G8_B8R8_2PLANE_420_UNORM || info->imageType != VK_IMAGE_TYPE_2D ||
        info->tiling != VK_IMAGE_TILING_OPTIMAL || info->mipLevels != 1 || info->arrayLayers < 1 ||
        info->arrayLayers > ICD_MAX_SLOTS || (info->extent.width | info->extent.height) & 1)
        return VK_ERROR_FORMAT_NOT_SUPPORTED;
    if (info->initialLayout != VK_IMAGE_LAYOUT_UNDEFINED)
        icd_error("VUID-VkImageCreateInfo-initialLayout-00993", "initial layout must be undefined");
    if (info->sharingMode == VK_SHARING_MODE_CONCURRENT && info->queueFamilyIndexCount < 2)
        icd_error("VUID-VkImageCreateInfo-sharingMode-00942", "concurrent sharing needs two or more families");
    icd_image *img = icd_new(ICD_IMAGE, sizeof(*img), dev);
    if (!img)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    img->width = info->extent.width;
    img->height = info->extent.height;
    img->layers = info->arrayLayers;
    img->usage = info->usage;
    img->sharing = info->sharingMode;
    img->layer_size = (VkDeviceSize)img->width * img->height * 3 / 2;
    for (uint32_t i = 0; i < ICD_MAX_SLOTS; i++)
        img->layout[i] = VK_IMAGE_LAYOUT_UNDEFINED;
    *out = (VkImage)img;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyImage(VkDevice device, VkImage image, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (image && icd_lookup(image, ICD_IMAGE, "vkDestroyImage"))
        icd_delete(image, ICD_IMAGE);
}

static VKAPI_ATTR void VKAPI_CALL GetImageMemoryRequirements(VkDevice device, VkImage image, VkMemoryRequirements *r)
{
    (void)device;
    icd_image *img = icd_lookup(image, ICD_IMAGE, "vkGetImageMemoryRequirements");
    r->size = img ? img->layer_size * img->layers : 0;
    r->alignment = 256;
    r->memoryTypeBits = 1;
}

static VKAPI_ATTR VkResult VKAPI_CALL BindImageMemory(VkDevice device, VkImage image, VkDeviceMemory memory,
                                                      VkDeviceSize offset)
{
    (void)device;
    icd_image *img = icd_lookup(image, ICD_IMAGE, "vkBindImageMemory");
    icd_memory *m = icd_lookup(memory, ICD_MEMORY, "vkBindImageMemory");
    if (!img || !m)
        return VK_ERROR_UNKNOWN;
    if (img->memory)
        icd_error("VUID-vkBindImageMemory-image-07460", "image memory is already bound");
    if (offset + img->layer_size * img->layers > m->size)
        icd_error("VUID-vkBindImageMemory-size-01049", "image does not fit in the memory");
    img->memory = m;
    img->offset = offset;
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL CreateImageView(VkDevice device, const VkImageViewCreateInfo *info,
                                                      const VkAllocationCallbacks *a, VkImageView *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateImageView");
    check_stype(info->sType, VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO, "VkImageViewCreateInfo");
    icd_image *img = icd_lookup(info->image, ICD_IMAGE, "vkCreateImageView");
    if (!img)
        return VK_ERROR_UNKNOWN;
    if (!img->memory)
        icd_error("VUID-VkImageViewCreateInfo-image-01020", "the image has no memory bound");
    const VkImageSubresourceRange *r = &info->subresourceRange;
    uint32_t layers = r->layerCount == VK_REMAINING_ARRAY_LAYERS ? img->layers - r->baseArrayLayer : r->layerCount;
    if (r->baseArrayLayer + layers > img->layers || r->baseMipLevel != 0 || r->levelCount != 1)
        icd_error("VUID-VkImageViewCreateInfo-subresourceRange-06724", "range beyond the image");
    if (info->viewType == VK_IMAGE_VIEW_TYPE_2D && layers != 1)
        icd_error("VUID-VkImageViewCreateInfo-imageViewType-04973", "a 2D view has one layer");
    icd_image_view *v = icd_new(ICD_IMAGE_VIEW, sizeof(*v), dev);
    if (!v)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    v->image = img;
    v->base_layer = r->baseArrayLayer;
    v->layers = layers;
    *out = (VkImageView)v;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyImageView(VkDevice device, VkImageView view, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (view && icd_lookup(view, ICD_IMAGE_VIEW, "vkDestroyImageView"))
        icd_delete(view, ICD_IMAGE_VIEW);
}

/* ------------------------------------------------------- fences, semaphores */

static VKAPI_ATTR VkResult VKAPI_CALL CreateFence(VkDevice device, const VkFenceCreateInfo *info,
                                                  const VkAllocationCallbacks *a, VkFence *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateFence");
    check_stype(info->sType, VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, "VkFenceCreateInfo");
    icd_fence *f = icd_new(ICD_FENCE, sizeof(*f), dev);
    if (!f)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    f->signaled = !!(info->flags & VK_FENCE_CREATE_SIGNALED_BIT);
    *out = (VkFence)f;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyFence(VkDevice device, VkFence fence, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (fence && icd_lookup(fence, ICD_FENCE, "vkDestroyFence"))
        icd_delete(fence, ICD_FENCE);
}

static VKAPI_ATTR VkResult VKAPI_CALL ResetFences(VkDevice device, uint32_t n, const VkFence *fences)
{
    (void)device;
    for (uint32_t i = 0; i < n; i++) {
        icd_fence *f = icd_lookup(fences[i], ICD_FENCE, "vkResetFences");
        if (f)
            f->signaled = 0;
    }
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL CreateSemaphore(VkDevice device, const VkSemaphoreCreateInfo *info,
                                                      const VkAllocationCallbacks *a, VkSemaphore *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateSemaphore");
    check_stype(info->sType, VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, "VkSemaphoreCreateInfo");
    icd_semaphore *s = icd_new(ICD_SEMAPHORE, sizeof(*s), dev);
    if (!s)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    *out = (VkSemaphore)s;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroySemaphore(VkDevice device, VkSemaphore sem, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (sem && icd_lookup(sem, ICD_SEMAPHORE, "vkDestroySemaphore"))
        icd_delete(sem, ICD_SEMAPHORE);
}

/* --------------------------------------------------------- command buffers */

static VKAPI_ATTR VkResult VKAPI_CALL CreateCommandPool(VkDevice device, const VkCommandPoolCreateInfo *info,
                                                        const VkAllocationCallbacks *a, VkCommandPool *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateCommandPool");
    check_stype(info->sType, VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, "VkCommandPoolCreateInfo");
    if (!icd_find_queue(dev, info->queueFamilyIndex))
        icd_error("VUID-vkCreateCommandPool-queueFamilyIndex-01937", "family %u has no queue on this device",
                  info->queueFamilyIndex);
    icd_command_pool *p = icd_new(ICD_COMMAND_POOL, sizeof(*p), dev);
    if (!p)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    p->family = info->queueFamilyIndex;
    *out = (VkCommandPool)p;
    return VK_SUCCESS;
}

/* Command buffers of a pool die with it. */
static void free_pool_buffers(icd_command_pool *pool);

static VKAPI_ATTR void VKAPI_CALL DestroyCommandPool(VkDevice device, VkCommandPool pool, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    icd_command_pool *p = pool ? icd_lookup(pool, ICD_COMMAND_POOL, "vkDestroyCommandPool") : NULL;
    if (!p)
        return;
    free_pool_buffers(p);
    icd_delete(p, ICD_COMMAND_POOL);
}

#define MAX_BUFFERS 16
static struct { icd_command_pool *pool; icd_command_buffer *cb; } pool_buffers[MAX_BUFFERS];

static void free_pool_buffers(icd_command_pool *pool)
{
    for (int i = 0; i < MAX_BUFFERS; i++)
        if (pool_buffers[i].pool == pool) {
            icd_command_buffer_release(pool_buffers[i].cb);
            icd_delete(pool_buffers[i].cb, ICD_COMMAND_BUFFER);
            pool_buffers[i].pool = NULL;
            pool_buffers[i].cb = NULL;
        }
}

static VKAPI_ATTR VkResult VKAPI_CALL AllocateCommandBuffers(VkDevice device, const VkCommandBufferAllocateInfo *info,
                                                             VkCommandBuffer *out)
{
    icd_device *dev = device_of(device, "vkAllocateCommandBuffers");
    check_stype(info->sType, VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, "VkCommandBufferAllocateInfo");
    icd_command_pool *pool = icd_lookup(info->commandPool, ICD_COMMAND_POOL, "vkAllocateCommandBuffers");
    for (uint32_t i = 0; i < info->commandBufferCount; i++) {
        icd_command_buffer *cb = icd_new(ICD_COMMAND_BUFFER, sizeof(*cb), dev);
        int k = 0;
        while (k < MAX_BUFFERS && pool_buffers[k].cb)
            k++;
        if (!cb || k == MAX_BUFFERS) {
            icd_delete(cb, ICD_COMMAND_BUFFER);
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        }
        cb->pool = pool;
        pool_buffers[k].pool = pool;
        pool_buffers[k].cb = cb;
        out[i] = (VkCommandBuffer)cb;
    }
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL FreeCommandBuffers(VkDevice device, VkCommandPool pool, uint32_t n,
                                                     const VkCommandBuffer *cbs)
{
    (void)device;
    (void)pool;
    for (uint32_t i = 0; i < n; i++) {
        if (!cbs[i] || !icd_lookup(cbs[i], ICD_COMMAND_BUFFER, "vkFreeCommandBuffers"))
            continue;
        for (int k = 0; k < MAX_BUFFERS; k++)
            if (pool_buffers[k].cb == (icd_command_buffer *)cbs[i])
                pool_buffers[k].cb = NULL, pool_buffers[k].pool = NULL;
        icd_command_buffer_release((icd_command_buffer *)cbs[i]);
        icd_delete(cbs[i], ICD_COMMAND_BUFFER);
    }
}

/* ------------------------------------------------------------- query pools */

static VKAPI_ATTR VkResult VKAPI_CALL CreateQueryPool(VkDevice device, const VkQueryPoolCreateInfo *info,
                                                      const VkAllocationCallbacks *a, VkQueryPool *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateQueryPool");
    check_stype(info->sType, VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO, "VkQueryPoolCreateInfo");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_QUERY_POOL_VIDEO_ENCODE_FEEDBACK_CREATE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_USAGE_INFO_KHR };
    icd_chain_check("VkQueryPoolCreateInfo", info->pNext, allowed, 4);
    if (info->queryType != VK_QUERY_TYPE_VIDEO_ENCODE_FEEDBACK_KHR || info->queryCount < 1 || info->queryCount > 4)
        return VK_ERROR_FEATURE_NOT_PRESENT;
    const VkQueryPoolVideoEncodeFeedbackCreateInfoKHR *fb =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_QUERY_POOL_VIDEO_ENCODE_FEEDBACK_CREATE_INFO_KHR);
    const VkVideoProfileInfoKHR *profile = icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR);
    if (!fb)
        icd_error("VUID-VkQueryPoolCreateInfo-queryType-07906",
                  "an encode feedback pool needs VkQueryPoolVideoEncodeFeedbackCreateInfoKHR");
    if (!profile || !icd_check_profile(profile, "vkCreateQueryPool"))
        icd_error("VUID-VkQueryPoolCreateInfo-queryType-07133", "an encode feedback pool needs the video profile");
    icd_query_pool *q = icd_new(ICD_QUERY_POOL, sizeof(*q), dev);
    if (!q)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    q->type = info->queryType;
    q->count = info->queryCount;
    q->feedback = fb ? fb->encodeFeedbackFlags : 0;
    *out = (VkQueryPool)q;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyQueryPool(VkDevice device, VkQueryPool pool, const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (pool && icd_lookup(pool, ICD_QUERY_POOL, "vkDestroyQueryPool"))
        icd_delete(pool, ICD_QUERY_POOL);
}

static VKAPI_ATTR VkResult VKAPI_CALL GetQueryPoolResults(VkDevice device, VkQueryPool pool, uint32_t first,
                                                          uint32_t count, size_t size, void *data, VkDeviceSize stride,
                                                          VkQueryResultFlags flags)
{
    icd_device *dev = device_of(device, "vkGetQueryPoolResults");
    icd_query_pool *q = icd_lookup(pool, ICD_QUERY_POOL, "vkGetQueryPoolResults");
    if (!q)
        return VK_ERROR_UNKNOWN;
    if (dev && dev->lost)
        return VK_ERROR_DEVICE_LOST;
    if (first + count > q->count)
        icd_error("VUID-vkGetQueryPoolResults-firstQuery-09436", "queries beyond the pool");
    int wide = !!(flags & VK_QUERY_RESULT_64_BIT);
    int values = __builtin_popcount(q->feedback) + !!(flags & VK_QUERY_RESULT_WITH_STATUS_BIT_KHR);
    if ((size_t)stride * (count - 1) + (size_t)values * (wide ? 8 : 4) > size)
        icd_error("VUID-vkGetQueryPoolResults-dataSize-00817", "the data does not fit in %zu bytes", size);
    VkResult r = VK_SUCCESS;
    for (uint32_t i = 0; i < count; i++) {
        const __typeof__(q->result[0]) *res = &q->result[first + i];
        uint64_t v[4];
        int n = 0;
        if (!res->available) {
            r = VK_NOT_READY;
            continue;
        }
        if (q->feedback & VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BUFFER_OFFSET_BIT_KHR)
            v[n++] = res->offset;
        if (q->feedback & VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_BYTES_WRITTEN_BIT_KHR)
            v[n++] = res->bytes;
        if (q->feedback & VK_VIDEO_ENCODE_FEEDBACK_BITSTREAM_HAS_OVERRIDES_BIT_KHR)
            v[n++] = 0;
        if (flags & VK_QUERY_RESULT_WITH_STATUS_BIT_KHR)
            v[n++] = (uint64_t)(int64_t)res->status;
        uint8_t *out = (uint8_t *)data + stride * i;
        for (int k = 0; k < n; k++) {
            if (wide)
                memcpy(out + 8 * k, &v[k], 8);
            else {
                uint32_t w = (uint32_t)v[k];
                memcpy(out + 4 * k, &w, 4);
            }
        }
    }
    return r;
}

/* What a destroyed device still held goes with it, as a driver's memory
 * does: a leak is reported once, as an error, and not again when the
 * process exits (after the loader unloads the ICD, LeakSanitizer would
 * see the registry's objects as lost). Parents go before their children. */
void icd_device_release_leftovers(icd_device *dev)
{
    static const icd_type order[] = { ICD_COMMAND_POOL, ICD_PARAMETERS, ICD_SESSION, ICD_QUERY_POOL, ICD_IMAGE_VIEW,
                                      ICD_IMAGE, ICD_BUFFER, ICD_MEMORY, ICD_FENCE, ICD_SEMAPHORE };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        void *o;
        while ((o = icd_find_object(dev, order[i]))) {
            if (order[i] == ICD_COMMAND_POOL)
                free_pool_buffers(o);
            else if (order[i] == ICD_SESSION)
                cpu_encoder_close(((icd_session *)o)->enc);
            else if (order[i] == ICD_MEMORY)
                free(((icd_memory *)o)->data);
            icd_delete(o, order[i]);
        }
    }
}

/* ---------------------------------------------------------- video sessions */

static VKAPI_ATTR VkResult VKAPI_CALL CreateVideoSessionKHR(VkDevice device, const VkVideoSessionCreateInfoKHR *info,
                                                            const VkAllocationCallbacks *a, VkVideoSessionKHR *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateVideoSessionKHR");
    check_stype(info->sType, VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR, "VkVideoSessionCreateInfoKHR");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_CREATE_INFO_KHR };
    icd_chain_check("VkVideoSessionCreateInfoKHR", info->pNext, allowed, 1);
    const icd_config *cfg = icd_get_config();
    /* Spec, "Extensions": a device uses only the extensions it was created with. */
    if (dev && !dev->video_encode)
        icd_error("test-icd-extension", "vkCreateVideoSessionKHR on a device created without "
                  "VK_KHR_video_queue, VK_KHR_video_encode_queue and VK_KHR_video_encode_h264");
    StdVideoH264ProfileIdc profile = icd_check_profile(info->pVideoProfile, "vkCreateVideoSessionKHR");
    if (!profile)
        return VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR;
    if (info->queueFamilyIndex != 1)
        icd_error("VUID-VkVideoSessionCreateInfoKHR-queueFamilyIndex-07222", "family %u cannot encode",
                  info->queueFamilyIndex);
    const icd_profile *c = &cfg->caps;
    if (info->maxDpbSlots > c->max_dpb_slots)
        icd_error("VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04847", "%u DPB slots, the device has %u",
                  info->maxDpbSlots, c->max_dpb_slots);
    if (info->maxActiveReferencePictures > c->max_active_refs)
        icd_error("VUID-VkVideoSessionCreateInfoKHR-maxActiveReferencePictures-04849",
                  "%u active references, the device allows %u", info->maxActiveReferencePictures, c->max_active_refs);
    if (!info->maxDpbSlots != !info->maxActiveReferencePictures)
        icd_error("VUID-VkVideoSessionCreateInfoKHR-maxDpbSlots-04850",
                  "maxDpbSlots %u and maxActiveReferencePictures %u: both zero or both non-zero", info->maxDpbSlots,
                  info->maxActiveReferencePictures);
    if (info->maxCodedExtent.width < c->min_extent.width || info->maxCodedExtent.height < c->min_extent.height ||
        info->maxCodedExtent.width > c->max_extent.width || info->maxCodedExtent.height > c->max_extent.height)
        icd_error("VUID-VkVideoSessionCreateInfoKHR-maxCodedExtent-04851", "coded extent %ux%u outside %ux%u..%ux%u",
                  info->maxCodedExtent.width, info->maxCodedExtent.height, c->min_extent.width, c->min_extent.height,
                  c->max_extent.width, c->max_extent.height);
    if (info->pictureFormat != VK_FORMAT_G8_B8R8_2PLANE_420_UNORM ||
        (info->maxDpbSlots && info->referencePictureFormat != VK_FORMAT_G8_B8R8_2PLANE_420_UNORM))
        return VK_ERROR_FORMAT_NOT_SUPPORTED;
    if (!info->pStdHeaderVersion ||
        strcmp(info->pStdHeaderVersion->extensionName, VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_EXTENSION_NAME) ||
        info->pStdHeaderVersion->specVersion > VK_STD_VULKAN_VIDEO_CODEC_H264_ENCODE_SPEC_VERSION)
        return VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR;
    icd_session *s = icd_new(ICD_SESSION, sizeof(*s), dev);
    if (!s)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    s->family = info->queueFamilyIndex;
    s->profile = profile;
    icd_stats()->last_profile = (int)profile;
    s->max_extent = info->maxCodedExtent;
    s->max_dpb_slots = info->maxDpbSlots;
    s->max_refs = info->maxActiveReferencePictures;
    *out = (VkVideoSessionKHR)s;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyVideoSessionKHR(VkDevice device, VkVideoSessionKHR session,
                                                         const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    icd_session *s = session ? icd_lookup(session, ICD_SESSION, "vkDestroyVideoSessionKHR") : NULL;
    if (!s)
        return;
    cpu_encoder_close(s->enc);
    icd_delete(s, ICD_SESSION);
}

static VKAPI_ATTR VkResult VKAPI_CALL GetVideoSessionMemoryRequirementsKHR(VkDevice device, VkVideoSessionKHR session,
                                                                           uint32_t *count,
                                                                           VkVideoSessionMemoryRequirementsKHR *req)
{
    (void)device;
    icd_lookup(session, ICD_SESSION, "vkGetVideoSessionMemoryRequirementsKHR");
    if (!req) {
        *count = SESSION_BINDINGS;
        return VK_SUCCESS;
    }
    uint32_t n = *count < SESSION_BINDINGS ? *count : SESSION_BINDINGS;
    for (uint32_t i = 0; i < n; i++) {
        check_stype(req[i].sType, VK_STRUCTURE_TYPE_VIDEO_SESSION_MEMORY_REQUIREMENTS_KHR,
                    "VkVideoSessionMemoryRequirementsKHR");
        req[i].memoryBindIndex = 10 + i; /* not 0..n-1, so the index must really be used */
        req[i].memoryRequirements = (VkMemoryRequirements){ .size = 4096 * (i + 1), .alignment = 256,
                                                            .memoryTypeBits = 1 };
    }
    *count = n;
    return n < SESSION_BINDINGS ? VK_INCOMPLETE : VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL BindVideoSessionMemoryKHR(VkDevice device, VkVideoSessionKHR session, uint32_t n,
                                                                const VkBindVideoSessionMemoryInfoKHR *bind)
{
    (void)device;
    icd_session *s = icd_lookup(session, ICD_SESSION, "vkBindVideoSessionMemoryKHR");
    if (!s)
        return VK_ERROR_UNKNOWN;
    for (uint32_t i = 0; i < n; i++) {
        check_stype(bind[i].sType, VK_STRUCTURE_TYPE_BIND_VIDEO_SESSION_MEMORY_INFO_KHR,
                    "VkBindVideoSessionMemoryInfoKHR");
        uint32_t k = bind[i].memoryBindIndex - 10;
        icd_memory *m = icd_lookup(bind[i].memory, ICD_MEMORY, "vkBindVideoSessionMemoryKHR");
        if (k >= SESSION_BINDINGS)
            icd_error("VUID-vkBindVideoSessionMemoryKHR-pBindSessionMemoryInfos-07196", "no binding index %u",
                      bind[i].memoryBindIndex);
        else if (s->memory_bound & (1u << k))
            icd_error("VUID-vkBindVideoSessionMemoryKHR-videoSession-07195", "binding %u is already bound",
                      bind[i].memoryBindIndex);
        else if (!m || bind[i].memoryOffset + bind[i].memorySize > m->size || bind[i].memorySize < 4096 * (k + 1))
            icd_error("VUID-VkBindVideoSessionMemoryInfoKHR-memorySize-07198", "binding %u: bad memory range",
                      bind[i].memoryBindIndex);
        else
            s->memory_bound |= 1u << k;
    }
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL CreateVideoSessionParametersKHR(VkDevice device,
                                                                      const VkVideoSessionParametersCreateInfoKHR *info,
                                                                      const VkAllocationCallbacks *a,
                                                                      VkVideoSessionParametersKHR *out)
{
    (void)a;
    icd_device *dev = device_of(device, "vkCreateVideoSessionParametersKHR");
    check_stype(info->sType, VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR,
                "VkVideoSessionParametersCreateInfoKHR");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
                                               VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR };
    icd_chain_check("VkVideoSessionParametersCreateInfoKHR", info->pNext, allowed, 2);
    icd_session *s = icd_lookup(info->videoSession, ICD_SESSION, "vkCreateVideoSessionParametersKHR");
    const VkVideoEncodeH264SessionParametersCreateInfoKHR *h264 =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR);
    const VkVideoEncodeQualityLevelInfoKHR *quality =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR);
    if (!s || !h264) {
        icd_error("VUID-VkVideoSessionParametersCreateInfoKHR-videoSession-07210",
                  "H.264 encode parameters need VkVideoEncodeH264SessionParametersCreateInfoKHR");
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    const VkVideoEncodeH264SessionParametersAddInfoKHR *add = h264->pParametersAddInfo;
    if (!add || add->sType != VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR ||
        add->stdSPSCount != 1 || add->stdPPSCount != 1 || h264->maxStdSPSCount < 1 || h264->maxStdPPSCount < 1) {
        icd_error("test-icd-parameters", "the test ICD takes exactly one SPS and one PPS at creation");
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    const StdVideoH264SequenceParameterSet *sps = add->pStdSPSs;
    const StdVideoH264PictureParameterSet *pps = add->pStdPPSs;
    if (s->profile != sps->profile_idc)
        icd_error("test-icd-profile", "an SPS of profile_idc %d for a session of profile_idc %d",
                  (int)sps->profile_idc, (int)s->profile);
    if (pps->seq_parameter_set_id != sps->seq_parameter_set_id)
        icd_error("VUID-VkVideoEncodeH264SessionParametersAddInfoKHR-pStdPPSs", "the PPS names SPS %u, not %u",
                  pps->seq_parameter_set_id, sps->seq_parameter_set_id);
    if (!sps->flags.frame_mbs_only_flag || sps->chroma_format_idc != STD_VIDEO_H264_CHROMA_FORMAT_IDC_420 ||
        sps->bit_depth_luma_minus8 || sps->bit_depth_chroma_minus8 || sps->pic_order_cnt_type == STD_VIDEO_H264_POC_TYPE_1 ||
        sps->pScalingLists || pps->pScalingLists)
        return VK_ERROR_INVALID_VIDEO_STD_PARAMETERS_KHR;
    /* The coding tools. H.264 A.2.1: no CABAC in (Constrained) Baseline;
     * A.2.2: no 8x8 transform below High. Without the stdSyntaxFlags bit
     * that says the device sets a flag to 1, the spec lets it override the
     * flag: RADV's override of the 8x8 transform is modelled below
     * (pps_override); for the others the ICD refuses, so that a client
     * never relies on a flag the device did not offer. */
    const icd_profile *tools = &icd_get_config()->caps;
    if (pps->flags.entropy_coding_mode_flag && s->profile == STD_VIDEO_H264_PROFILE_IDC_BASELINE)
        icd_error("test-icd-cabac-baseline", "entropy_coding_mode_flag 1 in a Baseline session (H.264 A.2.1)");
    if (pps->flags.transform_8x8_mode_flag && s->profile != STD_VIDEO_H264_PROFILE_IDC_HIGH)
        icd_error("test-icd-8x8-profile", "transform_8x8_mode_flag 1 in a session of profile_idc %d (H.264 A.2.2)",
                  (int)s->profile);
    if (pps->flags.entropy_coding_mode_flag &&
        !(tools->std_syntax & VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_SET_BIT_KHR))
        icd_error("test-icd-std-syntax", "entropy_coding_mode_flag 1, but stdSyntaxFlags lacks "
                                         "VK_VIDEO_ENCODE_H264_STD_ENTROPY_CODING_MODE_FLAG_SET_BIT_KHR");
    if (pps->flags.transform_8x8_mode_flag && !tools->pps_override &&
        !(tools->std_syntax & VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR))
        icd_error("test-icd-std-syntax", "transform_8x8_mode_flag 1, but stdSyntaxFlags lacks "
                                         "VK_VIDEO_ENCODE_H264_STD_TRANSFORM_8X8_MODE_FLAG_SET_BIT_KHR");
    icd_parameters *p = icd_new(ICD_PARAMETERS, sizeof(*p), dev);
    if (!p)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    p->session = s;
    p->quality_level = quality ? quality->qualityLevel : 0;
    p->std_sps = *sps;
    p->std_pps = *pps;
    /* RADV's radv_video_patch_encode_session_parameters: the firmware
     * takes no PPS QP offset and no 8x8 transform before VCN 5, and (Mesa
     * 26.1) one reference by default in each list. */
    const icd_profile *caps = &icd_get_config()->caps;
    if (caps->pps_override) {
        p->std_pps.pic_init_qp_minus26 = 0;
        p->std_pps.pic_init_qs_minus26 = 0;
        p->std_pps.flags.transform_8x8_mode_flag = 0;
        if (caps->pps_one_ref_default)
            p->std_pps.num_ref_idx_l0_default_active_minus1 = p->std_pps.num_ref_idx_l1_default_active_minus1 = 0;
        p->overridden = p->std_pps.pic_init_qp_minus26 != pps->pic_init_qp_minus26 ||
                        p->std_pps.pic_init_qs_minus26 != pps->pic_init_qs_minus26 ||
                        p->std_pps.flags.transform_8x8_mode_flag != pps->flags.transform_8x8_mode_flag ||
                        p->std_pps.num_ref_idx_l0_default_active_minus1 != pps->num_ref_idx_l0_default_active_minus1 ||
                        p->std_pps.num_ref_idx_l1_default_active_minus1 != pps->num_ref_idx_l1_default_active_minus1;
    }
    if (icd_get_config()->pps_drop_deblock_control) {
        p->std_pps.flags.deblocking_filter_control_present_flag = 0;
        p->overridden = 1;
    }
    /* The VUI pointer dies with the call: convert now. */
    icd_params_from_std(p);
    p->std_sps.pSequenceParameterSetVui = NULL;
    *out = (VkVideoSessionParametersKHR)p;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyVideoSessionParametersKHR(VkDevice device, VkVideoSessionParametersKHR params,
                                                                   const VkAllocationCallbacks *a)
{
    (void)device;
    (void)a;
    if (params && icd_lookup(params, ICD_PARAMETERS, "vkDestroyVideoSessionParametersKHR"))
        icd_delete(params, ICD_PARAMETERS);
}

static VKAPI_ATTR VkResult VKAPI_CALL GetEncodedVideoSessionParametersKHR(
    VkDevice device, const VkVideoEncodeSessionParametersGetInfoKHR *info,
    VkVideoEncodeSessionParametersFeedbackInfoKHR *feedback, size_t *size, void *data)
{
    device_of(device, "vkGetEncodedVideoSessionParametersKHR");
    check_stype(info->sType, VK_STRUCTURE_TYPE_VIDEO_ENCODE_SESSION_PARAMETERS_GET_INFO_KHR,
                "VkVideoEncodeSessionParametersGetInfoKHR");
    static const VkStructureType allowed[] = { VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_GET_INFO_KHR };
    icd_chain_check("VkVideoEncodeSessionParametersGetInfoKHR", info->pNext, allowed, 1);
    icd_parameters *p = icd_lookup(info->videoSessionParameters, ICD_PARAMETERS, "vkGetEncodedVideoSessionParametersKHR");
    const VkVideoEncodeH264SessionParametersGetInfoKHR *h264 =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_GET_INFO_KHR);
    if (!p || !h264) {
        icd_error("VUID-vkGetEncodedVideoSessionParametersKHR-pVideoSessionParametersInfo-08262",
                  "H.264 parameters need VkVideoEncodeH264SessionParametersGetInfoKHR");
        return VK_ERROR_UNKNOWN;
    }
    if (h264->stdSPSId != (uint32_t)p->sps.sps_id || h264->stdPPSId != (uint32_t)p->pps.pps_id)
        icd_error("VUID-vkGetEncodedVideoSessionParametersKHR-pVideoSessionParametersInfo-08263",
                  "no SPS %u / PPS %u in the parameters", h264->stdSPSId, h264->stdPPSId);
    if (!h264->writeStdSPS || !h264->writeStdPPS)
        icd_error("test-icd-get-parameters", "the test ICD writes the SPS and PPS together only");
    if (feedback) {
        static const VkStructureType fb_allowed[] = {
            VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_FEEDBACK_INFO_KHR };
        check_stype(feedback->sType, VK_STRUCTURE_TYPE_VIDEO_ENCODE_SESSION_PARAMETERS_FEEDBACK_INFO_KHR,
                    "VkVideoEncodeSessionParametersFeedbackInfoKHR");
        icd_chain_check("VkVideoEncodeSessionParametersFeedbackInfoKHR", feedback->pNext, fb_allowed, 1);
        /* radv_GetEncodedVideoSessionParametersKHR reports a PPS override
         * whenever it writes the PPS, changed or not. */
        int pps_override = icd_get_config()->caps.pps_override || p->overridden;
        feedback->hasOverrides = pps_override ? VK_TRUE : VK_FALSE;
        VkVideoEncodeH264SessionParametersFeedbackInfoKHR *h = (VkVideoEncodeH264SessionParametersFeedbackInfoKHR *)
            icd_chain_find(feedback->pNext, VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_SESSION_PARAMETERS_FEEDBACK_INFO_KHR);
        if (h) {
            h->hasStdSPSOverrides = VK_FALSE;
            h->hasStdPPSOverrides = pps_override ? VK_TRUE : VK_FALSE;
        }
    }
    uint8_t buf[1024];
    size_t n = h264_write_parameter_sets(buf, sizeof(buf), &p->sps, &p->pps);
    if (!data) {
        *size = n;
        return VK_SUCCESS;
    }
    if (*size < n) {
        *size = 0;
        return VK_INCOMPLETE;
    }
    memcpy(data, buf, n);
    *size = n;
    return VK_SUCCESS;
}

#define PROC(name) { "vk" #name, (PFN_vkVoidFunction)name }

static const struct { const char *name; PFN_vkVoidFunction fn; } procs[] = {
    PROC(GetDeviceQueue), PROC(DeviceWaitIdle), PROC(AllocateMemory), PROC(FreeMemory), PROC(MapMemory),
    PROC(UnmapMemory), PROC(FlushMappedMemoryRanges),
    { "vkInvalidateMappedMemoryRanges", (PFN_vkVoidFunction)FlushMappedMemoryRanges },
    PROC(CreateBuffer), PROC(DestroyBuffer), PROC(GetBufferMemoryRequirements), PROC(BindBufferMemory),
    PROC(CreateImage), PROC(DestroyImage), PROC(GetImageMemoryRequirements), PROC(BindImageMemory),
    PROC(CreateImageView), PROC(DestroyImageView), PROC(CreateFence), PROC(DestroyFence), PROC(ResetFences),
    PROC(CreateSemaphore), PROC(DestroySemaphore), PROC(CreateCommandPool), PROC(DestroyCommandPool),
    PROC(AllocateCommandBuffers), PROC(FreeCommandBuffers), PROC(CreateQueryPool), PROC(DestroyQueryPool),
    PROC(GetQueryPoolResults), PROC(CreateVideoSessionKHR), PROC(DestroyVideoSessionKHR),
    PROC(GetVideoSessionMemoryRequirementsKHR), PROC(BindVideoSessionMemoryKHR), PROC(CreateVideoSessionParametersKHR),
    PROC(DestroyVideoSessionParametersKHR), PROC(GetEncodedVideoSessionParametersKHR),
};

PFN_vkVoidFunction icd_device_proc(const char *name)
{
    for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
        if (!strcmp(procs[i].name, name))
            return procs[i].fn;
    return NULL;
}
