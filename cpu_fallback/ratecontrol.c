/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>

#include "ratecontrol.h"

int ratecontrol_init(ratecontrol *rc, const hwenc_config *cfg, char *err, size_t err_size)
{
    rc->mode = cfg->rc_mode;
    rc->qp = cfg->qp;
    if (cfg->rc_mode != HWENC_RC_CQP) {
        snprintf(err, err_size, "the CPU backend supports only constant QP (rc mode CQP) in this version");
        return HWENC_EUNSUPPORTED;
    }
    return 0;
}

int ratecontrol_picture_qp(ratecontrol *rc, enum hwenc_frame_type type)
{
    (void)type;
    return rc->qp;
}
