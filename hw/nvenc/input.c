/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Picture input, two ways: a copy into a system-memory input buffer of the
 * pool (lock, copy row by row at the pitch the driver returns, unlock), or
 * zero copy from a CUDA device pointer registered with the session and
 * mapped for the picture, unmapped once its bitstream has been read.
 */
#include <stdio.h>
#include <string.h>

#include "hw/nvenc/nvenc.h"

static void copy_plane(uint8_t *dst, size_t dst_pitch, const uint8_t *src, ptrdiff_t src_stride, size_t width,
                       int height)
{
    for (int y = 0; y < height; y++)
        memcpy(dst + (size_t)y * dst_pitch, src + y * src_stride, width);
}

/* The layout NVENC expects in one buffer: chroma follows pitch * height
 * bytes of luma; IYUV's U and V planes have half the pitch. */
static void copy_frame(const nvenc_session *s, uint8_t *dst, size_t pitch, const nvenc_input *in)
{
    int w = (int)s->init.encodeWidth, h = (int)s->init.encodeHeight;
    copy_plane(dst, pitch, in->plane[0], in->stride[0], (size_t)w, h);
    uint8_t *chroma = dst + pitch * (size_t)h;
    if (s->params.format == NV_ENC_BUFFER_FORMAT_NV12) {
        copy_plane(chroma, pitch, in->plane[1], in->stride[1], (size_t)w, h / 2);
        return;
    }
    copy_plane(chroma, pitch / 2, in->plane[1], in->stride[1], (size_t)w / 2, h / 2);
    copy_plane(chroma + pitch / 2 * (size_t)(h / 2), pitch / 2, in->plane[2], in->stride[2], (size_t)w / 2, h / 2);
}

static int upload_system(nvenc_session *s, nvenc_slot *slot, const nvenc_input *in, NV_ENC_PIC_PARAMS *pic,
                         char *err, size_t err_size)
{
    const NV_ENCODE_API_FUNCTION_LIST *nv = &s->lib.nv;
    NV_ENC_LOCK_INPUT_BUFFER lock;
    memset(&lock, 0, sizeof(lock));
    lock.version = NV_ENC_LOCK_INPUT_BUFFER_VER;
    lock.inputBuffer = slot->input;
    NVENCSTATUS st = nv->nvEncLockInputBuffer(s->encoder, &lock);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncLockInputBuffer", err, err_size);
    copy_frame(s, lock.bufferDataPtr, lock.pitch, in);
    st = nv->nvEncUnlockInputBuffer(s->encoder, slot->input);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncUnlockInputBuffer", err, err_size);
    pic->inputBuffer = slot->input;
    pic->inputPitch = lock.pitch;
    pic->bufferFmt = s->params.format;
    return 0;
}

static void unregister(nvenc_session *s, nvenc_registration *r)
{
    if (r->handle)
        s->lib.nv.nvEncUnregisterResource(s->encoder, r->handle);
    memset(r, 0, sizeof(*r));
}

/* The registration of ptr, registering it (and evicting the least recently
 * used idle one when the table is full) if needed. */
static int find_registration(nvenc_session *s, const nvenc_input *in, nvenc_registration **out, char *err,
                             size_t err_size)
{
    nvenc_registration *victim = NULL;
    for (int i = 0; i < NVENC_MAX_REGISTRATIONS; i++) {
        nvenc_registration *r = &s->regs[i];
        if (r->handle && r->ptr == in->cuda_ptr && r->pitch == in->cuda_pitch) {
            *out = r;
            return 0;
        }
        if (!r->mapped && (!victim || !r->handle || (victim->handle && r->last_use < victim->last_use)))
            victim = r;
    }
    if (!victim) {
        snprintf(err, err_size, "more than %d distinct CUDA frames in flight: receive packets first",
                 NVENC_MAX_REGISTRATIONS);
        return HWENC_EINVAL;
    }
    unregister(s, victim);
    NV_ENC_REGISTER_RESOURCE reg;
    memset(&reg, 0, sizeof(reg));
    reg.version = NV_ENC_REGISTER_RESOURCE_VER;
    reg.resourceType = NV_ENC_INPUT_RESOURCE_TYPE_CUDADEVICEPTR;
    reg.width = s->init.encodeWidth;
    reg.height = s->init.encodeHeight;
    reg.pitch = in->cuda_pitch;
    reg.resourceToRegister = (void *)(uintptr_t)in->cuda_ptr;
    reg.bufferFormat = s->params.format;
    reg.bufferUsage = NV_ENC_INPUT_IMAGE;
    NVENCSTATUS st = s->lib.nv.nvEncRegisterResource(s->encoder, &reg);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncRegisterResource(CUDA device pointer)", err, err_size);
    victim->ptr = in->cuda_ptr;
    victim->pitch = in->cuda_pitch;
    victim->handle = reg.registeredResource;
    *out = victim;
    return 0;
}

static int upload_cuda(nvenc_session *s, nvenc_slot *slot, const nvenc_input *in, NV_ENC_PIC_PARAMS *pic,
                       char *err, size_t err_size)
{
    if (in->cuda_pitch < s->init.encodeWidth || in->cuda_pitch % 4) {
        snprintf(err, err_size, "CUDA frame pitch %u is invalid: it must be at least the width %u and a multiple of 4",
                 in->cuda_pitch, s->init.encodeWidth);
        return HWENC_EINVAL;
    }
    nvenc_registration *r = NULL;
    int ret = find_registration(s, in, &r, err, err_size);
    if (ret < 0)
        return ret;
    NV_ENC_MAP_INPUT_RESOURCE map;
    memset(&map, 0, sizeof(map));
    map.version = NV_ENC_MAP_INPUT_RESOURCE_VER;
    map.registeredResource = r->handle;
    NVENCSTATUS st = s->lib.nv.nvEncMapInputResource(s->encoder, &map);
    if (st != NV_ENC_SUCCESS)
        return nvenc_report(&s->lib, s->encoder, st, "nvEncMapInputResource", err, err_size);
    r->mapped++;
    r->last_use = ++s->use_clock;
    slot->mapped = map.mappedResource;
    slot->reg = (int)(r - s->regs);
    pic->inputBuffer = map.mappedResource;
    pic->inputPitch = in->cuda_pitch;
    pic->bufferFmt = map.mappedBufferFmt;
    return 0;
}

int nvenc_input_upload(nvenc_session *s, nvenc_slot *slot, const nvenc_input *in, NV_ENC_PIC_PARAMS *pic,
                       char *err, size_t err_size)
{
    if (in->cuda_ptr)
        return upload_cuda(s, slot, in, pic, err, err_size);
    return upload_system(s, slot, in, pic, err, err_size);
}

void nvenc_input_release(nvenc_session *s, nvenc_slot *slot)
{
    if (!slot->mapped)
        return;
    s->lib.nv.nvEncUnmapInputResource(s->encoder, slot->mapped);
    slot->mapped = NULL;
    s->regs[slot->reg].mapped--;
}

void nvenc_input_unregister_all(nvenc_session *s)
{
    for (int i = 0; i < NVENC_MAX_REGISTRATIONS; i++)
        unregister(s, &s->regs[i]);
}
