/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The zero-copy input path, driven below the public API: the public
 * hwenc_frame has no CUDA pointer field yet, so this harness plans pictures
 * with the HAL's own GOP code and hands them to the NVENC backend with
 * nvenc_send_cuda_picture(). Frames live in "device" memory of the
 * stand-in libcuda (host memory behind CUdeviceptr), in a context the test
 * creates and passes in as the application's, and cycle through three
 * buffers so that registrations are reused.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avdecode.h"
#include "clipgen.h"
#include "gop.h"
#include "hal.h"
#include "nvenc.h"
#include "test_nvenc.h"

#define W 176
#define H 144
#define FRAMES 12
#define BUFFERS 3
#define PITCH 256

typedef struct cuda_fns {
    void *handle;
    tcuInit *init;
    tcuCtxCreate_v2 *ctx_create;
    tcuCtxDestroy_v2 *ctx_destroy;
    tcuCtxPushCurrent_v2 *ctx_push;
    tcuCtxPopCurrent_v2 *ctx_pop;
    tcuMemAlloc_v2 *mem_alloc;
    tcuMemFree_v2 *mem_free;
    tcuMemcpyHtoD_v2 *memcpy_htod;
} cuda_fns;

static int load_cuda(cuda_fns *cu, char *msg, size_t n)
{
    memset(cu, 0, sizeof(*cu));
    if (!(cu->handle = dlopen("libcuda.so.1", RTLD_NOW))) {
        snprintf(msg, n, "cannot load the stand-in libcuda.so.1: %s", dlerror());
        return -1;
    }
    struct { const char *name; void *dst; } syms[] = {
        { "cuInit", &cu->init }, { "cuCtxCreate_v2", &cu->ctx_create }, { "cuCtxDestroy_v2", &cu->ctx_destroy },
        { "cuCtxPushCurrent_v2", &cu->ctx_push }, { "cuCtxPopCurrent_v2", &cu->ctx_pop },
        { "cuMemAlloc_v2", &cu->mem_alloc }, { "cuMemFree_v2", &cu->mem_free },
        { "cuMemcpyHtoD_v2", &cu->memcpy_htod },
    };
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        void *f = dlsym(cu->handle, syms[i].name);
        if (!f) {
            snprintf(msg, n, "stand-in libcuda lacks %s", syms[i].name);
            return -1;
        }
        memcpy(syms[i].dst, &f, sizeof(f));
    }
    return 0;
}

int test_cuda_context_create(void **ctx, void **handle, char *msg, size_t n)
{
    cuda_fns cu;
    if (load_cuda(&cu, msg, n) < 0)
        return -1;
    CUcontext c, dummy;
    if (cu.init(0) != CUDA_SUCCESS || cu.ctx_create(&c, 0, 0) != CUDA_SUCCESS || cu.ctx_pop(&dummy) != CUDA_SUCCESS) {
        snprintf(msg, n, "creating a CUDA context in the stand-in failed");
        dlclose(cu.handle);
        return -1;
    }
    *ctx = c;
    *handle = cu.handle;
    return 0;
}

void test_cuda_context_destroy(void *ctx, void *handle)
{
    cuda_fns cu;
    char msg[64];
    if (load_cuda(&cu, msg, sizeof(msg)) == 0) {
        cu.ctx_destroy(ctx);
        dlclose(cu.handle);
    }
    dlclose(handle);
}

/* The source frame i as NV12 at PITCH, luma then chroma, as NVENC reads a
 * CUDA device pointer. */
static void pack_nv12(const uint8_t *i420, uint8_t *dst)
{
    memset(dst, 0, (size_t)PITCH * H * 3 / 2);
    for (int y = 0; y < H; y++)
        memcpy(dst + y * PITCH, i420 + y * W, W);
    const uint8_t *u = i420 + W * H, *v = u + W * H / 4;
    for (int y = 0; y < H / 2; y++)
        for (int x = 0; x < W / 2; x++) {
            dst[PITCH * H + y * PITCH + 2 * x] = u[y * W / 2 + x];
            dst[PITCH * H + y * PITCH + 2 * x + 1] = v[y * W / 2 + x];
        }
}

typedef struct harness {
    cuda_fns cu;
    CUcontext ctx;
    CUdeviceptr buf[BUFFERS];
    hwenc_config cfg;
    h264_sps sps;
    h264_pps pps;
    uint8_t ps[256];
    void *priv;
    uint8_t *stream;
    size_t size;
    uint8_t *source[FRAMES];
} harness;

static int drain(harness *t, int flush, int *packets, char *msg, size_t n)
{
    hal_packet pkt;
    char err[256] = "";
    int ret;
    while ((ret = hal_backend_nvenc.receive_packet(t->priv, flush, &pkt, err, sizeof(err))) == 0) {
        if (pkt.display_index != *packets) {
            snprintf(msg, n, "packet %d is picture %lld", *packets, (long long)pkt.display_index);
            return -1;
        }
        memcpy(t->stream + t->size, pkt.data, pkt.size);
        t->size += pkt.size;
        (*packets)++;
    }
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return 0;
    snprintf(msg, n, "receive: %s", err);
    return -1;
}

