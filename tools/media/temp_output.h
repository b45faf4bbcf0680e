/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * An output file written under a hidden name beside its final one and
 * renamed only when complete, so that a failed or interrupted write (a
 * full disk, a crash) never leaves a file that looks complete. Beside it,
 * so that the rename stays within one file system. An existing path that
 * is not a regular file (/dev/null, a FIFO) is written directly: there is
 * nothing to rename over it.
 */
#ifndef HWENC_MEDIA_TEMP_OUTPUT_H
#define HWENC_MEDIA_TEMP_OUTPUT_H

#include <stddef.h>

/* Creates the temporary for path, with the mode fopen would give. Returns
 * its open descriptor and the malloc'ed name in *tmp_path; for a path
 * written directly, opens path itself (O_WRONLY|O_TRUNC) and sets *tmp_path
 * to NULL. On failure returns -1 with err naming path, its directory and
 * the reason. */
int temp_output_create(const char *path, char **tmp_path, char *err, size_t err_size);

#endif
