/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"

#include "bench/encoders.h"

const char *const bench_default_encoders[] = {
    "vaapi", "nvenc", "vulkan", "cpu",
#if HWBENCH_WITH_X264
    "x264:ultrafast", "x264:superfast",
#endif
#if HWBENCH_HAVE_OPENH264
    "openh264",
#endif
    NULL
};

static int set_def(bench_encoder_def *def, const bench_encoder_ops *ops, const char *name,
                   const char *arg, int x264_presets)
{
    if (strlen(name) >= sizeof(def->name) || strlen(arg) >= sizeof(def->arg))
        return -1;
    def->ops = ops;
    def->x264_presets = x264_presets;
    snprintf(def->name, sizeof(def->name), "%s", name);
    snprintf(def->arg, sizeof(def->arg), "%s", arg);
    return 0;
}

int bench_encoder_lookup(const char *name, bench_encoder_def *def, char *err, size_t size)
{
    int backend = hwenc_backend_from_name(name);
    int ret = -1;

    memset(def, 0, sizeof(*def));
    if (backend > HWENC_BACKEND_AUTO && backend < HWENC_BACKEND_COUNT)
        ret = set_def(def, &bench_enc_hwenc_ops, name, name, 1);
    else if (!strncmp(name, "lavc:", 5) && name[5])
        ret = set_def(def, &bench_enc_lavc_ops, name, name + 5, !strcmp(name + 5, "libx264"));
#if HWBENCH_WITH_X264
    else if (!strcmp(name, "x264"))
        ret = set_def(def, &bench_enc_lavc_ops, name, "libx264", 1);
#endif
#if HWBENCH_HAVE_OPENH264
    else if (!strcmp(name, "openh264"))
        ret = set_def(def, &bench_enc_openh264_ops, name, "", 0);
#else
    else if (!strcmp(name, "openh264")) {
        snprintf(err, size, "hwbench was built without OpenH264 (install libopenh264-dev and rebuild)");
        return -1;
    }
#endif
    if (ret < 0)
        snprintf(err, size,
                 "unknown encoder \"%s\"; known: vaapi, nvenc, vulkan, cpu, x264, openh264, "
                 "lavc:<libavcodec encoder>",
                 name);
    return ret;
}
