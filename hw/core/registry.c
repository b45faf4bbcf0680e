/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The backend registry and probing. Backends left out at configure time are
 * still reported, so `hwenc list-backends` tells users what they are missing.
 */
#include <stdio.h>
#include <string.h>

#include "hw/core/config.h"
#include "hw/core/hal.h"
#include "hw/core/registry.h"

const hal_backend *hal_backend_get(enum hwenc_backend id)
{
    switch (id) {
#ifdef HWENC_HAVE_VAAPI
    case HWENC_BACKEND_VAAPI: return &hal_backend_vaapi;
#endif
#ifdef HWENC_HAVE_NVENC
    case HWENC_BACKEND_NVENC: return &hal_backend_nvenc;
#endif
#ifdef HWENC_HAVE_VULKAN
    case HWENC_BACKEND_VULKAN: return &hal_backend_vulkan;
#endif
    case HWENC_BACKEND_CPU: return &hal_backend_cpu;
    default: return NULL;
    }
}

static const char *missing_package(enum hwenc_backend id)
{
    switch (id) {
    case HWENC_BACKEND_VAAPI: return "libva-dev and libdrm-dev";
    case HWENC_BACKEND_NVENC: return "libffmpeg-nvenc-dev (nv-codec-headers)";
    case HWENC_BACKEND_VULKAN: return "libvulkan-dev";
    default: return "nothing";
    }
}

void registry_probe_one(enum hwenc_backend id, const hwenc_config *cfg, hwenc_backend_info *info)
{
    memset(info, 0, sizeof(*info));
    info->backend = id;
    const hal_backend *b = hal_backend_get(id);
    if (!b) {
        snprintf(info->reason, sizeof(info->reason),
                 "not compiled in: this build of hwenc was configured without %s", missing_package(id));
        return;
    }
    info->compiled = 1;
    b->probe(cfg, info);
}

const enum hwenc_backend registry_auto_order[REGISTRY_BACKENDS] = {
    HWENC_BACKEND_VAAPI, HWENC_BACKEND_NVENC, HWENC_BACKEND_VULKAN, HWENC_BACKEND_CPU,
};

int hwenc_probe(const hwenc_config *cfg, hwenc_backend_info *info, int max)
{
    hwenc_config imported;
    char err[8];
    if (!cfg) {
        hwenc_config_default(&imported);
        imported.width = 1280;
        imported.height = 720;
    } else if (config_import(cfg, &imported, err, sizeof(err)) < 0) {
        return HWENC_EINVAL;
    }
    cfg = &imported;
    for (int i = 0; info && i < REGISTRY_BACKENDS && i < max; i++)
        registry_probe_one(registry_auto_order[i], cfg, &info[i]);
    return REGISTRY_BACKENDS;
}
