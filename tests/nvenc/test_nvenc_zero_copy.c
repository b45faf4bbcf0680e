/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Zero-copy input through the public API: frames live in "device" memory of
 * the stand-in libcuda (host memory behind CUdeviceptr), allocated in a
 * context the test creates and hands in as external.cuda_context, and are
 * sent with hwenc_frame.cuda_ptr / cuda_pitch. The stream is decoded with
 * libavcodec and compared with the source. The stand-in NVENC checks every
 * registration against the stand-in libcuda's allocations, and the stand-in
 * libcuda fails the process at exit on a leaked context or allocation.
 *
 * Also the refusals: cuda_ptr on the CPU backend or without the
 * application's CUDA context, and pitches the layout cannot have.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ffnvcodec/dynlink_cuda.h>

#include "tests/common/avdecode.h"
#include "tools/media/clipgen.h"
#include "hwenc/hwenc.h"
#include "tests/nvenc/test_nvenc.h"

#define W 176
#define H 144
#define MAX_FRAMES 24

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

/* The stand-in libcuda.so.1, found through LD_LIBRARY_PATH as the library
 * finds it: both get the same instance, so the test's context and memory
 * are the ones the encoder sees. */
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
            dlclose(cu->handle);
            cu->handle = NULL;
            return -1;
        }
        memcpy(syms[i].dst, &f, sizeof(f));
    }
    return 0;
}

/* A new context, left not current (as an application that created it on
 * another thread would leave it). */
static int create_context(cuda_fns *cu, CUcontext *ctx)
{
    CUcontext dummy;
    *ctx = NULL;
    if (cu->init(0) != CUDA_SUCCESS || cu->ctx_create(ctx, 0, 0) != CUDA_SUCCESS)
        return -1;
    return cu->ctx_pop(&dummy) == CUDA_SUCCESS ? 0 : -1;
}

int test_cuda_context_create(void **ctx, void **handle, char *msg, size_t n)
{
    cuda_fns cu;
    CUcontext c;
    if (load_cuda(&cu, msg, n) < 0)
        return -1;
    if (create_context(&cu, &c) < 0) {
        snprintf(msg, n, "creating a CUDA context in the stand-in failed");
        if (c)
            cu.ctx_destroy(c);
        dlclose(cu.handle);
        return -1;
    }
    *ctx = c;
    *handle = cu.handle;
    return 0;
}

void test_cuda_context_destroy(void *ctx, void *handle)
{
    tcuCtxDestroy_v2 *destroy;
    void *f = dlsym(handle, "cuCtxDestroy_v2");
    memcpy(&destroy, &f, sizeof(f));
    if (destroy)
        destroy(ctx);
    dlclose(handle);
}

/* ------------------------------------------------------------ encoding */

typedef struct zc_case {
    const char *name;
    enum hwenc_pixel_format format;
    int pitch;
    int keyint;
    int frames;
    /* Device buffers the frames cycle through: fewer than frames reuses
     * registrations; more than the backend's 16 registrations evicts. */
    int buffers;
    enum hwenc_rate_control rc;  /* VBR turns on the look-ahead: frames are held */
} zc_case;

typedef struct zc_run {
    cuda_fns cu;
    CUcontext ctx;
    CUdeviceptr buf[MAX_FRAMES];
    int buf_frame[MAX_FRAMES];   /* the frame last copied into each buffer */
    hwenc_encoder *enc;
    uint8_t *source[MAX_FRAMES];
    uint8_t *stream;
    size_t size, capacity;
    int packets, keyframes;
} zc_run;

/* Source frame (tightly packed I420) into the device layout hwenc.h
 * documents: luma rows at pitch, then NV12's interleaved UV rows at pitch,
 * or I420's U rows then V rows at pitch / 2. Padding is filled with a value
 * that would show if the encoder read it. */
