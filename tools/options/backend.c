/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Options of `hwenc encode`: which backend and device, and failover.
 */
#include <getopt.h>

#include "tools/options/options.h"

static int set_backend(cli_options *o, const char *arg)
{
    int v = hwenc_backend_from_name(arg);
    if (v < 0) {
        fprintf(stderr, "hwenc: unknown backend '%s' (auto, vaapi, nvenc, vulkan, cpu)\n", arg);
        return -1;
    }
    o->cfg.backend = (enum hwenc_backend)v;
    return 0;
}

static int set_device(cli_options *o, const char *arg)
{
    o->cfg.device = arg;
    return 0;
}

static int set_failover(cli_options *o, const char *arg)
{
    int v = arg ? hwenc_backend_from_name(arg) : HWENC_BACKEND_AUTO;
    if (v < 0) {
        fprintf(stderr, "hwenc: unknown backend '%s' for --failover (auto, vaapi, nvenc, vulkan, cpu)\n", arg);
        return -1;
    }
    o->cfg.failover = 1;
    o->cfg.failover_backend = (enum hwenc_backend)v;
    return 0;
}

static int set_cpu_mask(cli_options *o, const char *arg)
{
    o->cfg.cpu_level = arg;
    return 0;
}

static const cli_option options[] = {
    { "backend", 0, required_argument, set_backend },
    { "device", 0, required_argument, set_device },
    { "failover", 0, optional_argument, set_failover },
    { "cpu-mask", 0, required_argument, set_cpu_mask },
    { NULL, 0, 0, NULL },
};

const cli_option_topic cli_options_backend = {
    .options = options,
    .help = "backend:\n"
            "  --backend NAME        auto (default), vaapi, nvenc, vulkan, cpu\n"
            "  --device DEV          render node (/dev/dri/renderD128) or GPU index\n"
            "  --failover[=NAME]     if the backend fails mid-stream, go on with NAME (vaapi, nvenc,\n"
            "                        vulkan, cpu), then the backends after the failed one in auto\n"
            "                        order, from an IDR: no frame lost or repeated; each switch is\n"
            "                        reported on stderr\n"
            "  --cpu-mask LEVEL      highest SIMD level: c, sse2, ssse3, sse4.1, avx2, avx512\n",
};
