/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A stand-in libcuda.so.1: the part of the CUDA driver API that hwenc's
 * NVENC backend, its tests, and FFmpeg's h264_nvenc and hwupload_cuda use,
 * with device memory emulated in host memory (a CUdeviceptr is a host
 * address; copies are synchronous, so streams and events complete at once).
 * It exports every entry point the nv-codec-headers loader
 * (dynlink_loader.h, cuda_load_functions) requires; the ones nothing here
 * calls are in standin_cuda_unmodelled.c. It checks the contract as the
 * real driver would fail it (cuInit first, valid devices, contexts,
 * streams and events, a current context for memory calls, balanced
 * push/pop, copies inside allocations) and reports leaked contexts,
 * allocations and streams when it is unloaded, failing the process.
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

#include "tests/nvenc/standin.h"

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
tcuDeviceComputeCapability cuDeviceComputeCapability;
tcuDeviceGetUuid cuDeviceGetUuid;
tcuCtxSetLimit cuCtxSetLimit;
tcuMemAllocManaged cuMemAllocManaged;
tcuMemsetD8Async cuMemsetD8Async;
tcuMemcpy cuMemcpy;
tcuMemcpyAsync cuMemcpyAsync;
tcuMemcpy2D_v2 cuMemcpy2D_v2;
tcuMemcpy2DAsync_v2 cuMemcpy2DAsync_v2;
tcuMemcpyHtoDAsync_v2 cuMemcpyHtoDAsync_v2;
tcuMemcpyDtoHAsync_v2 cuMemcpyDtoHAsync_v2;
tcuMemcpyDtoD_v2 cuMemcpyDtoD_v2;
tcuMemcpyDtoDAsync_v2 cuMemcpyDtoDAsync_v2;
tcuGetErrorName cuGetErrorName;
tcuGetErrorString cuGetErrorString;
tcuDevicePrimaryCtxRetain cuDevicePrimaryCtxRetain;
tcuDevicePrimaryCtxRelease cuDevicePrimaryCtxRelease;
tcuDevicePrimaryCtxSetFlags cuDevicePrimaryCtxSetFlags;
tcuDevicePrimaryCtxGetState cuDevicePrimaryCtxGetState;
tcuDevicePrimaryCtxReset cuDevicePrimaryCtxReset;
tcuStreamCreate cuStreamCreate;
tcuStreamQuery cuStreamQuery;
tcuStreamSynchronize cuStreamSynchronize;
tcuStreamDestroy_v2 cuStreamDestroy_v2;
tcuStreamAddCallback cuStreamAddCallback;
tcuEventCreate cuEventCreate;
tcuEventDestroy_v2 cuEventDestroy_v2;
tcuEventSynchronize cuEventSynchronize;
tcuEventQuery cuEventQuery;
tcuEventRecord cuEventRecord;
CUresult cuDriverGetVersion(int *version);
CUresult cuCtxGetCurrent(CUcontext *pctx);

/* CUresult values of the CUDA driver API (the header names only a few). */
#define ERR_INVALID_VALUE ((CUresult)1)
#define ERR_OUT_OF_MEMORY ((CUresult)2)
#define ERR_NOT_INITIALIZED ((CUresult)3)
#define ERR_NO_DEVICE ((CUresult)100)
#define ERR_INVALID_DEVICE ((CUresult)101)
#define ERR_INVALID_CONTEXT ((CUresult)201)
#define ERR_PRIMARY_CONTEXT_ACTIVE ((CUresult)708)
#define ERR_INVALID_HANDLE ((CUresult)400)

#define MAX_CONTEXTS 64
#define MAX_HANDLES 256
#define MAX_DEVICES 8
#define STACK_DEPTH 16

typedef struct allocation {
    CUdeviceptr ptr;
    size_t size;
    struct allocation *next;
} allocation;

struct CUctx_st {
    CUdevice device;
    int primary;                 /* the device's primary context */
};