static void pack_frame(const uint8_t *i420, enum hwenc_pixel_format fmt, int pitch, uint8_t *dst)
{
    memset(dst, 0xA5, (size_t)pitch * H * 3 / 2);
    for (int y = 0; y < H; y++)
        memcpy(dst + (size_t)y * pitch, i420 + y * W, W);
    const uint8_t *u = i420 + W * H, *v = u + W * H / 4;
    uint8_t *chroma = dst + (size_t)pitch * H;
    for (int y = 0; y < H / 2; y++) {
        if (fmt == HWENC_PIXFMT_NV12) {
            for (int x = 0; x < W / 2; x++) {
                chroma[y * pitch + 2 * x] = u[y * W / 2 + x];
                chroma[y * pitch + 2 * x + 1] = v[y * W / 2 + x];
            }
        } else {
            memcpy(chroma + y * (pitch / 2), u + y * W / 2, W / 2);
            memcpy(chroma + (size_t)(pitch / 2) * (H / 2) + y * (pitch / 2), v + y * W / 2, W / 2);
        }
    }
}

/* Receives every packet there is; checks they come in display order. */
static int drain(zc_run *r, char *msg, size_t n)
{
    hwenc_packet pkt;
    int ret;
    while ((ret = hwenc_receive_packet(r->enc, &pkt)) == 0) {
        if (pkt.pts != r->packets)
            return snprintf(msg, n, "packet %d carries pts %lld", r->packets, (long long)pkt.pts), -1;
        if (r->size + pkt.size > r->capacity)
            return snprintf(msg, n, "stream larger than %zu bytes", r->capacity), -1;
        memcpy(r->stream + r->size, pkt.data, pkt.size);
        r->size += pkt.size;
        r->keyframes += pkt.keyframe;
        r->packets++;
    }
    if (ret == HWENC_EAGAIN || ret == HWENC_EOF)
        return 0;
    return snprintf(msg, n, "receive: %s: %s", hwenc_error_string(ret), hwenc_last_error(r->enc)), -1;
}

/* Copies frame i into its device buffer, after checking that the frame
 * that used the buffer before has come back: hwenc.h asks the memory to stay
 * unchanged until then. */
static int upload(zc_run *r, const zc_case *c, int i, uint8_t *staging, char *msg, size_t n)
{
    int b = i % c->buffers;
    if (r->buf_frame[b] >= r->packets)
        return snprintf(msg, n, "frame %d is still in flight when buffer %d is needed again", r->buf_frame[b], b), -1;
    pack_frame(r->source[i], c->format, c->pitch, staging);
    CUcontext dummy;
    if (r->cu.ctx_push(r->ctx) != CUDA_SUCCESS)
        return snprintf(msg, n, "cuCtxPushCurrent failed"), -1;
    CUresult res = r->cu.memcpy_htod(r->buf[b], staging, (size_t)c->pitch * H * 3 / 2);
    r->cu.ctx_pop(&dummy);
    if (res != CUDA_SUCCESS)
        return snprintf(msg, n, "cuMemcpyHtoD failed (%d)", (int)res), -1;
    r->buf_frame[b] = i;
    return 0;
}

static int encode_case(zc_run *r, const zc_case *c, char *msg, size_t n)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = HWENC_BACKEND_NVENC;
    cfg.width = W;
    cfg.height = H;
    cfg.fps_num = 25;
    cfg.fps_den = 1;
    cfg.pixel_format = c->format;
    cfg.keyint = c->keyint;
    cfg.scenecut = 0;
    cfg.qp = 24;
    cfg.rc_mode = c->rc;
    if (c->rc != HWENC_RC_CQP)
        cfg.bitrate_kbps = 600;
    cfg.external.cuda_context = r->ctx;
    char err[512];
    int ret = hwenc_open_ex(&cfg, &r->enc, err, sizeof(err));
    if (ret < 0)
        return snprintf(msg, n, "open: %s", err), -1;
    uint8_t *staging = malloc((size_t)c->pitch * H * 3 / 2);
    if (!staging)
        return snprintf(msg, n, "out of memory"), -1;
    ret = 0;
    for (int i = 0; ret == 0 && i < c->frames; i++) {
        if ((ret = upload(r, c, i, staging, msg, n)) < 0)
            break;
        hwenc_frame f;
        memset(&f, 0, sizeof(f));   /* plane[] NULL: the device pointer is all there is */
        f.pts = i;
        f.cuda_ptr = (uint64_t)r->buf[i % c->buffers];
        f.cuda_pitch = c->pitch;
        int s = hwenc_send_frame(r->enc, &f);
        if (s < 0) {
            snprintf(msg, n, "send %d: %s: %s", i, hwenc_error_string(s), hwenc_last_error(r->enc));
            ret = -1;
            break;
        }
        ret = drain(r, msg, n);
    }
    free(staging);
    if (ret == 0 && (ret = hwenc_send_frame(r->enc, NULL)) < 0)
        snprintf(msg, n, "flush: %s", hwenc_last_error(r->enc));
    if (ret == 0)
        ret = drain(r, msg, n);
    if (ret == 0 && r->packets != c->frames)
        return snprintf(msg, n, "%d packets for %d frames", r->packets, c->frames), -1;
    return ret;
}

