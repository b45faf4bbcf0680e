/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * LD_PRELOAD shim for the VA-API tests. libva's vaGetDisplayDRM refuses a
 * descriptor that libdrm does not call a DRM node, and there is no GPU
 * here; so for the one file named by HWENCTEST_DRM_NODE (compared by
 * device and inode) this answers libdrm's node-type and version queries as
 * a render node of a kernel driver called "hwenctest". Every other
 * descriptor goes to the real libdrm. The backend under test opens the
 * file as it would open /dev/dri/renderD128 and never knows.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xf86drm.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

static int is_test_node(int fd)
{
    const char *path = getenv("HWENCTEST_DRM_NODE");
    struct stat a, b;
    if (!path || !*path || fd < 0 || fstat(fd, &a) < 0 || stat(path, &b) < 0)
        return 0;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

SHIM_EXPORT int drmGetNodeTypeFromFd(int fd);
SHIM_EXPORT int drmGetNodeTypeFromFd(int fd)
{
    if (is_test_node(fd))
        return DRM_NODE_RENDER;
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "drmGetNodeTypeFromFd");
    return real ? real(fd) : -1;
}

static char *dup_string(const char *s, int *len)
{
    *len = (int)strlen(s);
    return strdup(s);
}

/* Allocated as libdrm does (malloc'd strings, drmFreeVersion frees them
 * with free), so the real drmFreeVersion releases it. */
SHIM_EXPORT drmVersionPtr drmGetVersion(int fd);
SHIM_EXPORT drmVersionPtr drmGetVersion(int fd)
{
    if (!is_test_node(fd)) {
        drmVersionPtr (*real)(int) = (drmVersionPtr (*)(int))dlsym(RTLD_NEXT, "drmGetVersion");
        return real ? real(fd) : NULL;
    }
    drmVersionPtr v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->version_major = 1;
    v->name = dup_string("hwenctest", &v->name_len);
    v->date = dup_string("20260101", &v->date_len);
    v->desc = dup_string("hwenc test node", &v->desc_len);
    if (!v->name || !v->date || !v->desc) {
        free(v->name);
        free(v->date);
        free(v->desc);
        free(v);
        return NULL;
    }
    return v;
}
