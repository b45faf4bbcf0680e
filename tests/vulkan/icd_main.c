/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The loader-ICD interface (vk_icdNegotiateLoaderICDInterfaceVersion,
 * vk_icdGetInstanceProcAddr, vk_icdGetPhysicalDeviceProcAddr), the
 * instance and physical-device functions, and the logical device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vulkan/icd.h"

#define ICD_EXPORT __attribute__((visibility("default")))

static const VkExtensionProperties device_extensions[] = {
    { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME, VK_KHR_VIDEO_QUEUE_SPEC_VERSION },
    { VK_KHR_VIDEO_ENCODE_QUEUE_EXTENSION_NAME, VK_KHR_VIDEO_ENCODE_QUEUE_SPEC_VERSION },
    { VK_KHR_VIDEO_ENCODE_H264_EXTENSION_NAME, VK_KHR_VIDEO_ENCODE_H264_SPEC_VERSION },
    { VK_KHR_VIDEO_MAINTENANCE_1_EXTENSION_NAME, VK_KHR_VIDEO_MAINTENANCE_1_SPEC_VERSION },
    { VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME, VK_KHR_SYNCHRONIZATION_2_SPEC_VERSION },
};
#define DEVICE_EXTENSIONS (uint32_t)(sizeof(device_extensions) / sizeof(device_extensions[0]))

static icd_physical_device *the_physical_device;

static VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceExtensionProperties(const char *layer, uint32_t *count,
                                                                           VkExtensionProperties *props)
{
    (void)layer;
    (void)props;
    *count = 0;
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceVersion(uint32_t *version)
{
    *version = VK_API_VERSION_1_3;
    return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL CreateInstance(const VkInstanceCreateInfo *info, const VkAllocationCallbacks *a,
                                                     VkInstance *out)
{
    (void)a;
    if (info->sType != VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO)
        icd_error("VUID-VkInstanceCreateInfo-sType-sType", "wrong sType");
    icd_load_config();
    icd_instance *inst = icd_new(ICD_INSTANCE, sizeof(*inst), NULL);
    icd_physical_device *pd = icd_new(ICD_PHYSICAL_DEVICE, sizeof(*pd), NULL);
    if (!inst || !pd) {
        icd_delete(inst, ICD_INSTANCE);
        icd_delete(pd, ICD_PHYSICAL_DEVICE);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    /* One physical device per instance; the newest is the one handed out. */
    the_physical_device = pd;
    *out = (VkInstance)inst;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyInstance(VkInstance instance, const VkAllocationCallbacks *a)
{
    (void)a;
    if (!instance || !icd_lookup(instance, ICD_INSTANCE, "vkDestroyInstance"))
        return;
    icd_delete(the_physical_device, ICD_PHYSICAL_DEVICE);
    the_physical_device = NULL;
    icd_delete(instance, ICD_INSTANCE);
}

static VKAPI_ATTR VkResult VKAPI_CALL EnumeratePhysicalDevices(VkInstance instance, uint32_t *count,
                                                               VkPhysicalDevice *devs)
{
    icd_lookup(instance, ICD_INSTANCE, "vkEnumeratePhysicalDevices");
    if (!devs) {
        *count = 1;
        return VK_SUCCESS;
    }
    if (*count < 1)
        return VK_INCOMPLETE;
    *count = 1;
    devs[0] = (VkPhysicalDevice)the_physical_device;
    return VK_SUCCESS;
}

static void fill_properties(VkPhysicalDeviceProperties *p)
{
    memset(p, 0, sizeof(*p));
    p->apiVersion = VK_API_VERSION_1_3;
    p->driverVersion = VK_MAKE_API_VERSION(0, 1, 0, 0);
    p->vendorID = 0x10005; /* a Khronos-assigned id (VK_VENDOR_ID_MESA), not a PCI GPU vendor */
    p->deviceID = 0x264;
    p->deviceType = VK_PHYSICAL_DEVICE_TYPE_CPU;
    snprintf(p->deviceName, sizeof(p->deviceName), "hwenc test ICD (H.264 encode)");
    p->limits.nonCoherentAtomSize = 64;
    p->limits.maxImageDimension2D = 4096;
    p->limits.maxImageArrayLayers = 256;
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties(VkPhysicalDevice dev, VkPhysicalDeviceProperties *p)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceProperties");
    fill_properties(p);
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties2(VkPhysicalDevice dev, VkPhysicalDeviceProperties2 *p)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceProperties2");
    fill_properties(&p->properties);
    VkPhysicalDeviceDriverProperties *driver = (VkPhysicalDeviceDriverProperties *)icd_chain_find(
        p->pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
    if (driver) {
        driver->driverID = (VkDriverId)0;
        snprintf(driver->driverName, sizeof(driver->driverName), "hwenc-test-icd");
        snprintf(driver->driverInfo, sizeof(driver->driverInfo), "1.0, CPU encoder core");
    }
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFeatures(VkPhysicalDevice dev, VkPhysicalDeviceFeatures *f)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceFeatures");
    memset(f, 0, sizeof(*f));
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFeatures2(VkPhysicalDevice dev, VkPhysicalDeviceFeatures2 *f)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceFeatures2");
    memset(&f->features, 0, sizeof(f->features));
    VkPhysicalDeviceVulkan13Features *v13 =
        (VkPhysicalDeviceVulkan13Features *)icd_chain_find(f->pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    if (v13)
        v13->synchronization2 = VK_TRUE;
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties2(VkPhysicalDevice dev, uint32_t *count,
                                                                          VkQueueFamilyProperties2 *props)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceQueueFamilyProperties2");
    icd_fill_queue_families(count, props);
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties(VkPhysicalDevice dev, uint32_t *count,
                                                                         VkQueueFamilyProperties *props)
{
    VkQueueFamilyProperties2 p2[2] = { { .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2 },
                                       { .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2 } };
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceQueueFamilyProperties");
    if (!props) {
        icd_fill_queue_families(count, NULL);
        return;
    }
    if (*count > 2)
        *count = 2;
    icd_fill_queue_families(count, p2);
    for (uint32_t i = 0; i < *count; i++)
        props[i] = p2[i].queueFamilyProperties;
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceMemoryProperties(VkPhysicalDevice dev,
                                                                    VkPhysicalDeviceMemoryProperties *p)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceMemoryProperties");
    memset(p, 0, sizeof(*p));
    p->memoryTypeCount = 1;
    p->memoryTypes[0].propertyFlags = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                      VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
    p->memoryTypes[0].heapIndex = 0;
    p->memoryHeapCount = 1;
    p->memoryHeaps[0].size = 1ull << 30;
    p->memoryHeaps[0].flags = VK_MEMORY_HEAP_DEVICE_LOCAL_BIT;
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceMemoryProperties2(VkPhysicalDevice dev,
                                                                     VkPhysicalDeviceMemoryProperties2 *p)
{
    GetPhysicalDeviceMemoryProperties(dev, &p->memoryProperties);
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFormatProperties(VkPhysicalDevice dev, VkFormat format,
                                                                    VkFormatProperties *p)
{
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceFormatProperties");
    memset(p, 0, sizeof(*p));
    if (format == VK_FORMAT_G8_B8R8_2PLANE_420_UNORM)
        p->optimalTilingFeatures = VK_FORMAT_FEATURE_TRANSFER_DST_BIT | VK_FORMAT_FEATURE_VIDEO_ENCODE_INPUT_BIT_KHR |
                                   VK_FORMAT_FEATURE_VIDEO_ENCODE_DPB_BIT_KHR;
}

/* Core 1.0 queries the loader insists on; video images are not described here. */
static VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceImageFormatProperties(VkPhysicalDevice dev, VkFormat format,
                                                                             VkImageType type, VkImageTiling tiling,
                                                                             VkImageUsageFlags usage,
                                                                             VkImageCreateFlags flags,
                                                                             VkImageFormatProperties *p)
{
    (void)format, (void)type, (void)tiling, (void)usage, (void)flags;
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceImageFormatProperties");
    memset(p, 0, sizeof(*p));
    return VK_ERROR_FORMAT_NOT_SUPPORTED;
}

static VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceSparseImageFormatProperties(
    VkPhysicalDevice dev, VkFormat format, VkImageType type, VkSampleCountFlagBits samples, VkImageUsageFlags usage,
    VkImageTiling tiling, uint32_t *count, VkSparseImageFormatProperties *p)
{
    (void)format, (void)type, (void)samples, (void)usage, (void)tiling, (void)p;
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkGetPhysicalDeviceSparseImageFormatProperties");
    *count = 0;
}

static VKAPI_ATTR VkResult VKAPI_CALL EnumerateDeviceExtensionProperties(VkPhysicalDevice dev, const char *layer,
                                                                         uint32_t *count, VkExtensionProperties *props)
{
    (void)layer;
    icd_lookup(dev, ICD_PHYSICAL_DEVICE, "vkEnumerateDeviceExtensionProperties");
    if (!props) {
        *count = DEVICE_EXTENSIONS;
        return VK_SUCCESS;
    }
    uint32_t n = *count < DEVICE_EXTENSIONS ? *count : DEVICE_EXTENSIONS;
    memcpy(props, device_extensions, n * sizeof(*props));
    *count = n;
    return n < DEVICE_EXTENSIONS ? VK_INCOMPLETE : VK_SUCCESS;
}

static int extension_enabled(const VkDeviceCreateInfo *info, const char *name)
{
    for (uint32_t i = 0; i < info->enabledExtensionCount; i++)
        if (!strcmp(info->ppEnabledExtensionNames[i], name))
            return 1;
    return 0;
}

static VKAPI_ATTR void VKAPI_CALL DestroyDevice(VkDevice device, const VkAllocationCallbacks *a);

static VKAPI_ATTR VkResult VKAPI_CALL CreateDevice(VkPhysicalDevice pd, const VkDeviceCreateInfo *info,
                                                   const VkAllocationCallbacks *a, VkDevice *out)
{
    (void)a;
    icd_lookup(pd, ICD_PHYSICAL_DEVICE, "vkCreateDevice");
    if (info->sType != VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO)
        icd_error("VUID-VkDeviceCreateInfo-sType-sType", "wrong sType");
    for (uint32_t i = 0; i < info->enabledExtensionCount; i++) {
        int known = 0;
        for (uint32_t k = 0; k < DEVICE_EXTENSIONS; k++)
            known |= !strcmp(info->ppEnabledExtensionNames[i], device_extensions[k].extensionName);
        if (!known)
            return VK_ERROR_EXTENSION_NOT_PRESENT;
    }
    if (extension_enabled(info, VK_KHR_VIDEO_ENCODE_H264_EXTENSION_NAME) &&
        !extension_enabled(info, VK_KHR_VIDEO_ENCODE_QUEUE_EXTENSION_NAME))
        icd_error("VUID-vkCreateDevice-ppEnabledExtensionNames-01387",
                  "VK_KHR_video_encode_h264 needs VK_KHR_video_encode_queue enabled");
    icd_device *dev = icd_new(ICD_DEVICE, sizeof(*dev), NULL);
    if (!dev)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    dev->obj.device = dev;
    const VkPhysicalDeviceVulkan13Features *v13 =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    const VkPhysicalDeviceSynchronization2Features *s2 =
        icd_chain_find(info->pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES);
    dev->sync2 = (v13 && v13->synchronization2) || (s2 && s2->synchronization2);
    dev->video_encode = extension_enabled(info, VK_KHR_VIDEO_QUEUE_EXTENSION_NAME) &&
                        extension_enabled(info, VK_KHR_VIDEO_ENCODE_QUEUE_EXTENSION_NAME) &&
                        extension_enabled(info, VK_KHR_VIDEO_ENCODE_H264_EXTENSION_NAME);
    for (uint32_t i = 0; i < info->queueCreateInfoCount; i++) {
        const VkDeviceQueueCreateInfo *q = &info->pQueueCreateInfos[i];
        if (q->queueFamilyIndex >= 2 || q->queueCount != 1)
            icd_error("VUID-VkDeviceQueueCreateInfo-queueFamilyIndex-00381", "queue family %u, count %u",
                      q->queueFamilyIndex, q->queueCount);
        icd_queue *queue = icd_new(ICD_QUEUE, sizeof(*queue), dev);
        if (!queue) {
            DestroyDevice((VkDevice)dev, NULL);
            return VK_ERROR_OUT_OF_HOST_MEMORY;
        }
        queue->family = q->queueFamilyIndex;
    }
    *out = (VkDevice)dev;
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL DestroyDevice(VkDevice device, const VkAllocationCallbacks *a)
{
    (void)a;
    icd_device *dev = device ? icd_lookup(device, ICD_DEVICE, "vkDestroyDevice") : NULL;
    if (!dev)
        return;
    /* The queues belong to the device; anything else still alive leaked. */
    for (;;) {
        icd_queue *q = NULL;
        for (uint32_t fam = 0; fam < 2 && !q; fam++)
            q = icd_find_queue(dev, fam);
        if (!q)
            break;
        icd_delete(q, ICD_QUEUE);
    }
    int leaked = icd_live_count(dev) - 1;
    if (leaked > 0) {
        icd_report_leaks(dev);
        icd_error("VUID-vkDestroyDevice-device-05137", "%d objects of the device were not destroyed", leaked);
        icd_device_release_leftovers(dev);
    }
    icd_delete(dev, ICD_DEVICE);
}

typedef struct proc_entry {
    const char *name;
    PFN_vkVoidFunction fn;
} proc_entry;

#define PROC(name) { "vk" #name, (PFN_vkVoidFunction)name }

static const proc_entry global_procs[] = {
    PROC(CreateInstance),
    PROC(EnumerateInstanceExtensionProperties),
    PROC(EnumerateInstanceVersion),
};

static const proc_entry instance_procs[] = {
    PROC(DestroyInstance),
    PROC(EnumeratePhysicalDevices),
    PROC(EnumerateDeviceExtensionProperties),
    PROC(CreateDevice),
};

static PFN_vkVoidFunction video_query(const char *name)
{
    if (!strcmp(name, "vkGetPhysicalDeviceVideoCapabilitiesKHR"))
        return (PFN_vkVoidFunction)icd_video_capabilities;
    if (!strcmp(name, "vkGetPhysicalDeviceVideoFormatPropertiesKHR"))
        return (PFN_vkVoidFunction)icd_video_formats;
    if (!strcmp(name, "vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR"))
        return (PFN_vkVoidFunction)icd_quality_level_properties;
    return NULL;
}

static const proc_entry physical_device_procs[] = {
    PROC(GetPhysicalDeviceProperties),
    PROC(GetPhysicalDeviceProperties2),
    { "vkGetPhysicalDeviceProperties2KHR", (PFN_vkVoidFunction)GetPhysicalDeviceProperties2 },
    PROC(GetPhysicalDeviceFeatures),
    PROC(GetPhysicalDeviceFeatures2),
    { "vkGetPhysicalDeviceFeatures2KHR", (PFN_vkVoidFunction)GetPhysicalDeviceFeatures2 },
    PROC(GetPhysicalDeviceQueueFamilyProperties),
    PROC(GetPhysicalDeviceQueueFamilyProperties2),
    { "vkGetPhysicalDeviceQueueFamilyProperties2KHR", (PFN_vkVoidFunction)GetPhysicalDeviceQueueFamilyProperties2 },
    PROC(GetPhysicalDeviceMemoryProperties),
    PROC(GetPhysicalDeviceMemoryProperties2),
    { "vkGetPhysicalDeviceMemoryProperties2KHR", (PFN_vkVoidFunction)GetPhysicalDeviceMemoryProperties2 },
    PROC(GetPhysicalDeviceFormatProperties),
    PROC(GetPhysicalDeviceImageFormatProperties),
    PROC(GetPhysicalDeviceSparseImageFormatProperties),
};

static PFN_vkVoidFunction find(const proc_entry *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(table[i].name, name))
            return table[i].fn;
    return NULL;
}

#define FIND(table, name) find(table, sizeof(table) / sizeof(table[0]), name)

static PFN_vkVoidFunction physical_device_proc(const char *name)
{
    PFN_vkVoidFunction fn = FIND(physical_device_procs, name);
    return fn ? fn : video_query(name);
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char *name)
{
    (void)device;
    if (!strcmp(name, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)GetDeviceProcAddr;
    if (!strcmp(name, "vkDestroyDevice"))
        return (PFN_vkVoidFunction)DestroyDevice;
    PFN_vkVoidFunction fn = icd_device_proc(name);
    return fn ? fn : icd_cmd_proc(name);
}

ICD_EXPORT VKAPI_ATTR VkResult VKAPI_CALL vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t *version);
ICD_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vk_icdGetInstanceProcAddr(VkInstance instance, const char *name);
ICD_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL vk_icdGetPhysicalDeviceProcAddr(VkInstance instance,
                                                                                    const char *name);

/* Version 5: physical-device functions through vk_icdGetPhysicalDeviceProcAddr
 * and any apiVersion in VkApplicationInfo. */
VkResult vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t *version)
{
    if (*version > 5)
        *version = 5;
    return *version >= 4 ? VK_SUCCESS : VK_ERROR_INCOMPATIBLE_DRIVER;
}

PFN_vkVoidFunction vk_icdGetInstanceProcAddr(VkInstance instance, const char *name)
{
    PFN_vkVoidFunction fn = FIND(global_procs, name);
    if (fn || !instance)
        return fn;
    if (!strcmp(name, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)GetDeviceProcAddr;
    if ((fn = FIND(instance_procs, name)) || (fn = physical_device_proc(name)))
        return fn;
    return GetDeviceProcAddr(VK_NULL_HANDLE, name);
}

PFN_vkVoidFunction vk_icdGetPhysicalDeviceProcAddr(VkInstance instance, const char *name)
{
    (void)instance;
    return physical_device_proc(name);
}
