/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The test encode `auto` runs before it trusts a hardware backend (and
 * hwenc_test_encode runs on request): a few small frames through the
 * public API with the backend chosen explicitly, so every packet passes
 * packet_check.h, and exactly one packet per frame must come back.
 */
#ifndef HWENC_HAL_TEST_ENCODE_H
#define HWENC_HAL_TEST_ENCODE_H

#include <stddef.h>

#include "hwenc/hwenc.h"

#define TEST_ENCODE_SIZE 256

/* cfg must be valid (config_validate). Returns 0 with what was coded in
 * report, or a negative hwenc_error with the reason in report. */
int test_encode_run(const hwenc_config *cfg, enum hwenc_backend backend, char *report, size_t report_size);

#endif
