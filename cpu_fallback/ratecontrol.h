/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Rate control of the CPU backend: it chooses each picture's QP.
 */
#ifndef HWENC_CPU_RATECONTROL_H
#define HWENC_CPU_RATECONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "hwenc/hwenc.h"

typedef struct ratecontrol {
    enum hwenc_rate_control mode;
    int qp;
} ratecontrol;

int ratecontrol_init(ratecontrol *rc, const hwenc_config *cfg, char *err, size_t err_size);
int ratecontrol_picture_qp(ratecontrol *rc, enum hwenc_frame_type type);

#endif
