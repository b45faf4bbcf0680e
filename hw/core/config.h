/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef HWENC_HAL_CONFIG_H
#define HWENC_HAL_CONFIG_H

#include <stddef.h>

#include "hwenc/hwenc.h"
#include "hw/h264/params.h"

#define QP_MAX_H264 51

/* Copies a caller's configuration into out. A caller built against an
 * older hwenc.h passes a smaller struct_size; the fields it does not know
 * get their defaults. Returns 0, or HWENC_EINVAL when struct_size is no
 * size hwenc_config has had. */
int config_import(const hwenc_config *in, hwenc_config *out, char *err, size_t err_size);

/* Returns 0, or HWENC_EINVAL with a message naming the option to change. */
int config_validate(const hwenc_config *cfg, char *err, size_t err_size);
/* Whether the stream uses CABAC and the 8x8 transform: what cfg asks for,
 * else what its preset uses (on the CPU; hardware: both), within what its
 * profile allows. */
void config_coding_tools(const hwenc_config *cfg, int hardware, int *cabac, int *transform_8x8);
/* The profile and tools cfg asks of a backend (hardware 1: any but the
 * CPU), Main at least with B frames. */
h264_tools config_h264_tools(const hwenc_config *cfg, int hardware, int bframes);

#endif