static int check_stream(const zc_run *r, const zc_case *c, char *msg, size_t n)
{
    int expect_keys = c->keyint == 1 ? c->frames : (c->frames + c->keyint - 1) / c->keyint;
    if (r->keyframes != expect_keys)
        return snprintf(msg, n, "%d key frames, expected %d for keyint %d", r->keyframes, expect_keys, c->keyint), -1;
    decoded_video dec = { 0 };
    char err[256];
    if (avdecode_h264(r->stream, r->size, &dec, err, sizeof(err)) < 0)
        return snprintf(msg, n, "libavcodec: %s", err), -1;
    int ret = 0;
    double worst = 1e9;
    if (dec.frame_count != c->frames || dec.width != W || dec.height != H) {
        snprintf(msg, n, "decoded %d frames of %dx%d", dec.frame_count, dec.width, dec.height);
        ret = -1;
    }
    for (int i = 0; ret == 0 && i < c->frames; i++) {
        double psnr = psnr_i420(dec.frames[i], r->source[i], W, H);
        worst = psnr < worst ? psnr : worst;
        if (psnr < TEST_MIN_PSNR) {
            snprintf(msg, n, "frame %d: PSNR %.2f dB below %.1f", i, psnr, TEST_MIN_PSNR);
            ret = -1;
        }
    }
    decoded_video_free(&dec);
    if (ret == 0)
        printf("zero copy %s: %d frames, %d key frames, %zu bytes, worst PSNR %.2f dB\n", c->name, c->frames,
               r->keyframes, r->size, worst);
    return ret;
}

static int run_case(const zc_case *c, char *msg, size_t n)
{
    zc_run r;
    memset(&r, 0, sizeof(r));
    for (int b = 0; b < MAX_FRAMES; b++)
        r.buf_frame[b] = -1;
    if (load_cuda(&r.cu, msg, n) < 0)
        return -1;
    int ret = -1;
    CUcontext dummy;
    if (create_context(&r.cu, &r.ctx) < 0) {
        snprintf(msg, n, "cannot create a CUDA context");
        goto done;
    }
    r.cu.ctx_push(r.ctx);
    for (int b = 0; b < c->buffers; b++)
        if (r.cu.mem_alloc(&r.buf[b], (size_t)c->pitch * H * 3 / 2) != CUDA_SUCCESS) {
            snprintf(msg, n, "cuMemAlloc failed");
            r.cu.ctx_pop(&dummy);
            goto done;
        }
    r.cu.ctx_pop(&dummy);
    r.capacity = (size_t)c->frames * W * H * 2 + 4096;
    r.stream = malloc(r.capacity);
    for (int i = 0; i < c->frames; i++)
        if ((r.source[i] = malloc(W * H * 3 / 2)))
            clipgen_frame_i420(CLIPGEN_PAN, W, H, i, 7, r.source[i]);
    if (!r.stream || !r.source[c->frames - 1]) {
        snprintf(msg, n, "out of memory");
        goto done;
    }
    if (encode_case(&r, c, msg, n) == 0)
        ret = check_stream(&r, c, msg, n);
done:
    /* The encoder first: it unregisters the buffers before they are freed. */
    hwenc_close(r.enc);
    if (r.ctx) {
        r.cu.ctx_push(r.ctx);
        for (int b = 0; b < c->buffers; b++)
            if (r.buf[b])
                r.cu.mem_free(r.buf[b]);
        r.cu.ctx_pop(&dummy);
        r.cu.ctx_destroy(r.ctx);
    }
    for (int i = 0; i < c->frames; i++)
        free(r.source[i]);
    free(r.stream);
    dlclose(r.cu.handle);
    return ret;
}

