/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * What the VA-API backend offers beyond the hal_backend vtable.
 */
#ifndef HWENC_VAAPI_BACKEND_H
#define HWENC_VAAPI_BACKEND_H

#include <stddef.h>

#include "hwenc/hwenc.h"

/*
 * New bitrate and VBV settings for an open VA-API session (priv from
 * hal_backend_vaapi.open), taken from cfg's rc_mode, bitrate_kbps,
 * vbv_maxrate_kbps and vbv_bufsize_kbits; the other fields are ignored.
 * The rate-control, HRD and frame-rate buffers go to the driver with the
 * next picture, with the reset flag set. Returns 0, HWENC_EINVAL (a
 * different rc_mode than at open, CQP/CRF, or invalid rates) or
 * HWENC_EUNSUPPORTED, with a reason in err.
 */
int vaapi_reconfigure(void *priv, const hwenc_config *cfg, char *err, size_t err_size);

#endif
