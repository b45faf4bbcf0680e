/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Commands of `hwenc` that live in their own program, so that `hwenc`
 * itself loads no more than encoding needs: `hwenc validate` runs
 * hwenc-validate, which links libavcodec (whose dependencies, such as
 * libhwy, execute instructions valgrind cannot run when they load), and
 * `hwenc encode` with a container input or output runs hwenc-media, which
 * is hwenc with libavformat linked.
 */
#ifndef HWENC_TOOLS_HELPER_EXEC_H
#define HWENC_TOOLS_HELPER_EXEC_H

/* Runs the program called name that sits next to the running hwenc (else
 * the one on PATH) with argv[1..argc-1]; returns only on failure, with
 * the exit status to use after saying why. */
int exec_helper(const char *name, int argc, char **argv);

#endif
