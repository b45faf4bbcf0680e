/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Run-time loading of the CUDA driver (libcuda.so.1) and NVENC
 * (libnvidia-encode.so.1). Only the symbols the backend calls are resolved,
 * so a driver that lacks some unrelated CUDA entry point still works; a
 * missing library or symbol is named in the message.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

#define CUDA_LIBRARY "libcuda.so.1"
#define NVENC_LIBRARY "libnvidia-encode.so.1"

static int open_library(const char *name, void **handle, char *err, size_t err_size)
{
    *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (*handle)
        return 0;
    const char *why = dlerror();
    snprintf(err, err_size, "cannot load %s (%s): the NVIDIA driver is not installed", name,
             why ? why : "not found");
    return HWENC_EUNSUPPORTED;
}

static int resolve(void *handle, const char *lib, const char *name, void **fn, char *err, size_t err_size)
{
    *fn = dlsym(handle, name);
    if (*fn)
        return 0;
    snprintf(err, err_size, "%s has no symbol %s: the NVIDIA driver is broken or too old", lib, name);
    return HWENC_EUNSUPPORTED;
}

/* ISO C forbids converting void * to a function pointer, but dlsym's
 * contract (POSIX) is exactly that; go through a union-free memcpy. */
#define RESOLVE(handle, lib, name, field)                                          \
    do {                                                                           \
        void *sym_;                                                                \
        int r_ = resolve(handle, lib, name, &sym_, err, err_size);                 \
        if (r_ < 0)                                                                \
            return r_;                                                             \
        memcpy(&(field), &sym_, sizeof(sym_));                                     \
    } while (0)

static int load_cuda(nvenc_lib *lib, char *err, size_t err_size)
{
    nvenc_cuda_api *cu = &lib->cu;
    void *h = lib->cuda_handle;
    RESOLVE(h, CUDA_LIBRARY, "cuInit", cu->init);
    RESOLVE(h, CUDA_LIBRARY, "cuDriverGetVersion", cu->driver_get_version);
    RESOLVE(h, CUDA_LIBRARY, "cuDeviceGetCount", cu->device_get_count);
    RESOLVE(h, CUDA_LIBRARY, "cuDeviceGet", cu->device_get);
    RESOLVE(h, CUDA_LIBRARY, "cuDeviceGetName", cu->device_get_name);
    RESOLVE(h, CUDA_LIBRARY, "cuDeviceGetAttribute", cu->device_get_attribute);
    RESOLVE(h, CUDA_LIBRARY, "cuCtxCreate_v2", cu->ctx_create);
    RESOLVE(h, CUDA_LIBRARY, "cuCtxDestroy_v2", cu->ctx_destroy);
    RESOLVE(h, CUDA_LIBRARY, "cuCtxPushCurrent_v2", cu->ctx_push);
    RESOLVE(h, CUDA_LIBRARY, "cuCtxPopCurrent_v2", cu->ctx_pop);
    RESOLVE(h, CUDA_LIBRARY, "cuCtxGetDevice", cu->ctx_get_device);
    return 0;
}

/* The entries of the function table the backend calls. */
static int check_function_list(const NV_ENCODE_API_FUNCTION_LIST *nv, char *err, size_t err_size)
{
    static const struct { size_t offset; const char *name; } used[] = {
#define USED(f) { offsetof(NV_ENCODE_API_FUNCTION_LIST, f), #f }
        USED(nvEncOpenEncodeSessionEx), USED(nvEncGetEncodeGUIDCount), USED(nvEncGetEncodeGUIDs),
        USED(nvEncGetEncodeCaps), USED(nvEncGetInputFormatCount), USED(nvEncGetInputFormats),
        USED(nvEncGetEncodePresetConfigEx), USED(nvEncInitializeEncoder), USED(nvEncCreateInputBuffer),
        USED(nvEncDestroyInputBuffer), USED(nvEncCreateBitstreamBuffer), USED(nvEncDestroyBitstreamBuffer),
        USED(nvEncLockInputBuffer), USED(nvEncUnlockInputBuffer), USED(nvEncEncodePicture),
        USED(nvEncLockBitstream), USED(nvEncUnlockBitstream), USED(nvEncRegisterResource),
        USED(nvEncUnregisterResource), USED(nvEncMapInputResource), USED(nvEncUnmapInputResource),
        USED(nvEncReconfigureEncoder), USED(nvEncDestroyEncoder),
#undef USED
    };
    for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
        void *fn;
        memcpy(&fn, (const char *)nv + used[i].offset, sizeof(fn));
        if (!fn) {
            snprintf(err, err_size, "%s gave no %s in its function table: the NVIDIA driver is too old or broken",
                     NVENC_LIBRARY, used[i].name);
            return HWENC_EUNSUPPORTED;
        }
    }
    return 0;
}

static int load_nvenc(nvenc_lib *lib, char *err, size_t err_size)
{
    nvenc_get_max_version *get_max_version;
    nvenc_create_instance *create_instance;
    void *h = lib->nvenc_handle;
    RESOLVE(h, NVENC_LIBRARY, "NvEncodeAPIGetMaxSupportedVersion", get_max_version);
    RESOLVE(h, NVENC_LIBRARY, "NvEncodeAPICreateInstance", create_instance);

    NVENCSTATUS st = get_max_version(&lib->driver_api);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(lib, NULL, st, "NvEncodeAPIGetMaxSupportedVersion", err, err_size);
    uint32_t compiled = NVENCAPI_MAJOR_VERSION << 4 | NVENCAPI_MINOR_VERSION;
    if (lib->driver_api < compiled) {
        nvenc_driver_too_old(lib->driver_api, err, err_size);
        return HWENC_EUNSUPPORTED;
    }
    memset(&lib->nv, 0, sizeof(lib->nv));
    lib->nv.version = NV_ENCODE_API_FUNCTION_LIST_VER;
    st = create_instance(&lib->nv);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(lib, NULL, st, "NvEncodeAPICreateInstance", err, err_size);
    return check_function_list(&lib->nv, err, err_size);
}

int nvenc_lib_load(nvenc_lib *lib, char *err, size_t err_size)
{
    memset(lib, 0, sizeof(*lib));
    int ret = open_library(CUDA_LIBRARY, &lib->cuda_handle, err, err_size);
    if (ret < 0)
        goto fail;
    if ((ret = load_cuda(lib, err, err_size)) < 0)
        goto fail;
    if ((ret = open_library(NVENC_LIBRARY, &lib->nvenc_handle, err, err_size)) < 0)
        goto fail;
    if ((ret = load_nvenc(lib, err, err_size)) < 0)
        goto fail;
    if (lib->cu.driver_get_version(&lib->cuda_version) != CUDA_SUCCESS)
        lib->cuda_version = 0;
    return 0;
fail:
    nvenc_lib_unload(lib);
    return ret;
}

void nvenc_lib_unload(nvenc_lib *lib)
{
    /* NVENC first: it depends on the CUDA driver. */
    if (lib->nvenc_handle)
        dlclose(lib->nvenc_handle);
    if (lib->cuda_handle)
        dlclose(lib->cuda_handle);
    memset(lib, 0, sizeof(*lib));
}
