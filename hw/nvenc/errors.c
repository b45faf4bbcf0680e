/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * NVENC status codes in words users can act on. The four failures users
 * meet in practice get their own advice: the session limit of consumer
 * cards, a GPU without NVENC, a driver older than the API, and no GPU.
 */
#include <stdio.h>
#include <string.h>

#include "nvenc.h"

const char *nvenc_status_name(NVENCSTATUS status)
{
    switch (status) {
    case NV_ENC_SUCCESS: return "NV_ENC_SUCCESS";
    case NV_ENC_ERR_NO_ENCODE_DEVICE: return "NV_ENC_ERR_NO_ENCODE_DEVICE";
    case NV_ENC_ERR_UNSUPPORTED_DEVICE: return "NV_ENC_ERR_UNSUPPORTED_DEVICE";
    case NV_ENC_ERR_INVALID_ENCODERDEVICE: return "NV_ENC_ERR_INVALID_ENCODERDEVICE";
    case NV_ENC_ERR_INVALID_DEVICE: return "NV_ENC_ERR_INVALID_DEVICE";
    case NV_ENC_ERR_DEVICE_NOT_EXIST: return "NV_ENC_ERR_DEVICE_NOT_EXIST";
    case NV_ENC_ERR_INVALID_PTR: return "NV_ENC_ERR_INVALID_PTR";
    case NV_ENC_ERR_INVALID_EVENT: return "NV_ENC_ERR_INVALID_EVENT";
    case NV_ENC_ERR_INVALID_PARAM: return "NV_ENC_ERR_INVALID_PARAM";
    case NV_ENC_ERR_INVALID_CALL: return "NV_ENC_ERR_INVALID_CALL";
    case NV_ENC_ERR_OUT_OF_MEMORY: return "NV_ENC_ERR_OUT_OF_MEMORY";
    case NV_ENC_ERR_ENCODER_NOT_INITIALIZED: return "NV_ENC_ERR_ENCODER_NOT_INITIALIZED";
    case NV_ENC_ERR_UNSUPPORTED_PARAM: return "NV_ENC_ERR_UNSUPPORTED_PARAM";
    case NV_ENC_ERR_LOCK_BUSY: return "NV_ENC_ERR_LOCK_BUSY";
    case NV_ENC_ERR_NOT_ENOUGH_BUFFER: return "NV_ENC_ERR_NOT_ENOUGH_BUFFER";
    case NV_ENC_ERR_INVALID_VERSION: return "NV_ENC_ERR_INVALID_VERSION";
    case NV_ENC_ERR_MAP_FAILED: return "NV_ENC_ERR_MAP_FAILED";
    case NV_ENC_ERR_NEED_MORE_INPUT: return "NV_ENC_ERR_NEED_MORE_INPUT";
    case NV_ENC_ERR_ENCODER_BUSY: return "NV_ENC_ERR_ENCODER_BUSY";
    case NV_ENC_ERR_EVENT_NOT_REGISTERD: return "NV_ENC_ERR_EVENT_NOT_REGISTERD";
    case NV_ENC_ERR_GENERIC: return "NV_ENC_ERR_GENERIC";
    case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: return "NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY";
    case NV_ENC_ERR_UNIMPLEMENTED: return "NV_ENC_ERR_UNIMPLEMENTED";
    case NV_ENC_ERR_RESOURCE_REGISTER_FAILED: return "NV_ENC_ERR_RESOURCE_REGISTER_FAILED";
    case NV_ENC_ERR_RESOURCE_NOT_REGISTERED: return "NV_ENC_ERR_RESOURCE_NOT_REGISTERED";
    case NV_ENC_ERR_RESOURCE_NOT_MAPPED: return "NV_ENC_ERR_RESOURCE_NOT_MAPPED";
    }
    return "unknown NVENCSTATUS";
}

void nvenc_driver_too_old(uint32_t driver_api, char *err, size_t err_size)
{
    snprintf(err, err_size,
             "NVIDIA driver too old: it supports NVENC API %u.%u, hwenc needs NVENC API %d.%d; "
             "install NVIDIA Linux driver " NVENC_MIN_LINUX_DRIVER " or newer",
             driver_api >> 4, driver_api & 15, NVENCAPI_MAJOR_VERSION, NVENCAPI_MINOR_VERSION);
}

static const char *advice(NVENCSTATUS status, int opening, int *error)
{
    switch (status) {
    case NV_ENC_ERR_OUT_OF_MEMORY:
    case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY:
        /* On open, both mean the driver refused one more session; later,
         * OUT_OF_MEMORY is just that. */
        if (!opening)
            return status == NV_ENC_ERR_OUT_OF_MEMORY ? "NVENC ran out of memory" : NULL;
        *error = HWENC_EBACKEND;
        return "NVENC session limit reached: consumer GeForce cards allow a limited number of concurrent "
               "encode sessions; close other encoders (or use a professional GPU)";
    case NV_ENC_ERR_NO_ENCODE_DEVICE:
        *error = HWENC_EUNSUPPORTED;
        return "no encode-capable NVIDIA GPU: this GPU has no NVENC engine";
    case NV_ENC_ERR_UNSUPPORTED_DEVICE:
        *error = HWENC_EUNSUPPORTED;
        return "unsupported device: this GPU or its driver cannot encode with NVENC";
    case NV_ENC_ERR_DEVICE_NOT_EXIST:
        *error = HWENC_EDEVICE_LOST;
        return "the GPU is gone (removed or reset)";
    default:
        return NULL;
    }
}

int nvenc_report(const nvenc_lib *lib, void *encoder, NVENCSTATUS status, const char *what, char *err,
                 size_t err_size)
{
    int error = HWENC_EBACKEND;
    if (status == NV_ENC_ERR_INVALID_VERSION) {
        /* The driver does not know the struct versions of the compiled API. */
        uint32_t compiled = NVENCAPI_MAJOR_VERSION << 4 | NVENCAPI_MINOR_VERSION;
        if (lib->driver_api && lib->driver_api < compiled)
            nvenc_driver_too_old(lib->driver_api, err, err_size);
        else
            snprintf(err, err_size,
                     "%s failed with NV_ENC_ERR_INVALID_VERSION: the NVIDIA driver rejects NVENC API %d.%d; "
                     "install NVIDIA Linux driver " NVENC_MIN_LINUX_DRIVER " or newer",
                     what, NVENCAPI_MAJOR_VERSION, NVENCAPI_MINOR_VERSION);
        return HWENC_EUNSUPPORTED;
    }
    const char *text = advice(status, !strcmp(what, "nvEncOpenEncodeSessionEx"), &error);
    const char *driver = NULL;
    if (encoder && lib->nv.nvEncGetLastErrorString)
        driver = lib->nv.nvEncGetLastErrorString(encoder);
    if (text)
        snprintf(err, err_size, "%s (%s failed with %s)", text, what, nvenc_status_name(status));
    else
        snprintf(err, err_size, "%s failed: %s%s%s", what, nvenc_status_name(status),
                 driver && *driver ? ": " : "", driver && *driver ? driver : "");
    if (status == NV_ENC_ERR_INVALID_PARAM || status == NV_ENC_ERR_UNSUPPORTED_PARAM)
        error = HWENC_EUNSUPPORTED;
    return error;
}
