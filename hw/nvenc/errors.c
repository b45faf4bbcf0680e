/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * NVENC status codes in words users can act on. The four failures users
 * meet in practice get their own advice: the session limit of consumer
 * cards, a GPU without NVENC, a driver older than the API, and no GPU.
 */
#include <stdio.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

/* Indexed by status: the codes run from 0 without gaps. */
#define STATUS_NAME(status) [status] = #status
static const char *const status_names[] = {
    STATUS_NAME(NV_ENC_SUCCESS),
    STATUS_NAME(NV_ENC_ERR_NO_ENCODE_DEVICE),
    STATUS_NAME(NV_ENC_ERR_UNSUPPORTED_DEVICE),
    STATUS_NAME(NV_ENC_ERR_INVALID_ENCODERDEVICE),
    STATUS_NAME(NV_ENC_ERR_INVALID_DEVICE),
    STATUS_NAME(NV_ENC_ERR_DEVICE_NOT_EXIST),
    STATUS_NAME(NV_ENC_ERR_INVALID_PTR),
    STATUS_NAME(NV_ENC_ERR_INVALID_EVENT),
    STATUS_NAME(NV_ENC_ERR_INVALID_PARAM),
    STATUS_NAME(NV_ENC_ERR_INVALID_CALL),
    STATUS_NAME(NV_ENC_ERR_OUT_OF_MEMORY),
    STATUS_NAME(NV_ENC_ERR_ENCODER_NOT_INITIALIZED),
    STATUS_NAME(NV_ENC_ERR_UNSUPPORTED_PARAM),
    STATUS_NAME(NV_ENC_ERR_LOCK_BUSY),
    STATUS_NAME(NV_ENC_ERR_NOT_ENOUGH_BUFFER),
    STATUS_NAME(NV_ENC_ERR_INVALID_VERSION),
    STATUS_NAME(NV_ENC_ERR_MAP_FAILED),
    STATUS_NAME(NV_ENC_ERR_NEED_MORE_INPUT),
    STATUS_NAME(NV_ENC_ERR_ENCODER_BUSY),
    STATUS_NAME(NV_ENC_ERR_EVENT_NOT_REGISTERD),
    STATUS_NAME(NV_ENC_ERR_GENERIC),
    STATUS_NAME(NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY),
    STATUS_NAME(NV_ENC_ERR_UNIMPLEMENTED),
    STATUS_NAME(NV_ENC_ERR_RESOURCE_REGISTER_FAILED),
    STATUS_NAME(NV_ENC_ERR_RESOURCE_NOT_REGISTERED),
    STATUS_NAME(NV_ENC_ERR_RESOURCE_NOT_MAPPED),
};
#undef STATUS_NAME

const char *nvenc_status_name(NVENCSTATUS status)
{
    if ((unsigned)status < sizeof(status_names) / sizeof(*status_names) && status_names[status])
        return status_names[status];
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
