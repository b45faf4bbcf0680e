/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef HWENC_HAL_REGISTRY_H
#define HWENC_HAL_REGISTRY_H

#include "hwenc/hwenc.h"

#define REGISTRY_BACKENDS (HWENC_BACKEND_COUNT - 1)

/* The order `auto` tries: VA-API, NVENC, Vulkan Video, CPU. */
extern const enum hwenc_backend registry_auto_order[REGISTRY_BACKENDS];

void registry_probe_one(enum hwenc_backend id, const hwenc_config *cfg, hwenc_backend_info *info);

#endif
