/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A stand-in libcuda.so.1: the part of the CUDA driver API that hwenc's
 * NVENC backend and its tests use, on host memory. It checks the contract
 * as the real driver would fail it (cuInit first, valid devices and
 * contexts, a current context for memory calls, balanced push/pop) and
 * reports leaked contexts and allocations when it is unloaded, failing the
 * process.
 *
 * The CUDA driver keeps per-process state (initialisation, contexts,
 * allocations) and a per-thread context stack; so does this stand-in, in
 * the globals below. Everything is guarded by one mutex.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "standin.h"

/* The exported API, declared through the header's function types so that a
 * signature cannot drift from what the backend calls. */
tcuInit cuInit;
tcuDeviceGetCount cuDeviceGetCount;
tcuDeviceGet cuDeviceGet;
tcuDeviceGetName cuDeviceGetName;
tcuDeviceGetAttribute cuDeviceGetAttribute;
tcuCtxCreate_v2 cuCtxCreate_v2;
tcuCtxDestroy_v2 cuCtxDestroy_v2;
tcuCtxPushCurrent_v2 cuCtxPushCurrent_v2;
tcuCtxPopCurrent_v2 cuCtxPopCurrent_v2;
tcuCtxGetDevice cuCtxGetDevice;
tcuMemAlloc_v2 cuMemAlloc_v2;
tcuMemAllocPitch_v2 cuMemAllocPitch_v2;
tcuMemFree_v2 cuMemFree_v2;
tcuMemcpyHtoD_v2 cuMemcpyHtoD_v2;
tcuMemcpyDtoH_v2 cuMemcpyDtoH_v2;
CUresult cuDriverGetVersion(int *version);
CUresult cuCtxGetCurrent(CUcontext *pctx);

/* CUresult values of the CUDA driver API (the header names only a few). */
#define ERR_INVALID_VALUE ((CUresult)1)
#define ERR_OUT_OF_MEMORY ((CUresult)2)
#define ERR_NOT_INITIALIZED ((CUresult)3)
#define ERR_NO_DEVICE ((CUresult)100)
#define ERR_INVALID_DEVICE ((CUresult)101)
#define ERR_INVALID_CONTEXT ((CUresult)201)

#define MAX_CONTEXTS 64
#define STACK_DEPTH 16

typedef struct allocation {
    CUdeviceptr ptr;
    size_t size;
    struct allocation *next;
} allocation;

