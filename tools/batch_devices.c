/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The devices a batch spreads its encodes over, found by the library's own
 * probe (hwenc_probe) on each candidate: every render node for VA-API and
 * Vulkan, and CUDA device indices from 0 for NVENC until one is missing.
 * Without a hardware device the batch runs on the CPU.
 *
 * Session limits. GeForce and TITAN cards refuse NVENC sessions beyond a
 * limit set by the driver branch: 3 up to R525, 5 from R530, 8 from R550
 * (NVIDIA, "Video Encode and Decode GPU Support Matrix", the consumer
 * cards' "max # of concurrent sessions"); professional cards have none.
 * The limit is the system's, whatever the number of cards ("regardless of
 * the count of the cards installed", Wikipedia "Nvidia NVENC"; a system
 * with two GTX 690s got two sessions in all on NVIDIA's developer forum,
 * "Session count limitation for NVENC"), so the GeForce devices share it.
 * The driver reports an extra session as NV_ENC_ERR_OUT_OF_MEMORY from
 * nvEncOpenEncodeSessionEx (FFmpeg's nvenc.c tells its users that this
 * is the session limit). The probe gives the CUDA version of the driver,
 * and the CUDA release notes ("CUDA Toolkit and Corresponding Driver
 * Versions") tie it to the branch: CUDA 12.1 came with R530, 12.4 with
 * R550. Other devices have no limit we know; --sessions-per-device sets
 * one for all, and a known limit is never exceeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/batch.h"

#define RENDER_NODE_FIRST 128
#define RENDER_NODE_LAST 191
#define CUDA_INDEX_LAST 15
/* --jobs by default: one encode per CPU batch (the CPU encoder already
 * uses every core), two per GPU without a known limit (one encodes while
 * the other's frames are read and written). */
#define DEFAULT_GPU_SESSIONS 2

static int nvenc_consumer_limit(const hwenc_backend_info *info, char *source, size_t size)
{
    int major, minor;
    const char *cuda = strstr(info->driver, "CUDA ");
    if (!strstr(info->device, "GeForce") && !strstr(info->device, "TITAN"))
        return 0;
    if (!cuda || sscanf(cuda, "CUDA %d.%d", &major, &minor) != 2)
        major = minor = 0; /* unknown driver: the oldest, strictest limit */
    int v = major * 100 + minor;
    int limit = v >= 1204 ? 8 : v >= 1201 ? 5 : 3;
    snprintf(source, size, "GeForce NVENC limit for a driver with CUDA %d.%d (%s): %d sessions", major, minor,
             v >= 1204 ? "R550 or later" : v >= 1201 ? "R530 to R545" : "R525 or earlier", limit);
    return limit;
}

/* Fills d from the probe of one candidate: the first available backend in
 * auto order that may serve it. Returns 1 if one was found. */
static int probe_device(const batch *b, const char *name, const enum hwenc_backend *allowed, batch_device *d,
                        char *why, size_t why_size)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.width = 1280;
    cfg.height = 720;
    cfg.device = name;
    hwenc_backend_info info[HWENC_BACKEND_COUNT];
    int n = hwenc_probe(&cfg, info, HWENC_BACKEND_COUNT);
    why[0] = 0;
    for (int i = 0; i < n; i++) {
        int wanted = b->opt.backend_given ? info[i].backend == b->opt.backend : 0;
        for (int a = 0; !b->opt.backend_given && allowed[a]; a++)
            wanted |= info[i].backend == allowed[a];
        if (!wanted)
            continue;
        if (!info[i].available) {
            size_t used = strlen(why);
            snprintf(why + used, why_size - used, "%s%s: %s", used ? "; " : "", hwenc_backend_name(info[i].backend),
                     info[i].reason);
            continue;
        }
        memset(d, 0, sizeof(*d));
        snprintf(d->name, sizeof(d->name), "%s", name);
        d->backend = info[i].backend;
        if (d->backend == HWENC_BACKEND_NVENC)
            d->sessions = nvenc_consumer_limit(&info[i], d->limit_source, sizeof(d->limit_source));
        d->geforce = d->sessions;
        return 1;
    }
    return 0;
}

static int add_device(batch *b, const batch_device *d)
{
    batch_device *devices = realloc(b->devices, (size_t)(b->device_count + 1) * sizeof(*devices));
    if (!devices) {
        fprintf(stderr, "hwenc batch: out of memory\n");
        return -1;
    }
    b->devices = devices;
    b->devices[b->device_count++] = *d;
    return 0;
}