/* Streams and events need only an identity: every copy is synchronous. */
struct CUstream_st {
    CUcontext ctx;
};
struct CUevent_st {
    int recorded;
};

typedef struct primary_context {
    CUcontext ctx;
    int refs;
    unsigned flags;
} primary_context;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int initialized;
static int violations;
static CUcontext contexts[MAX_CONTEXTS];
static allocation *allocations;
static void *handles[MAX_HANDLES];   /* live streams and events */
static primary_context primaries[MAX_DEVICES];
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
    const standin_profile *p = standin_profile_get();
    *major = p->cc_major;
    *minor = p->cc_minor;
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
    *version = standin_profile_get()->cuda_version;
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
    snprintf(name, (size_t)len, "%s %d", standin_profile_get()->gpu, dev);
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
    /* 14, CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT (FFmpeg's hwcontext_cuda
     * aligns its frames to it): 512 bytes on every NVIDIA GPU since Fermi. */
    case 14: *value = 512; return CUDA_SUCCESS;
    default: return ERR_INVALID_VALUE;
    }
}

/* A new live context of dev; NULL when out of slots or memory. */
static CUcontext new_context(CUdevice dev, int primary)
{
    CUcontext ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    ctx->device = dev;
    ctx->primary = primary;
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
        return NULL;
    }
    return ctx;
}

static void free_context(CUcontext ctx)
{
    pthread_mutex_lock(&lock);
    int i = context_index(ctx);
    if (i >= 0)
        contexts[i] = NULL;
    pthread_mutex_unlock(&lock);
    free(ctx);
}

CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    (void)flags;
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    if (depth == STACK_DEPTH)
        return ERR_OUT_OF_MEMORY;
    CUcontext ctx = new_context(dev, 0);
    if (!ctx)
        return ERR_OUT_OF_MEMORY;
    /* A new context is pushed on the calling thread's stack. */
    stack[depth++] = ctx;
    *pctx = ctx;
    return CUDA_SUCCESS;
}

CUresult cuCtxDestroy_v2(CUcontext ctx)
{
    pthread_mutex_lock(&lock);
    int i = context_index(ctx);
    pthread_mutex_unlock(&lock);
    if (i < 0) {
        violation("cuCtxDestroy of an unknown context %p", (void *)ctx);
        return ERR_INVALID_CONTEXT;
    }
    if (ctx->primary) {
        violation("cuCtxDestroy of a primary context (release it with cuDevicePrimaryCtxRelease)");
        return ERR_INVALID_CONTEXT;
    }
    for (int d = 0; d < depth; d++)
        if (stack[d] == ctx)
            violation("cuCtxDestroy of a context still on this thread's stack (pushed and not popped)");
    free_context(ctx);
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

CUresult cuDeviceComputeCapability(int *major, int *minor, CUdevice dev)
{
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    if (!major || !minor)
        return ERR_INVALID_VALUE;
    compute_capability(major, minor);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev)
{
    CUresult r = check_device(dev);
    if (r != CUDA_SUCCESS)
        return r;
    memset(uuid, 0, sizeof(*uuid));
    uuid->bytes[0] = (char)(dev + 1);
    return CUDA_SUCCESS;
}

CUresult cuCtxSetLimit(CUlimit limit, size_t value)
{
    (void)limit;
    (void)value;
    return check_current("cuCtxSetLimit");
}

CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t size, unsigned int flags)
{
    (void)flags;
    return cuMemAlloc_v2(dptr, size);
}

/* ------------------------------------------------------------- copies */