static int encode_all(harness *t, char *msg, size_t n)
{
    h264_stream_desc d = { .width = W, .height = H, .fps_num = 25, .fps_den = 1, .profile_idc = H264_PROFILE_BASELINE,
                           .max_refs = t->cfg.ref_frames, .qp = t->cfg.qp, .deblock = 1 };
    char err[256] = "";
    if (h264_stream_init(&d, &t->sps, &t->pps, err, sizeof(err)) < 0)
        return snprintf(msg, n, "%s", err), -1;
    size_t ps = h264_write_parameter_sets(t->ps, sizeof(t->ps), &t->sps, &t->pps);
    hal_session s = { .config = &t->cfg, .sps = &t->sps, .pps = &t->pps, .parameter_sets = t->ps,
                      .parameter_sets_size = ps, .dpb_slots = t->sps.max_num_ref_frames + 1 };
    hal_caps caps = { 0 };
    if (hal_backend_nvenc.open(&s, &t->priv, &caps, err, sizeof(err)) < 0)
        return snprintf(msg, n, "open: %s", err), -1;
    gop_state gop;
    gop_init(&gop, &t->cfg, &t->sps, &t->pps, s.dpb_slots, caps.max_refs < t->cfg.ref_frames ? caps.max_refs : t->cfg.ref_frames);
    uint8_t staging[PITCH * H * 3 / 2];
    int packets = 0;
    for (int i = 0; i < FRAMES; i++) {
        hal_picture pic;
        memset(&pic, 0, sizeof(pic));
        gop_plan(&gop, 0, &pic);
        pic.pts = i;
        pack_nv12(t->source[i], staging);
        CUdeviceptr buf = t->buf[i % BUFFERS];
        CUcontext dummy;
        t->cu.ctx_push(t->ctx);
        CUresult r = t->cu.memcpy_htod(buf, staging, sizeof(staging));
        t->cu.ctx_pop(&dummy);
        if (r != CUDA_SUCCESS)
            return snprintf(msg, n, "cuMemcpyHtoD failed"), -1;
        if (nvenc_send_cuda_picture(t->priv, &pic, buf, PITCH, err, sizeof(err)) < 0)
            return snprintf(msg, n, "send %d: %s", i, err), -1;
        gop_commit(&gop, &pic);
        if (drain(t, 0, &packets, msg, n) < 0)
            return -1;
    }
    if (drain(t, 1, &packets, msg, n) < 0)
        return -1;
    if (packets != FRAMES)
        return snprintf(msg, n, "%d packets for %d frames", packets, FRAMES), -1;
    return 0;
}

static int check_stream(const harness *t, char *msg, size_t n)
{
    decoded_video dec = { 0 };
    char err[256];
    if (avdecode_h264(t->stream, t->size, &dec, err, sizeof(err)) < 0)
        return snprintf(msg, n, "libavcodec: %s", err), -1;
    int ret = 0;
    if (dec.frame_count != FRAMES || dec.width != W || dec.height != H) {
        snprintf(msg, n, "decoded %d frames of %dx%d", dec.frame_count, dec.width, dec.height);
        ret = -1;
    }
    for (int i = 0; ret == 0 && i < FRAMES; i++) {
        double psnr = psnr_i420(dec.frames[i], t->source[i], W, H);
        if (psnr < TEST_MIN_PSNR) {
            snprintf(msg, n, "frame %d: PSNR %.2f dB below %.1f", i, psnr, TEST_MIN_PSNR);
            ret = -1;
        }
    }
    decoded_video_free(&dec);
    return ret;
}

int test_zero_copy(int keyint, char *msg, size_t n)
{
    harness t;
    memset(&t, 0, sizeof(t));
    int ret = -1;
    if (load_cuda(&t.cu, msg, n) < 0)
        return -1;
    CUcontext dummy;
    if (t.cu.init(0) != CUDA_SUCCESS || t.cu.ctx_create(&t.ctx, 0, 0) != CUDA_SUCCESS) {
        snprintf(msg, n, "cannot create a CUDA context");
        goto done;
    }
    for (int i = 0; i < BUFFERS; i++)
        if (t.cu.mem_alloc(&t.buf[i], (size_t)PITCH * H * 3 / 2) != CUDA_SUCCESS) {
            snprintf(msg, n, "cuMemAlloc failed");
            t.cu.ctx_pop(&dummy);
            goto done;
        }
    t.cu.ctx_pop(&dummy);

    hwenc_config_default(&t.cfg);
    t.cfg.width = W;
    t.cfg.height = H;
    t.cfg.pixel_format = HWENC_PIXFMT_NV12;
    t.cfg.qp = 24;
    t.cfg.keyint = keyint;
    t.cfg.backend = HWENC_BACKEND_NVENC;
    t.cfg.external.cuda_context = t.ctx;
    t.stream = malloc((size_t)FRAMES * W * H * 2 + 4096);
    for (int i = 0; i < FRAMES; i++)
        if ((t.source[i] = malloc(W * H * 3 / 2)))
            clipgen_frame_i420(CLIPGEN_PAN, W, H, i, 7, t.source[i]);
    if (!t.stream || !t.source[FRAMES - 1])
        goto done;
    if (encode_all(&t, msg, n) == 0)
        ret = check_stream(&t, msg, n);
done:
    if (t.priv)
        hal_backend_nvenc.close(t.priv);
    if (t.ctx) {
        t.cu.ctx_push(t.ctx);
        for (int i = 0; i < BUFFERS; i++)
            if (t.buf[i])
                t.cu.mem_free(t.buf[i]);
        t.cu.ctx_pop(&dummy);
        t.cu.ctx_destroy(t.ctx);
    }
    for (int i = 0; i < FRAMES; i++)
        free(t.source[i]);
    free(t.stream);
    dlclose(t.cu.handle);
    return ret;
}
