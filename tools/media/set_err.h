/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The error message helper of the media module's files (video_io.c
 * defines it): formats into err, which may be NULL or of size 0.
 */
#ifndef HWENC_MEDIA_SET_ERR_H
#define HWENC_MEDIA_SET_ERR_H

#include <stddef.h>

void media_set_err(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