static CUresult check_device_range(const char *what, CUdeviceptr ptr, size_t size)
{
    if (size && !hwenc_standin_cuda_range_valid(ptr, size)) {
        violation("%s: device range 0x%llx (+%zu) is outside every allocation", what, (unsigned long long)ptr,
                  size);
        return ERR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

/* Streams are this process's handles or 0, the default stream. */
static CUresult check_handle(const char *what, const void *h)
{
    if (!h)
        return CUDA_SUCCESS;
    int ok = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_HANDLES && !ok; i++)
        ok = handles[i] == h;
    pthread_mutex_unlock(&lock);
    if (!ok) {
        violation("%s: %p is not a live stream or event", what, h);
        return ERR_INVALID_HANDLE;
    }
    return CUDA_SUCCESS;
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t n, CUstream stream)
{
    CUresult r = check_current("cuMemsetD8Async");
    if (r == CUDA_SUCCESS)
        r = check_handle("cuMemsetD8Async", stream);
    if (r == CUDA_SUCCESS)
        r = check_device_range("cuMemsetD8Async", dst, n);
    if (r == CUDA_SUCCESS)
        memset((void *)(uintptr_t)dst, value, n);
    return r;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t size)
{
    CUresult r = check_current("cuMemcpyDtoD");
    if (r == CUDA_SUCCESS)
        r = check_device_range("cuMemcpyDtoD (source)", src, size);
    if (r == CUDA_SUCCESS)
        r = check_device_range("cuMemcpyDtoD (destination)", dst, size);
    if (r == CUDA_SUCCESS)
        memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, size);
    return r;
}

/* Unified addressing: device pointers and host pointers share one space. */
CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t size)
{
    CUresult r = check_current("cuMemcpy");
    if (r == CUDA_SUCCESS)
        memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, size);
    return r;
}

CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t size, CUstream stream)
{
    CUresult r = check_handle("cuMemcpyAsync", stream);
    return r == CUDA_SUCCESS ? cuMemcpy(dst, src, size) : r;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t size, CUstream stream)
{
    CUresult r = check_handle("cuMemcpyHtoDAsync", stream);
    return r == CUDA_SUCCESS ? cuMemcpyHtoD_v2(dst, src, size) : r;
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t size, CUstream stream)
{
    CUresult r = check_handle("cuMemcpyDtoHAsync", stream);
    return r == CUDA_SUCCESS ? cuMemcpyDtoH_v2(dst, src, size) : r;
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t size, CUstream stream)
{
    CUresult r = check_handle("cuMemcpyDtoDAsync", stream);
    return r == CUDA_SUCCESS ? cuMemcpyDtoD_v2(dst, src, size) : r;
}

/* One side of a 2D copy: its first byte, checked to lie (with every row)
 * inside an allocation when it is device memory. Arrays are not modelled. */
static CUresult copy_side(const char *what, CUmemorytype type, const void *host, CUdeviceptr device, size_t x,
                          size_t y, size_t pitch, size_t width, size_t height, uint8_t **out)
{
    if (pitch < width && height > 1) {
        violation("%s: pitch %zu is below the row width %zu", what, pitch, width);
        return ERR_INVALID_VALUE;
    }
    size_t offset = y * pitch + x, span = height ? (height - 1) * pitch + width : 0;
    switch (type) {
    case CU_MEMORYTYPE_HOST:
        if (!host)
            return ERR_INVALID_VALUE;
        *out = (uint8_t *)(uintptr_t)host + offset;
        return CUDA_SUCCESS;
    case CU_MEMORYTYPE_DEVICE: {
        CUresult r = check_device_range(what, device + offset, span);
        *out = (uint8_t *)(uintptr_t)(device + offset);
        return r;
    }
    default:
        violation("%s: memory type %d is not modelled by the stand-in (host and device only)", what, (int)type);
        return ERR_INVALID_VALUE;
    }
}

CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D *c)
{
    CUresult r = check_current("cuMemcpy2D");
    if (r != CUDA_SUCCESS)
        return r;
    uint8_t *src, *dst;
    if ((r = copy_side("cuMemcpy2D (source)", c->srcMemoryType, c->srcHost, c->srcDevice, c->srcXInBytes, c->srcY,
                       c->srcPitch, c->WidthInBytes, c->Height, &src)) != CUDA_SUCCESS ||
        (r = copy_side("cuMemcpy2D (destination)", c->dstMemoryType, c->dstHost, c->dstDevice, c->dstXInBytes,
                       c->dstY, c->dstPitch, c->WidthInBytes, c->Height, &dst)) != CUDA_SUCCESS)
        return r;
    for (size_t y = 0; y < c->Height; y++)
        memmove(dst + y * c->dstPitch, src + y * c->srcPitch, c->WidthInBytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D *c, CUstream stream)
{
    CUresult r = check_handle("cuMemcpy2DAsync", stream);
    return r == CUDA_SUCCESS ? cuMemcpy2D_v2(c) : r;
}

/* ------------------------------------------------- streams and events */

static CUresult new_handle(void *h)
{
    int slot = -1;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_HANDLES && slot < 0; i++)
        if (!handles[i])
            slot = i;
    if (slot >= 0)
        handles[slot] = h;
    pthread_mutex_unlock(&lock);
    return slot >= 0 ? CUDA_SUCCESS : ERR_OUT_OF_MEMORY;
}

static CUresult free_handle(const char *what, void *h)
{
    int found = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_HANDLES && !found; i++)
        if (h && handles[i] == h) {
            handles[i] = NULL;
            found = 1;
        }
    pthread_mutex_unlock(&lock);
    if (!found) {
        violation("%s of %p, which is not live", what, h);
        return ERR_INVALID_HANDLE;
    }
    free(h);
    return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream *stream, unsigned int flags)
{
    (void)flags;
    CUresult r = check_current("cuStreamCreate");
    if (r != CUDA_SUCCESS)
        return r;
    CUstream s = calloc(1, sizeof(*s));
    if (!s)
        return ERR_OUT_OF_MEMORY;
    s->ctx = stack[depth - 1];
    if ((r = new_handle(s)) != CUDA_SUCCESS) {
        free(s);
        return r;
    }
    *stream = s;
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream)
{
    return free_handle("cuStreamDestroy", stream);
}

CUresult cuStreamQuery(CUstream stream)
{
    return check_handle("cuStreamQuery", stream);
}

CUresult cuStreamSynchronize(CUstream stream)
{
    return check_handle("cuStreamSynchronize", stream);
}

CUresult cuStreamAddCallback(CUstream stream, CUstreamCallback *callback, void *userdata, unsigned int flags)
{
    (void)flags;
    CUresult r = check_handle("cuStreamAddCallback", stream);
    if (r == CUDA_SUCCESS)
        callback(stream, CUDA_SUCCESS, userdata);   /* the stream's work is already done */
    return r;
}

CUresult cuEventCreate(CUevent *event, unsigned int flags)
{
    (void)flags;
    CUresult r = check_current("cuEventCreate");
    if (r != CUDA_SUCCESS)
        return r;
    CUevent e = calloc(1, sizeof(*e));
    if (!e)
        return ERR_OUT_OF_MEMORY;
    if ((r = new_handle(e)) != CUDA_SUCCESS) {
        free(e);
        return r;
    }
    *event = e;
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent event)
{
    return free_handle("cuEventDestroy", event);
}

CUresult cuEventRecord(CUevent event, CUstream stream)
{
    CUresult r = check_handle("cuEventRecord", stream);
    if (r == CUDA_SUCCESS && !event)
        r = ERR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS && (r = check_handle("cuEventRecord", event)) == CUDA_SUCCESS)
        event->recorded = 1;
    return r;
}

CUresult cuEventQuery(CUevent event)
{
    return event ? check_handle("cuEventQuery", event) : ERR_INVALID_HANDLE;
}

CUresult cuEventSynchronize(CUevent event)
{
    return event ? check_handle("cuEventSynchronize", event) : ERR_INVALID_HANDLE;
}

