/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * CUDA driver entry points that FFmpeg's loader (nv-codec-headers'
 * dynlink_loader.h, cuda_load_functions) requires to exist but that neither
 * hwenc nor FFmpeg's h264_nvenc and hwupload_cuda call: kernels, modules,
 * textures, arrays and OpenGL interop. A real driver runs them on the GPU;
 * the stand-in has no GPU to run them on, so each one says so on stderr and
 * returns CUDA_ERROR_NOT_SUPPORTED (an error every CUDA client must handle)
 * rather than pretending to have done the work.
 */
#include <stdio.h>

#include <ffnvcodec/dynlink_cuda.h>

#define NOT_SUPPORTED ((CUresult)801)

/* None of the arguments is looked at. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

static CUresult unmodelled(const char *name)
{
    fprintf(stderr, "libcuda stand-in: %s is not modelled (no GPU to run it on): CUDA_ERROR_NOT_SUPPORTED\n", name);
    return NOT_SUPPORTED;
}

CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int shared, CUstream stream, void **params,
                        void **extra);
CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int shared, CUstream stream, void **params,
                        void **extra)
{
    return unmodelled("cuLaunchKernel");
}

/* One definition each, with the header's signature. */
#define UNMODELLED(name, ...)                 \
    CUresult name(__VA_ARGS__);               \
    CUresult name(__VA_ARGS__)                \
    {                                         \
        return unmodelled(#name);             \
    }

UNMODELLED(cuLinkCreate, unsigned int n, CUjit_option *o, void **v, CUlinkState *s)
UNMODELLED(cuLinkAddData, CUlinkState s, CUjitInputType t, void *d, size_t n, const char *name, unsigned int no,
           CUjit_option *o, void **v)
UNMODELLED(cuLinkComplete, CUlinkState s, void **cubin, size_t *size)
UNMODELLED(cuLinkDestroy, CUlinkState s)
UNMODELLED(cuModuleLoadData, CUmodule *m, const void *image)
UNMODELLED(cuModuleUnload, CUmodule m)
UNMODELLED(cuModuleGetFunction, CUfunction *f, CUmodule m, const char *name)
UNMODELLED(cuModuleGetGlobal, CUdeviceptr *p, size_t *n, CUmodule m, const char *name)
UNMODELLED(cuTexObjectCreate, CUtexObject *t, const CUDA_RESOURCE_DESC *r, const CUDA_TEXTURE_DESC *d,
           const CUDA_RESOURCE_VIEW_DESC *v)
UNMODELLED(cuTexObjectDestroy, CUtexObject t)
UNMODELLED(cuGLGetDevices_v2, unsigned int *n, CUdevice *d, unsigned int max, CUGLDeviceList l)
UNMODELLED(cuGraphicsGLRegisterImage, CUgraphicsResource *r, GLuint image, GLenum target, unsigned int flags)
UNMODELLED(cuGraphicsUnregisterResource, CUgraphicsResource r)
UNMODELLED(cuGraphicsMapResources, unsigned int n, CUgraphicsResource *r, CUstream s)
UNMODELLED(cuGraphicsUnmapResources, unsigned int n, CUgraphicsResource *r, CUstream s)
UNMODELLED(cuGraphicsSubResourceGetMappedArray, CUarray *a, CUgraphicsResource r, unsigned int i, unsigned int l)
UNMODELLED(cuGraphicsResourceGetMappedPointer_v2, CUdeviceptr *p, size_t *n, CUgraphicsResource r)
UNMODELLED(cuArray3DCreate_v2, CUarray *a, const CUDA_ARRAY3D_DESCRIPTOR *d)
UNMODELLED(cuArrayDestroy, CUarray a)
