/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The CUDA side of the session: a GPU picked by index (config->device) and a
 * context of our own, or the application's CUcontext (config->external), in
 * which case the application keeps ownership and we never destroy it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

static int parse_index(const char *device, int *index, char *err, size_t err_size)
{
    *index = 0;
    if (!device || !*device)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(device, &end, 10);
    if (errno || *end || v < 0 || v > 255) {
        snprintf(err, err_size, "device '%s' is not a GPU index: NVENC takes the CUDA device number (0, 1, ...)",
                 device);
        return HWENC_EINVAL;
    }
    *index = (int)v;
    return 0;
}

static int cuda_failed(CUresult r, const char *what, char *err, size_t err_size)
{
    if ((int)r == NVENC_CUDA_ERROR_NO_DEVICE) {
        snprintf(err, err_size, "no encode-capable GPU: the CUDA driver found no NVIDIA GPU (%s)", what);
        return HWENC_EUNSUPPORTED;
    }
    snprintf(err, err_size, "%s failed: CUDA error %d", what, (int)r);
    return HWENC_EBACKEND;
}

static int describe_device(nvenc_device *d, char *err, size_t err_size)
{
    const nvenc_cuda_api *cu = &d->lib->cu;
    CUresult r;
    if ((r = cu->device_get_name(d->name, (int)sizeof(d->name), d->dev)) != CUDA_SUCCESS)
        snprintf(d->name, sizeof(d->name), "unnamed NVIDIA GPU");
    d->name[sizeof(d->name) - 1] = 0;
    if ((r = cu->device_get_attribute(&d->cc_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d->dev)) ||
        (r = cu->device_get_attribute(&d->cc_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d->dev)))
        return cuda_failed(r, "cuDeviceGetAttribute(compute capability)", err, err_size);
    if (d->cc_major < NVENC_MIN_COMPUTE_MAJOR) {
        snprintf(err, err_size,
                 "unsupported device: GPU %d (%s) has CUDA compute capability %d.%d; NVENC needs a Kepler "
                 "or newer GPU (compute capability %d.0 or higher)",
                 d->index, d->name, d->cc_major, d->cc_minor, NVENC_MIN_COMPUTE_MAJOR);
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

static int adopt_context(nvenc_device *d, CUcontext ctx, char *err, size_t err_size)
{
    const nvenc_cuda_api *cu = &d->lib->cu;
    d->ctx = ctx;
    d->own_ctx = 0;
    d->index = -1;
    int ret = nvenc_device_push(d, err, err_size);
    if (ret < 0)
        return ret;
    CUresult r = cu->ctx_get_device(&d->dev);
    nvenc_device_pop(d);
    if (r != CUDA_SUCCESS)
        return cuda_failed(r, "cuCtxGetDevice on the application's CUDA context", err, err_size);
    return describe_device(d, err, err_size);
}

int nvenc_device_open(nvenc_device *d, const nvenc_lib *lib, const hwenc_config *config, char *err,
                      size_t err_size)
{
    const nvenc_cuda_api *cu = &lib->cu;
    memset(d, 0, sizeof(*d));
    d->lib = lib;
    CUresult r = cu->init(0);
    if (r != CUDA_SUCCESS)
        return cuda_failed(r, "cuInit", err, err_size);
    if (config->external.cuda_context)
        return adopt_context(d, (CUcontext)config->external.cuda_context, err, err_size);

    int ret = parse_index(config->device, &d->index, err, err_size);
    if (ret < 0)
        return ret;
    int count = 0;
    if ((r = cu->device_get_count(&count)) != CUDA_SUCCESS)
        return cuda_failed(r, "cuDeviceGetCount", err, err_size);
    if (count == 0) {
        snprintf(err, err_size, "no encode-capable GPU: the CUDA driver is installed but found no NVIDIA GPU");
        return HWENC_EUNSUPPORTED;
    }
    if (d->index >= count) {
        snprintf(err, err_size, "GPU %d does not exist: the CUDA driver found %d GPU%s (0..%d)", d->index, count,
                 count > 1 ? "s" : "", count - 1);
        return HWENC_EINVAL;
    }
    if ((r = cu->device_get(&d->dev, d->index)) != CUDA_SUCCESS)
        return cuda_failed(r, "cuDeviceGet", err, err_size);
    if ((ret = describe_device(d, err, err_size)) < 0)
        return ret;
    /* cuCtxCreate makes the new context current; pop it so the calling
     * thread's state is as we found it, and push it around each call. */
    if ((r = cu->ctx_create(&d->ctx, CU_CTX_SCHED_BLOCKING_SYNC, d->dev)) != CUDA_SUCCESS)
        return cuda_failed(r, "cuCtxCreate", err, err_size);
    d->own_ctx = 1;
    CUcontext dummy;
    if ((r = cu->ctx_pop(&dummy)) != CUDA_SUCCESS) {
        cu->ctx_destroy(d->ctx);
        d->ctx = NULL;
        return cuda_failed(r, "cuCtxPopCurrent", err, err_size);
    }
    return 0;
}

void nvenc_device_close(nvenc_device *d)
{
    if (d->ctx && d->own_ctx)
        d->lib->cu.ctx_destroy(d->ctx);
    d->ctx = NULL;
}

int nvenc_device_push(const nvenc_device *d, char *err, size_t err_size)
{
    CUresult r = d->lib->cu.ctx_push(d->ctx);
    if (r != CUDA_SUCCESS) {
        snprintf(err, err_size, "cuCtxPushCurrent failed: CUDA error %d", (int)r);
        return HWENC_EBACKEND;
    }
    return 0;
}

void nvenc_device_pop(const nvenc_device *d)
{
    CUcontext dummy;
    d->lib->cu.ctx_pop(&dummy);
}
