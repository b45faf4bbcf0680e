/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The commands that exist only in hwenc-media (they read containers):
 * `hwenc probe` (frames, rate and duration of any input, for planning
 * segments), `hwenc scenes` (where the encoder would cut scenes) and
 * `hwenc join` (segments into one output, media/join.h).
 * `hwenc` hands them to hwenc-media.
 */
#ifndef HWENC_TOOLS_MEDIA_CMDS_H
#define HWENC_TOOLS_MEDIA_CMDS_H

int cmd_probe(int argc, char **argv);
int cmd_join(int argc, char **argv);
int cmd_scenes(int argc, char **argv);

#endif
