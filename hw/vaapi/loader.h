/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * libva, loaded at run time. One hwenc binary must run on machines without
 * VA-API, so nothing links libva: the backend dlopen()s libva.so.2 and
 * libva-drm.so.2 and resolves exactly the entry points listed here. The
 * pointer types come from the libva headers themselves, so a signature
 * cannot drift from the real one.
 */
#ifndef HWENC_VAAPI_LOADER_H
#define HWENC_VAAPI_LOADER_H

#include <stddef.h>

#include <va/va.h>
#include <va/va_drm.h>

#define VA_API_FUNCS(X)            \
    X(vaErrorStr)                  \
    X(vaSetErrorCallback)          \
    X(vaSetInfoCallback)           \
    X(vaInitialize)                \
    X(vaTerminate)                 \
    X(vaQueryVendorString)         \
    X(vaMaxNumProfiles)            \
    X(vaMaxNumEntrypoints)         \
    X(vaMaxNumImageFormats)        \
    X(vaQueryConfigProfiles)       \
    X(vaQueryConfigEntrypoints)    \
    X(vaGetConfigAttributes)       \
    X(vaQueryImageFormats)         \
    X(vaCreateConfig)              \
    X(vaDestroyConfig)             \
    X(vaCreateSurfaces)            \
    X(vaDestroySurfaces)           \
    X(vaCreateContext)             \
    X(vaDestroyContext)            \
    X(vaCreateBuffer)              \
    X(vaDestroyBuffer)             \
    X(vaMapBuffer)                 \
    X(vaUnmapBuffer)               \
    X(vaDeriveImage)               \
    X(vaCreateImage)               \
    X(vaPutImage)                  \
    X(vaDestroyImage)              \
    X(vaBeginPicture)              \
    X(vaRenderPicture)             \
    X(vaEndPicture)                \
    X(vaSyncSurface)

typedef struct va_api {
    void *libva;
    void *libva_drm;
#define VA_API_POINTER(name) __typeof__(name) *name;
    VA_API_FUNCS(VA_API_POINTER)
#undef VA_API_POINTER
    __typeof__(vaGetDisplayDRM) *vaGetDisplayDRM;
    /* VA-API 1.9 (libva 2.9), NULL when libva is older: the wait for one
     * coded buffer that pipelined encoding uses where the driver has it. */
    VAStatus (*vaSyncBuffer)(VADisplay dpy, VABufferID buf_id, uint64_t timeout_ns);
} va_api;

/* Returns 0, or HWENC_EUNSUPPORTED with a reason in err (which library or
 * symbol is missing). On failure nothing stays loaded. */
int va_api_load(va_api *va, char *err, size_t err_size);
void va_api_unload(va_api *va);

#endif
