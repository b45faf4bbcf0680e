/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stdio.h>

#include "hw/core/log.h"

int hal_log_wants(const hwenc_config *cfg, enum hwenc_log_level level)
{
    return cfg && cfg->log_callback && level <= cfg->log_level;
}

void hal_log(const hwenc_config *cfg, enum hwenc_log_level level, const char *fmt, ...)
{
    if (!hal_log_wants(cfg, level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cfg->log_callback(cfg->log_opaque, level, msg);
}
