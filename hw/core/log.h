/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The library's messages (hwenc_config.log_callback): formatted only when
 * the callback is set and wants the level, and never printed otherwise.
 * The configuration carries the callback, so every layer that has the
 * configuration (the core, each backend's session) can speak; there is no
 * global logger.
 */
#ifndef HWENC_CORE_LOG_H
#define HWENC_CORE_LOG_H

#include "hwenc/hwenc.h"

/* Whether a message of this level would reach the callback. */
int hal_log_wants(const hwenc_config *cfg, enum hwenc_log_level level);

void hal_log(const hwenc_config *cfg, enum hwenc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