static int find_all(batch *b)
{
    static const enum hwenc_backend render_node[] = { HWENC_BACKEND_VAAPI, HWENC_BACKEND_VULKAN, 0 };
    static const enum hwenc_backend cuda_index[] = { HWENC_BACKEND_NVENC, 0 };
    char name[64], why[1024];
    batch_device d;
    if (b->opt.backend_given && b->opt.backend == HWENC_BACKEND_CPU)
        return 0;
    for (int minor = RENDER_NODE_FIRST; minor <= RENDER_NODE_LAST; minor++) {
        struct stat sb;
        snprintf(name, sizeof(name), "/dev/dri/renderD%d", minor);
        if (stat(name, &sb) == 0 && probe_device(b, name, render_node, &d, why, sizeof(why)) && add_device(b, &d) < 0)
            return -1;
    }
    for (int index = 0; index <= CUDA_INDEX_LAST; index++) {
        snprintf(name, sizeof(name), "%d", index);
        if (!probe_device(b, name, cuda_index, &d, why, sizeof(why)))
            break;
        if (add_device(b, &d) < 0)
            return -1;
    }
    return 0;
}

/* --devices LIST: each entry must have a backend, or the batch stops. */
static int find_listed(batch *b)
{
    static const enum hwenc_backend any[] = { HWENC_BACKEND_VAAPI, HWENC_BACKEND_NVENC, HWENC_BACKEND_VULKAN, 0 };
    char *list = strdup(b->opt.devices), *save = NULL, why[1024];
    int ret = list ? 0 : -1;
    for (char *name = list ? strtok_r(list, ",", &save) : NULL; name && ret == 0; name = strtok_r(NULL, ",", &save)) {
        batch_device d = { .backend = HWENC_BACKEND_CPU };
        if (!strcmp(name, "cpu")) {
            ret = add_device(b, &d);
        } else if (!probe_device(b, name, any, &d, why, sizeof(why))) {
            fprintf(stderr, "hwenc batch: --devices %s: no backend can encode there (%s)\n", name,
                    why[0] ? why : "no such backend");
            ret = -1;
        } else {
            ret = add_device(b, &d);
        }
    }
    free(list);
    return ret;
}

static int default_sessions(const batch_device *d)
{
    return d->sessions ? d->sessions : d->backend == HWENC_BACKEND_CPU ? 1 : DEFAULT_GPU_SESSIONS;
}

static void apply_limits(batch *b)
{
    int cap = b->opt.sessions_per_device, jobs = 0, geforce_jobs = 0;
    for (int i = 0; i < b->device_count; i++) {
        batch_device *d = &b->devices[i];
        if (cap && (!d->sessions || cap < d->sessions)) {
            d->sessions = cap;
            snprintf(d->limit_source, sizeof(d->limit_source), "--sessions-per-device %d", cap);
        } else if (cap && cap > d->sessions && !b->opt.quiet) {
            fprintf(stderr, "hwenc batch: device %s: --sessions-per-device %d is above the %s\n", d->name, cap,
                    d->limit_source);
        }
        if (d->geforce && (!b->geforce_limit || d->geforce < b->geforce_limit))
            b->geforce_limit = d->geforce;
        if (d->geforce)
            geforce_jobs += default_sessions(d);
        else
            jobs += default_sessions(d);
    }
    if (!b->opt.jobs)
        b->opt.jobs = jobs + (geforce_jobs < b->geforce_limit ? geforce_jobs : b->geforce_limit);
}

int batch_find_devices(batch *b)
{
    if ((b->opt.devices && strcmp(b->opt.devices, "all") ? find_listed(b) : find_all(b)) < 0)
        return -1;
    if (!b->device_count) {
        batch_device cpu = { .backend = HWENC_BACKEND_CPU };
        if (b->opt.backend_given && b->opt.backend != HWENC_BACKEND_CPU && b->opt.backend != HWENC_BACKEND_AUTO) {
            fprintf(stderr, "hwenc batch: --backend %s: no device has it (hwenc list-backends says why)\n",
                    hwenc_backend_name(b->opt.backend));
            return -1;
        }
        if (add_device(b, &cpu) < 0)
            return -1;
    }
    apply_limits(b);
    return 0;
}