/* --------------------------------------------------- primary contexts */

static primary_context *primary(CUdevice dev)
{
    return dev >= 0 && dev < MAX_DEVICES ? &primaries[dev] : NULL;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
{
    CUresult r = check_device(dev);
    primary_context *p = primary(dev);
    if (r != CUDA_SUCCESS || !p)
        return r != CUDA_SUCCESS ? r : ERR_INVALID_DEVICE;
    pthread_mutex_lock(&lock);
    int fresh = !p->refs;
    pthread_mutex_unlock(&lock);
    if (fresh && !(p->ctx = new_context(dev, 1)))
        return ERR_OUT_OF_MEMORY;
    pthread_mutex_lock(&lock);
    p->refs++;
    pthread_mutex_unlock(&lock);
    *pctx = p->ctx;   /* retained, not made current */
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease(CUdevice dev)
{
    CUresult r = check_device(dev);
    primary_context *p = primary(dev);
    if (r != CUDA_SUCCESS || !p)
        return r != CUDA_SUCCESS ? r : ERR_INVALID_DEVICE;
    if (!p->refs) {
        violation("cuDevicePrimaryCtxRelease of device %d without a retain", dev);
        return ERR_INVALID_CONTEXT;
    }
    if (--p->refs == 0) {
        for (int d = 0; d < depth; d++)
            if (stack[d] == p->ctx)
                violation("the primary context was released while still on this thread's stack");
        free_context(p->ctx);
        p->ctx = NULL;
    }
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags)
{
    CUresult r = check_device(dev);
    primary_context *p = primary(dev);
    if (r != CUDA_SUCCESS || !p)
        return r != CUDA_SUCCESS ? r : ERR_INVALID_DEVICE;
    if (p->refs)
        return ERR_PRIMARY_CONTEXT_ACTIVE;   /* as drivers before CUDA 11.0 report */
    p->flags = flags;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
{
    CUresult r = check_device(dev);
    primary_context *p = primary(dev);
    if (r != CUDA_SUCCESS || !p)
        return r != CUDA_SUCCESS ? r : ERR_INVALID_DEVICE;
    *flags = p->flags;
    *active = p->refs > 0;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxReset(CUdevice dev)
{
    CUresult r = check_device(dev);
    primary_context *p = primary(dev);
    if (r != CUDA_SUCCESS || !p)
        return r != CUDA_SUCCESS ? r : ERR_INVALID_DEVICE;
    if (p->refs)
        violation("cuDevicePrimaryCtxReset of device %d while %d retain(s) are live", dev, p->refs);
    return CUDA_SUCCESS;
}

/* ------------------------------------------------------------- errors */

static const char *error_name(CUresult r)
{
    switch ((int)r) {
    case 0: return "CUDA_SUCCESS";
    case 1: return "CUDA_ERROR_INVALID_VALUE";
    case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
    case 3: return "CUDA_ERROR_NOT_INITIALIZED";
    case 100: return "CUDA_ERROR_NO_DEVICE";
    case 101: return "CUDA_ERROR_INVALID_DEVICE";
    case 201: return "CUDA_ERROR_INVALID_CONTEXT";
    case 400: return "CUDA_ERROR_INVALID_HANDLE";
    case 708: return "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE";
    case 801: return "CUDA_ERROR_NOT_SUPPORTED";
    default: return NULL;
    }
}

CUresult cuGetErrorName(CUresult error, const char **str)
{
    *str = error_name(error);
    return *str ? CUDA_SUCCESS : ERR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char **str)
{
    *str = error_name(error);
    return *str ? CUDA_SUCCESS : ERR_INVALID_VALUE;
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
    for (int i = 0; i < MAX_HANDLES; i++)
        if (handles[i]) {
            fprintf(stderr, "libcuda stand-in: LEAK: stream or event %p was never destroyed\n", handles[i]);
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