struct CUctx_st {
    CUdevice device;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int initialized;
static int violations;
static CUcontext contexts[MAX_CONTEXTS];
static allocation *allocations;
static _Thread_local CUcontext stack[STACK_DEPTH];
static _Thread_local int depth;

static void violation(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "libcuda stand-in: CONTRACT VIOLATION: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    violations++;
}

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

static void compute_capability(int *major, int *minor)
{
    const char *v = getenv("HWENC_FAKE_CUDA_CC");
    *major = 8;
    *minor = 6;
    if (v && *v && sscanf(v, "%d.%d", major, minor) < 1)
        *major = 8;
}

static int context_index(CUcontext ctx)
{
    for (int i = 0; ctx && i < MAX_CONTEXTS; i++)
        if (contexts[i] == ctx)
            return i;
    return -1;
}

static CUresult check_device(CUdevice dev)
{
    if (!initialized)
        return ERR_NOT_INITIALIZED;
    return dev >= 0 && dev < env_int("HWENC_FAKE_CUDA_DEVICES", 1) ? CUDA_SUCCESS : ERR_INVALID_DEVICE;
}

/* Memory calls need cuInit and a current context. */
static CUresult check_current(const char *what)
{
    if (!initialized)
        return ERR_NOT_INITIALIZED;
    if (!depth || context_index(stack[depth - 1]) < 0) {
        violation("%s without a current CUDA context", what);
        return ERR_INVALID_CONTEXT;
    }
    return CUDA_SUCCESS;
}

CUresult cuInit(unsigned int flags)
{
    if (flags) {
        violation("cuInit flags must be 0");
        return ERR_INVALID_VALUE;
    }
    if (env_int("HWENC_FAKE_CUDA_DEVICES", 1) <= 0)
        return ERR_NO_DEVICE;  /* what the real driver does without a GPU */
    pthread_mutex_lock(&lock);
    initialized = 1;
    pthread_mutex_unlock(&lock);
    return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int *version)
{
    if (!version)
        return ERR_INVALID_VALUE;
    *version = 12020;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count)
{
    if (!initialized)
        return ERR_NOT_INITIALIZED;
    *count = env_int("HWENC_FAKE_CUDA_DEVICES", 1);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal)
{
    CUresult r = check_device(ordinal);
    if (r == CUDA_SUCCESS)
        *device = ordinal;
    return r;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
{
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    if (!name || len <= 0)
        return ERR_INVALID_VALUE;
    snprintf(name, (size_t)len, "hwenc stand-in GPU %d", dev);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute attrib, CUdevice dev)
{
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    int major, minor;
    compute_capability(&major, &minor);
    switch (attrib) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = major; return CUDA_SUCCESS;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = minor; return CUDA_SUCCESS;
    default: return ERR_INVALID_VALUE;
    }
}

CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    (void)flags;
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    if (depth == STACK_DEPTH)
        return ERR_OUT_OF_MEMORY;
    CUcontext ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return ERR_OUT_OF_MEMORY;
    ctx->device = dev;
    pthread_mutex_lock(&lock);
    int slot = -1;
    for (int i = 0; i < MAX_CONTEXTS && slot < 0; i++)
        if (!contexts[i])
            slot = i;
    if (slot >= 0)
        contexts[slot] = ctx;
    pthread_mutex_unlock(&lock);
    if (slot < 0) {
        free(ctx);
        return ERR_OUT_OF_MEMORY;
    }
    /* A new context is pushed on the calling thread's stack. */
    stack[depth++] = ctx;
    *pctx = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxDestroy_v2(CUcontext ctx)
{
    pthread_mutex_lock(&lock);
    int i = context_index(ctx);
    if (i >= 0)
        contexts[i] = NULL;
    pthread_mutex_unlock(&lock);
    if (i < 0) {
        violation("cuCtxDestroy of an unknown context %p", (void *)ctx);
        return ERR_INVALID_CONTEXT;
    }
    for (int d = 0; d < depth; d++)
        if (stack[d] == ctx)
            violation("cuCtxDestroy of a context still on this thread's stack (pushed and not popped)");
    free(ctx);
    return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent_v2(CUcontext ctx)
{
    if (context_index(ctx) < 0) {
        violation("cuCtxPushCurrent of an unknown context %p", (void *)ctx);
        return ERR_INVALID_CONTEXT;
    }
    if (depth == STACK_DEPTH) {
        violation("context stack overflow: more than %d pushes without pops", STACK_DEPTH);
        return ERR_OUT_OF_MEMORY;
    }
    stack[depth++] = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent_v2(CUcontext *pctx)
{
    if (!depth) {
        violation("cuCtxPopCurrent with no context pushed");
        return ERR_INVALID_CONTEXT;
    }
    CUcontext ctx = stack[--depth];
    if (pctx)
        *pctx = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext *pctx)
{
    *pctx = depth ? stack[depth - 1] : NULL;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetDevice(CUdevice *device)
{
    if (!depth) {
        violation("cuCtxGetDevice without a current context");
        return ERR_INVALID_CONTEXT;
    }
    *device = stack[depth - 1]->device;
    return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t size)
{
    CUresult r = check_current("cuMemAlloc");
    if (r != CUDA_SUCCESS)
        return r;
    allocation *a = calloc(1, sizeof(*a));
    void *mem = malloc(size ? size : 1);
    if (!a || !mem) {
        free(a);
        free(mem);
        return ERR_OUT_OF_MEMORY;
    }
    a->ptr = (CUdeviceptr)(uintptr_t)mem;
    a->size = size;
    pthread_mutex_lock(&lock);
    a->next = allocations;
    allocations = a;
    pthread_mutex_unlock(&lock);
    *dptr = a->ptr;
    return CUDA_SUCCESS;
}

CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pitch, size_t width, size_t height, unsigned int elem)
{
    (void)elem;
    *pitch = (width + 511) & ~(size_t)511;
    return cuMemAlloc_v2(dptr, *pitch * height);
}

CUresult cuMemFree_v2(CUdeviceptr ptr)
{
    CUresult r = check_current("cuMemFree");
    if (r != CUDA_SUCCESS)
        return r;
    pthread_mutex_lock(&lock);
    allocation **p = &allocations;
    while (*p && (*p)->ptr != ptr)
        p = &(*p)->next;
    allocation *a = *p;
    if (a)
        *p = a->next;
    pthread_mutex_unlock(&lock);
    if (!a) {
        violation("cuMemFree of 0x%llx, which is not an allocation", (unsigned long long)ptr);
        return ERR_INVALID_VALUE;
    }
    free((void *)(uintptr_t)a->ptr);
    free(a);
    return CUDA_SUCCESS;
}

int hwenc_standin_cuda_range_valid(CUdeviceptr ptr, size_t size)
{
    int ok = 0;
    pthread_mutex_lock(&lock);
    for (allocation *a = allocations; a && !ok; a = a->next)
        ok = ptr >= a->ptr && ptr - a->ptr <= a->size && size <= a->size - (ptr - a->ptr);
    pthread_mutex_unlock(&lock);
    return ok;
}

int hwenc_standin_cuda_context_valid(CUcontext ctx)
{
    pthread_mutex_lock(&lock);
    int ok = context_index(ctx) >= 0;
    pthread_mutex_unlock(&lock);
    return ok;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t size)
{
    CUresult r = check_current("cuMemcpyHtoD");
    if (r != CUDA_SUCCESS)
        return r;
    if (!hwenc_standin_cuda_range_valid(dst, size)) {
        violation("cuMemcpyHtoD to 0x%llx (+%zu) outside every allocation", (unsigned long long)dst, size);
        return ERR_INVALID_VALUE;
    }
    memcpy((void *)(uintptr_t)dst, src, size);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t size)
{
    CUresult r = check_current("cuMemcpyDtoH");
    if (r != CUDA_SUCCESS)
        return r;
    if (!hwenc_standin_cuda_range_valid(src, size)) {
        violation("cuMemcpyDtoH from 0x%llx (+%zu) outside every allocation", (unsigned long long)src, size);
        return ERR_INVALID_VALUE;
    }
    memcpy(dst, (const void *)(uintptr_t)src, size);
    return CUDA_SUCCESS;
}

/* At unload (process exit, or dlclose of the last reference): everything
 * must have been given back. A leak fails the process loudly. */
__attribute__((destructor)) static void report_leaks(void)
{
    int leaks = 0;
    for (int i = 0; i < MAX_CONTEXTS; i++)
        if (contexts[i]) {
            fprintf(stderr, "libcuda stand-in: LEAK: context %p was never destroyed\n", (void *)contexts[i]);
            leaks++;
        }
    for (allocation *a = allocations; a; a = a->next) {
        fprintf(stderr, "libcuda stand-in: LEAK: %zu bytes at 0x%llx were never freed\n", a->size,
                (unsigned long long)a->ptr);
        leaks++;
    }
    if (leaks || violations) {
        fprintf(stderr, "libcuda stand-in: %d leak(s), %d contract violation(s): failing the process\n", leaks,
                violations);
        _exit(3);
    }
}
