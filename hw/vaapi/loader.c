/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "hwenc/hwenc.h"
#include "hw/vaapi/loader.h"

static void *load_symbol(void *lib, const char *name, const char *lib_name, char *err, size_t err_size)
{
    void *sym = dlsym(lib, name);
    if (!sym)
        snprintf(err, err_size, "%s has no %s: libva is older than 2.0 (VA-API 1.0); install libva 2.x", lib_name,
                 name);
    return sym;
}

int va_api_load(va_api *va, char *err, size_t err_size)
{
    void *sym;
    memset(va, 0, sizeof(*va));
    /* RTLD_LOCAL: libva's symbols stay out of the global namespace, and an
     * application that already loaded libva gets the same instance, so an
     * external VADisplay is valid here too. */
    va->libva = dlopen("libva.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!va->libva) {
        snprintf(err, err_size, "libva.so.2 not found (install the VA-API runtime, e.g. Debian's libva2 and libva-drm2): %s",
                 dlerror());
        goto fail;
    }
    va->libva_drm = dlopen("libva-drm.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!va->libva_drm) {
        snprintf(err, err_size, "libva-drm.so.2 not found (install Debian's libva-drm2 or your distribution's libva): %s",
                 dlerror());
        goto fail;
    }
#define VA_API_RESOLVE(name)                                                        \
    sym = load_symbol(va->libva, #name, "libva.so.2", err, err_size);               \
    if (!sym)                                                                        \
        goto fail;                                                                   \
    va->name = (__typeof__(va->name))sym;
    VA_API_FUNCS(VA_API_RESOLVE)
#undef VA_API_RESOLVE
    sym = load_symbol(va->libva_drm, "vaGetDisplayDRM", "libva-drm.so.2", err, err_size);
    if (!sym)
        goto fail;
    va->vaGetDisplayDRM = (__typeof__(va->vaGetDisplayDRM))sym;
    va->vaSyncBuffer = (__typeof__(va->vaSyncBuffer))dlsym(va->libva, "vaSyncBuffer");
    return 0;
fail:
    va_api_unload(va);
    return HWENC_EUNSUPPORTED;
}

void va_api_unload(va_api *va)
{
    if (va->libva_drm)
        dlclose(va->libva_drm);
    if (va->libva)
        dlclose(va->libva);
    memset(va, 0, sizeof(*va));
}
