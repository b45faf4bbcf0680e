/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "hw/vulkan/vk_funcs.h"

int vk_funcs_load_loader(vk_funcs *f, void *get_instance_proc_addr, char *err, size_t err_size)
{
    memset(f, 0, sizeof(*f));
    if (get_instance_proc_addr) {
        f->vkGetInstanceProcAddr = (PFN_vkGetInstanceProcAddr)get_instance_proc_addr;
    } else {
        f->library = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!f->library) {
            snprintf(err, err_size, "libvulkan.so.1 not found: install the Vulkan loader (Debian/Ubuntu: libvulkan1)");
            return HWENC_EUNSUPPORTED;
        }
        /* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
        *(void **)&f->vkGetInstanceProcAddr = dlsym(f->library, "vkGetInstanceProcAddr");
        if (!f->vkGetInstanceProcAddr) {
            snprintf(err, err_size, "libvulkan.so.1 has no vkGetInstanceProcAddr: the Vulkan loader is broken");
            vk_funcs_unload(f);
            return HWENC_EUNSUPPORTED;
        }
    }
#define LOAD_GLOBAL(name) f->name = (PFN_##name)f->vkGetInstanceProcAddr(VK_NULL_HANDLE, #name);
    VK_GLOBAL_FUNCS(LOAD_GLOBAL)
#undef LOAD_GLOBAL
    if (!f->vkCreateInstance) {
        snprintf(err, err_size, "the Vulkan loader does not provide vkCreateInstance");
        vk_funcs_unload(f);
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

int vk_funcs_load_instance(vk_funcs *f, VkInstance instance, char *err, size_t err_size)
{
    const char *missing = NULL;
#define LOAD_INSTANCE(name) \
    f->name = (PFN_##name)f->vkGetInstanceProcAddr(instance, #name); \
    if (!f->name && !missing) \
        missing = #name;
    VK_INSTANCE_FUNCS(LOAD_INSTANCE)
#undef LOAD_INSTANCE
    if (missing) {
        snprintf(err, err_size, "the Vulkan loader does not provide %s (Vulkan 1.1 or newer is needed)", missing);
        return HWENC_EUNSUPPORTED;
    }
#define LOAD_OPTIONAL(name) f->name = (PFN_##name)f->vkGetInstanceProcAddr(instance, #name);
    VK_INSTANCE_VIDEO_FUNCS(LOAD_OPTIONAL)
#undef LOAD_OPTIONAL
    return 0;
}

int vk_funcs_have_video_queries(const vk_funcs *f)
{
    return f->vkGetPhysicalDeviceVideoCapabilitiesKHR && f->vkGetPhysicalDeviceVideoFormatPropertiesKHR &&
           f->vkGetPhysicalDeviceVideoEncodeQualityLevelPropertiesKHR;
}

int vk_funcs_load_device(vk_funcs *f, VkDevice device, char *err, size_t err_size)
{
    const char *missing = NULL;
#define LOAD_DEVICE(name) \
    f->name = (PFN_##name)f->vkGetDeviceProcAddr(device, #name); \
    if (!f->name && !missing) \
        missing = #name;
    VK_DEVICE_FUNCS(LOAD_DEVICE)
#undef LOAD_DEVICE
    if (missing) {
        snprintf(err, err_size, "the Vulkan driver does not provide %s", missing);
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

void vk_funcs_unload(vk_funcs *f)
{
    if (f->library)
        dlclose(f->library);
    f->library = NULL;
}

/* VkResult values are sparse (extensions' codes lie near -10^9): a list. */
#define RESULT_NAME(result) { result, #result }
static const struct {
    VkResult result;
    const char *name;
} result_names[] = {
    RESULT_NAME(VK_SUCCESS),
    RESULT_NAME(VK_NOT_READY),
    RESULT_NAME(VK_TIMEOUT),
    RESULT_NAME(VK_INCOMPLETE),
    RESULT_NAME(VK_ERROR_OUT_OF_HOST_MEMORY),
    RESULT_NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY),
    RESULT_NAME(VK_ERROR_INITIALIZATION_FAILED),
    RESULT_NAME(VK_ERROR_DEVICE_LOST),
    RESULT_NAME(VK_ERROR_MEMORY_MAP_FAILED),
    RESULT_NAME(VK_ERROR_LAYER_NOT_PRESENT),
    RESULT_NAME(VK_ERROR_EXTENSION_NOT_PRESENT),
    RESULT_NAME(VK_ERROR_FEATURE_NOT_PRESENT),
    RESULT_NAME(VK_ERROR_INCOMPATIBLE_DRIVER),
    RESULT_NAME(VK_ERROR_TOO_MANY_OBJECTS),
    RESULT_NAME(VK_ERROR_FORMAT_NOT_SUPPORTED),
    RESULT_NAME(VK_ERROR_IMAGE_USAGE_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_VIDEO_PICTURE_LAYOUT_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_VIDEO_PROFILE_FORMAT_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR),
    RESULT_NAME(VK_ERROR_INVALID_VIDEO_STD_PARAMETERS_KHR),
};
#undef RESULT_NAME

const char *vk_result_name(VkResult r)
{
    for (size_t i = 0; i < sizeof(result_names) / sizeof(*result_names); i++)
        if (result_names[i].result == r)
            return result_names[i].name;
    return "an unknown VkResult";
}