int test_zero_copy(char *msg, size_t n)
{
    static const zc_case cases[] = {
        { "NV12 intra, 3 buffers", HWENC_PIXFMT_NV12, 256, 1, 12, 3, HWENC_RC_CQP },
        { "NV12 IPPP, 3 buffers", HWENC_PIXFMT_NV12, 256, 6, 12, 3, HWENC_RC_CQP },
        /* 20 distinct buffers: more than the 16 registrations the backend
         * keeps, so old ones are evicted and re-registered. */
        { "I420 IPPP, 20 buffers", HWENC_PIXFMT_I420, 192, 8, 20, 20, HWENC_RC_CQP },
        { "NV12 VBR look-ahead, 20 buffers", HWENC_PIXFMT_NV12, 180, 10, 20, 20, HWENC_RC_VBR },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char m[400] = "";
        if (run_case(&cases[i], m, sizeof(m)) < 0) {
            snprintf(msg, n, "%s: %s", cases[i].name, m);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ refusals */

/* Sends a frame from host memory and checks that one packet decodes: a
 * refused frame must not have broken the encoder. */
static int send_host_frame(hwenc_encoder *enc, enum hwenc_pixel_format fmt, char *msg, size_t n)
{
    static uint8_t i420[W * H * 3 / 2], nv12[W * H * 3 / 2];
    clipgen_frame_i420(CLIPGEN_OBJECT, W, H, 0, 3, i420);
    hwenc_frame f;
    memset(&f, 0, sizeof(f));
    if (fmt == HWENC_PIXFMT_NV12) {
        memcpy(nv12, i420, W * H);
        for (int k = 0; k < W * H / 4; k++) {
            nv12[W * H + 2 * k] = i420[W * H + k];
            nv12[W * H + 2 * k + 1] = i420[W * H * 5 / 4 + k];
        }
        f.plane[0] = nv12;
        f.plane[1] = nv12 + W * H;
        f.stride[0] = f.stride[1] = W;
    } else {
        f.plane[0] = i420;
        f.plane[1] = i420 + W * H;
        f.plane[2] = i420 + W * H * 5 / 4;
        f.stride[0] = W;
        f.stride[1] = f.stride[2] = W / 2;
    }
    int ret = hwenc_send_frame(enc, &f);
    if (ret < 0)
        return snprintf(msg, n, "a host frame after the refusal: %s: %s", hwenc_error_string(ret),
                        hwenc_last_error(enc)), -1;
    hwenc_send_frame(enc, NULL);
    static uint8_t stream[1 << 18];
    size_t size = 0;
    hwenc_packet pkt;
    while (hwenc_receive_packet(enc, &pkt) == 0 && size + pkt.size <= sizeof(stream)) {
        memcpy(stream + size, pkt.data, pkt.size);
        size += pkt.size;
    }
    decoded_video dec = { 0 };
    char err[256];
    if (avdecode_h264(stream, size, &dec, err, sizeof(err)) < 0)
        return snprintf(msg, n, "after the refusal: libavcodec: %s", err), -1;
    ret = dec.frame_count == 1 && psnr_i420(dec.frames[0], i420, W, H) >= TEST_MIN_PSNR ? 0 : -1;
    if (ret < 0)
        snprintf(msg, n, "after the refusal: %d frames decoded, or a poor picture", dec.frame_count);
    decoded_video_free(&dec);
    return ret;
}

/* One refused send: the error code and a message naming the cause. */
static int expect_refusal(hwenc_encoder *enc, uint64_t ptr, int pitch, int code, const char *text, char *msg,
                          size_t n)
{
    hwenc_frame f;
    memset(&f, 0, sizeof(f));
    f.cuda_ptr = ptr;
    f.cuda_pitch = pitch;
    int ret = hwenc_send_frame(enc, &f);
    printf("cuda_ptr with pitch %d on %s: %s: %s\n", pitch, hwenc_backend_name(hwenc_get_backend(enc)),
           hwenc_error_string(ret), hwenc_last_error(enc));
    if (ret != code)
        return snprintf(msg, n, "pitch %d: %s, expected %s", pitch, hwenc_error_string(ret),
                        hwenc_error_string(code)), -1;
    if (!strstr(hwenc_last_error(enc), text))
        return snprintf(msg, n, "pitch %d: the message '%s' lacks '%s'", pitch, hwenc_last_error(enc), text), -1;
    return 0;
}

static int open_encoder(enum hwenc_backend backend, void *ctx, hwenc_encoder **enc, char *msg, size_t n)
{
    hwenc_config cfg;
    hwenc_config_default(&cfg);
    cfg.backend = backend;
    cfg.width = W;
    cfg.height = H;
    cfg.qp = 24;
    cfg.pixel_format = HWENC_PIXFMT_NV12;
    cfg.threads = 1;
    cfg.external.cuda_context = ctx;
    char err[512];
    if (hwenc_open_ex(&cfg, enc, err, sizeof(err)) < 0)
        return snprintf(msg, n, "open %s: %s", hwenc_backend_name(backend), err), -1;
    if (hwenc_get_backend(*enc) != backend)
        return snprintf(msg, n, "opened %s, not %s", hwenc_backend_name(hwenc_get_backend(*enc)),
                        hwenc_backend_name(backend)), -1;
    return 0;
}

int test_zero_copy_refusals(char *msg, size_t n)
{
    cuda_fns cu;
    if (load_cuda(&cu, msg, n) < 0)
        return -1;
    CUcontext ctx = NULL, dummy;
    CUdeviceptr buf = 0;
    hwenc_encoder *enc = NULL;
    const int pitch = 256;
    int ret = -1;
    if (create_context(&cu, &ctx) < 0) {
        snprintf(msg, n, "cannot create a CUDA context");
        goto done;
    }
    cu.ctx_push(ctx);
    CUresult res = cu.mem_alloc(&buf, (size_t)pitch * H * 3 / 2);
    cu.ctx_pop(&dummy);
    if (res != CUDA_SUCCESS) {
        snprintf(msg, n, "cuMemAlloc failed");
        goto done;
    }

    /* A real device allocation with a valid pitch: only the backend is wrong. */
    if (open_encoder(HWENC_BACKEND_CPU, NULL, &enc, msg, n) < 0 ||
        expect_refusal(enc, buf, pitch, HWENC_EUNSUPPORTED, "NVENC", msg, n) < 0 ||
        send_host_frame(enc, HWENC_PIXFMT_NV12, msg, n) < 0)
        goto done;
    hwenc_close(enc);
    enc = NULL;

    /* NVENC on a context of its own: the memory is the application's, in
     * a context the session does not run on. */
    if (open_encoder(HWENC_BACKEND_NVENC, NULL, &enc, msg, n) < 0 ||
        expect_refusal(enc, buf, pitch, HWENC_EINVAL, "external.cuda_context", msg, n) < 0)
        goto done;
    hwenc_close(enc);
    enc = NULL;

    /* NVENC: below the width, and not a multiple of 4 (though wide enough). */
    if (open_encoder(HWENC_BACKEND_NVENC, ctx, &enc, msg, n) < 0 ||
        expect_refusal(enc, buf, W - 4, HWENC_EINVAL, "cuda_pitch", msg, n) < 0 ||
        expect_refusal(enc, buf, W + 2, HWENC_EINVAL, "cuda_pitch", msg, n) < 0 ||
        expect_refusal(enc, buf, 0, HWENC_EINVAL, "cuda_pitch", msg, n) < 0 ||
        send_host_frame(enc, HWENC_PIXFMT_NV12, msg, n) < 0)
        goto done;
    ret = 0;
done:
    hwenc_close(enc);
    if (ctx) {
        cu.ctx_push(ctx);
        if (buf)
            cu.mem_free(buf);
        cu.ctx_pop(&dummy);
        cu.ctx_destroy(ctx);
    }
    dlclose(cu.handle);
    return ret;
}
